import io

import pytest
from django.utils import timezone

from masthead.funding import demo, selectors
from masthead.funding.models import Campaign, Donation
from masthead.publishing import demo as publishing_demo

pytestmark = pytest.mark.django_db


def test_the_demo_campaign_has_gifts_so_the_bar_is_not_empty_and_loading_again_changes_nothing(
    client, settings, tmp_path
):
    settings.MASTHEAD_HOME = tmp_path
    publishing_demo.load()
    now = timezone.now()
    assert demo.load(now=now) == {"campaigns": 1, "donations": 4}
    campaign = Campaign.objects.get()
    raised = selectors.campaign_month_progress(campaign=campaign, now=now).raised_minor
    assert raised > 0
    assert demo.load(now=now) == {"campaigns": 0, "donations": 0}
    assert Donation.objects.count() == 4
    home = client.get("/").content.decode()
    assert 'role="progressbar"' in home and "support-box--promo" in home
    assert "Bank transfer" in client.get("/donate/").content.decode()


def test_the_demo_says_what_it_made_in_plain_english(settings, tmp_path):
    settings.MASTHEAD_HOME = tmp_path
    publishing_demo.load()
    first, again = io.StringIO(), io.StringIO()

    demo.load(first)
    demo.load(again)

    assert "1 campaign and 4 manual donations created" in first.getvalue()
    assert "0 campaign" not in again.getvalue()
    assert "already there" in again.getvalue()
