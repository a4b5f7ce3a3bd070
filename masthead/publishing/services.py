"""Writes of the publishing app that are not editors' own work in the admin."""

import logging
from datetime import datetime
from pathlib import Path
from urllib.parse import urlsplit

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.db import transaction
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError
from wagtail.contrib.redirects.models import Redirect
from wagtail.models import Page, PageViewRestriction, Site
from wagtail.utils.file import hash_filelike

from masthead.publishing.forms import MOVE_BEHIND_A_ROUTE
from masthead.publishing.models import (
    ArticlePage,
    ArticlePageAuthor,
    AuthorIndexPage,
    AuthorPage,
    CreditedImage,
    HomePage,
    InfoPage,
    SectionPage,
    SectionPinnedArticle,
    SiteIdentity,
)
from masthead.publishing.selectors import author_index, free_child_slug, slug_route_clash
from masthead.text import one_line

logger = logging.getLogger(__name__)


def home_page_ensure(*, title: str, tagline: str = "") -> HomePage:
    """The site's front page, created as the default site's root if there is none yet."""
    home = HomePage.objects.first()
    if home is not None:
        return home
    root = Page.get_first_root_node()
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    home = root.add_child(instance=HomePage(title=title, slug="front-page", tagline=tagline))
    home.save_revision().publish()
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    old_root_id = site.root_page_id
    site.root_page = home
    site.site_name = title
    site.hostname = base.hostname or "localhost"
    site.port = base.port or (443 if base.scheme == "https" else 80)
    site.save()
    # Wagtail's placeholder "Welcome" page is no longer reachable; remove it.
    if old_root_id and old_root_id != home.pk:
        Page.objects.filter(pk=old_root_id, depth=2, content_type__model="page").delete()
    return home


def site_setup(*, name: str = "", tagline: str = "") -> Site:
    """Make this install a site of its own: a front page as the default site's root (replacing
    Wagtail's "Welcome" page), answering at MASTHEAD_BASE_URL (sitemaps, feeds and the front
    page's canonical link name it), and named `name`. Run again, it changes the address and the
    name given and nothing else."""
    name = one_line(name)  # see site_identity_set
    home = home_page_ensure(title=name or "Front page", tagline=tagline)
    site = Site.objects.get(root_page=home)
    base = urlsplit(settings.WAGTAILADMIN_BASE_URL)
    site.hostname = base.hostname or "localhost"
    site.port = base.port or (443 if base.scheme == "https" else 80)
    if name:
        site.site_name = name[: Site._meta.get_field("site_name").max_length]
    site.save()
    if name:
        identity = SiteIdentity.for_site(site)
        site_identity_set(site=site, name=name, tagline=tagline or identity.tagline)
    return site


def site_identity_set(*, site: Site, name: str, tagline: str) -> SiteIdentity:
    """Name the site in its header, footer, feeds, social cards and e-mails (on one line, cut to
    the fields' lengths)."""
    identity = SiteIdentity.for_site(site)
    identity.name = one_line(name)[: SiteIdentity._meta.get_field("name").max_length]
    identity.tagline = tagline[: SiteIdentity._meta.get_field("tagline").max_length]
    identity.save()
    return identity


def section_ensure(*, home: HomePage, slug: str, title: str) -> tuple[SectionPage, bool]:
    """The front page's section with this slug, or a new one, published and in the menu.
    The flag says whether it was created."""
    section = SectionPage.objects.child_of(home).filter(slug=slug).first()
    if section is not None:
        return section, False
    section = home.add_child(instance=SectionPage(title=title, slug=slug, show_in_menus=True))
    section.save_revision().publish()
    return section, True


