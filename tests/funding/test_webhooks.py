"""POST /donate/stripe/webhook/: signatures, replays and every event type, offline."""

import time
from datetime import UTC, datetime
from unittest import mock

import pytest
from django.core import mail
from django.utils import timezone

from masthead.funding import gateway, selectors
from masthead.funding.models import Donation, LedgerEntry, StripeEvent
from masthead.funding.money import Money
from masthead.funding.services.webhooks import (
    COUNTED_BESIDE_THE_BAR,
    NOT_A_DONATION,
    NOT_HANDLED,
    NOT_OUR_PAYMENT,
    NOT_OUR_SUBSCRIPTION,
    UNKNOWN_CAMPAIGN,
    UNKNOWN_DISPUTED_PAYMENT,
    UNKNOWN_PAYMENT,
    UNKNOWN_SUBSCRIPTION,
)
from tests.funding import stripe_events as se

pytestmark = pytest.mark.django_db


def raised(campaign, now=None):
    return selectors.campaign_month_progress(
        campaign=campaign, now=now or timezone.now()
    ).raised_minor


def pending_donation(campaign, *, session_id, amount=2500, frequency="one_time", article=None):
    return Donation.objects.create(
        campaign=campaign,
        amount_minor=amount,
        currency=campaign.currency,
        frequency=frequency,
        stripe_checkout_session_id=session_id,
        public_name="Rita",
        article=article,
    )


# Signatures ----------------------------------------------------------------------------------


def test_a_correctly_signed_event_is_accepted(client, campaign):
    response = se.post_event(client, se.event("ping.unknown", {"id": "x"}))
    assert response.status_code == 200
    assert response.json()["outcome"] == "ignored"


@pytest.mark.parametrize("data", [None, {}, {"object": "cs_1"}, []])
def test_a_signed_event_without_an_object_is_stored_as_refused_not_retried(client, campaign, data):
    event = se.event("checkout.session.completed", {})
    event["data"] = data
    response = se.post_event(client, event)
    assert response.status_code == 200  # a 500 would make Stripe send it again for days
    assert response.json()["outcome"] == "refused"
    assert StripeEvent.objects.get().outcome == StripeEvent.Outcome.REFUSED
    assert raised(campaign) == 0


def test_a_forged_signature_is_refused_with_400_and_changes_nothing(client, campaign, caplog):
    session = se.checkout_session(campaign="campaign")
    response = se.post_event(
        client, se.event("checkout.session.completed", session), secret="whsec_forged"
    )
    assert response.status_code == 400
    assert "Webhook refused" in response.content.decode()
    assert "Refused a Stripe webhook" in caplog.text
    assert StripeEvent.objects.count() == 0
    assert raised(campaign) == 0


def test_a_body_changed_after_signing_is_refused(client, campaign):
    import json

    original = se.event("checkout.session.completed", se.checkout_session(campaign="campaign"))
    header = se.sign(json.dumps(original))
    original["data"]["object"]["amount_total"] = 999_999
    response = client.post(
        se.WEBHOOK_URL,
        data=json.dumps(original),
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE=header,
    )
    assert response.status_code == 400
    assert LedgerEntry.objects.count() == 0


def test_a_stale_timestamp_is_refused(client, campaign):
    stale = int(time.time()) - 600  # tolerance is 300 s
    response = se.post_event(
        client,
        se.event("checkout.session.completed", se.checkout_session(campaign="campaign")),
        timestamp=stale,
    )
    assert response.status_code == 400
    assert "tolerance" in response.content.decode()
    assert LedgerEntry.objects.count() == 0


@pytest.mark.parametrize("header", ["", "t=abc,v1=zz", "v1=deadbeef", "t=123"])
def test_missing_or_malformed_signature_headers_are_refused(client, campaign, header):
    response = se.post_event(client, se.event("invoice.paid", {}), signature=header)
    assert response.status_code == 400


def test_a_body_that_is_not_utf8_text_is_refused_with_400(client, campaign, caplog):
    response = client.post(
        se.WEBHOOK_URL,
        data=b"\xff\xfe",
        content_type="application/json",
        HTTP_STRIPE_SIGNATURE="t=123,v1=deadbeef",
    )
    assert response.status_code == 400
    assert "Webhook refused: The body is not UTF-8 text" in response.content.decode()
    assert "Refused a Stripe webhook" in caplog.text
    assert StripeEvent.objects.count() == 0


def test_without_a_webhook_secret_every_webhook_is_refused(client, campaign, settings, caplog):
    settings.STRIPE_WEBHOOK_SECRET = ""
    response = se.post_event(client, se.event("checkout.session.completed", {}))
    assert response.status_code == 400
    assert "STRIPE_WEBHOOK_SECRET is not set" in caplog.text


def test_the_webhook_only_accepts_post(client):
    assert client.get(se.WEBHOOK_URL).status_code == 405


# checkout.session.completed ------------------------------------------------------------------


def test_a_paid_checkout_counts_its_amount_once_and_sends_one_receipt(client, campaign):
    session = se.checkout_session(campaign="campaign", amount=2500)
    donation = pending_donation(campaign, session_id=session["id"])
    event = se.event("checkout.session.completed", session)

    assert se.post_event(client, event).status_code == 200
    assert raised(campaign) == 2500
    donation.refresh_from_db()
    assert donation.status == Donation.Status.COMPLETED
    assert donation.donor.email == "rita@example.com"
    entry = LedgerEntry.objects.get()
    assert entry.stripe_id == session["payment_intent"] == entry.payment_intent
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["rita@example.com"]
    assert mail.outbox[0].from_email == "The Harbour Ledger <newsroom@localhost>"  # the site's
    assert "Amount:   $25" in mail.outbox[0].body

    replay = se.post_event(client, event)
    assert replay.status_code == 200
    assert replay.json()["outcome"] == "replayed"
    assert raised(campaign) == 2500
    assert StripeEvent.objects.count() == 1
    assert len(mail.outbox) == 1


