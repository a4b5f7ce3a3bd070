import io
import os
import re
import time
from datetime import timedelta
from urllib.parse import urlencode

import pytest
from django.utils import timezone
from PIL import Image
from playwright.sync_api import expect
from wagtail.admin.models import EditingSession
from wagtail.models import Site
from wagtail.rich_text import RichText

from masthead.publishing.models import ArticlePage, AuthorPage, SiteIdentity
from tests.browser.admin import sign_in_to_admin
from tests.factories import make_article, make_author, make_home, make_image, make_section

pytestmark = [
    pytest.mark.django_db(transaction=True),
    # A Pillow API on its way out fails here, not in the release that removes it.
    pytest.mark.filterwarnings(
        "error:.*is deprecated and will be removed in Pillow:DeprecationWarning"
    ),
]


@pytest.fixture
def gallery_article():
    make_home()
    make_section(title="World")
    photos = [
        make_image(
            title=f"Quay {n}",
            width=1800,
            height=1200,
            caption=f"The quay, view {n}",
            credit="Sam Lens",
        )
        for n in range(1, 4)
    ]
    return make_article(
        title="A day at the quay",
        body=[
            ("paragraph", RichText("<p>The boats came in at dawn.</p>")),
            (
                "gallery",
                {"title": "At the quay", "photos": [{"image": p, "caption": ""} for p in photos]},
            ),
        ],
    )


def test_clicking_a_gallery_thumbnail_shows_the_full_size_image(
    live_server, page, gallery_article, screenshot_dir
):
    page.goto(live_server.url + gallery_article.url)
    thumbnail = page.locator(".gallery__link").nth(1)
    thumb_width = thumbnail.locator("img").evaluate("img => img.naturalWidth")
    thumbnail.click()

    viewer = page.locator("dialog.lightbox")
    viewer.wait_for(state="visible")
    full = viewer.locator("img.lightbox__image")
    expect(full).to_have_js_property("complete", True)
    assert "max-2400x2400" in full.get_attribute("src")
    assert full.evaluate("img => img.naturalWidth") == 1800 > thumb_width
    assert "The quay, view 2" in viewer.inner_text()
    # The caption, the credit and the position each read as their own part.
    expect(viewer.locator(".lightbox__credit")).to_have_text("Photo: Sam Lens")
    expect(viewer.locator(".lightbox__position")).to_have_text("2 of 3")
    assert "view 2 Photo" not in viewer.inner_text()
    page.screenshot(path=os.path.join(screenshot_dir, "gallery-lightbox.png"))

    page.keyboard.press("ArrowRight")
    assert "view 3" in viewer.inner_text()
    page.keyboard.press("Escape")
    viewer.wait_for(state="hidden")


def test_the_viewer_hides_the_previous_photo_while_the_next_one_loads(
    live_server, page, gallery_article, screenshot_dir
):
    """A browser keeps showing the photo it has until the next one arrives: on a slow line, the
    reader saw the previous photo above the next one's caption ("2 of 3") for seconds."""
    page.goto(live_server.url + gallery_article.url)
    links = page.locator(".gallery__link")
    second, third = (links.nth(n).get_attribute("data-full-src") for n in (1, 2))
    held = []

    def hold_the_second_and_lose_the_third(route):
        if route.request.url.endswith(second):
            held.append(route)
        elif route.request.url.endswith(third):
            route.abort()
        else:
            route.continue_()

    page.route("**/media/**", hold_the_second_and_lose_the_third)
    links.first.click()
    viewer = page.locator("dialog.lightbox")
    full = viewer.locator("img.lightbox__image")
    status = viewer.locator(".lightbox__status")
    expect(full).to_be_visible()
    expect(status).to_be_hidden()

    page.keyboard.press("ArrowRight")
    expect(viewer.locator(".lightbox__position")).to_have_text("2 of 3")
    expect(full).to_be_hidden()  # not the first photo under the second's caption
    expect(status).to_have_text("Loading photo…")
    page.screenshot(path=os.path.join(screenshot_dir, "gallery-lightbox-loading.png"))

    for _ in range(100):  # the route's handler runs while Playwright waits
        if held:
            break
        page.wait_for_timeout(20)
    held[0].continue_()
    expect(full).to_be_visible()
    expect(full).to_have_js_property("naturalWidth", 1800)
    assert full.get_attribute("src").endswith(second)
    expect(status).to_be_hidden()

    page.keyboard.press("ArrowRight")  # a photo that cannot be loaded says so
    expect(viewer.locator(".lightbox__position")).to_have_text("3 of 3")
    expect(status).to_have_text("This photo could not be loaded.")
    expect(full).to_be_hidden()

    page.keyboard.press("ArrowLeft")  # one seen already shows at once
    expect(full).to_be_visible()
    expect(status).to_be_hidden()


