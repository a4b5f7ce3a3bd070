"""Data migrations of funding, run against rows made before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Site

from masthead.funding.models import Campaign, FundingSettings
from masthead.funding.money import STYLE_LOCALE
from tests.factories import make_home

BEFORE_LANGUAGE_FORM = ("funding", "0004_stripe_event_deferred")
LANGUAGE_FORM = ("funding", "0005_amounts_read_as_the_language_writes_them")
BEFORE_THANK_YOU_ONCE = ("funding", "0006_next_campaign_takes_over_on_the_first_of_a_month")
THANK_YOU_ONCE = ("funding", "0007_thank_you_text_says_thank_you_once")


def migrate(*targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets) or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_a_site_left_at_the_old_default_reads_amounts_as_its_language_writes_them():
    """The old default, "2,500 $", was no editor's choice: a US site showed "2,500 $" raised."""
    make_home()
    site = Site.objects.get(is_default_site=True)
    try:
        migrate(BEFORE_LANGUAGE_FORM)
        executor = MigrationExecutor(connection)
        old = executor.loader.project_state([BEFORE_LANGUAGE_FORM]).apps
        old.get_model("funding", "FundingSettings").objects.create(
            site_id=site.pk, money_style="amount_symbol"
        )
        migrate(LANGUAGE_FORM)
    finally:
        migrate()  # every app to its latest, for the tests that follow

    assert FundingSettings.objects.get(site=site).money_style == STYLE_LOCALE


@pytest.mark.django_db(transaction=True)
def test_campaigns_left_with_the_old_thank_you_text_no_longer_say_thank_you_twice():
    """The old default began "Thank you.", just under the thank-you page's "Thank you" heading."""
    old_default = "Thank you. Your support keeps our reporting free for everyone to read."
    try:
        migrate(BEFORE_THANK_YOU_ONCE)
        executor = MigrationExecutor(connection)
        old = executor.loader.project_state([BEFORE_THANK_YOU_ONCE]).apps
        campaigns = old.get_model("funding", "Campaign").objects
        made = {"currency": "USD", "goal_minor": 100_000}
        campaigns.create(slug="left", name="Left as it came", thank_you=old_default, **made)
        campaigns.create(slug="own", name="In our words", thank_you="Thank you, truly.", **made)
        migrate(THANK_YOU_ONCE)
    finally:
        migrate()

    texts = dict(Campaign.objects.values_list("slug", "thank_you"))
    assert texts == {
        "left": Campaign._meta.get_field("thank_you").default,
        "own": "Thank you, truly.",  # an editor's words are theirs
    }
    assert not texts["left"].startswith("Thank you")
