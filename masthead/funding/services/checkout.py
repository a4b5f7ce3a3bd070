"""Starting a gift at Stripe Checkout, and a donor cancelling a monthly gift."""

import logging
from datetime import datetime

from django.db import transaction
from django.utils.translation import gettext_lazy as _

from masthead.accounts.names import name_refusal
from masthead.funding import conf, gateway
from masthead.funding.models import Campaign, Donation, Donor
from masthead.funding.money import MoneyError, exponent, format_money, to_minor
from masthead.funding.selectors import current_money_style
from masthead.funding.services.ledger import AMOUNT_NOT_POSITIVE, CURRENCY_MISMATCH
from masthead.refusals import Refused

logger = logging.getLogger(__name__)

AMOUNT_TOO_SMALL = _("The smallest gift we can take is %(minimum)s.")
AMOUNT_TOO_LARGE = _(
    "Gifts above %(maximum)s cannot be made online; please write to us and we will arrange it."
)
CAMPAIGN_CLOSED = _("This campaign is not collecting gifts at the moment.")
CANNOT_CANCEL = _("This donation is not a running monthly donation.")


def amount_check(*, campaign: Campaign, amount_minor: int) -> None:
    """Refuse amounts at or below zero, below the minimum or above the maximum (from settings)."""
    minimum = to_minor(conf.min_amount(), campaign.currency)
    maximum = to_minor(conf.max_amount(), campaign.currency)
    if amount_minor <= 0:
        raise MoneyError(AMOUNT_NOT_POSITIVE)
    # In the site's money style, as the donate page's own checks in the browser word it.
    if amount_minor < max(minimum, 1):
        limit = format_money(max(minimum, 1), campaign.currency, style=current_money_style())
        raise MoneyError(AMOUNT_TOO_SMALL % {"minimum": limit})
    if amount_minor > maximum:
        limit = format_money(maximum, campaign.currency, style=current_money_style())
        raise MoneyError(AMOUNT_TOO_LARGE % {"maximum": limit})


class PublicNameRefused(Refused):
    """A name to thank publicly that may not be shown; the message says why and what to do."""

    def __init__(self, message: str):
        super().__init__(message, field="public_name")


def public_name_check(name: str, *, user=None, article=None) -> str:
    """The name to thank the giver by, trimmed ("" gives anonymously). PublicNameRefused when it
    is abusive (words `article`'s site blocks included), or when it is the newsroom's and `user`,
    the giver's account, is not a staff member's: the supporters list shows it as the site's."""
    name = name.strip()
    refusal = name_refusal(name, user=user, article=article)
    if refusal:
        raise PublicNameRefused(refusal)
    return name


def checkout_params(
    *,
    campaign: Campaign,
    amount_minor: int,
    frequency: str,
    article_id: int | None,
    success_url: str,
    cancel_url: str,
    site_name: str,
) -> dict:
    """The Checkout Session request: a one-time payment, or a subscription with an inline
    monthly price. `metadata` carries the campaign's slug and the article the reader came from;
    it is copied onto the payment intent or subscription so later events carry it too."""
    metadata = {"campaign": campaign.slug, "article": str(article_id or "")}
    monthly = frequency == Donation.Frequency.MONTHLY
    price_data = {
        "currency": campaign.currency.lower(),
        "unit_amount": amount_minor,
        "product_data": {
            "name": f"{'Monthly donation' if monthly else 'Donation'} to {site_name}",
            "description": campaign.name,
        },
    }
    params = {
        "mode": "subscription" if monthly else "payment",
        "line_items": [{"price_data": price_data, "quantity": 1}],
        "success_url": success_url,
        "cancel_url": cancel_url,
        "metadata": metadata,
    }
    if monthly:
        price_data["recurring"] = {"interval": "month"}
        params["subscription_data"] = {"metadata": metadata, "description": campaign.name}
    else:
        params["submit_type"] = "donate"
        params["customer_creation"] = "always"
        params["payment_intent_data"] = {"metadata": metadata, "description": campaign.name}
    return params


def donation_checkout_start(
    *,
    campaign: Campaign,
    amount_minor: int,
    currency: str,
    frequency: str,
    public_name: str = "",
    user=None,
    article=None,
    success_url: str,
    cancel_url: str,
    site_name: str,
    now: datetime,
) -> tuple[Donation, str]:
    """Create the Stripe Checkout Session and a pending donation keyed by its id.

    Returns the donation and the address to send the reader to. Nothing counts until a signed
    webhook says the payment succeeded. The Stripe call is made outside any transaction.
    `public_name` passes public_name_check (`user` is the giver's account, if signed in)."""
    if not campaign.active:
        raise MoneyError(CAMPAIGN_CLOSED)
    exponent(currency)
    if currency.upper() != campaign.currency:
        raise MoneyError(CURRENCY_MISMATCH % {"campaign": campaign.currency, "given": currency})
    amount_check(campaign=campaign, amount_minor=amount_minor)
    public_name = public_name_check(public_name, user=user, article=article)
    session = gateway.checkout_session_create(
        checkout_params(
            campaign=campaign,
            amount_minor=amount_minor,
            frequency=frequency,
            article_id=article.pk if article else None,
            success_url=success_url,
            cancel_url=cancel_url,
            site_name=site_name,
        )
    )
    donation = Donation.objects.create(
        campaign=campaign,
        frequency=frequency,
        method=Donation.Method.STRIPE,
        status=Donation.Status.PENDING,
        amount_minor=amount_minor,
        currency=campaign.currency,
        public_name=public_name[:80],
        article=article,
        stripe_checkout_session_id=session.id,
        created_at=now,
    )
    return donation, session.url


def donation_cancel(*, donation: Donation, donor: Donor, now: datetime) -> Donation:
    """A donor stops their monthly donation: cancelled at Stripe first, then here.

    Idempotent with the customer.subscription.deleted webhook that follows."""
    if donation.donor_id != donor.pk or not donation.can_be_cancelled:
        raise ValueError(CANNOT_CANCEL)
    if donation.stripe_subscription_id:
        gateway.subscription_cancel(donation.stripe_subscription_id)
    with transaction.atomic():
        updated = Donation.objects.filter(pk=donation.pk, status=Donation.Status.ACTIVE).update(
            status=Donation.Status.CANCELLED, cancelled_at=now
        )
    donation.refresh_from_db()
    if updated:
        logger.info("Monthly donation %s cancelled by its donor", donation.pk)
    return donation
