"""Next month's campaign: chosen ahead in Settings → Reader funding, it takes over at midnight
(site's time zone) on the first day of its month, with no one awake to switch it."""

from datetime import UTC, date, datetime

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import date_format
from wagtail.models import Site

from masthead.funding import selectors
from masthead.funding.models import Campaign, FundingSettings
from masthead.funding.selectors import Month
from masthead.funding.settings_form import (
    NEXT_CAMPAIGN_INACTIVE,
    NEXT_CAMPAIGN_IS_CURRENT,
    NEXT_CAMPAIGN_NEEDS_A_MONTH,
    NEXT_MONTH_NOT_TO_COME,
)
from tests.factories import make_article
from tests.funding.factories import make_campaign, make_manual_gift, plain

pytestmark = pytest.mark.django_db

SETTINGS_URL = "/admin/settings/funding/fundingsettings/"


@pytest.fixture
def november(db):
    return make_campaign(slug="november-drive", name="November drive", goal_minor=300_000)


@pytest.fixture
def december(db):
    return make_campaign(
        slug="december-drive", name="December drive", goal_minor=800_000, current=False
    )


def site() -> Site:
    return Site.objects.get(is_default_site=True)


def schedule(campaign, starts: date) -> FundingSettings:
    settings = FundingSettings.for_site(site())
    settings.next_campaign, settings.next_campaign_starts = campaign, starts
    settings.save()
    return settings


def test_the_next_campaign_takes_over_at_midnight_in_the_sites_time_zone(
    settings, november, december
):
    settings.TIME_ZONE = "America/New_York"
    schedule(december, date(2026, 12, 1))
    make_manual_gift(
        campaign=december, amount_minor=12_500, received_at=datetime(2026, 12, 1, 5, 30, tzinfo=UTC)
    )
    # Midnight on 1 December in New York is 05:00 UTC.
    last_minute = datetime(2026, 12, 1, 4, 59, 59, tzinfo=UTC)
    first_minute = datetime(2026, 12, 1, 5, 0, tzinfo=UTC)

    assert selectors.campaign_at(site=site(), now=last_minute) == november
    assert selectors.campaign_at(site=site(), now=first_minute) == december
    assert selectors.campaign_at(site=site(), now=datetime(2027, 3, 1, tzinfo=UTC)) == december

    # The panel every article shows is cached, and still turns with the month.
    before = selectors.site_funding(site=site(), now=last_minute)
    after = selectors.site_funding(site=site(), now=first_minute)
    assert (before.bar.progress.name, before.bar.progress.period) == ("November drive", "2026-11")
    assert (after.bar.progress.name, after.bar.progress.period) == ("December drive", "2026-12")
    assert plain(after.bar.text) == "$125 raised of the $8,000 goal for December 2026"
    later = selectors.site_funding(site=site(), now=datetime(2026, 12, 2, tzinfo=UTC))
    assert later.bar.progress.raised_minor == 12_500

    dashboard = selectors.dashboard_funding(site=site(), now=first_minute)
    assert dashboard.bar.progress.slug == "december-drive"


def test_a_next_campaign_made_inactive_before_its_month_leaves_the_current_one_running(
    november, december
):
    schedule(december, date(2026, 12, 1))
    december.active = False
    december.save()
    assert selectors.campaign_at(site=site(), now=datetime(2026, 12, 5, tzinfo=UTC)) == november


def this_month() -> Month:
    return Month.of(timezone.now())


def test_readers_see_the_current_campaign_until_the_next_ones_month(client, november, december):
    schedule(december, this_month().next().first_day)

    donate = BeautifulSoup(client.get("/donate/").content, "html.parser")
    assert "November drive" in donate.text and "December drive" not in donate.text
    api = client.get("/api/v1/campaigns/current").json()
    assert (api["slug"], api["goal_minor"]) == ("november-drive", 300_000)


