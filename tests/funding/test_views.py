"""The donate page, Stripe Checkout (mocked client, arguments asserted) and donor self-service."""

from unittest import mock

import pytest
import stripe
from bs4 import BeautifulSoup
from django.core import mail
from wagtail.models import PageViewRestriction

from masthead.funding import gateway
from masthead.funding.donor_links import LINK_EXPIRED, LINK_INVALID, donor_from_token, donor_token
from masthead.funding.forms import CHOOSE_AN_AMOUNT, ENTER_AN_AMOUNT
from masthead.funding.models import Donation, LedgerEntry
from masthead.funding.money import AMOUNT_TOO_LONG, MAX_AMOUNT_CHARS, NOT_A_NUMBER
from masthead.funding.services.ledger import AMOUNT_NOT_POSITIVE
from masthead.funding.views import DONATION_CANCELLED, PAYMENT_SERVICE_DOWN, PAYMENTS_OFF
from tests.factories import make_article
from tests.funding import stripe_events as se
from tests.funding.factories import make_donor, plain

pytestmark = pytest.mark.django_db


@pytest.fixture
def fake_stripe(monkeypatch):
    """A stand-in StripeClient: records calls, answers like Stripe, never touches the network."""
    client = mock.MagicMock()
    client.v1.checkout.sessions.create.return_value = {
        "id": "cs_test_123",
        "url": "https://checkout.stripe.com/c/pay/cs_test_123",
    }
    monkeypatch.setattr(gateway, "stripe_client", lambda: client)
    return client


def soup(response):
    return BeautifulSoup(response.content, "html.parser")


def test_the_donate_page_offers_presets_custom_amount_and_frequency(client, campaign):
    article = make_article(title="Harbour dredging")
    page = soup(client.get(f"/donate/?article={article.pk}"))
    amounts = [i["value"] for i in page.select('input[name="amount"]')]
    assert amounts == ["5", "10", "25", "50", "other"]
    assert [i["value"] for i in page.select('input[name="frequency"]')] == ["one_time", "monthly"]
    assert page.select_one("#id_custom_amount") is not None
    assert page.select_one('input[name="article"]')["value"] == str(article.pk)
    assert "Harbour dredging" in page.select_one(".donate__from").text
    assert page.select_one('[role="progressbar"]') is not None


@pytest.mark.parametrize("article", ["99999999999999999999", "abc", "-3", "²"])
def test_a_garbled_article_in_the_link_still_shows_the_donate_page(client, campaign, article):
    response = client.get(f"/donate/?article={article}")
    assert response.status_code == 200
    assert soup(response).select_one(".donate__from") is None


@pytest.mark.parametrize("restricted", ["article", "section"])
@pytest.mark.parametrize(
    "restriction_type", [PageViewRestriction.PASSWORD, PageViewRestriction.LOGIN]
)
def test_the_donate_page_does_not_name_a_private_article(
    client, campaign, fake_stripe, restricted, restriction_type
):
    article = make_article(title="Embargoed: the mayor resigns")
    page = article if restricted == "article" else article.get_parent()
    PageViewRestriction.objects.create(
        page=page, restriction_type=restriction_type, password="members"
    )
    response = client.get(f"/donate/?article={article.pk}")
    assert "Embargoed" not in response.content.decode()
    assert article.url not in response.content.decode()
    assert soup(response).select_one(".donate__from") is None

    client.post("/donate/", {"frequency": "one_time", "amount": "25", "article": article.pk})
    params = fake_stripe.v1.checkout.sessions.create.call_args.kwargs["params"]
    assert params["metadata"]["article"] == ""  # nor is it sent to Stripe or kept on the gift
    assert Donation.objects.get().article is None


