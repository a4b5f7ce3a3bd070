from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.discussion.services import ImportRefused, comments_import, parse_import
from masthead.publishing.models import ArticlePage


class Command(BaseCommand):
    help = (
        "Import a thread of comments into an article from a JSON list of "
        '{"id", "parent_id", "author", "email", "created", "text", "votes"} (all or nothing; no moderation; comments imported before are skipped).'
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--article", type=int, required=True, help="The article's id (its page id)."
        )
        parser.add_argument("file", type=Path, help="The JSON file.")

    def handle(self, *args, article, file, **options):
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
