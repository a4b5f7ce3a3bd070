"""Bringing content in: a WordPress export's posts, the comment threads of WordPress and Disqus
exports, and an article's comments from the JSON that export-comments writes. Everything is
written through the publishing and discussion services."""

from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from urllib.parse import unquote, urlsplit

from django.core.exceptions import ValidationError
from django.core.validators import validate_unicode_slug
from django.db import transaction
from django.urls import reverse
from django.utils import timezone
from django.utils.html import escape
from django.utils.text import slugify
from wagtail.models import PageLogEntry
from wagtail.rich_text import RichText

from masthead.discussion.services import (
    EntryChecker,
    ImportRefused,
    check_entries,
    comments_import,
    comments_new_count,
)
from masthead.importers import selectors as importers_selectors
from masthead.importers import wordpress
from masthead.importers.comments_json import read_comments
from masthead.importers.disqus import DisqusThread
from masthead.importers.models import ImportedArticle, ImportedInfoPage
from masthead.importers.wordpress_comments import read_export as read_wordpress_comments
from masthead.publishing import selectors as publishing_selectors
from masthead.publishing import services as publishing_services
from masthead.publishing.models import (
    ArticlePage,
    AuthorPage,
    CreditedImage,
    HomePage,
    InfoPage,
    SectionPage,
)

UNCATEGORISED = {"uncategorized", "uncategorised"}
# Why a post or page came in under another slug than its own, in the report's words.
RENAMED_BECAUSE = {
    "article": "another article has the slug {slug}",
    "page": "another page has the slug {slug}",
    "section route": "{slug}/ is a section's own address (its feed)",
    "site route": "/{slug}/ is the site's own address, which readers would get instead",
}
BODY_TOO_DEEP = (
    "Its HTML holds elements nested hundreds deep, more than can be read: simplify it in "
    "WordPress (a page builder's layout, or markup pasted in) and import the export again."
)
EDITED_HERE = (
    "its article was edited here since it was imported; bring the change over by hand if it "
    "is wanted"
)


@dataclass
class WordPressImportReport:
    imported: Counter = field(default_factory=Counter)  # "published" / "scheduled" / "draft"
    already_there: list[str] = field(default_factory=list)  # titles, unchanged since
    updated: list[str] = field(default_factory=list)  # titles: changed in WordPress, updated here
    # (title, reason): changed in WordPress, left as it is here
    not_updated: list[tuple[str, str]] = field(default_factory=list)
    # (title, slug, the slug it came in under, why: one of RENAMED_BECAUSE)
    renamed: list[tuple[str, str, str, str]] = field(default_factory=list)
    left_out: Counter = field(default_factory=Counter)  # WordPress status → posts
    refused: list[tuple[str, str]] = field(default_factory=list)  # (title, reason)
    password_protected: int = 0  # imported posts that kept their password
    protected_already_there: list[str] = field(default_factory=list)  # titles, articles public
    images: int = 0
    images_missing: int = 0
    # file (its path in the uploads folder, else its address) → the first post that showed it
    missing_files: dict[str, str] = field(default_factory=dict)
    redirects: int = 0
    sections_created: list[str] = field(default_factory=list)
    authors_created: list[str] = field(default_factory=list)
    # shortcode name → titles of the imported posts that lost it (its content is not exported)
    shortcodes_dropped: dict[str, list[str]] = field(default_factory=dict)
    # embed provider (twitter.com…) → titles of the imported posts whose embed became a link
    embeds_linked: dict[str, list[str]] = field(default_factory=dict)
    # WordPress pages (About us, Contact…) brought in as information pages, as `imported` counts
    pages_imported: Counter = field(default_factory=Counter)
    pages_already_there: list[str] = field(default_factory=list)  # titles, unchanged since
    pages_updated: list[str] = field(default_factory=list)  # titles, as `updated`


