import os
import secrets
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand


class Command(BaseCommand):
    help = (
        "Load the demo newsroom (articles, comments, a funding campaign) and make sure an admin "
        "account exists. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-admin", action="store_true", help="Do not create or update the admin account."
        )

    def handle(self, *args, no_admin, **options):
        for app in apps.get_app_configs():
            if app.name.startswith("masthead.") and find_spec(f"{app.name}.demo"):
                import_module(f"{app.name}.demo").load(self.stdout)
        if not no_admin:
            self.ensure_admin()

    def ensure_admin(self):
        """User `admin`, password from MASTHEAD_DEMO_PASSWORD or generated once and kept in MASTHEAD_HOME."""
        User = get_user_model()
        password_file = settings.MASTHEAD_HOME / "admin-password.txt"
        wanted = os.environ.get("MASTHEAD_DEMO_PASSWORD")
        user = User.objects.filter(username="admin").first()
        if user is None:
            password = wanted or secrets.token_urlsafe(12)
            User.objects.create_superuser("admin", "admin@example.com", password)
            if not wanted:
                password_file.touch(mode=0o600)
                password_file.write_text(password + "\n")
            self.stdout.write(
                self.style.SUCCESS(f"Admin account created: user admin, password {password}")
            )
        elif wanted and not user.check_password(wanted):
            user.set_password(wanted)
            user.save(update_fields=["password"])
            self.stdout.write("Admin password set from MASTHEAD_DEMO_PASSWORD.")
        elif not wanted and password_file.exists():
            self.stdout.write(
                f"Admin account: user admin, password {password_file.read_text().strip()}"
            )
        else:
            self.stdout.write("Admin account: user admin (password unchanged).")