def test_the_receipt_writes_amounts_in_the_sites_money_style(client, campaign):
    from wagtail.models import Site

    from masthead.funding.models import FundingSettings
    from masthead.funding.money import STYLE_AMOUNT_SYMBOL

    panel = FundingSettings.for_site(Site.objects.get(is_default_site=True))
    panel.money_style = STYLE_AMOUNT_SYMBOL
    panel.save()
    session = se.checkout_session(campaign="campaign", amount=2500)
    pending_donation(campaign, session_id=session["id"])
    se.post_event(client, se.event("checkout.session.completed", session))
    [receipt] = mail.outbox
    assert receipt.subject.endswith(": 25\u00a0$") and "Amount:   25\u00a0$" in receipt.body


def test_a_second_event_for_the_same_payment_is_not_counted_twice(client, campaign):
    session = se.checkout_session(campaign="campaign", amount=2500)
    se.post_event(client, se.event("checkout.session.completed", session))
    se.post_event(client, se.event("checkout.session.async_payment_succeeded", session))
    assert raised(campaign) == 2500
    assert StripeEvent.objects.count() == 2


def test_a_checkout_without_its_pending_row_is_counted_from_the_metadata(client, campaign):
    from tests.factories import make_article

    article = make_article()
    session = se.checkout_session(campaign="campaign", amount=4000, article=article.pk)
    response = se.post_event(client, se.event("checkout.session.completed", session))
    assert response.json()["outcome"] == "processed"
    donation = Donation.objects.get()
    assert (donation.campaign, donation.amount_minor, donation.article) == (campaign, 4000, article)
    assert donation.status == Donation.Status.COMPLETED
    assert raised(campaign) == 4000


def test_an_unpaid_checkout_is_not_counted_until_its_payment_succeeds(client, campaign):
    session = se.checkout_session(campaign="campaign", payment_status="unpaid")
    pending_donation(campaign, session_id=session["id"])
    assert (
        se.post_event(client, se.event("checkout.session.completed", session)).json()["outcome"]
        == "ignored"
    )
    assert raised(campaign) == 0
    session["payment_status"] = "paid"
    se.post_event(client, se.event("checkout.session.async_payment_succeeded", session))
    assert raised(campaign) == 2500


def test_an_event_for_an_unknown_campaign_is_refused_logged_and_kept(client, campaign, caplog):
    session = se.checkout_session(campaign="no-such-campaign")
    response = se.post_event(client, se.event("checkout.session.completed", session))
    assert response.status_code == 200  # retrying would not help; the event is on record
    record = StripeEvent.objects.get()
    assert record.outcome == StripeEvent.Outcome.REFUSED
    assert record.message == UNKNOWN_CAMPAIGN.format(slug="no-such-campaign")
    assert record.payload["data"]["object"]["id"] == session["id"]
    assert "refused" in caplog.text and "no-such-campaign" in caplog.text
    assert Donation.objects.count() == 0 and LedgerEntry.objects.count() == 0


def test_a_checkout_or_invoice_for_something_else_on_the_account_is_ignored_not_refused(
    client, campaign
):
    shop = se.checkout_session(campaign="campaign", currency="inr")  # not one we take, either
    shop["metadata"] = {"order": "shop-42"}
    subscription = se.invoice(subscription="sub_magazine")
    subscription["parent"]["subscription_details"]["metadata"] = {}
    for kind, payment in (("checkout.session.completed", shop), ("invoice.paid", subscription)):
        response = se.post_event(client, se.event(kind, payment))
        assert response.status_code == 200
        assert response.json()["outcome"] == "ignored"  # not "refused": nothing went wrong
        assert response.json()["message"] == NOT_A_DONATION.format(payment=payment["id"])
    assert Donation.objects.count() == 0 and LedgerEntry.objects.count() == 0
    assert mail.outbox == []


def test_an_event_in_an_unknown_currency_is_refused(client, campaign):
    session = se.checkout_session(campaign="campaign", currency="xyz")
    se.post_event(client, se.event("checkout.session.completed", session))
    assert StripeEvent.objects.get().outcome == StripeEvent.Outcome.REFUSED
    assert "Unknown currency XYZ" in StripeEvent.objects.get().message
    assert LedgerEntry.objects.count() == 0


def refused_record(response) -> StripeEvent:
    """The stored event behind a webhook answer that refused it: Stripe is not asked again."""
    assert response.status_code == 200
    assert response.json()["outcome"] == "refused"
    record = StripeEvent.objects.get()
    assert record.outcome == StripeEvent.Outcome.REFUSED
    assert record.message == response.json()["message"]
    return record


@pytest.mark.parametrize("pending", [True, False])
def test_a_checkout_paid_in_another_currency_keeps_it_and_stays_out_of_the_bar(
    client, campaign, pending
):
    session = se.checkout_session(campaign="campaign", currency="jpy", amount=5000)
    if pending:
        pending_donation(campaign, session_id=session["id"])
    event = se.event("checkout.session.completed", session)
    response = se.post_event(client, event)
    assert response.status_code == 200
    assert response.json()["message"] == COUNTED_BESIDE_THE_BAR.format(
        amount="¥5,000", slug="campaign", paid="JPY", collects="USD"
    )
    donation = Donation.objects.get()
    assert (donation.status, donation.amount_minor, donation.currency) == (
        Donation.Status.COMPLETED,
        5000,
        "JPY",
    )
    assert list(LedgerEntry.objects.values_list("amount_minor", "currency")) == [(5000, "JPY")]
    progress = selectors.campaign_month_progress(campaign=campaign, now=timezone.now())
    assert progress.raised_minor == 0  # 5,000 yen are not 5,000 cents
    assert progress.other_currencies == (Money(5000, "JPY"),)
    assert len(mail.outbox) == 1 and "¥5,000" in mail.outbox[0].body
    assert se.post_event(client, event).json()["outcome"] == "replayed"


def test_a_monthly_gift_begun_in_another_currency_goes_on_in_it_beside_the_bar(client, campaign):
    first = se.invoice(subscription="sub_usd", amount=1000)
    se.post_event(client, se.event("invoice.paid", first))
    in_euros = se.invoice(subscription="sub_eur", amount=1500, currency="eur")
    for month in (in_euros, {**in_euros, "id": se.new_id("in")}):
        response = se.post_event(client, se.event("invoice.paid", month))
        assert response.json()["outcome"] == "processed"
        assert "in EUR, its own currency" in response.json()["message"]
    assert Donation.objects.get(stripe_subscription_id="sub_eur").currency == "EUR"
    progress = selectors.campaign_month_progress(campaign=campaign, now=timezone.now())
    assert (progress.raised_minor, progress.other_currencies) == (1000, (Money(3000, "EUR"),))


