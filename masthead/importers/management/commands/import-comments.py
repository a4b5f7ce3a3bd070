from pathlib import Path

from django.core.management.base import CommandError

from masthead.discussion.services import ImportRefused, comments_import, parse_import
from masthead.importers.disqus import read_export as read_disqus_export
from masthead.importers.management.base import ImportCommand
from masthead.importers.services import disqus_comments_import, wordpress_comments_import
from masthead.importers.wordpress_comments import read_export as read_wordpress_export
from masthead.publishing.selectors import article_by_id


class Command(ImportCommand):
    help = (
        "Import comments without moderation, all or nothing; comments imported before are "
        "skipped. Either one article's thread from a JSON list of "
        '{"id", "parent_id", "author", "email", "created", "text", "votes"} (--article ID; '
        'as export-comments writes it, where comments whose "status" is not "published" are '
        "left out), "
        "or a whole WordPress export (--wordpress): each post's approved comments go to the "
        "article with the same slug, or a whole Disqus export (--disqus): each thread's comments "
        "go to the article at the same path, or else with the same slug."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--article", type=int, help="The article's id (its page id).")
        target.add_argument(
            "--wordpress",
            action="store_true",
            help="FILE is a WordPress export (WXR, from Tools → Export; wpDiscuz votes included).",
        )
        target.add_argument(
            "--disqus",
            action="store_true",
            help="FILE is a Disqus export (the XML file Disqus e-mails when asked for an export).",
        )
        parser.add_argument("file", type=Path, help="The JSON, WXR or Disqus XML file.")

    def handle(self, *args, article, wordpress, disqus, file, **options):
        if wordpress:
            return self._import_wordpress(file)
        if disqus:
            return self._import_disqus(file)
        target = article_by_id(article)
        if target is None:
            raise CommandError(f"There is no article with id {article}.")
        try:
            raw = file.read_text(encoding="utf-8")
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except UnicodeDecodeError as error:
            raise CommandError(f"{file} is not UTF-8 text (byte {error.start}).") from None
        try:
            items = parse_import(raw)
        except ImportRefused as refusal:
            raise self.refused(file, refusal) from None
        left_out = f" ({items.left_out} not published, left out)" if items.left_out else ""
        self.stdout.write(
            f"{len(items)} comments checked{left_out}; importing into “{target.title}”…"
        )

        def progress(done, total):
            self.stdout.write(f"  {done}/{total}")

        count = comments_import(article=target, items=items, progress=progress)
        skipped = f" ({len(items) - count} were already there)" if count < len(items) else ""
        self.stdout.write(
            self.style.SUCCESS(f"Imported {count} comments into article {target.pk}{skipped}.")
        )

    def _import_wordpress(self, file: Path):
        posts = self._read(file, read_wordpress_export)
        try:
            report = wordpress_comments_import(posts=posts)
        except ImportRefused as refusal:
            raise self.refused(file, refusal) from None
        self.write_threads_report(report)

    def _import_disqus(self, file: Path):
        threads = self._read(file, read_disqus_export)
        try:
            report = disqus_comments_import(threads=threads)
        except ImportRefused as refusal:
            raise self.refused(file, refusal) from None
        self.write_threads_report(report)

    def _read(self, file: Path, reader):
        try:
            return reader(file)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except ImportRefused as refusal:
            raise self.refused(file, refusal) from None
