"""The goal bar and "Support us" as readers get them: HTML, accessibility, placement, caching."""

from datetime import UTC, datetime

import pytest
from bs4 import BeautifulSoup
from django.template import Context, Template
from django.test import RequestFactory
from django.utils import translation
from wagtail.models import Site

from masthead.funding import services
from masthead.funding.models import FundingSettings
from masthead.funding.money import STYLE_AMOUNT_SYMBOL
from tests.factories import make_article, make_author, make_home, make_section
from tests.funding import stripe_events as se
from tests.funding.factories import make_manual_gift, plain

pytestmark = pytest.mark.django_db

NOV = datetime(2026, 11, 10, 12, tzinfo=UTC)


def render_bar(now=NOV):
    request = RequestFactory().get("/", HTTP_HOST="testserver")
    html = Template("{% load funding_tags %}{% goal_bar %}").render(
        Context({"request": request, "now": now})
    )
    return BeautifulSoup(html, "html.parser")


def test_the_bar_shows_month_marks_raised_amount_and_a_filled_track(campaign):
    make_manual_gift(campaign=campaign, amount_minor=10_000, received_at=NOV)
    bar = render_bar()
    assert plain(bar.select_one(".goal-bar__month").text) == "November 2026"
    assert [plain(li.text) for li in bar.select(".goal-bar__mark")] == ["$0", "$2,500", "$5,000"]
    assert plain(bar.select_one(".goal-bar__amount").text) == "$100"
    assert bar.select_one(".goal-bar__fill")["style"] == "width: 2.00%"


def test_the_bar_is_an_accessible_progressbar_with_a_text_equivalent(campaign):
    make_manual_gift(campaign=campaign, amount_minor=10_000, received_at=NOV)
    track = render_bar().select_one('[role="progressbar"]')
    assert track["aria-valuemin"] == "0"
    assert track["aria-valuemax"] == "5000"
    assert track["aria-valuenow"] == "100"
    assert plain(track["aria-valuetext"]) == "$100 raised of the $5,000 goal for November 2026"
    assert track["aria-label"] == "Raised in November 2026"


def test_aria_values_stay_within_bounds_when_over_the_goal_or_after_refunds(campaign):
    make_manual_gift(campaign=campaign, amount_minor=700_000, received_at=NOV)
    track = render_bar().select_one('[role="progressbar"]')
    assert track["aria-valuenow"] == "5000"
    assert render_bar().select_one(".goal-bar__fill")["style"] == "width: 100.00%"


def test_the_bar_follows_the_locale_and_the_sites_money_style(campaign):
    make_manual_gift(campaign=campaign, amount_minor=250_050, received_at=NOV)
    with translation.override("de"):
        bar = render_bar()
    assert plain(bar.select_one(".goal-bar__month").text) == "November 2026"
    assert plain(bar.select_one(".goal-bar__amount").text) == "2.500,50 $"
    assert plain(render_bar().select_one(".goal-bar__amount").text) == "$2,500.50"
    settings = FundingSettings.for_site(Site.objects.get(is_default_site=True))
    settings.money_style = STYLE_AMOUNT_SYMBOL
    settings.save()  # a settings change invalidates the cached bar after commit
    from masthead.funding.services import funding_caches_invalidate

    funding_caches_invalidate()
    bar = render_bar()
    assert [plain(li.text) for li in bar.select(".goal-bar__mark")] == ["0 $", "2,500 $", "5,000 $"]
    assert plain(bar.select_one(".goal-bar__amount").text) == "2,500.50 $"


def test_at_the_months_turn_the_bar_starts_again_from_zero(campaign):
    make_manual_gift(campaign=campaign, amount_minor=10_000, received_at=NOV)
    assert plain(render_bar().select_one(".goal-bar__amount").text) == "$100"
    december = render_bar(datetime(2026, 12, 1, 0, 5, tzinfo=UTC))
    assert plain(december.select_one(".goal-bar__month").text) == "December 2026"
    assert plain(december.select_one(".goal-bar__amount").text) == "$0"


def test_a_month_that_opens_with_a_refund_shows_nothing_raised_not_a_negative_amount(campaign):
    gift = make_manual_gift(campaign=campaign, amount_minor=10_000, received_at=NOV)
    services.donation_reverse_manual(donation=gift, now=datetime(2026, 12, 1, 9, tzinfo=UTC))
    december = render_bar(datetime(2026, 12, 2, tzinfo=UTC))
    assert plain(december.select_one(".goal-bar__amount").text) == "$0"
    track = december.select_one('[role="progressbar"]')
    assert plain(track["aria-valuetext"]) == "$0 raised of the $5,000 goal for December 2026"
    assert december.select_one(".goal-bar__fill")["style"] == "width: 0.00%"


def test_no_current_campaign_means_no_bar(db):
    make_home()
    assert render_bar().select_one(".goal-bar") is None