def _type_is_a_list(event):
    event["type"] = ["checkout.session.completed"]


def _created_is_a_word(event):
    event["created"] = "yesterday"


def _amount(value):
    def change(event):
        event["data"]["object"]["amount_total"] = value

    return change


def _session_created_is_a_word(event):
    event["data"]["object"]["created"] = "yesterday"


def _metadata_is_a_list(event):
    event["data"]["object"]["metadata"] = ["campaign"]


def _object_without_id(event):
    del event["data"]["object"]["id"]


@pytest.mark.parametrize(
    ("malform", "reason"),
    [
        (_type_is_a_list, "The event's type is not text"),
        (_created_is_a_word, "created is not a Unix timestamp ('yesterday')"),
        (_amount("abc"), "amount_total is not a whole number of minor units"),
        (_amount(10**20), "amount_total is not a whole number of minor units"),
        (_amount(-5000), "amount_total is not a whole number of minor units"),
        (_amount(25.5), "amount_total is not a whole number of minor units"),
        (_amount(0), "a paid checkout charges more than zero"),
        (_session_created_is_a_word, "data.object.created is not a Unix timestamp"),
        (_metadata_is_a_list, UNKNOWN_CAMPAIGN.format(slug="")),
        (_object_without_id, "has no id"),
    ],
)
def test_a_signed_but_malformed_event_is_refused_with_its_reason_and_changes_nothing(
    client, campaign, malform, reason
):
    session = se.checkout_session(campaign="campaign")
    event = se.event("checkout.session.completed", session)
    malform(event)
    response = se.post_event(client, event)  # was a 500: Stripe retried it for three days

    record = refused_record(response)
    assert reason in record.message
    assert Donation.objects.count() == 0 and LedgerEntry.objects.count() == 0
    assert raised(campaign) == 0
    assert se.post_event(client, event).json()["outcome"] == "replayed"


@pytest.mark.parametrize("event_id", [["evt_1"], 42, "evt_" + "x" * 300])
def test_a_signed_event_whose_id_cannot_be_stored_is_refused_with_400(client, campaign, event_id):
    event = se.event("checkout.session.completed", se.checkout_session(campaign="campaign"))
    event["id"] = event_id
    response = se.post_event(client, event)
    assert response.status_code == 400
    assert "its id is not an event id" in response.content.decode()
    assert StripeEvent.objects.count() == 0 and LedgerEntry.objects.count() == 0


def test_malformed_amounts_and_dates_of_other_events_are_refused_too(client, campaign):
    session = paid_one_time(client, campaign, amount=2500)
    bad_refund = se.charge(payment_intent=session["payment_intent"])
    bad_refund["amount_refunded"] = "all"
    bad_dispute = se.dispute(payment_intent=session["payment_intent"], amount=[2500])
    bad_invoice = se.invoice(subscription="sub_bad", amount=1000)
    bad_invoice["status_transitions"]["paid_at"] = "today"
    bad_invoice_amount = se.invoice(subscription="sub_bad", amount=1000)
    bad_invoice_amount["amount_paid"] = "1000.00"
    events = [
        se.event("charge.refunded", bad_refund),
        se.event("charge.dispute.funds_withdrawn", bad_dispute),
        se.event("invoice.paid", bad_invoice),
        se.event("invoice.paid", bad_invoice_amount),
    ]
    for event in events:
        response = se.post_event(client, event)
        assert (response.status_code, response.json()["outcome"]) == (200, "refused"), event
    assert raised(campaign) == 2500
    assert LedgerEntry.objects.count() == 1
    assert Donation.objects.count() == 1


def test_an_expired_checkout_marks_the_pending_donation(client, campaign):
    session = se.checkout_session(campaign="campaign", payment_status="unpaid")
    donation = pending_donation(campaign, session_id=session["id"])
    se.post_event(client, se.event("checkout.session.expired", session))
    donation.refresh_from_db()
    assert donation.status == Donation.Status.EXPIRED


def test_an_unhandled_event_type_is_logged_and_answered_200(client, campaign, caplog):
    caplog.set_level("INFO")
    response = se.post_event(client, se.event("customer.created", {"id": "cus_1"}))
    assert response.status_code == 200
    assert StripeEvent.objects.get().message == NOT_HANDLED.format(type="customer.created")
    assert "customer.created" in caplog.text


def test_an_error_in_a_handler_stores_nothing_so_stripe_retries(client, campaign, monkeypatch):
    from masthead.funding.services import webhooks

    def broken(*args):
        raise RuntimeError("database went away")

    monkeypatch.setitem(webhooks.HANDLERS, "checkout.session.completed", broken)
    client.raise_request_exception = False
    session = se.checkout_session(campaign="campaign")
    response = se.post_event(client, se.event("checkout.session.completed", session))
    assert response.status_code == 500
    assert StripeEvent.objects.count() == 0  # the next delivery is handled as new


# Monthly donations: checkout in subscription mode, invoice.paid, subscription deleted --------


def test_a_monthly_donation_counts_each_month_once(client, campaign):
    session = se.checkout_session(campaign="campaign", mode="subscription", amount=1000)
    pending_donation(campaign, session_id=session["id"], amount=1000, frequency="monthly")
    november = int(datetime(2026, 11, 3, 12, tzinfo=UTC).timestamp())
    december = int(datetime(2026, 12, 3, 12, tzinfo=UTC).timestamp())

    se.post_event(client, se.event("checkout.session.completed", session, created=november))
    first_invoice = se.invoice(
        invoice_id=session["invoice"],
        subscription=session["subscription"],
        amount=1000,
        paid_at=november,
        billing_reason="subscription_create",
        payment_intent="pi_first",
    )
    se.post_event(client, se.event("invoice.paid", first_invoice, created=november))
    second_invoice = se.invoice(subscription=session["subscription"], amount=1000, paid_at=december)
    se.post_event(client, se.event("invoice.paid", second_invoice, created=december))

    donation = Donation.objects.get()
    assert donation.status == Donation.Status.ACTIVE
    assert donation.stripe_subscription_id == session["subscription"]
    assert raised(campaign, datetime(2026, 11, 20, tzinfo=UTC)) == 1000
    assert raised(campaign, datetime(2026, 12, 20, tzinfo=UTC)) == 1000
    assert LedgerEntry.objects.count() == 2
    # The first invoice's row learned its payment intent, so a refund can find it.
    assert LedgerEntry.objects.get(stripe_id=session["invoice"]).payment_intent == "pi_first"
    assert len(mail.outbox) == 2  # one receipt per month


