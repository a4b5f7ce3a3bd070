"""`masthead worker` on Redis (RQ), run for real beside its clock thread."""

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL), as the RQ backend does"
)

ROOT = Path(__file__).resolve().parents[2]


def masthead_env(tmp_path) -> dict:
    env = {key: value for key, value in os.environ.items() if not key.startswith("MASTHEAD_")}
    env.pop("DATABASE_URL", None)  # SQLite, where forking beside a thread does the most harm
    env.update(
        {
            "MASTHEAD_HOME": str(tmp_path),
            "DJANGO_SETTINGS_MODULE": "masthead.settings",
            "REDIS_URL": os.environ["REDIS_URL"].rsplit("/", 1)[0] + "/10",
        }
    )
    return env


def masthead(env, *args, **options):
    return subprocess.run(
        [sys.executable, "-m", "masthead.cli", *args], env=env, cwd=ROOT, check=True, **options
    )


def test_tasks_run_inside_the_worker_process_not_in_a_fork_of_it(tmp_path):
    """RQ's default worker forks a process per task. The worker also runs the clock thread
    (scheduled publishing), and a process forked while that thread is inside SQLite inherits its
    locks half-taken: tasks then waited 20 s and failed with "database is locked", or hung for
    good, and e-mails, live updates and search indexing stopped."""
    import redis

    env = masthead_env(tmp_path)
    masthead(env, "migrate", "--noinput", "-v0")
    redis.Redis.from_url(env["REDIS_URL"]).delete("rq:queue:default")
    noted = tmp_path / "pid"
    masthead(
        env,
        "shell",
        "-c",
        f"from tests.core.worker_tasks import note_process; note_process.enqueue({str(noted)!r})",
        capture_output=True,
    )
    worker = subprocess.Popen(
        [sys.executable, "-m", "masthead.cli", "worker"],
        env=env,
        cwd=ROOT,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        while not noted.exists() and time.monotonic() < deadline:
            time.sleep(0.2)
        assert noted.exists(), "the worker did not run the task within a minute"
        assert int(noted.read_text()) == worker.pid
    finally:
        os.killpg(worker.pid, signal.SIGTERM)
        worker.wait(timeout=60)
