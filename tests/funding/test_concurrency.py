"""Two deliveries of the same event at the same moment count the money once (PostgreSQL)."""

import threading

import pytest
from django.db import connection, connections
from django.test import Client

from masthead.funding.models import LedgerEntry, StripeEvent
from tests.funding import stripe_events as se
from tests.funding.factories import make_campaign

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_simultaneous_deliveries_of_one_event_count_it_once(settings):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL (SQLite serialises writers)")
    make_campaign(slug="campaign")
    event = se.event("checkout.session.completed", se.checkout_session(campaign="campaign"))
    barrier = threading.Barrier(4)
    answers = []

    def deliver():
        try:
            barrier.wait()
            response = se.post_event(Client(), event)
            answers.append((response.status_code, response.json()["outcome"]))
        finally:
            connections.close_all()

    threads = [threading.Thread(target=deliver) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(answers) == [(200, "processed")] + [(200, "replayed")] * 3
    assert StripeEvent.objects.count() == 1
    assert LedgerEntry.objects.count() == 1