def test_a_one_time_gift_creates_a_checkout_session_and_a_pending_donation(
    client, campaign, fake_stripe
):
    article = make_article()
    response = client.post(
        "/donate/",
        {"frequency": "one_time", "amount": "25", "public_name": " Rita ", "article": article.pk},
    )
    assert response.status_code == 302
    assert response["Location"] == "https://checkout.stripe.com/c/pay/cs_test_123"
    params = fake_stripe.v1.checkout.sessions.create.call_args.kwargs["params"]
    assert params["mode"] == "payment"
    assert params["line_items"] == [
        {
            "price_data": {
                "currency": "usd",
                "unit_amount": 2500,
                "product_data": {
                    "name": "Donation to The Harbour Ledger",
                    "description": campaign.name,
                },
            },
            "quantity": 1,
        }
    ]
    assert params["metadata"] == {"campaign": "campaign", "article": str(article.pk)}
    assert params["payment_intent_data"]["metadata"] == params["metadata"]
    assert params["submit_type"] == "donate"
    assert (
        params["success_url"] == "http://testserver/donate/thanks/?session_id={CHECKOUT_SESSION_ID}"
    )
    assert params["cancel_url"].startswith("http://testserver/donate/?cancelled=1")
    donation = Donation.objects.get(stripe_checkout_session_id="cs_test_123")
    assert (donation.status, donation.amount_minor, donation.public_name) == (
        "pending",
        2500,
        "Rita",
    )
    assert donation.article == article
    assert LedgerEntry.objects.count() == 0  # only a signed webhook counts money


def test_stripe_sends_the_reader_back_to_the_sites_address_whatever_host_the_request_named(
    client, campaign, fake_stripe, settings
):
    """Behind a proxy, or with a forged Host header, the request does not name the address
    readers use: Stripe's return addresses come from the site's, as the e-mails' links do."""
    from wagtail.models import Site

    Site.objects.filter(is_default_site=True).update(hostname="news.example", port=443)
    settings.ALLOWED_HOSTS = ["*"]

    client.post("/donate/", {"frequency": "one_time", "amount": "25"}, HTTP_HOST="evil.example")

    params = fake_stripe.v1.checkout.sessions.create.call_args.kwargs["params"]
    assert params["success_url"] == (
        "https://news.example/donate/thanks/?session_id={CHECKOUT_SESSION_ID}"
    )
    assert params["cancel_url"].startswith("https://news.example/donate/?cancelled=1")


def test_a_monthly_gift_is_a_subscription_with_inline_monthly_price_data(
    client, campaign, fake_stripe
):
    client.post("/donate/", {"frequency": "monthly", "amount": "other", "custom_amount": "12.50"})
    params = fake_stripe.v1.checkout.sessions.create.call_args.kwargs["params"]
    assert params["mode"] == "subscription"
    price = params["line_items"][0]["price_data"]
    assert price["unit_amount"] == 1250
    assert price["recurring"] == {"interval": "month"}
    assert params["subscription_data"]["metadata"] == {"campaign": "campaign", "article": ""}
    assert "payment_intent_data" not in params and "submit_type" not in params
    assert Donation.objects.get().frequency == "monthly"


