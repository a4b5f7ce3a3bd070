"""Reader funding's tunables. Each reads a Django setting, so tests and operators can change it.

Secrets (STRIPE_SECRET_KEY, STRIPE_WEBHOOK_SECRET) and the amount bounds come from the
environment through masthead/settings.py; the rest are defaults a newsroom rarely changes.
"""

from django.conf import settings


def _setting(name, default):
    return getattr(settings, name, default)


def stripe_secret_key() -> str:
    # Off when empty: the donate page says payments are not configured; manual entries still work.
    return _setting("STRIPE_SECRET_KEY", "") or ""


def stripe_webhook_secret() -> str:
    # The endpoint's signing secret (whsec_…); without it every webhook is refused with 400.
    return _setting("STRIPE_WEBHOOK_SECRET", "") or ""


def webhook_tolerance_seconds() -> int:
    # Signed timestamps older than this are refused as stale (Stripe's own default is 300 s).
    return _setting("FUNDING_WEBHOOK_TOLERANCE", 300)


def min_amount() -> int:
    # The smallest gift in whole units of the campaign's currency (Stripe's floor is about 0.50).
    return _setting("FUNDING_MIN_AMOUNT", 1)


def max_amount() -> int:
    # The largest gift in whole units; above it readers are asked to contact the newsroom.
    return _setting("FUNDING_MAX_AMOUNT", 10_000)


DEFAULT_PRESETS = (5, 10, 25, 50)  # whole units, when a campaign names none

# How long the goal bar's numbers stay cached; new ledger rows invalidate them at once anyway.
BAR_CACHE_SECONDS = 600

# How long the "manage your donation" link in a receipt stays valid (each receipt sends a new one).
DONOR_LINK_MAX_AGE = 60 * 60 * 24 * 120

# How many recent named supporters the donate page thanks.
RECENT_SUPPORTERS = 8
