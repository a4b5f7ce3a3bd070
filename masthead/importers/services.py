"""Bringing another system's content in: a WordPress export's posts."""

import logging
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import unquote

from django.core.exceptions import ValidationError
from django.core.files.images import ImageFile
from django.core.validators import validate_unicode_slug
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify
from PIL import Image, UnidentifiedImageError
from wagtail.contrib.redirects.models import Redirect
from wagtail.rich_text import RichText
from wagtail.utils.file import hash_filelike

from masthead.importers import wordpress
from masthead.publishing.models import (
    ArticlePage,
    ArticlePageAuthor,
    AuthorIndexPage,
    AuthorPage,
    CreditedImage,
    HomePage,
    SectionPage,
    SiteIdentity,
)
from masthead.publishing.selectors import free_child_slug
from masthead.publishing.services import home_page_ensure

logger = logging.getLogger(__name__)

UNCATEGORISED = {"uncategorized", "uncategorised"}


@dataclass
class WordPressImportReport:
    imported: Counter = field(default_factory=Counter)  # "published" / "scheduled" / "draft"
    already_there: list[str] = field(default_factory=list)  # titles
    left_out: Counter = field(default_factory=Counter)  # WordPress status → posts
    refused: list[tuple[str, str]] = field(default_factory=list)  # (title, reason)
    images: int = 0
    images_missing: int = 0
    redirects: int = 0
    sections_created: list[str] = field(default_factory=list)
    authors_created: list[str] = field(default_factory=list)


def wordpress_import(
    *,
    export: wordpress.Export,
    media_dir: Path | None = None,
    default_section: str = "news",
    site_title: str = "Newsroom",
    progress=None,
) -> WordPressImportReport:
    """Bring a WordPress export's posts in as articles, one transaction per post.

    A post whose slug an article already has is skipped, so a second run (after adding the
    uploads folder, or with a later export) brings in only what is new. Published posts keep
    their date, scheduled ones are scheduled, drafts and posts pending review become drafts;
    private and trashed posts stay behind. Images come from `media_dir` (a copy of the old site's
    wp-content/uploads): nothing is downloaded. Each published post's old address redirects to
    its article.
    """
    importer = _WordPressImporter(export, media_dir, default_section, site_title)
    for number, post in enumerate(export.posts, start=1):
        importer.import_post(post)
        if progress is not None:
            progress(number, len(export.posts), post)
    return importer.report


