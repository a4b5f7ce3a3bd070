"""`masthead backup` and `masthead restore`: the whole site in one archive, and back."""

import io
import json
import os
import smtplib
import sqlite3
import stat
import subprocess
import tarfile
import time
from unittest import mock

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.db import connection

from tests.commands import run_masthead

pytestmark = pytest.mark.django_db(transaction=True)


def make_home(home):
    files = {
        "media/original_images/harbour.jpg": b"\xff\xd8 a photo",
        "moderation/filters/v3/spam.npz": b"a learned filter",
        "secret_key": b"a-secret-key-kept-in-the-home",
        "static/css/site.css": b"made again by collectstatic",
        "backups/masthead-20260101-000000.tar.gz": b"an older backup",
    }
    for name, content in files.items():
        (home / name).parent.mkdir(parents=True, exist_ok=True)
        (home / name).write_bytes(content)


def test_a_backup_holds_the_database_and_every_file_that_cannot_be_made_again(tmp_path, settings):
    settings.MASTHEAD_HOME = tmp_path
    make_home(tmp_path)
    get_user_model().objects.create_user("editor", "editor@example.com", "pw")
    output = tmp_path / "elsewhere" / "site.tar.gz"
    out = io.StringIO()

    call_command("backup", output=output, stdout=out)

    assert f"Backed up to {output}" in out.getvalue()
    assert "keep it private" in out.getvalue()
    assert stat.S_IMODE(output.stat().st_mode) == 0o600
    with tarfile.open(output) as archive:
        names = set(archive.getnames())
        manifest = json.loads(archive.extractfile("MANIFEST.json").read())
        database = "database.sqlite3" if connection.vendor == "sqlite" else "database.pgdump"
        archive.extract(database, path=tmp_path / "x", filter="data")
    assert names == {
        "MANIFEST.json",
        database,
        "home/media/original_images/harbour.jpg",
        "home/moderation/filters/v3/spam.npz",
        "home/secret_key",
    }
    assert manifest["database"] == connection.vendor and manifest["files"] == 3
    assert "discussion" in manifest["migrations"]
    snapshot = tmp_path / "x" / database
    if connection.vendor == "sqlite":
        users = sqlite3.connect(snapshot).execute("select username from auth_user").fetchall()
        assert users == [("editor",)]
    else:
        listing = subprocess.run(
            ["pg_restore", "--list", str(snapshot)], capture_output=True, text=True, check=True
        ).stdout
        assert "TABLE DATA public auth_user" in listing


def test_restore_says_what_is_wrong_with_what_it_was_given(tmp_path, settings):
    settings.MASTHEAD_HOME = tmp_path
    with pytest.raises(CommandError, match=r"There is no file .*nothing\.tar\.gz"):
        call_command("restore", tmp_path / "nothing.tar.gz")
    (tmp_path / "notes.tar.gz").write_text("not an archive")
    with pytest.raises(CommandError, match=r"notes\.tar\.gz is not a Masthead backup"):
        call_command("restore", tmp_path / "notes.tar.gz")
    tarball = tmp_path / "other.tar.gz"
    with tarfile.open(tarball, "w:gz") as archive:
        archive.add(tmp_path / "notes.tar.gz", arcname="notes.txt")
    with pytest.raises(CommandError, match=r"other\.tar\.gz is not a Masthead backup: no readable"):
        call_command("restore", tarball)


def test_a_backup_says_whether_it_holds_the_secret_key_the_site_signs_links_with(
    tmp_path, settings
):
    settings.MASTHEAD_HOME = tmp_path
    (tmp_path / "secret_key").write_text("the-key-generated-into-the-home\n")
    settings.SECRET_KEY = "the-key-generated-into-the-home"
    out = io.StringIO()
    call_command("backup", output=tmp_path / "local.tar.gz", stdout=out)
    assert "It holds the site's secret key" in out.getvalue()

    # Production: SECRET_KEY comes from the environment file, which the archive does not hold.
    settings.SECRET_KEY = "a-key-set-in-masthead-env"
    out = io.StringIO()
    call_command("backup", output=tmp_path / "production.tar.gz", stdout=out)
    assert "It holds the site's secret key" not in out.getvalue()
    assert "does not hold the secret key" in out.getvalue()
    assert "SECRET_KEY" in out.getvalue()


