"""The names readers show to others: a guest's with a comment, an account's with all of its
comments, a donor's on the supporters list. None may be abusive, and only the newsroom's staff
may show a staff member's name, an author's, the site's, or call themselves moderator, admin or
editor: readers would take what such a name writes as the newsroom's word."""

import uuid

from django.contrib.auth import get_user_model
from django.core.cache import caches
from django.db import transaction
from django.db.models import Q

from masthead import moderation

NAME_ABUSIVE = (
    "This name cannot be shown: it contains a slur or abusive words. Please choose another one."
)
NAME_RESERVED = (
    "This name is one our newsroom uses (a member of our staff, an author, the site or a role "
    "such as moderator or editor). If it is yours, please sign in; otherwise please choose "
    "another one."
)
NAME_RESERVED_FOR_ACCOUNT = (
    "This name is one our newsroom uses (a member of our staff, an author, the site or a role "
    "such as moderator or editor), so readers cannot take it. Please choose another one."
)
# Roles a name may not claim on their own (as name_key reads them: "The Editor", "M0DERATOR").
RESERVED_ROLES = frozenset(
    f"{article}{role}{plural}"
    for role in ("moderator", "mod", "admin", "administrator", "editor", "staff")
    for article in ("", "the")
    for plural in ("", "s")
)
RESERVED_KEYS_CACHE_KEY = "accounts:reserved-name-keys"
RESERVED_KEYS_VERSION_KEY = "accounts:reserved-name-keys-version"
RESERVED_KEYS_SECONDS = 300


def is_staff(user) -> bool:
    """Whether the account is the newsroom's: it may enter the admin."""
    if user is None or not user.is_authenticated or not user.is_active:
        return False
    return user.is_staff or user.is_superuser or user.has_perm("wagtailadmin.access_admin")


def _staff_names() -> set[str]:
    from django.contrib.auth.models import Permission

    admin = Permission.objects.filter(
        codename="access_admin", content_type__app_label="wagtailadmin"
    )
    access = Q(is_staff=True) | Q(is_superuser=True)
    access |= Q(groups__permissions__in=admin) | Q(user_permissions__in=admin)
    accounts = get_user_model()._default_manager.filter(access, is_active=True).distinct()
    # As author_name_of shows them: the full name, or the username of an account without one.
    return {
        f"{first} {last}".strip() or username
        for first, last, username in accounts.values_list("first_name", "last_name", "username")
    }


def _reserved_keys_read() -> frozenset[str]:
    from masthead.publishing.selectors import newsroom_names

    keys = (moderation.name_key(taken) for taken in _staff_names() | newsroom_names())
    return frozenset(key for key in keys if key)


def _shared_store():
    # The "limits" cache, not the default one: without REDIS_URL the default cache is one per
    # process, and a staff account made in one web process (or by `masthead createsuperuser`)
    # left its name free to guests of every other for up to RESERVED_KEYS_SECONDS.
    return caches["limits"]


def reserved_name_keys() -> frozenset[str]:
    """The name_key of every staff member's, author's and site's name. Every guest comment asks:
    kept in a cache every process shares, with the names' version when they were read, and read
    again once an account, its groups or permissions, an author page, a site or its identity
    changes the version (reserved_names_forget). A post that read the names just before such a
    change and stores them just after stores them under a version that is gone: no reader takes
    them (a plain delete would have lost to that late store, until the timeout)."""
    store = _shared_store()
    kept = store.get_many([RESERVED_KEYS_VERSION_KEY, RESERVED_KEYS_CACHE_KEY])
    version = kept.get(RESERVED_KEYS_VERSION_KEY)
    if version is None:
        version = uuid.uuid4().hex
        if not store.add(RESERVED_KEYS_VERSION_KEY, version, timeout=None):
            version = store.get(RESERVED_KEYS_VERSION_KEY)
    stored = kept.get(RESERVED_KEYS_CACHE_KEY)
    if isinstance(stored, tuple) and stored[0] == version:
        return stored[1]
    keys = _reserved_keys_read()
    store.set(RESERVED_KEYS_CACHE_KEY, (version, keys), RESERVED_KEYS_SECONDS)
    return keys


def reserved_names_forget(sender=None, *, update_fields=None, **kwargs) -> None:
    """Signal receiver: the next name check reads the reserved names again. A sign-in saves the
    account's last_login only, which changes no name."""
    if update_fields is not None and set(update_fields) <= {"last_login"}:
        return
    _forget_reserved_keys()
    # Again once the change is committed: a guest's post in between, in another process, reads
    # the names as they were before it (its connection cannot see the change yet).
    transaction.on_commit(_forget_reserved_keys)


def _forget_reserved_keys() -> None:
    _shared_store().set(RESERVED_KEYS_VERSION_KEY, uuid.uuid4().hex, timeout=None)


def name_is_reserved(name: str) -> bool:
    """Whether `name` reads (case, spacing, accents and look-alike letters aside) as a staff
    member's, an author's or a site's name, or as a role such as moderator or editor."""
    key = moderation.name_key(name)
    if not key:
        return False
    return key in RESERVED_ROLES or key in reserved_name_keys()


def name_refusal(name: str, *, user=None, article=None) -> str:
    """Why `name` may not be shown, as a message for whoever typed it ("" if it may): `user` is
    their account (None for a guest, or an account being made). Staff may use their newsroom's
    names; nobody may use abuse (the site of `article` may block more words)."""
    if not (name or "").strip():
        return ""
    if moderation.name_abuse(name, article=article):
        return NAME_ABUSIVE
    if not is_staff(user) and name_is_reserved(name):
        signed_in = user is not None and user.is_authenticated
        return NAME_RESERVED_FOR_ACCOUNT if signed_in else NAME_RESERVED
    return ""
