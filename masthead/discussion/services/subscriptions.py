"""Subscriptions to a thread: double opt-in, digests, one-click unsubscribe."""

import hashlib
import logging
from collections import defaultdict
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone

from masthead import limits
from masthead.accounts.selectors import email_is_confirmed
from masthead.discussion import conf, emails
from masthead.discussion.models import (
    Comment,
    CommentStatus,
    PendingNotification,
    Subscription,
    SubscriptionKind,
)
from masthead.discussion.subscription_links import subscription_for_token
from masthead.refusals import Refused

logger = logging.getLogger(__name__)

EMAIL_INVALID = "Please give a valid e-mail address to be notified."
EMAIL_MAX_LENGTH = Subscription._meta.get_field("email").max_length
KIND_INVALID = "Choose to be notified of all new comments or of replies to your comments."
LINK_UNKNOWN = "This link is not valid (it may have been mistyped or replaced by a newer one)."
LINK_EXPIRED = "This confirmation link has expired. Please subscribe again from the article."
SIGN_IN_TO_STOP = (
    "Please sign in to stop following this discussion, or use the link at the foot of any of "
    "its e-mails."
)
TOO_MANY_FROM_NETWORK = (
    "Too many notification requests came from your network in the last hour. Please try again "
    "later."
)
TOO_MANY_CONFIRMATIONS = (
    "Several confirmation e-mails have already been sent to this address today. Please use one "
    "of them, or try again tomorrow."
)


class SubscriptionRefused(Refused):
    pass


def subscription_request(
    *,
    article,
    email: str,
    kind: str,
    network: str = "",
    user=None,
    now: datetime | None = None,
) -> Subscription:
    """Ask to be notified; a confirmation e-mail is sent unless the subscription is already active.

    `network` is the hash of the asker's network address: one client may not aim confirmation
    e-mails at a list of strangers' addresses either. `user`, the signed-in reader asking, gets
    the subscription when a confirmation goes out, if `email` is the account's confirmed address
    (subscription_owner); an active one stays with whoever asked for it: asking again must not
    show an account what a stranger's address follows."""
    from masthead.discussion import tasks

    now = now or timezone.now()
    email = _checked_request(email=email, kind=kind)
    user = subscription_owner(user, email=email)
    with transaction.atomic():
        subscription, created = Subscription.objects.select_for_update().get_or_create(
            article=article, email=email, kind=kind, defaults={"user": user}
        )
        if subscription.is_active:
            return subscription
        awaiting = subscription.confirmed is None and subscription.unsubscribed is None
        if (
            not created
            and awaiting
            and now - subscription.created < timedelta(minutes=conf.SUBSCRIPTION_RESEND_MINUTES)
        ):
            return subscription  # its confirmation e-mail has just gone out
        if not _confirmation_allowed(email):
            raise SubscriptionRefused(TOO_MANY_CONFIRMATIONS, status=429)
        if network and not _network_confirmation_allowed(network):
            raise SubscriptionRefused(TOO_MANY_FROM_NETWORK, status=429)
        if not created:
            # Unsubscribed or never confirmed: start again. A new `created` makes a fresh link
            # and retires the ones sent before.
            subscription.legacy_token_hash = None
            subscription.confirmed = None
            subscription.unsubscribed = None
            subscription.created = now
            subscription.user = user
            subscription.save(
                update_fields=["legacy_token_hash", "confirmed", "unsubscribed", "created", "user"]
            )
        subscription_id = subscription.pk
        transaction.on_commit(lambda: tasks.send_subscription_confirmation.enqueue(subscription_id))
    return subscription


