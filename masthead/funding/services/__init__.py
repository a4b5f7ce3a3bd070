"""Reader funding's writes. Import from here: `from masthead.funding import services`."""

from masthead.funding.services.checkout import (
    amount_check,
    checkout_params,
    donation_cancel,
    donation_checkout_start,
)
from masthead.funding.services.ledger import (
    donation_record_manual,
    donation_reverse_manual,
    funding_caches_invalidate,
    ledger_entry_add,
)
from masthead.funding.services.webhooks import EventOutcome, stripe_event_handle

__all__ = [
    "EventOutcome",
    "amount_check",
    "checkout_params",
    "donation_cancel",
    "donation_checkout_start",
    "donation_record_manual",
    "donation_reverse_manual",
    "funding_caches_invalidate",
    "ledger_entry_add",
    "stripe_event_handle",
]