def test_an_invoice_paid_before_the_checkout_event_creates_the_donation(client, campaign):
    session = se.checkout_session(campaign="campaign", mode="subscription", amount=1500)
    first_invoice = se.invoice(
        invoice_id=session["invoice"], subscription=session["subscription"], amount=1500
    )
    se.post_event(client, se.event("invoice.paid", first_invoice))
    se.post_event(client, se.event("checkout.session.completed", session))
    assert Donation.objects.count() == 1
    assert raised(campaign) == 1500


def test_an_invoice_paid_before_the_checkout_event_keeps_the_readers_pending_gift(client, campaign):
    # The donate page always leaves a pending row; Stripe may deliver invoice.paid first.
    session = se.checkout_session(campaign="campaign", mode="subscription", amount=1500)
    pending_donation(campaign, session_id=session["id"], amount=1500, frequency="monthly")
    first_invoice = se.invoice(
        invoice_id=session["invoice"], subscription=session["subscription"], amount=1500
    )
    assert se.post_event(client, se.event("invoice.paid", first_invoice)).status_code == 200
    response = se.post_event(client, se.event("checkout.session.completed", session))

    assert response.status_code == 200
    assert response.json()["outcome"] == "processed"
    donation = Donation.objects.get()
    assert donation.status == Donation.Status.ACTIVE
    assert donation.public_name == "Rita"
    assert donation.stripe_checkout_session_id == session["id"]
    assert donation.stripe_subscription_id == session["subscription"]
    assert raised(campaign) == 1500
    assert len(mail.outbox) == 1


def test_a_subscription_ended_at_stripe_cancels_the_monthly_donation(client, campaign):
    donation = pending_donation(campaign, session_id="cs_1", frequency="monthly")
    Donation.objects.filter(pk=donation.pk).update(
        status=Donation.Status.ACTIVE, stripe_subscription_id="sub_42"
    )
    se.post_event(
        client,
        se.event("customer.subscription.deleted", se.subscription(subscription_id="sub_42")),
    )
    donation.refresh_from_db()
    assert donation.status == Donation.Status.CANCELLED and donation.cancelled_at is not None


def test_a_deleted_subscription_that_is_not_a_donation_is_ignored_for_good(client, campaign):
    foreign = se.subscription(subscription_id="sub_x", campaign=None)
    response = se.post_event(client, se.event("customer.subscription.deleted", foreign))
    assert response.status_code == 200  # no campaign: no invoice.paid will ever make it ours
    assert response.json()["outcome"] == "ignored"
    assert response.json()["message"] == NOT_OUR_SUBSCRIPTION.format(subscription="sub_x")


def test_a_cancellation_before_the_first_payment_is_applied_when_stripe_resends_it(
    client, campaign, caplog
):
    deleted = se.event(
        "customer.subscription.deleted", se.subscription(subscription_id="sub_early")
    )
    early = se.post_event(client, deleted)
    assert early.status_code == 409  # not 2xx: Stripe delivers it again later
    assert early.json()["outcome"] == "deferred"
    assert early.json()["message"] == UNKNOWN_SUBSCRIPTION.format(subscription="sub_early")
    assert "deferred" in caplog.text and "sub_early" in caplog.text
    assert StripeEvent.objects.get(event_id=deleted["id"]).outcome == StripeEvent.Outcome.DEFERRED

    se.post_event(client, se.event("invoice.paid", se.invoice(subscription="sub_early")))
    assert Donation.objects.get().status == Donation.Status.ACTIVE

    resent = se.post_event(client, deleted)
    assert resent.status_code == 200
    assert resent.json()["outcome"] == "processed"
    donation = Donation.objects.get()
    assert donation.status == Donation.Status.CANCELLED and donation.cancelled_at is not None
    assert StripeEvent.objects.get(event_id=deleted["id"]).outcome == StripeEvent.Outcome.PROCESSED
    assert se.post_event(client, deleted).json()["outcome"] == "replayed"


# Refunds --------------------------------------------------------------------------------------


def paid_one_time(client, campaign, amount=2500):
    session = se.checkout_session(campaign="campaign", amount=amount)
    se.post_event(client, se.event("checkout.session.completed", session))
    return session


def test_a_refund_takes_the_amount_back_out_of_the_total(client, campaign):
    session = paid_one_time(client, campaign, amount=2500)
    assert raised(campaign) == 2500
    refund = se.charge(payment_intent=session["payment_intent"], amount=2500, amount_refunded=2500)
    event = se.event("charge.refunded", refund)
    assert se.post_event(client, event).status_code == 200
    assert raised(campaign) == 0
    row = LedgerEntry.objects.get(kind=LedgerEntry.Kind.REFUND)
    assert row.amount_minor == -2500
    assert Donation.objects.get().status == Donation.Status.REFUNDED
    se.post_event(client, event)  # replay
    assert raised(campaign) == 0


def test_the_event_log_writes_amounts_in_the_sites_money_style(client, campaign):
    from wagtail.models import Site

    from masthead.funding.models import FundingSettings
    from masthead.funding.money import STYLE_AMOUNT_SYMBOL

    settings = FundingSettings.for_site(Site.objects.get(is_default_site=True))
    settings.money_style = STYLE_AMOUNT_SYMBOL
    settings.save()
    session = paid_one_time(client, campaign, amount=250000)
    refund = se.charge(
        payment_intent=session["payment_intent"], amount=250000, amount_refunded=100050
    )
    se.post_event(client, se.event("charge.refunded", refund))
    messages = list(StripeEvent.objects.order_by("pk").values_list("message", flat=True))
    assert messages == [
        "Counted 2,500\N{NO-BREAK SPACE}$ for campaign.",
        "Refund of 1,000.50\N{NO-BREAK SPACE}$ taken off the total.",
    ]