def subscription_follow(
    *,
    article,
    email: str,
    kind: str,
    network: str = "",
    user=None,
    now: datetime | None = None,
) -> Subscription:
    """ "Follow this discussion" (the article's form, the API) and the comment form's "Notify of":
    a signed-in reader asking at their account's confirmed address follows at once, as the
    account's, with no confirmation e-mail (the address has been proven already); anyone else
    asks by double opt-in (subscription_request). The answer is active for the first.

    A subscription waiting for its confirmation, or stopped, at that address starts afresh as the
    account's (links sent before stop working). An active one that no account owns was confirmed
    by an e-mail to that same address (asked for as a guest): the reader has proven the address
    both ways, so it becomes the account's as it is (its links keep working), listed and stopped
    with the account's. So do the address's active guest subscriptions of the other kind to the
    article: left with no account, "Stop following" left them mailing the reader. Another
    account's stay that account's."""
    now = now or timezone.now()
    email = _checked_request(email=email, kind=kind)
    owner = subscription_owner(user, email=email)
    if owner is None:
        return subscription_request(
            article=article, email=email, kind=kind, network=network, user=user, now=now
        )
    with transaction.atomic():
        _guest_subscriptions_confirmed_at(article=article, email=email).update(user=owner)
        subscription, created = Subscription.objects.select_for_update().get_or_create(
            article=article, email=email, kind=kind, defaults={"user": owner, "confirmed": now}
        )
        if created or subscription.is_active:
            return subscription
        subscription.legacy_token_hash = None
        subscription.confirmed = now
        subscription.unsubscribed = None
        subscription.created = now
        subscription.user = owner
        subscription.save(
            update_fields=["legacy_token_hash", "confirmed", "unsubscribed", "created", "user"]
        )
    return subscription


def is_accounts_own(subscription: Subscription, user) -> bool:
    """Whether the reader may be told that the subscription is active: it is their account's.
    Any other answer is the same whether or not the address followed already (that is nobody
    else's business)."""
    return user is not None and subscription.is_active and subscription.user_id == user.pk


def is_followed_at_own_address(subscription: Subscription, user) -> bool:
    """Whether the subscription, active, is at the reader's own confirmed address though not
    their account's (another account confirmed it when the address was that account's, and
    keeps it): the address gets the e-mails, so its owner may be told so."""
    return (
        subscription.is_active
        and subscription_owner(user, email=subscription.email) is not None
        and not is_accounts_own(subscription, user)
    )


def subscription_unfollow(*, article, user, now: datetime | None = None) -> list[str]:
    """The signed-in reader stops following the article from its page: every subscription of
    their account to it stops, whatever its kind and address (an account keeps the address that
    confirmed a subscription when it moves to a new one), and so does every guest subscription
    at the account's confirmed address that its e-mail confirmed (subscription_follow takes those
    over, but one may have been confirmed since). Another account's subscriptions stay, as on the
    account page (subscription_stop), and so do those at an address the account has not proven
    to be its own. Returns the addresses that stopped."""
    if user is None or not user.is_authenticated:
        raise SubscriptionRefused(SIGN_IN_TO_STOP, status=403)
    now = now or timezone.now()
    ours = Q(user=user)
    address = (user.email or "").strip().lower()
    if address and subscription_owner(user, email=address) is not None:
        ours |= Q(user__isnull=True, email=address, confirmed__isnull=False)
    with transaction.atomic():
        following = dict(
            Subscription.objects.select_for_update()
            .filter(ours, article=article, unsubscribed__isnull=True)
            .values_list("pk", "email")
        )
        PendingNotification.objects.filter(subscription_id__in=following).delete()
        Subscription.objects.filter(pk__in=following).update(unsubscribed=now)
    return sorted(set(following.values()))


def _guest_subscriptions_confirmed_at(*, article, email: str):
    """The active subscriptions of no account at this address to this article, whatever their
    kind: asked for as a guest and confirmed by the e-mail sent to the address."""
    return Subscription.objects.filter(
        article=article,
        email=email,
        user__isnull=True,
        confirmed__isnull=False,
        unsubscribed__isnull=True,
    )