def test_without_javascript_an_amount_typed_beside_the_checked_preset_is_the_one_given(
    client, campaign, fake_stripe
):
    # The page comes with a preset checked; without JavaScript "Other amount" is a plain field.
    client.post("/donate/", {"frequency": "one_time", "amount": "10", "custom_amount": "30"})
    params = fake_stripe.v1.checkout.sessions.create.call_args.kwargs["params"]
    assert params["line_items"][0]["price_data"]["unit_amount"] == 3000
    assert Donation.objects.get().amount_minor == 3000


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"amount": "other", "custom_amount": "0"}, "The smallest gift we can take is $1"),
        ({"amount": "other", "custom_amount": "-5"}, AMOUNT_NOT_POSITIVE),
        ({"amount": "other", "custom_amount": "0.5"}, "The smallest gift we can take is $1"),
        (
            {"amount": "other", "custom_amount": "10001"},
            "Gifts above $10,000 cannot be made online",
        ),
        ({"amount": "other", "custom_amount": "lots"}, NOT_A_NUMBER),
        ({"amount": "other", "custom_amount": "1e3"}, NOT_A_NUMBER),
        ({"amount": "other", "custom_amount": "1E+1000000"}, NOT_A_NUMBER),
        ({"amount": "other", "custom_amount": "Infinity"}, NOT_A_NUMBER),
        ({"amount": "1E+1000000"}, NOT_A_NUMBER),
        ({"amount": "1" * 500}, AMOUNT_TOO_LONG % {"limit_value": MAX_AMOUNT_CHARS}),
        (
            {"amount": "other", "custom_amount": "1" * 500},
            AMOUNT_TOO_LONG % {"limit_value": MAX_AMOUNT_CHARS},
        ),
        (
            {"amount": "other", "custom_amount": "1.234"},
            "USD amounts have at most 2 decimal places",
        ),
        ({"amount": "other", "custom_amount": ""}, ENTER_AN_AMOUNT),
        ({"amount": ""}, CHOOSE_AN_AMOUNT),
    ],
)
def test_bad_amounts_are_refused_with_a_clear_message_and_the_form_kept(
    client, campaign, fake_stripe, data, message
):
    response = client.post("/donate/", {"frequency": "one_time", "public_name": "Rita", **data})
    assert response.status_code == 200
    assert str(message) in plain(response.content.decode())
    assert soup(response).select_one("#id_public_name")["value"] == "Rita"
    fake_stripe.v1.checkout.sessions.create.assert_not_called()
    assert Donation.objects.count() == 0


def test_every_refused_field_says_why_beside_it(client, campaign, fake_stripe):
    """A gift that is neither one-time nor monthly, or a name over 80 characters (sent by a
    script, or a browser that ignores maxlength), came back as the same form without a word."""
    for data, field in (
        ({"frequency": "weekly", "amount": "25"}, "frequency"),
        ({"frequency": "one_time", "amount": "25", "public_name": "R" * 81}, "public_name"),
    ):
        response = client.post("/donate/", data)
        assert response.status_code == 200
        errors = [plain(p.get_text()) for p in soup(response).select(".field-error")]
        assert any(errors), (field, errors)
    fake_stripe.v1.checkout.sessions.create.assert_not_called()


def test_the_amount_bounds_come_from_settings(client, campaign, fake_stripe, settings):
    settings.FUNDING_MAX_AMOUNT = 100
    response = client.post(
        "/donate/", {"frequency": "one_time", "amount": "other", "custom_amount": "150"}
    )
    assert "Gifts above $100" in plain(response.content.decode())


def test_without_stripe_keys_the_page_says_payments_are_off(
    client, campaign, settings, no_stripe_network
):
    settings.STRIPE_SECRET_KEY = ""
    page = client.get("/donate/")
    assert PAYMENTS_OFF in page.content.decode()
    assert soup(page).select_one(".donate-form button[type=submit]").has_attr("disabled")
    response = client.post("/donate/", {"frequency": "one_time", "amount": "25"})
    assert PAYMENTS_OFF in response.content.decode()
    assert Donation.objects.count() == 0


def test_back_from_a_cancelled_checkout_the_reader_is_told_nothing_was_charged(
    client, campaign, settings, no_stripe_network
):
    cancelled = "Your payment was cancelled; nothing was charged. You can try again below."
    assert cancelled in plain(client.get("/donate/?cancelled=1").content.decode())
    assert cancelled not in plain(client.get("/donate/").content.decode())
    # payments switched off meanwhile: no "try again" pointing at a disabled form
    settings.STRIPE_SECRET_KEY = ""
    page = plain(client.get("/donate/?cancelled=1").content.decode())
    assert PAYMENTS_OFF in page and cancelled not in page


def test_when_stripe_cannot_be_reached_the_reader_is_told_nothing_was_charged(
    client, campaign, fake_stripe
):
    fake_stripe.v1.checkout.sessions.create.side_effect = stripe.APIConnectionError("timeout")
    response = client.post("/donate/", {"frequency": "one_time", "amount": "25"})
    assert PAYMENT_SERVICE_DOWN in response.content.decode()
    assert Donation.objects.count() == 0


