"""Service rules not reached through a page: currencies, closed campaigns, manual entries."""

from datetime import UTC, datetime

import pytest

from masthead.accounts.names import NAME_ABUSIVE, NAME_RESERVED, NAME_RESERVED_FOR_ACCOUNT
from masthead.funding import services
from masthead.funding.models import Donation
from masthead.funding.money import MoneyError
from masthead.funding.services.checkout import CAMPAIGN_CLOSED, CANNOT_CANCEL
from masthead.funding.services.ledger import AMOUNT_NOT_POSITIVE
from masthead.refusals import Refused
from tests.funding.factories import make_donor

pytestmark = pytest.mark.django_db

NOW = datetime(2026, 11, 10, tzinfo=UTC)


def start(campaign, **overrides):
    arguments = {
        "campaign": campaign,
        "amount_minor": 2500,
        "currency": campaign.currency,
        "frequency": "one_time",
        "success_url": "https://news.example/donate/thanks/",
        "cancel_url": "https://news.example/donate/",
        "site_name": "The Gazette",
        "now": NOW,
    }
    return services.donation_checkout_start(**{**arguments, **overrides})


def test_checkout_refuses_unknown_or_mismatched_currencies_before_calling_stripe(
    campaign, no_stripe_network
):
    with pytest.raises(MoneyError, match="Unknown currency XYZ"):
        start(campaign, currency="XYZ")
    with pytest.raises(MoneyError, match="collects USD, not EUR"):
        start(campaign, currency="EUR")
    with pytest.raises(MoneyError) as refused:
        start(campaign, amount_minor=0)
    assert str(refused.value) == AMOUNT_NOT_POSITIVE
    assert not Donation.objects.exists()


def test_checkout_refuses_a_name_to_thank_that_may_not_be_shown_before_calling_stripe(
    campaign, no_stripe_network, django_user_model
):
    """Whoever starts a gift (the donate form or any other caller of the service) gets the
    checks the form's own showed: no abuse, and the newsroom's names for its staff only."""
    with pytest.raises(Refused) as refused:
        start(campaign, public_name=" Paki ")
    assert (refused.value.message, refused.value.field) == (NAME_ABUSIVE, "public_name")
    with pytest.raises(Refused) as refused:
        start(campaign, public_name="The Editor")
    assert refused.value.message == NAME_RESERVED
    reader = django_user_model.objects.create_user("reader", "reader@example.com", "pw")
    with pytest.raises(Refused) as refused:
        start(campaign, public_name="The Editor", user=reader)
    assert refused.value.message == NAME_RESERVED_FOR_ACCOUNT
    assert not Donation.objects.exists()


def test_a_closed_campaign_takes_no_gifts(campaign, no_stripe_network):
    campaign.active = False
    campaign.save()
    with pytest.raises(MoneyError) as refused:
        start(campaign)
    assert str(refused.value) == CAMPAIGN_CLOSED


def test_manual_gifts_refuse_zero_negative_and_foreign_currency(campaign):
    for amount in (0, -100):
        with pytest.raises(MoneyError):
            services.donation_record_manual(
                campaign=campaign,
                amount_minor=amount,
                currency="USD",
                method="cash",
                received_at=NOW,
            )
    with pytest.raises(MoneyError, match="Unknown currency"):
        services.donation_record_manual(
            campaign=campaign, amount_minor=100, currency="ZZZ", method="cash", received_at=NOW
        )
    assert not Donation.objects.exists()


def test_a_manual_entry_cannot_pretend_to_be_a_stripe_payment(campaign):
    donation = services.donation_record_manual(
        campaign=campaign, amount_minor=100, currency="USD", method="stripe", received_at=NOW
    )
    assert donation.method == Donation.Method.OTHER
    assert donation.ledger.get().stripe_id is None


def test_only_a_running_monthly_donation_can_be_cancelled(campaign, no_stripe_network):
    donor = make_donor()
    one_time = Donation.objects.create(
        campaign=campaign, amount_minor=100, currency="USD", donor=donor, status="completed"
    )
    with pytest.raises(ValueError, match=str(CANNOT_CANCEL)):
        services.donation_cancel(donation=one_time, donor=donor, now=NOW)