def _checked_request(*, email: str, kind: str) -> str:
    """The address asked for, as stored (refused if it or the kind is not one we can follow)."""
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise SubscriptionRefused(EMAIL_INVALID, field="email") from None
    if len(email) > EMAIL_MAX_LENGTH:  # valid in form, but longer than the column holds
        raise SubscriptionRefused(EMAIL_INVALID, field="email")
    if kind not in SubscriptionKind.values:
        raise SubscriptionRefused(KIND_INVALID, field="kind")
    return email


def subscription_owner(user, *, email: str):
    """The account a subscription to `email` asked for by `user` belongs to: the account if the
    address is its own, confirmed one, else none. Once its owner confirms it, an account's
    subscription is listed and stopped on the account's page: a subscription to anyone else's
    address (or to an address the account has not shown to be its own) would let the account see
    and stop what that address follows. Its owner keeps the links in the e-mails either way."""
    if user is None or not user.is_authenticated:
        return None
    if (user.email or "").strip().lower() != email or not email_is_confirmed(user):
        return None
    return user


def _confirmation_allowed(email: str) -> bool:
    """Count the confirmation e-mails sent to an address (whatever the thread) in the day that
    follows the first one; a calendar day would allow twice the limit around midnight."""
    digest = hashlib.sha256(email.encode()).hexdigest()[:32]
    key = f"discussion:confirmations:{digest}"
    sent = limits.count(key, int(timedelta(days=1).total_seconds()))
    return sent <= conf.SUBSCRIPTION_CONFIRMATIONS_PER_DAY


def _network_confirmation_allowed(network: str) -> bool:
    """Count the confirmation e-mails asked for from one network address in the hour after the
    first."""
    sent = limits.count(f"discussion:confirmations-from:{network}", 3600)
    return sent <= conf.SUBSCRIPTION_CONFIRMATIONS_PER_NETWORK_PER_HOUR


def subscription_from_link(*, token: str) -> Subscription:
    """The subscription a confirm or unsubscribe link names (refused if the link is not valid)."""
    subscription = subscription_for_token(token, Subscription.objects.select_related("article"))
    if subscription is None:
        raise SubscriptionRefused(LINK_UNKNOWN, status=404)
    return subscription


def subscription_to_confirm(*, token: str, now: datetime | None = None) -> Subscription:
    """The subscription a confirmation link names, if the link can still confirm it."""
    now = now or timezone.now()
    subscription = subscription_from_link(token=token)
    expires = subscription.created + timedelta(days=conf.SUBSCRIPTION_CONFIRM_DAYS)
    if subscription.confirmed is None and now > expires:
        raise SubscriptionRefused(LINK_EXPIRED, status=410)
    return subscription


def subscription_confirm(*, token: str, now: datetime | None = None) -> Subscription:
    """The reader confirmed with the link in the confirmation e-mail."""
    now = now or timezone.now()
    subscription = subscription_to_confirm(token=token, now=now)
    if subscription.confirmed is None:
        subscription.confirmed = now
        subscription.unsubscribed = None
        subscription.save(update_fields=["confirmed", "unsubscribed"])
    return subscription


def subscription_unsubscribe(*, token: str, now: datetime | None = None) -> Subscription:
    """One click from any notification: no more e-mail about this article to this address.

    A reader following the thread both ways gets one e-mail for both, so its one-click link
    stops both (as mail clients expect and the page after unsubscribing says)."""
    return subscription_stop(subscription=subscription_from_link(token=token), now=now)


def subscription_stop(
    *, subscription: Subscription, account=None, now: datetime | None = None
) -> Subscription:
    """No more e-mail about this article to this address, whichever kinds it follows (what the
    one-click link in the e-mails and the "Stop" button on the reader's account page do).

    From the account page (`account`), only the account's own subscriptions stop (those asked
    for at its address, see subscription_owner): the address's owner may have followed the
    thread before the account had the address, or in their own right since. The link in an
    e-mail proves the address, and stops everything sent to it."""
    now = now or timezone.now()
    with transaction.atomic():
        following = _same_reader(subscription).filter(unsubscribed__isnull=True)
        if account is not None:
            following = following.filter(user=account)
        PendingNotification.objects.filter(subscription__in=following).delete()
        following.update(unsubscribed=now)
    subscription.refresh_from_db(fields=["unsubscribed"])
    return subscription


