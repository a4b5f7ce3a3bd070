"""Reader funding's writes. Import from here: `from masthead.funding import services`."""

from masthead.funding.services.checkout import (
    PublicNameRefused,
    amount_check,
    checkout_params,
    donation_cancel,
    donation_checkout_start,
    public_name_check,
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
    "PublicNameRefused",
    "amount_check",
    "checkout_params",
    "donation_cancel",
    "donation_checkout_start",
    "donation_record_manual",
    "donation_reverse_manual",
    "funding_caches_invalidate",
    "ledger_entry_add",
    "public_name_check",
    "stripe_event_handle",
]