def test_partial_refunds_add_up_and_never_exceed_the_payment(client, campaign):
    session = paid_one_time(client, campaign, amount=5000)
    pi = session["payment_intent"]
    se.post_event(
        client,
        se.event(
            "charge.refunded", se.charge(payment_intent=pi, amount=5000, amount_refunded=1000)
        ),
    )
    assert raised(campaign) == 4000
    # A different event with the same cumulative figure adds nothing.
    se.post_event(
        client,
        se.event(
            "charge.refunded", se.charge(payment_intent=pi, amount=5000, amount_refunded=1000)
        ),
    )
    assert raised(campaign) == 4000
    se.post_event(
        client,
        se.event(
            "charge.refunded", se.charge(payment_intent=pi, amount=5000, amount_refunded=3000)
        ),
    )
    assert raised(campaign) == 2000
    assert Donation.objects.get().status == Donation.Status.COMPLETED  # partly refunded
    se.post_event(
        client,
        se.event(
            "charge.refunded", se.charge(payment_intent=pi, amount=5000, amount_refunded=9000)
        ),
    )
    assert raised(campaign) == 0


def test_a_refund_of_a_monthly_payment_is_found_through_the_payment_intent(client, campaign):
    sub = "sub_refund"
    paid = se.invoice(subscription=sub, amount=1000, payment_intent="pi_month")
    se.post_event(client, se.event("invoice.paid", paid))
    assert raised(campaign) == 1000
    se.post_event(
        client,
        se.event(
            "charge.refunded",
            se.charge(payment_intent="pi_month", amount=1000, amount_refunded=1000),
        ),
    )
    assert raised(campaign) == 0


def test_a_refund_of_an_invoice_without_its_payment_intent_asks_stripe_which_invoice(
    client, campaign, monkeypatch
):
    paid = se.invoice(subscription="sub_lookup", amount=1000)  # no payments listed
    se.post_event(client, se.event("invoice.paid", paid))
    fake = mock.MagicMock()
    fake.v1.invoice_payments.list.return_value = {"data": [{"invoice": paid["id"]}]}
    monkeypatch.setattr(gateway, "stripe_client", lambda: fake)

    se.post_event(
        client,
        se.event(
            "charge.refunded",
            se.charge(payment_intent="pi_lookup", amount=1000, amount_refunded=1000),
        ),
    )
    fake.v1.invoice_payments.list.assert_called_once_with(
        params={"payment": {"type": "payment_intent", "payment_intent": "pi_lookup"}}
    )
    assert raised(campaign) == 0
    assert LedgerEntry.objects.get(stripe_id=paid["id"]).payment_intent == "pi_lookup"


def test_a_refund_before_its_payment_is_taken_off_as_soon_as_the_payment_is_recorded(
    client, campaign, monkeypatch, caplog
):
    monkeypatch.setattr(gateway, "invoice_for_payment_intent", lambda pi: None)
    session = se.checkout_session(campaign="campaign", amount=2500, payment_intent="pi_2")
    refund = se.event("charge.refunded", se.charge(payment_intent="pi_2", amount_refunded=2500))

    early = se.post_event(client, refund)
    assert early.status_code == 409  # not 2xx: Stripe delivers it again later
    assert early.json()["outcome"] == "deferred"
    record = StripeEvent.objects.get()
    assert record.outcome == StripeEvent.Outcome.DEFERRED
    assert record.message == UNKNOWN_PAYMENT.format(payment="pi_2")
    assert "deferred" in caplog.text and "pi_2" in caplog.text
    assert LedgerEntry.objects.count() == 0

    completed = se.post_event(client, se.event("checkout.session.completed", session))
    assert completed.status_code == 200
    # Not a bar that counts refunded money until Stripe happens to deliver the refund again
    # (hours later), nor for good if its three days of retries ran out before the payment came.
    assert raised(campaign) == 0
    assert "Handled 1 refund or dispute event(s)" in completed.json()["message"]
    assert Donation.objects.get().status == Donation.Status.REFUNDED
    assert StripeEvent.objects.get(event_id=refund["id"]).outcome == StripeEvent.Outcome.PROCESSED

    # Stripe's own resend, and a second delivery of the payment, count nothing again.
    for again in (refund, refund, se.event("checkout.session.completed", session)):
        assert se.post_event(client, again).status_code == 200
    assert se.post_event(client, refund).json()["outcome"] == "replayed"
    assert raised(campaign) == 0
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).count() == 1
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.PAYMENT).count() == 1


def test_partial_refunds_before_their_payment_add_up_once_it_is_recorded(
    client, campaign, monkeypatch
):
    monkeypatch.setattr(gateway, "invoice_for_payment_intent", lambda pi: None)
    session = se.checkout_session(campaign="campaign", amount=5000, payment_intent="pi_3")
    second = se.event(
        "charge.refunded", se.charge(payment_intent="pi_3", amount=5000, amount_refunded=3000)
    )
    first = se.event(
        "charge.refunded",
        se.charge(payment_intent="pi_3", amount=5000, amount_refunded=1000),
        created=second["created"] - 60,
    )
    # Stripe delivers them in any order, and both before the payment.
    assert [se.post_event(client, e).status_code for e in (second, first)] == [409, 409]
    se.post_event(client, se.event("checkout.session.completed", session))
    assert raised(campaign) == 2000
    for resent in (first, second):
        assert se.post_event(client, resent).json()["outcome"] == "replayed"
    assert raised(campaign) == 2000
    assert Donation.objects.get().status == Donation.Status.COMPLETED  # partly refunded


@pytest.mark.parametrize("taken_back", ["refund", "chargeback"])
def test_a_gift_that_went_back_in_full_before_its_payment_was_recorded_gets_no_receipt(
    client, campaign, monkeypatch, taken_back
):
    stripe_knows(monkeypatch, metadata={"campaign": "campaign", "article": ""})
    session = se.checkout_session(campaign="campaign", amount=2500, payment_intent="pi_back")
    if taken_back == "refund":
        early = se.event(
            "charge.refunded",
            se.charge(payment_intent="pi_back", amount=2500, amount_refunded=2500),
        )
    else:
        early = se.event(
            "charge.dispute.funds_withdrawn", se.dispute(payment_intent="pi_back", amount=2500)
        )
    assert se.post_event(client, early).status_code == 409
    se.post_event(client, se.event("checkout.session.completed", session))
    assert raised(campaign) == 0
    # No "thank you for your gift" for money the reader has back.
    assert mail.outbox == []


