"""`masthead unit-failed`: ADMINS hear of a systemd unit that failed, the nightly backup above all,
even when it was stopped before it could say why itself."""

import configparser
import contextlib
import io
import re
import shlex
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command

from masthead.unit_failures import MAIL_FAILED, NO_ADMINS

UNIT = "masthead-backup.service"
DEPLOY = Path(__file__).resolve().parents[2] / "deploy"


def unit_file(name: str) -> configparser.ConfigParser:
    unit = configparser.ConfigParser(interpolation=None, strict=False)
    unit.optionxform = str
    unit.read(DEPLOY / name)
    return unit


def test_a_backup_killed_before_it_could_mail_is_mailed_to_the_admins(
    settings, mailoutbox, monkeypatch
):
    """The backup command mails ADMINS when it fails, but one killed when memory ran out mailed
    nothing: the unit left failed was seen only by those who looked."""
    settings.ADMINS = [("Ops", "ops@news.example")]
    backup = unit_file("masthead-backup.service")
    on_failure = backup["Unit"]["OnFailure"].replace("%n", "masthead-backup.service")
    instance = on_failure.split("@", 1)[1].removesuffix(".service")
    template = unit_file(on_failure.split("@", 1)[0] + "@.service")
    program, *arguments = shlex.split(template["Service"]["ExecStart"].replace("%i", instance))
    assert program == "/opt/masthead/.venv/bin/masthead"
    assert template["Service"]["EnvironmentFile"] == backup["Service"]["EnvironmentFile"]
    # What systemd (251 and later) tells the unit it starts on a failure.
    monkeypatch.setenv("MONITOR_SERVICE_RESULT", "oom-kill")
    monkeypatch.setenv("MONITOR_EXIT_CODE", "killed")
    monkeypatch.setenv("MONITOR_EXIT_STATUS", "KILL")
    monkeypatch.setenv("MONITOR_INVOCATION_ID", "5f2c0d9e8a1b4c3d")

    call_command(*arguments)

    [mail] = mailoutbox
    assert mail.to == ["ops@news.example"]
    assert "masthead-backup.service failed on " in mail.subject
    assert "it was killed when the machine ran out of memory" in mail.body
    assert "journalctl _SYSTEMD_INVOCATION_ID=5f2c0d9e8a1b4c3d" in mail.body
    assert "systemctl start masthead-backup.service" in mail.body


def test_without_systemds_details_the_mail_points_at_the_units_journal(
    settings, mailoutbox, monkeypatch
):
    settings.ADMINS = [("Ops", "ops@news.example")]
    for name in ("MONITOR_SERVICE_RESULT", "MONITOR_EXIT_CODE", "MONITOR_EXIT_STATUS"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.delenv("MONITOR_INVOCATION_ID", raising=False)

    call_command("unit-failed", "masthead-backup.service")

    [mail] = mailoutbox
    assert "systemd reports that masthead-backup.service failed on " in mail.body
    assert "journalctl -u masthead-backup.service -n 50" in mail.body


def test_a_failure_no_one_can_be_told_of_fails_loudly(settings, mailoutbox, monkeypatch):
    monkeypatch.setenv("MONITOR_SERVICE_RESULT", "exit-code")
    settings.ADMINS = []
    with pytest.raises(CommandError, match=re.escape(NO_ADMINS.format(unit=UNIT))):
        call_command("unit-failed", "masthead-backup.service")

    settings.ADMINS = [("Ops", "ops@news.example")]
    settings.EMAIL_BACKEND = "tests.core.test_unit_failures.RefusingBackend"
    refused = MAIL_FAILED.format(unit=UNIT, error="[Errno 111] Connection refused")
    with pytest.raises(CommandError, match=re.escape(refused)):
        call_command("unit-failed", "masthead-backup.service")


@pytest.mark.django_db(transaction=True)  # the backup reads the database as it is
def test_a_backup_that_failed_on_its_own_is_mailed_to_the_admins_once(
    tmp_path, settings, mailoutbox, monkeypatch
):
    """The backup mails why it failed; its unit left failed then had masthead-failed@ mail the
    admins again, with less to say. Unless the backup could not mail: then that mail is the one."""
    from unittest import mock

    settings.MASTHEAD_HOME = tmp_path
    settings.ADMINS = [("Ops", "ops@news.example")]
    (tmp_path / "not-a-folder").write_text("a file where the backups should go")

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    def smtp_down(*args, **kwargs):
        raise ConnectionRefusedError(111, "Connection refused")

    runs = {
        "refused": ({"output": tmp_path / "not-a-folder" / "x.tar.gz"}, []),
        "crashed": ({"output": tmp_path / "x.tar.gz"}, [("tarfile.open", full_disk)]),
    }
    for failure, (options, patches) in runs.items():
        for mail_down in (False, True):
            mailoutbox.clear()
            patches_now = [*patches, *([("mail_admins", smtp_down)] if mail_down else [])]
            with pytest.raises((CommandError, OSError)) as failed, contextlib.ExitStack() as stack:
                for name, replacement in patches_now:
                    stack.enter_context(mock.patch(f"masthead.backups.{name}", replacement))
                call_command("backup", stderr=io.StringIO(), **options)
            # What systemd tells the unit OnFailure= starts of the backup's run.
            monkeypatch.setenv("MONITOR_SERVICE_RESULT", "exit-code")
            monkeypatch.setenv("MONITOR_EXIT_CODE", "exited")
            # A CommandError's status; Python exits 1 for any other exception.
            status = getattr(failed.value, "returncode", 1)
            monkeypatch.setenv("MONITOR_EXIT_STATUS", str(status))
            call_command("unit-failed", UNIT, stdout=io.StringIO())
            subjects = [mail.subject for mail in mailoutbox]
            assert len(subjects) == 1, (failure, mail_down, subjects)
            expected = f"{UNIT} failed on " if mail_down else "Backup failed on "
            assert expected in subjects[0], (failure, mail_down, subjects)


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError(111, "Connection refused")


def test_another_unit_exiting_3_is_still_mailed_about(settings, mailoutbox, monkeypatch):
    """Only the backup exits 3 having mailed why; gunicorn exits 3 when a web worker cannot
    boot, and the site's own unit failing so must not go unmentioned."""
    settings.ADMINS = [("Ops", "ops@news.example")]
    monkeypatch.setenv("MONITOR_SERVICE_RESULT", "exit-code")
    monkeypatch.setenv("MONITOR_EXIT_CODE", "exited")
    monkeypatch.setenv("MONITOR_EXIT_STATUS", "3")
    call_command("unit-failed", "masthead.service", stdout=io.StringIO())
    subjects = [mail.subject for mail in mailoutbox]
    assert len(subjects) == 1 and "masthead.service failed on " in subjects[0]
