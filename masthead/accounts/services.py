"""Changes a signed-in reader makes to their own account: the name shown with their comments,
their e-mail address, and deleting the account. The password is checked before these are
called (forms.py), through the throttled backend.

An address is the reader's once they open a link sent to it: the one sent at sign-up confirms
the account's address, the one sent to a new address moves the account to it (email_links)."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import IntegrityError, transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django_tasks import task

from masthead import limits, moderation, task_queues
from masthead.accounts import counter_key, email_links, names
from masthead.accounts.models import AccountEmail
from masthead.accounts.selectors import (
    EMAIL_LINK_DAYS,
    PendingEmailChange,
    email_change_pending,
    email_in_use,
    email_is_confirmed,
)
from masthead.discussion import conf as discussion_conf
from masthead.discussion import selectors as discussion_selectors
from masthead.discussion import services as discussion
from masthead.discussion.services.comments import author_name_of
from masthead.links import absolute_url
from masthead.mail import sender
from masthead.refusals import Refused
from masthead.text import one_line

NAME_MISSING = "Please give the name to show with your comments."
NAME_TOO_LONG = "Please shorten your name to at most {limit} characters."
NAME_ADVERTISES = (
    "A name cannot carry a web address or domain, an e-mail address, a phone number or a "
    "messenger handle: it shows with every comment you write."
)
# A new name rewrites every comment of the account and renews the cached pages of their threads.
NAME_CHANGES_PER_DAY = 5
TOO_MANY_NAME_CHANGES = (
    f"You have changed your name {NAME_CHANGES_PER_DAY} times today. Please try again tomorrow."
)
EMAIL_INVALID = "That e-mail address does not look right."
EMAIL_UNCHANGED = "That is the address your account has already."
EMAIL_TAKEN = "Another account has this e-mail address."
EMAIL_TAKEN_SINCE = (
    "Another account has taken {email} since you asked for it, so your account keeps its "
    "address. You can choose another one on your account page."
)
# Each attempt answers whether another account has the address, as sign-up would.
EMAIL_CHANGES_PER_HOUR = 5
TOO_MANY_EMAIL_CHANGES = (
    "Too many changes of e-mail address for your account in the last hour. Please try again later."
)
# As for password resets: requests from one network address (each sends mail to an address the
# asker names), and confirmation e-mails to one address, so that nobody fills an inbox with links.
EMAIL_CHANGES_PER_NETWORK_PER_HOUR = 10
TOO_MANY_EMAIL_CHANGES_FROM_NETWORK = (
    "Too many changes of e-mail address from your network in the last hour. Please try again later."
)
CONFIRMATION_EMAILS_PER_ADDRESS_PER_HOUR = 3
CONFIRMATION_NOT_SENT = (
    "Your account is ready, but several e-mails have gone to {email} in the last hour, so we "
    "sent no confirmation link this time. Ask for one from your account page a little later."
)
CONFIRMATION_HELD_BACK = (
    "We have sent no link to {email} yet: several e-mails had gone to it within an hour when you "
    "signed up. Ask for one with the button below, then open it to show the address is yours."
)
TOO_MANY_CONFIRMATION_EMAILS = (
    "Several confirmation e-mails have gone to {email} in the last hour. Please use the link in "
    "one of them, or try again later."
)
EMAIL_LINK_SENT = (
    "We sent a link to {new_email}: open it to make it your account’s address. Until then your "
    "address stays {email}."
)
EMAIL_CHANGE_CANCELLED = (
    "The change of address is cancelled: your address stays {email}, and the link we sent no "
    "longer works."
)
NO_EMAIL_CHANGE_PENDING = "No change of address is waiting to be confirmed."
EMAIL_CONFIRMED_ALREADY = "Your address is confirmed already."
LINK_INVALID = "This link is not valid: it may have been cut short. Please copy it whole."
LINK_EXPIRED = (
    f"This link has expired: links work for {EMAIL_LINK_DAYS} days. You can ask for a new one on "
    "your account page."
)
CHANGE_LINK_RETIRED = (
    "This link no longer works: the address was changed with it already, or the change was "
    "cancelled or asked for again (the newest e-mail has the link that works). Your account page "
    "shows the address your account has."
)
CONFIRM_LINK_RETIRED = (
    "This link no longer works: it confirms an address the account no longer has. Your account "
    "page shows the address your account has."
)
# An account made by an importer, or signing in through another service, has no password: none
# to confirm a change of address with, and no password reset links (they go to accounts with one).
# A reader is told the site's editors change its address; an administrator (in their account
# settings and on their own user in Settings → Users) that another administrator does.
ADDRESS_CHANGED_BY_EDITORS = (
    "Your account has no password here, so no password reset links are sent for it, and its "
    "address cannot be changed on this page: the site’s editors change it for you."
)
ADDRESS_CHANGED_BY_AN_ADMINISTRATOR = (
    "Your account has no password here, so no password reset links are sent for it, and you "
    "cannot change its address or give it a password yourself: another administrator does, in "
    "Settings → Users."
)
EDITORS_DELETED_IN_ADMIN = (
    "The accounts of editors and administrators are deleted in the admin, by an administrator."
)
# Such an account has no password to confirm its deletion with: a link sent to its address
# does it instead, once opened and its button pressed.
DELETE_LINK_SENT = (
    "We sent a link to {email}: open it to delete your account. Until then nothing is deleted."
)
DELETE_WITH_PASSWORD = "Your account has a password: type it below to delete the account."  # noqa: S105
DELETE_NEEDS_AN_ADDRESS = (
    "Your account has no e-mail address to send the link to: the site’s editors can delete it "
    "for you."
)
DELETE_NEEDS_A_CONFIRMED_ADDRESS = (
    "Please confirm your address first (see the top of this page): the link that deletes the "
    "account goes to it."
)
TOO_MANY_DELETE_LINKS = (
    "Several e-mails have gone to {email} in the last hour. Please use the link in one of them, "
    "or try again later."
)
DELETE_LINK_RETIRED = (
    "This link no longer works: the account is deleted already, or its address has changed "
    "since the link was sent."
)


class AccountRefused(Refused):
    """A change that cannot be made, and the form field at fault."""


def account_name_checked(name: str, *, user=None) -> str:
    """The name as an account shows it, if it may: the rules of a comment's name, no
    advertising (a link or domain, an e-mail address, a phone number, a messenger handle), as
    moderation tells it, no abuse, and no name of the newsroom's unless `user` (the account, None
    at sign-up) is staff (names.name_refusal): a name chosen at sign-up or later shows on
    comments moderation passed."""
    name = one_line(name)
    if not name:
        raise AccountRefused(NAME_MISSING, field="name")
    if len(name) > discussion_conf.COMMENT_NAME_MAX_LENGTH:
        limit = discussion_conf.COMMENT_NAME_MAX_LENGTH
        raise AccountRefused(NAME_TOO_LONG.format(limit=limit), field="name")
    if moderation.name_advertises(name):
        raise AccountRefused(NAME_ADVERTISES, field="name")
    refusal = names.name_refusal(name, user=user)
    if refusal:
        raise AccountRefused(refusal, field="name")
    return name


def account_name_change(*, user, name: str) -> int:
    """Show `name` with the account's comments from now on, and with all those it wrote before.

    Names are held to the rules of account_name_checked. Returns the number of comments
    renamed."""
    name = account_name_checked(name, user=user)
    if name == author_name_of(user):
        return 0
    if limits.count(f"account-name-changes:{user.pk}", 24 * 3600) > NAME_CHANGES_PER_DAY:
        raise AccountRefused(TOO_MANY_NAME_CHANGES, field="name", status=429)
    with transaction.atomic():
        # The whole name in one field: comments show "first last", and readers give one name.
        user.first_name, user.last_name = name, ""
        user.save(update_fields=["first_name", "last_name"])
        return discussion.author_rename(user=user, name=name)


def _normalised_email(email: str) -> str:
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise AccountRefused(EMAIL_INVALID, field="email") from None
    if len(email) > get_user_model()._meta.get_field("email").max_length:
        raise AccountRefused(EMAIL_INVALID, field="email")
    return email


def _confirmation_email_allowed(email: str) -> bool:
    sent = limits.count(f"account-confirmation-emails:{counter_key(email)}", 3600)
    return sent <= CONFIRMATION_EMAILS_PER_ADDRESS_PER_HOUR


def account_email_change_request(
    *, user, email: str, site_name: str, network: str = "", now: datetime | None = None
) -> PendingEmailChange:
    """Ask to move the account to `email` (the password was checked): a link goes to that
    address, and the account's address changes only when it is opened (account_email_change).

    Asking again, for the same address or another, sends a new link and retires those sent
    before. `network` is the hash of the asker's network address."""
    email = account_email_change_allowed(user=user, email=email, network=network)
    return account_email_change_send(user=user, email=email, site_name=site_name, now=now)


