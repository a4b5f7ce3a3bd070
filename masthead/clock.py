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
from django.db import close_old_connections
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
    PeriodicJob("prune finished tasks", 6 * 3600, "masthead.clock.prune_finished_tasks"),
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
