"""Django's createsuperuser, refusing an e-mail address another account has (no two accounts
share one, whatever its case: accounts.selectors.email_in_use), as sign-up and the admin do,
instead of failing on the unique index with a traceback."""

import os

from django.contrib.auth.management.commands import createsuperuser
from django.core.management.base import CommandError

from masthead.accounts.selectors import email_in_use

ADDRESS_TAKEN = "Another account has this e-mail address (in any case); give a different one."


class Command(createsuperuser.Command):
    def get_input_data(self, field, message, default=None):
        value = super().get_input_data(field, message, default)
        if field.name == "email" and value and email_in_use(value):
            self.stderr.write(f"Error: {ADDRESS_TAKEN}")
            return None  # asked again
        return value

    def handle(self, *args, **options):
        if not options["interactive"]:
            email = options.get("email") or os.environ.get("DJANGO_SUPERUSER_EMAIL", "")
            if email_in_use(email):
                raise CommandError(f"{ADDRESS_TAKEN} ({email})")
        return super().handle(*args, **options)