def account_email_change_allowed(*, user, email: str, network: str = "") -> str:
    """The address `email` names, normalised, if the account may ask to move to it now; else
    AccountRefused. Each call counts as an attempt toward the hourly limits: a form that checks
    the address while the rest of its page may still be refused (the admin's account settings)
    asks with account_email_change_send once the page is saved."""
    email = _normalised_email(email)
    if email == user.email.lower():
        raise AccountRefused(EMAIL_UNCHANGED, field="email")
    if limits.count(f"account-email-changes:{user.pk}", 3600) > EMAIL_CHANGES_PER_HOUR:
        raise AccountRefused(TOO_MANY_EMAIL_CHANGES, field="email", status=429)
    if network and (
        limits.count(f"account-email-changes-from:{network}", 3600)
        > EMAIL_CHANGES_PER_NETWORK_PER_HOUR
    ):
        raise AccountRefused(TOO_MANY_EMAIL_CHANGES_FROM_NETWORK, field="email", status=429)
    if email_in_use(email, other_than=user):
        raise AccountRefused(EMAIL_TAKEN, field="email")
    if not _confirmation_email_allowed(email):
        refusal = TOO_MANY_CONFIRMATION_EMAILS.format(email=email)
        raise AccountRefused(refusal, field="email", status=429)
    return email