def _same_reader(subscription: Subscription):
    """The subscriptions of this address to this article (one of each kind at most)."""
    return Subscription.objects.filter(article_id=subscription.article_id, email=subscription.email)


def comment_notify_subscribers(*, comment_id: int, now: datetime | None = None) -> int:
    """Queue a published comment for everyone subscribed to it, and mail those whose window is open.

    Subscribers to the article hear of every comment; subscribers to replies hear of answers to
    comments they wrote. Nobody is told of their own comment. An account is known by the address
    it commented with and by itself: its subscriptions keep the address that confirmed them when
    the account moves to a new one. Returns the number of e-mails sent.
    """
    now = now or timezone.now()
    comment = (
        Comment.objects.select_related("article", "parent", "replied_to")
        .filter(pk=comment_id)
        .first()
    )
    if comment is None or comment.status != CommentStatus.PUBLISHED or comment.deleted:
        return 0
    answered = comment.replied_to or comment.parent
    wanted = Q(kind=SubscriptionKind.ALL)
    if answered is not None and answered.author_email:
        wanted |= Q(kind=SubscriptionKind.REPLIES, email__iexact=answered.author_email)
    if answered is not None and answered.user_id is not None:
        wanted |= Q(kind=SubscriptionKind.REPLIES, user_id=answered.user_id)
    authors = Q(email__iexact=comment.author_email or "\0")
    if comment.user_id is not None:
        authors |= Q(user_id=comment.user_id)
    subscriptions = list(
        Subscription.objects.filter(
            wanted,
            article_id=comment.article_id,
            confirmed__isnull=False,
            unsubscribed__isnull=True,
        ).exclude(authors)
    )
    # A reader subscribed both ways gets one message for this comment.
    seen_emails, recipients = set(), []
    for subscription in sorted(subscriptions, key=lambda s: s.kind != SubscriptionKind.REPLIES):
        if subscription.email not in seen_emails:
            seen_emails.add(subscription.email)
            recipients.append(subscription)
    PendingNotification.objects.bulk_create(
        [PendingNotification(subscription=s, comment=comment) for s in recipients],
        ignore_conflicts=True,
    )
    return _deliver_each(recipients, now)


# Readers delivered to per round of queries: a thread's whole fan-out costs the same few
# queries up to this many readers (and the parameters of a query stay within every database's
# limits beyond it).
DELIVERY_BATCH = 500


def subscriptions_deliver(
    *,
    subscriptions,
    mailing: emails.Mailing,
    now: datetime | None = None,
) -> int:
    """Send what has gathered for each of these subscribers, at most once per digest window each.
    Returns the number of e-mails sent.

    A reader (an address on an article) subscribed to both kinds gets one e-mail for both: the
    window is theirs, not each subscription's, and replies to their comments are marked in it.
    The e-mails go out on the run's `mailing` (one connection to the mail server for everyone).

    The readers are claimed together, a few queries for all of them whatever their number, in a
    transaction that commits before any e-mail is sent, so a slow mail server holds no database
    lock (on SQLite, one writer blocks every commenter). What was sent leaves the queue only once
    it is sent: a reader the mail server refuses gets the window back, its comments stay pending
    for the next run and the others are not held up; a crash in between sends again rather than
    never."""
    now = now or timezone.now()
    readers = list(dict.fromkeys((s.article_id, s.email) for s in subscriptions))
    return sum(
        _deliver_batch(readers[start : start + DELIVERY_BATCH], mailing, now)
        for start in range(0, len(readers), DELIVERY_BATCH)
    )


