"""Writes to the ledger: the only place money enters or leaves a campaign's totals."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.utils.translation import gettext_lazy as _

from masthead.funding.models import Campaign, Donation, LedgerEntry
from masthead.funding.money import MoneyError, exponent
from masthead.publishing.page_cache import content_changed

AMOUNT_NOT_POSITIVE = _("The amount must be more than zero.")
CURRENCY_MISMATCH = _("This campaign collects %(campaign)s, not %(given)s.")
NOTHING_TO_REVERSE = _("Only a recorded manual gift can be reversed, and only once.")


def funding_caches_invalidate() -> None:
    """Make every goal bar and total (and every cached page showing one) be read again.

    Called after a commit that moved money or changed a campaign."""
    content_changed()


def ledger_entry_add(
    *,
    campaign: Campaign,
    donation: Donation | None,
    kind: str,
    source: str,
    amount_minor: int,
    currency: str,
    occurred_at: datetime,
    stripe_id: str | None = None,
    payment_intent: str = "",
    refund_of: LedgerEntry | None = None,
    recorded_by=None,
) -> tuple[LedgerEntry, bool]:
    """Add one row, or return the row already recorded for `stripe_id` (created=False).

    Must run inside the caller's transaction; the goal bars are invalidated after it commits."""
    defaults = {
        "campaign": campaign,
        "donation": donation,
        "kind": kind,
        "source": source,
        "amount_minor": amount_minor,
        "currency": currency.upper(),
        "occurred_at": occurred_at,
        "payment_intent": payment_intent or "",
        "refund_of": refund_of,
        "recorded_by": recorded_by,
    }
    if stripe_id:
        try:
            with transaction.atomic():
                entry, created = LedgerEntry.objects.get_or_create(
                    stripe_id=stripe_id, defaults=defaults
                )
        except IntegrityError:
            # Another delivery recorded the same Stripe object between our read and our write.
            entry, created = LedgerEntry.objects.get(stripe_id=stripe_id), False
    else:
        entry, created = LedgerEntry.objects.create(**defaults), True
    if created:
        transaction.on_commit(funding_caches_invalidate)
    return entry, created


@transaction.atomic
def donation_record_manual(
    *,
    campaign: Campaign,
    amount_minor: int,
    currency: str,
    method: str,
    received_at: datetime,
    frequency: str = Donation.Frequency.ONE_TIME,
    public_name: str = "",
    note: str = "",
    article=None,
    recorded_by=None,
) -> Donation:
    """Record a gift that did not pass through Stripe (bank transfer, cash, crypto…).

    It counts in the month of `received_at` in the site's time zone."""
    exponent(currency)  # refuses unknown currencies
    # Locked until the gift is recorded, so that its currency cannot change meanwhile.
    campaign = Campaign.objects.select_for_update().get(pk=campaign.pk)
    if amount_minor <= 0:
        raise MoneyError(AMOUNT_NOT_POSITIVE)
    if currency.upper() != campaign.currency:
        raise MoneyError(CURRENCY_MISMATCH % {"campaign": campaign.currency, "given": currency})
    if method == Donation.Method.STRIPE:
        method = Donation.Method.OTHER
    donation = Donation.objects.create(
        campaign=campaign,
        frequency=frequency,
        method=method,
        status=Donation.Status.COMPLETED,
        amount_minor=amount_minor,
        currency=campaign.currency,
        public_name=public_name.strip(),
        note=note,
        article=article,
        recorded_by=recorded_by,
        created_at=received_at,
        completed_at=received_at,
    )
    ledger_entry_add(
        campaign=campaign,
        donation=donation,
        kind=LedgerEntry.Kind.PAYMENT,
        source=LedgerEntry.Source.MANUAL,
        amount_minor=amount_minor,
        currency=campaign.currency,
        occurred_at=received_at,
        recorded_by=recorded_by,
    )
    return donation


@transaction.atomic
def donation_reverse_manual(*, donation: Donation, now: datetime, recorded_by=None) -> LedgerEntry:
    """Take a manual gift recorded by mistake back out of the totals with a negative row.

    The original row stays (the ledger is never edited); the reversal counts in `now`'s month."""
    donation = Donation.objects.select_for_update().get(pk=donation.pk)
    original = donation.ledger.filter(
        kind=LedgerEntry.Kind.PAYMENT, source=LedgerEntry.Source.MANUAL
    ).first()
    if original is None or donation.status == Donation.Status.REFUNDED:
        raise ValueError(NOTHING_TO_REVERSE)
    entry, _created = ledger_entry_add(
        campaign=donation.campaign,
        donation=donation,
        kind=LedgerEntry.Kind.REFUND,
        source=LedgerEntry.Source.MANUAL_REVERSAL,
        amount_minor=-original.amount_minor,
        currency=original.currency,
        occurred_at=now,
        refund_of=original,
        recorded_by=recorded_by,
    )
    donation.status = Donation.Status.REFUNDED
    donation.save(update_fields=["status"])
    return entry
