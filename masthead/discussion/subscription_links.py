"""The confirm and unsubscribe links in subscription e-mails, which the database cannot make.

A link is the subscription's id and an HMAC (keyed with SECRET_KEY) of the id, the address and
the moment the subscription was last (re)started, like Django's password-reset links: a leaked
backup confirms or unsubscribes nobody, every digest carries the same unsubscribe link without a
stored secret, and asking again (which restarts the subscription) retires the older links.

Links sent before this scheme carry a random token; the database keeps its SHA-256 only
(Subscription.legacy_token_hash), so they are found by that hash.
"""

import hashlib
from base64 import urlsafe_b64encode
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.utils.crypto import constant_time_compare, salted_hmac

from masthead.discussion.models import Subscription
from masthead.ids import parse_id

SALT = "masthead.discussion.subscription-link"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


def subscription_token(subscription: Subscription) -> str:
    """The token of the subscription's links, as it goes into a URL."""
    return f"{subscription.pk}.{_mac(subscription, settings.SECRET_KEY)}"


def legacy_token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def subscription_for_token(token: str, subscriptions=None) -> Subscription | None:
    """The subscription a link's token names, or None for a mistyped, forged or retired link."""
    subscriptions = Subscription.objects.all() if subscriptions is None else subscriptions
    pk, dot, mac = token.partition(".")
    if not dot:
        return subscriptions.filter(legacy_token_hash=legacy_token_hash(token)).first()
    if parse_id(pk) is None:
        return None
    subscription = subscriptions.filter(pk=parse_id(pk)).first()
    if subscription is None:
        return None
    # Links made before the key was rotated keep working while it is listed as a fallback.
    for secret in (settings.SECRET_KEY, *settings.SECRET_KEY_FALLBACKS):
        if constant_time_compare(mac, _mac(subscription, secret)):
            return subscription
    return None


def _mac(subscription: Subscription, secret: str) -> str:
    # Whole microseconds, not a float or an ISO string: the same instant read back from the
    # database in another time zone gives the same number.
    started = (subscription.created - EPOCH) // timedelta(microseconds=1)
    value = f"{subscription.pk}:{subscription.email}:{started}"
    digest = salted_hmac(SALT, value, secret=secret, algorithm="sha256").digest()
    return urlsafe_b64encode(digest).rstrip(b"=").decode()