def test_the_receipt_of_a_gift_partly_refunded_before_it_was_recorded_says_what_was_kept(
    client, campaign, monkeypatch
):
    monkeypatch.setattr(gateway, "invoice_for_payment_intent", lambda pi: None)
    session = se.checkout_session(campaign="campaign", amount=5000, payment_intent="pi_part")
    refund = se.charge(payment_intent="pi_part", amount=5000, amount_refunded=3000)
    assert se.post_event(client, se.event("charge.refunded", refund)).status_code == 409
    se.post_event(client, se.event("checkout.session.completed", session))
    [receipt] = mail.outbox
    assert receipt.subject.endswith(": $20")
    assert "Amount:   $20\n" in receipt.body
    assert "Paid:     $50, of which $30 went back to you" in receipt.body


def test_a_dispute_won_before_its_payment_was_recorded_leaves_the_receipt_whole(
    client, campaign, monkeypatch
):
    stripe_knows(monkeypatch, metadata={"campaign": "campaign", "article": ""})
    session = se.checkout_session(campaign="campaign", amount=2500)
    dispute = se.dispute(payment_intent=session["payment_intent"], amount=2500)
    withdrawn = se.event("charge.dispute.funds_withdrawn", dispute)
    reinstated = se.event("charge.dispute.funds_reinstated", {**dispute, "status": "won"})
    for early in (withdrawn, reinstated):
        assert se.post_event(client, early).status_code == 409
    se.post_event(client, se.event("checkout.session.completed", session))
    [receipt] = mail.outbox
    assert "Amount:   $25\n" in receipt.body and "went back to you" not in receipt.body


def test_a_refund_whose_payment_never_comes_is_deferred_on_every_delivery(
    client, campaign, monkeypatch
):
    # Stripe stops after three days of retries; the event stays on record as deferred.
    monkeypatch.setattr(gateway, "invoice_for_payment_intent", lambda pi: None)
    refund = se.event("charge.refunded", se.charge(payment_intent="pi_unknown"))
    answers = [se.post_event(client, refund).status_code for _attempt in range(3)]
    assert answers == [409, 409, 409]
    record = StripeEvent.objects.get()
    assert record.outcome == StripeEvent.Outcome.DEFERRED
    assert record.message == UNKNOWN_PAYMENT.format(payment="pi_unknown")
    assert LedgerEntry.objects.count() == 0


def stripe_knows(monkeypatch, *, metadata: dict, invoice=None):
    """Stripe's answers about a payment intent, offline: its metadata and the invoice it paid."""
    fake = mock.MagicMock()
    fake.v1.payment_intents.retrieve.return_value = {"id": "pi", "metadata": metadata}
    fake.v1.invoice_payments.list.return_value = {"data": [{"invoice": invoice}] if invoice else []}
    monkeypatch.setattr(gateway, "stripe_client", lambda: fake)
    return fake


def test_a_refund_of_a_payment_that_is_not_a_donation_is_ignored_for_good(
    client, campaign, monkeypatch, caplog
):
    # Another product sold on the same Stripe account: its payment names no campaign.
    caplog.set_level("INFO")
    paid_one_time(client, campaign, amount=2500)
    fake = stripe_knows(monkeypatch, metadata={"order": "shop-42"})
    refund = se.event(
        "charge.refunded", se.charge(payment_intent="pi_shop", campaign=None, amount_refunded=900)
    )
    answers = [se.post_event(client, refund) for _delivery in range(2)]
    assert [answer.status_code for answer in answers] == [200, 200]  # never retried
    assert answers[0].json()["outcome"] == "ignored"
    assert answers[1].json()["outcome"] == "replayed"
    message = NOT_OUR_PAYMENT.format(what="Refund", payment="pi_shop")
    assert answers[0].json()["message"] == message
    assert StripeEvent.objects.get(event_id=refund["id"]).outcome == StripeEvent.Outcome.IGNORED
    assert "pi_shop" in caplog.text and "not a donation" in caplog.text
    fake.v1.payment_intents.retrieve.assert_called_once_with("pi_shop")
    assert raised(campaign) == 2500  # our total is untouched
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).count() == 0


def test_a_dispute_of_a_payment_that_is_not_a_donation_is_ignored_for_good(
    client, campaign, monkeypatch
):
    paid_one_time(client, campaign, amount=2500)
    stripe_knows(monkeypatch, metadata={})
    dispute = se.dispute(payment_intent="pi_shop", amount=4000)
    for kind in ("charge.dispute.funds_withdrawn", "charge.dispute.funds_reinstated"):
        response = se.post_event(client, se.event(kind, dispute))
        assert response.status_code == 200
        assert response.json()["outcome"] == "ignored"
        assert response.json()["message"] == NOT_OUR_PAYMENT.format(
            what="Dispute", payment="pi_shop"
        )
    assert raised(campaign) == 2500
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.DISPUTE).count() == 0


def test_a_refund_is_ours_to_wait_for_when_stripe_says_its_payment_is_a_donation(
    client, campaign, monkeypatch
):
    # A charge sent without the metadata: the payment intent's, at Stripe, names the campaign.
    stripe_knows(monkeypatch, metadata={"campaign": "campaign", "article": ""})
    refund = se.event("charge.refunded", se.charge(payment_intent="pi_ours", campaign=None))
    early = se.post_event(client, refund)
    assert early.status_code == 409
    assert early.json()["message"] == UNKNOWN_PAYMENT.format(payment="pi_ours")


def test_a_chargeback_leaves_the_total_and_returns_when_the_dispute_is_won(client, campaign):
    session = paid_one_time(client, campaign, amount=2500)
    dispute = se.dispute(payment_intent=session["payment_intent"], amount=2500)
    withdrawn = se.event("charge.dispute.funds_withdrawn", dispute)
    assert se.post_event(client, withdrawn).status_code == 200
    assert raised(campaign) == 0
    se.post_event(client, withdrawn)  # replay
    assert raised(campaign) == 0
    reinstated = se.event("charge.dispute.funds_reinstated", {**dispute, "status": "won"})
    assert se.post_event(client, reinstated).status_code == 200
    assert raised(campaign) == 2500
    kinds = sorted(LedgerEntry.objects.values_list("kind", "amount_minor"))
    assert kinds == [("dispute", -2500), ("dispute", 2500), ("payment", 2500)]
    assert len(mail.outbox) == 1  # the receipt for the gift; a dispute sends the reader nothing


