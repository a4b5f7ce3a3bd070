"""GET /api/v1/campaigns/current."""

from datetime import UTC, datetime

import pytest
from django.utils import timezone

from masthead.funding.api import NO_CURRENT_CAMPAIGN
from masthead.funding.selectors import Month
from tests.factories import make_home
from tests.funding.factories import make_manual_gift

pytestmark = pytest.mark.django_db


def test_the_current_campaign_and_this_months_progress(client, campaign):
    now = timezone.now()
    make_manual_gift(campaign=campaign, amount_minor=10_000, received_at=now)
    make_manual_gift(
        campaign=campaign, amount_minor=99_900, received_at=datetime(2020, 1, 5, tzinfo=UTC)
    )
    response = client.get("/api/v1/campaigns/current")
    assert response.status_code == 200
    assert response.json() == {
        "slug": "campaign",
        "name": "Keep us independent",
        "currency": "USD",
        "period": Month.of(now).key,
        "goal_minor": 500_000,
        "raised_minor": 10_000,
        "marks_minor": [0, 250_000, 500_000],
    }


def test_no_current_campaign_is_a_404_that_says_so(client, db):
    make_home()
    response = client.get("/api/v1/campaigns/current")
    assert response.status_code == 404
    assert response.json()["detail"] == NO_CURRENT_CAMPAIGN


def test_the_endpoint_is_in_the_openapi_schema(client, db):
    schema = client.get("/api/v1/openapi.json").json()
    assert "/api/v1/campaigns/current" in schema["paths"]