def test_on_a_phone_a_swipe_in_the_viewer_turns_to_the_next_or_previous_photo(
    live_server, browser, gallery_article
):
    """On a touch screen a reader swipes through photos, as in any phone's gallery; the viewer
    answered only to its small arrow buttons and the keyboard."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto(live_server.url + gallery_article.url)
    page.locator(".gallery__link").first.tap()
    viewer = page.locator("dialog.lightbox")
    position = viewer.locator(".lightbox__position")
    expect(position).to_have_text("1 of 3")
    touch = context.new_cdp_session(page)

    def swipe(from_x, to_x, y=400):
        touch.send(
            "Input.dispatchTouchEvent",
            {"type": "touchStart", "touchPoints": [{"x": from_x, "y": y}]},
        )
        for step in range(1, 6):
            x = from_x + (to_x - from_x) * step / 5
            touch.send(
                "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
            )
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    swipe(300, 80)  # the finger goes left: the next photo comes in from the right
    expect(position).to_have_text("2 of 3")
    swipe(300, 80)
    expect(position).to_have_text("3 of 3")
    swipe(80, 300)
    expect(position).to_have_text("2 of 3")
    swipe(200, 190)  # a touch that barely moves is no swipe
    expect(position).to_have_text("2 of 3")
    assert viewer.evaluate("dialog => dialog.open")
    context.close()


def test_on_a_phone_a_photo_pinched_larger_pans_under_the_finger_instead_of_turning(
    live_server, browser, gallery_article
):
    """A reader who zooms into a photo drags it sideways to see the rest of it, as on any page:
    the swipe that turns photos had taken that drag, and the zoomed view no longer moved."""
    context = browser.new_context(
        viewport={"width": 390, "height": 844}, has_touch=True, is_mobile=True
    )
    page = context.new_page()
    page.goto(live_server.url + gallery_article.url)
    page.locator(".gallery__link").first.tap()
    position = page.locator("dialog.lightbox .lightbox__position")
    expect(position).to_have_text("1 of 3")
    touch = context.new_cdp_session(page)

    def drag(from_x, to_x, y=400):
        touch.send(
            "Input.dispatchTouchEvent",
            {"type": "touchStart", "touchPoints": [{"x": from_x, "y": y}]},
        )
        for step in range(1, 6):
            x = from_x + (to_x - from_x) * step / 5
            touch.send(
                "Input.dispatchTouchEvent", {"type": "touchMove", "touchPoints": [{"x": x, "y": y}]}
            )
        touch.send("Input.dispatchTouchEvent", {"type": "touchEnd", "touchPoints": []})

    def viewport(until):
        # (page.wait_for_function evaluates its text, which the site's script-src forbids)
        for _ in range(50):
            seen = page.evaluate("({scale: visualViewport.scale, left: visualViewport.offsetLeft})")
            if until(seen):
                return seen
            page.wait_for_timeout(100)
        return seen

    touch.send("Emulation.setPageScaleFactor", {"pageScaleFactor": 3})  # a pinch, as a phone does
    assert viewport(lambda seen: seen["scale"] > 2)["scale"] > 2
    drag(300, 80)  # the finger goes left: the view moves right, over the photo
    assert viewport(lambda seen: seen["left"] > 0)["left"] > 0
    expect(position).to_have_text("1 of 3")

    touch.send("Emulation.setPageScaleFactor", {"pageScaleFactor": 1})
    assert viewport(lambda seen: seen["scale"] < 1.01)["scale"] < 1.01
    drag(300, 80)  # back at its size, the swipe turns the photo again
    expect(position).to_have_text("2 of 3")
    context.close()


def test_without_javascript_the_thumbnail_opens_the_plain_full_size_image(
    live_server, page_without_js, gallery_article
):
    page = page_without_js
    page.goto(live_server.url + gallery_article.url)
    with page.expect_navigation():
        page.locator(".gallery__link").first.click()
    assert "max-2400x2400" in page.url
    assert page.evaluate("() => document.images[0].naturalWidth") == 1800


def test_an_editor_types_a_headline_and_the_page_address_follows(
    live_server, page, django_user_model
):
    make_home()
    section = make_section(title="World")
    django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-for-editor")
    sign_in_to_admin(page, live_server, "editor", "pw-for-editor")

    page.goto(f"{live_server.url}/admin/pages/add/publishing/articlepage/{section.pk}/")
    assert page.get_attribute("#id_title", "placeholder") == "Headline*"
    page.click("#id_title")
    page.keyboard.type("Ferry fares rise in spring")
    page.keyboard.press("Tab")
    expect(page.locator("#id_slug")).to_have_value("ferry-fares-rise-in-spring")


def test_the_video_player_is_named_after_the_video(live_server, page):
    make_home()
    make_section(title="World")
    article = make_article(
        title="The launch",
        body=[
            (
                "video",
                {
                    "url": "https://youtu.be/aqz-KE-bpKQ",
                    "title": "How the turbine was lowered",
                    "caption": "",
                    "poster": None,
                },
            )
        ],
    )
    page.route("https://www.youtube-nocookie.com/**", lambda route: route.abort())
    warnings = []
    page.on("console", lambda message: warnings.append(message.text))
    page.goto(live_server.url + article.url)
    page.click(".video__facade")
    player = page.locator(".video__frame iframe")
    player.wait_for()
    # A screen reader announces the frame by its title: not the facade's "▶ Play video … opens…"
    assert player.get_attribute("title") == "How the turbine was lowered (YouTube video)"
    assert page.evaluate("document.activeElement.tagName") == "IFRAME"
    assert not [text for text in warnings if "allowfullscreen" in text]


@pytest.mark.parametrize("width,height", [(1280, 900), (390, 844)])
def test_the_footer_reaches_the_bottom_of_a_short_page(live_server, page, width, height):
    make_home()
    page.set_viewport_size({"width": width, "height": height})
    page.goto(live_server.url + "/accounts/login/")
    footer = page.locator(".site-footer").bounding_box()
    assert footer["y"] + footer["height"] == pytest.approx(height, abs=1)
    # the content column keeps its width and place
    main = page.locator("main").bounding_box()
    assert main["width"] == pytest.approx(min(width, 72 * 16), abs=1)
    assert main["x"] == pytest.approx((width - main["width"]) / 2, abs=1)
    assert page.evaluate("document.documentElement.scrollWidth") == width


def test_an_article_keeps_the_sites_header_and_footer_full_width(live_server, page):
    """The article page's body shared the `article` class of the story's column, so the whole
    page (header, navigation rule, footer) shrank to the column's 65rem on an article only."""
    make_home()
    make_section(title="City")
    article = make_article(title="Ferry timetable extended")
    widths = {}
    for path in ("/", article.url):
        page.goto(live_server.url + path)
        widths[path] = [
            page.locator(part).bounding_box()["width"] for part in (".site-header", ".site-footer")
        ]
    assert widths[article.url] == widths["/"] == [1280, 1280]