def test_a_key_without_the_checkout_permission_is_logged_naming_it_and_the_reader_told(
    client, campaign, fake_stripe, caplog
):
    fake_stripe.v1.checkout.sessions.create.side_effect = stripe.PermissionError(
        "The provided key 'rk_test_…' does not have the required permissions", http_status=403
    )
    response = client.post("/donate/", {"frequency": "one_time", "amount": "25"})
    assert response.status_code == 200
    assert PAYMENT_SERVICE_DOWN in response.content.decode()
    assert Donation.objects.count() == 0
    logged = [record for record in caplog.records if record.levelname == "ERROR"]
    assert logged and "lacks the permission “Checkout Sessions: write”" in caplog.text


def test_without_a_current_campaign_the_page_says_so(client, db):
    from tests.factories import make_home

    make_home()
    assert "not collecting donations" in client.get("/donate/").content.decode()


@pytest.mark.parametrize("session_id", ["a%00b", "cs_test_1%00", "cs_%2F..", "cs_" + "x" * 300])
def test_a_garbled_session_id_gets_the_plain_thank_you_page(
    client, campaign, session_id, database_refuses_nul
):
    # PostgreSQL refuses a query with a NUL character in it; the reader must not see a 500.
    response = client.get(f"/donate/thanks/?session_id={session_id}")
    assert response.status_code == 200
    assert campaign.thank_you in response.content.decode()


def test_the_thank_you_page_thanks_but_counts_nothing(client, campaign):
    Donation.objects.create(
        campaign=campaign, amount_minor=100, currency="USD", stripe_checkout_session_id="cs_x"
    )
    response = client.get("/donate/thanks/?session_id=cs_x")
    assert campaign.thank_you in response.content.decode()
    assert LedgerEntry.objects.count() == 0


def thanks_text(client, session_id: str | None) -> str:
    query = f"?session_id={session_id}" if session_id is not None else ""
    response = client.get(f"/donate/thanks/{query}")
    assert response.status_code == 200
    assert "no-cache" in response["Cache-Control"]  # reloaded, it says what is known by then
    main = BeautifulSoup(response.content, "html.parser").select_one(".donate")
    return plain(main.get_text(" "))


RECEIPT_ON_ITS_WAY = "A receipt is on its way to your inbox"


def test_the_thank_you_page_says_thank_you_once_under_a_campaigns_own_words(client, campaign):
    shown = thanks_text(client, None)
    assert shown.startswith("Reader funded Thank you Every gift counts, and yours keeps our")
    assert shown.lower().count("thank you") == 1  # the heading, not again in the next sentence


@pytest.mark.parametrize("session_id", [None, "", "cs_test_never_started_here"])
def test_the_thank_you_page_promises_no_receipt_for_a_payment_it_does_not_know(
    client, campaign, session_id, no_stripe_network
):
    shown = thanks_text(client, session_id)
    assert "Thank you" in shown and campaign.thank_you in shown
    assert "receipt" not in shown.lower()


def test_the_thank_you_page_says_the_receipt_follows_once_the_webhook_confirms_the_payment(
    client, campaign, no_stripe_network
):
    session = se.checkout_session(campaign="campaign", amount=2500)
    Donation.objects.create(
        campaign=campaign,
        amount_minor=2500,
        currency="USD",
        stripe_checkout_session_id=session["id"],
    )
    shown = thanks_text(client, session["id"])
    assert "We will e-mail your receipt once it is confirmed" in shown
    assert RECEIPT_ON_ITS_WAY not in shown

    # Stripe's webhook confirms it: the same address now says the receipt is on its way.
    se.post_event(client, se.event("checkout.session.completed", session))
    shown = thanks_text(client, session["id"])
    assert "Your payment is confirmed." in shown and RECEIPT_ON_ITS_WAY in shown
    assert "once it is confirmed" not in shown
    assert len(mail.outbox) == 1

    # Refunded in full, it has no receipt to promise.
    refund = se.charge(payment_intent=session["payment_intent"], amount=2500, amount_refunded=2500)
    se.post_event(client, se.event("charge.refunded", refund))
    shown = thanks_text(client, session["id"])
    assert "gone back to you in full" in shown and RECEIPT_ON_ITS_WAY not in shown