def wordpress_import(
    *,
    export: wordpress.Export,
    posts: Iterable[wordpress.Post],
    media_dir: Path | None = None,
    default_section: str = "news",
    site_title: str = "Newsroom",
    progress=None,
) -> WordPressImportReport:
    """Bring a WordPress export's posts in as articles, and its pages (About us, Contact, the
    policies) as information pages under the front page, one transaction per post, as they are
    read (`posts`, of which `export` has counted `post_count` posts and `page_count` pages).

    A post imported before (by this command: it records which post each article came from) is
    not imported again, so a second run (after adding the uploads folder, or with a later
    export) brings in what is new, and updates the articles whose posts changed in WordPress
    since (headline, text, tags, status: a post now a draft, private or trashed is unpublished;
    section, from its main category; password): not those an editor has changed here since the
    import (a revision, an unpublishing, a move, a change of privacy), which are reported
    instead. A post whose slug another article has comes in under the next free one
    (`slug-2`…), and its old address redirects there. Published posts keep
    their date, scheduled ones are scheduled, drafts and posts pending review become drafts;
    private and trashed posts stay behind. A password-protected post keeps its password: readers
    must give it to read the article, which no listing, feed, sitemap or search shows. Images
    come from `media_dir` (a copy of the old site's wp-content/uploads): nothing is downloaded.
    Each published post's old address redirects to its article.
    Pages follow the same rules (statuses, passwords, body, redirects from their old address and
    from /?page_id=N). A child page comes in beside its parent, under the front page (the
    information pages are one level); its old address, /about/team/, redirects to it. No page
    is put in the footer: editors choose which are. A page imported before is updated as a post
    is (title, excerpt, text, status, password), by the same rules.
    """
    importer = _WordPressImporter(export, media_dir, default_section, site_title)
    for number, post in enumerate(posts, start=1):
        importer.import_post(post)
        if progress is not None:
            progress(number, export.post_count + export.page_count, post)
    importer.add_archive_redirects()
    return importer.report


