"""Reads about readers' accounts: whether an address is confirmed, and a change waiting for its
link."""

from dataclasses import dataclass
from datetime import datetime, timedelta

from django.contrib.auth import get_user_model

from masthead.accounts.models import AccountEmail

# How long a link to confirm an address (at sign-up or for a change) works.
EMAIL_LINK_DAYS = 3


@dataclass(frozen=True)
class PendingEmailChange:
    new_email: str
    requested: datetime

    @property
    def expires(self) -> datetime:
        return self.requested + timedelta(days=EMAIL_LINK_DAYS)


def email_is_confirmed(user) -> bool:
    """Whether the account's reader has shown the address to be theirs (by the link sent at
    sign-up). Accounts with nothing waiting, made before sign-up confirmed addresses or by
    editors, count as confirmed; nobody signed in has no confirmed address."""
    if user is None or not user.is_authenticated:
        return False
    return not AccountEmail.objects.filter(user_id=user.pk, confirmed=False).exists()


def email_confirmation_held_back(user) -> bool:
    """Whether the account's address waits for its confirmation link and no link went to it:
    the limit on e-mails to one address held back the one of sign-up, and none was asked for
    since."""
    return AccountEmail.objects.filter(
        user_id=user.pk, confirmed=False, confirmation_held_back=True
    ).exists()


def email_change_pending(user, *, now: datetime) -> PendingEmailChange | None:
    """The new address the reader asked for and has not yet confirmed, while its link works."""
    row = (
        AccountEmail.objects.filter(user_id=user.pk)
        .exclude(new_email="")
        .values("new_email", "new_email_requested")
        .first()
    )
    if row is None or row["new_email_requested"] is None:
        return None
    pending = PendingEmailChange(row["new_email"], row["new_email_requested"])
    return pending if now <= pending.expires else None


def email_in_use(email: str, *, other_than=None) -> bool:
    """Whether an account (other than `other_than`) has this address, whatever its case: no two
    may share one (a unique index holds them to it, masthead/migrations/0002)."""
    email = (email or "").strip()
    if not email:
        return False
    accounts = get_user_model()._default_manager.filter(email__iexact=email)
    if other_than is not None and other_than.pk is not None:
        accounts = accounts.exclude(pk=other_than.pk)
    return accounts.exists()