def test_the_thank_you_page_says_when_a_delayed_payment_did_not_go_through(
    client, campaign, no_stripe_network
):
    session = se.checkout_session(campaign="campaign", amount=2500, payment_status="unpaid")
    Donation.objects.create(
        campaign=campaign,
        amount_minor=2500,
        currency="USD",
        stripe_checkout_session_id=session["id"],
    )
    se.post_event(client, se.event("checkout.session.completed", session))  # paid later, or not
    assert "once it is confirmed" in thanks_text(client, session["id"])

    se.post_event(client, se.event("checkout.session.async_payment_failed", session))
    shown = thanks_text(client, session["id"])
    assert "Your payment did not go through" in shown and "Nothing was charged" in shown
    assert "receipt" not in shown.lower()


# Donor self-service ----------------------------------------------------------------------------


def monthly_donation_by_webhook(client, campaign):
    session = se.checkout_session(
        campaign="campaign", mode="subscription", amount=1000, email="mo@example.com"
    )
    se.post_event(client, se.event("checkout.session.completed", session))
    return Donation.objects.get(stripe_subscription_id=session["subscription"])


def test_the_receipt_links_to_a_page_where_the_donor_stops_the_monthly_gift(
    client, campaign, fake_stripe
):
    donation = monthly_donation_by_webhook(client, campaign)
    [receipt] = mail.outbox
    link = next(line for line in receipt.body.splitlines() if "/donate/manage/" in line).strip()
    path = link.removeprefix("http://127.0.0.1:8000")

    page = client.get(path)
    assert page.status_code == 200
    assert page["Referrer-Policy"] == "no-referrer"
    text = plain(page.content.decode())
    assert "mo@example.com" in text and "$10 monthly" in text
    form = soup(page).select_one("form.donor-gift__cancel")

    response = client.post(form["action"], follow=True)
    fake_stripe.v1.subscriptions.cancel.assert_called_once_with(donation.stripe_subscription_id)
    donation.refresh_from_db()
    assert donation.status == Donation.Status.CANCELLED
    assert DONATION_CANCELLED in response.content.decode()
    assert soup(response).select_one("form.donor-gift__cancel") is None
    # Stripe's own event afterwards changes nothing more.
    se.post_event(
        client,
        se.event(
            "customer.subscription.deleted",
            se.subscription(subscription_id=donation.stripe_subscription_id),
        ),
    )
    donation.refresh_from_db()
    assert donation.status == Donation.Status.CANCELLED


def test_a_donor_cannot_cancel_someone_elses_donation(client, campaign, fake_stripe):
    donation = monthly_donation_by_webhook(client, campaign)
    stranger = make_donor()
    response = client.post(f"/donate/manage/{donor_token(stranger)}/cancel/{donation.pk}/")
    assert response.status_code == 404
    fake_stripe.v1.subscriptions.cancel.assert_not_called()


def test_forged_and_expired_donor_links_are_refused(client, db):
    donor = make_donor()
    token = donor_token(donor)
    forged = client.get(f"/donate/manage/{token[:-2]}xx/")
    assert forged.status_code == 403 and LINK_INVALID in forged.content.decode()
    from masthead.funding.donor_links import BadDonorLink

    with pytest.raises(BadDonorLink, match=LINK_EXPIRED):
        donor_from_token(token, max_age=-1)
    donor.email = "changed@example.com"
    donor.save()
    assert client.get(f"/donate/manage/{token}/").status_code == 403
    for garbled in ("²:abc", "99999999999999999999:abc"):
        assert client.get(f"/donate/manage/{garbled}/").status_code == 403


