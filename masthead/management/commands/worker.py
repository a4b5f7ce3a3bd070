import threading

from django.conf import settings
from django.core.management import call_command
from django.core.management.base import BaseCommand

from masthead.clock import start_clock_thread


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
        stop = threading.Event()
        if not no_clock:
            start_clock_thread(stop)
        backend = settings.TASKS["default"]["BACKEND"]
        try:
            if backend == "django_tasks_rq.RQBackend":
                call_command(
                    "rqworker", "default", job_class="django_tasks_rq.Job", with_scheduler=True
                )
            else:
                call_command("db_worker", interval=interval, verbosity=options["verbosity"])
        finally:
            stop.set()