def test_every_article_carries_support_us_under_the_headline_and_the_bar_after_the_body(
    client, campaign
):
    article = make_article(title="Harbour dredging")
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    header_cta = page.select_one(".article__header .support-line a")
    assert header_cta["href"] == f"/donate/?article={article.pk}"
    box = page.select_one(".article > .support-box")
    assert box.select_one('[role="progressbar"]') is not None
    assert box.select_one("a.button--support")["href"] == f"/donate/?article={article.pk}"
    assert "Support independent journalism" in box.text


def test_the_call_to_action_wording_is_editable(client, campaign):
    settings = FundingSettings.for_site(Site.objects.get(is_default_site=True))
    settings.support_button = "Chip in"
    settings.header_text = "We answer to readers."
    settings.save()
    from masthead.funding.services import funding_caches_invalidate

    funding_caches_invalidate()
    page = BeautifulSoup(client.get(make_article().url).content, "html.parser")
    assert "We answer to readers." in page.select_one(".support-line").text
    assert page.select_one("a.button--support").text.strip() == "Chip in"


def test_a_warm_article_page_makes_no_funding_query(client, campaign, django_assert_num_queries):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    article = make_article()
    client.get(article.url)  # warms the cache
    with CaptureQueriesContext(connection) as queries:
        client.get(article.url)
    assert not [q for q in queries.captured_queries if "funding_" in q["sql"]]


def test_a_signed_payment_moves_the_bar_on_the_article_page_at_once(client, campaign):
    article = make_article()

    def amount():
        page = BeautifulSoup(client.get(article.url).content, "html.parser")
        return plain(page.select_one(".goal-bar__amount").text)

    assert amount() == "$0"
    session = se.checkout_session(campaign="campaign", amount=4200, article=article.pk)
    se.post_event(client, se.event("checkout.session.completed", session))
    assert amount() == "$42"
    refund = se.charge(payment_intent=session["payment_intent"], amount=4200, amount_refunded=4200)
    se.post_event(client, se.event("charge.refunded", refund))
    assert amount() == "$0"


def test_the_home_page_block_shows_the_bar(client, campaign):
    home = make_home()
    home.promos = [("goal_bar", {"heading": "Help us get there", "text": "", "button": "Give"})]
    home.save_revision().publish()
    page = BeautifulSoup(client.get("/").content, "html.parser")
    block = page.select_one(".support-box--promo")
    assert block.select_one("h2").text == "Help us get there"
    assert block.select_one('[role="progressbar"]') is not None
    assert block.select_one("a.button--support").text.strip() == "Give"


def test_other_ways_to_give_have_copy_buttons(client, campaign):
    settings = FundingSettings.for_site(Site.objects.get(is_default_site=True))
    settings.other_ways = [
        (
            "bank",
            {
                "label": "Bank transfer",
                "account_holder": "Gazette Coop",
                "iban": "DE89 3704 0044 0532 0130 00",
                "bic": "COBADEFFXXX",
                "bank_name": "",
                "reference": "GIFT",
            },
        ),
        ("crypto", {"currency": "Bitcoin", "network": "", "address": "bc1qexample"}),
    ]
    settings.save()
    page = BeautifulSoup(client.get("/donate/").content, "html.parser")
    copies = [b["data-copy"] for b in page.select(".other-ways button.copy-button")]
    assert copies == ["DE89 3704 0044 0532 0130 00", "COBADEFFXXX", "GIFT", "bc1qexample"]


def header_support_link(client, url):
    page = BeautifulSoup(client.get(url).content, "html.parser")
    return page.select_one(".site-header a.site-header__support")


def reader_pages():
    """A section, a tag, an author, the search page, the front page, an article and /donate/."""
    author = make_author(name="Ines Harbour")
    article = make_article(
        section=make_section(title="City"), authors=[author], tags=["ferries"], title="Ferry"
    )
    return [
        "/city/",
        "/tags/ferries/",
        author.url,
        "/search/?q=ferry",
        "/",
        article.url,
        "/donate/",
    ]


def test_every_page_offers_support_us_in_its_header_while_a_campaign_runs(client, campaign):
    for url in reader_pages():
        link = header_support_link(client, url)
        assert link is not None, url
        assert (link["href"], link.text.strip()) == ("/donate/", "Support us")


def test_without_a_current_campaign_the_header_offers_no_donate_link(client, db):
    for url in reader_pages():
        assert header_support_link(client, url) is None, url


def test_the_header_link_costs_no_funding_query_once_the_panel_is_cached(
    client, campaign, django_user_model
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reader_pages()[0]
    # Signed in, so that the whole page is rendered each time rather than served from its cache.
    client.force_login(django_user_model.objects.create_user("reader", "r@example.org", "pw"))
    assert header_support_link(client, url) is not None  # warms the cache
    with CaptureQueriesContext(connection) as queries:
        assert header_support_link(client, url) is not None
    assert not [q for q in queries.captured_queries if "funding_" in q["sql"]]
