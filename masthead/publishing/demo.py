"""Loads the demo newsroom. Idempotent: what exists already (found by slug) is left alone."""

import functools
import io
from datetime import timedelta

from django.core.files.images import ImageFile
from django.db import transaction
from django.utils import timezone
from django.utils.html import escape
from wagtail.models import Site
from wagtail.rich_text import RichText

from masthead.publishing import demo_content as content
from masthead.publishing.demo_images import paint_portrait, paint_scene, paint_wordmark, to_jpeg
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
from masthead.publishing.services import home_page_ensure


@functools.lru_cache(maxsize=64)
def _painted_jpeg(seed: int, portrait: bool) -> bytes:
    """Painting is half the cost of loading the demo; the same seed paints the same picture, so
    a process that loads the demo more than once (the test suite) paints each only once."""
    return to_jpeg(paint_portrait(seed) if portrait else paint_scene(seed))


def demo_image(
    title: str, seed: int, *, caption: str = "", credit: str = "", portrait=False
) -> CreditedImage:
    existing = CreditedImage.objects.filter(title=title).first()
    if existing:
        return existing
    filename = f"demo-{seed}.jpg"
    image = CreditedImage(title=title, caption=caption, credit=credit, description=caption or title)
    image.file = ImageFile(io.BytesIO(_painted_jpeg(seed, portrait)), name=filename)
    image.save()
    return image


def demo_logo(name: str) -> CreditedImage:
    title = f"{name} logo"
    existing = CreditedImage.objects.filter(title=title).first()
    if existing:
        return existing
    image = CreditedImage(title=title, description=name)
    image.file = ImageFile(io.BytesIO(paint_wordmark(name)), name="demo-logo.png")
    image.save()
    return image


@transaction.atomic
def load(stdout=None, *, now=None) -> dict:
    """Create the demo site; returns counts of what was created this time."""
    now = now or timezone.now()
    created = {"sections": 0, "authors": 0, "articles": 0, "info_pages": 0}
    home = _home_page()
    identity = SiteIdentity.for_site(Site.objects.get(root_page=home))
    if not identity.about:
        identity.name, identity.tagline, identity.about = (
            content.SITE["name"],
            content.SITE["tagline"],
            content.SITE["about"],
        )
        identity.save()
    if identity.publisher_logo_id is None:
        identity.publisher_logo = demo_logo(identity.name)
        identity.save(update_fields=["publisher_logo"])
    if identity.share_image_id is None:
        # What the front page, sections and any article without a picture are shared with.
        identity.share_image = demo_image(
            f"{identity.name}: the harbour", 900, credit=f"{identity.name} illustration"
        )
        identity.save(update_fields=["share_image"])

    sections = {}
    for title, slug, description in content.SECTIONS:
        section = SectionPage.objects.child_of(home).filter(slug=slug).first()
        if section is None:
            section = home.add_child(
                instance=SectionPage(
                    title=title, slug=slug, description=description, show_in_menus=True
                )
            )
            section.save_revision().publish()
            created["sections"] += 1
        sections[slug] = section

    author_index = AuthorIndexPage.objects.child_of(home).first()
    if author_index is None:
        author_index = home.add_child(
            instance=AuthorIndexPage(
                title="Our journalists", slug="authors", intro="The people who write the Ledger."
            )
        )
        author_index.save_revision().publish()
    authors = {}
    for seed, (name, slug, role, bio) in enumerate(content.AUTHORS, start=500):
        author = AuthorPage.objects.filter(slug=slug).first()
        if author is None:
            photo = demo_image(f"Portrait of {name}", seed, portrait=True)
            author = author_index.add_child(
                instance=AuthorPage(
                    title=name, slug=slug, role=role, bio=f"<p>{escape(bio)}</p>", photo=photo
                )
            )
            author.save_revision().publish()
            created["authors"] += 1
        authors[slug] = author

    for title, slug, kind, intro, paragraphs in content.INFO_PAGES:
        if InfoPage.objects.child_of(home).filter(slug=slug).exists():
            continue
        body = []
        for heading, text in paragraphs:
            heading_html = f"<h2>{escape(heading)}</h2>" if heading else ""
            body.append(("paragraph", RichText(f"{heading_html}<p>{escape(text)}</p>")))
        info_page = home.add_child(
            instance=InfoPage(
                title=title,
                slug=slug,
                schema_type=kind,
                intro=intro,
                body=body,
                show_in_menus=True,
            )
        )
        info_page.save_revision().publish()
        created["info_pages"] += 1

    for seed, spec in enumerate(content.ARTICLES, start=100):
        section = sections[spec["section"]]
        if ArticlePage.objects.child_of(section).filter(slug=spec["slug"]).exists():
            continue
        _create_article(
            spec, section, authors, seed=seed, published=now - timedelta(hours=spec["hours_ago"])
        )
        created["articles"] += 1

    if created["articles"]:  # a fresh demo: its City section leads with a pinned story
        city = SectionPage.objects.get(pk=sections[content.PINNED[0]].pk)
        pinned = ArticlePage.objects.child_of(city).filter(slug=content.PINNED[1]).first()
        if pinned is not None and not city.pinned_articles.exists():
            city.pinned_articles = [SectionPinnedArticle(article=pinned, sort_order=0)]
            city.save_revision().publish()

    if stdout is not None:
        stdout.write(
            f"Demo content: {created['articles']} articles, {created['sections']} sections, "
            f"{created['authors']} authors and {created['info_pages']} information pages created "
            f"({ArticlePage.objects.live().count()} live articles in all)."
        )
    return created


def _home_page() -> HomePage:
    return home_page_ensure(title=content.SITE["name"], tagline=content.SITE["tagline"])


def _create_article(spec, section, authors, *, seed: int, published) -> ArticlePage:
    photographer = authors.get("samuel-adeyemi")
    credit = f"{photographer.title} / The Harbour Ledger" if photographer else ""
    caption = spec["standfirst"].split(". ")[0].rstrip(".")
    featured = demo_image(spec["title"], seed, caption=caption, credit=credit)

    body = []
    paragraphs = spec["body"]
    for index, paragraph in enumerate(paragraphs):
        body.append(("paragraph", RichText(f"<p>{escape(paragraph)}</p>")))
        if index == 1 and "quote" in spec:
            quote, attribution = spec["quote"]
            body.append(("pull_quote", {"quote": quote, "attribution": attribution}))
        if index == len(paragraphs) - 1 and "video" in spec:
            url, title = spec["video"]
            poster = demo_image(f"{spec['title']} (video still)", seed + 5000, credit=credit)
            body.append(("video", {"url": url, "title": title, "caption": "", "poster": poster}))
    if "gallery" in spec:
        title, count = spec["gallery"]
        photos = [
            {
                "image": demo_image(
                    f"{title} ({number})",
                    seed * 10 + number,
                    caption=f"{title}, photo {number}",
                    credit=credit,
                ),
                "caption": "",
            }
            for number in range(1, count + 1)
        ]
        body.insert(2, ("gallery", {"title": title, "photos": photos}))

    article = ArticlePage(
        title=spec["title"],
        slug=spec["slug"],
        standfirst=spec["standfirst"],
        featured_image=featured,
        body=body,
        first_published_at=published,
    )
    for position, slug in enumerate(spec["authors"]):
        article.article_authors.add(ArticlePageAuthor(author=authors[slug], sort_order=position))
    article.tags.add(*spec["tags"])
    section.add_child(instance=article)
    article.save_revision().publish()
    # The demo's articles were "published" hours or days ago and not edited since.
    ArticlePage.objects.filter(pk=article.pk).update(last_published_at=published)
    return article
