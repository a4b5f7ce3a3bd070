from pathlib import Path

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from masthead.backups import DATABASE_NAMES, BackupError, backup_create, default_backup_path


class Command(BaseCommand):
    help = (
        "Write the whole site (database snapshot, uploaded media, learned filters, secrets) to one "
        "archive, while it keeps serving. Restore it with `masthead restore`."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the archive (default: MASTHEAD_HOME/backups/masthead-<UTC time>.tar.gz).",
        )

    def handle(self, *args, output, **options):
        now = timezone.now()
        try:
            made = backup_create(output=output or default_backup_path(now), now=now)
        except BackupError as error:
            raise CommandError(str(error)) from None
        self.stdout.write(
            self.style.SUCCESS(f"Backed up to {made.path} ({made.size / 1_000_000:.1f} MB)")
            + f": the {DATABASE_NAMES[made.database]} database and {made.files:,} files of MASTHEAD_HOME."
        )
        if made.secret_key:
            self.stdout.write(
                "It holds the site's secret key and its readers' e-mail addresses: keep it private."
            )
        else:
            self.stdout.write(
                "It holds its readers' e-mail addresses: keep it private. It does not hold the "
                "secret key, which this install takes from the environment (SECRET_KEY): keep a "
                "copy of it apart from the archive, and give the restored site the same one, or "
                "links in e-mails already sent (unsubscribe, donors' links) stop working and everyone "
                "is signed out."
            )
