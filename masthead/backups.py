"""One-file backups of a whole site, and restoring one into an empty install.

A backup is a gzipped tar archive holding:
- MANIFEST.json: when, from which database kind, each app's latest applied migration;
- the database: a consistent snapshot taken while the site runs (SQLite's online backup, so
  the WAL's committed pages are in it; `pg_dump --format=custom` for PostgreSQL);
- home/: everything else in MASTHEAD_HOME that cannot be made again: uploaded media, the
  filters the site learned from its moderators, the generated secret key (signed links in
  e-mails already sent, sessions). Collected static files and earlier backups are left out.

It holds the site's secrets and its readers' e-mail addresses, so it is written readable by
its owner only.
"""

import json
import os
import re
import shutil
import socket
import sqlite3
import subprocess
import tarfile
import tempfile
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from django.conf import settings
from django.core.mail import mail_admins
from django.db import connection
from django.db.migrations.recorder import MigrationRecorder

FORMAT = 1
DATABASE_NAMES = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
MANIFEST = "MANIFEST.json"
SQLITE_MEMBER = "database.sqlite3"
POSTGRES_MEMBER = "database.pgdump"
HOME_MEMBER = "home"
# Made again by `masthead serve` (collectstatic), or the backups themselves.
NOT_BACKED_UP = frozenset(["static", "backups"])
BACKUP_WORK_PREFIX = ".masthead-backup-"  # beside the archive
RESTORE_WORK_PREFIX = ".masthead-restore-"  # in MASTHEAD_HOME
WORK_PREFIXES = (BACKUP_WORK_PREFIX, RESTORE_WORK_PREFIX)
# A backup's or restore's work folder untouched this long was left by a run that was stopped
# (killed, the machine restarted); a running one writes to its folder all along.
STALE_WORK_AFTER = timedelta(hours=1)
# The archives `--keep` counts and prunes: those named by default_backup_path, by their time.
TIMED_ARCHIVE = re.compile(r"masthead-\d{8}-\d{6}\.tar\.gz")

NO_PG_TOOL = (
    "{tool} was not found: install PostgreSQL's client tools (`apt-get install "
    "postgresql-client`, the same major version as the server), or back the database up with "
    "your provider's tools."
)
PG_TOOL_FAILED = "{tool} failed (exit status {status}): {error}"
NO_ARCHIVE = "There is no file {path}."
CANNOT_WRITE = (
    "Cannot write the backup into {folder} ({error}): give --output a folder the user running "
    "this command can write to, or leave it out (MASTHEAD_HOME/backups)."
)
UNREADABLE = (
    "{path} cannot be read by the user running this command ({error}): make it theirs "
    "(e.g. `chown masthead {path}`) or readable to them, and try again."
)
NOT_AN_ARCHIVE = "{path} is not a Masthead backup: {error}."
WRONG_DATABASE = (
    "{path} is a backup of a {archived} database, but this install uses {current}: point "
    "DATABASE_URL at a {archived} database (or leave it unset for SQLite) and try again."
)
NOT_EMPTY = (
    "The database already holds a site ({tables} tables): restore only into an empty database. "
    "Point DATABASE_URL (or MASTHEAD_HOME, for SQLite) at a new one, or empty this one first."
)
CUT_SHORT = (
    "{path} is cut short ({size:,} bytes; the archive goes on beyond them): a copy or download "
    "that did not finish? Nothing was restored. Copy the whole archive again and restore that."
)
UNSAFE_MEMBER = "{path} is not a Masthead backup: it holds {name!r}, which points outside it."
CANNOT_PRUNE = (
    "Backed up to {path}, but the older archive {old} could not be deleted ({error}): delete it "
    "yourself, or the backups will fill the disk."
)
FAILURE_SUBJECT = "Backup failed on {host}"
FAILURE_MESSAGE = """The backup of {time} UTC to {output} failed:

{error}

Once the cause is fixed, run it by hand (`mh backup` in the README's set-up, or `systemctl
start masthead-backup`); `journalctl -u masthead-backup` shows each run.
"""


class BackupError(Exception):
    """A backup or restore that cannot go ahead; the message says why and what to do."""