def _deliver_batch(readers: list[tuple[int, str]], mailing: emails.Mailing, now: datetime) -> int:
    window = timedelta(minutes=conf.NOTIFICATION_DIGEST_MINUTES)
    emails_by_article = defaultdict(list)
    for article_id, email in readers:
        emails_by_article[article_id].append(email)
    same_readers = Q()
    for article_id, addresses in emails_by_article.items():
        same_readers |= Q(article_id=article_id, email__in=addresses)
    with transaction.atomic():
        # Locked in id order, so two workers delivering to the same readers cannot deadlock.
        following = defaultdict(list)
        for subscription in (
            Subscription.objects.select_for_update(of=("self",))
            .select_related("article")
            .filter(same_readers, confirmed__isnull=False, unsubscribed__isnull=True)
            .order_by("pk")
        ):
            following[(subscription.article_id, subscription.email)].append(subscription)
        reader_of = {}
        for reader, reader_subscriptions in following.items():
            notified = [s.last_notified for s in reader_subscriptions if s.last_notified]
            if notified and now < max(notified) + window:
                continue  # their window is closed: the comments wait for the digest
            reader_of.update((s.pk, reader) for s in reader_subscriptions)
        if not reader_of:
            return 0
        queued = defaultdict(list)
        for item in (
            PendingNotification.objects.filter(subscription_id__in=list(reader_of))
            .select_related("comment__parent", "comment__replied_to")
            .order_by("comment__created", "comment_id")
        ):
            queued[reader_of[item.subscription_id]].append(item)
        due, dropped = [], []
        for reader in readers:  # in the order given: replies first, when a comment is posted
            items = queued.get(reader)
            if not items:
                continue
            # Comments withdrawn or deleted since they were queued are dropped with the rest.
            live = [
                item.comment
                for item in items
                if item.comment.status == CommentStatus.PUBLISHED and item.comment.deleted is None
            ]
            comments = list({comment.pk: comment for comment in live}.values())
            if comments:
                due.append((following[reader], comments, items))
            else:
                dropped.extend(item.pk for item in items)
        if dropped:
            PendingNotification.objects.filter(pk__in=dropped).delete()
        if not due:
            return 0
        # Claims the windows: another worker delivering to these readers now finds them closed.
        Subscription.objects.filter(
            pk__in=[s.pk for reader_subscriptions, _, _ in due for s in reader_subscriptions]
        ).update(last_notified=now)
    sent, delivered = [], 0
    for reader_subscriptions, comments, items in due:
        try:
            emails.send_notification(reader_subscriptions, comments, mailing)
        except Exception:
            logger.exception(
                "Could not send notifications to subscription %s", reader_subscriptions[0].pk
            )
            mailing.reconnect()
            with transaction.atomic():
                for claimed in reader_subscriptions:
                    Subscription.objects.filter(pk=claimed.pk, last_notified=now).update(
                        last_notified=claimed.last_notified
                    )
            continue
        sent.extend(item.pk for item in items)
        delivered += 1
    if sent:
        PendingNotification.objects.filter(pk__in=sent).delete()
    return delivered


def _deliver_each(subscriptions, now: datetime) -> int:
    """Deliver to every subscriber once, over one connection to the mail server."""
    mailing = emails.Mailing()  # connects at the first e-mail, if there is one
    try:
        return subscriptions_deliver(subscriptions=subscriptions, mailing=mailing, now=now)
    finally:
        mailing.close()


def subscriptions_deliver_due(now: datetime | None = None) -> int:
    """Send the digests whose window has passed (the worker's clock runs this every minute)."""
    now = now or timezone.now()
    window_start = now - timedelta(minutes=conf.NOTIFICATION_DIGEST_MINUTES)
    due = Subscription.objects.filter(
        Exists(PendingNotification.objects.filter(subscription=OuterRef("pk"))),
        Q(last_notified__isnull=True) | Q(last_notified__lte=window_start),
        confirmed__isnull=False,
        unsubscribed__isnull=True,
    )
    return _deliver_each(due, now)
