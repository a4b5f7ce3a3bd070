"""The links that confirm an account's address, and the one that deletes an account that has
no password: signed with SECRET_KEY (keys listed in SECRET_KEY_FALLBACKS still open links made
before a rotation), and time-limited.

A link names the account and the address it went to, and a change's link the moment it was
asked for too: the database holds no token, and asking again retires the links sent before.
A deletion's link stops working when the account's address changes (or the account is gone)."""

from datetime import UTC, datetime, timedelta

from django.core import signing

from masthead.accounts.selectors import EMAIL_LINK_DAYS

CONFIRM_SALT = "masthead.accounts.email-confirm"
CHANGE_SALT = "masthead.accounts.email-change"
DELETE_SALT = "masthead.accounts.delete"
EPOCH = datetime(1970, 1, 1, tzinfo=UTC)


class LinkExpired(Exception):
    pass


class LinkInvalid(Exception):
    pass


def moment(when: datetime) -> int:
    # Whole microseconds: the same instant read back in another time zone gives the same number.
    return (when - EPOCH) // timedelta(microseconds=1)


def email_confirm_token(*, user_id: int, email: str) -> str:
    return signing.dumps({"u": user_id, "e": email}, salt=CONFIRM_SALT)


def email_change_token(*, user_id: int, new_email: str, requested: datetime) -> str:
    return signing.dumps({"u": user_id, "e": new_email, "t": moment(requested)}, salt=CHANGE_SALT)


def account_delete_token(*, user_id: int, email: str) -> str:
    return signing.dumps({"u": user_id, "e": email}, salt=DELETE_SALT)


def read_token(token: str, *, salt: str) -> dict:
    """What a link names; LinkExpired after EMAIL_LINK_DAYS, LinkInvalid if forged or mistyped."""
    try:
        payload = signing.loads(token, salt=salt, max_age=timedelta(days=EMAIL_LINK_DAYS))
    except signing.SignatureExpired:
        raise LinkExpired from None
    except signing.BadSignature:
        raise LinkInvalid from None
    if not isinstance(payload, dict) or not isinstance(payload.get("u"), int):
        raise LinkInvalid
    return payload
