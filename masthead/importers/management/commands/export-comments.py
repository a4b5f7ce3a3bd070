import os
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.importers.comments_json import comments_export
from masthead.publishing.selectors import article_by_id
from masthead.text import counted


class Command(BaseCommand):
    help = (
        "Export comments as JSON, the list import-comments --article reads: one article's "
        "(--article ID) or every article's, one after another. Each comment has its id, "
        "parent_id, author, created date, text (the Markdown its author wrote), votes (the net "
        "score), status, featured_at (when a moderator made it an editors' pick, or null), "
        "passage anchor, article_id and article_url."
    )

    def add_arguments(self, parser):
        parser.add_argument("--article", type=int, help="Only this article (its page id).")
        parser.add_argument(
            "--output", type=Path, help="Write to this file instead of the standard output."
        )
        parser.add_argument(
            "--all",
            action="store_true",
            dest="include_all",
            help=(
                "Also held, spam and removed comments and those their authors deleted, each "
                "with its status (import-comments leaves them out); a deleted one's text is "
                "left out, as its author withdrew it."
            ),
        )
        parser.add_argument(
            "--include-emails",
            action="store_true",
            help=(
                "Also each commenter's e-mail address. Off by default: readers gave their "
                "address to this newsroom, to hear of replies, on the promise that it is never "
                "shown, and an export file travels; add them only for a move that needs them, "
                "and keep the file as safe as the database."
            ),
        )

    def handle(self, *args, article, output, include_all, include_emails, **options):
        if article is not None and article_by_id(article) is None:
            raise CommandError(f"There is no article with id {article}.")
        options = {"article_id": article, "include_all": include_all}
        if output is None:
            count = comments_export(
                write=lambda text: self.stdout.write(text, ending=""),
                include_emails=include_emails,
                **options,
            )
            self.stderr.write(
                counted(count, "Exported %(count)d comment.", "Exported %(count)d comments.")
            )
            return
        # Written beside the file and renamed when complete: a failed export leaves no half file.
        partial = output.with_name(output.name + ".part")
        try:
            with partial.open("w", encoding="utf-8") as file:
                count = comments_export(write=file.write, include_emails=include_emails, **options)
            os.replace(partial, output)
        except OSError as error:
            raise CommandError(f"Cannot write {output}: {error.strerror}.") from None
        finally:
            partial.unlink(missing_ok=True)
        self.stdout.write(
            self.style.SUCCESS(
                counted(
                    count,
                    "Exported %(count)d comment to %(output)s.",
                    "Exported %(count)d comments to %(output)s.",
                    output=output,
                )
            )
        )