def author_page_ensure(*, home: HomePage, name: str, role: str = "") -> tuple[AuthorPage, bool]:
    """The author page with this name (whatever its letter case), or a new one with this role
    published under "Our journalists", which is created too if missing. The flag says whether
    it was created (an existing author keeps their role)."""
    author = AuthorPage.objects.filter(title__iexact=name).first()
    if author is not None:
        return author, False
    index = author_index(home=home)
    if index is None:
        index = home.add_child(instance=AuthorIndexPage(title="Our journalists", slug="authors"))
        index.save_revision().publish()
    slug = free_child_slug(parent=index, slug=slugify(name, allow_unicode=True) or "author")
    author = index.add_child(instance=AuthorPage(title=name, slug=slug, role=role))
    author.save_revision().publish()
    return author, True


def image_from_file(
    *, path: Path, title: str, caption: str = "", description: str = ""
) -> tuple[CreditedImage | None, bool]:
    """An image stored from a file, or the one stored before with the same content. None when
    the file is not an image Masthead can read. The flag says whether it was stored now."""
    with path.open("rb") as handle:
        file_hash = hash_filelike(handle)  # as Wagtail stores it in file_hash
    existing = CreditedImage.objects.filter(file_hash=file_hash).first()
    if existing is not None:
        return existing, False
    try:
        with Image.open(path) as opened:
            opened.verify()
    except (UnidentifiedImageError, OSError, SyntaxError):
        logger.warning("%s is not an image Masthead can read; left out", path)
        return None, False
    image = CreditedImage(
        title=title[: CreditedImage._meta.get_field("title").max_length],
        caption=caption[: CreditedImage._meta.get_field("caption").max_length],
        description=description[: CreditedImage._meta.get_field("description").max_length],
    )
    with path.open("rb") as handle:
        image.file = ImageFile(handle, name=path.name)
        image._set_image_file_metadata()
        image.save()
    return image, True


def image_describe(*, image: CreditedImage, description: str) -> None:
    """Give an image its description (the alt text readers who cannot see it hear)."""
    image.description = description[: CreditedImage._meta.get_field("description").max_length]
    image.save(update_fields=["description"])


@transaction.atomic
def article_add(
    *,
    section: SectionPage,
    title: str,
    slug: str,
    standfirst: str,
    body: list,
    author: AuthorPage,
    tags=(),
    featured_image: CreditedImage | None = None,
    published_at: datetime | None = None,
    go_live_at: datetime | None = None,
    password: str = "",
) -> ArticlePage:
    """Add an article to a section: published as of `published_at` (its first and last
    publication, as on a site it moved from), scheduled for `go_live_at` (the worker publishes
    it then), or else a draft. With a `password`, readers must give it to read the article
    (Wagtail's privacy setting), which keeps it out of listings, feeds, sitemaps and search too.
    Raises ValidationError for a field the article or its restriction refuses."""
    article = ArticlePage(
        title=title, slug=slug, standfirst=standfirst, featured_image=featured_image, body=body
    )
    article.article_authors.add(ArticlePageAuthor(author=author, sort_order=0))
    article.tags.add(*tags)
    return _add_as_published(
        section, article, published_at=published_at, go_live_at=go_live_at, password=password
    )


def info_page_add(
    *,
    home: HomePage,
    title: str,
    slug: str,
    intro: str,
    body: list,
    published_at: datetime | None = None,
    go_live_at: datetime | None = None,
    password: str = "",
) -> InfoPage:
    """Add an information page (About us, a policy…) under the front page, published, scheduled
    or a draft as article_add says. Not in the footer: editors choose which pages go there.
    Raises ValidationError for a field the page or its restriction refuses."""
    page = InfoPage(title=title, slug=slug, intro=intro, body=body)
    return _add_as_published(
        home, page, published_at=published_at, go_live_at=go_live_at, password=password
    )


@transaction.atomic
def article_revise(
    *,
    article: ArticlePage,
    title: str,
    standfirst: str,
    body: list,
    tags=(),
    featured_image: CreditedImage | None = None,
    published_at: datetime | None = None,
    go_live_at: datetime | None = None,
):
    """A new revision of an article with this headline, text and tags, published (`published_at`
    given: the article keeps its first publish date), scheduled for `go_live_at`, or else a
    draft (a live article is unpublished). Its address, section and byline stay. Returns the
    revision. Raises ValidationError for a field the article refuses."""
    article = ArticlePage.objects.get(pk=article.pk)
    article.title, article.standfirst, article.body = title, standfirst, body
    if featured_image is not None:
        article.featured_image = featured_image
    article.tags.set(list(tags))
    return _revise_as_published(article, published_at=published_at, go_live_at=go_live_at)