def test_readers_see_the_next_campaign_everywhere_once_its_month_has_begun(
    client, admin_client, november, december
):
    """Nobody saved the settings at midnight: they still name November's campaign as current."""
    schedule(december, this_month().first_day)
    make_manual_gift(campaign=december, amount_minor=20_000)
    article = make_article(title="The harbour vote")

    donate = BeautifulSoup(client.get("/donate/").content, "html.parser")
    assert "December drive" in donate.text and "November drive" not in donate.text
    assert "$200 raised of $8,000" in plain(donate.text)
    assert "not collecting donations" not in donate.text

    page = plain(BeautifulSoup(client.get(article.url).content, "html.parser").text)
    assert "Support us" in page and "$200 raised of $8,000" in page

    thanks = client.get("/donate/thanks/").content.decode()
    assert "Every gift counts, and yours keeps our reporting free" in thanks

    api = client.get("/api/v1/campaigns/current").json()
    assert (api["slug"], api["raised_minor"], api["period"]) == (
        "december-drive",
        20_000,
        this_month().key,
    )

    dashboard = plain(BeautifulSoup(admin_client.get("/admin/").content, "html.parser").text)
    assert "December drive" in dashboard and "$200 raised of $8,000" in dashboard

    # A cheque recorded by hand starts on it too.
    record = BeautifulSoup(admin_client.get(reverse("funding_donation:add")).content, "html.parser")
    assert record.select_one("#id_campaign option[selected]").text == "December drive (USD)"

    # The settings form shows what readers see: December's campaign is the current one.
    form = BeautifulSoup(admin_client.get(SETTINGS_URL, follow=True).content, "html.parser")
    assert form.select_one('select[name="current_campaign"] option[selected]').text == (
        "December drive"
    )
    assert form.select_one('select[name="next_campaign"] option[selected]')["value"] == ""


def settings_form(admin_client) -> tuple[str, dict]:
    """The settings form's address and the values it would post back as it stands."""
    response = admin_client.get(SETTINGS_URL, follow=True)
    page = BeautifulSoup(response.content, "html.parser")
    data = {"other_ways-count": "0"}
    for field in page.select("form input[name], form textarea[name]"):
        if field.get("type") in ("checkbox", "radio") and not field.has_attr("checked"):
            continue
        data[field["name"]] = field.get("value", "") if field.name == "input" else field.text
    for select in page.select("form select[name]"):
        chosen = select.select_one("option[selected]")
        data[select["name"]] = chosen["value"] if chosen else ""
    data = {name: value for name, value in data.items() if not name.startswith("other_ways-")}
    return response.request["PATH_INFO"], {**data, "other_ways-count": "0"}


def errors(response) -> str:
    return plain(BeautifulSoup(response.content, "html.parser").text)


def test_an_editor_schedules_next_months_campaign_from_a_list_of_months(
    admin_client, november, december
):
    url, data = settings_form(admin_client)
    page = BeautifulSoup(admin_client.get(url).content, "html.parser")
    months = [o["value"] for o in page.select('select[name="next_campaign_starts"] option')]
    assert months[:2] == ["", this_month().next().first_day.isoformat()]

    starts = this_month().next().first_day
    response = admin_client.post(
        url, {**data, "next_campaign": december.pk, "next_campaign_starts": starts.isoformat()}
    )
    assert response.status_code == 302, errors(response)
    settings = FundingSettings.for_site(site())
    assert (settings.current_campaign, settings.next_campaign) == (november, december)
    assert settings.next_campaign_starts == starts


@pytest.mark.parametrize("month", ["past", "this"])
def test_a_month_that_is_not_to_come_is_refused(admin_client, november, december, month):
    url, data = settings_form(admin_client)
    starts = date(2020, 1, 1) if month == "past" else this_month().first_day
    response = admin_client.post(
        url, {**data, "next_campaign": december.pk, "next_campaign_starts": starts.isoformat()}
    )
    assert response.status_code == 200
    expected = NEXT_MONTH_NOT_TO_COME % {
        "month": starts.strftime("%B %Y"),
        "this_month": this_month().first_day.strftime("%B %Y"),
    }
    assert plain(str(expected)) in errors(response)
    assert FundingSettings.for_site(site()).next_campaign is None


def test_the_current_campaign_cannot_be_the_next_one(admin_client, november, december):
    url, data = settings_form(admin_client)
    starts = this_month().next().first_day.isoformat()
    response = admin_client.post(
        url, {**data, "next_campaign": november.pk, "next_campaign_starts": starts}
    )
    assert response.status_code == 200
    assert plain(str(NEXT_CAMPAIGN_IS_CURRENT % {"name": "November drive"})) in errors(response)
    assert FundingSettings.for_site(site()).next_campaign is None


