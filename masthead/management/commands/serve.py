import contextlib
import os
import signal
import subprocess
import sys
import time

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError

from masthead.config import Env
from masthead.reachability import service_problems


def base_url_warning(host: str, port: int, environ=os.environ) -> str | None:
    """Links that leave the page (e-mails, sitemaps, feeds) use MASTHEAD_BASE_URL: say so when it
    is left at its default while the site is served elsewhere."""
    served = f"http://{host}:{port}"
    if "MASTHEAD_BASE_URL" in environ or served == settings.WAGTAILADMIN_BASE_URL:
        return None
    return (
        f"MASTHEAD_BASE_URL is not set, so links in e-mails, sitemaps and feeds name "
        f"{settings.WAGTAILADMIN_BASE_URL}, not {served}: set it to the address readers use "
        "(and run `masthead site` to give the site that address)."
    )


LOCAL_NAMES = {"localhost", "127.0.0.1", "::1", "[::1]", "testserver"}


def debug_warning(host: str, *, debug: bool, allowed_hosts) -> str | None:
    """DEBUG is on by default for a local install; say so when others can reach the site."""
    reachable = host not in LOCAL_NAMES or any(name not in LOCAL_NAMES for name in allowed_hosts)
    if not debug or not reachable:
        return None
    return (
        "DEBUG is on, so an error page shows its traceback and settings to whoever caused it. "
        "For a site others can reach, set DEBUG=false (with SECRET_KEY and ALLOWED_HOSTS)."
    )


def _start(command: list[str]) -> subprocess.Popen:
    # In a process group of its own, a child does not get the terminal's Ctrl-C as well as the
    # SIGTERM that Shutdown sends it: both worker kinds take a second signal as "abandon the task".
    return subprocess.Popen(command, process_group=0)  # noqa: S603 (our interpreter, fixed arguments)


class Shutdown:
    """Stops the web server and the worker: each child gets one SIGTERM (the worker then finishes
    the task in hand, the web server its requests) and is killed if it is still running `timeout`
    seconds later. Another signal to `serve` while it waits kills them at once."""

    SIGNALS = (signal.SIGTERM, signal.SIGINT, signal.SIGHUP)

    def __init__(self, children: list[subprocess.Popen], *, timeout: float):
        self.children = children
        self.timeout = timeout
        self.deadline: float | None = None
        self.signal: signal.Signals | None = None  # the one that began the shutdown, if any
        self.killed = 0  # children still running at the deadline
        self.killed_at_once = 0  # children killed by a second signal

    def on_signal(self, signum, frame) -> None:
        if self.deadline is None:
            self.signal = signal.Signals(signum)
            self.begin()
        else:
            self._kill_running()

    def begin(self) -> None:
        if self.deadline is not None:
            return
        self.deadline = time.monotonic() + self.timeout
        for child in self.children:
            if child.poll() is None:
                child.send_signal(signal.SIGTERM)

    def adopt(self, child: subprocess.Popen, *, replacing: subprocess.Popen | None = None) -> None:
        """Stop `child` too (in the place of `replacing`, a child that stopped); told to stop at
        once if the shutdown began meanwhile (a signal may come between any two lines)."""
        if replacing is None:
            self.children.append(child)
        else:
            self.children[self.children.index(replacing)] = child
        if self.deadline is not None:
            child.send_signal(signal.SIGTERM)

    def wait(self) -> None:
        for child in self.children:
            try:
                child.wait(timeout=max(0.0, self.deadline - time.monotonic()))
            except subprocess.TimeoutExpired:
                _kill_group(child)
                child.wait()
                self.killed += 1

    def summary(self) -> str:
        """One line for the log once a signal has stopped everything."""
        if self.killed_at_once:
            return (
                f"Masthead stopped ({self.signal.name}); a second signal killed what was "
                "still running."
            )
        if self.killed:
            return (
                f"Masthead stopped ({self.signal.name}); what was still running "
                f"{self.timeout:g} s later was killed."
            )
        return f"Masthead stopped ({self.signal.name}), having finished the requests and tasks in hand."

    def _kill_running(self) -> None:
        for child in self.children:
            if child.poll() is None:
                _kill_group(child)
                self.killed_at_once += 1


def _kill_group(child: subprocess.Popen) -> None:
    # The whole group: gunicorn's web workers, or the process running an RQ job (or the
    # autoreloader's worker, with DEBUG on), with it.
    with contextlib.suppress(ProcessLookupError):
        os.killpg(child.pid, signal.SIGKILL)


# A worker that stops on its own is started again after a pause that doubles each time
# (1, 2, 4, 8, 16 s: a Redis or database restart is ridden out); one that stops again within
# WORKER_STEADY_SECONDS of starting, WORKER_RESTARTS times in a row, is not going to work, and
# `serve` stops altogether, so that its process manager sees the failure.
WORKER_RESTARTS = 5
WORKER_STEADY_SECONDS = 60.0
WORKER_RESTART_PAUSE = 1.0
POLL_SECONDS = 0.2