@transaction.atomic
def info_page_revise(
    *,
    page: InfoPage,
    title: str,
    intro: str,
    body: list,
    published_at: datetime | None = None,
    go_live_at: datetime | None = None,
):
    """A new revision of an information page with this title, intro and body, published,
    scheduled or a draft as article_revise says. Its address, kind and place in the footer stay.
    Returns the revision. Raises ValidationError for a field the page refuses."""
    page = InfoPage.objects.get(pk=page.pk)
    page.title, page.intro, page.body = title, intro, body
    return _revise_as_published(page, published_at=published_at, go_live_at=go_live_at)


def _revise_as_published(page: Page, *, published_at, go_live_at):
    page.go_live_at = go_live_at
    revision = page.save_revision()  # validated, as an editor's save is
    if published_at is not None or go_live_at is not None:
        revision.publish()  # Wagtail keeps a scheduled one back until go_live_at
    elif page.live:
        page.unpublish()
    return revision


@transaction.atomic
def article_section_set(*, article: ArticlePage, section: SectionPage) -> bool:
    """Move the article to `section` (its address changes; Wagtail redirects the old one, and
    its pins in the old section go: see moved_article_pins_release). False if it is there.
    Raises ValidationError if its slug is one of the section's own addresses ("feed")."""
    article = ArticlePage.objects.get(pk=article.pk)
    if article.get_parent().pk == section.pk:
        return False
    refusal = slug_route_clash(
        parent=section, slug=article.slug, page=article, message=MOVE_BEHIND_A_ROUTE
    )
    if refusal:
        raise ValidationError({"slug": [refusal]})
    article.move(section, pos="last-child")
    return True


@transaction.atomic
def page_password_set(*, page: Page, password: str) -> bool:
    """Readers must give `password` to read the page, or, with "", none (Wagtail's privacy
    setting, the page's own). A page restricted otherwise (to signed-in readers, to groups) is
    left as it is: that was an editor's choice. Returns whether anything changed. Raises
    ValidationError for a password the restriction refuses."""
    restrictions = PageViewRestriction.objects.filter(page=page)
    if restrictions.exclude(restriction_type=PageViewRestriction.PASSWORD).exists():
        return False
    if not password:
        removed = list(restrictions)
        for restriction in removed:
            restriction.delete()  # one by one, as the admin does: logged, caches invalidated
        return bool(removed)
    restriction = restrictions.first()
    if restriction is not None and restriction.password == password:
        return False
    if restriction is None:
        restriction = PageViewRestriction(page=page, restriction_type=PageViewRestriction.PASSWORD)
    restriction.password = password
    restriction.full_clean()
    restriction.save()
    return True


def _add_as_published(parent: Page, page: Page, *, published_at, go_live_at, password) -> Page:
    if published_at is not None:
        page.first_published_at = published_at
    else:
        page.live = False
        page.go_live_at = go_live_at
    parent.add_child(instance=page)
    if password:
        page_password_set(page=page, password=password)
    revision = page.save_revision()
    if published_at is not None:
        revision.publish()
        Page.objects.filter(pk=page.pk).update(last_published_at=published_at)
        page.last_published_at = published_at
    elif go_live_at is not None:
        revision.publish()  # Wagtail keeps it back until go_live_at
    return page


