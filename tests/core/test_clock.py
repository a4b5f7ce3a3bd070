from masthead import clock


def test_periodic_job_runs_once_per_interval(monkeypatch, db):
    calls = []
    job = clock.PeriodicJob("test job", 60, "builtins.print")
    monkeypatch.setattr(clock, "JOBS", [job])
    monkeypatch.setattr(clock.PeriodicJob, "run", lambda self: calls.append(self.name))
    assert clock.run_due_jobs(now=120.0) == ["test job"]
    assert clock.run_due_jobs(now=150.0) == []  # same minute: another worker already ran it
    assert clock.run_due_jobs(now=181.0) == ["test job"]
    assert calls == ["test job", "test job"]


def test_old_results_of_finished_tasks_are_pruned(db):
    from datetime import timedelta

    from django.utils import timezone
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    now = timezone.now()

    def result(status, days_ago):
        finished = now - timedelta(days=days_ago) if status != TaskResultStatus.READY else None
        return DBTaskResult.objects.create(
            status=status,
            finished_at=finished,
            args_kwargs={},
            task_path="x.y",
            backend_name="default",
        ).pk

    kept = {
        result(TaskResultStatus.SUCCESSFUL, 2),
        result(TaskResultStatus.FAILED, 10),
        result(TaskResultStatus.READY, 0),
    }
    result(TaskResultStatus.SUCCESSFUL, 8)
    result(TaskResultStatus.FAILED, 31)
    assert clock.prune_finished_tasks(now=now) == 2
    assert set(DBTaskResult.objects.values_list("pk", flat=True)) == kept
    assert any(job.function == "masthead.clock.prune_finished_tasks" for job in clock.JOBS)


def test_the_clock_gives_sqlite_statistics_on_the_site_s_tables(db, database_vendor):
    """SQLite never ran ANALYZE, so its query planner chose indexes blind on a site that had
    grown. PostgreSQL analyzes on its own (autovacuum): the job leaves it alone."""
    from django.db import connection
    from django_tasks.base import TaskResultStatus
    from django_tasks_db.models import DBTaskResult

    for _ in range(50):
        DBTaskResult.objects.create(
            status=TaskResultStatus.READY, args_kwargs={}, task_path="x.y", backend_name="default"
        )
    assert "refresh sqlite statistics" in clock.run_due_jobs()  # as the worker starts

    if database_vendor != "sqlite":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT tbl, stat FROM sqlite_stat1")
        statistics = dict(cursor.fetchall())
    assert statistics[DBTaskResult._meta.db_table].startswith("50 ")
