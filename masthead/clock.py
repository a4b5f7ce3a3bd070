"""Jobs the task worker runs on a timer (scheduled publishing and the like).

Django's Tasks API has no periodic tasks, so `masthead worker` keeps a small clock. When several
workers run, a cache lock lets only one of them run a job in a given interval (with Redis as the
cache this holds across machines).
"""

import logging
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db import close_old_connections, connection
from django.db.models import Q
from django.utils import timezone
from django.utils.module_loading import import_string
from django.utils.text import slugify

logger = logging.getLogger(__name__)


@dataclass(frozen=True)
class PeriodicJob:
    name: str
    seconds: int
    function: str  # dotted path, imported when first run

    def run(self) -> None:
        import_string(self.function)()


JOBS: list[PeriodicJob] = [
    PeriodicJob("publish scheduled pages", 60, "masthead.publishing.jobs.publish_scheduled_pages"),
    PeriodicJob(
        "delete abandoned autosaved drafts",
        3600,
        "masthead.publishing.jobs.delete_abandoned_autosaved_drafts",
    ),
    PeriodicJob("prune finished tasks", 6 * 3600, "masthead.clock.prune_finished_tasks"),
    PeriodicJob("refresh sqlite statistics", 3600, "masthead.clock.sqlite_statistics_refresh"),
]

# How long the database queue keeps what its tasks did: failures stay longer, to be looked into.
SUCCEEDED_TASKS_KEPT = timedelta(days=7)
FAILED_TASKS_KEPT = timedelta(days=30)


def prune_finished_tasks(now: datetime | None = None) -> int:
    """Delete old results of finished tasks: every comment and donation queues a few, and the
    database queue keeps each one otherwise (RQ expires its own)."""
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = now or timezone.now()
    deleted, _ = (
        DBTaskResult.objects.finished()
        .filter(
            Q(status=TaskResultStatus.SUCCESSFUL, finished_at__lte=now - SUCCEEDED_TASKS_KEPT)
            | Q(status=TaskResultStatus.FAILED, finished_at__lte=now - FAILED_TASKS_KEPT)
        )
        .delete()
    )
    return deleted


# Rows ANALYZE samples per index: estimates as good as the query planner needs, in milliseconds
# however large the table (SQLite suggests 100 to 1000).
SQLITE_ANALYSIS_LIMIT = 1000


def sqlite_statistics_refresh() -> None:
    """Keep SQLite's query planner statistics (sqlite_stat1) in step with the site's growing
    tables, as SQLite advises (https://sqlite.org/lang_analyze.html); without them it may pick
    a poor index. Hourly, and so soon after the service starts (after `migrate`); nothing to
    do on PostgreSQL, whose autovacuum analyzes tables itself."""
    if connection.vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute(f"PRAGMA analysis_limit={SQLITE_ANALYSIS_LIMIT}")
        if connection.Database.sqlite_version_info >= (3, 46):
            # Every table, analyzed only if never before or if it grew or shrank a lot since.
            cursor.execute("PRAGMA optimize=0x10002")
        else:
            # Older SQLite (Debian bookworm has 3.40) optimizes only the tables this connection
            # has queried, none here: analyze them all, which analysis_limit keeps quick.
            cursor.execute("ANALYZE")


def register(job: PeriodicJob) -> None:
    """Add a job (apps call this from their AppConfig.ready)."""
    if all(existing.name != job.name for existing in JOBS):
        JOBS.append(job)


def run_due_jobs(now: float | None = None) -> list[str]:
    """Run every job whose interval has come round and that no other worker has claimed."""
    now = time.time() if now is None else now
    ran = []
    for job in JOBS:
        slot = int(now // job.seconds)
        if not cache.add(
            f"masthead:clock:{slugify(job.name)}:{slot}", True, timeout=job.seconds * 2
        ):
            continue
        try:
            job.run()
            ran.append(job.name)
        except Exception:
            logger.exception("Periodic job %r failed", job.name)
        finally:
            close_old_connections()
    return ran


def start_clock_thread(
    stop: threading.Event, tick: Callable[[], object] = run_due_jobs
) -> threading.Thread:
    def loop():
        while not stop.is_set():
            tick()
            stop.wait(5)

    thread = threading.Thread(target=loop, name="masthead-clock", daemon=True)
    thread.start()
    return thread