class WorkerKeeper:
    """Keeps the task worker running beside the web server: without it no e-mail goes out and
    nothing scheduled is published, while every page still looks fine."""

    def __init__(self, command: list[str], shutdown: Shutdown, *, log):
        self.command = command
        self.shutdown = shutdown
        self.log = log
        self.failures = 0
        self.restart_at: float | None = None
        self.given_up: str | None = None
        self.process = _start(command)
        self.started = time.monotonic()
        shutdown.adopt(self.process)

    def tend(self) -> bool:
        """Restart the worker if it stopped (after its pause); False once it is given up on."""
        if self.shutdown.deadline is not None or self.given_up:
            return not self.given_up
        now = time.monotonic()
        if self.restart_at is not None:
            if now >= self.restart_at:
                self.restart_at = None
                stopped, self.process = self.process, _start(self.command)
                self.started = time.monotonic()
                self.shutdown.adopt(self.process, replacing=stopped)
            return True
        exit_code = self.process.poll()
        if exit_code is None:
            return True
        # What it started may outlive it (an RQ job's process, the autoreloader's worker) and
        # would go on taking tasks beside the next worker.
        _kill_group(self.process)
        self.failures = 1 if now - self.started >= WORKER_STEADY_SECONDS else self.failures + 1
        how = _how_it_stopped(exit_code)
        if self.failures > WORKER_RESTARTS:
            self.given_up = (
                f"The task worker stopped {self.failures} times in a row, each soon after "
                f"starting (the last time {how}; its log is above). Masthead stops too: "
                "without a worker no e-mail goes out and nothing scheduled is published."
            )
            return False
        pause = WORKER_RESTART_PAUSE * 2 ** (self.failures - 1)
        self.log(
            f"The task worker stopped ({how}); starting it again in {pause:g} s "
            f"(restart {self.failures} of {WORKER_RESTARTS})."
        )
        self.restart_at = now + pause
        return True


def _how_it_stopped(exit_code: int) -> str:
    if exit_code >= 0:
        return f"exit code {exit_code}"
    try:
        return f"killed by {signal.Signals(-exit_code).name}"
    except ValueError:
        return f"killed by signal {-exit_code}"


class Command(BaseCommand):
    help = (
        "Serve the site with a production server (gunicorn running uvicorn workers: pages and "
        "event streams both on ASGI) and, unless --no-worker, a background task worker."
    )

    def add_arguments(self, parser):
        env = Env()
        parser.add_argument("--host", default=env.str("HOST") or "127.0.0.1")
        parser.add_argument(
            "--port", type=int, default=env.int("PORT", 8000, minimum=1, maximum=65535)
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=env.int("WEB_CONCURRENCY", 2, minimum=1),
            help="Web worker processes (default: WEB_CONCURRENCY or 2).",
        )
        parser.add_argument("--no-worker", action="store_true", help="Do not start a task worker.")
        parser.add_argument("--access-log", action="store_true", help="Log every request.")
        parser.add_argument(
            "--shutdown-timeout",
            type=float,
            default=settings.MASTHEAD_SHUTDOWN_TIMEOUT,
            help="Seconds to let the worker finish the task in hand once told to stop, before it "
            "is killed (default: MASTHEAD_SHUTDOWN_TIMEOUT or 60).",
        )

    def handle(
        self, *args, host, port, workers, no_worker, access_log, shutdown_timeout, **options
    ):
        if shutdown_timeout <= 0:
            raise CommandError("--shutdown-timeout must be more than 0 seconds.")
        if workers < 1:
            raise CommandError("--workers must be at least 1.")
        if problems := service_problems():
            raise CommandError("\n".join(problems))
        if not settings.DEBUG:
            call_command("collectstatic", interactive=False, verbosity=0)
        for warning in (
            debug_warning(host, debug=settings.DEBUG, allowed_hosts=settings.ALLOWED_HOSTS),
            base_url_warning(host, port),
        ):
            if warning:
                self.stderr.write(warning)

        server = [
            sys.executable, "-m", "gunicorn", "masthead.asgi:application",
            "--worker-class", "masthead.web_worker.MastheadWorker",
            "--workers", str(workers),
            "--bind", f"{host}:{port}",
            "--graceful-timeout", "10",
            "--keep-alive", "5",
            "--forwarded-allow-ips", os.environ.get("FORWARDED_ALLOW_IPS", "127.0.0.1"),
            # gunicorn's control socket would go in the user's home, shared by every site
            # served by that user, and unwritable under a hardened process manager.
            "--no-control-socket",
        ]  # fmt: skip
        if access_log:
            server += ["--access-logfile", "-"]
        self.stdout.write(
            f"Masthead is serving http://{host}:{port}/ (admin: http://{host}:{port}/admin/)"
        )
        # Under a process manager stdout is a pipe (the journal), which Python fills by blocks:
        # unflushed, this line would reach the log only when `serve` exits.
        self.stdout.flush()
        web = _start(server)
        shutdown = Shutdown([web], timeout=shutdown_timeout)
        for signum in Shutdown.SIGNALS:
            signal.signal(signum, shutdown.on_signal)
        worker = None
        try:
            if not no_worker:
                worker = WorkerKeeper(
                    [sys.executable, "-m", "masthead.cli", "worker"],
                    shutdown,
                    log=self.stderr.write,
                )
            while (exit_code := web.poll()) is None:
                if worker is not None and not worker.tend():
                    break
                time.sleep(POLL_SECONDS)
        finally:
            shutdown.begin()
            shutdown.wait()
        if worker is not None and worker.given_up:
            raise CommandError(worker.given_up)
        if exit_code not in (0, -signal.SIGTERM, -signal.SIGINT):
            raise CommandError(f"The web server stopped with exit code {exit_code}.")
        if shutdown.signal is not None:
            self.stdout.write(shutdown.summary())