@dataclass(frozen=True)
class BackupMade:
    path: Path
    size: int
    database: str
    files: int
    # False when SECRET_KEY comes from the environment (production): the archive then does not
    # hold the key that links in e-mails already sent were signed with.
    secret_key: bool
    # Work folders of interrupted backups found beside the archive and removed.
    stale_removed: int = 0
    # Work folders of interrupted restores (each a copy of a database) found in MASTHEAD_HOME and
    # removed: a restore is run once, so the daily backup is what clears them.
    stale_restores_removed: int = 0


@dataclass(frozen=True)
class BackupRestored:
    created_at: str
    database: str
    files: int
    # Work folders of restores interrupted before this one, removed.
    stale_removed: int = 0


def default_backup_path(now: datetime) -> Path:
    return settings.MASTHEAD_HOME / "backups" / f"masthead-{now:%Y%m%d-%H%M%S}.tar.gz"


def backup_create(*, output: Path, now: datetime) -> BackupMade:
    """Write the site's database and files to `output` (replaced only once complete)."""
    output = output.expanduser().resolve()
    try:
        output.parent.mkdir(parents=True, exist_ok=True)
        stale_removed = _remove_stale_work_folders(
            output.parent, prefix=BACKUP_WORK_PREFIX, now=now
        )
        work_folder = tempfile.TemporaryDirectory(dir=output.parent, prefix=BACKUP_WORK_PREFIX)
    except OSError as error:
        raise BackupError(
            CANNOT_WRITE.format(folder=output.parent, error=error.strerror or error)
        ) from None
    stale_restores_removed = _remove_stale_work_folders(
        settings.MASTHEAD_HOME, prefix=RESTORE_WORK_PREFIX, now=now
    )
    vendor = connection.vendor
    with work_folder as work:
        work = Path(work)
        if vendor == "sqlite":
            database = work / SQLITE_MEMBER
            _sqlite_snapshot(database)
        elif vendor == "postgresql":
            database = work / POSTGRES_MEMBER
            _run_pg_tool(
                [
                    "pg_dump",
                    "--format=custom",
                    "--no-owner",
                    "--no-privileges",
                    f"--file={database}",
                ]
            )
        else:  # pragma: no cover - settings accept only these two
            raise BackupError(f"Backups of a {vendor} database are not supported.")
        home_files = list(_home_files())
        manifest = {
            "format": FORMAT,
            "created_at": now.isoformat(),
            "database": vendor,
            "migrations": _latest_migrations(),
            "files": len(home_files),
        }
        (work / MANIFEST).write_text(json.dumps(manifest, indent=2) + "\n")
        partial = work / "archive.tar.gz"
        # Owner-only from its first byte: it holds the secret key and readers' addresses.
        partial.touch(mode=0o600)
        with tarfile.open(partial, "w:gz") as archive:
            archive.add(work / MANIFEST, arcname=MANIFEST)
            archive.add(database, arcname=database.name)
            for path in home_files:
                relative = path.relative_to(settings.MASTHEAD_HOME)
                archive.add(path, arcname=f"{HOME_MEMBER}/{relative.as_posix()}", recursive=False)
        os.replace(partial, output)
    return BackupMade(
        path=output,
        size=output.stat().st_size,
        database=vendor,
        files=len(home_files),
        secret_key=_secret_key_kept_in_home(home_files),
        stale_removed=stale_removed,
        stale_restores_removed=stale_restores_removed,
    )


def backup_prune(*, made: Path, keep: int) -> list[Path]:
    """Delete the archives named by their time (masthead-<UTC time>.tar.gz) in the folder of the
    archive just `made`, all but the newest `keep`; `made` itself is always kept. Returns those
    deleted, oldest first."""
    timed = sorted(
        (path for path in made.parent.iterdir() if TIMED_ARCHIVE.fullmatch(path.name)),
        reverse=True,
    )
    kept = {*timed[:keep], made}
    deleted = [path for path in reversed(timed) if path not in kept]
    for path in deleted:
        try:
            path.unlink(missing_ok=True)
        except OSError as error:
            raise BackupError(
                CANNOT_PRUNE.format(path=made, old=path, error=error.strerror or error)
            ) from None
    return deleted


def backup_failure_mail(*, error: str, output: Path, now: datetime) -> bool:
    """Tell ADMINS that a backup failed, and why. False when ADMINS is empty (no one to tell);
    errors of sending the mail are the caller's to report."""
    if not settings.ADMINS:
        return False
    mail_admins(
        FAILURE_SUBJECT.format(host=socket.gethostname()),
        FAILURE_MESSAGE.format(time=f"{now:%Y-%m-%d %H:%M}", output=output, error=error),
        fail_silently=False,
    )
    return True


