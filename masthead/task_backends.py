"""The RQ task backend, made to wait for the transaction that enqueues a task.

The database backend needs no such care: its queue row commits or rolls back with the work that
enqueued it. On Redis a job is visible to workers at once, so a task enqueued inside a transaction
could run before that transaction commits, against rows the worker cannot see yet. Our own code
enqueues through `transaction.on_commit`, but Wagtail enqueues its search-index and
reference-index updates inside the transaction that saves a page; with plain RQ those failed
now and then and were not retried.
"""

import django_rq
from django.db import transaction
from django_tasks.base import TASK_MAX_PRIORITY, TaskResult, TaskResultStatus
from django_tasks.signals import task_enqueued
from django_tasks.utils import get_random_id
from django_tasks_rq import backend as rq_backend
from rq.job import Callback, JobStatus


class RQBackend(rq_backend.RQBackend):
    """django-tasks' RQ backend, except that a task enqueued inside a transaction is handed to
    Redis when the transaction commits, and not at all if it rolls back. Its id is known at once,
    as with the plain backend; its result can be looked up once it has been handed over."""

    # RQ has no priorities, and the plain backend refuses a task that has one. Ours go with a
    # queue of their own (masthead/task_queues.py), which `masthead worker` takes in order: that
    # is what orders them here, and the database queue orders by priority.
    supports_priority = True

    # This copies django-tasks-rq 0.12's enqueue (pinned in pyproject.toml) instead of calling it:
    # the library makes the job's id and hands the job to Redis in one call, so calling it on
    # commit would give the job another id than the result returned now, and the library has no
    # way to be given the id nor a hook to defer the hand-over. Compare on upgrading.
    def enqueue(self, task, args, kwargs):
        self.validate_task(task)
        task_result = TaskResult(
            task=task,
            id=get_random_id(),
            status=TaskResultStatus.READY,
            enqueued_at=None,
            started_at=None,
            last_attempted_at=None,
            finished_at=None,
            args=args,
            kwargs=kwargs,
            backend=self.alias,
            errors=[],
            worker_ids=[],
        )
        # Outside a transaction, on_commit runs the hand-over at once.
        transaction.on_commit(lambda: self._hand_to_redis(task_result))
        return task_result

    def _hand_to_redis(self, task_result: TaskResult) -> None:
        task = task_result.task
        queue = django_rq.get_queue(task.queue_name, job_class=rq_backend.Job)
        job = queue.create_job(
            task.module_path,
            args=task_result.args,
            kwargs=task_result.kwargs,
            job_id=task_result.id,
            status=JobStatus.SCHEDULED if task.run_after else JobStatus.QUEUED,
            on_failure=Callback(rq_backend.failed_callback),
            on_success=Callback(rq_backend.success_callback),
            meta={"backend_name": self.alias},
        )
        if task.run_after is None:
            job = queue.enqueue_job(job, at_front=task.priority == TASK_MAX_PRIORITY)
        else:
            job = queue.schedule_job(job, task.run_after)
        object.__setattr__(task_result, "enqueued_at", job.enqueued_at)
        task_enqueued.send(type(self), task_result=task_result)
