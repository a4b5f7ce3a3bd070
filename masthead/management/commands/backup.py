import argparse
import smtplib
import traceback
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from masthead.backups import (
    DATABASE_NAMES,
    BackupError,
    backup_create,
    backup_failure_mail,
    backup_prune,
    default_backup_path,
)
from masthead.text import counted
from masthead.unit_failures import FAILURE_MAILED_EXIT_STATUS

CRASHED = "The backup failed ({error!r}: the traceback above), and ADMINS were mailed it."


def at_least_one(value: str) -> int:
    try:
        number = int(value)
    except ValueError:
        number = 0
    if number < 1:
        raise argparse.ArgumentTypeError(f"must be a whole number of at least 1, not {value!r}")
    return number


class Command(BaseCommand):
    help = (
        "Write the whole site (database snapshot, uploaded media, learned filters, secrets) to one "
        "archive, while it keeps serving. Restore it with `masthead restore`. A failed backup is "
        "mailed to ADMINS."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--output",
            type=Path,
            help="Where to write the archive (default: MASTHEAD_HOME/backups/masthead-<UTC time>.tar.gz).",
        )
        parser.add_argument(
            "--keep",
            type=at_least_one,
            metavar="N",
            help=(
                "Once backed up, delete the older archives named masthead-<UTC time>.tar.gz in "
                "the same folder, all but the newest N (default: delete none)."
            ),
        )

    def handle(self, *args, output, keep, **options):
        now = timezone.now()
        output = output or default_backup_path(now)
        try:
            made = backup_create(output=output, now=now)
            deleted = backup_prune(made=made.path, keep=keep) if keep else []
        except BackupError as error:
            mailed = self.alert(error=str(error), output=output, now=now)
            raise CommandError(str(error), returncode=exit_status(mailed)) from None
        except Exception as error:
            report = traceback.format_exc()
            if not self.alert(error=report, output=output, now=now):
                raise
            self.stderr.write(report)
            raise CommandError(
                CRASHED.format(error=error), returncode=FAILURE_MAILED_EXIT_STATUS
            ) from error
        self.stdout.write(
            self.style.SUCCESS(f"Backed up to {made.path} ({made.size / 1_000_000:.1f} MB)")
            + f": the {DATABASE_NAMES[made.database]} database and "
            + counted(
                made.files,
                "%(files)s file of MASTHEAD_HOME.",
                "%(files)s files of MASTHEAD_HOME.",
                files=f"{made.files:,}",
            )
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
        if deleted:
            self.stdout.write(
                counted(
                    len(deleted),
                    "Deleted %(count)d older archive, keeping the newest %(keep)d: %(names)s.",
                    "Deleted %(count)d older archives, keeping the newest %(keep)d: %(names)s.",
                    keep=keep,
                    names=", ".join(path.name for path in deleted),
                )
            )
        if made.stale_removed:
            self.stdout.write(
                counted(
                    made.stale_removed,
                    "Removed %(count)d unfinished backup left in %(folder)s by an interrupted run.",
                    "Removed %(count)d unfinished backups left in %(folder)s by an interrupted run.",
                    folder=made.path.parent,
                )
            )
        if made.stale_restores_removed:
            count = made.stale_restores_removed
            self.stdout.write(unfinished_restores_removed(count))

    def alert(self, *, error: str, output: Path, now) -> bool:
        """Mail ADMINS why the backup failed; False when they could not be told."""
        try:
            mailed = backup_failure_mail(error=error, output=output, now=now)
        except (OSError, smtplib.SMTPException) as mail_error:
            self.stderr.write(f"Mailing ADMINS about this failure failed too: {mail_error}")
            return False
        if not mailed:
            self.stderr.write("Set ADMINS (e-mail addresses) to have failed backups mailed to you.")
        return mailed


def exit_status(mailed: bool) -> int:
    """Told of the failure, ADMINS need no second mail from masthead-failed@.service."""
    return FAILURE_MAILED_EXIT_STATUS if mailed else 1


def unfinished_restores_removed(count: int) -> str:
    """Said by backup and restore alike, which both clear what an interrupted restore left."""
    return counted(
        count,
        "Removed %(count)d unfinished restore left in %(folder)s by an interrupted run.",
        "Removed %(count)d unfinished restores left in %(folder)s by an interrupted run.",
        folder=settings.MASTHEAD_HOME,
    )