def test_restore_of_an_archive_its_user_cannot_read_says_so(tmp_path, settings, monkeypatch):
    settings.MASTHEAD_HOME = tmp_path
    archive = tmp_path / "masthead-20260101-000000.tar.gz"
    archive.write_bytes(b"copied back as root, mode 600")

    def refused(*args, **kwargs):  # what a non-root user meets; tests run as root
        raise PermissionError(13, "Permission denied", str(archive))

    monkeypatch.setattr(tarfile, "open", refused)
    with pytest.raises(CommandError) as refusal:
        call_command("restore", archive)
    assert "is not a Masthead backup" not in str(refusal.value)
    assert "cannot be read by the user running this command (Permission denied)" in str(
        refusal.value
    )
    assert "chown masthead" in str(refusal.value)


def test_a_backup_into_a_folder_its_user_cannot_write_says_so(tmp_path, settings, monkeypatch):
    settings.MASTHEAD_HOME = tmp_path
    private = tmp_path / "root-only"  # e.g. `mh backup --output x.tar.gz` run from /root

    def refused(*args, **kwargs):  # what a non-root user meets; tests run as root
        raise PermissionError(13, "Permission denied", str(private))

    monkeypatch.setattr("masthead.backups.tempfile.TemporaryDirectory", refused)
    with pytest.raises(CommandError) as refusal:
        call_command("backup", output=private / "x.tar.gz")
    assert f"Cannot write the backup into {private} (Permission denied)" in str(refusal.value)
    assert "--output" in str(refusal.value)


def test_a_failed_backup_is_mailed_to_the_admins_with_why(tmp_path, settings, mailoutbox):
    """The nightly backup could fail for weeks (pg_dump missing, a full disk) with no one told."""
    settings.MASTHEAD_HOME = tmp_path
    settings.ADMINS = [("Ops", "ops@news.example")]
    (tmp_path / "not-a-folder").write_text("a file where the backups should go")
    with pytest.raises(CommandError, match="Cannot write the backup into"):
        call_command("backup", output=tmp_path / "not-a-folder" / "x.tar.gz")
    [mail] = mailoutbox
    assert mail.to == ["ops@news.example"]
    assert "Backup failed on" in mail.subject
    assert f"Cannot write the backup into {tmp_path / 'not-a-folder'}" in mail.body

    def full_disk(*args, **kwargs):
        raise OSError(28, "No space left on device")

    mailoutbox.clear()
    with (
        mock.patch("masthead.backups.tarfile.open", full_disk),
        pytest.raises(CommandError, match="No space left on device"),
    ):
        call_command("backup", output=tmp_path / "backups" / "x.tar.gz")
    [mail] = mailoutbox
    assert "No space left on device" in mail.body
    assert not (tmp_path / "backups" / "x.tar.gz").exists()


def test_a_failed_backup_still_fails_when_it_cannot_be_mailed(tmp_path, settings, mailoutbox):
    settings.MASTHEAD_HOME = tmp_path
    (tmp_path / "not-a-folder").write_text("")
    output = tmp_path / "not-a-folder" / "x.tar.gz"
    err = io.StringIO()
    with pytest.raises(CommandError, match="Cannot write the backup"):
        call_command("backup", output=output, stderr=err)
    assert "Set ADMINS" in err.getvalue() and mailoutbox == []

    settings.ADMINS = [("Ops", "ops@news.example")]

    def smtp_down(*args, **kwargs):
        raise smtplib.SMTPServerDisconnected("Connection unexpectedly closed")

    err = io.StringIO()
    with (
        mock.patch("masthead.backups.mail_admins", smtp_down),
        pytest.raises(CommandError, match="Cannot write the backup"),
    ):
        call_command("backup", output=output, stderr=err)
    assert "Mailing ADMINS about this failure failed too: Connection unexpectedly closed" in (
        err.getvalue()
    )


def test_keep_deletes_all_but_the_newest_archives(tmp_path, settings):
    """Old archives piled up unless the operator pruned them with a command of their own."""
    settings.MASTHEAD_HOME = tmp_path
    backups = tmp_path / "backups"
    backups.mkdir()
    older = [f"masthead-2026010{day}-030000.tar.gz" for day in range(1, 6)]
    for name in [*older, "masthead-before-upgrade.tar.gz", "notes.txt"]:
        (backups / name).write_bytes(b"kept by someone")
    out = io.StringIO()

    call_command("backup", keep=3, stdout=out)

    left = sorted(path.name for path in backups.iterdir())
    [made] = [name for name in left if name not in older and name.startswith("masthead-2")]
    assert left == sorted([*older[-2:], made, "masthead-before-upgrade.tar.gz", "notes.txt"])
    assert "Deleted 3 older archives, keeping the newest 3" in out.getvalue()
    with pytest.raises(CommandError, match="--keep: must be a whole number of at least 1"):
        call_command("backup", "--keep", "0")
    assert sorted(path.name for path in backups.iterdir()) == left


