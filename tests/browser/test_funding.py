"""The donate page in Chromium: presets, a custom amount, and the validation message."""

import itertools
import os

import pytest
from django.core.cache import cache
from playwright.sync_api import expect

from masthead.funding import gateway
from masthead.funding.models import Donation
from tests.browser.admin import sign_in_to_admin
from tests.factories import make_article
from tests.funding.factories import make_campaign, make_manual_gift

pytestmark = pytest.mark.django_db(transaction=True)


class FakeStripe:
    """Answers like Stripe's Checkout API, sending the browser back to our thank-you page."""

    def __init__(self, base_url):
        self.base_url = base_url
        self.calls = []

    def create(self, params):
        self.calls.append(params)
        return gateway.CheckoutSession(
            id=f"cs_browser_{len(self.calls)}",
            url=f"{self.base_url}/donate/thanks/?session_id=cs_browser_{len(self.calls)}",
        )


@pytest.fixture
def donate_setup(live_server, settings, monkeypatch):
    settings.STRIPE_SECRET_KEY = "sk_test_offline"
    settings.FUNDING_MAX_AMOUNT = 10_000
    campaign = make_campaign(slug="browser", name="Keep the Gazette going", goal_minor=500_000)
    make_manual_gift(campaign=campaign, amount_minor=10_000)
    cache.clear()
    fake = FakeStripe(live_server.url)
    monkeypatch.setattr(gateway, "checkout_session_create", fake.create)
    return {"campaign": campaign, "stripe": fake, "article": make_article(title="Quay story")}


def test_a_reader_picks_a_preset_amount_and_goes_to_checkout(
    live_server, page, donate_setup, screenshot_dir
):
    article = donate_setup["article"]
    page.goto(live_server.url + article.url)
    page.screenshot(path=os.path.join(screenshot_dir, "funding-article.png"), full_page=True)
    page.locator(".support-box a.button--support").click()
    page.wait_for_url(f"**/donate/?article={article.pk}")
    assert page.locator(".custom-amount").is_hidden()  # shown only for "Other amount"
    page.locator(".amounts__option", has_text="50").click()
    page.locator(".segmented__option", has_text="Monthly").click()
    page.screenshot(path=os.path.join(screenshot_dir, "funding-donate.png"), full_page=True)
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url("**/donate/thanks/**")
    [params] = donate_setup["stripe"].calls
    assert params["mode"] == "subscription"
    assert params["line_items"][0]["price_data"]["unit_amount"] == 5000
    assert params["metadata"] == {"campaign": "browser", "article": str(article.pk)}
    assert Donation.objects.get(stripe_checkout_session_id="cs_browser_1").status == "pending"
    assert "Thank you" in page.locator("h1").inner_text()


def test_the_donate_page_keeps_the_sites_header_and_footer_full_width(
    live_server, page, donate_setup
):
    """The page's body shared the `donate` class of its content column, so the header, the
    navigation rule and the footer shrank to the column's 68rem on the donate page only."""
    widths = {}
    for path in (donate_setup["article"].url, "/donate/"):
        page.goto(live_server.url + path)
        widths[path] = [
            page.locator(part).bounding_box()["width"] for part in (".site-header", ".site-footer")
        ]
    assert widths["/donate/"] == [1280, 1280]


def test_a_custom_amount_is_checked_in_the_browser_then_accepted(
    live_server, page, donate_setup, screenshot_dir
):
    page.goto(live_server.url + "/donate/")
    page.locator(".amounts__option", has_text="Other amount").click()
    field = page.locator("#id_custom_amount")
    assert field.is_visible()
    assert field.evaluate("el => el === document.activeElement")

    field.fill("0")
    page.get_by_role("button", name="Continue to secure payment").click()
    error = page.locator("#custom-amount-error")
    assert "smallest gift we can take is $1." in error.inner_text()
    assert field.get_attribute("aria-invalid") == "true"
    page.screenshot(path=os.path.join(screenshot_dir, "funding-donate-error.png"))
    assert not donate_setup["stripe"].calls

    field.fill("20000")
    page.get_by_role("button", name="Continue to secure payment").click()
    assert "cannot be made online" in error.inner_text()

    field.fill("37.50")
    assert error.inner_text() == ""
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url("**/donate/thanks/**")
    [params] = donate_setup["stripe"].calls
    assert params["mode"] == "payment"
    assert params["line_items"][0]["price_data"]["unit_amount"] == 3750


