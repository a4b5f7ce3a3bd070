import os
import secrets
from dataclasses import dataclass
from importlib import import_module
from importlib.util import find_spec

from django.apps import apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management.base import BaseCommand


@dataclass(frozen=True)
class DemoAccount:
    username: str
    role: str
    # The group the product's migrations define for the role; None makes a superuser.
    group: str | None


ACCOUNTS = [
    DemoAccount("admin", "Admin", None),
    DemoAccount("moderator", "Moderator", "Comment moderators"),
    DemoAccount("editor", "Editor", "Editors"),
]


class Command(BaseCommand):
    help = (
        "Load the demo newsroom (articles, comments, a funding campaign) and make sure its "
        "accounts exist: admin, moderator and editor. Running it again changes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument(
            "--no-accounts",
            "--no-admin",
            action="store_true",
            dest="no_accounts",
            help="Do not create or update the demo accounts (admin, moderator, editor).",
        )

    def handle(self, *args, no_accounts, **options):
        for app in apps.get_app_configs():
            if app.name.startswith("masthead.") and find_spec(f"{app.name}.demo"):
                import_module(f"{app.name}.demo").load(self.stdout)
        if not no_accounts:
            for account in ACCOUNTS:
                self.ensure_account(account)

    def ensure_account(self, account: DemoAccount):
        """The account, its password from MASTHEAD_DEMO_PASSWORD or generated once and kept in
        MASTHEAD_HOME (`<username>-password.txt`). An existing account keeps its groups."""
        User = get_user_model()
        name = account.username
        password_file = settings.MASTHEAD_HOME / f"{name}-password.txt"
        wanted = os.environ.get("MASTHEAD_DEMO_PASSWORD")
        user = User.objects.filter(username=name).first()
        if user is None:
            group = None
            if account.group is not None:
                group = Group.objects.filter(name=account.group).first()
                if group is None:
                    self.stderr.write(
                        f"{account.role} account not created: there is no “{account.group}” "
                        "group (run `masthead migrate`, or create the group in Settings → Groups)."
                    )
                    return
            password = wanted or secrets.token_urlsafe(12)
            email = f"{name}@example.com"
            if group is None:
                User.objects.create_superuser(name, email, password)
            else:
                User.objects.create_user(name, email, password).groups.add(group)
            if not wanted:
                password_file.touch(mode=0o600)
                password_file.write_text(password + "\n")
            self.stdout.write(
                self.style.SUCCESS(
                    f"{account.role} account created: user {name}, password {password}"
                )
            )
        elif wanted and not user.check_password(wanted):
            user.set_password(wanted)
            user.save(update_fields=["password"])
            self.stdout.write(f"{account.role} password set from MASTHEAD_DEMO_PASSWORD.")
        elif not wanted and password_file.exists():
            self.stdout.write(
                f"{account.role} account: user {name}, password {password_file.read_text().strip()}"
            )
        else:
            self.stdout.write(f"{account.role} account: user {name} (password unchanged).")