@pytest.fixture
def signed_in_editor(live_server, page, django_user_model):
    make_home()
    section = make_section(title="World")
    django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-for-editor")
    sign_in_to_admin(page, live_server, "editor", "pw-for-editor")
    yield section
    # The admin writes in the background: a side panel's opening is saved to the user's profile,
    # and leaving an edit view releases its editing session (a beacon sent as the page goes).
    # Leave the admin and let those requests finish, or the live server still holds the database
    # while the test's data is flushed ("database table is locked", and every later test fails).
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    deadline = time.monotonic() + 10
    while EditingSession.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def add_body_block(page, kind: str):
    """Insert a block of `kind` at the end of the article body, as the "+" menu does."""
    page.locator("[data-contentpath=body] button.c-sf-add-button").last.click()
    page.get_by_role("option", name=kind, exact=True).click()
    return page.locator("[data-contentpath=body] [data-streamfield-child]").last


def test_the_html_table_block_names_its_tags_and_keeps_text_it_refuses(
    live_server, page, signed_in_editor
):
    page.goto(f"{live_server.url}/admin/pages/add/publishing/articlepage/{signed_in_editor.pk}/")
    block = add_body_block(page, "Table as HTML")
    # The help names tags: shown as text, not swallowed by the browser as markup.
    expect(block.get_by_text("from <table> to </table>")).to_be_visible()
    expect(block.get_by_text("Headers (<th>), a <caption>")).to_be_visible()
    block.locator("textarea").fill("Leaves 09:00, arrives 10:30")
    page.click("#id_title")
    page.keyboard.type("Ferry times")
    page.fill("#id_standfirst", "The new timetable.")
    page.locator("footer button.w-dropdown__toggle").click()
    page.locator("footer button[name=action-publish]").click()
    page.wait_for_load_state()
    # Refused with the reason, and what the editor typed is still there to correct.
    block = page.locator("[data-contentpath=body] [data-streamfield-child]").last
    expect(block.get_by_text("Enter a table in HTML, from <table> to </table>")).to_be_visible()
    expect(block.locator("textarea")).to_have_value("Leaves 09:00, arrives 10:30")