def account_email_change_send(
    *, user, email: str, site_name: str, now: datetime | None = None
) -> PendingEmailChange:
    """Send the link that moves the account to `email`, an address account_email_change_allowed
    returned: retires the links sent before."""
    now = now or timezone.now()
    with transaction.atomic():
        AccountEmail.objects.update_or_create(
            user=user, defaults={"new_email": email, "new_email_requested": now}
        )
        user_id = user.pk
        transaction.on_commit(lambda: send_email_change_link.enqueue(user_id, site_name))
    return PendingEmailChange(email, now)


def account_email_change_resend(
    *, user, site_name: str, network: str = "", now: datetime | None = None
) -> PendingEmailChange:
    """A new link for the change of address waiting to be confirmed (limited as asking is)."""
    now = now or timezone.now()
    pending = email_change_pending(user, now=now)
    if pending is None:
        raise AccountRefused(NO_EMAIL_CHANGE_PENDING)
    return account_email_change_request(
        user=user, email=pending.new_email, site_name=site_name, network=network, now=now
    )


def account_email_change_cancel(*, user) -> None:
    """Forget the change of address waiting to be confirmed: its links stop working."""
    AccountEmail.objects.filter(user_id=user.pk).update(new_email="", new_email_requested=None)


def account_email_change_to_confirm(*, token: str):
    """The account a change-of-address link moves and the address it moves to, if the link can
    still do it: it names the newest change asked for, which is still waiting."""
    return _change_waiting_for(_link_payload(token, salt=email_links.CHANGE_SALT))


