from pathlib import Path

from django.core.management.base import CommandError
from django.db import reset_queries

from masthead.importers.disqus import read_export as read_disqus_export
from masthead.importers.management.base import ImportCommand, already_there
from masthead.importers.services import (
    comments_file_check,
    comments_file_import,
    disqus_comments_import,
    wordpress_comments_import,
)
from masthead.publishing.selectors import article_by_id
from masthead.text import counted


class Command(ImportCommand):
    help = (
        "Import comments without moderation, all or nothing; comments imported before are "
        "skipped. Either one article's thread from a JSON list of "
        '{"id", "parent_id", "author", "email", "created", "text", "votes"} (--article ID; '
        'as export-comments writes it, where comments whose "status" is not "published" are '
        'left out and a "featured_at" date makes the comment an editors\' pick again), '
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
        with self.reading(file):
            checked = comments_file_check(article=target, path=file)
        left_out = f" ({checked.left_out} not published, left out)" if checked.left_out else ""
        self.stdout.write(
            counted(checked.comments, "%(count)d comment checked", "%(count)d comments checked")
            + f"{left_out}; importing into “{target.title}”…"
        )

        def progress(done):
            # With DEBUG on, Django keeps the SQL of every query, and a batch's is large.
            reset_queries()
            self.stdout.write(f"  {done}/{checked.new}")

        with self.reading(file):
            count = comments_file_import(article=target, path=file, progress=progress)
        already = checked.comments - count
        note = already_there(already) if already else ""
        imported = counted(count, "Imported %(count)d comment", "Imported %(count)d comments")
        self.stdout.write(self.style.SUCCESS(f"{imported} into article {target.pk}{note}."))

    def _import_wordpress(self, file: Path):
        with self.reading(file):
            report = wordpress_comments_import(path=file)
        self.write_threads_report(report)

    def _import_disqus(self, file: Path):
        with self.reading(file):
            report = disqus_comments_import(threads=read_disqus_export(file))
        self.write_threads_report(report)
