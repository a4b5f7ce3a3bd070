from contextlib import contextmanager
from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from masthead.discussion.services import ImportRefused
from masthead.importers.comments_json import NotUtf8Text
from masthead.importers.services import CommentThreadsReport
from masthead.text import counted


class ImportCommand(BaseCommand):
    """What the import commands say the same way: a refused file, and where threads went."""

    def refused(self, file: Path, refusal: Exception) -> CommandError:
        return CommandError(f"{file} was not imported, nothing was changed. {refusal}")

    @contextmanager
    def reading(self, file: Path):
        """Say why a file could not be read or imported, as a CommandError."""
        try:
            yield
        except OSError as error:
            raise CommandError(f"Cannot read {file}: {error.strerror}.") from None
        except NotUtf8Text as error:
            raise CommandError(f"{file} is not UTF-8 text (byte {error.byte}).") from None
        except ImportRefused as refusal:
            raise self.refused(file, refusal) from None

    def write_threads_report(self, report: CommentThreadsReport) -> None:
        for thread in report.imported:
            self.stdout.write(
                f"  “{thread.title}” → article {thread.article_id}: {thread.imported} imported"
                + (f", {thread.already_there} already there" if thread.already_there else "")
                + (f", {thread.left_out} {report.left_out_reason}" if thread.left_out else "")
            )
        for thread in report.unmatched:
            self.stdout.write(
                self.style.WARNING(
                    f"  “{thread.title}” {thread.reason}; "
                    + counted(
                        thread.comments,
                        "its %(count)d comment was not imported.",
                        "its %(count)d comments were not imported.",
                    )
                )
            )
        imported = sum(thread.imported for thread in report.imported)
        already = sum(thread.already_there for thread in report.imported)
        articles = len({thread.article_id for thread in report.imported})
        self.stdout.write(
            self.style.SUCCESS(
                counted(imported, "Imported %(count)d comment", "Imported %(count)d comments")
                + counted(articles, " into %(count)d article", " into %(count)d articles")
                + (already_there(already) if already else "")
                + "."
            )
        )


def already_there(count: int) -> str:
    return counted(count, " (%(count)d was already there)", " (%(count)d were already there)")
