"""Building blocks for tests: a small site tree, authors, articles and images."""

import io
import itertools
from contextlib import contextmanager
from datetime import timedelta

from django.conf import settings
from django.core.files.images import ImageFile
from django.db.models.signals import post_save
from django.utils import timezone
from modelsearch import index as search_index
from modelsearch import signal_handlers as search_signal_handlers
from PIL import Image as PILImage
from wagtail.models import Collection, Locale, Page, Site
from wagtail.rich_text import RichText
from wagtail.signal_handlers import disable_reference_index_auto_update

from masthead.publishing.models import (
    ArticlePage,
    ArticlePageAuthor,
    AuthorIndexPage,
    AuthorPage,
    CreditedImage,
    HomePage,
    InfoPage,
    SectionPage,
)

_counter = itertools.count(1)


@contextmanager
def indexed_once(page_class):
    """Creating and publishing a page saves it three times, and each save would reindex it for
    search and for Wagtail's reference index (the admin's usage counts, which no test reads),
    about half the cost of a page. Inside this block neither happens; `index_for_search`
    indexes the finished page once, as the last of those saves would have."""
    disconnected = post_save.disconnect(search_signal_handlers.post_save_signal_handler, page_class)
    try:
        with disable_reference_index_auto_update():
            yield
    finally:
        if disconnected:
            post_save.connect(search_signal_handlers.post_save_signal_handler, page_class)


def index_for_search(page) -> None:
    search_index.insert_or_update_object(page.specific)


def _add_published(parent, page):
    with indexed_once(type(page)):
        parent.add_child(instance=page)
        page.save_revision().publish()
    index_for_search(page)
    return page


def image_bytes(width=800, height=500, colour=(30, 90, 160), fmt="JPEG") -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), colour).save(buffer, fmt)
    return buffer.getvalue()


def make_image(
    *, title=None, width=800, height=500, caption="", credit="", description=""
) -> CreditedImage:
    number = next(_counter)
    image = CreditedImage(
        title=title or f"Image {number}", caption=caption, credit=credit, description=description
    )
    image.file = ImageFile(io.BytesIO(image_bytes(width, height)), name=f"test-{number}.jpg")
    image.save()
    return image


def make_home(*, title="The Test Gazette") -> HomePage:
    existing = HomePage.objects.first()
    if existing:
        return existing
    # A transactional test (browser tests) starts from an empty database, without the tree and
    # locale Wagtail's migrations create; make them as the migrations would.
    Locale.objects.get_or_create(language_code=settings.LANGUAGE_CODE.split("-")[0])
    if Collection.get_first_root_node() is None:
        Collection.add_root(name="Root")
    root = Page.get_first_root_node() or Page.add_root(instance=Page(title="Root", slug="root"))
    home = _add_published(root, HomePage(title=title, slug="front"))
    site = Site.objects.filter(is_default_site=True).first() or Site(is_default_site=True)
    old_root = site.root_page_id
    site.root_page = home
    site.hostname = "testserver"
    site.port = 80
    site.save()
    Page.objects.filter(pk=old_root, depth=2).exclude(pk=home.pk).delete()
    return home


def make_section(*, title="World", slug=None, home=None) -> SectionPage:
    home = home or make_home()
    return _add_published(
        home,
        SectionPage(
            title=title, slug=slug or title.lower(), description=f"{title} news", show_in_menus=True
        ),
    )


def make_info_page(
    *,
    title="About us",
    slug=None,
    intro="Who we are.",
    body_html="<h2>Our mission</h2><p>We report on the coast.</p>",
    in_footer=True,
    schema_type="WebPage",
    home=None,
) -> InfoPage:
    home = home or make_home()
    return _add_published(
        home,
        InfoPage(
            title=title,
            slug=slug or title.lower().replace(" ", "-"),
            intro=intro,
            body=[("paragraph", RichText(body_html))],
            show_in_menus=in_footer,
            schema_type=schema_type,
        ),
    )


def make_author(*, name="Ada Reporter", role="Reporter", photo=None) -> AuthorPage:
    home = make_home()
    index = AuthorIndexPage.objects.first()
    if index is None:
        index = _add_published(home, AuthorIndexPage(title="Authors", slug="authors"))
    slug = f"{name.lower().replace(' ', '-')}-{next(_counter)}"
    return _add_published(index, AuthorPage(title=name, slug=slug, role=role, photo=photo))


def make_article(
    *,
    section=None,
    title=None,
    body_text="The council met on Tuesday.",
    standfirst="A short summary of the story.",
    authors=None,
    tags=(),
    published=None,
    featured_image=None,
    body=None,
    publish=True,
) -> ArticlePage:
    section = section or SectionPage.objects.first() or make_section()
    number = next(_counter)
    article = ArticlePage(
        title=title or f"Article number {number}",
        slug=f"article-{number}",
        standfirst=standfirst,
        body=body if body is not None else [("paragraph", RichText(f"<p>{body_text}</p>"))],
        featured_image=featured_image,
        first_published_at=(published or timezone.now() - timedelta(minutes=number))
        if publish
        else None,
        live=publish,
    )
    for position, author in enumerate(authors or [make_author()]):
        article.article_authors.add(ArticlePageAuthor(author=author, sort_order=position))
    if tags:
        article.tags.add(*tags)
    with indexed_once(ArticlePage):
        section.add_child(instance=article)
        revision = article.save_revision()
        if publish:
            revision.publish()
    article.refresh_from_db()
    index_for_search(article)
    return article
