from django.apps import AppConfig


class PublishingConfig(AppConfig):
    name = "masthead.publishing"
    label = "publishing"
    verbose_name = "Publishing"

    def ready(self):
        from django.db.models.signals import post_delete, post_save
        from wagtail.models import Page, PageViewRestriction, Site
        from wagtail.signals import (
            page_published,
            page_slug_changed,
            page_unpublished,
            post_page_move,
        )

        from masthead.links import site_root_url
        from masthead.publishing.models import AuthorPage, CreditedImage, SiteIdentity
        from masthead.publishing.page_cache import content_changed, edit_saved, slug_changed
        from masthead.publishing.renditions import image_saved
        from masthead.publishing.search_index import author_published
        from masthead.publishing.services import moved_article_pins_release

        # Wagtail has no setting for a site's scheme (wagtail#5303) and builds every full page URL
        # from Site.root_url, whatever the page's type: replaced at its source.
        Site.root_url = property(site_root_url)
        # Signals only invalidate caches (see page_cache) and the search index, and have the worker
        # make a photo's sizes; they change nothing else.
        for signal in (page_published, page_unpublished, post_page_move):
            signal.connect(content_changed, dispatch_uid=f"masthead-content-{id(signal)}")
        page_slug_changed.connect(slug_changed, dispatch_uid="masthead-content-slug")
        # The one write a signal makes: every move (the admin's, a bulk move, the API's, code's
        # page.move) goes through Wagtail's MovePageAction, which sends it; the admin's hooks
        # miss the others, and a pin left behind would come back if the story moved back.
        post_page_move.connect(moved_article_pins_release, dispatch_uid="masthead-pins-move")
        for model in (PageViewRestriction,):
            post_save.connect(
                content_changed, sender=model, dispatch_uid="masthead-content-restriction"
            )
            post_delete.connect(
                content_changed, sender=model, dispatch_uid="masthead-content-restriction-delete"
            )
        post_delete.connect(
            content_changed, sender=Page, dispatch_uid="masthead-content-page-delete"
        )
        # A site's host, port, root page and default status are in every full link of its pages,
        # and decide which site's cached pages a host gets (page_cache.site_address).
        post_save.connect(content_changed, sender=Site, dispatch_uid="masthead-content-site")
        post_delete.connect(
            content_changed, sender=Site, dispatch_uid="masthead-content-site-delete"
        )
        post_save.connect(edit_saved, sender=SiteIdentity, dispatch_uid="masthead-content-identity")
        post_save.connect(edit_saved, sender=CreditedImage, dispatch_uid="masthead-content-image")
        # A photo's sizes are made by the worker, not by its first reader's request.
        post_save.connect(image_saved, sender=CreditedImage, dispatch_uid="masthead-renditions")
        # A deleted image leaves its pages (featured images, galleries) pointing at nothing.
        post_delete.connect(
            content_changed, sender=CreditedImage, dispatch_uid="masthead-content-image-delete"
        )
        # The search index is a cache too: an article's entry holds its authors' names.
        page_published.connect(
            author_published, sender=AuthorPage, dispatch_uid="masthead-search-author"
        )
