"""`masthead serve`: it starts only when the database and Redis answer, keeps its worker running,
and when stopping lets the worker finish the task in hand, within a bound.

`serve` runs in a process of its own, as from a terminal or a process manager, with stand-ins for
gunicorn and the worker that behave as both worker kinds do on signals: the first SIGTERM or SIGINT
lets the task in hand finish, a second one abandons it. A stand-in worker told to (WORKER_CRASHES)
dies as soon as it starts, the first so many times.
"""

import contextlib
import http.client
import os
import re
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
from masthead.management.commands import serve

serve.WORKER_RESTART_PAUSE = 0.05
real_popen = subprocess.Popen
child = [sys.executable, sys.argv[1], sys.argv[2], sys.argv[3]]


def stand_in(command, **options):
    role = "worker" if "worker" in command else "web"
    return real_popen([*child, role], **options)


subprocess.Popen = stand_in
call_command("serve", "--port", "8150")
"""

CHILD = """
import os, signal, subprocess, sys, time

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
    with open(os.path.join(log_dir, role)) as file:
        starts = sum(line.startswith("started") for line in file)
    if starts <= int(os.environ.get("WORKER_CRASHES", "0")):
        # As RQ's job process or the autoreloader's worker would, something it started lives on.
        leftover = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(600)"])
        log(f"crashed leaving {leftover.pid}")
        os._exit(3)
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
        env.pop("PYTHONUNBUFFERED", None)  # systemd does not set it
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
            stdout=(tmp_path / "serve-stdout").open("w"),  # a pipe, as under systemd
            stderr=(tmp_path / "serve-stderr").open("w"),
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
            for line in log_of(tmp_path, role):
                if line.startswith(("started", "crashed")):
                    with contextlib.suppress(ProcessLookupError):
                        os.kill(int(line.split()[-1]), signal.SIGKILL)


def log_of(tmp_path: Path, role: str) -> list[str]:
    return (tmp_path / role).read_text().splitlines()


def is_running(pid: int) -> bool:
    """Whether the process exists and is not a zombie (an orphan waiting for init to reap it)."""
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"


def crashes(tmp_path: Path) -> list[int]:
    """The processes each crashed stand-in worker left behind."""
    lines = log_of(tmp_path, "worker")
    return [int(line.split()[-1]) for line in lines if line.startswith("crashed")]


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
    # The log says that it stopped as asked, not only that it started.
    last = (tmp_path / "serve-stdout").read_text().splitlines()[-1]
    assert re.fullmatch(
        r"Masthead stopped \((SIGINT|SIGTERM)\), having finished the requests and tasks in hand\.",
        last,
    )
    assert "Traceback" not in (tmp_path / "serve-stderr").read_text()


def test_serve_says_where_it_serves_while_serving_not_once_stopped(tmp_path, start_serve):
    serve = start_serve(task_seconds=0)

    # Under systemd its output goes to the journal, not a terminal: the line must be there now.
    deadline = time.monotonic() + 10
    while "Masthead is serving" not in (tmp_path / "serve-stdout").read_text():
        assert time.monotonic() < deadline, "serve's address did not reach its log while serving"
        time.sleep(0.1)
    assert serve.poll() is None
    assert "http://127.0.0.1:8150/" in (tmp_path / "serve-stdout").read_text()
    serve.send_signal(signal.SIGTERM)
    serve.wait(timeout=60)


def test_a_worker_still_busy_when_the_shutdown_timeout_ends_is_killed(tmp_path, start_serve):
    serve = start_serve(task_seconds=120, env_overrides={"MASTHEAD_SHUTDOWN_TIMEOUT": "2"})
    started = time.monotonic()
    serve.send_signal(signal.SIGTERM)
    serve.wait(timeout=30)
    assert 2 <= time.monotonic() - started < 20
    worker_log = log_of(tmp_path, "worker")
    assert len(worker_log) == 1  # neither finished nor told to abandon its task: killed
    last = (tmp_path / "serve-stdout").read_text().splitlines()[-1]
    assert last == "Masthead stopped (SIGTERM); what was still running 2 s later was killed."
    with pytest.raises(ProcessLookupError):
        os.kill(int(worker_log[0].split()[1]), 0)


def test_a_worker_that_stops_is_started_again_and_serving_goes_on(tmp_path, start_serve):
    serve = start_serve(task_seconds=0, env_overrides={"WORKER_CRASHES": "2"})
    deadline = time.monotonic() + 60
    while len(crashes(tmp_path)) < 2 or len(log_of(tmp_path, "worker")) < 4:
        assert time.monotonic() < deadline, log_of(tmp_path, "worker")
        time.sleep(0.05)
    time.sleep(1)
    assert serve.poll() is None  # still serving, with its third worker
    worker_log = log_of(tmp_path, "worker")
    assert [line.split()[0] for line in worker_log] == [
        "started", "crashed", "started", "crashed", "started", "task",
    ]  # fmt: skip
    assert log_of(tmp_path, "web") == log_of(tmp_path, "web")[:1]  # the web server carried on
    stderr = (tmp_path / "serve-stderr").read_text()
    assert "The task worker stopped (exit code 3); starting it again" in stderr
    # What the stopped workers left behind was not left running.
    assert not any(is_running(leftover) for leftover in crashes(tmp_path))
    serve.send_signal(signal.SIGTERM)
    assert serve.wait(timeout=30) == 0
    assert log_of(tmp_path, "worker")[-1] == "stopped"