class _WordPressImporter:
    def __init__(self, export, media_dir, default_section, site_title):
        self.export = export
        self.media_dir = media_dir.resolve() if media_dir else None
        self.default_section = default_section
        self.report = WordPressImportReport()
        new_site = publishing_selectors.home_page() is None
        # The front page's tagline stays empty: it follows the site identity's, set below.
        self.home = publishing_services.home_page_ensure(title=site_title)
        if new_site:
            publishing_services.site_identity_set(
                site=self.home.get_site(), name=site_title, tagline=export.site_tagline
            )
        self.sections: dict[str, SectionPage] = {}
        self.authors: dict[str, AuthorPage] = {}
        self.images: dict[str, CreditedImage | None] = {}
        self.parsed = wordpress.Body()  # the last post's body, set by _create_article
        self.archive_days: set[date] = set()  # of the published posts, for the date archives

    def import_post(self, post: wordpress.Post) -> None:
        if post.status not in wordpress.IMPORTED_STATUSES:
            if post.is_page:
                before = importers_selectors.info_page_imported_from(post.key)
            else:
                before = importers_selectors.article_imported_from(post.key)
            if before is not None:  # published here, and private or trashed there since
                self._bring_up_to_date(post, before)
            else:
                self.report.left_out[post.status or "unknown"] += 1
            return
        if post.is_page:
            self.import_page(post)
            return
        if post.status == "publish" and post.local_day:
            self.archive_days.add(post.local_day)
        slug = _slug(post)
        before = self._imported_before(post, slug)
        if before is not None:
            self._bring_up_to_date(post, before)
            short_path = wordpress.short_path(self.export, post)
            # A site imported before /?p= links were kept gets them now.
            if (
                before.live
                and short_path
                and publishing_services.redirect_add(old_path=short_path, page=before)
            ):
                self.report.redirects += 1
            if post.password and publishing_selectors.article_public(before):
                self.report.protected_already_there.append(post.title)
            return
        free_slug = publishing_selectors.article_slug_free(slug)
        why = "section route" if slug in SectionPage.route_slugs() else "article"
        state = self._create_and_note(post, slug, free_slug, self._create_article, why=why)
        if state is not None:
            self.report.imported[state] += 1

    def _bring_up_to_date(self, post, page: ArticlePage | InfoPage) -> None:
        """Update the article (or information page) a post (or page) became in an earlier run if
        it changed since, unless an editor changed the article here since (their work is never
        overwritten: reported): its headline, text, tags, status, and its section (the post's
        main category) and password."""
        if post.is_page:
            record = ImportedInfoPage.objects.filter(page=page).first()
            already_there, updated = self.report.pages_already_there, self.report.pages_updated
            revise = self._revise_info_page
        else:
            record = ImportedArticle.objects.filter(article=page).first()
            already_there, updated = self.report.already_there, self.report.updated
            revise = self._revise_article
        digest = wordpress.post_digest(post)
        if record is None or record.digest == digest:
            already_there.append(post.title)
            return
        if not record.digest:
            # Imported before what came in was kept: what it came in as is unknown, so this run
            # takes the post as it is now for its reference, and the next one updates the article
            # if the post changes again (unless it has revisions of an editor's already).
            record.digest = digest
            if page.revisions.count() == 1:
                record.revision_id = page.latest_revision_id
            record.save(update_fields=["digest", "revision"])
            already_there.append(post.title)
            return
        if _edited_since(page, record):
            self.report.not_updated.append((post.title, EDITED_HERE))
            return
        try:
            with transaction.atomic():
                revision = revise(post, page)
                publishing_services.page_password_set(page=page, password=post.password)
                record.digest, record.revision = digest, revision
                record.save(update_fields=["digest", "revision"])
        except ValidationError as error:
            self._forget_sections_rolled_back()
            reasons = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
            self.report.not_updated.append((post.title, reasons))
            return
        updated.append(post.title)

    def _forget_sections_rolled_back(self) -> None:
        """After a post's transaction was rolled back: the sections it created are not there."""
        there = set(SectionPage.objects.filter(pk__in=[s.pk for s in self.sections.values()]))
        self.sections = {slug: s for slug, s in self.sections.items() if s in there}

    def _content(self, post, *, title: str):
        """The post's text read, as the article's body, and its featured picture (imported)."""
        try:
            self.parsed = parsed = wordpress.read_body(post.content)
        except RecursionError:  # the HTML reader goes down one level of Python per element
            raise ValidationError({"body": [BODY_TOO_DEEP]}) from None
        body = self._body(parsed, post_title=title)
        if not body:
            raise ValidationError({"body": ["The post has no text, image or video."]})
        featured = None
        if post.thumbnail_id:
            featured = self._image(
                wordpress.Picture(attachment_id=post.thumbnail_id), post_title=post.title
            )
        return parsed, body, featured

    def _revise_article(self, post, article: ArticlePage):
        title = post.title or article.title
        parsed, body, featured = self._content(post, title=title)
        _, published_at, go_live_at = _publication(post)
        revision = publishing_services.article_revise(
            article=article,
            title=title,
            standfirst=wordpress.standfirst(post, parsed),
            body=body,
            tags={tag[:100] for tag in post.tags},
            featured_image=featured,
            published_at=published_at,
            go_live_at=go_live_at,
        )
        publishing_services.article_section_set(article=article, section=self._section(post))
        return revision

    def _revise_info_page(self, post, page: InfoPage):
        title = post.title or page.title
        body = self._info_page_body(post, title=title)
        _, published_at, go_live_at = _publication(post)
        return publishing_services.info_page_revise(
            page=page,
            title=title,
            intro=_intro(post),
            body=body,
            published_at=published_at,
            go_live_at=go_live_at,
        )

    def import_page(self, post: wordpress.Post) -> None:
        """A WordPress page as an information page (see wordpress_import)."""
        before = importers_selectors.info_page_imported_from(post.key)
        if before is not None:
            self._bring_up_to_date(post, before)
            return
        slug = _slug(post)
        # "donate-2" for "donate", "tags-2" for "tags": the site's own addresses, answered first.
        free_slug = publishing_selectors.free_child_slug(parent=self.home, slug=slug)
        why = "site route" if slug in HomePage.route_slugs() else "page"
        state = self._create_and_note(post, slug, free_slug, self._create_info_page, why=why)
        if state is not None:
            self.report.pages_imported[state] += 1

    def _create_and_note(self, post, slug: str, free_slug: str, create, *, why: str) -> str | None:
        """Create the post's page with `create` (in a transaction of its own) and note in the
        report what did not come in as it was (`why` it came in under `free_slug`, if it did:
        see RENAMED_BECAUSE); None, with the reasons noted, if it was refused."""
        try:
            with transaction.atomic():
                state = create(post, free_slug)
        except ValidationError as error:
            self._forget_sections_rolled_back()
            reasons = "; ".join(
                f"{name}: {' '.join(messages)}" for name, messages in error.message_dict.items()
            )
            self.report.refused.append((post.title, reasons))
            return None
        for name in sorted(self.parsed.dropped_shortcodes):
            self.report.shortcodes_dropped.setdefault(name, []).append(post.title or free_slug)
        for provider in sorted(self.parsed.embeds_linked):
            self.report.embeds_linked.setdefault(provider, []).append(post.title or free_slug)
        if free_slug != slug:
            self.report.renamed.append((post.title, slug, free_slug, why))
        if post.password:
            self.report.password_protected += 1
        return state

    def _info_page_body(self, post, *, title: str) -> list:
        self.parsed = parsed = wordpress.read_body(post.content)
        body = [
            _quote_as_paragraph(value) if kind == "pull_quote" else (kind, value)
            for kind, value in self._body(parsed, post_title=title)
        ]
        if not body:
            raise ValidationError({"body": ["The page has no text, image or video."]})
        return body

    def _create_info_page(self, post, slug) -> str:
        body = self._info_page_body(post, title=post.title or slug)
        state, published_at, go_live_at = _publication(post)
        page = publishing_services.info_page_add(
            home=self.home,
            title=post.title or slug,
            slug=slug,
            intro=_intro(post),
            body=body,
            published_at=published_at,
            go_live_at=go_live_at,
            password=post.password,
        )
        if post.key:
            ImportedInfoPage.objects.create(
                source=post.key,
                page=page,
                digest=wordpress.post_digest(post),
                revision_id=page.latest_revision_id,
            )
        if state != "draft":
            self._redirect_old_addresses(post, page)
        return state

    def _imported_before(self, post, slug) -> ArticlePage | None:
        """The article this post became in an earlier run, recorded then. Runs before the record
        was kept are recognised by their trace: the post's old address redirects to the article,
        or (a draft has no redirect) the article has the post's slug and title. Such an article
        is recorded now, unless it came from another post."""
        article = importers_selectors.article_imported_from(post.key)
        if article is not None:
            return article
        old_path = wordpress.old_path(post)
        article = publishing_selectors.article_redirected_from(old_path) if old_path else None
        if article is None:
            with_slug = publishing_selectors.article_with_slug(slug)
            if with_slug is not None and with_slug.title == (post.title or slug):
                article = with_slug
        if article is None or importers_selectors.article_imported_from_elsewhere(
            article, source=post.key
        ):
            return None
        if post.key:
            ImportedArticle.objects.get_or_create(article=article, defaults={"source": post.key})
        return article

    def _create_article(self, post, slug) -> str:
        section = self._section(post)
        parsed, body, featured = self._content(post, title=post.title or slug)
        state, published_at, go_live_at = _publication(post)
        article = publishing_services.article_add(
            section=section,
            title=post.title or slug,
            slug=slug,
            standfirst=wordpress.standfirst(post, parsed),
            body=body,
            author=self._author(post),
            tags={tag[:100] for tag in post.tags},
            featured_image=featured,
            published_at=published_at,
            go_live_at=go_live_at,
            password=post.password,
        )
        if post.key:
            ImportedArticle.objects.create(
                source=post.key,
                article=article,
                digest=wordpress.post_digest(post),
                revision_id=article.latest_revision_id,
            )
        if state != "draft":
            self._redirect_old_addresses(post, article)
        return state

    def _redirect_old_addresses(self, post, page) -> None:
        """The post's address on the old site, and its /?p= shortlink, lead to its new page."""
        for old_path in (wordpress.old_path(post), wordpress.short_path(self.export, post)):
            if old_path and publishing_services.redirect_add(old_path=old_path, page=page):
                self.report.redirects += 1

    def add_archive_redirects(self) -> None:
        """WordPress's category archives and their feeds lead to the sections the categories
        became and their feeds, its tag and author archives and their feeds to the tag and
        author pages and theirs: links, bookmarks and feed readers' subscriptions keep working.
        Its front page as /index.php leads to the front page, its comments feed to the site's
        comments feed (where the old site was not at the root: at the root it is the same
        address); its date archives (/2024/, /2024/05/, /2024/05/17/, of the days it published
        on) to the front page, for now (302): this site has none, and may have them one day.
        Run each time: archives of a site imported before are added too."""
        base = urlsplit(self.export.site_url).path.rstrip("/")
        redirects: list[tuple[str, str]] = [(f"{base}/index.php", self.home.url)]
        if f"{base}/comments/feed/" != reverse("discussion:feed"):
            redirects.append((f"{base}/comments/feed/", reverse("discussion:feed")))
        stand_ins = []
        for day in sorted(self.archive_days):
            for archive in (f"{day:%Y}", f"{day:%Y/%m}", f"{day:%Y/%m/%d}"):
                stand_ins.append((f"{base}/{archive}/", self.home.url))
        for slug in self.export.category_parents:
            section = publishing_selectors.section_with_slug(
                home=self.home, slug=_section_slug(unquote(slug), self.export)
            )
            if section is not None:
                archive = f"{base}/category/{self.export.category_path(slug)}/"
                redirects += [(archive, section.url), (f"{archive}feed/", f"{section.url}feed/")]
        for slug, name in self.export.tags.items():
            tag_page = publishing_selectors.tag_page_url(home=self.home, name=name[:100])
            if tag_page:
                redirects += [
                    (f"{base}/tag/{slug}/", tag_page),
                    (f"{base}/tag/{slug}/feed/", f"{tag_page}feed/"),
                ]
        for login, name in self.export.authors.items():
            author = publishing_selectors.author_with_name(name)
            slug = wordpress.author_archive_slug(login)
            if author is not None and slug:
                archive = f"{base}/author/{slug}/"
                redirects += [(archive, author.url), (f"{archive}feed/", f"{author.url}feed/")]
        for old_path, link in redirects:
            if publishing_services.redirect_add(old_path=old_path, link=link):
                self.report.redirects += 1
        for old_path, link in stand_ins:
            if publishing_services.redirect_add(old_path=old_path, link=link, permanent=False):
                self.report.redirects += 1

    def _section(self, post) -> SectionPage:
        named = [(slug, name) for slug, name in post.categories if slug not in UNCATEGORISED]
        primary = self.export.category_slugs.get(post.primary_category_id)
        named.sort(key=lambda category: category[0] != primary)  # the primary one first
        slug, name = named[0] if named else (self.default_section, "")
        category, slug = unquote(slug), _section_slug(unquote(slug), self.export)
        if slug not in self.sections:
            section, created = publishing_services.section_ensure(
                home=self.home, slug=slug, title=name or category.replace("-", " ").title()
            )
            if created:
                self.report.sections_created.append(section.title)
            self.sections[slug] = section
        return self.sections[slug]

    def _author(self, post) -> AuthorPage:
        login = post.author_login or "staff"
        if login not in self.authors:
            name = self.export.authors.get(login, login)
            author, created = publishing_services.author_page_ensure(home=self.home, name=name)
            if created:
                self.report.authors_created.append(name)
            self.authors[login] = author
        return self.authors[login]

    def _body(self, parsed: wordpress.Body, *, post_title: str) -> list:
        blocks = []
        for kind, value in parsed.blocks:
            if kind == "paragraph":
                blocks.append(("paragraph", RichText(value)))
            elif kind in ("image", "gallery"):
                pictures = [value] if kind == "image" else value.pictures
                found = [
                    (picture, self._image(picture, post_title=post_title)) for picture in pictures
                ]
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
                    title = value.title[:255] if kind == "gallery" else ""
                    blocks.append(("gallery", {"title": title, "photos": photos}))
            elif kind == "video":
                video = {"url": value["url"], "title": "", "caption": value["caption"][:255]}
                blocks.append(("video", {**video, "poster": None}))
            else:
                blocks.append((kind, value))
        return blocks

    def _image(self, picture: wordpress.Picture, *, post_title: str) -> CreditedImage | None:
        attachment = wordpress.attachment_for(self.export, picture)
        key = (attachment.id or attachment.path) if attachment else ""
        if key and key not in self.images:
            self.images[key] = self._stored_image(attachment, alt=attachment.alt or picture.alt)
        image = self.images[key] if key else None
        if image is not None:
            if picture.alt and not image.description:  # a later post described it
                publishing_services.image_describe(image=image, description=picture.alt)
            return image
        self.report.images_missing += 1
        name = (attachment.path or attachment.url) if attachment else picture.url
        if name:
            self.report.missing_files.setdefault(name, post_title)
        return None

    def _stored_image(self, attachment: wordpress.Attachment, *, alt: str) -> CreditedImage | None:
        """The attachment's file, stored; `alt` (the attachment's, else the one the post gave
        the image: WordPress copies it into the post) describes it to readers who cannot see it."""
        if self.media_dir is None or not attachment.path:
            return None
        path = (self.media_dir / attachment.path).resolve()
        # The export names the file: it must not lead outside the folder the operator gave.
        if not path.is_relative_to(self.media_dir) or not path.is_file():
            return None
        image, stored = publishing_services.image_from_file(
            path=path,
            title=attachment.title or path.stem,
            caption=attachment.caption,
            description=alt,
        )
        if stored:
            self.report.images += 1
        return image


