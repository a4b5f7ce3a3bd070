"""How donations and ledger rows name themselves: amounts in the site's money style."""

import pytest
from django.test import RequestFactory
from wagtail.models import Site

from masthead.funding import selectors
from masthead.funding.models import FundingSettings, LedgerEntry
from masthead.funding.money import STYLE_AMOUNT_SYMBOL
from tests.funding.factories import make_manual_gift, plain

pytestmark = pytest.mark.django_db


def test_a_donation_and_its_ledger_row_read_in_the_default_sites_money_style(
    campaign, django_capture_on_commit_callbacks
):
    donation = make_manual_gift(campaign=campaign, amount_minor=250_050)
    entry = LedgerEntry.objects.get(donation=donation)
    day = f"{entry.occurred_at:%Y-%m-%d}"
    assert plain(str(donation)) == "$2,500.50 one-time (Completed)"
    assert plain(str(entry)) == f"Payment $2,500.50 on {day}"

    settings = FundingSettings.for_site(Site.objects.get(is_default_site=True))
    settings.money_style = STYLE_AMOUNT_SYMBOL
    with django_capture_on_commit_callbacks(execute=True):
        settings.save()

    assert plain(str(donation)) == "2,500.50 $ one-time (Completed)"
    assert plain(str(entry)) == f"Payment 2,500.50 $ on {day}"


def test_during_a_request_a_donation_reads_in_the_style_of_the_site_serving_it(campaign):
    default_site = Site.objects.get(is_default_site=True)
    other_site = Site.objects.create(
        hostname="other.example", root_page=default_site.root_page, is_default_site=False
    )
    other_settings = FundingSettings.for_site(other_site)
    other_settings.money_style = STYLE_AMOUNT_SYMBOL
    other_settings.save()
    donation = make_manual_gift(campaign=campaign, amount_minor=250_050)

    with selectors.money_style_of(RequestFactory().get("/admin/", HTTP_HOST="other.example")):
        assert plain(str(donation)) == "2,500.50 $ one-time (Completed)"
    assert plain(str(donation)) == "$2,500.50 one-time (Completed)"


def test_within_a_request_a_donations_name_reads_the_settings_once_not_per_donation(
    campaign, django_assert_num_queries
):
    donations = [make_manual_gift(campaign=campaign, amount_minor=100 + n) for n in range(3)]
    with selectors.money_style_of(RequestFactory().get("/admin/")):
        str(donations[0])
        with django_assert_num_queries(0):
            assert all(str(donation) for donation in donations)