def _change_waiting_for(payload: dict):
    user = get_user_model().objects.filter(pk=payload["u"], is_active=True).first()
    waiting = AccountEmail.objects.filter(user_id=payload["u"]).exclude(new_email="").first()
    if (
        user is None
        or waiting is None
        or waiting.new_email != payload.get("e")
        or waiting.new_email_requested is None
        or email_links.moment(waiting.new_email_requested) != payload.get("t")
    ):
        raise AccountRefused(CHANGE_LINK_RETIRED, status=410)
    return user, waiting.new_email


def account_email_change_confirm(*, token: str, site_name: str):
    """The reader opened the link sent to the new address: the account moves to it. Returns
    the account, whose `email` is now the new address."""
    payload = _link_payload(token, salt=email_links.CHANGE_SALT)
    with transaction.atomic():
        # Locked: the same link opened twice at once changes the address once.
        list(AccountEmail.objects.select_for_update().filter(user_id=payload["u"]))
        user, new_email = _change_waiting_for(payload)
        account_email_change(user=user, email=new_email, site_name=site_name)
    return user


def account_email_change(*, user, email: str, site_name: str) -> str:
    """Give the account its new address, the one change of an account's address a reader makes
    (once the link sent to it is opened); returns the old address, which is told of the change
    in the background. The new address is the reader's, so the account counts as confirmed.

    Another account may have taken the address since it was asked for: checked again here.
    Subscriptions already confirmed keep the address that confirmed them, as the comments keep
    the address they were posted with. A ban on the old address bars the new one too."""
    email = _normalised_email(email)
    taken_since = AccountRefused(EMAIL_TAKEN_SINCE.format(email=email), field="email")
    if email_in_use(email, other_than=user):
        raise taken_since
    old_email = user.email
    try:
        with transaction.atomic():
            user.email = email
            user.save(update_fields=["email"])
            AccountEmail.objects.update_or_create(
                user=user,
                defaults={"confirmed": True, "new_email": "", "new_email_requested": None},
            )
            moderation.email_bans_carry(old_email=old_email, new_email=email)
    except IntegrityError:  # another account took it in the meantime (the unique index)
        user.email = old_email
        raise taken_since from None
    if old_email and old_email.lower() != email:
        username = user.get_username()
        transaction.on_commit(
            lambda: send_email_changed_notice.enqueue(old_email, email, username, site_name)
        )
    return old_email


def _link_payload(token: str, *, salt: str) -> dict:
    try:
        return email_links.read_token(token, salt=salt)
    except email_links.LinkExpired:
        raise AccountRefused(LINK_EXPIRED, status=410) from None
    except email_links.LinkInvalid:
        raise AccountRefused(LINK_INVALID, status=404) from None


def account_signed_up(*, user, site_name: str) -> bool:
    """A reader just made the account (and may comment at once): a link goes to its address,
    and until it is opened the account's comments are moderated as a guest's.

    Not beyond CONFIRMATION_EMAILS_PER_ADDRESS_PER_HOUR links to the address, as for a change
    of address: signing up with a stranger's address, deleting the account and signing up
    again must not fill their inbox. The account is made all the same; its reader can ask for
    the link again later (the account page says none was sent). Returns whether a link goes
    out."""
    allowed = _confirmation_email_allowed(user.email)
    AccountEmail.objects.update_or_create(
        user=user, defaults={"confirmed": False, "confirmation_held_back": not allowed}
    )
    if not allowed:
        return False
    user_id = user.pk
    transaction.on_commit(lambda: send_email_confirmation_link.enqueue(user_id, site_name))
    return True


def account_email_confirmation_resend(*, user, site_name: str) -> None:
    """A new link to confirm the account's address (limited per address, as resets are)."""
    if email_is_confirmed(user):
        raise AccountRefused(EMAIL_CONFIRMED_ALREADY)
    if not _confirmation_email_allowed(user.email):
        raise AccountRefused(TOO_MANY_CONFIRMATION_EMAILS.format(email=user.email), status=429)
    AccountEmail.objects.filter(user_id=user.pk).update(confirmation_held_back=False)
    user_id = user.pk
    transaction.on_commit(lambda: send_email_confirmation_link.enqueue(user_id, site_name))