# What an editor does to a page without saving a revision of it: the import's own doing is
# nobody's (no user in its log entry).
EDITS_WITHOUT_REVISION = (
    "wagtail.unpublish",
    "wagtail.move",
    "wagtail.view_restriction.create",
    "wagtail.view_restriction.edit",
    "wagtail.view_restriction.delete",
)


def _edited_since(page: ArticlePage | InfoPage, record: ImportedArticle | ImportedInfoPage) -> bool:
    """Whether an editor has changed the page since the import wrote it: saved a revision of
    their own, or unpublished it, moved it to another section or changed its privacy (which
    make no revision)."""
    if record.revision_id is None or page.latest_revision_id != record.revision_id:
        return True
    return PageLogEntry.objects.filter(
        page_id=page.pk,
        action__in=EDITS_WITHOUT_REVISION,
        user__isnull=False,
        timestamp__gte=record.revision.created_at,
    ).exists()


def _intro(post: wordpress.Post) -> str:
    return post.excerpt[: InfoPage._meta.get_field("intro").max_length]


def _publication(post: wordpress.Post) -> tuple[str, datetime | None, datetime | None]:
    """How a post comes in: its state ("published", "scheduled" or "draft"), when it was
    published and when it is to go live, as WordPress's status and date say."""
    published = post.date or timezone.now()
    if post.status == "future" and published > timezone.now():
        return "scheduled", None, published
    if post.status not in ("publish", "future"):
        return "draft", None, None
    return "published", published, None


