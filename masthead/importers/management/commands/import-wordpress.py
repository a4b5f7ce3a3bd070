from pathlib import Path

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.core.validators import validate_unicode_slug

from masthead.discussion.services import ImportRefused
from masthead.importers.management.base import ImportCommand
from masthead.importers.services import (
    RENAMED_BECAUSE,
    wordpress_comments_import,
    wordpress_import,
)
from masthead.importers.wordpress import WordPressRefused, read_export, read_posts
from masthead.text import counted

MISSING_FILES_SHOWN = 20


class Command(ImportCommand):
    help = (
        "Move a WordPress site in from its export (WXR, from Tools → Export → All content): posts "
        "become articles (sections from categories, bylines from authors, tags, featured images, "
        "galleries, YouTube and Vimeo embeds), pages (About us, Contact, policies) become "
        "information pages, each published post's or page's old address redirects to it, then "
        "the approved comments (wpDiscuz votes included) are imported. Run again with a later "
        "export, it brings in what is new and updates the articles and pages whose posts changed "
        "since (sections and passwords too), except those edited here meanwhile (reported)."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="The WXR file.")
        parser.add_argument(
            "--media",
            type=Path,
            help="A copy of the old site's wp-content/uploads folder: images are taken from "
            "there (nothing is downloaded). Without it, articles come in without their images.",
        )
        parser.add_argument(
            "--section",
            default="news",
            help="The section (slug) for posts without a category; created if missing. "
            "Default: news.",
        )
        parser.add_argument(
            "--no-comments", action="store_true", help="Import the posts only, not the comments."
        )

    def handle(self, *args, file, media, section, no_comments, **options):
        if media is not None and not media.is_dir():
            raise CommandError(f"--media {media} is not a folder.")
        try:
            validate_unicode_slug(section)
        except ValidationError:
            raise CommandError(
                f"--section {section!r} is not a slug: letters, numbers, hyphens or underscores."
            ) from None
        try:
            export = read_export(file)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except WordPressRefused as refusal:
            raise self.refused(file, refusal) from None
        found = [counted(export.post_count, "%(count)d post", "%(count)d posts")]
        if export.page_count:
            found.append(counted(export.page_count, "%(count)d page", "%(count)d pages"))
        attachments = len(export.attachments)
        self.stdout.write(
            f"{', '.join(found)} and "
            + counted(attachments, "%(count)d attachment found.", "%(count)d attachments found.")
        )
        if export.posts_dated_elsewhere * 2 > export.posts_dated:
            ahead = ", ".join(
                f"{'+' if minutes >= 0 else '−'}{abs(minutes) // 60:02}:{abs(minutes) % 60:02}"
                for minutes in sorted(export.old_offsets)
            )
            self.stdout.write(
                self.style.WARNING(
                    f"  The old site showed its times at UTC{ahead}; this one shows them in "
                    f"{settings.TIME_ZONE}. Dates stay the same moments, but for readers to see "
                    "the times they saw there, set TIME_ZONE to the site's zone (an IANA name, "
                    "e.g. Europe/London) and restart."
                )
            )

        def progress(number, total, post):
            if number % 100 == 0 or number == total:
                self.stdout.write(f"  {number}/{total}")

        site_title = export.site_name or export.site_url.split("//")[-1] or "Newsroom"
        try:
            report = wordpress_import(
                export=export,
                posts=read_posts(file),
                media_dir=media,
                default_section=section,
                site_title=site_title,
                progress=progress,
            )
        except (OSError, WordPressRefused) as error:
            # Read whole a moment ago: the file changed meanwhile.
            raise CommandError(
                f"{file} could no longer be read ({error}); the posts imported before stay, and "
                "running the import again brings in the rest."
            ) from None
        for title, reason in report.refused:
            self.stdout.write(self.style.WARNING(f"  “{title}” was not imported: {reason}"))
        imported = report.imported
        self.stdout.write(
            self.style.SUCCESS(
                counted(
                    imported.total(), "Imported %(count)d article", "Imported %(count)d articles"
                )
                + f" (published: {imported['published']}, scheduled: {imported['scheduled']}, "
                f"drafts: {imported['draft']}), "
                + counted(report.images, "%(count)d image", "%(count)d images")
                + " and "
                + counted(
                    report.redirects,
                    "%(count)d redirect from old addresses.",
                    "%(count)d redirects from old addresses.",
                )
            )
        )
        if report.updated:
            self.stdout.write(
                self.style.SUCCESS(
                    counted(
                        len(report.updated),
                        "Updated %(count)d article whose post changed in WordPress since it was "
                        "imported: %(titles)s.",
                        "Updated %(count)d articles whose posts changed in WordPress since they "
                        "were imported: %(titles)s.",
                        titles=_some_titles(report.updated),
                    )
                )
            )
        if report.pages_updated:
            self.stdout.write(
                self.style.SUCCESS(
                    counted(
                        len(report.pages_updated),
                        "Updated %(count)d information page whose page changed in WordPress "
                        "since it was imported: %(titles)s.",
                        "Updated %(count)d information pages whose pages changed in WordPress "
                        "since they were imported: %(titles)s.",
                        titles=_some_titles(report.pages_updated),
                    )
                )
            )
        for title, reason in report.not_updated:
            self.stdout.write(
                self.style.WARNING(
                    f"  “{title}” changed in WordPress but was not updated: {reason}."
                )
            )
        if report.pages_imported or export.page_count:
            pages = report.pages_imported
            self.stdout.write(
                self.style.SUCCESS(
                    counted(
                        pages.total(),
                        "Imported %(count)d page as an information page",
                        "Imported %(count)d pages as information pages",
                    )
                    + f" (published: {pages['published']}, scheduled: {pages['scheduled']}, "
                    f"drafts: {pages['draft']}), under the front page; choose which show in the "
                    "footer (Promote → Show in the footer)."
                )
            )
        notes = []
        if report.password_protected:
            notes.append(
                counted(
                    report.password_protected,
                    "%(count)d post kept its password: readers are asked for it, and no "
                    "listing, feed, sitemap or search shows it",
                    "%(count)d posts kept their password: readers are asked for it, and no "
                    "listing, feed, sitemap or search shows them",
                )
            )
        if report.already_there:
            notes.append(
                counted(
                    len(report.already_there),
                    "%(count)d post was already here (imported before), unchanged since, left "
                    "as it is",
                    "%(count)d posts were already here (imported before), unchanged since, left "
                    "as they are",
                )
            )
        if report.pages_already_there:
            notes.append(
                counted(
                    len(report.pages_already_there),
                    "%(count)d page was already here (imported before), unchanged since, left "
                    "as it is",
                    "%(count)d pages were already here (imported before), unchanged since, left "
                    "as they are",
                )
            )
        if report.left_out:
            statuses = ", ".join(f"{count} {status}" for status, count in report.left_out.items())
            notes.append(f"left out by status: {statuses}")
        if export.other_items:
            kinds = ", ".join(f"{count} {kind}" for kind, count in export.other_items.items())
            notes.append(f"not posts, not imported: {kinds}")
        if report.sections_created:
            notes.append("sections created: " + ", ".join(report.sections_created))
        if report.authors_created:
            notes.append("authors created: " + ", ".join(report.authors_created))
        for note in notes:
            self.stdout.write(f"  {note[0].upper()}{note[1:]}.")
        for title, slug, free_slug, why in report.renamed:
            reason = RENAMED_BECAUSE[why].format(slug=slug)
            self.stdout.write(self.style.WARNING(f"  “{title}” came in as {free_slug}: {reason}."))
        for title in report.protected_already_there:
            self.stdout.write(
                self.style.WARNING(
                    f"  “{title}” has a password in WordPress, but its article, imported before, is "
                    "open to every reader: give it a password under Privacy in its Status panel in the admin."
                )
            )
        for name, titles in sorted(report.shortcodes_dropped.items()):
            shown = _some_titles(titles)
            self.stdout.write(
                self.style.WARNING(
                    f"  [{name}] left out of "
                    + counted(len(titles), "%(count)d post", "%(count)d posts")
                    + f" ({shown}): what it showed (a plugin's table or form, an audio player…) "
                    "did not come in; re-create it in the article."
                )
            )
        for provider, titles in sorted(report.embeds_linked.items()):
            shown = _some_titles(titles)
            self.stdout.write(
                self.style.WARNING(
                    f"  {provider} embeds in "
                    + counted(len(titles), "%(count)d post", "%(count)d posts")
                    + f" ({shown}) came in as links to what they showed: only YouTube and Vimeo "
                    "videos are shown in the page."
                )
            )
        if report.images_missing:
            where = "in --media" if media else "(no --media folder given)"
            missing = counted(
                report.images_missing, "%(count)d image not found", "%(count)d images not found"
            )
            self.stdout.write(self.style.WARNING(f"  {missing} {where}."))
            if media:  # without the folder, every image is missing: naming them says nothing
                shown = list(report.missing_files.items())[:MISSING_FILES_SHOWN]
                for name, title in shown:
                    self.stdout.write(self.style.WARNING(f"    {name} (in “{title}”)"))
                if len(report.missing_files) > len(shown):
                    more = len(report.missing_files) - len(shown)
                    more_files = counted(
                        more, "and %(count)d more file", "and %(count)d more files"
                    )
                    self.stdout.write(self.style.WARNING(f"    {more_files}"))
                self.stdout.write(
                    "  Their articles came in without them: add them in the admin (running the "
                    "import again skips the posts it has imported)."
                )
        if no_comments:
            return
        self.stdout.write("Comments:")
        try:
            report = wordpress_comments_import(path=file, by_slug=False)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except ImportRefused as refusal:
            self.stdout.write(f"  {self.refused(file, refusal)}")
            return
        self.write_threads_report(report)


def _some_titles(titles: list[str]) -> str:
    """The first three titles, quoted, and how many more there are."""
    shown = ", ".join(f"“{title}”" for title in titles[:3])
    return shown + (f" and {len(titles) - 3} more" if len(titles) > 3 else "")