def test_an_editor_types_a_table_into_the_grid_and_readers_get_its_header_row(
    live_server, page, signed_in_editor
):
    article = make_article(section=signed_in_editor, title="Empty homes survey")
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    block = add_body_block(page, "Table")
    expect(block.locator("select[name=table-header-choice]")).to_have_value("row")
    block.locator("input[name=handsontable-col-caption]").fill("Empty homes by ward")
    cells = block.locator(".ht_master td")
    for index, text in enumerate(["Ward", "Homes", None, "Old town", "152"]):
        if text:
            cells.nth(index).click()
            page.keyboard.type(text)
            page.keyboard.press("Enter")
    page.locator("footer button.w-dropdown__toggle").click()
    page.locator("footer button[name=action-publish]").click()
    page.wait_for_url("**/admin/pages/*/")
    page.goto(f"{live_server.url}{article.url}")
    table = page.locator(".article__body .body-table table")
    expect(table.locator("caption")).to_have_text("Empty homes by ward")
    expect(table.locator("thead th")).to_have_text(["Ward", "Homes"])
    expect(table.locator("tbody tr")).to_have_count(1)
    expect(table.locator("tbody td")).to_have_text(["Old town", "152"])


def test_the_editors_content_checks_find_no_issue_in_the_site_itself(
    live_server, page, signed_in_editor
):
    """Each issue the checks list is the editor's to fix: one in the site's own template (the
    footer's name, a paragraph styled as a heading) showed on every article, fix what they may."""
    identity = SiteIdentity.for_site(Site.objects.get(is_default_site=True))
    identity.about = "A reader-funded newsroom covering the coast."
    identity.save()
    article = make_article(
        section=signed_in_editor,
        title="Ferry fares rise in spring",
        body=[("paragraph", RichText("<p>Fares rise by ten pence in March.</p>"))],
    )
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    page.click("[data-side-panel-toggle=checks]")
    expect(page.locator("[data-content-word-count]")).not_to_have_text("-", timeout=20_000)
    expect(page.locator("[data-side-panel=checks] [data-content-checker-count]")).to_have_text("0")
    expect(page.locator("[data-checks-panel] [data-content-checker-row]")).to_have_count(0)


