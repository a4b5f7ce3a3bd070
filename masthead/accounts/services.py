"""Changes a signed-in reader makes to their own account: the name shown with their comments,
their e-mail address, and deleting the account. The password is checked before these are
called (forms.py), through the throttled backend."""

from datetime import datetime

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.mail import send_mail
from django.core.validators import validate_email
from django.db import transaction
from django.template.loader import render_to_string
from django_tasks import task

from masthead import limits, moderation
from masthead.discussion import conf as discussion_conf
from masthead.discussion import selectors as discussion_selectors
from masthead.discussion import services as discussion
from masthead.discussion.services.comments import author_name_of, one_line
from masthead.refusals import Refused

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
# Each attempt answers whether another account has the address, as sign-up would.
EMAIL_CHANGES_PER_HOUR = 5
TOO_MANY_EMAIL_CHANGES = (
    "Too many changes of e-mail address for your account in the last hour. Please try again later."
)
EDITORS_DELETED_IN_ADMIN = (
    "The accounts of editors and administrators are deleted in the admin, by an administrator."
)


class AccountRefused(Refused):
    """A change that cannot be made, and the form field at fault."""

    def __init__(self, message: str, *, field: str | None = None, status: int = 400):
        super().__init__(message, status=status)
        self.field = field


def account_name_checked(name: str) -> str:
    """The name as an account shows it, if it may: the rules of a comment's name, and no
    advertising (a link or domain, an e-mail address, a phone number, a messenger handle), as
    moderation tells it: a name chosen at sign-up or later shows on comments moderation passed."""
    name = one_line(name)
    if not name:
        raise AccountRefused(NAME_MISSING, field="name")
    if len(name) > discussion_conf.COMMENT_NAME_MAX_LENGTH:
        limit = discussion_conf.COMMENT_NAME_MAX_LENGTH
        raise AccountRefused(NAME_TOO_LONG.format(limit=limit), field="name")
    if moderation.name_advertises(name):
        raise AccountRefused(NAME_ADVERTISES, field="name")
    return name


def account_name_change(*, user, name: str) -> int:
    """Show `name` with the account's comments from now on, and with all those it wrote before.

    Names are held to the rules of account_name_checked. Returns the number of comments
    renamed."""
    name = account_name_checked(name)
    if name == author_name_of(user):
        return 0
    if limits.count(f"account-name-changes:{user.pk}", 24 * 3600) > NAME_CHANGES_PER_DAY:
        raise AccountRefused(TOO_MANY_NAME_CHANGES, field="name", status=429)
    with transaction.atomic():
        # The whole name in one field: comments show "first last", and readers give one name.
        user.first_name, user.last_name = name, ""
        user.save(update_fields=["first_name", "last_name"])
        return discussion.author_rename(user=user, name=name)


def account_email_change(*, user, email: str, site_name: str) -> str:
    """Give the account a new address (for password resets and the notifications it asks for
    from now on), unique among accounts whatever its case; returns the old one, which is told
    of the change in the background.

    Subscriptions already confirmed keep the address that confirmed them, as the comments keep
    the address they were posted with. A ban on the old address bars the new one too."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise AccountRefused(EMAIL_INVALID, field="email") from None
    if len(email) > get_user_model()._meta.get_field("email").max_length:
        raise AccountRefused(EMAIL_INVALID, field="email")
    old_email = user.email
    if email == old_email.lower():
        raise AccountRefused(EMAIL_UNCHANGED, field="email")
    if limits.count(f"account-email-changes:{user.pk}", 3600) > EMAIL_CHANGES_PER_HOUR:
        raise AccountRefused(TOO_MANY_EMAIL_CHANGES, field="email", status=429)
    if get_user_model().objects.filter(email__iexact=email).exclude(pk=user.pk).exists():
        raise AccountRefused(EMAIL_TAKEN, field="email")
    with transaction.atomic():
        user.email = email
        user.save(update_fields=["email"])
        moderation.email_bans_carry(old_email=old_email, new_email=email)
    if old_email:
        username = user.get_username()
        transaction.on_commit(
            lambda: send_email_changed_notice.enqueue(old_email, email, username, site_name)
        )
    return old_email


@task()
def send_email_changed_notice(old_email: str, new_email: str, username: str, site_name: str):
    """Tell the old address that the account moved away from it: if the reader did not do it,
    someone else knows the password, and the password reset links now go elsewhere."""
    context = {
        "username": username,
        "site_name": site_name,
        "new_email": new_email,
    }
    body = render_to_string("accounts/emails/email_changed.txt", context)
    send_mail(f"Your e-mail address on {site_name} was changed", body, None, [old_email])


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