def test_an_inactive_campaign_cannot_take_over(admin_client, november, december):
    url, data = settings_form(admin_client)
    december.active = False
    december.save()
    starts = this_month().next().first_day.isoformat()
    response = admin_client.post(
        url, {**data, "next_campaign": december.pk, "next_campaign_starts": starts}
    )
    assert response.status_code == 200
    assert plain(str(NEXT_CAMPAIGN_INACTIVE)) in errors(response)
    assert FundingSettings.for_site(site()).next_campaign is None


def test_a_next_campaign_needs_its_month(admin_client, november, december):
    url, data = settings_form(admin_client)
    response = admin_client.post(url, {**data, "next_campaign": december.pk})
    assert response.status_code == 200
    assert plain(str(NEXT_CAMPAIGN_NEEDS_A_MONTH)) in errors(response)


def test_a_gift_sent_from_a_page_opened_before_the_switch_is_not_read_in_another_currency(
    client, november, monkeypatch
):
    from unittest import mock

    from masthead.funding import gateway
    from masthead.funding.forms import CAMPAIGN_CURRENCY_CHANGED
    from masthead.funding.models import Donation

    stripe = mock.MagicMock()
    stripe.v1.checkout.sessions.create.return_value = {"id": "cs_test_1", "url": "https://s.test"}
    monkeypatch.setattr(gateway, "stripe_client", lambda: stripe)
    euros = make_campaign(slug="dezember", name="Dezember", currency="EUR", current=False)
    page = BeautifulSoup(client.get("/donate/").content, "html.parser")
    shown = page.select_one('input[name="currency"]')["value"]
    assert shown == "USD"
    schedule(euros, this_month().first_day)  # midnight passed while the reader chose

    response = client.post("/donate/", {"frequency": "one_time", "amount": "25", "currency": shown})
    assert response.status_code == 200
    message = CAMPAIGN_CURRENCY_CHANGED % {"campaign": "Dezember", "currency": "EUR"}
    assert plain(str(message)) in plain(BeautifulSoup(response.content, "html.parser").text)
    assert not Donation.objects.exists()

    again = BeautifulSoup(response.content, "html.parser").select_one('input[name="currency"]')
    response = client.post(
        "/donate/", {"frequency": "one_time", "amount": "25", "currency": again["value"]}
    )
    assert response.status_code == 302
    gift = Donation.objects.get()
    assert (gift.campaign, gift.currency, gift.amount_minor) == (euros, "EUR", 2500)


def test_the_form_keeps_the_current_campaign_when_the_next_one_was_made_inactive(
    admin_client, november, december
):
    schedule(december, this_month().first_day)
    december.active = False
    december.save()
    form = BeautifulSoup(admin_client.get(SETTINGS_URL, follow=True).content, "html.parser")
    chosen = form.select_one('select[name="current_campaign"] option[selected]')
    assert chosen.text == "November drive"


# Monthly gifts after the switch ----------------------------------------------------------------


def at(year, month, day) -> int:
    return int(datetime(year, month, day, 12, tzinfo=UTC).timestamp())


def pay_month(client, *, subscription, campaign, paid_at, first=False, amount=1000, **extra):
    from tests.funding import stripe_events as se

    invoice = se.invoice(
        subscription=subscription,
        campaign=campaign,
        amount=amount,
        paid_at=paid_at,
        billing_reason="subscription_create" if first else "subscription_cycle",
        **extra,
    )
    response = se.post_event(client, se.event("invoice.paid", invoice, created=paid_at))
    assert response.status_code == 200, response.content
    return invoice


def raised_in(campaign, year, month) -> int:
    now = datetime(year, month, 20, tzinfo=UTC)
    return selectors.campaign_month_progress(campaign=campaign, now=now).raised_minor


