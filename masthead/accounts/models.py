"""What an account's e-mail address waits for: the link that confirms the address given at
sign-up, or the link that moves the account to a new address.

Registered by the project's own app (masthead/models.py, migrations in masthead/migrations):
this package's __init__ holds the sign-in machinery, which cannot load before the app registry.
"""

from django.conf import settings
from django.db import models


class AccountEmail(models.Model):
    """An account's address while it is not yet shown to be the reader's, or while a change of
    address waits for its link. Accounts without one have nothing waiting: those made before
    sign-up confirmed addresses, by editors in the admin, or by the demo, count as confirmed."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        primary_key=True,
        related_name="account_email",
    )
    # False from sign-up until the reader opens the link sent to the address: until then the
    # account's comments are moderated as a guest's.
    confirmed = models.BooleanField(default=True)
    # True while no link has gone to the address yet: the limit on e-mails to one address held
    # back the one of sign-up (services.account_signed_up). The account page must not say "we
    # sent a link" then.
    confirmation_held_back = models.BooleanField(default=False)
    # The address the reader asked to move to, and when: the link sent there names both, so
    # asking again, cancelling or completing the change retires the links sent before.
    new_email = models.EmailField(blank=True)
    new_email_requested = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        moving = f", moving to {self.new_email}" if self.new_email else ""
        return f"{self.user_id}: {'confirmed' if self.confirmed else 'unconfirmed'}{moving}"
