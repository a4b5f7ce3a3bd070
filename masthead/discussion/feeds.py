"""RSS 2.0 feeds of the comments readers can see: the whole site's (/comments/feed/) and each
article's (<article>/feed/, as WordPress had them)."""

import uuid

from django.contrib.syndication.views import Feed
from django.urls import reverse
from django.utils.feedgenerator import Rss201rev2Feed
from wagtail.models import Site

from masthead.discussion import selectors
from masthead.links import canonical_root
from masthead.publishing.models import SiteIdentity
from masthead.templatetags.masthead_tags import xml_text

FEED_LENGTH = 30


def comment_guid(comment) -> str:
    """The comment's lasting name in feeds, which feed readers remember to tell new comments from
    seen ones: not its address, which changes with the site's or the article's, but its id and
    its article's random key (see publishing.feeds.article_guid)."""
    return uuid.uuid5(comment.article.translation_key, f"comment:{comment.pk}").urn


class SiteCommentsFeed(Feed):
    """The newest comments of the whole site, newest first. Make one per request (it keeps the
    request it answers: see publishing.feeds.feed_view)."""

    feed_type = Rss201rev2Feed

    def get_object(self, request, *args, **kwargs):
        self.request = request
        self.site = Site.find_for_request(request)
        self.identity = SiteIdentity.for_site(self.site) if self.site else None
        return kwargs.get("article")

    def site_name(self) -> str:
        return self.identity.name if self.identity else "Masthead"

    def title(self, article=None):
        if article is not None:
            return xml_text(f"Comments on {article.title} – {self.site_name()}")
        return xml_text(f"Comments – {self.site_name()}")

    # Every address on the site's own host (links.canonical_root), as in the article feeds.
    def link(self, article=None):
        if article is not None:
            return article.get_full_url(self.request) + "#comments"
        return canonical_root(self.request) + "/"

    def feed_url(self, article=None):
        return canonical_root(self.request) + self.request.path

    def description(self, article=None):
        if article is not None:
            return xml_text(f"The newest comments on “{article.title}”.")
        return xml_text(f"The newest comments on {self.site_name()}.")

    def items(self, article=None):
        if article is not None:
            return selectors.public_comments(article_id=article.pk)[:FEED_LENGTH]
        if self.site is None:
            return []
        return selectors.public_comments(site_root=self.site.root_page)[:FEED_LENGTH]

    def item_title(self, comment):
        return xml_text(f"Comment on {comment.article.title} by {comment.author_name}")

    def item_description(self, comment):
        # Rendered from the reader's Markdown and sanitised when it was posted; feed readers take
        # an RSS description as HTML.
        return xml_text(comment.body_html)

    def item_link(self, comment):
        # Its lasting address, which leads to the page of the thread that shows it (a comment
        # past the first page is not at the article's own address).
        return canonical_root(self.request) + reverse("discussion:comment", args=[comment.pk])

    def item_guid(self, comment):
        return comment_guid(comment)

    item_guid_is_permalink = False

    def item_pubdate(self, comment):
        return comment.created

    def item_updateddate(self, comment):
        return comment.edited

    def item_author_name(self, comment):
        return xml_text(comment.author_name)


class CachedSiteCommentsFeed:
    """/comments/feed/ as the page cache stores it: under the site's content version (an article
    published, taken down or restricted) and every thread's (a comment published, approved,
    edited, removed: selectors.comments_version), as an article's comments feed is kept with its
    thread. Rendered afresh, it reads the comments of every live article of the site."""

    pk = selectors.SITE_COMMENTS_FEED_CACHE_ID
    page_cache_variant_source = "masthead.discussion.selectors.comments_version"
    # Public comments only: a guest's own comments awaiting moderation are not in it.
    page_cache_personal_cookies = ()
    page_cache_personal_view = None
    page_cache_cookies: dict[str, str] = {}

    def page_cache_query_values(self, request) -> dict[str, str]:
        return {}  # a feed reads none


def site_comments_feed(request):
    from masthead.publishing.page_cache import serve_cached

    return serve_cached(request, CachedSiteCommentsFeed(), lambda: SiteCommentsFeed()(request))


class ArticleCommentsFeed(SiteCommentsFeed):
    """An article's comments, at <article>/feed/ (called from ArticlePage's route)."""