def test_a_monthly_gift_counts_each_month_towards_the_campaign_running_when_it_is_paid(
    admin_client, client, november, december
):
    import csv
    import io

    from masthead.funding.models import Donation, LedgerEntry

    schedule(december, date(2026, 12, 1))
    pay_month(
        client, subscription="sub_1", campaign="november-drive", paid_at=at(2026, 11, 3), first=True
    )
    pay_month(client, subscription="sub_1", campaign="november-drive", paid_at=at(2026, 12, 3))

    # December's bar holds the money that came in December, monthly donors' too.
    assert raised_in(november, 2026, 11) == 1000
    assert raised_in(december, 2026, 12) == 1000
    assert raised_in(november, 2026, 12) == 0
    panel = selectors.site_funding(site=site(), now=datetime(2026, 12, 20, tzinfo=UTC))
    assert (panel.bar.progress.slug, panel.bar.progress.raised_minor) == ("december-drive", 1000)
    # The gift itself still says which campaign the reader chose; its rows, where each counted.
    assert Donation.objects.get().campaign == november
    rows = LedgerEntry.objects.order_by("occurred_at")
    assert [row.campaign.slug for row in rows] == ["november-drive", "december-drive"]

    ledger = admin_client.get(reverse("funding_reports") + "?export=ledger")
    lines = list(csv.DictReader(io.StringIO(ledger.content.decode(), newline="")))
    assert [(line["campaign"], line["amount"]) for line in lines] == [
        ("november-drive", "10.00"),
        ("december-drive", "10.00"),
    ]
    december_only = admin_client.get(
        reverse("funding_reports") + "?export=donations&campaign=december-drive&month=2026-12"
    )
    lines = list(csv.DictReader(io.StringIO(december_only.content.decode(), newline="")))
    assert [line["amount"] for line in lines] == ["10.00"]


def test_a_monthly_gift_counts_towards_a_campaign_an_editor_picked_in_its_place(
    client, november, december
):
    pay_month(
        client, subscription="sub_2", campaign="november-drive", paid_at=at(2026, 11, 3), first=True
    )
    settings = FundingSettings.for_site(site())
    settings.current_campaign = december
    settings.save()
    pay_month(client, subscription="sub_2", campaign="november-drive", paid_at=at(2026, 12, 3))
    assert (raised_in(november, 2026, 12), raised_in(december, 2026, 12)) == (0, 1000)


def test_a_months_refund_comes_off_the_campaign_that_payment_counted_for(
    client, november, december, monkeypatch
):
    from masthead.funding import gateway
    from tests.funding import stripe_events as se

    monkeypatch.setattr(gateway, "invoice_for_payment_intent", lambda pi: None)
    schedule(december, date(2026, 12, 1))
    pay_month(
        client, subscription="sub_3", campaign="november-drive", paid_at=at(2026, 11, 3), first=True
    )
    pay_month(
        client,
        subscription="sub_3",
        campaign="november-drive",
        paid_at=at(2026, 12, 3),
        payment_intent="pi_december",
    )
    refund = se.charge(payment_intent="pi_december", amount=1000, amount_refunded=1000)
    se.post_event(client, se.event("charge.refunded", refund, created=at(2026, 12, 10)))
    assert (raised_in(november, 2026, 12), raised_in(december, 2026, 12)) == (0, 0)
    assert raised_in(november, 2026, 11) == 1000


def test_the_first_payment_counts_for_the_campaign_the_reader_chose(client, november, december):
    """A reader who gave on the last evening of November chose November's campaign, even if
    Stripe marks the first invoice paid just after midnight."""
    schedule(december, date(2026, 12, 1))
    pay_month(
        client, subscription="sub_4", campaign="november-drive", paid_at=at(2026, 12, 1), first=True
    )
    assert (raised_in(november, 2026, 12), raised_in(december, 2026, 12)) == (1000, 0)


def test_a_monthly_gift_stays_with_its_campaign_when_the_running_one_collects_another_currency(
    client, november
):
    euros = make_campaign(slug="dezember", name="Dezember", currency="EUR", current=False)
    schedule(euros, date(2026, 12, 1))
    pay_month(
        client, subscription="sub_5", campaign="november-drive", paid_at=at(2026, 11, 3), first=True
    )
    pay_month(client, subscription="sub_5", campaign="november-drive", paid_at=at(2026, 12, 3))
    assert raised_in(november, 2026, 12) == 1000
    progress = selectors.campaign_month_progress(
        campaign=euros, now=datetime(2026, 12, 20, tzinfo=UTC)
    )
    assert (progress.raised_minor, progress.other_currencies) == (0, ())


# A scheduled campaign is not made inactive or deleted behind the schedule's back -------------


def campaign_form(campaign, **changes) -> dict:
    return {
        "name": campaign.name,
        "slug": campaign.slug,
        "currency": campaign.currency,
        "goal": "8000",
        "marks": "",
        "presets": "",
        "intro": "",
        "thank_you": "Thanks!",
        "active": "on",
        **changes,
    }