def _remove_stale_work_folders(folder: Path, *, prefix: str, now: datetime) -> int:
    """Remove what backups or restores stopped halfway left in `folder` (each a copy of the
    database), the work folders named with `prefix`: only those nothing was written to for
    STALE_WORK_AFTER, so a run going on beside this one keeps its own."""
    removed = 0
    for work in folder.glob(f"{prefix}*"):
        if work.is_dir() and _last_written(work) < (now - STALE_WORK_AFTER).timestamp():
            shutil.rmtree(work, ignore_errors=True)
            removed += not work.exists()
    return removed


def _last_written(folder: Path) -> float:
    latest = folder.stat().st_mtime
    for directory, _, files in os.walk(folder):
        for name in files:
            try:
                latest = max(latest, (Path(directory) / name).stat().st_mtime)
            except OSError:  # gone meanwhile
                continue
    return latest


def _secret_key_kept_in_home(home_files: list[Path]) -> bool:
    kept = settings.MASTHEAD_HOME / "secret_key"
    return kept in home_files and kept.read_text().strip() == settings.SECRET_KEY


def backup_restore(*, archive_path: Path, now: datetime) -> BackupRestored:
    """Put a backup's database and files in place. Refuses a database that already holds a site
    (nothing is overwritten there), and a backup of the other database kind. Removes what
    restores stopped halfway left in MASTHEAD_HOME."""
    archive_path = archive_path.expanduser().resolve()
    if not archive_path.is_file():
        raise BackupError(NO_ARCHIVE.format(path=archive_path))
    try:
        archive = tarfile.open(archive_path, "r:gz")  # noqa: SIM115 - closed by the with below
    except PermissionError as error:
        raise BackupError(UNREADABLE.format(path=archive_path, error=error.strerror)) from None
    except (OSError, tarfile.TarError) as error:
        raise BackupError(NOT_AN_ARCHIVE.format(path=archive_path, error=error)) from None
    with archive:
        manifest = _read_manifest(archive, archive_path)
        archived, current = manifest["database"], connection.vendor
        if archived != current:
            raise BackupError(
                WRONG_DATABASE.format(
                    path=archive_path,
                    archived=DATABASE_NAMES.get(archived, archived),
                    current=DATABASE_NAMES.get(current, current),
                )
            )
        tables = connection.introspection.table_names()
        if tables:
            raise BackupError(NOT_EMPTY.format(tables=len(tables)))
        members = archive.getmembers()
        for member in members:
            if not _is_safe(member):
                raise BackupError(UNSAFE_MEMBER.format(path=archive_path, name=member.name))
        # Every file checked before anything is written: a backup at fault restores nothing.
        home_files = [
            _home_file(member, archive_path) for member in members if _is_home_file(member)
        ]
        stale_removed = _remove_stale_work_folders(
            settings.MASTHEAD_HOME, prefix=RESTORE_WORK_PREFIX, now=now
        )
        with tempfile.TemporaryDirectory(
            dir=settings.MASTHEAD_HOME, prefix=RESTORE_WORK_PREFIX
        ) as work:
            work = Path(work)
            member = SQLITE_MEMBER if archived == "sqlite" else POSTGRES_MEMBER
            try:
                archive.extract(member, path=work, filter="data")
            except KeyError:
                raise BackupError(
                    NOT_AN_ARCHIVE.format(path=archive_path, error=f"no {member} in it")
                ) from None
            if archived == "sqlite":
                _sqlite_load(work / member)
            else:
                _run_pg_tool(
                    [
                        "pg_restore",
                        "--no-owner",
                        "--no-privileges",
                        "--exit-on-error",
                        "--single-transaction",
                        f"--dbname={_pg_environment()['PGDATABASE']}",
                        str(work / member),
                    ]
                )
        for member in home_files:
            archive.extract(member, path=settings.MASTHEAD_HOME, filter="data")
    return BackupRestored(
        created_at=manifest["created_at"],
        database=archived,
        files=len(home_files),
        stale_removed=stale_removed,
    )