def test_serve_stops_when_its_worker_keeps_stopping(tmp_path, start_serve):
    serve = start_serve(task_seconds=0, env_overrides={"WORKER_CRASHES": "1000"})
    assert serve.wait(timeout=60) != 0
    from masthead.management.commands.serve import WORKER_RESTARTS

    assert len(crashes(tmp_path)) == WORKER_RESTARTS + 1
    assert log_of(tmp_path, "web")[1:] == ["stopped"]  # the web server was stopped with it
    stderr = (tmp_path / "serve-stderr").read_text()
    assert f"The task worker stopped {WORKER_RESTARTS + 1} times in a row" in stderr


def run_serve_expecting_refusal(env_overrides: dict, tmp_path) -> tuple[int, str, str]:
    """`masthead serve` run for real; whatever it started is killed if it did not refuse."""
    env = {key: value for key, value in os.environ.items() if not key.startswith("MASTHEAD_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update({"MASTHEAD_HOME": str(tmp_path), "DJANGO_SETTINGS_MODULE": "masthead.settings"})
    env.update(env_overrides)
    serve = subprocess.Popen(
        [sys.executable, "-m", "masthead.cli", "serve", "--port", "8151"],
        env=env,
        start_new_session=True,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    try:
        stdout, stderr = serve.communicate(timeout=90)
    except subprocess.TimeoutExpired:
        os.killpg(serve.pid, signal.SIGTERM)
        stdout, stderr = serve.communicate(timeout=90)
        pytest.fail(f"serve started instead of refusing: {stdout}{stderr}")
    return serve.returncode, stdout, stderr


@pytest.mark.parametrize(
    ("environment", "expected"),
    [
        (
            {"DATABASE_URL": "postgres://postgres@127.0.0.1:5999/nope"},
            "DATABASE_URL names a database that cannot be used, 127.0.0.1:5999/nope",
        ),
        (
            {"REDIS_URL": "redis://:secret@127.0.0.1:6399/0"},
            "REDIS_URL names a Redis that cannot be used, redis://:…@127.0.0.1:6399/0",
        ),
    ],
)
def test_serve_refuses_to_start_without_its_database_or_redis(environment, expected, tmp_path):
    returncode, stdout, stderr = run_serve_expecting_refusal(environment, tmp_path)
    assert returncode != 0
    assert "Masthead is serving" not in stdout
    assert expected in stderr
    assert "secret" not in stderr


def test_serve_answers_through_its_real_web_server_and_writes_nothing_in_the_users_home(tmp_path):
    home = tmp_path / "user-home"
    home.mkdir()
    env = {key: value for key, value in os.environ.items() if not key.startswith("MASTHEAD_")}
    env.pop("DATABASE_URL", None)
    env.pop("REDIS_URL", None)
    env.update(
        {
            "MASTHEAD_HOME": str(tmp_path / "site"),
            "DJANGO_SETTINGS_MODULE": "masthead.settings",
            "HOME": str(home),
        }
    )
    subprocess.run(
        [sys.executable, "-m", "masthead.cli", "migrate", "--noinput", "-v0"], env=env, check=True
    )
    serve = subprocess.Popen(
        [sys.executable, "-m", "masthead.cli", "serve", "--port", "8152", "--no-worker"],
        env=env,
        start_new_session=True,
        stdout=subprocess.DEVNULL,
        stderr=(tmp_path / "serve-stderr").open("w"),
    )
    try:
        deadline, answer = time.monotonic() + 60, None
        while answer is None and time.monotonic() < deadline:
            connection = http.client.HTTPConnection("127.0.0.1", 8152, timeout=5)
            try:
                connection.request("GET", "/favicon.ico")
                answer = connection.getresponse()
            except OSError:
                time.sleep(0.2)
            finally:
                connection.close()
        assert answer is not None, "serve did not answer within a minute"
        assert answer.status == 301
        assert answer.getheader("Location").endswith("/static/masthead/favicon.svg")
    finally:
        os.killpg(serve.pid, signal.SIGTERM)
        serve.wait(timeout=60)
    assert list(home.iterdir()) == []


def test_a_second_signal_kills_at_once_and_the_log_says_so_not_that_all_finished():
    """Ctrl-C twice: the second kills what still runs, and the last line must not claim that
    the requests and tasks in hand were finished."""
    from masthead.management.commands import serve

    children = [serve._start([sys.executable, "-c", "import time; time.sleep(60)"])]
    shutdown = serve.Shutdown(children, timeout=60)
    try:
        shutdown.on_signal(signal.SIGINT, None)
        shutdown.on_signal(signal.SIGINT, None)
        shutdown.wait()
    finally:
        for child in children:
            serve._kill_group(child)
            child.wait()
    assert shutdown.summary() == (
        "Masthead stopped (SIGINT); a second signal killed what was still running."
    )