def test_making_the_scheduled_next_campaign_inactive_is_refused_with_what_to_do(
    admin_client, november, december
):
    from masthead.funding.admin_forms import NEXT_CAMPAIGN_SCHEDULED

    starts = this_month().next().first_day
    schedule(december, starts)
    edit_url = reverse("funding_campaign:edit", args=[december.pk])
    form = campaign_form(december, intro="Why we ask, rewritten.")
    del form["active"]
    response = admin_client.post(edit_url, form)

    assert response.status_code == 200  # the form again, with the editor's text in it
    expected = NEXT_CAMPAIGN_SCHEDULED % {
        "name": "December drive",
        "date": date_format(starts, "j F Y"),
    }
    assert plain(str(expected)) in errors(response)
    assert "Why we ask, rewritten." in response.content.decode()
    december.refresh_from_db()
    assert december.active
    settings = FundingSettings.for_site(site())
    assert (settings.next_campaign, settings.next_campaign_starts) == (december, starts)

    # Another campaign, or the scheduled one kept active, saves as before.
    assert admin_client.post(edit_url, campaign_form(december)).status_code == 302
    other = make_campaign(slug="spare", name="Spare", current=False)
    spare = campaign_form(other)
    del spare["active"]
    response = admin_client.post(reverse("funding_campaign:edit", args=[other.pk]), spare)
    assert response.status_code == 302


def test_deleting_the_scheduled_next_campaign_is_refused_with_what_to_do(
    admin_client, november, december
):
    from masthead.funding.admin_views import NEXT_CAMPAIGN_NOT_DELETED

    starts = this_month().next().first_day
    schedule(december, starts)
    delete_url = reverse("funding_campaign:delete", args=[december.pk])
    edit_url = reverse("funding_campaign:edit", args=[december.pk])
    expected = NEXT_CAMPAIGN_NOT_DELETED % {
        "name": "December drive",
        "date": date_format(starts, "j F Y"),
    }
    for attempt in (admin_client.get, admin_client.post):
        response = attempt(delete_url, follow=True)
        assert response.redirect_chain == [(edit_url, 302)]
        assert plain(str(expected)) in errors(response)
    settings = FundingSettings.for_site(site())
    assert (settings.next_campaign, settings.next_campaign_starts) == (december, starts)


def test_once_the_next_campaign_has_taken_over_the_refusals_say_it_took_over_not_will(
    admin_client, november, december
):
    from masthead.funding.admin_forms import NEXT_CAMPAIGN_TOOK_OVER
    from masthead.funding.admin_views import NEXT_CAMPAIGN_TOOK_OVER_NOT_DELETED

    started = this_month().first_day  # the switch happened at midnight on the first
    schedule(december, started)
    when = {"name": "December drive", "date": date_format(started, "j F Y")}
    edit_url = reverse("funding_campaign:edit", args=[december.pk])
    form = campaign_form(december)
    del form["active"]
    shown = errors(admin_client.post(edit_url, form))
    assert plain(str(NEXT_CAMPAIGN_TOOK_OVER % when)) in shown
    assert "taking over on" not in shown
    assert "took over on " + when["date"] in shown

    response = admin_client.post(
        reverse("funding_campaign:delete", args=[december.pk]), follow=True
    )
    shown = errors(response)
    assert plain(str(NEXT_CAMPAIGN_TOOK_OVER_NOT_DELETED % when)) in shown
    assert "taking over on" not in shown
    december.refresh_from_db()
    assert december.active
    settings = FundingSettings.for_site(site())
    assert (settings.next_campaign, settings.next_campaign_starts) == (december, started)


