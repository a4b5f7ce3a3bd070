import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand, CommandError
from django.utils.module_loading import import_string
from django_tasks_rq.backend import RQBackend

from masthead.clock import start_clock_thread
from masthead.reachability import service_problems


class Command(BaseCommand):
    help = "Run background tasks (e-mail, live updates, retraining) and the clock for scheduled publishing."

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-clock", action="store_true", help="Do not run periodic jobs in this worker."
        )
        parser.add_argument(
            "--interval", type=float, default=1.0, help="Seconds between queue polls."
        )
        parser.add_argument(
            "--max-tasks",
            type=int,
            default=None,
            help="Run at most this many of the tasks queued now, then stop.",
        )

    def handle(self, *args, no_clock, interval, max_tasks, **options):
        if problems := service_problems():
            raise CommandError("\n".join(problems))
        if max_tasks is not None and max_tasks < 1:
            raise CommandError("--max-tasks must be at least 1.")
        # Every queue a task may be in (masthead/task_queues.py), in the order RQ takes them;
        # the database queue takes the highest priority first, whatever the queue.
        queues = settings.TASKS["default"]["QUEUES"]
        on_rq = issubclass(import_string(settings.TASKS["default"]["BACKEND"]), RQBackend)
        stop = threading.Event()
        clock = None if no_clock else start_clock_thread(stop)
        try:
            if on_rq:
                call_command(
                    "rqworker",
                    *queues,
                    job_class="django_tasks_rq.Job",
                    worker_class="rq.worker.SimpleWorker",
                    with_scheduler=True,
                    burst=max_tasks is not None,
                    max_jobs=max_tasks,
                )
            elif max_tasks is None:
                call_command(
                    "db_worker",
                    queue_name=",".join(queues),
                    interval=interval,
                    verbosity=options["verbosity"],
                )
            else:
                # A worker that stops by itself has nothing to reload (db_worker reloads on code
                # changes with DEBUG on) nor a herd of workers to stagger the start of.
                call_command(
                    "db_worker",
                    queue_name=",".join(queues),
                    interval=interval,
                    verbosity=options["verbosity"],
                    batch=True,
                    max_tasks=max_tasks,
                    reload=False,
                    startup_delay=False,
                )
        finally:
            stop.set()
            if clock is not None:
                clock.join()  # let a periodic job in hand (publishing what is due) finish