def test_an_article_scheduled_in_the_editor_goes_live_when_the_worker_reaches_its_time(
    live_server, page, signed_in_editor, browser, settings
):
    # Off: an autosave and the schedule's save at once break the test database's transaction
    # (SQLite in memory, shared between the live server's threads: "no such savepoint").
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    from masthead.publishing.jobs import publish_scheduled_pages

    author = make_author(name="Maya Okafor")
    page.goto(f"{live_server.url}/admin/pages/add/publishing/articlepage/{signed_in_editor.pk}/")
    page.click("#id_title")
    page.keyboard.type("Coastal path reopens at dawn")
    page.fill("#id_standfirst", "The path was closed for repairs.")
    page.get_by_role("button", name="Choose an author").click()
    page.locator(".modal-dialog a", has_text=author.title).click()
    add_body_block(page, "Paragraph").locator(".public-DraftEditor-content").click()
    page.keyboard.type("Walkers can use the path again.")

    page.click("[data-side-panel-toggle=status]")
    page.locator("[data-side-panel=status]").get_by_role("button", name="Set schedule").click()
    go_live = timezone.localtime() + timedelta(minutes=30)
    dialog = page.get_by_role("dialog", name="Set publishing schedule")
    dialog.locator("#id_go_live_at").fill(go_live.strftime("%Y-%m-%d %H:%M"))
    # The date picker the field opens covers the button under it, so the editor saves from the
    # keyboard, as a keyboard user does (a click there lands on a day of the picker).
    save = dialog.get_by_role("button", name="Save schedule")
    save.focus()
    save.press("Enter")
    page.locator("footer button.w-dropdown__toggle").click()
    page.get_by_role("button", name="Schedule to publish").click()
    expect(page.locator(".messages")).to_contain_text("has been scheduled for publishing")

    article = ArticlePage.objects.get(title="Coastal path reopens at dawn")
    assert not article.live
    reader = browser.new_page()
    assert reader.goto(live_server.url + article.url).status == 404
    reader.goto(live_server.url + "/")
    expect(reader.locator("main")).not_to_contain_text("Coastal path reopens at dawn")

    # The worker's clock runs the job each minute; here the go-live time is simply reached.
    revision = article.scheduled_revision
    assert revision.approved_go_live_at == go_live.replace(second=0, microsecond=0)
    reached = timezone.now() - timedelta(seconds=1)
    revision.approved_go_live_at = reached
    revision.content["go_live_at"] = reached.isoformat()
    revision.save(update_fields=["approved_go_live_at", "content"])
    publish_scheduled_pages()

    assert reader.goto(live_server.url + article.url).status == 200
    reader.goto(live_server.url + "/")
    expect(reader.locator("main")).to_contain_text("Coastal path reopens at dawn")
    reader.close()