class _WordPressImporter:
    def __init__(self, export, media_dir, default_section, site_title):
        self.export = export
        self.media_dir = media_dir.resolve() if media_dir else None
        self.default_section = default_section
        self.report = WordPressImportReport()
        new_site = not HomePage.objects.exists()
        # The front page's tagline stays empty: it follows the site identity's, set below.
        self.home = home_page_ensure(title=site_title)
        if new_site:
            identity = SiteIdentity.for_site(self.home.get_site())
            identity.name, identity.tagline = site_title[:120], export.site_tagline[:255]
            identity.save()
        self.sections: dict[str, SectionPage] = {}
        self.authors: dict[str, AuthorPage] = {}
        self.images: dict[str, CreditedImage | None] = {}
        self._author_index = None

    def import_post(self, post: wordpress.Post) -> None:
        if post.status not in wordpress.IMPORTED_STATUSES:
            self.report.left_out[post.status or "unknown"] += 1
            return
        slug = _slug(post)
        if ArticlePage.objects.filter(slug=slug).exists():
            self.report.already_there.append(post.title)
            return
        try:
            with transaction.atomic():
                state = self._create_article(post, slug)
        except ValidationError as error:
            reasons = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
            self.report.refused.append((post.title, reasons))
            return
        self.report.imported[state] += 1

    def _create_article(self, post, slug) -> str:
        section = self._section(post)
        parsed = wordpress.read_body(post.content)
        body = self._body(parsed)
        if not body:
            raise ValidationError({"body": ["The post has no text, image or video."]})
        featured = None
        if post.thumbnail_id:
            featured = self._image(wordpress.Picture(attachment_id=post.thumbnail_id))
        published = post.date or timezone.now()
        article = ArticlePage(
            title=post.title or slug,
            slug=slug,
            standfirst=wordpress.standfirst(post, parsed),
            featured_image=featured,
            body=body,
        )
        article.article_authors.add(ArticlePageAuthor(author=self._author(post), sort_order=0))
        article.tags.add(*{tag[:100] for tag in post.tags})
        scheduled = post.status == "future" and published > timezone.now()
        if post.status == "publish" or (post.status == "future" and not scheduled):
            article.first_published_at = published
            section.add_child(instance=article)
            article.save_revision().publish()
            # Published then and not edited since, as on the old site.
            ArticlePage.objects.filter(pk=article.pk).update(last_published_at=published)
            self._redirect(post, article)
            return "published"
        article.live = False
        if scheduled:
            article.go_live_at = published
        section.add_child(instance=article)
        revision = article.save_revision()
        if scheduled:
            revision.publish()  # Wagtail keeps it back until go_live_at; the worker publishes it
            self._redirect(post, article)
            return "scheduled"
        return "draft"

    def _section(self, post) -> SectionPage:
        named = [(slug, name) for slug, name in post.categories if slug not in UNCATEGORISED]
        slug, name = named[0] if named else (self.default_section, "")
        slug = unquote(slug)
        if slug not in self.sections:
            section = SectionPage.objects.child_of(self.home).filter(slug=slug).first()
            if section is None:
                title = name or slug.replace("-", " ").title()
                section = self.home.add_child(
                    instance=SectionPage(title=title, slug=slug, show_in_menus=True)
                )
                section.save_revision().publish()
                self.report.sections_created.append(title)
            self.sections[slug] = section
        return self.sections[slug]

    def _author(self, post) -> AuthorPage:
        login = post.author_login or "staff"
        if login not in self.authors:
            name = self.export.authors.get(login, login)
            author = AuthorPage.objects.filter(title__iexact=name).first()
            if author is None:
                index = self._authors_index()
                slug = free_child_slug(
                    parent=index, slug=slugify(name, allow_unicode=True) or "author"
                )
                author = index.add_child(instance=AuthorPage(title=name, slug=slug))
                author.save_revision().publish()
                self.report.authors_created.append(name)
            self.authors[login] = author
        return self.authors[login]

    def _authors_index(self) -> AuthorIndexPage:
        if self._author_index is None:
            self._author_index = AuthorIndexPage.objects.child_of(self.home).first()
        if self._author_index is None:
            self._author_index = self.home.add_child(
                instance=AuthorIndexPage(title="Our journalists", slug="authors")
            )
            self._author_index.save_revision().publish()
        return self._author_index

    def _body(self, parsed: wordpress.Body) -> list:
        blocks = []
        for kind, value in parsed.blocks:
            if kind == "paragraph":
                blocks.append(("paragraph", RichText(value)))
            elif kind in ("image", "gallery"):
                pictures = [value] if kind == "image" else value
                found = [(picture, self._image(picture)) for picture in pictures]
                found = [(picture, image) for picture, image in found if image is not None]
                if len(found) == 1:
                    picture, image = found[0]
                    blocks.append(
                        ("image", {"image": image, "caption": picture.caption[:255], "wide": False})
                    )
                elif found:
                    photos = [
                        {"image": image, "caption": picture.caption[:255]}
                        for picture, image in found
                    ]
                    blocks.append(("gallery", {"title": "", "photos": photos}))
            elif kind == "video":
                video = {"url": value["url"], "title": "", "caption": value["caption"][:255]}
                blocks.append(("video", {**video, "poster": None}))
            else:
                blocks.append((kind, value))
        return blocks

    def _image(self, picture: wordpress.Picture) -> CreditedImage | None:
        attachment = wordpress.attachment_for(self.export, picture)
        key = (attachment.id or attachment.path) if attachment else ""
        if not key:
            self.report.images_missing += 1
            return None
        if key not in self.images:
            self.images[key] = self._stored_image(attachment)
        if self.images[key] is None:
            self.report.images_missing += 1
        return self.images[key]

    def _stored_image(self, attachment: wordpress.Attachment) -> CreditedImage | None:
        if self.media_dir is None or not attachment.path:
            return None
        path = (self.media_dir / attachment.path).resolve()
        # The export names the file: it must not lead outside the folder the operator gave.
        if not path.is_relative_to(self.media_dir) or not path.is_file():
            return None
        with path.open("rb") as handle:
            file_hash = hash_filelike(handle)  # as Wagtail stores it in file_hash
        existing = CreditedImage.objects.filter(file_hash=file_hash).first()
        if existing is not None:
            return existing
        try:
            with Image.open(path) as opened:
                opened.verify()
        except (UnidentifiedImageError, OSError, SyntaxError):
            logger.warning("%s is not an image Masthead can read; left out", path)
            return None
        image = CreditedImage(
            title=(attachment.title or path.stem)[:255],
            caption=attachment.caption[:500],
            description=attachment.alt[:255],
        )
        with path.open("rb") as handle:
            image.file = ImageFile(handle, name=path.name)
            image._set_image_file_metadata()
            image.save()
        self.report.images += 1
        return image

    def _redirect(self, post, article) -> None:
        old = wordpress.old_path(post)
        if not old:
            return
        old_path = Redirect.normalise_path(old)
        if old_path == Redirect.normalise_path(article.url or "") or old_path == "/":
            return
        if Redirect.objects.filter(old_path=old_path).exists():
            return
        Redirect.objects.create(old_path=old_path, redirect_page=article, is_permanent=True)
        self.report.redirects += 1


def _slug(post: wordpress.Post) -> str:
    """WordPress keeps a slug with letters outside ASCII percent-encoded; drafts often have none."""
    slug = unquote(post.slug)[:255]
    try:
        validate_unicode_slug(slug)
    except ValidationError:
        slug = ""
    return slug or slugify(post.title, allow_unicode=True)[:255] or f"post-{post.id}"