def account_email_to_confirm(*, token: str):
    """The account whose address a sign-up link confirms, if the account still has it."""
    payload = _link_payload(token, salt=email_links.CONFIRM_SALT)
    user = get_user_model().objects.filter(pk=payload["u"], is_active=True).first()
    if user is None or user.email.lower() != str(payload.get("e", "")).lower():
        raise AccountRefused(CONFIRM_LINK_RETIRED, status=410)
    return user


def account_email_confirm(*, token: str):
    """The reader opened the link sent at sign-up: the address is theirs, and their comments
    are moderated as any account's from now on. Opening it again changes nothing."""
    user = account_email_to_confirm(token=token)
    AccountEmail.objects.filter(user_id=user.pk).update(confirmed=True)
    return user


@task(**task_queues.READER_FACING)
def send_email_confirmation_link(user_id: int, site_name: str) -> bool:
    """The link that confirms the address an account was given at sign-up."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email or email_is_confirmed(user):
        return False
    token = email_links.email_confirm_token(user_id=user.pk, email=user.email.lower())
    context = {
        "username": user.get_username(),
        "site_name": site_name,
        # The address readers use (MASTHEAD_BASE_URL), not the Host header of whoever asked.
        "confirm_url": absolute_url(reverse("accounts-email-confirm", kwargs={"token": token})),
        "link_days": EMAIL_LINK_DAYS,
        "held_until_confirmed": moderation.holds_guests(),
    }
    body = render_to_string("accounts/emails/email_confirm.txt", context)
    send_mail(f"Confirm your e-mail address on {site_name}", body, sender(site_name), [user.email])
    return True


@task(**task_queues.READER_FACING)
def send_email_change_link(user_id: int, site_name: str) -> bool:
    """The link, sent to the new address, that moves the account to it."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    waiting = AccountEmail.objects.filter(user_id=user_id).exclude(new_email="").first()
    if user is None or waiting is None or waiting.new_email_requested is None:
        return False  # cancelled, or the account deleted, before the worker got to it
    token = email_links.email_change_token(
        user_id=user.pk, new_email=waiting.new_email, requested=waiting.new_email_requested
    )
    context = {
        "username": user.get_username(),
        "site_name": site_name,
        "old_email": user.email,
        "new_email": waiting.new_email,
        "confirm_url": absolute_url(
            reverse("accounts-email-change-confirm", kwargs={"token": token})
        ),
        "link_days": EMAIL_LINK_DAYS,
    }
    body = render_to_string("accounts/emails/email_change_confirm.txt", context)
    send_mail(
        f"Confirm your new e-mail address on {site_name}",
        body,
        sender(site_name),
        [waiting.new_email],
    )
    return True


@task(**task_queues.READER_FACING)
def send_email_changed_notice(old_email: str, new_email: str, username: str, site_name: str):
    """Tell the old address that the account moved away from it: if the reader did not do it,
    someone else knows the password, and the password reset links now go elsewhere."""
    context = {
        "username": username,
        "site_name": site_name,
        "new_email": new_email,
    }
    body = render_to_string("accounts/emails/email_changed.txt", context)
    send_mail(
        f"Your e-mail address on {site_name} was changed", body, sender(site_name), [old_email]
    )


def is_deletable_by_its_reader(user) -> bool:
    return not (user.is_staff or user.is_superuser)


def account_delete(*, user, now: datetime | None = None) -> None:
    """Delete the account and what it holds of its reader: the user row (name, address,
    password) and what account_erase takes.

    Editors' accounts own pages, revisions and moderators' decisions: not deleted here."""
    if not is_deletable_by_its_reader(user):
        raise AccountRefused(EDITORS_DELETED_IN_ADMIN, status=403)
    with transaction.atomic():
        account_erase(user=user, now=now)
        user.delete()


