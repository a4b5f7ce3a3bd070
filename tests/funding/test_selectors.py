"""Monthly totals: the month in the site's time zone, rollover, refunds, the cached bar."""

from datetime import UTC, datetime

import pytest
from django.core.cache import cache

from masthead.funding import selectors, services
from masthead.funding.models import LedgerEntry
from masthead.funding.selectors import Month
from tests.funding.factories import make_campaign, make_manual_gift

pytestmark = pytest.mark.django_db


def at(*args, tz=UTC):
    return datetime(*args, tzinfo=tz)


def test_each_month_starts_from_zero_and_past_months_stay_on_record(campaign):
    make_manual_gift(campaign=campaign, amount_minor=10_000, received_at=at(2026, 10, 31, 20))
    make_manual_gift(campaign=campaign, amount_minor=2_500, received_at=at(2026, 11, 1, 9))

    october = selectors.campaign_month_progress(campaign=campaign, now=at(2026, 10, 31, 23, 59))
    november = selectors.campaign_month_progress(campaign=campaign, now=at(2026, 11, 1, 0, 0))
    assert (october.period, october.raised_minor) == ("2026-10", 10_000)
    assert (november.period, november.raised_minor) == ("2026-11", 2_500)


def test_the_month_is_the_site_time_zones_month(campaign, settings):
    settings.TIME_ZONE = "Europe/Berlin"
    # 23:30 UTC on 31 October is already 00:30 on 1 November in Berlin.
    make_manual_gift(campaign=campaign, amount_minor=1_000, received_at=at(2026, 10, 31, 23, 30))
    november = selectors.campaign_month_progress(campaign=campaign, now=at(2026, 11, 15, 12))
    assert november.raised_minor == 1_000
    assert Month.of(at(2026, 10, 31, 23, 30)).key == "2026-11"


def test_month_arithmetic_crosses_years():
    assert Month(2026, 12).next() == Month(2027, 1)
    assert Month(2027, 1).previous() == Month(2026, 12)
    assert Month.parse("2026-03").key == "2026-03"


def test_only_the_campaigns_currency_counts(campaign):
    LedgerEntry.objects.create(
        campaign=campaign,
        kind="payment",
        source="checkout",
        amount_minor=9_999,
        currency="EUR",
        occurred_at=at(2026, 11, 5),
    )
    make_manual_gift(campaign=campaign, amount_minor=500, received_at=at(2026, 11, 5))
    assert (
        selectors.campaign_month_progress(campaign=campaign, now=at(2026, 11, 6)).raised_minor
        == 500
    )


def test_marks_default_to_zero_half_and_goal_or_the_editors_own():
    campaign = make_campaign(goal_minor=500_000, current=False)
    assert campaign.marks == [0, 250_000, 500_000]
    campaign.marks_minor = [500_000, 0, 100_000]
    assert campaign.marks == [0, 100_000, 500_000]


def test_the_cached_bar_moves_as_soon_as_a_payment_commits(
    campaign, django_capture_on_commit_callbacks
):
    now = at(2026, 11, 10)
    assert selectors.cached_month_progress(campaign=campaign, now=now).raised_minor == 0
    with django_capture_on_commit_callbacks(execute=True):
        make_manual_gift(campaign=campaign, amount_minor=700, received_at=at(2026, 11, 9))
    assert selectors.cached_month_progress(campaign=campaign, now=now).raised_minor == 700


def test_the_cache_key_holds_the_month_so_a_new_month_starts_fresh(
    campaign, django_assert_num_queries
):
    make_manual_gift(campaign=campaign, amount_minor=700, received_at=at(2026, 11, 30, 12))
    cache.clear()
    assert (
        selectors.cached_month_progress(campaign=campaign, now=at(2026, 11, 30, 23)).raised_minor
        == 700
    )
    with django_assert_num_queries(0):
        selectors.cached_month_progress(campaign=campaign, now=at(2026, 11, 30, 23, 30))
    # Same cache, no invalidation, but the month turned: December is read afresh.
    assert (
        selectors.cached_month_progress(campaign=campaign, now=at(2026, 12, 1, 0, 1)).raised_minor
        == 0
    )


def test_a_warm_site_panel_costs_no_query(campaign, rf, django_assert_num_queries):
    from wagtail.models import Site

    site = Site.objects.get(is_default_site=True)
    now = at(2026, 11, 10)
    first = selectors.site_funding(site=site, now=now)
    assert first.bar.progress.slug == "campaign"
    with django_assert_num_queries(0):
        again = selectors.site_funding(site=site, now=now)
    assert again == first


def test_a_manual_reversal_takes_the_gift_back(campaign):
    donation = make_manual_gift(campaign=campaign, amount_minor=5_000, received_at=at(2026, 11, 2))
    services.donation_reverse_manual(donation=donation, now=at(2026, 11, 3))
    assert (
        selectors.campaign_month_progress(campaign=campaign, now=at(2026, 11, 4)).raised_minor == 0
    )
    with pytest.raises(ValueError, match="only once"):
        services.donation_reverse_manual(donation=donation, now=at(2026, 11, 5))


def test_reports_split_one_time_monthly_manual_and_refunds(campaign):
    from masthead.funding.models import Donation

    one_time = Donation.objects.create(campaign=campaign, amount_minor=2_000, currency="USD")
    monthly = Donation.objects.create(
        campaign=campaign, amount_minor=1_000, currency="USD", frequency="monthly", status="active"
    )
    for donation, amount, stripe_id in [(one_time, 2_000, "pi_1"), (monthly, 1_000, "in_1")]:
        services.ledger_entry_add(
            campaign=campaign,
            donation=donation,
            kind="payment",
            source="checkout",
            amount_minor=amount,
            currency="USD",
            occurred_at=at(2026, 11, 3),
            stripe_id=stripe_id,
        )
    make_manual_gift(campaign=campaign, amount_minor=5_000, received_at=at(2026, 11, 4))
    original = LedgerEntry.objects.get(stripe_id="pi_1")
    services.ledger_entry_add(
        campaign=campaign,
        donation=one_time,
        kind="refund",
        source="stripe_refund",
        amount_minor=-500,
        currency="USD",
        occurred_at=at(2026, 11, 5),
        stripe_id="ch_1:refunded:500",
        refund_of=original,
    )
    for amount, stripe_id in [(-1_000, "dp_1:withdrawn"), (1_000, "dp_1:reinstated")]:
        services.ledger_entry_add(
            campaign=campaign,
            donation=one_time,
            kind="dispute",
            source="stripe_dispute",
            amount_minor=amount,
            currency="USD",
            occurred_at=at(2026, 11, 6),
            stripe_id=stripe_id,
            refund_of=original,
        )
    [november] = selectors.report_months(campaign=campaign, now=at(2026, 11, 20), months=3)
    assert (november.one_time_minor, november.monthly_minor, november.manual_minor) == (
        2_000,
        1_000,
        5_000,
    )
    # A dispute lost and then won is no gift: it nets out among the refunds.
    assert (november.refunds_minor, november.net_minor, november.gifts) == (-500, 7_500, 3)
    assert selectors.active_monthly_donors(campaign=campaign) == 1