def test_a_backup_clears_what_interrupted_backups_left_but_not_a_running_one(tmp_path, settings):
    """A backup killed halfway left a work folder (a copy of the database) for good."""
    settings.MASTHEAD_HOME = tmp_path
    backups = tmp_path / "backups"
    interrupted = backups / ".masthead-backup-k1ll3d"
    running = backups / ".masthead-backup-runn1ng"
    for work in (interrupted, running):
        work.mkdir(parents=True)
        (work / "database.sqlite3").write_bytes(b"a snapshot")
    two_hours_ago = time.time() - 2 * 3600
    for path in (interrupted / "database.sqlite3", interrupted):
        os.utime(path, (two_hours_ago, two_hours_ago))
    os.utime(running, (two_hours_ago, two_hours_ago))  # its snapshot is still being written
    out = io.StringIO()

    call_command("backup", stdout=out)

    assert not interrupted.exists()
    assert (running / "database.sqlite3").exists()
    assert f"Removed 1 unfinished backup left in {backups}" in out.getvalue()


def masthead(home, *args):
    return run_masthead(args, {"DJANGO_SUPERUSER_PASSWORD": "pw-for-tests", "REDIS_URL": ""}, home)


def test_a_site_backed_up_comes_back_whole_in_a_new_home_and_no_site_is_overwritten(tmp_path):
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    make_home(old)
    assert masthead(old, "migrate", "auth", "--noinput", "-v0").returncode == 0
    created = masthead(old, "createsuperuser", "--noinput", "--username=chief", "--email=c@x.org")
    assert created.returncode == 0, created.stderr
    backed_up = masthead(old, "backup")
    assert backed_up.returncode == 0, backed_up.stderr
    archive = max((old / "backups").glob("masthead-*.tar.gz"))  # the newest, named by its time
    assert archive.name != "masthead-20260101-000000.tar.gz"

    restored = masthead(new, "restore", str(archive))

    assert restored.returncode == 0, restored.stderr
    assert "Restored the site as it was at" in restored.stdout
    users = sqlite3.connect(new / "masthead.sqlite3").execute("select username from auth_user")
    assert users.fetchall() == [("chief",)]
    assert (new / "media/original_images/harbour.jpg").read_bytes() == b"\xff\xd8 a photo"
    assert (new / "secret_key").read_bytes() == b"a-secret-key-kept-in-the-home"
    assert not (new / "static").exists()

    again = masthead(old, "restore", str(archive))
    assert again.returncode == 1
    assert "already holds a site" in again.stderr
    users = sqlite3.connect(old / "masthead.sqlite3").execute("select username from auth_user")
    assert users.fetchall() == [("chief",)]


@pytest.mark.parametrize("kept", [0.1, 0.9])  # cut in the database, or among the media
def test_a_backup_cut_short_says_so_and_restores_nothing(tmp_path, kept):
    """An archive whose copy off the machine did not finish (a full disk, a dropped rsync)."""
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    new.mkdir()
    make_home(old)
    (old / "media/original_images/big.jpg").write_bytes(os.urandom(200_000))  # not compressible
    assert masthead(old, "migrate", "auth", "--noinput", "-v0").returncode == 0
    assert masthead(old, "backup", "--output", str(tmp_path / "whole.tar.gz")).returncode == 0
    whole = (tmp_path / "whole.tar.gz").read_bytes()
    archive = tmp_path / "copied.tar.gz"
    archive.write_bytes(whole[: int(len(whole) * kept)])

    restored = masthead(new, "restore", str(archive))

    assert restored.returncode == 1
    assert "Traceback" not in restored.stderr
    assert f"{archive} is cut short" in restored.stderr
    assert "Nothing was restored" in restored.stderr
    assert not (new / "media").exists()
    database = new / "masthead.sqlite3"
    assert (
        not database.exists()
        or not sqlite3.connect(database)
        .execute("select name from sqlite_master where type = 'table'")
        .fetchall()
    )


def leave_work_folder(folder, *, hours_ago):
    """A work folder holding a copy of a database, last written `hours_ago`."""
    folder.mkdir(parents=True)
    (folder / "database.sqlite3").write_bytes(b"a copy of the database")
    then = time.time() - hours_ago * 3600
    for path in (folder / "database.sqlite3", folder):
        os.utime(path, (then, then))
    return folder