def test_the_focus_ring_shows_on_the_video_facade(live_server, page):
    """The frame clips what overflows it, and the ring was drawn outside the facade: a keyboard
    reader reaching the video saw only its label change colour (WCAG 2.4.7). Drawn inside, the
    poster would cover it."""
    make_home()
    make_section(title="World")
    article = make_article(
        title="The launch",
        body=[
            (
                "video",
                {
                    "url": "https://youtu.be/aqz-KE-bpKQ",
                    "title": "",
                    "caption": "",
                    "poster": make_image(width=1280, height=720),
                },
            )
        ],
    )
    page.goto(live_server.url + article.url)
    for _ in range(40):
        page.keyboard.press("Tab")
        if page.evaluate("document.activeElement.classList.contains('video__facade')"):
            break
    assert page.evaluate("document.activeElement.classList.contains('video__facade')")
    frame = Image.open(io.BytesIO(page.locator(".video__frame").screenshot())).convert("RGB")
    ring = [
        pixel
        for pixel in frame.get_flattened_data()
        if abs(pixel[0] - 37) < 20 and abs(pixel[1] - 99) < 20 and abs(pixel[2] - 235) < 20
    ]
    # Three pixels wide around the frame's edge: hundreds of pixels of the site's focus colour.
    assert len(ring) > 2 * (frame.width + frame.height)


CONTRAST = """([first, second]) => {
    const luminance = colour => colour.match(/[\\d.]+/g).slice(0, 3).map(Number).map(c => {
        c /= 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const [light, dark] = [luminance(first), luminance(second)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
}"""


def test_the_header_search_box_stands_out_from_the_page(live_server, page):
    """Its edge was 1.5:1 against the page, a white box on near-white paper; the site's other
    fields have edges of 3:1 and more, as WCAG 1.4.11 asks of what shows a control is there."""
    make_home()
    page.goto(live_server.url + "/")
    edge, fill = page.locator("#site-search-q").evaluate(
        "e => [getComputedStyle(e).borderTopColor, getComputedStyle(e).backgroundColor]"
    )
    paper = page.locator(".site-header").evaluate("e => getComputedStyle(e).backgroundColor")
    assert page.evaluate(CONTRAST, [edge, fill]) >= 3
    assert page.evaluate(CONTRAST, [edge, paper]) >= 3


def test_a_long_address_in_an_article_wraps_on_a_phone(live_server, browser):
    """A web or e-mail address is one long word: at 320 px it ran past the screen's edge and the
    whole page scrolled sideways (WCAG 1.4.10), more so with a reader's wider letter spacing."""
    make_home()
    make_section(title="World")
    address = "https://harbourledger.example/archive/2026/corrections-and-clarifications"
    article = make_article(
        title="Corrections",
        body=[
            ("paragraph", RichText(f"<p>Our corrections are listed at {address} each week.</p>"))
        ],
    )
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + article.url)
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    page.add_style_tag(content="* { letter-spacing: .12em !important; }")
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    context.close()


def test_the_lead_storys_chooser_opens_at_the_front_page(live_server, page, signed_in_editor):
    """Wagtail opens a page chooser at the pages' common ancestor: the root of the tree while
    there is no article, a single section while only that one has any. The front page's lead
    is chosen from every section."""
    make_article(section=signed_in_editor, title="Ferry fares rise in spring")
    home = make_home()
    page.goto(f"{live_server.url}/admin/pages/{home.pk}/edit/")
    with page.expect_response(f"**/admin/choose-page/{home.pk}/**"):
        page.get_by_role("button", name="Choose a page (Article)").click()
    # The front page's sections (here one; a section without articles is not listed).
    listing = page.locator(".modal-dialog table")
    expect(listing).to_contain_text("World")
    expect(listing).not_to_contain_text("Ferry fares rise in spring")


def test_an_editor_pins_a_story_to_the_top_of_its_section(live_server, page, signed_in_editor):
    now = timezone.now()
    make_article(section=signed_in_editor, title="Ferry fares rise in spring", published=now)
    make_article(
        section=signed_in_editor, title="Harbour wall repaired", published=now - timedelta(days=9)
    )
    make_article(section=make_section(title="Science"), title="New telescope opens")
    page.goto(f"{live_server.url}/admin/pages/{signed_in_editor.pk}/edit/")
    page.get_by_role("button", name="Add Pinned article").click()
    # The chooser opens among the section's own articles.
    with page.expect_response(f"**/admin/choose-page/{signed_in_editor.pk}/**"):
        page.get_by_role("button", name="Choose a page (Article)").click()
    page.locator(".modal-dialog a", has_text="Harbour wall repaired").click()
    page.locator("footer button.w-dropdown__toggle").click()
    page.locator("footer button[name=action-publish]").click()
    expect(page.locator(".messages")).to_contain_text("has been published")

    page.goto(f"{live_server.url}/world/")
    expect(page.locator(".card__headline")).to_have_text(
        ["Harbour wall repaired", "Ferry fares rise in spring"]
    )