@pytest.mark.parametrize("month", ["begun", "to come"])
def test_an_inactive_campaign_left_as_next_by_an_old_schedule_is_not_said_to_take_over(
    admin_client, november, december, month, monkeypatch
):
    # Old data: the settings and the campaign form now refuse to leave an inactive campaign next.
    from masthead.funding.admin_views import INACTIVE_NEXT_CAMPAIGN_NOT_DELETED
    from masthead.publishing import page_cache

    monkeypatch.setattr(page_cache, "_VERSION_MEMO_SECONDS", -1)
    starts = this_month().first_day if month == "begun" else this_month().next().first_day
    schedule(december, starts)
    december.active = False
    december.save()
    when = {"name": "December drive", "date": date_format(starts, "j F Y")}
    delete_url = reverse("funding_campaign:delete", args=[december.pk])

    shown = errors(admin_client.post(delete_url, follow=True))
    assert plain(str(INACTIVE_NEXT_CAMPAIGN_NOT_DELETED % when)) in shown
    assert "readers give to it now" not in shown
    assert "took over on" not in shown and "taking over on" not in shown
    assert selectors.campaign_at(site=site(), now=timezone.now()) == november
    # Nor does the dashboard announce it.
    panel = dashboard_panel(admin_client)
    assert "November drive" in panel and "December drive" not in panel

    # What the message says to do works: the settings saved with no next campaign, it goes.
    url, data = settings_form(admin_client)
    assert data["next_campaign"] == ""  # the form does not offer an inactive campaign
    response = admin_client.post(url, {**data, "next_campaign": "", "next_campaign_starts": ""})
    assert response.status_code == 302, errors(response)
    response = admin_client.post(delete_url, follow=True)
    assert not Campaign.objects.filter(pk=december.pk).exists(), errors(response)


# The dashboard says what is scheduled ------------------------------------------------------------


def dashboard_panel(admin_client) -> str:
    page = BeautifulSoup(admin_client.get("/admin/").content, "html.parser")
    return plain(page.find(id="reader-funding-section").get_text(" "))


def test_the_dashboard_shows_the_campaign_scheduled_to_take_over_and_when(
    admin_client, november, december, monkeypatch, django_capture_on_commit_callbacks
):
    from masthead.publishing import page_cache

    # Saving the settings moves the content version on (after commit); read it on every request.
    monkeypatch.setattr(page_cache, "_VERSION_MEMO_SECONDS", -1)
    assert "Next:" not in dashboard_panel(admin_client)
    starts = this_month().next().first_day
    with django_capture_on_commit_callbacks(execute=True):
        schedule(december, starts)
    panel = dashboard_panel(admin_client)
    assert "November drive" in panel
    assert f"Next: December drive from {date_format(starts, 'j F Y')}" in panel

    # Once its month has begun it is the campaign shown, and nothing is to come.
    with django_capture_on_commit_callbacks(execute=True):
        schedule(december, this_month().first_day)
    panel = dashboard_panel(admin_client)
    assert "December drive" in panel and "Next:" not in panel


def test_with_no_campaign_running_the_dashboard_still_shows_the_one_scheduled_to_take_over(
    admin_client, december, monkeypatch, django_capture_on_commit_callbacks
):
    from masthead.publishing import page_cache

    monkeypatch.setattr(page_cache, "_VERSION_MEMO_SECONDS", -1)
    starts = this_month().next().first_day
    with django_capture_on_commit_callbacks(execute=True):
        schedule(december, starts)  # and no current campaign
    panel = dashboard_panel(admin_client)
    assert "No campaign is running" in panel
    assert f"Next: December drive from {date_format(starts, 'j F Y')}" in panel

    # A next campaign whose month has begun runs: it is the campaign shown, nothing is to come.
    with django_capture_on_commit_callbacks(execute=True):
        schedule(december, this_month().first_day)
    panel = dashboard_panel(admin_client)
    assert "December drive" in panel
    assert "Next:" not in panel and "No campaign is running" not in panel


def test_after_the_switch_the_dashboard_counts_the_monthly_donors_who_pay_towards_the_new_campaign(
    november, december
):
    from masthead.funding.models import Donation

    def monthly(campaign, currency="USD"):
        Donation.objects.create(
            campaign=campaign,
            frequency=Donation.Frequency.MONTHLY,
            status=Donation.Status.ACTIVE,
            amount_minor=1_000,
            currency=currency,
        )

    monthly(november)
    monthly(november)
    monthly(november, currency="EUR")  # stays with November's bar: December's is in dollars
    schedule(december, this_month().first_day)
    monthly(december)
    elsewhere = make_campaign(slug="elsewhere", current=False)
    other_site = Site.objects.create(hostname="other.example", root_page=site().root_page)
    other_settings = FundingSettings.for_site(other_site)
    other_settings.current_campaign = elsewhere
    other_settings.save()
    monthly(elsewhere)  # pays towards the other site's bar

    dashboard = selectors.dashboard_funding(site=site(), now=timezone.now())
    assert dashboard.bar.progress.slug == "december-drive"
    # November's two dollar donors' next months count towards December's bar, so they are
    # December's monthly donors too.
    assert dashboard.monthly_donors == 3