def test_a_dispute_does_not_stop_a_later_refund_from_counting(client, campaign):
    session = paid_one_time(client, campaign, amount=5000)
    pi = session["payment_intent"]
    dispute = se.dispute(payment_intent=pi, amount=2000)
    se.post_event(client, se.event("charge.dispute.funds_withdrawn", dispute))
    refund = se.charge(payment_intent=pi, amount=5000, amount_refunded=1000)
    se.post_event(client, se.event("charge.refunded", refund))
    assert raised(campaign) == 5000 - 2000 - 1000


def test_a_dispute_before_its_payment_is_counted_once_the_payment_is_recorded(
    client, campaign, monkeypatch
):
    stripe_knows(monkeypatch, metadata={"campaign": "campaign", "article": ""})
    session = se.checkout_session(campaign="campaign", amount=2500)
    dispute = se.dispute(payment_intent=session["payment_intent"], amount=2500)
    withdrawn = se.event("charge.dispute.funds_withdrawn", dispute)
    reinstated = se.event("charge.dispute.funds_reinstated", {**dispute, "status": "won"})

    early = se.post_event(client, withdrawn)
    assert early.status_code == 409
    assert early.json()["message"] == UNKNOWN_DISPUTED_PAYMENT.format(
        payment=session["payment_intent"]
    )
    # The dispute is won before the payment is recorded: that must wait too.
    assert se.post_event(client, reinstated).status_code == 409
    se.post_event(client, se.event("checkout.session.completed", session))
    # Both are handled with the payment, oldest first.
    assert raised(campaign) == 2500
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.DISPUTE).count() == 2

    for resent in (withdrawn, reinstated):
        assert se.post_event(client, resent).json()["outcome"] == "replayed"
    assert raised(campaign) == 2500
    outcomes = set(StripeEvent.objects.values_list("outcome", flat=True))
    assert outcomes == {StripeEvent.Outcome.PROCESSED}


def test_a_refund_next_month_counts_in_the_month_it_was_made(client, campaign):
    november = int(datetime(2026, 11, 28, 12, tzinfo=UTC).timestamp())
    december = int(datetime(2026, 12, 2, 12, tzinfo=UTC).timestamp())
    session = se.checkout_session(campaign="campaign", amount=3000)
    se.post_event(client, se.event("checkout.session.completed", session, created=november))
    refund = se.charge(payment_intent=session["payment_intent"], amount=3000, amount_refunded=3000)
    se.post_event(client, se.event("charge.refunded", refund, created=december))
    assert raised(campaign, datetime(2026, 11, 29, tzinfo=UTC)) == 3000  # a closed month stays
    assert raised(campaign, datetime(2026, 12, 3, tzinfo=UTC)) == -3000
    bar = selectors.campaign_month_progress(
        campaign=campaign, now=datetime(2026, 12, 3, tzinfo=UTC)
    )
    assert bar.percent == 0.0  # the bar never shows less than empty


# A month's refund before its invoice.paid --------------------------------------------------------


def monthly_refund_before_its_invoice(monkeypatch, *, invoice_metadata=None):
    """A month's charge names no campaign (Stripe does not copy a subscription's metadata onto
    its invoices' payments); Stripe says which invoice the payment paid, and whose it is."""
    paid = se.invoice(subscription="sub_early", amount=1000, payment_intent="pi_early")
    if invoice_metadata is not None:
        paid["parent"]["subscription_details"]["metadata"] = invoice_metadata
    fake = stripe_knows(monkeypatch, metadata={}, invoice=paid["id"])
    fake.v1.invoices.retrieve.return_value = paid
    refund = se.event(
        "charge.refunded",
        se.charge(payment_intent="pi_early", campaign=None, amount=1000, amount_refunded=1000),
    )
    return paid, refund


def test_a_monthly_refund_before_its_invoice_is_paid_is_taken_off_when_the_invoice_comes(
    client, campaign, monkeypatch
):
    paid, refund = monthly_refund_before_its_invoice(monkeypatch)
    early = se.post_event(client, refund)
    assert (early.status_code, early.json()["outcome"]) == (409, "deferred")
    assert early.json()["message"] == UNKNOWN_PAYMENT.format(payment="pi_early")

    invoice_paid = se.post_event(client, se.event("invoice.paid", paid))
    assert invoice_paid.status_code == 200
    # Not a bar that shows refunded money until Stripe happens to deliver the refund again.
    assert raised(campaign) == 0
    assert StripeEvent.objects.get(event_id=refund["id"]).outcome == StripeEvent.Outcome.PROCESSED
    assert mail.outbox == []  # no receipt for a month refunded in full

    resent = se.post_event(client, refund)
    assert (resent.status_code, resent.json()["outcome"]) == (200, "replayed")
    again = se.post_event(client, se.event("invoice.paid", paid))  # a second delivery, new id
    assert again.status_code == 200
    assert raised(campaign) == 0
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).count() == 1


def test_a_monthly_refund_deferred_is_taken_off_when_stripe_resends_it(
    client, campaign, monkeypatch
):
    # An invoice.paid that does not list its payment: the refund is placed on its next delivery.
    paid, refund = monthly_refund_before_its_invoice(monkeypatch)
    se.post_event(client, refund)
    del paid["payments"]
    se.post_event(client, se.event("invoice.paid", paid))
    assert raised(campaign) == 1000
    resent = se.post_event(client, refund)
    assert (resent.status_code, resent.json()["outcome"]) == (200, "processed")
    assert raised(campaign) == 0


def test_a_refund_of_another_products_subscription_is_still_ignored_for_good(
    client, campaign, monkeypatch
):
    _paid, refund = monthly_refund_before_its_invoice(monkeypatch, invoice_metadata={"plan": "x"})
    answer = se.post_event(client, refund)
    assert (answer.status_code, answer.json()["outcome"]) == (200, "ignored")


# Stripe is asked outside the database transaction ----------------------------------------------