def test_an_editor_adds_a_new_author_from_the_byline_without_leaving_the_article(
    live_server, page, signed_in_editor, browser, settings
):
    # Off: an autosave writing while the reader's page is read would find the test database's
    # tables locked (SQLite in memory, shared between the live server's threads).
    settings.WAGTAIL_AUTOSAVE_INTERVAL = 0
    page.goto(f"{live_server.url}/admin/pages/add/publishing/articlepage/{signed_in_editor.pk}/")
    page.click("#id_title")
    page.keyboard.type("Lighthouse keeper retires")
    page.get_by_role("button", name="Choose an author").click()
    modal = page.locator(".modal-dialog")
    modal.get_by_role("tab", name="New author").click()
    modal.get_by_label("Name").fill("Imogen Salt")
    modal.get_by_label("Role").fill("Coast reporter")
    modal.get_by_role("button", name="Add author").click()
    expect(modal).to_be_hidden()
    # Chosen in the byline, the article still being written.
    expect(page.locator("[id^=inline_child_article_authors]").first).to_contain_text("Imogen Salt")
    author = AuthorPage.objects.get(title="Imogen Salt")
    expect(page.locator("input[name=article_authors-0-author]")).to_have_value(str(author.pk))
    expect(page.locator("#id_title")).to_have_value("Lighthouse keeper retires")

    reader = browser.new_page()
    reader.goto(live_server.url + author.url)
    expect(reader.locator("main")).to_contain_text("Imogen Salt")
    expect(reader.locator("main")).to_contain_text("Coast reporter")
    reader.close()


def test_save_draft_after_an_autosave_keeps_one_draft_saved_line(
    live_server, page, signed_in_editor
):
    """Autosave's revision and the "Save draft" after it were two identical lines of history."""
    article = make_article(section=signed_in_editor, title="Harbour wall repairs begin")
    # The editor takes the form's unedited state 2 s after it opens (at times twice, 2 s apart):
    # an edit made before is taken for the unedited state, and never autosaved.
    page.add_init_script(
        "document.addEventListener('w-unsaved:watch-edits', () => { window.watching = true; })"
    )
    page.goto(f"{live_server.url}/admin/pages/{article.pk}/edit/")
    page.wait_for_function("window.watching")
    page.wait_for_timeout(2500)
    page.fill("#id_standfirst", "Work starts on Monday.")
    # autosaved: the form holds the revision it made
    expect(page.locator("form[data-edit-form]")).to_have_attribute(
        "data-w-autosave-revision-id-value", re.compile(r"^\d+$"), timeout=10_000
    )
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("has been updated")

    page.goto(f"{live_server.url}/admin/pages/{article.pk}/history/")
    expect(page.locator("main")).to_contain_text("Draft saved")
    assert page.locator("main").inner_text().count("Draft saved") == 1
    draft = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    assert draft.standfirst == "Work starts on Monday."


