import os
import smtplib

from django.core.management.base import BaseCommand, CommandError
from django.utils import timezone

from masthead.unit_failures import (
    ALREADY_MAILED,
    MAIL_FAILED,
    NO_ADMINS,
    UnitFailure,
    unit_failure_mail,
)


class Command(BaseCommand):
    help = (
        "Mail ADMINS that a systemd unit failed, how, and how to read its journal. Run by "
        "masthead-failed@.service, which a unit names in its OnFailure= (see deploy/)."
    )

    def add_arguments(self, parser):
        parser.add_argument("unit", help="The unit that failed, e.g. masthead-backup.service.")

    def handle(self, *args, unit, **options):
        failure = UnitFailure(
            unit=unit,
            result=os.environ.get("MONITOR_SERVICE_RESULT", ""),
            exit_code=os.environ.get("MONITOR_EXIT_CODE", ""),
            exit_status=os.environ.get("MONITOR_EXIT_STATUS", ""),
            invocation_id=os.environ.get("MONITOR_INVOCATION_ID", ""),
        )
        if failure.mailed_by_its_command:
            self.stdout.write(ALREADY_MAILED.format(unit=unit))
            return
        try:
            mailed = unit_failure_mail(failure=failure, now=timezone.now())
        except (OSError, smtplib.SMTPException) as error:
            raise CommandError(MAIL_FAILED.format(unit=unit, error=error)) from None
        if not mailed:
            raise CommandError(NO_ADMINS.format(unit=unit))
        self.stdout.write(f"Mailed ADMINS that {unit} failed.")