def _quote_as_paragraph(quote: dict) -> tuple[str, RichText]:
    """A pull quote in a page (whose body has no pull-quote block) as a quotation in the text."""
    text = escape(quote["quote"])
    if quote.get("attribution"):
        text += f"<br>— {escape(quote['attribution'])}"
    return ("paragraph", RichText(f"<blockquote>{text}</blockquote>"))


def _section_slug(category_slug: str, export: wordpress.Export) -> str:
    """The slug of a category's section: its own, but "tags-2" for "tags" or "feed-2" for
    "feed", addresses the front page or the site answers itself (its tag pages, its feed: see
    HomePage.route_slugs), or "tags-3" if the export has a category "tags-2" too; the same on
    every run of the import."""
    if category_slug not in HomePage.route_slugs():
        return category_slug
    taken = {unquote(slug) for slug in export.categories}
    number = 2
    while f"{category_slug}-{number}" in taken:
        number += 1
    return f"{category_slug}-{number}"


def _slug(post: wordpress.Post) -> str:
    """WordPress keeps a slug with letters outside ASCII percent-encoded; drafts often have none."""
    slug = unquote(post.slug)[:255]
    try:
        validate_unicode_slug(slug)
    except ValidationError:
        slug = ""
    return slug or slugify(post.title, allow_unicode=True)[:255] or f"post-{post.id}"