def account_erase(*, user, now: datetime | None = None) -> int:
    """What deleting an account takes with it before its row goes, wherever it is deleted (its
    reader's page, the admin): its subscriptions and votes; its comments, deleted as their
    author would delete them so that replies keep their place (discussion.author_erase says what
    stays); and its names and addresses wherever moderation's records of them quote them.
    Returns the number of comments."""
    with transaction.atomic():
        authorship = discussion_selectors.account_authorship(user)
        moderation.reader_mentions_erase(
            comment_ids=authorship.comment_ids,
            account_id=user.pk,
            quoted=authorship.names | authorship.emails,
        )
        return discussion.author_erase(user=user, now=now)


def account_edited_in_admin(*, user, old_email: str) -> None:
    """After an administrator saved the account in the admin (the reader's own changes go
    through account_name_change and account_email_change): its comments show its name as it is
    now, and bans on its old address bar the new one. The admin's rules for names apply there;
    only the length a comment's name may have applies here."""
    name = one_line(author_name_of(user))[: discussion_conf.COMMENT_NAME_MAX_LENGTH]
    with transaction.atomic():
        discussion.author_rename(user=user, name=name)
        moderation.email_bans_carry(old_email=old_email, new_email=user.email)


def account_delete_link_request(*, user, site_name: str) -> str:
    """Send the link that deletes an account that has no password (made by an importer or an
    editor) to the account's confirmed address, the one proof its reader can give; returns the
    address. Counted with the other links sent to an address
    (CONFIRMATION_EMAILS_PER_ADDRESS_PER_HOUR): asking again and again fills no inbox."""
    if not is_deletable_by_its_reader(user):
        raise AccountRefused(EDITORS_DELETED_IN_ADMIN, status=403)
    if user.has_usable_password():
        raise AccountRefused(DELETE_WITH_PASSWORD)
    if not user.email:
        raise AccountRefused(DELETE_NEEDS_AN_ADDRESS)
    if not email_is_confirmed(user):
        raise AccountRefused(DELETE_NEEDS_A_CONFIRMED_ADDRESS)
    if not _confirmation_email_allowed(user.email):
        raise AccountRefused(TOO_MANY_DELETE_LINKS.format(email=user.email), status=429)
    user_id = user.pk
    transaction.on_commit(lambda: send_account_delete_link.enqueue(user_id, site_name))
    return user.email


def account_to_delete(*, token: str, lock: bool = False):
    """The account a deletion link deletes, if the link can still do it: the account is there,
    and still has the address the link went to. `lock`: its row is locked until the end of the
    transaction (the deletion's own read)."""
    payload = _link_payload(token, salt=email_links.DELETE_SALT)
    accounts = get_user_model().objects.filter(pk=payload["u"], is_active=True)
    user = (accounts.select_for_update() if lock else accounts).first()
    if user is None or user.email.lower() != str(payload.get("e", "")).lower():
        raise AccountRefused(DELETE_LINK_RETIRED, status=410)
    return user


def account_delete_by_link(*, token: str, now: datetime | None = None):
    """The reader opened the link sent to the account's address and pressed its button: the
    account is deleted as account_delete deletes it. Returns the deleted account's id."""
    with transaction.atomic():
        # Locked: the same link sent twice at once deletes the account once.
        user = account_to_delete(token=token, lock=True)
        user_id = user.pk
        account_delete(user=user, now=now)
    return user_id


@task(**task_queues.READER_FACING)
def send_account_delete_link(user_id: int, site_name: str) -> bool:
    """The link, sent to the account's address, that deletes an account without a password."""
    user = get_user_model().objects.filter(pk=user_id, is_active=True).first()
    if user is None or not user.email:
        return False
    token = email_links.account_delete_token(user_id=user.pk, email=user.email.lower())
    context = {
        "username": user.get_username(),
        "site_name": site_name,
        "delete_url": absolute_url(reverse("accounts-delete-confirm", kwargs={"token": token})),
        "link_days": EMAIL_LINK_DAYS,
    }
    body = render_to_string("accounts/emails/account_delete.txt", context)
    send_mail(f"Delete your account on {site_name}", body, sender(site_name), [user.email])
    return True