def test_the_daily_backup_clears_what_an_interrupted_restore_left(tmp_path, settings):
    """A restore killed halfway left a copy of the database in MASTHEAD_HOME for good."""
    settings.MASTHEAD_HOME = tmp_path
    interrupted = leave_work_folder(tmp_path / ".masthead-restore-k1ll3d", hours_ago=2)
    running = leave_work_folder(tmp_path / ".masthead-restore-runn1ng", hours_ago=0)
    out = io.StringIO()

    call_command("backup", stdout=out)

    assert not interrupted.exists()
    assert (running / "database.sqlite3").exists()
    assert f"Removed 1 unfinished restore left in {tmp_path}" in out.getvalue()


def test_a_restore_clears_what_an_interrupted_restore_left(tmp_path):
    # Backed up and restored by the command, as an operator runs them (on SQLite, whatever
    # database the test run itself uses: a restore refuses an archive of another kind).
    old, new = tmp_path / "old", tmp_path / "new"
    old.mkdir()
    make_home(old)
    assert masthead(old, "migrate", "auth", "--noinput", "-v0").returncode == 0
    archive = tmp_path / "site.tar.gz"
    backed_up = masthead(old, "backup", "--output", str(archive))
    assert backed_up.returncode == 0, backed_up.stderr
    interrupted = leave_work_folder(new / ".masthead-restore-k1ll3d", hours_ago=2)

    restored = masthead(new, "restore", str(archive))

    assert restored.returncode == 0, restored.stderr
    assert not interrupted.exists()
    assert f"Removed 1 unfinished restore left in {new}" in restored.stdout
    assert not list(new.glob(".masthead-restore-*"))


def tampered_backup(
    path, *, name, content=b"a line for someone else's crontab\n", kind=tarfile.REGTYPE, target=""
):
    """A backup (as `masthead backup` writes it) with one more member, `name`, in home/."""
    database = path.parent / "empty.sqlite3"
    sqlite3.connect(database).close()
    manifest = json.dumps(
        {
            "format": 1,
            "created_at": "2026-01-01T00:00:00+00:00",
            "database": "sqlite",
            "migrations": {},
            "files": 1,
        }
    ).encode()
    with tarfile.open(path, "w:gz") as archive:
        info = tarfile.TarInfo("MANIFEST.json")
        info.size = len(manifest)
        archive.addfile(info, io.BytesIO(manifest))
        archive.add(database, arcname="database.sqlite3")
        info = tarfile.TarInfo(name)
        info.type, info.linkname, info.mode = kind, target, 0o777
        info.size = len(content) if kind == tarfile.REGTYPE else 0
        archive.addfile(info, io.BytesIO(content) if kind == tarfile.REGTYPE else None)
    return path


@pytest.mark.parametrize(
    ("member", "kind", "target"),
    [
        ("home/{outside}", tarfile.REGTYPE, ""),  # home//tmp/…: without home/, an absolute path
        ("home/../outside.txt", tarfile.REGTYPE, ""),
        ("home/link", tarfile.SYMTYPE, "{outside}"),
    ],
)
def test_a_backup_whose_files_point_outside_the_home_restores_nothing(
    tmp_path, member, kind, target
):
    """A backup is restored by its operator, often as root: one tampered with in its off-site
    copy must not write a file anywhere else on the machine (a crontab, ~/.ssh/authorized_keys)."""
    outside, new = tmp_path / "outside.txt", tmp_path / "new"
    new.mkdir()
    name = member.format(outside=outside)
    archive = tampered_backup(
        tmp_path / "site.tar.gz", name=name, kind=kind, target=target.format(outside=outside)
    )

    restored = masthead(new, "restore", str(archive))

    assert restored.returncode == 1
    assert f"{archive} is not a Masthead backup: it holds {name!r}, which points outside it" in (
        restored.stderr
    )
    assert not outside.exists()
    database = new / "masthead.sqlite3"
    assert (
        not database.exists()
        or not sqlite3.connect(database)
        .execute("select name from sqlite_master where type = 'table'")
        .fetchall()
    )


def test_a_restored_file_never_becomes_writable_by_others_whatever_its_archived_mode(tmp_path):
    new = tmp_path / "new"
    new.mkdir()
    archive = tampered_backup(tmp_path / "site.tar.gz", name="home/media/notes.txt")

    restored = masthead(new, "restore", str(archive))

    assert restored.returncode == 0, restored.stderr
    assert (new / "media/notes.txt").read_bytes() == b"a line for someone else's crontab\n"
    assert stat.S_IMODE((new / "media/notes.txt").stat().st_mode) & 0o022 == 0