# Comment threads ------------------------------------------------------------------------------


@dataclass
class ThreadImported:
    title: str
    article_id: int
    imported: int
    already_there: int
    left_out: int


@dataclass
class ThreadUnmatched:
    title: str
    reason: str
    comments: int


@dataclass
class CommentThreadsReport:
    left_out_reason: str  # what the source's left-out comments were
    imported: list[ThreadImported] = field(default_factory=list)
    unmatched: list[ThreadUnmatched] = field(default_factory=list)


def wordpress_comments_import(*, path: Path, by_slug: bool = True) -> CommentThreadsReport:
    """Each post's approved comments in a WordPress export into the article imported from that
    post, else (`by_slug`, for articles brought in another way) into the only article with the
    same slug that was not imported from another post; all or nothing (ImportRefused names the
    post at fault); posts without an article are reported. The file is read twice, to check it
    and to import it, one post at a time."""

    def article_for(post):
        article = importers_selectors.article_imported_from(post.key)
        if article is not None:
            return article, ""
        if not by_slug and post.key:
            return None, f"({post.slug or 'no slug'}): not imported as an article"
        article = publishing_selectors.article_with_slug(post.slug)
        if article is not None and not importers_selectors.article_imported_from_elsewhere(
            article, source=post.key
        ):
            return article, ""
        return None, f"({post.slug or 'no slug'}): no single article with this slug"

    def read_sources():
        for post in read_wordpress_comments(path):
            yield post, f"Post “{post.title}” ({post.slug})"

    return _threads_import(
        read_sources, article_for=article_for, left_out_reason="not approved, pings or empty"
    )