def _home_files():
    """The files of MASTHEAD_HOME to keep, in a stable order; not the live database's own."""
    home = settings.MASTHEAD_HOME
    live_database: set[Path] = set()
    if connection.vendor == "sqlite":
        name = Path(settings.DATABASES["default"]["NAME"]).resolve()
        live_database = {name, *(Path(f"{name}{end}") for end in ("-wal", "-shm", "-journal"))}
    for directory, subdirectories, files in os.walk(home):
        here = Path(directory)
        subdirectories[:] = sorted(
            d
            for d in subdirectories
            if not (here == home and d in NOT_BACKED_UP) and not d.startswith(WORK_PREFIXES)
        )
        for name in sorted(files):
            path = here / name
            if path.is_file() and path.resolve() not in live_database:
                yield path


def _sqlite_snapshot(target: Path) -> None:
    """A consistent copy of the live database, readers and writers going on meanwhile."""
    connection.ensure_connection()
    with sqlite3.connect(target) as copy:
        connection.connection.backup(copy)
    copy.close()


def _sqlite_load(source: Path) -> None:
    connection.ensure_connection()
    with sqlite3.connect(source) as snapshot:
        snapshot.backup(connection.connection)
    snapshot.close()


def _pg_environment() -> dict:
    database = settings.DATABASES["default"]
    environment = {
        "PGDATABASE": str(database["NAME"]),
        "PGHOST": str(database.get("HOST") or ""),
        "PGPORT": str(database.get("PORT") or ""),
        "PGUSER": str(database.get("USER") or ""),
        "PGPASSWORD": str(database.get("PASSWORD") or ""),
    }
    return {key: value for key, value in environment.items() if value}


def _run_pg_tool(command: list[str]) -> None:
    tool = command[0]
    if shutil.which(tool) is None:
        raise BackupError(NO_PG_TOOL.format(tool=tool))
    # The password goes in the environment, never on a command line others can read.
    environment = {**os.environ, **_pg_environment()}
    finished = subprocess.run(  # noqa: S603 (fixed arguments, no shell)
        command, env=environment, capture_output=True, text=True, check=False
    )
    if finished.returncode != 0:
        error = finished.stderr.strip().splitlines()
        raise BackupError(
            PG_TOOL_FAILED.format(
                tool=tool, status=finished.returncode, error=error[-1] if error else "no message"
            )
        )


def _latest_migrations() -> dict[str, str]:
    latest: dict[str, str] = {}
    for app, name in MigrationRecorder(connection).applied_migrations():
        latest[app] = max(latest.get(app, ""), name)
    return dict(sorted(latest.items()))


def _read_manifest(archive: tarfile.TarFile, path: Path) -> dict:
    try:
        member = archive.extractfile(MANIFEST)
        manifest = json.loads(member.read()) if member else None
    except EOFError:
        # gzip's, when the file ends before its stream does: finding the manifest reads every
        # member's header to the end, so an archive cut short anywhere stops here, before
        # anything is written.
        raise BackupError(CUT_SHORT.format(path=path, size=path.stat().st_size)) from None
    except (KeyError, ValueError, OSError, tarfile.TarError) as error:
        raise BackupError(
            NOT_AN_ARCHIVE.format(path=path, error=f"no readable {MANIFEST} ({error})")
        ) from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise BackupError(
            NOT_AN_ARCHIVE.format(path=path, error=f"its {MANIFEST} is not one this version reads")
        )
    return manifest


def _is_home_file(member: tarfile.TarInfo) -> bool:
    return member.name.startswith(f"{HOME_MEMBER}/") and member.isfile()


def _home_file(member: tarfile.TarInfo, archive_path: Path) -> tarfile.TarInfo:
    """A file of home/ named as it goes in MASTHEAD_HOME, passed by tarfile's "data" filter: a
    name that would land outside it ("home//etc/cron.d/x" is /etc/cron.d/x once home/ is taken
    off, or a path through a link already in MASTHEAD_HOME) is refused, and its mode loses the
    setuid and group or world write bits."""
    name = member.name.removeprefix(f"{HOME_MEMBER}/")
    refusal = BackupError(UNSAFE_MEMBER.format(path=archive_path, name=member.name))
    if Path(name).is_absolute():  # the filter would quietly make it relative
        raise refusal
    try:
        return tarfile.data_filter(member.replace(name=name), str(settings.MASTHEAD_HOME))
    except tarfile.FilterError:
        raise refusal from None


def _is_safe(member: tarfile.TarInfo) -> bool:
    parts = Path(member.name).parts
    return (
        (member.isfile() or member.isdir())
        and not Path(member.name).is_absolute()
        and ".." not in parts
    )
