"""`masthead worker`: it starts only when Redis answers; RQ jobs run in forked processes; stopping
lets the clock finish its job."""

import threading
import time

import pytest
from django.core.management.base import CommandError

from masthead.clock import start_clock_thread
from masthead.management.commands import worker


class FakeConnection:
    def __init__(self):
        self.settings_dict = {"OPTIONS": {"pool": {"min_size": 1, "max_size": 10}}}
        self.closed = False

    def close(self):
        self.closed = True


def test_an_rq_worker_connects_per_process_instead_of_sharing_a_pool(monkeypatch):
    connection = FakeConnection()
    monkeypatch.setattr(worker.connections, "all", lambda: [connection])
    worker.without_connection_pool()
    assert connection.closed
    assert "pool" not in connection.settings_dict["OPTIONS"]


def test_a_stopping_worker_lets_the_clock_finish_the_job_in_hand(monkeypatch, settings):
    """Publishing what is due is not cut in half when the worker is told to stop."""
    settings.TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}
    started, finished = threading.Event(), threading.Event()

    def slow_job():
        started.set()
        time.sleep(0.5)
        finished.set()

    monkeypatch.setattr(
        worker, "start_clock_thread", lambda stop: start_clock_thread(stop, tick=slow_job)
    )
    monkeypatch.setattr(worker, "call_command", lambda *args, **options: started.wait(5))
    monkeypatch.setattr(worker, "service_problems", list)
    worker.Command().handle(no_clock=False, interval=1.0, verbosity=0)
    assert finished.is_set()


def test_a_worker_refuses_to_start_when_redis_cannot_be_reached(db, monkeypatch, settings):
    settings.REDIS_URL = "redis://127.0.0.1:6399/0"

    def run_queue(*args, **options):
        raise AssertionError("the worker started without Redis")

    monkeypatch.setattr(worker, "call_command", run_queue)
    with pytest.raises(CommandError, match="REDIS_URL names a Redis that cannot be used"):
        worker.Command().handle(no_clock=True, interval=1.0, verbosity=0)
