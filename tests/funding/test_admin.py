"""The editors' side: campaigns, manual donations, reversal, reports and CSV, in the admin."""

import csv
import html
import io
from datetime import UTC, datetime, timedelta

import pytest
from bs4 import BeautifulSoup
from django.urls import reverse
from django.utils import timezone

from masthead.funding import selectors, services
from masthead.funding.admin_forms import CURRENCY_LOCKED, GOAL_NOT_POSITIVE, CampaignForm
from masthead.funding.admin_views import CAMPAIGN_HAS_RECORDS
from masthead.funding.models import Campaign, Donation, LedgerEntry
from tests.funding.factories import make_campaign, make_manual_gift, plain

pytestmark = pytest.mark.django_db


def test_an_editor_creates_a_campaign_typing_amounts_in_whole_units(admin_client, db):
    response = admin_client.post(
        reverse("funding_campaign:add"),
        {
            "name": "Winter drive",
            "slug": "winter",
            "currency": "EUR",
            "goal": "5000",
            "marks": "0, 1000, 5000",
            "presets": "10, 5, 20.50",
            "intro": "",
            "thank_you": "Thanks!",
            "active": "on",
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    campaign = Campaign.objects.get(slug="winter")
    assert campaign.goal_minor == 500_000
    assert campaign.marks == [0, 100_000, 500_000]
    assert campaign.presets_minor == [500, 1000, 2050]
    edit = admin_client.get(reverse("funding_campaign:edit", args=[campaign.pk]))
    assert 'value="5000' in edit.content.decode()


def test_a_campaign_goal_must_be_positive(admin_client, db):
    response = admin_client.post(
        reverse("funding_campaign:add"),
        {"name": "Bad", "slug": "bad", "currency": "USD", "goal": "0", "thank_you": "x"},
    )
    assert response.status_code == 200
    assert str(GOAL_NOT_POSITIVE) in response.content.decode()
    assert not Campaign.objects.exists()


def test_a_campaign_goal_too_large_to_record_is_refused_with_a_message(admin_client, db):
    response = admin_client.post(
        reverse("funding_campaign:add"),
        {
            "name": "Typo",
            "slug": "typo",
            "currency": "USD",
            "goal": "99999999999999999999",
            "thank_you": "x",
        },
    )
    assert response.status_code == 200
    assert "too large to record" in response.content.decode()
    assert not Campaign.objects.exists()


def campaign_edit(campaign, **changes) -> dict:
    """The campaign's edit form as the admin fills it in, with `changes` typed over it."""
    return {
        "name": campaign.name,
        "slug": campaign.slug,
        "currency": campaign.currency,
        "goal": "5000",
        "marks": "",
        "presets": "",
        "intro": "",
        "thank_you": "Thanks!",
        "active": "on",
        **changes,
    }


def currency_error(response) -> str:
    """The error shown under the Currency field."""
    soup = BeautifulSoup(response.content, "html.parser")
    field = soup.find(attrs={"data-contentpath": "currency"})
    errors = field.find(attrs={"data-field-errors": True}) if field else None
    return plain(errors.get_text(" ")) if errors else ""


def donation_in(campaign, status):
    return Donation.objects.create(
        campaign=campaign, amount_minor=1000, currency=campaign.currency, status=status
    )


@pytest.mark.parametrize(
    "took_money",
    [
        lambda campaign: make_manual_gift(campaign=campaign, amount_minor=500_000),
        lambda campaign: donation_in(campaign, Donation.Status.ACTIVE),  # invoice not paid yet
        lambda campaign: donation_in(campaign, Donation.Status.REFUNDED),
        lambda campaign: donation_in(campaign, Donation.Status.CANCELLED),
    ],
    ids=["manual gift", "monthly, first invoice still unpaid", "refunded", "monthly, cancelled"],
)
def test_a_campaign_that_took_money_keeps_its_currency_and_the_editor_is_told_why(
    admin_client, client, campaign, took_money
):
    took_money(campaign)
    raised_before = client.get("/api/v1/campaigns/current").json()
    edit_url = reverse("funding_campaign:edit", args=[campaign.pk])

    response = admin_client.post(edit_url, campaign_edit(campaign, currency="JPY"))

    assert response.status_code == 200  # the form again, not a redirect
    assert plain(str(CURRENCY_LOCKED % {"taken": "USD"})) in currency_error(response)
    campaign.refresh_from_db()
    assert (campaign.currency, campaign.goal_minor) == ("USD", 500_000)
    assert client.get("/api/v1/campaigns/current").json() == raised_before


def test_a_campaign_only_started_at_checkout_may_still_change_currency(admin_client, campaign):
    for status in (Donation.Status.PENDING, Donation.Status.EXPIRED, Donation.Status.FAILED):
        donation_in(campaign, status)
    response = admin_client.post(
        reverse("funding_campaign:edit", args=[campaign.pk]),
        campaign_edit(campaign, currency="JPY"),
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    assert (campaign.currency, campaign.goal_minor) == ("JPY", 5000)


def test_a_campaign_whose_currency_was_changed_under_its_money_may_go_back(admin_client, campaign):
    make_manual_gift(campaign=campaign, amount_minor=500_000)
    Campaign.objects.filter(pk=campaign.pk).update(currency="JPY", goal_minor=5000)
    campaign.refresh_from_db()
    response = admin_client.post(
        reverse("funding_campaign:edit", args=[campaign.pk]),
        campaign_edit(campaign, currency="USD"),
    )
    assert response.status_code == 302
    campaign.refresh_from_db()
    progress = selectors.campaign_month_progress(campaign=campaign, now=timezone.now())
    assert (progress.currency, progress.raised_minor, progress.goal_minor) == (
        "USD",
        500_000,
        500_000,
    )


def test_a_gift_arriving_while_the_currency_is_being_changed_keeps_the_currency(
    admin_client, campaign, monkeypatch
):
    # The form found no money; a gift was recorded before the change was saved.
    checked = CampaignForm.clean

    def clean_then_a_gift_arrives(form):
        cleaned = checked(form)
        make_manual_gift(campaign=campaign, amount_minor=7_500)
        return cleaned

    monkeypatch.setattr(CampaignForm, "clean", clean_then_a_gift_arrives)
    response = admin_client.post(
        reverse("funding_campaign:edit", args=[campaign.pk]),
        campaign_edit(campaign, currency="JPY"),
    )
    assert response.status_code == 200
    assert plain(str(CURRENCY_LOCKED % {"taken": "USD"})) in currency_error(response)
    campaign.refresh_from_db()
    assert campaign.currency == "USD"
    progress = selectors.campaign_month_progress(campaign=campaign, now=timezone.now())
    assert progress.raised_minor == 7_500


def test_an_editor_records_a_bank_transfer_by_hand_and_the_bar_moves(admin_client, campaign):
    page = admin_client.get(reverse("funding_donation:add"))
    assert page.status_code == 200
    assert 'value="stripe"' not in page.content.decode()  # Stripe gifts come only from webhooks
    received = timezone.now().replace(microsecond=0)
    response = admin_client.post(
        reverse("funding_donation:add"),
        {
            "campaign": campaign.pk,
            "method": "bank_transfer",
            "frequency": "one_time",
            "amount": "250.00",
            "received_at": timezone.localtime(received).strftime("%Y-%m-%d %H:%M:%S"),
            "public_name": "Harbour Bakery",
            "note": "Transfer ref 1234",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    donation = Donation.objects.get()
    assert (donation.method, donation.amount_minor, donation.status) == (
        "bank_transfer",
        25_000,
        "completed",
    )
    assert donation.recorded_by.username == "admin"
    entry = LedgerEntry.objects.get()
    assert (entry.source, entry.amount_minor, entry.stripe_id) == ("manual", 25_000, None)
    assert selectors.campaign_month_progress(campaign=campaign, now=received).raised_minor == 25_000


@pytest.mark.parametrize(
    ("amount", "message"),
    [
        ("0", "more than zero"),
        ("-10", "more than zero"),
        ("ten", "Enter an amount as a number"),
        ("1.234", "at most 2 decimal places"),
        ("99999999999999999999", "too large to record"),
    ],
)
def test_manual_entries_refuse_bad_amounts(admin_client, campaign, amount, message):
    response = admin_client.post(
        reverse("funding_donation:add"),
        {
            "campaign": campaign.pk,
            "method": "cash",
            "frequency": "one_time",
            "amount": amount,
            "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert message in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_a_manual_gift_cannot_be_dated_in_the_future(admin_client, campaign):
    next_week = timezone.localtime(timezone.now() + timedelta(days=7))
    response = admin_client.post(
        reverse("funding_donation:add"),
        {
            "campaign": campaign.pk,
            "method": "cash",
            "frequency": "one_time",
            "amount": "40",
            "received_at": next_week.strftime("%Y-%m-%d %H:%M:%S"),
        },
    )
    assert response.status_code == 200
    assert "This date is in the future" in response.content.decode()
    assert 'value="40"' in response.content.decode()
    assert not LedgerEntry.objects.exists()


def test_a_manual_gift_entered_by_mistake_is_reversed_not_edited(admin_client, campaign):
    donation = make_manual_gift(campaign=campaign, amount_minor=5_000)
    edit = admin_client.get(reverse("funding_donation:edit", args=[donation.pk]))
    assert "Reverse this manual gift" in edit.content.decode()
    admin_client.post(reverse("funding_donation:reverse", args=[donation.pk]))
    assert (
        selectors.campaign_month_progress(campaign=campaign, now=timezone.now()).raised_minor == 0
    )
    assert LedgerEntry.objects.count() == 2  # the original row stays on record


def test_the_ledger_and_stripe_events_are_read_only_in_the_admin(admin_client, campaign):
    make_manual_gift(campaign=campaign, amount_minor=100)
    assert admin_client.get(reverse("funding_ledger:index")).status_code == 200
    assert admin_client.get(reverse("funding_stripe_event:index")).status_code == 200
    assert admin_client.get(reverse("funding_ledger:add")).status_code in (302, 403)


def test_admin_listings_show_amounts_in_the_sites_money_style(admin_client, campaign):
    from wagtail.models import Site

    from masthead.funding.models import FundingSettings
    from masthead.funding.money import STYLE_AMOUNT_SYMBOL
    from tests.factories import make_article

    make_manual_gift(campaign=campaign, amount_minor=250_050, article=make_article(title="Ferry"))
    pages = [
        reverse(name)
        for name in ("funding_donation:index", "funding_ledger:index", "funding_campaign:index")
    ] + [reverse("funding_reports")]

    def cells(url):
        page = BeautifulSoup(admin_client.get(url).content, "html.parser")
        return {plain(cell.get_text()) for cell in page.select("td")}

    assert "$2,500.50" in cells(pages[0])
    settings = FundingSettings.for_site(Site.objects.get(is_default_site=True))
    settings.money_style = STYLE_AMOUNT_SYMBOL
    settings.save()
    donations, ledger, campaigns, reports = (cells(url) for url in pages)
    assert "2,500.50 $" in donations and "$2,500.50" not in donations
    assert "2,500.50 $" in ledger and "$2,500.50" not in ledger
    assert "5,000 $" in campaigns
    assert "2,500.50 $" in reports and "$2,500.50" not in reports


def test_a_donation_inspected_edited_or_named_in_a_listing_reads_in_the_sites_money_style(
    admin_client, campaign
):
    from wagtail.models import Site

    from masthead.funding.models import FundingSettings
    from masthead.funding.money import STYLE_AMOUNT_SYMBOL

    donation = make_manual_gift(campaign=campaign, amount_minor=250_050)
    settings = FundingSettings.for_site(Site.objects.get(is_default_site=True))
    settings.money_style = STYLE_AMOUNT_SYMBOL
    settings.save()

    def text(url):
        return plain(BeautifulSoup(admin_client.get(url).content, "html.parser").get_text(" "))

    inspect = text(reverse("funding_donation:inspect", args=[donation.pk]))
    edit = text(reverse("funding_donation:edit", args=[donation.pk]))
    assert "2,500.50 $" in inspect and "$2,500.50" not in inspect
    assert "2,500.50 $ · One-time" in edit and "$2,500.50" not in edit
    # The listing names each row (its menu's label) by the donation's str.
    listing = BeautifulSoup(
        admin_client.get(reverse("funding_donation:index")).content, "html.parser"
    )
    menus = [plain(menu["aria-label"]) for menu in listing.select('[aria-label^="More options"]')]
    assert menus == ["More options for '2,500.50 $ one-time (Completed)'"]


@pytest.mark.parametrize("listing", ["funding_donation:index", "funding_ledger:index"])
def test_a_funding_listing_costs_the_same_queries_however_many_rows_it_shows(
    admin_client, campaign, listing, django_assert_max_num_queries, monkeypatch
):
    from masthead.publishing import page_cache
    from tests.funding.factories import make_campaign

    # Pages re-read the content version at most once a second and the gifts below change it, so
    # whether a request reads it depended on how fast the test ran: read it on every request.
    monkeypatch.setattr(page_cache, "_VERSION_MEMO_SECONDS", -1)
    other = make_campaign(slug="other", current=False)
    make_manual_gift(campaign=campaign, amount_minor=100)
    url = reverse(listing)
    admin_client.get(url)  # warm what every admin page shares
    with django_assert_max_num_queries(20) as small:
        assert admin_client.get(url).status_code == 200
    for number in range(12):
        make_manual_gift(campaign=(campaign, other)[number % 2], amount_minor=200 + number)
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert admin_client.get(url).content.count(other.name.encode()) >= 6


def test_reports_show_months_kinds_donors_and_articles_with_csv(admin_client, campaign):
    from tests.factories import make_article

    article = make_article(title="The ferry story")
    make_manual_gift(campaign=campaign, amount_minor=7_500, article=article)
    make_manual_gift(
        campaign=campaign, amount_minor=2_500, received_at=datetime(2026, 1, 3, tzinfo=UTC)
    )
    page = admin_client.get(reverse("funding_reports"))
    text = page.content.decode()
    assert page.status_code == 200
    assert "The ferry story" in text
    assert 'data-testid="active-monthly-donors">0<' in text

    months = admin_client.get(reverse("funding_reports") + "?campaign=campaign&export=months")
    assert months["Content-Type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(months.content.decode())))
    this_month = selectors.Month.of(timezone.now()).key
    assert {"month": this_month, "manual": "75.00", "net": "75.00"}.items() <= rows[0].items()

    ledger = admin_client.get(reverse("funding_reports") + "?export=ledger")
    rows = list(csv.DictReader(io.StringIO(ledger.content.decode())))
    assert [r["amount"] for r in rows] == ["25.00", "75.00"]
    assert rows[1]["article"] == "The ferry story"


@pytest.mark.parametrize(
    "public_name",
    ['=HYPERLINK("http://evil.example","Click")', "+1+1", "-2+3", "@SUM(1)", "\tTab", "\rCR"],
)
def test_the_ledger_csv_keeps_a_donors_name_from_running_as_a_spreadsheet_formula(
    admin_client, campaign, public_name
):
    gift = make_manual_gift(campaign=campaign, amount_minor=2_500)
    Donation.objects.filter(pk=gift.pk).update(public_name=public_name)  # as a reader typed it
    services.donation_reverse_manual(donation=gift, now=timezone.now())

    ledger = admin_client.get(reverse("funding_reports") + "?export=ledger")
    rows = list(csv.DictReader(io.StringIO(ledger.content.decode(), newline="")))
    assert [(r["amount"], r["public_name"]) for r in rows] == [
        ("25.00", "'" + public_name),
        ("-25.00", "'" + public_name),  # the refund the site computed stays a number
    ]


def test_reports_for_a_campaign_that_is_not_a_slug_show_every_campaign(
    admin_client, campaign, database_refuses_nul
):
    make_manual_gift(campaign=campaign, amount_minor=7_500)
    page = admin_client.get(reverse("funding_reports") + "?campaign=a%00b")
    assert page.status_code == 200  # PostgreSQL refuses a NUL in a query: that was a 500
    months = admin_client.get(reverse("funding_reports") + "?campaign=a%00b&export=months")
    rows = list(csv.DictReader(io.StringIO(months.content.decode())))
    assert rows[0]["net"] == "75.00"


def test_reports_need_permission(client, django_user_model, campaign):
    user = django_user_model.objects.create_user("editor", password="pw")
    from django.contrib.auth.models import Permission

    user.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(user)
    assert client.get(reverse("funding_reports")).status_code in (302, 403)


def group_member(django_user_model, group: str):
    from django.contrib.auth.models import Group
    from django.test import Client

    user = django_user_model.objects.create_user(group.lower(), f"{group}@example.com", "pw")
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def test_the_fundraisers_group_runs_reader_funding(django_user_model, campaign):
    """Only superusers reached Reader funding: no group held its permissions."""
    fundraiser = group_member(django_user_model, "Fundraisers")
    menu = fundraiser.get("/admin/").content.decode()
    assert "Reader funding" in menu and reverse("funding_reports") in menu

    response = fundraiser.post(
        reverse("funding_campaign:add"),
        {"name": "Spring", "slug": "spring", "currency": "EUR", "goal": "500", "thank_you": "x"},
    )
    assert response.status_code == 302
    response = fundraiser.post(
        reverse("funding_donation:add"),
        {
            "campaign": campaign.pk,
            "method": "cash",
            "frequency": "one_time",
            "amount": "40",
            "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
        },
    )
    assert response.status_code == 302
    gift = Donation.objects.get()
    assert gift.recorded_by.username == "fundraisers"
    fundraiser.post(reverse("funding_donation:reverse", args=[gift.pk]))
    assert LedgerEntry.objects.filter(donation=gift).count() == 2
    for url in (
        reverse("funding_ledger:index"),
        reverse("funding_stripe_event:index"),
        reverse("funding_reports"),
        reverse("funding_reports") + "?export=ledger",
        reverse("funding_reports") + "?export=months",
        "/admin/settings/funding/fundingsettings/",
    ):
        response = fundraiser.get(url, follow=True)
        assert response.status_code == 200, url
        assert response.request["PATH_INFO"].startswith(url.split("?")[0]), url
    # The ledger is written by webhooks and manual entries only.
    assert fundraiser.get(reverse("funding_ledger:add")).status_code in (302, 403)


@pytest.mark.parametrize("group", ["Moderators", "Editors"])
def test_other_groups_do_not_see_reader_funding(django_user_model, campaign, group):
    gift = make_manual_gift(campaign=campaign, amount_minor=4000)
    member = group_member(django_user_model, group)
    menu = member.get("/admin/").content.decode()
    assert "Reader funding" not in menu and reverse("funding_reports") not in menu
    for url in (
        reverse("funding_campaign:index"),
        reverse("funding_donation:add"),
        reverse("funding_ledger:index"),
        reverse("funding_reports"),
        reverse("funding_reports") + "?export=ledger",
        "/admin/settings/funding/fundingsettings/",
    ):
        response = member.get(url, follow=True)
        refused = response.status_code == 403 or not response.request["PATH_INFO"].startswith(
            url.split("?")[0]
        )
        assert refused, url
        assert "text/csv" not in response["Content-Type"]
    member.post(reverse("funding_donation:reverse", args=[gift.pk]))
    assert LedgerEntry.objects.filter(donation=gift).count() == 1


def test_the_dashboard_shows_this_months_goal_bar_to_fundraisers(django_user_model, campaign):
    make_manual_gift(campaign=campaign, amount_minor=35_000)
    fundraiser = group_member(django_user_model, "Fundraisers")
    html = fundraiser.get("/admin/").content.decode()
    panel = html[html.index('id="reader-funding-section"') :].replace("\xa0", " ")
    assert "Keep us independent" in panel
    assert "$350</strong> raised of $5,000 (7%)" in panel
    assert reverse("funding_reports") in panel


def test_the_dashboard_panel_reads_the_funding_settings_once_and_not_again_once_cached(
    campaign, django_assert_num_queries, monkeypatch
):
    from django.test import RequestFactory

    from masthead.funding.admin_panels import CampaignPanel
    from masthead.publishing import page_cache
    from tests.funding.factories import make_campaign

    # Read the content version (part of every cache key) on every call, not once a second, so
    # that the counts below do not depend on how fast the test runs.
    monkeypatch.setattr(page_cache, "_VERSION_MEMO_SECONDS", -1)
    other = make_campaign(slug="other", current=False)
    for running in (campaign, campaign, other):
        Donation.objects.create(
            campaign=running,
            frequency=Donation.Frequency.MONTHLY,
            status=Donation.Status.ACTIVE,
            amount_minor=1_000,
            currency=running.currency,
        )

    def panel():
        return CampaignPanel().get_context_data({"request": RequestFactory().get("/admin/")})

    def settings_reads(queries):
        # Queries of the settings themselves; the monthly donors' query names them in subqueries.
        return sum(
            "funding_fundingsettings" in query["sql"] and "funding_donation" not in query["sql"]
            for query in queries.captured_queries
        )

    # The site; the content version twice (site panel, month's total); the settings and their
    # campaign; the month's total; the monthly donors (the gift to the earlier campaign pays
    # towards the running one).
    with django_assert_num_queries(7) as cold:
        assert panel()["monthly_donors"] == 3
    assert settings_reads(cold) == 1
    # The site, the content version and the monthly donors: the site panel is cached.
    with django_assert_num_queries(3) as warm:
        assert panel()["monthly_donors"] == 3
    assert settings_reads(warm) == 0


def test_the_dashboard_says_when_no_campaign_runs(admin_client, db):
    html = admin_client.get("/admin/").content.decode()
    assert "No campaign is running" in html


def test_the_dashboard_keeps_money_from_who_may_not_see_it(django_user_model, campaign):
    moderator = group_member(django_user_model, "Comment moderators")
    assert 'id="reader-funding-section"' not in moderator.get("/admin/").content.decode()


# Deleting: the ledger is the record of money ---------------------------------------------------


def test_a_donation_is_never_offered_for_deletion_and_cannot_be_deleted(admin_client, campaign):
    donation = make_manual_gift(campaign=campaign, amount_minor=7_500)
    delete_url = reverse("funding_donation:delete", args=[donation.pk])
    listing = admin_client.get(reverse("funding_donation:index")).content.decode()
    edit = admin_client.get(reverse("funding_donation:edit", args=[donation.pk])).content.decode()
    assert delete_url not in listing and delete_url not in edit
    assert "Reverse this manual gift" in edit  # what to do instead

    for attempt in (admin_client.get, admin_client.post):
        assert attempt(delete_url)["Location"] == reverse("wagtailadmin_home")  # was a 500
    assert Donation.objects.filter(pk=donation.pk).exists()
    progress = selectors.campaign_month_progress(campaign=campaign, now=timezone.now())
    assert progress.raised_minor == 7_500  # the gift still counts


def test_a_campaign_with_gifts_is_not_offered_for_deletion_and_the_editor_is_told_why(
    admin_client, campaign
):
    make_manual_gift(campaign=campaign, amount_minor=7_500)
    delete_url = reverse("funding_campaign:delete", args=[campaign.pk])
    edit_url = reverse("funding_campaign:edit", args=[campaign.pk])
    assert delete_url not in admin_client.get(reverse("funding_campaign:index")).content.decode()
    assert delete_url not in admin_client.get(edit_url).content.decode()

    for attempt in (admin_client.get, admin_client.post):
        response = attempt(delete_url, follow=True)
        assert response.redirect_chain == [(edit_url, 302)]
        assert str(CAMPAIGN_HAS_RECORDS) in response.content.decode()
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_a_gift_arriving_while_a_campaign_is_being_deleted_keeps_it(
    admin_client, campaign, monkeypatch
):
    # The confirmation page was shown while the campaign had no gift; one came in before the click.
    monkeypatch.setattr(selectors, "campaign_has_records", lambda campaign: False)
    make_manual_gift(campaign=campaign, amount_minor=7_500)
    response = admin_client.post(
        reverse("funding_campaign:delete", args=[campaign.pk]), follow=True
    )
    assert response.status_code == 200
    assert str(CAMPAIGN_HAS_RECORDS) in response.content.decode()
    assert Campaign.objects.filter(pk=campaign.pk).exists()


def test_a_campaign_created_by_mistake_can_still_be_deleted(admin_client, campaign):
    mistake = make_campaign(slug="typo", current=False)
    delete_url = reverse("funding_campaign:delete", args=[mistake.pk])
    assert delete_url in admin_client.get(reverse("funding_campaign:index")).content.decode()
    assert admin_client.post(delete_url).status_code == 302
    assert not Campaign.objects.filter(pk=mistake.pk).exists()


def test_the_article_a_manual_gift_came_from_is_chosen_not_picked_from_every_article(
    admin_client, campaign
):
    """The form listed every article, drafts included, in one drop-down: a site with 20,000
    articles sent them all with each "Record a donation" page."""
    from tests.factories import make_article

    articles = [make_article(title=f"Harbour story {number}") for number in range(12)]
    page = admin_client.get(reverse("funding_donation:add")).content.decode()
    assert "Harbour story" not in page
    assert "Choose a page" in page or "Choose article" in page  # Wagtail's page chooser

    response = admin_client.post(
        reverse("funding_donation:add"),
        {
            "campaign": campaign.pk,
            "method": "cash",
            "frequency": "one_time",
            "amount": "20",
            "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
            "article": articles[3].pk,
        },
    )
    assert response.status_code == 302
    assert Donation.objects.get().article_id == articles[3].pk


# A currency changed while a reader was at checkout --------------------------------------------


def funding_panel_text(admin_client) -> str:
    soup = BeautifulSoup(admin_client.get("/admin/").content, "html.parser")
    return plain(soup.find(id="reader-funding-section").get_text(" "))


def test_a_gift_started_before_the_currency_changed_keeps_its_own_and_is_shown_apart(
    admin_client, client
):
    from masthead.funding import gateway
    from masthead.funding.gateway import CheckoutSession
    from tests.funding import stripe_events as se

    campaign = make_campaign(slug="campaign", currency="EUR", goal_minor=500_000)
    session = se.checkout_session(campaign="campaign", currency="eur", amount=2500)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(
            gateway,
            "checkout_session_create",
            lambda params: CheckoutSession(id=session["id"], url="https://checkout.test/"),
        )
        services.donation_checkout_start(
            campaign=campaign,
            amount_minor=2500,
            currency="EUR",
            frequency=Donation.Frequency.ONE_TIME,
            public_name="Rita",
            success_url="https://site.test/thanks",
            cancel_url="https://site.test/donate",
            site_name="The Paper",
            now=timezone.now(),
        )
    # While Rita is at Stripe, the newsroom moves the campaign to dollars (it took no money yet).
    edit = admin_client.post(
        reverse("funding_campaign:edit", args=[campaign.pk]),
        campaign_edit(campaign, currency="USD"),
    )
    assert edit.status_code == 302
    make_manual_gift(campaign=Campaign.objects.get(pk=campaign.pk), amount_minor=10_000)

    response = se.post_event(client, se.event("checkout.session.completed", session))

    assert response.status_code == 200 and response.json()["outcome"] == "processed"
    gift = Donation.objects.get(stripe_checkout_session_id=session["id"])
    assert (gift.status, gift.amount_minor, gift.currency) == ("completed", 2500, "EUR")
    current = client.get("/api/v1/campaigns/current").json()
    assert (current["currency"], current["raised_minor"]) == ("USD", 10_000)  # no €25 in it
    dashboard = funding_panel_text(admin_client)
    assert "$100 raised of $5,000" in dashboard
    assert "in other currencies, not in the bar (it counts USD only" in dashboard
    assert "€25" in dashboard[dashboard.index("in other currencies") :]
    months = admin_client.get(reverse("funding_reports"), {"export": "months"})
    rows = list(csv.reader(io.StringIO(months.content.decode())))
    month = timezone.localtime().strftime("%Y-%m")
    assert [month, "EUR", "25.00", "0.00", "0.00", "0.00", "25.00", "1"] in rows
    assert [month, "USD", "0.00", "0.00", "100.00", "0.00", "100.00", "1"] in rows

    refund = se.charge(payment_intent=session["payment_intent"], amount=2500, currency="eur")
    se.post_event(client, se.event("charge.refunded", refund))
    dashboard = funding_panel_text(admin_client)
    assert "in other currencies" not in dashboard  # refunded: nothing left beside the bar
    assert client.get("/api/v1/campaigns/current").json()["raised_minor"] == 10_000


# The month's donations for the books ------------------------------------------------------------


def test_a_months_donations_download_as_csv_for_the_books_in_the_sites_time_zone(
    admin_client, client, campaign, settings
):
    from tests.funding import stripe_events as se

    settings.TIME_ZONE = "Europe/Berlin"

    def at(*moment):
        return datetime(*moment, tzinfo=UTC)

    session = se.checkout_session(campaign="campaign", amount=5000, name="Rita Reader")
    paid = int(at(2026, 10, 10, 9, 15).timestamp())
    se.post_event(client, se.event("checkout.session.completed", session, created=paid))
    refund = se.charge(payment_intent=session["payment_intent"], amount=5000, amount_refunded=1250)
    se.post_event(client, se.event("charge.refunded", refund, created=paid + 86_400))
    make_manual_gift(
        campaign=campaign,
        amount_minor=20_000,
        method=Donation.Method.CHEQUE,
        received_at=at(2026, 10, 1, 6, 0),
        public_name="The Quayside Bakery",
        note="=cheque 004512",
    )
    make_manual_gift(campaign=campaign, amount_minor=999, received_at=at(2026, 9, 30, 22, 0))
    make_manual_gift(campaign=campaign, amount_minor=777, received_at=at(2026, 10, 31, 23, 30))

    response = admin_client.get(
        reverse("funding_reports"), {"export": "donations", "month": "2026-10"}
    )

    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="donations-2026-10-all.csv"' in response["Content-Disposition"]
    rows = list(csv.DictReader(io.StringIO(response.content.decode(), newline="")))
    assert list(rows[0]) == [
        "date", "time", "type", "method", "frequency", "amount", "currency", "campaign",
        "donation_id", "stripe_reference", "donor_name", "donor_email", "public_name", "note",
        "recorded_by",
    ]  # fmt: skip
    # 22:00 UTC on 30 September is 1 October in Berlin; 23:30 UTC on 31 October is November.
    assert [(r["date"], r["time"], r["type"], r["method"], r["amount"]) for r in rows] == [
        ("2026-10-01", "00:00", "Payment", "Bank transfer", "9.99"),
        ("2026-10-01", "08:00", "Payment", "Cheque", "200.00"),
        ("2026-10-10", "11:15", "Payment", "Card (Stripe)", "50.00"),
        ("2026-10-11", "11:15", "Refund", "Card (Stripe)", "-12.50"),
    ]
    cheque, card, card_refund = rows[1], rows[2], rows[3]
    assert (cheque["public_name"], cheque["note"]) == ("The Quayside Bakery", "'=cheque 004512")
    assert (cheque["donor_name"], cheque["donor_email"], cheque["stripe_reference"]) == ("", "", "")
    assert (card["donor_name"], card["donor_email"]) == ("Rita Reader", "rita@example.com")
    assert card["stripe_reference"] == session["payment_intent"]
    assert card_refund["donation_id"] == card["donation_id"] != ""
    assert (
        card_refund["stripe_reference"] == refund["id"]
    )  # the charge refunded, as Stripe names it
    assert {r["currency"] for r in rows} == {"USD"}
    assert {r["campaign"] for r in rows} == {"Keep us independent"}

    page = admin_client.get(reverse("funding_reports")).content.decode()
    assert "export=donations&amp;month=2026-10" in page  # each month's row offers its file


# Recording a gift by hand: the campaign, its currency, the month ---------------------------------


def manual_entry(campaign, **changes) -> dict:
    return {
        "campaign": campaign.pk,
        "method": "cheque",
        "frequency": "one_time",
        "amount": "250",
        "received_at": timezone.localtime().strftime("%Y-%m-%d %H:%M:%S"),
        "note": "Cheque 004512",
        **changes,
    }


def test_the_manual_form_starts_on_the_current_campaign_and_names_each_ones_currency(
    admin_client, campaign
):
    # A campaign created for next month, whose name comes first: not the one readers give to.
    make_campaign(slug="december", name="December drive", currency="EUR", current=False)
    soup = BeautifulSoup(admin_client.get(reverse("funding_donation:add")).content, "html.parser")
    options = {o.get_text(): o.has_attr("selected") for o in soup.select("#id_campaign option")}
    assert options == {
        "---------": False,
        "December drive (EUR)": False,
        "Keep us independent (USD)": True,
    }


def test_the_campaign_list_marks_active_campaigns_with_a_tick_not_the_word_true(
    admin_client, campaign
):
    make_campaign(slug="old", name="Old drive", active=False, current=False)
    soup = BeautifulSoup(admin_client.get(reverse("funding_campaign:index")).content, "html.parser")
    rows = {row.select_one("td a").get_text(strip=True): row for row in soup.select("tbody tr")}
    cells = {name: row.find_all("td")[-1] for name, row in rows.items()}
    assert cells["Keep us independent"].select_one("svg use")["href"] == "#icon-check"
    assert cells["Old drive"].select_one("svg use")["href"] == "#icon-cross"
    for title in soup.select(".w-sr-only"):
        title.decompose()  # Wagtail's icon title, for screen readers
    assert not any(cell.get_text(strip=True) for cell in cells.values())


@pytest.mark.parametrize("amount", ["€50", "50 EUR", "CA$50", "USD €50"])
def test_an_amount_typed_with_another_currency_is_refused_naming_the_campaigns_currency(
    admin_client, campaign, amount
):
    from masthead.funding.admin_forms import AMOUNT_NOT_PLAIN

    response = admin_client.post(
        reverse("funding_donation:add"), manual_entry(campaign, amount=amount)
    )
    assert response.status_code == 200
    assert str(AMOUNT_NOT_PLAIN % {"currency": "USD"}) in plain(response.content.decode())
    assert f'value="{amount}"' in response.content.decode()  # what was typed stays
    assert not LedgerEntry.objects.exists()


@pytest.mark.parametrize(
    ("amount", "minor"), [("$1,250", 125000), ("$ 50", 5000), ("USD 50", 5000), ("12.50 usd", 1250)]
)
def test_an_amount_typed_with_the_campaigns_own_currency_is_recorded(
    admin_client, campaign, amount, minor
):
    # The goal bar writes this campaign's money as "$5,000": typed so, it is not a gift in
    # another currency.
    response = admin_client.post(
        reverse("funding_donation:add"), manual_entry(campaign, amount=amount)
    )
    assert response.status_code == 302
    donation = Donation.objects.get(note="Cheque 004512")
    assert (donation.amount_minor, donation.currency) == (minor, "USD")


@pytest.mark.parametrize(
    ("typed", "date", "month"),
    [("1999-01-01 10:00:00", "1 January 1999", "January 1999"), ("last month", None, None)],
)
def test_a_gift_dated_in_an_earlier_month_is_recorded_only_once_that_is_confirmed(
    admin_client, campaign, typed, date, month
):
    from masthead.funding.admin_forms import EARLIER_MONTH

    if typed == "last month":
        first = selectors.Month.of(timezone.now()).start
        last = timezone.localtime(first - timedelta(days=2))
        typed = last.strftime("%Y-%m-%d %H:%M:%S")
        date, month = f"{last.day} {last:%B %Y}", f"{last:%B %Y}"
    url = reverse("funding_donation:add")

    refused = admin_client.post(url, manual_entry(campaign, received_at=typed))

    assert refused.status_code == 200
    assert EARLIER_MONTH % {"date": date, "month": month} in plain(refused.content.decode())
    assert f'value="{typed}"' in refused.content.decode() and not LedgerEntry.objects.exists()

    confirmed = admin_client.post(
        url, manual_entry(campaign, received_at=typed, earlier_month="on")
    )

    assert confirmed.status_code == 302
    entry = LedgerEntry.objects.get()
    assert selectors.Month.of(entry.occurred_at).key == selectors.Month.parse(f"{typed[:7]}").key
    assert (
        selectors.campaign_month_progress(campaign=campaign, now=timezone.now()).raised_minor == 0
    )


def test_each_currency_line_of_a_month_downloads_that_currencys_donations(admin_client, campaign):
    LedgerEntry.objects.create(
        campaign=campaign,
        kind="payment",
        source="checkout",
        amount_minor=4_200,
        currency="EUR",
        occurred_at=timezone.now(),
        stripe_id="pi_in_euros",
    )
    make_manual_gift(campaign=campaign, amount_minor=2_500)
    page = BeautifulSoup(admin_client.get(reverse("funding_reports")).content, "html.parser")
    this_month = selectors.Month.of(timezone.now()).key
    lines = [row for row in page.select("table.listing tbody tr") if row.td.text == this_month]
    assert [row.select("td")[1].text for row in lines] == ["USD", "EUR"]

    def download(link) -> list[tuple[str, str]]:
        response = admin_client.get(reverse("funding_reports") + link["href"].replace("&amp;", "&"))
        rows = csv.DictReader(io.StringIO(response.content.decode(), newline=""))
        return [(row["amount"], row["currency"]) for row in rows]

    # Each line's first link is its own file; the month's first line also offers the whole month.
    usd, eur = (row.select_one('a[href*="export=donations"]') for row in lines)
    assert download(usd) == [("25.00", "USD")]
    assert download(eur) == [("42.00", "EUR")]
    whole_month = lines[0].find("a", string="All currencies (CSV)")
    assert sorted(download(whole_month)) == [("25.00", "USD"), ("42.00", "EUR")]


def test_a_name_to_thank_with_abuse_is_refused_when_staff_record_or_edit_a_gift(
    admin_client, campaign
):
    """The supporters list shows it: a donor's letter read out by staff gets the donate form's
    check; a staff member may still enter a name the newsroom uses (the donor may be one)."""
    from masthead.accounts.names import NAME_ABUSIVE

    response = admin_client.post(
        reverse("funding_donation:add"), manual_entry(campaign, public_name="Paki")
    )
    assert response.status_code == 200
    assert NAME_ABUSIVE in html.unescape(response.content.decode())
    assert not Donation.objects.exists()

    admin_client.post(
        reverse("funding_donation:add"), manual_entry(campaign, public_name="The Editor")
    )
    donation = Donation.objects.get()
    assert donation.public_name == "The Editor"
    response = admin_client.post(
        reverse("funding_donation:edit", args=[donation.pk]),
        {"public_name": "Paki", "note": "Cheque 004512"},
    )
    assert NAME_ABUSIVE in html.unescape(response.content.decode())
    donation.refresh_from_db()
    assert donation.public_name == "The Editor"