def test_an_amount_typed_then_left_for_a_preset_is_not_the_one_given(
    live_server, page, donate_setup
):
    page.goto(live_server.url + "/donate/")
    page.locator(".amounts__option", has_text="Other amount").click()
    page.locator("#id_custom_amount").fill("30")
    page.locator(".amounts__option", has_text="50").click()
    page.get_by_role("button", name="Continue to secure payment").click()
    page.wait_for_url("**/donate/thanks/**")
    [params] = donate_setup["stripe"].calls
    assert params["line_items"][0]["price_data"]["unit_amount"] == 5000


def test_without_javascript_the_server_gives_the_same_message(
    live_server, page_without_js, donate_setup
):
    page = page_without_js
    page.goto(live_server.url + "/donate/")
    page.locator('input[name="amount"][value="other"]').check(force=True)
    page.locator("#id_custom_amount").fill("abc")
    page.get_by_role("button", name="Continue to secure payment").click()
    # Waits for the server's answer: the click only starts the navigation.
    expect(page.locator("#custom-amount-error")).to_contain_text("Enter an amount as a number")
    assert page.locator("#id_custom_amount").input_value() == "abc"
    assert not donate_setup["stripe"].calls


@pytest.mark.parametrize("width", [1280, 390])
def test_the_goal_bar_fits_desktop_and_phone(
    live_server, browser, donate_setup, screenshot_dir, width
):
    context = browser.new_context(viewport={"width": width, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + donate_setup["article"].url)
    bar = page.locator(".support-box .goal-bar")
    box = bar.bounding_box()
    assert box["width"] <= width
    marks = page.locator(".support-box .goal-bar__mark")
    last = marks.last.bounding_box()
    assert last["x"] + last["width"] <= box["x"] + box["width"] + 1  # "$5,000" is not cut off
    bar.screenshot(path=os.path.join(screenshot_dir, f"funding-bar-{width}.png"))
    context.close()


CONTRAST = """(element, pseudo) => {
  const rgb = (text) => text.match(/[\\d.]+/g).slice(0, 3).map(Number);
  const luminance = (text) => {
    const [r, g, b] = rgb(text).map((c) => {
      c /= 255;
      return c <= 0.03928 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r + 0.7152 * g + 0.0722 * b;
  };
  const ground = (node) => {
    for (; node; node = node.parentElement) {
      const colour = getComputedStyle(node).backgroundColor;
      if (!colour.startsWith("rgba(0, 0, 0, 0)")) return colour;
    }
    return "rgb(255, 255, 255)";
  };
  const style = getComputedStyle(element, pseudo);
  const line = pseudo ? style.borderLeftColor : style.boxShadow;
  const [a, b] = [luminance(line), luminance(ground(element.parentElement))];
  return (Math.max(a, b) + 0.05) / (Math.min(a, b) + 0.05);
}"""


def test_the_goal_bars_outline_and_scale_ticks_stand_out_from_the_page(
    live_server, page, donate_setup
):
    """WCAG 1.4.11: the graphic's parts a reader needs differ from what surrounds them by 3:1
    (the empty track was 1.26:1 and the ticks 1.43:1)."""
    for url in ("/donate/", donate_setup["article"].url):
        page.goto(live_server.url + url)
        track = page.locator(".goal-bar__track").first
        tick = page.locator(".goal-bar__mark").nth(1)
        assert track.evaluate(CONTRAST, None) >= 3
        assert tick.evaluate(CONTRAST, "::before") >= 3


def test_copy_buttons_show_only_where_the_script_runs(
    live_server, page, page_without_js, donate_setup
):
    from wagtail.models import Site

    from masthead.funding.models import FundingSettings

    options = FundingSettings.for_site(Site.objects.get(is_default_site=True))
    options.other_ways = [
        ("crypto", {"currency": "Bitcoin", "network": "", "address": "bc1qexample"})
    ]
    options.save()
    cache.clear()
    page_without_js.goto(live_server.url + "/donate/")
    assert page_without_js.locator("button.copy-button").is_hidden()  # it would do nothing
    page.goto(live_server.url + "/donate/")
    copy = page.locator("button.copy-button")
    copy.click()
    expect(copy).to_contain_text("Copied")


def test_a_screen_reader_hears_that_the_address_was_copied(live_server, page, donate_setup):
    """The button's own word changing to "Copied" is seen, but a screen reader does not say a
    focused button's new name: a status line does (WCAG 4.1.3)."""
    from wagtail.models import Site

    from masthead.funding.models import FundingSettings

    options = FundingSettings.for_site(Site.objects.get(is_default_site=True))
    options.other_ways = [
        ("crypto", {"currency": "Bitcoin", "network": "", "address": "bc1qexample"})
    ]
    options.save()
    cache.clear()
    page.goto(live_server.url + "/donate/")
    page.locator("button.copy-button").focus()
    page.keyboard.press("Enter")
    expect(page.get_by_role("status").filter(has_text="Copied")).to_have_count(1)


def test_the_chosen_amount_and_frequency_stay_visible_in_high_contrast_mode(
    live_server, browser, donate_setup
):
    """Windows High Contrast (forced colours) drops the page's backgrounds, borders and shadows:
    the chosen amount and frequency must still look different from the others."""
    context = browser.new_context(forced_colors="active", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/donate/")
    assert page.evaluate("matchMedia('(forced-colors: active)').matches")
    page.locator(".amounts__option", has_text="50").click()
    page.locator(".segmented__option", has_text="Monthly").click()

    def look(option):
        return option.locator("span").evaluate(
            "span => { const s = getComputedStyle(span); return [s.backgroundColor, s.color]; }"
        )

    assert look(page.locator(".amounts__option", has_text="50")) != look(
        page.locator(".amounts__option", has_text="25")
    )
    assert look(page.locator(".segmented__option", has_text="Monthly")) != look(
        page.locator(".segmented__option", has_text="One time")
    )
    context.close()


def test_the_goal_bar_shows_its_progress_in_high_contrast_mode(live_server, browser, donate_setup):
    """Forced colours drop the fill's gradient and the track's shadow: the bar would vanish."""
    context = browser.new_context(forced_colors="active", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + "/donate/")
    colours = page.locator(".goal-bar__track").first.evaluate(
        """track => {
            const style = node => getComputedStyle(node);
            return {
                page: style(document.body).backgroundColor,
                track: style(track).backgroundColor,
                edge: style(track).borderTopStyle !== "none" ? style(track).borderTopColor : null,
                fill: style(track.firstElementChild).backgroundColor,
            };
        }"""
    )
    assert colours["fill"] not in (colours["page"], colours["track"])  # the part raised
    assert colours["edge"] not in (None, colours["page"])  # the whole goal
    context.close()


def visible_mark_labels(page) -> list[dict]:
    """The goal bar's scale labels a reader can see, left to right, with their boxes."""
    return page.locator(".goal-bar").first.evaluate(
        """bar => [...bar.querySelectorAll('.goal-bar__mark')]
            .map(mark => mark.querySelector('span') || mark)
            .filter(span => getComputedStyle(span).visibility === 'visible')
            .map(span => { const r = span.getBoundingClientRect();
                           return {text: span.textContent, left: r.left, right: r.right}; })"""
    )


@pytest.mark.parametrize("width", [320, 390, 1280])
def test_crowded_scale_marks_never_print_over_each_other(live_server, page, db, width):
    campaign = make_campaign(slug="marks", name="December drive", goal_minor=600_000)
    campaign.marks_minor = [0, 50_000, 100_000, 150_000, 300_000, 600_000]
    campaign.save()
    cache.clear()
    article = make_article(title="Quay story")
    page.set_viewport_size({"width": width, "height": 900})
    for address in (article.url, "/donate/"):
        page.goto(live_server.url + address)
        labels = visible_mark_labels(page)
        texts = [label["text"].replace("\xa0", " ") for label in labels]
        assert texts[0] == "$0" and texts[-1] == "$6,000" and "$3,000" in texts
        for left, right in itertools.pairwise(labels):
            assert left["right"] <= right["left"], (address, width, texts)
        ticks = page.locator(".goal-bar").first.locator(".goal-bar__mark")
        assert ticks.count() == 6  # every mark keeps its tick


def test_the_default_scale_shows_every_label_on_a_phone(live_server, page, db):
    make_campaign(slug="plain", goal_minor=500_000)
    cache.clear()
    page.set_viewport_size({"width": 320, "height": 900})
    page.goto(live_server.url + make_article(title="Quay story").url)
    texts = [label["text"].replace("\xa0", " ") for label in visible_mark_labels(page)]
    assert texts == ["$0", "$2,500", "$5,000"]


# How far an element's content runs past its edge (<main> hides it: it cannot be scrolled to).
SIDEWAYS = (
    "selector => { const box = document.querySelector(selector);"
    " return box.scrollWidth - box.clientWidth; }"
)


def test_the_reports_page_fits_a_phone_and_its_toolbar_rows_start_at_its_left_edge(
    live_server, page, db, django_user_model, screenshot_dir
):
    """At 375 px nothing on the reports runs past the screen's edge (the totals per month stack,
    a month at a time) and the help text lines up with the toolbar; at 1280 px they are the same
    table and help block as before."""
    campaign = make_campaign(slug="reports", name="Keep the Gazette going")
    make_manual_gift(campaign=campaign, amount_minor=123_456)
    django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-editor")
    sign_in_to_admin(page, live_server, "editor", "pw-editor")
    for width in (375, 1280):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(live_server.url + "/admin/funding/reports/")
        page.screenshot(
            path=os.path.join(screenshot_dir, f"funding-reports-{width}.png"), full_page=True
        )
        toolbar = page.locator("main form").first  # the campaign select and the exports
        edge = toolbar.bounding_box()["x"]
        items = toolbar.evaluate(
            """form => [...form.children].map(item => {
                   const box = item.getBoundingClientRect();
                   return {bottom: Math.round(box.bottom), left: box.left, right: box.right}; })"""
        )
        rows = [
            list(row) for _bottom, row in itertools.groupby(items, key=lambda item: item["bottom"])
        ]
        assert len(rows) > 1, f"the toolbar fits one row at {width}px: nothing to check"
        # Wagtail's .button + .button margin indented every row after the first by 16px.
        assert [row[0]["left"] for row in rows] == [edge] * len(rows), width
        gaps = [
            right["left"] - left["right"] for row in rows for left, right in itertools.pairwise(row)
        ]
        assert gaps and all(gap == 16 for gap in gaps), (width, gaps)

        # The admin's <main> hides what runs past its edge: the table's last columns were cut off.
        assert page.evaluate(SIDEWAYS, "main") <= 0, width
        help_text = page.get_by_text("Active monthly donors:")
        text_left = help_text.evaluate(
            "p => p.getBoundingClientRect().left + parseFloat(getComputedStyle(p).paddingLeft)"
        )
        month = page.locator("main table tbody td").first
        heads = page.locator("main table thead").first
        if width == 375:
            assert text_left == edge  # was 14px further in than everything else
            assert heads.is_hidden()
        else:
            # as before: in line with the table cells' text, padded alike
            cell_text_left = month.evaluate(
                "td => td.getBoundingClientRect().left + parseFloat(getComputedStyle(td).paddingLeft)"
            )
            assert text_left == pytest.approx(cell_text_left, abs=1)
            assert heads.is_visible()


# How many lines each cell of a table row's text takes (its text's boxes, by their tops).
LINES_PER_CELL = """row => [...row.cells].map(cell => {
    const text = document.createRange();
    text.selectNodeContents(cell);
    return new Set([...text.getClientRects()].map(box => Math.round(box.top))).size; })"""


@pytest.mark.parametrize("width", [1280, 900])
def test_a_months_totals_keep_each_to_one_line_on_a_narrow_desktop(
    live_server, page, db, django_user_model, width
):
    """At 900 px the nine columns squeezed the month into two lines ("2026-" over "11"), which
    reads as two values: each keeps to a line and the table scrolls in its box."""
    campaign = make_campaign(slug="reports", name="Keep the Gazette going")
    make_manual_gift(campaign=campaign, amount_minor=123_456)
    django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-editor")
    sign_in_to_admin(page, live_server, "editor", "pw-editor")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(live_server.url + "/admin/funding/reports/")
    row = page.locator(".funding-report-months tbody tr").first
    *figures, _links = row.evaluate(LINES_PER_CELL)
    assert figures == [1] * 8, (width, row.inner_text())


def test_a_long_unbroken_supporter_name_does_not_push_the_donate_page_sideways_on_a_phone(
    live_server, page, db
):
    """A donor may be thanked by up to 80 characters without a space: on a phone their name ran
    past the screen's edge and the whole donate page, goal bar and form included, scrolled
    sideways."""
    campaign = make_campaign(slug="long-name", goal_minor=500_000)
    name = "Friendsoftheharbour" * 4
    make_manual_gift(campaign=campaign, amount_minor=2_000, public_name=name)
    cache.clear()
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + "/donate/")
    expect(page.locator(".supporters__list")).to_contain_text(name)
    assert page.evaluate("document.documentElement.scrollWidth") == 390
