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

    def handle(self, *args, no_clock, interval, **options):
        if problems := service_problems():
            raise CommandError("\n".join(problems))
        on_rq = issubclass(import_string(settings.TASKS["default"]["BACKEND"]), RQBackend)
        stop = threading.Event()
        clock = None if no_clock else start_clock_thread(stop)
        try:
            if on_rq:
                call_command(
                    "rqworker",
                    "default",
                    job_class="django_tasks_rq.Job",
                    worker_class="rq.worker.SimpleWorker",
                    with_scheduler=True,
                )
            else:
                call_command("db_worker", interval=interval, verbosity=options["verbosity"])
        finally:
            stop.set()
            if clock is not None:
                clock.join()  # let a periodic job in hand (publishing what is due) finish
