"""Building blocks for tests: a small site tree, authors, articles and images."""

import io
import itertools
from datetime import timedelta

from django.conf import settings
from django.core.files.images import ImageFile
from django.utils import timezone
from PIL import Image as PILImage
from wagtail.models import Collection, Locale, Page, Site
from wagtail.rich_text import RichText

from masthead.publishing.models import (
    ArticlePage,
    ArticlePageAuthor,
    AuthorIndexPage,
    AuthorPage,
    CreditedImage,
    HomePage,
    SectionPage,
)

_counter = itertools.count(1)


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
    home = root.add_child(instance=HomePage(title=title, slug="front"))
    home.save_revision().publish()
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
    section = home.add_child(
        instance=SectionPage(
            title=title, slug=slug or title.lower(), description=f"{title} news", show_in_menus=True
        )
    )
    section.save_revision().publish()
    return section


def make_author(*, name="Ada Reporter", role="Reporter", photo=None) -> AuthorPage:
    home = make_home()
    index = AuthorIndexPage.objects.first()
    if index is None:
        index = home.add_child(instance=AuthorIndexPage(title="Authors", slug="authors"))
        index.save_revision().publish()
    slug = f"{name.lower().replace(' ', '-')}-{next(_counter)}"
    author = index.add_child(instance=AuthorPage(title=name, slug=slug, role=role, photo=photo))
    author.save_revision().publish()
    return author


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
    section.add_child(instance=article)
    revision = article.save_revision()
    if publish:
        revision.publish()
    article.refresh_from_db()
    return article
