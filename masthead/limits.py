"""Counters behind the abuse limits (sign-in attempts, confirmation e-mails, comment edits).

They live in the "limits" cache (settings.CACHES): Redis when REDIS_URL is set, otherwise a
table of the database, so that every web process counts the same attempts.
"""

from django.core.cache import caches


def _store():
    return caches["limits"]


def count(key: str, seconds: int) -> int:
    """Add one to the counter `key` (kept for `seconds` from its first count); its new value."""
    store = _store()
    store.add(key, 0, timeout=seconds)
    try:
        return store.incr(key)
    except ValueError:  # expired between the two calls
        store.set(key, 1, timeout=seconds)
        return 1


def counts(keys: list[str]) -> dict[str, int]:
    return _store().get_many(keys)


def forget(key: str) -> None:
    _store().delete(key)
