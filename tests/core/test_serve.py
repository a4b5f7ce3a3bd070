"""`masthead serve` stopping: the worker finishes the task in hand, within a bound.

`serve` runs in a process of its own, as from a terminal or a process manager, with stand-ins for
gunicorn and the worker that behave as both worker kinds do on signals: the first SIGTERM or SIGINT
lets the task in hand finish, a second one abandons it.
"""

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

SERVE = """
import subprocess, sys
from django.core.management import call_command
import django

django.setup()
real_popen = subprocess.Popen
child = [sys.executable, sys.argv[1], sys.argv[2], sys.argv[3]]


def stand_in(command, **options):
    role = "worker" if "worker" in command else "web"
    return real_popen([*child, role], **options)


subprocess.Popen = stand_in
call_command("serve", "--port", "8150")
"""

CHILD = """
import os, signal, sys, time

log_dir, task_seconds, role = sys.argv[1], float(sys.argv[2]), sys.argv[3]
signals = []


def log(line):
    with open(os.path.join(log_dir, role), "a") as file:
        file.write(line + "\\n")


def on_signal(signum, frame):
    signals.append(signum)
    if len(signals) > 1:
        log("task abandoned")
        os._exit(1)


signal.signal(signal.SIGTERM, on_signal)
signal.signal(signal.SIGINT, on_signal)
log(f"started {os.getpid()}")
if role == "worker":
    end = time.monotonic() + task_seconds
    while time.monotonic() < end:
        time.sleep(0.05)
    log("task finished")
while not signals:
    time.sleep(0.05)
log("stopped")
"""


@pytest.fixture
def start_serve(tmp_path):
    started = []

    def start(*, task_seconds: float, env_overrides=None) -> subprocess.Popen:
        (tmp_path / "child.py").write_text(CHILD)
        env = {key: value for key, value in os.environ.items() if not key.startswith("MASTHEAD_")}
        env.pop("DATABASE_URL", None)
        env.update(
            {
                "MASTHEAD_HOME": str(tmp_path),
                "DJANGO_SETTINGS_MODULE": "masthead.settings",
                **(env_overrides or {}),
            }
        )
        serve = subprocess.Popen(
            [
                sys.executable,
                "-c",
                SERVE,
                str(tmp_path / "child.py"),
                str(tmp_path),
                str(task_seconds),
            ],
            env=env,
            start_new_session=True,  # its own process group, as a terminal's foreground job
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        started.append(serve)
        deadline = time.monotonic() + 60
        while not all((tmp_path / role).exists() for role in ("web", "worker")):
            assert time.monotonic() < deadline, "serve did not start its web server and worker"
            time.sleep(0.05)
        return serve

    yield start
    for serve in started:  # whatever a failed test left running
        if serve.poll() is None:
            serve.kill()
            serve.wait()
    for role in ("web", "worker"):
        if (tmp_path / role).exists():
            with contextlib.suppress(ProcessLookupError, ValueError, IndexError):
                os.kill(int(log_of(tmp_path, role)[0].split()[1]), signal.SIGKILL)


def log_of(tmp_path: Path, role: str) -> list[str]:
    return (tmp_path / role).read_text().splitlines()


@pytest.mark.parametrize(
    "stop",
    [
        pytest.param(lambda serve: os.killpg(serve.pid, signal.SIGINT), id="ctrl-c in a terminal"),
        pytest.param(lambda serve: serve.send_signal(signal.SIGTERM), id="sigterm"),
    ],
)
def test_stopping_serve_lets_the_worker_finish_the_task_in_hand(tmp_path, start_serve, stop):
    serve = start_serve(task_seconds=2)
    stop(serve)
    assert serve.wait(timeout=30) == 0
    assert log_of(tmp_path, "worker")[1:] == ["task finished", "stopped"]
    assert log_of(tmp_path, "web")[1:] == ["stopped"]


def test_a_worker_still_busy_when_the_shutdown_timeout_ends_is_killed(tmp_path, start_serve):
    serve = start_serve(task_seconds=120, env_overrides={"MASTHEAD_SHUTDOWN_TIMEOUT": "2"})
    started = time.monotonic()
    serve.send_signal(signal.SIGTERM)
    serve.wait(timeout=30)
    assert 2 <= time.monotonic() - started < 20
    worker_log = log_of(tmp_path, "worker")
    assert len(worker_log) == 1  # neither finished nor told to abandon its task: killed
    with pytest.raises(ProcessLookupError):
        os.kill(int(worker_log[0].split()[1]), 0)
