"""Data migrations of funding, run against rows made before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from wagtail.models import Site

from masthead.funding.models import FundingSettings
from masthead.funding.money import STYLE_LOCALE
from tests.factories import make_home

BEFORE_LANGUAGE_FORM = ("funding", "0004_stripe_event_deferred")
LANGUAGE_FORM = ("funding", "0005_amounts_read_as_the_language_writes_them")


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