def test_a_new_article_is_autosaved_before_its_byline_names_an_author(
    live_server, page, signed_in_editor
):
    """Autosave paused ("There are validation errors") on a new article until an author was
    chosen: the byline's first slot required one, and closing the tab lost the work."""
    page.add_init_script(
        "document.addEventListener('w-unsaved:watch-edits', () => { window.watching = true; });"
        "document.addEventListener('w-autosave:success', () => { window.autosaved = true; });"
    )
    page.goto(f"{live_server.url}/admin/pages/add/publishing/articlepage/{signed_in_editor.pk}/")
    page.wait_for_function("window.watching")
    page.wait_for_timeout(2500)  # see test_save_draft_after_an_autosave_keeps_one_draft_saved_line
    page.click("#id_title")
    page.keyboard.type("Lighthouse keeper retires")
    expect(page.locator("form[data-edit-form]")).to_have_attribute(
        "data-w-autosave-revision-id-value", re.compile(r"^\d+$"), timeout=10_000
    )
    # The revision id is set before Wagtail turns the form into the editor's (hydration); an
    # edit typed before that is done is taken as already saved, so wait for it.
    page.wait_for_function("window.autosaved", timeout=10_000)
    # The next autosave, now of the saved draft, goes through too.
    # (An autosave of the title still in flight may answer first: wait for the standfirst's.)
    with page.expect_response(
        lambda response: (
            response.request.method == "POST"
            and "/edit/" in response.url
            and "Forty years on the rock." in (response.request.post_data or "")
        )
    ) as autosaved:
        page.fill("#id_standfirst", "Forty years on the rock.")
    assert autosaved.value.status == 200
    expect(page.get_by_text("Autosave is paused")).to_be_hidden()
    draft = ArticlePage.objects.get(title="Lighthouse keeper retires")
    assert draft.get_latest_revision_as_object().standfirst == "Forty years on the rock."
    assert not draft.live


def test_a_photo_in_the_body_fills_the_text_column_and_a_small_one_keeps_its_size(
    live_server, page
):
    """The photo's img carried the width of its smallest rendition (480 px): a 1800 px photo
    showed at 480 px in a 720 px column, and its "wide" setting changed nothing."""
    make_home()
    make_section(title="World")
    photo = make_image(width=1800, height=1200)
    article = make_article(
        title="The vote",
        body=[
            ("image", {"image": photo, "caption": "", "wide": False}),
            ("image", {"image": photo, "caption": "", "wide": True}),
            ("image", {"image": make_image(width=300, height=200), "caption": "", "wide": False}),
        ],
    )
    page.goto(live_server.url + article.url)
    column = page.locator(".article__body").evaluate("e => e.clientWidth")
    widths = page.locator(".body-figure img").evaluate_all(
        "images => images.map(img => img.getBoundingClientRect().width)"
    )
    assert column > 600
    assert widths[0] == column
    assert widths[1] > column
    assert widths[2] == 300


def test_a_wide_photo_in_the_body_is_fetched_at_the_size_it_is_shown(live_server, page):
    """Its srcset named the text column's width for a wide photo too: a browser took the 800 px
    rendition for a 928 px space and stretched it."""
    make_home()
    make_section(title="World")
    photo = make_image(width=1800, height=1200)
    article = make_article(
        title="The harbour", body=[("image", {"image": photo, "caption": "", "wide": True})]
    )
    page.goto(live_server.url + article.url)
    wide = page.locator(".body-figure--wide img")
    wide.scroll_into_view_if_needed()
    expect(wide).to_have_js_property("complete", True)
    shown, source = wide.evaluate("img => [img.getBoundingClientRect().width, img.currentSrc]")
    fetched = int(re.search(r"\.width-(\d+)\.", source).group(1))
    assert fetched >= shown > 800


def test_a_long_pasted_search_does_not_push_the_results_page_sideways_on_a_phone(live_server, page):
    """The results' heading ("No results for “…”") repeats the reader's words: a pasted address
    (no space to break at) ran past the screen's edge and the whole page scrolled sideways."""
    make_home()
    address = "https://www.example.org/story?id=20261130&utm_source=newsletter&utm_campaign=winter"
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(f"{live_server.url}/search/?{urlencode({'q': address})}")
    expect(page.get_by_role("heading", name="No results for")).to_contain_text(address)
    assert page.evaluate("document.documentElement.scrollWidth") == 390