def asked_outside_any_transaction(monkeypatch, answers: dict):
    """A fake Stripe whose every call records whether a transaction opened by the code under
    test was open (the test's own wrapping blocks are the baseline): a network call inside one
    holds the database, on SQLite its single write lock, for as long as Stripe takes."""
    from django.db import connection

    baseline = len(connection.atomic_blocks)
    calls = []

    def answering(name):
        def call(*args, **kwargs):
            calls.append((name, len(connection.atomic_blocks) > baseline))
            answer = answers[name]
            if isinstance(answer, Exception):
                raise answer
            return answer

        return call

    fake = mock.MagicMock()
    fake.v1.invoice_payments.list.side_effect = answering("invoice_payments")
    fake.v1.invoices.retrieve.side_effect = answering("invoice")
    fake.v1.payment_intents.retrieve.side_effect = answering("payment_intent")
    monkeypatch.setattr(gateway, "stripe_client", lambda: fake)
    return calls


def test_a_refund_that_needs_stripe_asks_it_outside_the_transaction_and_still_waits(
    client, campaign, monkeypatch
):
    paid = se.invoice(subscription="sub_out", amount=1000, payment_intent="pi_out")
    calls = asked_outside_any_transaction(
        monkeypatch,
        {"invoice_payments": {"data": [{"invoice": paid["id"]}]}, "invoice": paid},
    )
    refund = se.event(
        "charge.refunded",
        se.charge(payment_intent="pi_out", campaign=None, amount=1000, amount_refunded=1000),
    )
    early = se.post_event(client, refund)
    assert (early.status_code, early.json()["outcome"]) == (409, "deferred")
    assert early.json()["message"] == UNKNOWN_PAYMENT.format(payment="pi_out")
    assert calls == [("invoice_payments", False), ("invoice", False)]

    # The invoice comes: the deferred refund is settled with it, asking Stripe nothing.
    calls.clear()
    assert se.post_event(client, se.event("invoice.paid", paid)).status_code == 200
    assert calls == []
    assert raised(campaign) == 0
    resent = se.post_event(client, refund)
    assert (resent.status_code, resent.json()["outcome"]) == (200, "replayed")
    assert LedgerEntry.objects.filter(kind=LedgerEntry.Kind.REFUND).count() == 1


def test_a_payment_stripe_says_is_not_a_donation_is_ignored_after_asking_outside_the_transaction(
    client, campaign, monkeypatch
):
    import stripe

    calls = asked_outside_any_transaction(
        monkeypatch,
        {
            "invoice_payments": {"data": []},
            "payment_intent": stripe.PermissionError("no", http_status=403),
        },
    )
    refund = se.event("charge.refunded", se.charge(payment_intent="pi_shop", campaign=None))
    answer = se.post_event(client, refund)
    assert (answer.status_code, answer.json()["outcome"]) == (409, "deferred")
    assert "Payment Intents: read" in answer.json()["message"]
    assert calls == [("invoice_payments", False), ("payment_intent", False)]

    # The operator gives the key the permission; the next delivery asks again, outside too.
    calls = asked_outside_any_transaction(
        monkeypatch, {"invoice_payments": {"data": []}, "payment_intent": {"metadata": {}}}
    )
    again = se.post_event(client, refund)
    assert (again.status_code, again.json()["outcome"]) == (200, "ignored")
    assert calls == [("invoice_payments", False), ("payment_intent", False)]
    assert StripeEvent.objects.get(event_id=refund["id"]).outcome == StripeEvent.Outcome.IGNORED


# A restricted key without a permission ------------------------------------------------------------


def test_a_key_that_may_not_read_payment_intents_defers_the_refund_and_names_the_permission(
    client, campaign, monkeypatch, caplog
):
    import stripe

    # A refund of a payment not in the ledger, whose charge names no campaign: only Stripe can
    # say whether it is a donation's. Ignoring it for good would lose a donation's refund.
    fake = stripe_knows(monkeypatch, metadata={})
    fake.v1.payment_intents.retrieve.side_effect = stripe.PermissionError(
        "The provided key does not have the required permissions", http_status=403
    )
    refund = se.event("charge.refunded", se.charge(payment_intent="pi_secret", campaign=None))
    answer = se.post_event(client, refund)
    assert (answer.status_code, answer.json()["outcome"]) == (409, "deferred")
    assert "lacks the permission “Payment Intents: read”" in answer.json()["message"]
    record = StripeEvent.objects.get(event_id=refund["id"])  # what the admin's list shows
    assert record.outcome == StripeEvent.Outcome.DEFERRED
    assert "Payment Intents: read" in record.message
    errors = [r for r in caplog.records if r.levelname == "ERROR" and "pi_secret" in r.getMessage()]
    assert errors and "Payment Intents: read" in errors[0].getMessage()

    # The operator gives the key the permission; Stripe's next delivery is handled.
    fake.v1.payment_intents.retrieve.side_effect = None
    again = se.post_event(client, refund)
    assert (again.status_code, again.json()["outcome"]) == (200, "ignored")


def test_a_key_that_may_not_read_invoices_defers_a_monthly_refund(client, campaign, monkeypatch):
    import stripe

    fake = stripe_knows(monkeypatch, metadata={})
    fake.v1.invoice_payments.list.side_effect = stripe.PermissionError("no", http_status=403)
    refund = se.event("charge.refunded", se.charge(payment_intent="pi_m", campaign=None))
    answer = se.post_event(client, refund)
    assert (answer.status_code, answer.json()["outcome"]) == (409, "deferred")
    assert "“Invoices: read”" in answer.json()["message"]


def test_a_paid_gift_with_an_abusive_public_name_counts_but_is_not_thanked_by_it(client, campaign):
    session = se.checkout_session(campaign="campaign")
    pending = pending_donation(campaign, session_id=session["id"])
    Donation.objects.filter(pk=pending.pk).update(
        public_name="Paki"
    )  # typed before names were checked

    response = se.post_event(client, se.event("checkout.session.completed", session))

    assert response.status_code == 200
    donation = Donation.objects.get()
    assert donation.status == Donation.Status.COMPLETED
    assert raised(campaign) == 2500
    assert donation.public_name == ""
    assert "Public name withheld" in donation.note and "Paki" in donation.note
    assert selectors.recent_supporters(campaign) == []
