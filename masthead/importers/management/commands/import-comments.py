from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from masthead.discussion.services import (
    ImportRefused,
    check_entries,
    comments_import,
    parse_import,
)
from masthead.importers.disqus import read_export as read_disqus_export
from masthead.importers.wordpress_comments import read_export as read_wordpress_export
from masthead.publishing.models import ArticlePage
from masthead.publishing.selectors import article_for_link


class Command(BaseCommand):
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
        target = ArticlePage.objects.filter(pk=article).first()
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
            raise CommandError(f"{file} was not imported, nothing was changed. {refusal}") from None
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

        def match(post):
            articles = list(ArticlePage.objects.filter(slug=post.slug)[:2]) if post.slug else []
            if len(articles) == 1:
                return articles[0], ""
            return None, f"({post.slug or 'no slug'}): no single article with this slug"

        self._import_threads(
            file,
            [(post, f"Post “{post.title}” ({post.slug})") for post in posts],
            match=match,
            left_out="not approved, pings or empty",
        )

    def _import_disqus(self, file: Path):
        threads = self._read(file, read_disqus_export)

        def match(thread):
            if not thread.link:
                return None, "(no link in the file)"
            article = article_for_link(thread.link)
            if article is not None:
                return article, ""
            return None, f"({thread.link}): no article at this path or with its last part as slug"

        self._import_threads(
            file,
            [(thread, f"Thread “{thread.title}” ({thread.link})") for thread in threads],
            match=match,
            left_out="deleted, spam or empty",
        )

    def _read(self, file: Path, reader):
        try:
            return reader(file)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except ImportRefused as refusal:
            raise CommandError(f"{file} was not imported, nothing was changed. {refusal}") from None

    def _import_threads(self, file: Path, sources, *, match, left_out: str):
        """Check every matched thread, then import them all in one transaction, and say what
        went where and which threads found no article."""
        threads, unmatched = [], []
        for source, where in sources:
            article, reason = match(source)
            if article is None:
                unmatched.append((source, reason))
                continue
            try:
                items = check_entries(source.entries)
            except ImportRefused as refusal:
                raise CommandError(
                    f"{file} was not imported, nothing was changed. {where}: {refusal}"
                ) from None
            threads.append((article, source, items))
        imported = already = 0
        with transaction.atomic():
            for article, source, items in threads:
                count = comments_import(article=article, items=items)
                imported += count
                already += len(items) - count
                self.stdout.write(
                    f"  “{source.title}” → article {article.pk}: {count} imported"
                    + (f", {len(items) - count} already there" if count < len(items) else "")
                    + (f", {source.left_out} {left_out}" if source.left_out else "")
                )
        for source, reason in unmatched:
            self.stdout.write(
                self.style.WARNING(
                    f"  “{source.title}” {reason}; its {len(source.entries)} comments were not "
                    "imported."
                )
            )
        articles = len({article.pk for article, _, _ in threads})
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {imported} comments into {articles} articles"
                + (f" ({already} were already there)" if already else "")
                + "."
            )
        )