def disqus_comments_import(*, threads: list[DisqusThread]) -> CommentThreadsReport:
    """Each Disqus thread's kept comments into the article at the same path, or else with the
    same slug, all or nothing (ImportRefused names the thread at fault); threads without an
    article are reported."""

    def article_for(thread):
        if not thread.link:
            return None, "(no link in the file)"
        article = publishing_selectors.article_for_link(thread.link)
        if article is not None:
            return article, ""
        return None, f"({thread.link}): no article at this path or with its last part as slug"

    def read_sources():
        for thread in threads:
            yield thread, f"Thread “{thread.title}” ({thread.link})"

    return _threads_import(
        read_sources, article_for=article_for, left_out_reason="deleted, spam or empty"
    )


def _threads_import(read_sources, *, article_for, left_out_reason: str) -> CommentThreadsReport:
    """Check every thread that has an article, then import them all in one transaction.

    `read_sources()` gives the threads anew at each call: they are checked as they come, then
    read again to be imported, so that threads read from a file as they come are held one at a
    time. A file that changed in between and fails now changes nothing.
    """
    report = CommentThreadsReport(left_out_reason=left_out_reason)
    refusal = None
    for source, where in read_sources():
        if refusal is not None:
            continue  # as when files were read whole: an unreadable file is named first
        article, reason = article_for(source)
        if article is None:
            report.unmatched.append(ThreadUnmatched(source.title, reason, len(source.entries)))
            continue
        try:
            check_entries(source.entries)
        except ImportRefused as error:
            refusal = ImportRefused(f"{where}: {error}")
    if refusal is not None:
        raise refusal
    with transaction.atomic():
        for source, where in read_sources():
            article, _reason = article_for(source)
            if article is None:
                continue
            try:
                items = check_entries(source.entries)
            except ImportRefused as error:
                raise ImportRefused(f"{where}: {error}") from None
            count = comments_import(article=article, items=items)
            report.imported.append(
                ThreadImported(source.title, article.pk, count, len(items) - count, source.left_out)
            )
    return report


# One article's comments from JSON -------------------------------------------------------------


@dataclass
class CommentsFileChecked:
    comments: int  # published comments, the ones to import
    left_out: int  # the others
    new: int  # published comments not imported into the article before


def comments_file_check(*, article: ArticlePage, path: Path) -> CommentsFileChecked:
    """Check a whole file of one article's comments (as export-comments writes it) as it is
    read, keeping only the comments' ids, and count those the article has not yet.
    ImportRefused names the item or line at fault."""
    checker, refusal = EntryChecker(), None

    def checked_items():
        nonlocal refusal
        for entry in read_comments(file):
            if refusal is not None:
                continue  # as when files were read whole: a JSON error anywhere is named first
            try:
                item = checker.check(entry)
            except ImportRefused as error:
                refusal = error
                continue
            if item is not None:
                yield item

    with path.open("rb") as file:
        new = comments_new_count(article=article, items=checked_items())
    if refusal is not None:
        raise refusal
    return CommentsFileChecked(comments=len(checker.kept_ids), left_out=checker.left_out, new=new)


def comments_file_import(*, article: ArticlePage, path: Path, progress=None) -> int:
    """Import a checked file's comments into the article, reading it again a batch at a time,
    in one transaction: a file that changed since it was checked and fails now changes nothing.
    Returns how many comments were added."""
    checker = EntryChecker()
    with path.open("rb") as file:
        entries = (checker.check(entry) for entry in read_comments(file))
        items = (item for item in entries if item is not None)
        return comments_import(article=article, items=items, progress=progress)
