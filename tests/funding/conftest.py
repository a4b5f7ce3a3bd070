import pytest

from tests.funding.factories import make_campaign
from tests.funding.stripe_events import WEBHOOK_SECRET


@pytest.fixture(autouse=True)
def _stripe_settings(settings):
    """Payments on with test keys; nothing ever reaches Stripe (tests replace the client)."""
    settings.STRIPE_SECRET_KEY = "sk_test_offline"
    settings.STRIPE_WEBHOOK_SECRET = WEBHOOK_SECRET
    settings.FUNDING_MIN_AMOUNT = 1
    settings.FUNDING_MAX_AMOUNT = 10_000


@pytest.fixture
def campaign(db):
    return make_campaign(slug="campaign", name="Keep us independent", goal_minor=500_000)


@pytest.fixture
def no_stripe_network(monkeypatch):
    """Fail loudly if code under test tries to build a real Stripe client."""
    from masthead.funding import gateway

    def refuse():
        raise AssertionError("This test must not reach Stripe")

    monkeypatch.setattr(gateway, "stripe_client", refuse)
