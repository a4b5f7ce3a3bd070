from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from masthead.backups import DATABASE_NAMES, BackupError, backup_restore
from masthead.management.commands.backup import unfinished_restores_removed
from masthead.text import counted


class Command(BaseCommand):
    help = (
        "Restore a `masthead backup` archive into this install, whose database must be empty "
        "(a new MASTHEAD_HOME, or a new PostgreSQL database in DATABASE_URL)."
    )

    def add_arguments(self, parser):
        parser.add_argument("archive", type=Path, help="The .tar.gz written by `masthead backup`.")

    def handle(self, *args, archive, **options):
        try:
            restored = backup_restore(archive_path=archive, now=timezone.now())
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Restored the site as it was at {restored.created_at}")
            + f": the {DATABASE_NAMES[restored.database]} database and "
            + counted(
                restored.files,
                "%(files)s file.",
                "%(files)s files.",
                files=f"{restored.files:,}",
            )
        )
        if restored.stale_removed:
            count = restored.stale_removed
            self.stdout.write(unfinished_restores_removed(count))
        self.stdout.write(
            "Run `masthead migrate` if this version of Masthead is newer than the backup's, "
            "then `masthead serve`."
        )
