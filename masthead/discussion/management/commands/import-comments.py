from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.db import transaction

from masthead.discussion.services import (
    ImportRefused,
    check_entries,
    comments_import,
    parse_import,
)
from masthead.discussion.wordpress import read_export
from masthead.publishing.models import ArticlePage


class Command(BaseCommand):
    help = (
        "Import comments without moderation, all or nothing; comments imported before are "
        "skipped. Either one article's thread from a JSON list of "
        '{"id", "parent_id", "author", "email", "created", "text", "votes"} (--article ID), '
        "or a whole WordPress export (--wordpress): each post's approved comments go to the "
        "article with the same slug."
    )

    def add_arguments(self, parser):
        target = parser.add_mutually_exclusive_group(required=True)
        target.add_argument("--article", type=int, help="The article's id (its page id).")
        target.add_argument(
            "--wordpress",
            action="store_true",
            help="FILE is a WordPress export (WXR, from Tools → Export; wpDiscuz votes included).",
        )
        parser.add_argument("file", type=Path, help="The JSON or WXR file.")

    def handle(self, *args, article, wordpress, file, **options):
        if wordpress:
            return self._import_wordpress(file)
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
        self.stdout.write(f"{len(items)} comments checked; importing into “{target.title}”…")

        def progress(done, total):
            self.stdout.write(f"  {done}/{total}")

        count = comments_import(article=target, items=items, progress=progress)
        skipped = f" ({len(items) - count} were already there)" if count < len(items) else ""
        self.stdout.write(
            self.style.SUCCESS(f"Imported {count} comments into article {target.pk}{skipped}.")
        )

    def _import_wordpress(self, file: Path):
        refused = f"{file} was not imported, nothing was changed."
        try:
            posts = read_export(file)
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except ImportRefused as refusal:
            raise CommandError(f"{refused} {refusal}") from None
        threads, unmatched = [], []
        for post in posts:
            articles = list(ArticlePage.objects.filter(slug=post.slug)[:2]) if post.slug else []
            if len(articles) != 1:
                unmatched.append(post)
                continue
            try:
                items = check_entries(post.entries)
            except ImportRefused as refusal:
                raise CommandError(
                    f"{refused} Post “{post.title}” ({post.slug}): {refusal}"
                ) from None
            threads.append((articles[0], post, items))
        imported = already = 0
        with transaction.atomic():
            for article, post, items in threads:
                count = comments_import(article=article, items=items)
                imported += count
                already += len(items) - count
                self.stdout.write(
                    f"  “{post.title}” → article {article.pk}: {count} imported"
                    + (f", {len(items) - count} already there" if count < len(items) else "")
                    + (f", {post.left_out} not approved, pings or empty" if post.left_out else "")
                )
        for post in unmatched:
            self.stdout.write(
                self.style.WARNING(
                    f"  “{post.title}” ({post.slug or 'no slug'}): no single article with this "
                    f"slug; its {len(post.entries)} comments were not imported."
                )
            )
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {imported} comments into {len(threads)} articles"
                + (f" ({already} were already there)" if already else "")
                + "."
            )
        )