def test_one_network_cannot_start_checkouts_without_end(campaign, fake_stripe):
    from django.test import Client

    from masthead.funding.views import CHECKOUTS_PER_NETWORK_PER_HOUR, TOO_MANY_CHECKOUTS

    fake_stripe.v1.checkout.sessions.create.side_effect = [
        {"id": f"cs_test_{n}", "url": f"https://checkout.stripe.com/c/pay/cs_test_{n}"}
        for n in range(CHECKOUTS_PER_NETWORK_PER_HOUR + 1)
    ]
    gift = {"frequency": "one_time", "amount": "25", "public_name": "Rita"}
    bot = Client(REMOTE_ADDR="198.51.100.20")
    for _ in range(CHECKOUTS_PER_NETWORK_PER_HOUR):
        assert bot.post("/donate/", gift).status_code == 302
    refused = bot.post("/donate/", gift)
    assert refused.status_code == 429 and TOO_MANY_CHECKOUTS in refused.content.decode()
    assert 'value="Rita"' in refused.content.decode()  # what was typed is kept
    assert fake_stripe.v1.checkout.sessions.create.call_count == CHECKOUTS_PER_NETWORK_PER_HOUR
    assert Donation.objects.count() == CHECKOUTS_PER_NETWORK_PER_HOUR
    # Readers elsewhere still give.
    assert Client(REMOTE_ADDR="203.0.113.8").post("/donate/", gift).status_code == 302


def test_the_donate_page_names_amounts_as_the_sites_language_writes_them(client, campaign):
    """Presets, the bar and the limits read "$25", "from $1 to $10,000", not "25 $" and
    "from 1 to 10000 USD"."""
    page = soup(client.get("/donate/"))
    presets = [plain(label.get_text()) for label in page.select(".amounts__option span")]
    assert presets[:2] == ["$5", "$10"]
    assert plain(page.select_one(".goal-bar__of").get_text()) == "raised of $5,000"
    custom = plain(page.select_one('label[for="id_custom_amount"]').get_text(" "))
    assert custom == "Other amount (from $1 to $10,000)"


def test_without_javascript_a_refused_amount_is_worded_in_the_sites_money_style(
    client, campaign, fake_stripe
):
    """The browser's check said "1 $" on a site that chose that style, the server's "$1"."""
    from wagtail.models import Site

    from masthead.funding.models import FundingSettings
    from masthead.funding.money import STYLE_AMOUNT_SYMBOL

    settings = FundingSettings.for_site(Site.objects.get(is_default_site=True))
    settings.money_style = STYLE_AMOUNT_SYMBOL
    settings.save()

    response = client.post(
        "/donate/", {"frequency": "one_time", "amount": "other", "custom_amount": "0.5"}
    )
    form = soup(response).select_one("form.donate-form")
    assert plain(form["data-too-small"]) == "The smallest gift we can take is 1 $."
    assert "The smallest gift we can take is 1 $." in plain(response.content.decode())
    custom = plain(soup(response).select_one('label[for="id_custom_amount"]').get_text(" "))
    assert custom == "Other amount (from 1 $ to 10,000 $)"


def test_a_refused_gift_says_so_in_the_page_title(client, campaign, fake_stripe):
    """A screen reader reads the title first after the reload, as on the comment form."""
    assert "<title>Error: " not in client.get("/donate/").content.decode()
    response = client.post("/donate/", {"frequency": "one_time", "amount": ""})
    assert "<title>Error: " in response.content.decode()


def test_an_abusive_name_to_thank_is_refused_beside_it_and_the_gift_kept(
    client, campaign, fake_stripe
):
    from masthead.accounts.names import NAME_ABUSIVE

    gift = {"frequency": "one_time", "amount": "", "custom_amount": "37", "public_name": "Paki"}
    response = client.post("/donate/", gift)
    assert response.status_code == 200
    assert NAME_ABUSIVE in plain(response.content.decode())
    assert soup(response).select_one("#id_custom_amount")["value"] == "37"
    fake_stripe.v1.checkout.sessions.create.assert_not_called()
    assert Donation.objects.count() == 0