def redirect_add(
    *, old_path: str, page: Page | None = None, link: str = "", permanent: bool = True
) -> bool:
    """A redirect from an address of an old site to a page, or to an address of this site
    (`link`, such as a route of a page): permanent (301), or temporary (302) where the target
    stands in for a page this site does not have. Nothing is added (False) for the target's own
    address, the front page's, or an address that redirects already."""
    old_path = Redirect.normalise_path(old_path)
    target = (page.url or "") if page is not None else link
    if old_path in (Redirect.normalise_path(target), "/"):
        return False
    if Redirect.objects.filter(old_path=old_path).exists():
        return False
    if page is not None:
        Redirect.objects.create(old_path=old_path, redirect_page=page, is_permanent=permanent)
    else:
        Redirect.objects.create(old_path=old_path, redirect_link=link, is_permanent=permanent)
    return True


def article_pins_release(*, article: Page) -> int:
    """Unpin `article` from every section but the one it is in now, after an editor moved it: a
    section pins its own articles only, and its editors choose which of them lead it. The pin
    does not follow the story (the new section's editors decide), nor come back if it is moved
    back. Returns the number of sections that lost the pin.

    The pin goes from the section's rows (its live listing) and from its live and latest
    revisions, edited in place: they are what the section's editor opens and publishes, and a
    new revision would publish an editor's pending draft of the section with it."""
    section_id = article.get_parent().pk
    sections = set()
    with transaction.atomic():
        pins = SectionPinnedArticle.objects.filter(article_id=article.pk).exclude(
            page_id=section_id
        )
        sections.update(pins.values_list("page_id", flat=True))
        pins.delete()
        for section in SectionPage.objects.exclude(pk=section_id).select_related(
            "latest_revision", "live_revision"
        ):
            for revision in {section.latest_revision, section.live_revision} - {None}:
                pinned = revision.content.get("pinned_articles") or []
                kept = [pin for pin in pinned if pin.get("article") != article.pk]
                if len(kept) != len(pinned):
                    revision.content["pinned_articles"] = kept
                    revision.save(update_fields=["content"])
                    sections.add(section.pk)
    return len(sections)


def moved_article_pins_release(*, instance: Page, parent_page_before, parent_page_after, **kwargs):
    """Wagtail's post_page_move receiver: an article moved to another section loses its pins in
    the others (article_pins_release), however it was moved."""
    if parent_page_before.pk != parent_page_after.pk and isinstance(
        instance.specific_deferred, ArticlePage
    ):
        article_pins_release(article=instance)


def section_copy_pins(*, original: Page, copy: Page) -> int:
    """Pin in a copy of a section, made with its articles, the copies of the articles the
    original pins, in the same order: in its rows if the copy is live, and in its latest
    revision (what its editor opens). Wagtail's copy leaves the pins out (see
    SectionPage.exclude_fields_in_copy): a copy without the articles pins nothing. Returns the
    number of pins."""
    original, copy = original.specific, copy.specific
    if not isinstance(original, SectionPage) or not isinstance(copy, SectionPage):
        return 0
    if copy.alias_of_id is not None:  # an alias follows its original's content: Wagtail's part
        return 0
    copies = dict(ArticlePage.objects.child_of(copy).values_list("slug", "pk"))
    slugs = dict(ArticlePage.objects.child_of(original).values_list("pk", "slug"))

    def copied(pins) -> list[int]:
        ordered = sorted(pins, key=lambda pin: pin.sort_order or 0)
        found = [copies.get(slugs.get(pin.article_id)) for pin in ordered]
        return [pk for pk in found if pk is not None]

    drafted = copied(original.get_latest_revision_as_object().pinned_articles.all())
    with transaction.atomic():
        if copy.live:
            SectionPinnedArticle.objects.bulk_create(
                SectionPinnedArticle(page=copy, article_id=pk, sort_order=position)
                for position, pk in enumerate(copied(original.pinned_articles.all()))
            )
        revision = copy.latest_revision
        if revision is not None and drafted:
            revision.content["pinned_articles"] = [
                {"pk": None, "sort_order": position, "page": copy.pk, "article": pk}
                for position, pk in enumerate(drafted)
            ]
            revision.save(update_fields=["content"])
    return len(drafted)
