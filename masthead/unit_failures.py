"""Telling ADMINS that one of the site's systemd units failed (`masthead unit-failed`, run by
deploy/masthead-failed@.service, which a unit names in its OnFailure=).

A command that fails on its own can say why (a failed backup mails it); one killed from outside
(when memory ran out, or by hand) says nothing: systemd starting this is what tells of it."""

import socket
from dataclasses import dataclass
from datetime import datetime

from django.conf import settings
from django.core.mail import mail_admins

# What a unit's command exits with when it failed and has mailed ADMINS why itself (a backup
# does): `masthead unit-failed` then mails nothing more, and the unit is still left failed.
FAILURE_MAILED_EXIT_STATUS = 3
# The units whose command exits so: others may exit 3 for reasons of their own (gunicorn does
# when a web worker cannot boot) and are mailed about as any failure.
UNITS_MAILING_THEIR_FAILURES = frozenset({"masthead-backup.service"})
ALREADY_MAILED = "{unit} failed and mailed ADMINS why itself: not mailed again."
UNIT_FAILED_SUBJECT = "{unit} failed on {host}"
UNIT_FAILED_MESSAGE = """systemd reports that {unit} failed on {host} (noticed at {time} UTC){how}.

A command killed from outside (when memory ran out, or by hand) could not say why itself.

What it wrote, as root:

    journalctl {journal}
    systemctl status {unit}

Once the cause is fixed, run it again: `systemctl start {unit}`.
"""
NO_ADMINS = (
    "{unit} failed, but ADMINS is empty: no one was told. Set ADMINS (e-mail addresses) in "
    "masthead.env."
)
MAIL_FAILED = "Mailing ADMINS that {unit} failed failed too: {error}"
# systemd's words for how the unit ended ($MONITOR_SERVICE_RESULT), in a reader's.
RESULTS = {
    "exit-code": "its command exited with an error",
    "signal": "its command was killed",
    "core-dump": "its command crashed",
    "timeout": "it ran past its time limit",
    "watchdog": "it stopped answering systemd's watchdog",
    "oom-kill": "it was killed when the machine ran out of memory",
    "start-limit-hit": "it failed too often in a row to be started again",
    "resources": "systemd could not set it up (a missing file, user or folder)",
}


@dataclass(frozen=True)
class UnitFailure:
    """What systemd tells the unit it starts on a failure (systemd 251 and later; each may be
    empty): how the unit ended, its command's exit status, and the run's invocation id."""

    unit: str
    result: str = ""  # $MONITOR_SERVICE_RESULT
    exit_code: str = ""  # $MONITOR_EXIT_CODE: exited, killed, dumped
    exit_status: str = ""  # $MONITOR_EXIT_STATUS: a number, or a signal's name
    invocation_id: str = ""  # $MONITOR_INVOCATION_ID

    @property
    def mailed_by_its_command(self) -> bool:
        return (
            self.unit in UNITS_MAILING_THEIR_FAILURES
            and self.exit_code == "exited"
            and self.exit_status == str(FAILURE_MAILED_EXIT_STATUS)
        )


def unit_failure_mail(*, failure: UnitFailure, now: datetime) -> bool:
    """Mail ADMINS that `failure.unit` failed, how (when systemd says), and how to read its
    journal. False when ADMINS is empty (no one to tell); errors of sending are the caller's."""
    if not settings.ADMINS:
        return False
    host = socket.gethostname()
    mail_admins(
        UNIT_FAILED_SUBJECT.format(unit=failure.unit, host=host),
        UNIT_FAILED_MESSAGE.format(
            unit=failure.unit,
            host=host,
            time=f"{now:%Y-%m-%d %H:%M}",
            how=_how(failure),
            # The failed run's own lines, when systemd gave its id; else the unit's latest.
            journal=(
                f"_SYSTEMD_INVOCATION_ID={failure.invocation_id}"
                if failure.invocation_id
                else f"-u {failure.unit} -n 50"
            ),
        ),
        fail_silently=False,
    )
    return True


def _how(failure: UnitFailure) -> str:
    if not failure.result:
        return ""
    how = RESULTS.get(failure.result, failure.result)
    if failure.exit_status and failure.result in ("exit-code", "signal", "core-dump"):
        kind = "exit status" if failure.exit_code == "exited" else "signal"
        how += f" ({kind} {failure.exit_status})"
    return f": {how}"
