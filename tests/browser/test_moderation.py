"""The moderation queue in a real browser: keyboard shortcuts and bulk actions."""

import contextlib

import pytest
from django.contrib.auth.models import Permission

from masthead.discussion.models import Comment, CommentStatus
from masthead.discussion.readers import Reader
from masthead.discussion.services import comment_post
from masthead.moderation.services import comment_remove
from tests.browser.admin import sign_in_to_admin
from tests.factories import make_article, make_home, make_section

pytestmark = pytest.mark.django_db(transaction=True)

HELD = "Links http://a.example http://b.example http://c.example"


def moderator(django_user_model, username):
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw-mod")
    user.user_permissions.add(
        Permission.objects.get(codename="moderate_comments"),
        Permission.objects.get(codename="access_admin"),
    )
    return user


def held(article, n):
    comment = comment_post(
        article=article,
        reader=Reader(user=None, key=f"g-held-{n}", ip_hash=f"held-{n}"),
        body=f"{HELD} {n}",
        author_name=f"Reader {n}",
        author_email=f"r{n}@example.com",
    )
    assert comment.status != CommentStatus.PUBLISHED
    return comment


def test_u_undoes_the_moderators_own_last_decision_and_keys_typed_in_a_field_do_nothing(
    live_server, page, django_user_model
):
    make_home()
    make_section(title="World")
    article = make_article(title="Harbour bridge approved")
    mine, theirs = held(article, 1), held(article, 2)
    moderator(django_user_model, "mod")
    colleague = moderator(django_user_model, "colleague")

    sign_in_to_admin(page, live_server, "mod", "pw-mod")
    page.goto(f"{live_server.url}/admin/moderation/?author=Reader+1")
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("a")
    assert Comment.objects.get(pk=mine.pk).status == CommentStatus.PUBLISHED

    # A colleague decides on another comment meanwhile: theirs is now the newest decision.
    comment_remove(comment=Comment.objects.get(pk=theirs.pk), moderator=colleague)
    page.goto(f"{live_server.url}/admin/moderation/")
    page.click("input[name=reason]")
    page.keyboard.type("jau")  # typed into the filter: not shortcuts
    page.wait_for_timeout(500)
    assert page.input_value("input[name=reason]") == "jau"
    assert Comment.objects.get(pk=mine.pk).status == CommentStatus.PUBLISHED

    page.locator("h1").click()
    with page.expect_navigation():
        page.keyboard.press("u")
    assert Comment.objects.get(pk=mine.pk).status != CommentStatus.PUBLISHED
    assert Comment.objects.get(pk=theirs.pk).status == CommentStatus.REMOVED


def test_a_key_pressed_twice_or_undo_clicked_twice_acts_once_and_says_what_it_did(
    live_server, page, django_user_model
):
    """A second press (or click) while the decision is on its way would post it again: the
    server does both, and the page says "already marked as spam" or "already undone" of what
    the first press did. Each acts once, in the queue and in the log. On the queue it just
    emptied, `u` still undoes."""
    make_home()
    make_section(title="World")
    comment = held(make_article(title="Harbour bridge approved"), 1)
    moderator(django_user_model, "mod")
    sign_in_to_admin(page, live_server, "mod", "pw-mod")
    on_their_way = []  # the posts sent, held until both presses are made (a slow network)
    page.route(
        "**/admin/moderation/**",
        lambda route: (
            on_their_way.append(route) if route.request.method == "POST" else route.continue_()
        ),
    )

    def twice(press, back="?queue="):  # back: the address of the page the post comes back to
        page.evaluate("window.leftBehind = true")  # marks this page, to wait for the next one
        press()
        for _ in range(100):  # the first post is on its way (a loaded machine may take a while)
            if on_their_way:
                break
            page.wait_for_timeout(50)
        press()
        page.wait_for_timeout(300)  # time enough for a second post to be sent, were it sent
        sent = len(on_their_way)
        with page.expect_response(lambda r: r.request.method == "GET" and back in r.url):
            for route in on_their_way:  # each reaches the server, as a dropped post does
                answer = route.fetch(max_redirects=0)
                with contextlib.suppress(Exception):  # the browser dropped it: nobody listens
                    route.fulfill(response=answer)
        on_their_way.clear()
        # The page the post came back to, loaded and its keys ready (not the one left behind).
        page.wait_for_function("!window.leftBehind && document.readyState === 'complete'")
        return sent, page.inner_text(".messages").strip()

    page.goto(f"{live_server.url}/admin/moderation/?queue={comment.status}&author=Reader+1")
    page.keyboard.press("j")
    assert twice(lambda: page.keyboard.press("s")) == (
        1,
        "Marked as spam: 1 comment. You can undo it from “Recent decisions”.",
    )
    assert page.locator("[data-item]").count() == 0  # the queue shown is now empty

    sent, said = twice(lambda: page.keyboard.press("u"))
    assert (sent, said) == (1, "Undone: marked as spam on the comment by Reader 1.")
    assert Comment.objects.get(pk=comment.pk).status == comment.status

    page.keyboard.press("j")
    assert twice(lambda: page.keyboard.press("a"))[0] == 1
    box = page.locator("#recent-decisions button", has_text="Undo").first.bounding_box()
    undo = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    sent, said = twice(lambda: page.mouse.click(*undo))
    assert (sent, said) == (1, "Undone: approved on the comment by Reader 1.")

    # The log's Undo too.
    page.keyboard.press("j")
    assert twice(lambda: page.keyboard.press("a"))[0] == 1
    page.goto(f"{live_server.url}/admin/moderation/decisions/")
    box = page.locator("tbody button", has_text="Undo").first.bounding_box()
    undo = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    sent, said = twice(lambda: page.mouse.click(*undo), back="/decisions/")
    assert (sent, said) == (1, "Undone: approved on the comment by Reader 1.")


def test_b_with_for_good_asks_before_banning_and_a_timed_ban_is_one_key(
    live_server, page, django_user_model
):
    from playwright.sync_api import expect

    from masthead.moderation.models import Ban

    make_home()
    make_section(title="World")
    article = make_article(title="Harbour bridge approved")
    forever, briefly = held(article, 1), held(article, 2)
    moderator(django_user_model, "mod")
    sign_in_to_admin(page, live_server, "mod", "pw-mod")

    page.goto(f"{live_server.url}/admin/moderation/?queue={forever.status}&author=Reader+1")
    page.select_option(f"select[name=ban_days_{forever.pk}]", "")
    page.locator("h1").click()
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("b")
    expect(page.get_by_role("button", name="Ban for good")).to_be_visible()
    assert not Ban.objects.exists()
    with page.expect_navigation():
        page.get_by_role("button", name="Ban for good").click()
    assert Ban.objects.filter(value="r1@example.com", expires__isnull=True).exists()

    page.goto(f"{live_server.url}/admin/moderation/?queue={briefly.status}&author=Reader+2")
    page.locator("h1").click()
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("b")
    assert Ban.objects.filter(value="r2@example.com", expires__isnull=False).exists()


def test_f_features_a_published_comment_and_again_unfeatures_it(
    live_server, page, django_user_model, screenshot_dir
):
    import os

    make_home()
    make_section(title="World")
    article = make_article(title="Harbour bridge approved")
    comment = comment_post(
        article=article,
        reader=Reader(user=None, key="g-omar", ip_hash="omar"),
        body="Page 4 of the plan puts the footpath on the sea side, 3 m wide.",
        author_name="Omar Haddad",
        author_email="omar@example.com",
    )
    assert comment.status == CommentStatus.PUBLISHED
    moderator(django_user_model, "mod")
    sign_in_to_admin(page, live_server, "mod", "pw-mod")

    page.goto(f"{live_server.url}/admin/moderation/?queue=published")
    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("f")
    assert Comment.objects.get(pk=comment.pk).is_featured
    page.goto(f"{live_server.url}/admin/moderation/?queue=featured")
    item = page.locator(f"#mod-{comment.pk}")
    assert "Featured by mod" in item.inner_text()
    page.screenshot(path=os.path.join(screenshot_dir, "moderation-featured.png"), full_page=True)

    page.keyboard.press("j")
    with page.expect_navigation():
        page.keyboard.press("f")
    assert Comment.objects.get(pk=comment.pk).featured_at is None


def test_ticked_comments_are_featured_and_unfeatured_together_and_u_undoes_it(
    live_server, page, django_user_model, screenshot_dir
):
    import os

    make_home()
    make_section(title="World")
    article = make_article(title="Harbour bridge approved")
    said = [
        "Page 4 of the plan puts the footpath on the sea side, 3 m wide.",
        "Spring is optimistic; the last bridge took three years.",
        "Good to see the council listen to the residents for once.",
    ]
    comments = [
        comment_post(
            article=article,
            reader=Reader(user=None, key=f"g-pick-{n}", ip_hash=f"pick-{n}"),
            body=body,
            author_name=f"Reader {n}",
            author_email=f"p{n}@example.com",
        )
        for n, body in enumerate(said)
    ]
    assert {comment.status for comment in comments} == {CommentStatus.PUBLISHED}
    moderator(django_user_model, "mod")
    sign_in_to_admin(page, live_server, "mod", "pw-mod")

    # Newest first: j x ticks the newest, j j x the oldest; the bulk button acts on the ticked.
    page.goto(f"{live_server.url}/admin/moderation/?queue=published")
    for key in "jxjjx":
        page.keyboard.press(key)
    with page.expect_navigation():
        page.get_by_role("button", name="Feature selected").click()
    featured = [Comment.objects.get(pk=c.pk).is_featured for c in comments]
    assert featured == [True, False, True]
    assert "Featured: 2 comments." in page.inner_text(".messages")

    page.goto(f"{live_server.url}/admin/moderation/?queue=featured")
    page.screenshot(path=os.path.join(screenshot_dir, "moderation-bulk-unfeature.png"))
    page.check("[data-select-all]")
    with page.expect_navigation():
        page.get_by_role("button", name="Unfeature selected").click()
    assert not any(Comment.objects.get(pk=c.pk).is_featured for c in comments)

    page.locator("h1").click()
    with page.expect_navigation():
        page.keyboard.press("u")  # the whole bulk action
    assert [Comment.objects.get(pk=c.pk).is_featured for c in comments] == featured


# Whatever reaches past the right edge of the screen and is not inside a box that scrolls
# sideways (itself on screen) is cut off: the admin's page does not scroll sideways.
CUT_OFF = """() => {
  const width = document.documentElement.clientWidth;
  const cutOff = [];
  for (const element of document.querySelectorAll("main *")) {
    const box = element.getBoundingClientRect();
    if (box.width === 0 || box.right <= width + 1) continue;
    let ancestor = element.parentElement;
    let scrolls = false;
    while (ancestor) {
      const overflow = getComputedStyle(ancestor).overflowX;
      if (overflow === "auto" || overflow === "scroll") {
        scrolls = ancestor.getBoundingClientRect().right <= width + 1;
        break;
      }
      ancestor = ancestor.parentElement;
    }
    if (!scrolls) cutOff.push(element.tagName + " " + (element.textContent || "").trim().slice(0, 40));
  }
  return cutOff;
}"""


def test_on_a_phone_the_moderation_pages_cut_nothing_off(live_server, browser, django_user_model):
    make_home()
    make_section(title="World")
    article = make_article(
        title="Council approves protected cycle lanes on Quay Street after a two-year campaign"
    )
    decided = held(article, 1)
    for n in range(2, 6):
        held(article, n)
    mod = moderator(django_user_model, "mod")
    mod.user_permissions.add(Permission.objects.get(codename="change_moderationsettings"))
    comment_remove(comment=decided, moderator=mod)

    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    sign_in_to_admin(page, live_server, "mod", "pw-mod")
    for address in (
        "/admin/moderation/",
        "/admin/moderation/decisions/",
        "/admin/moderation/filter/",
        "/admin/settings/moderation/moderationsettings/",
    ):
        page.goto(live_server.url + address)
        assert page.evaluate(CUT_OFF) == [], address

    # Scrolled down the queue, the bulk bar sticks to the top: "Select all" stays in reach.
    page.goto(live_server.url + "/admin/moderation/")
    page.locator(".mod-item").last.scroll_into_view_if_needed()
    select_all = page.locator("[data-select-all]")
    box = select_all.bounding_box()
    assert box["y"] < 100
    centre = (box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    assert page.evaluate(
        "([x, y]) => document.elementFromPoint(x, y).matches('[data-select-all]')", centre
    ), "something covers Select all"
    context.close()


# Each wide listing's box: how far it would scroll sideways, and whether its column heads show.
LISTINGS = """() => [...document.querySelectorAll('.mod-scroll')].map(box => ({
  sideways: box.scrollWidth - box.clientWidth,
  heads: getComputedStyle(box.querySelector('thead')).display !== 'none',
}))"""


def test_on_a_phone_the_log_and_bans_rows_stack_and_on_a_desktop_they_stay_tables(
    live_server, browser, django_user_model, screenshot_dir
):
    """At 375 px the decisions log and the lifted bans read without scrolling sideways: each
    row stacked, its cells one under the other. At 1280 px they are the same tables as before."""
    import os

    from masthead.moderation.services import ban_lift, reader_ban

    make_home()
    make_section(title="World")
    article = make_article(
        title="Council approves protected cycle lanes on Quay Street after a two-year campaign"
    )
    mod = moderator(django_user_model, "mod")
    mod.user_permissions.add(Permission.objects.get(codename="change_moderationsettings"))
    comment_remove(comment=held(article, 1), moderator=mod)
    decision = reader_ban(comment=held(article, 2), moderator=mod, days=7, reason="raid")
    ban_lift(ban=decision.bans.first(), moderator=mod)

    context = browser.new_context(viewport={"width": 375, "height": 812})
    page = context.new_page()
    sign_in_to_admin(page, live_server, "mod", "pw-mod")
    for width, stacked in ((375, True), (1280, False)):
        page.set_viewport_size({"width": width, "height": 900})
        for name, address in (("log", "decisions/"), ("bans", "bans/")):
            page.goto(f"{live_server.url}/admin/moderation/{address}")
            page.screenshot(path=os.path.join(screenshot_dir, f"moderation-{name}-{width}.png"))
            listings = page.evaluate(LISTINGS)
            assert listings and all(box["sideways"] <= 0 for box in listings), (width, listings)
            assert all(box["heads"] is not stacked for box in listings), (width, listings)
            assert page.evaluate(CUT_OFF) == [], (width, address)
    page.goto(f"{live_server.url}/admin/moderation/decisions/")
    cell = page.locator(".mod-stack tbody td").first
    assert cell.evaluate("td => getComputedStyle(td).display") == "table-cell"
    context.close()


def test_a_key_acts_on_the_comment_the_moderator_clicked_into_not_the_one_j_left_marked(
    live_server, page, django_user_model
):
    make_home()
    make_section(title="World")
    article = make_article(title="Harbour bridge approved")
    for n in range(1, 5):
        held(article, n)
    moderator(django_user_model, "mod")
    sign_in_to_admin(page, live_server, "mod", "pw-mod")

    page.goto(f"{live_server.url}/admin/moderation/")
    items = page.locator("[data-item]")
    marked_id = int(items.nth(0).get_attribute("id").removeprefix("mod-"))
    page.keyboard.press("j")
    clicked = items.nth(1)
    clicked.locator(".mod-item__author strong").click()
    clicked_id = int(clicked.get_attribute("id").removeprefix("mod-"))
    with page.expect_navigation():
        page.keyboard.press("a")

    assert Comment.objects.get(pk=clicked_id).status == CommentStatus.PUBLISHED
    assert Comment.objects.get(pk=marked_id).status != CommentStatus.PUBLISHED


def test_enter_in_a_ban_reason_acts_on_nothing(live_server, page, django_user_model):
    make_home()
    make_section(title="World")
    article = make_article(title="Harbour bridge approved")
    comment = held(article, 1)
    moderator(django_user_model, "mod")

    sign_in_to_admin(page, live_server, "mod", "pw-mod")
    page.goto(f"{live_server.url}/admin/moderation/")
    page.check(f"input[name=comment][value='{comment.pk}']")
    page.fill(f"input[name=ban_note_{comment.pk}]", "Keeps posting links")
    with page.expect_navigation():
        page.press(f"input[name=ban_note_{comment.pk}]", "Enter")
    assert "Nothing was done" in page.content()
    assert Comment.objects.get(pk=comment.pk).status == comment.status


def test_a_spammer_changing_names_is_followed_by_address_across_the_queues(
    live_server, page, django_user_model
):
    make_home()
    make_section(title="World")
    article = make_article(title="Harbour bridge approved")
    shared = "47b2a87e" + "0" * 32
    for n, (name, body) in enumerate(
        [
            ("Linda", "Goog-l-e is paying $97 per ho-u-r ♥♥♥♥ http://easy-cash.example/start"),
            ("Grace", "Recover your lost bitcoin: WhatsApp Mr Adam on +1 (415) 555-0199 today"),
            ("Pat", "Who paid for the survey, and will the results be published in full?"),
        ]
    ):
        comment_post(
            article=article,
            reader=Reader(user=None, key=f"g-{n}", ip_hash=shared),
            body=body,
            author_name=name,
            author_email=f"{name.lower()}@example.com",
        )
    comment_post(
        article=article,
        reader=Reader(user=None, key="g-other", ip_hash="d824e761" + "0" * 32),
        body="Goog-l-e is paying $97 per ho-u-r ♥♥♥♥ http://easy-cash.example/other",
        author_name="Someone Else",
        author_email="else@example.com",
    )
    moderator(django_user_model, "mod")
    sign_in_to_admin(page, live_server, "mod", "pw-mod")

    page.goto(f"{live_server.url}/admin/moderation/?queue=spam&author=Grace")
    item = page.locator("[data-item]").first
    assert "Same address, other names: 2 comments (1 spam)" in item.inner_text()
    with page.expect_navigation():
        item.get_by_role("link", name="#47b2a87e").click()
    names = page.locator(".mod-item__author strong").all_inner_texts()
    assert sorted(names) == ["Grace", "Linda"]
    with page.expect_navigation():
        page.get_by_role("tab", name="Recently published").click()
    assert page.locator(".mod-item__author strong").all_inner_texts() == ["Pat"]
    assert page.input_value("input[name=author]") == "#47b2a87e"


def test_after_a_key_decision_the_next_comment_in_its_place_is_marked(
    live_server, page, django_user_model
):
    make_home()
    make_section(title="World")
    article = make_article(title="Harbour bridge approved")
    first, second, third = (held(article, n) for n in (1, 2, 3))  # listed newest first
    Comment.objects.filter(pk__in=[first.pk, second.pk, third.pk]).update(
        status=CommentStatus.PENDING
    )
    moderator(django_user_model, "mod")
    sign_in_to_admin(page, live_server, "mod", "pw-mod")

    page.goto(f"{live_server.url}/admin/moderation/?queue=pending")
    page.locator("h1").click()
    page.keyboard.press("j")
    page.keyboard.press("j")  # the second listed: Reader 2
    with page.expect_navigation():
        page.keyboard.press("a")
    assert Comment.objects.get(pk=second.pk).status == CommentStatus.PUBLISHED
    marked = page.locator("[data-item].is-focused")
    assert marked.count() == 1 and "Reader 1" in marked.inner_text()  # now in its place
    with page.expect_navigation():
        page.keyboard.press("a")
    assert Comment.objects.get(pk=first.pk).status == CommentStatus.PUBLISHED
    assert Comment.objects.get(pk=third.pk).status != CommentStatus.PUBLISHED
    # the last one decided, the one before it is marked; a fresh visit marks nothing
    assert "Reader 3" in page.locator("[data-item].is-focused").inner_text()
    page.goto(f"{live_server.url}/admin/moderation/?queue=pending")
    assert page.locator("[data-item].is-focused").count() == 0


def test_the_log_shows_each_decisions_time_on_one_line(live_server, page, django_user_model):
    make_home()
    make_section(title="World")
    article = make_article(title="Harbour bridge approved")
    comment = held(article, 1)
    mod = moderator(django_user_model, "mod")
    comment_remove(comment=Comment.objects.get(pk=comment.pk), moderator=mod)
    sign_in_to_admin(page, live_server, "mod", "pw-mod")

    page.goto(f"{live_server.url}/admin/moderation/decisions/")
    when = page.locator("tbody tr td").first
    line_height = when.evaluate("cell => parseFloat(getComputedStyle(cell).lineHeight) || 20")
    box = when.evaluate(
        "cell => { const r = document.createRange(); r.selectNodeContents(cell);"
        " return r.getBoundingClientRect().height; }"
    )
    assert box < 1.5 * line_height


# Each filter's label text and its box: the text's top, and the field's top and height.
FILTER_LABELS = """() => [...document.querySelectorAll('.mod-filters label')].map(label => {
  const words = document.createRange(); words.selectNodeContents(label.firstChild);
  const field = label.querySelector('input, select').getBoundingClientRect();
  const box = label.getBoundingClientRect();
  return {name: label.firstChild.textContent.trim(), text: words.getBoundingClientRect().top,
          field: field.top, height: field.height, top: box.top, bottom: box.bottom};
})"""


def test_the_queue_filters_labels_line_up_with_their_fields(
    live_server, page, django_user_model, screenshot_dir
):
    """The filters side by side read as one row: each label over its field, the labels on one
    line and the fields on the next, the article menu as tall as the text boxes beside it."""
    import os

    make_home()
    make_section(title="World")
    held(make_article(title="Harbour bridge approved"), 1)
    moderator(django_user_model, "mod")
    sign_in_to_admin(page, live_server, "mod", "pw-mod")

    for width in (1280, 1600):
        page.set_viewport_size({"width": width, "height": 900})
        page.goto(f"{live_server.url}/admin/moderation/")
        page.screenshot(path=os.path.join(screenshot_dir, f"queue-filters-{width}.png"))
        labels = page.evaluate(FILTER_LABELS)
        assert {"Article", "Author"} <= {label["name"] for label in labels}
        rows: list[list[dict]] = []
        for label in labels:  # labels whose boxes overlap from top to bottom share a row
            row = next(
                (
                    r
                    for r in rows
                    if label["top"] < r[0]["bottom"] and r[0]["top"] < label["bottom"]
                ),
                None,
            )
            row.append(label) if row is not None else rows.append([label])
        first = next(row for row in rows if any(label["name"] == "Article" for label in row))
        assert len(first) > 1, labels
        for key in ("text", "field", "height"):
            values = {label["name"]: round(label[key]) for label in first}
            assert max(values.values()) - min(values.values()) <= 1, (width, key, values)


# Each filter field whose example (its placeholder) runs past the room its box gives text.
CUT_PLACEHOLDERS = """() => [...document.querySelectorAll('.mod-filters input[placeholder]')]
  .filter(field => {
    const style = getComputedStyle(field);
    const pen = document.createElement('canvas').getContext('2d');
    pen.font = style.font;
    const room = field.clientWidth - parseFloat(style.paddingLeft) - parseFloat(style.paddingRight);
    return pen.measureText(field.placeholder).width > room;
  }).map(field => field.placeholder)"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_queue_filters_examples_are_shown_whole(live_server, page, django_user_model, width):
    """The words field showed its example cut off: "e.g. a handle, a phone numbe"."""
    make_home()
    make_section(title="World")
    held(make_article(title="Harbour bridge approved"), 1)
    moderator(django_user_model, "mod")
    sign_in_to_admin(page, live_server, "mod", "pw-mod")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/admin/moderation/")
    assert page.evaluate(CUT_PLACEHOLDERS) == []
    assert page.evaluate(CUT_OFF) == []


# A row of controls, as laid out: for each row its first control's left edge and the space
# between each control and the next (a control left of the previous one's right starts a row).
CONTROL_ROWS = """box => {
  const rows = [];
  for (const control of box.children) {
    if (control.hidden || control.type === 'hidden') continue;
    const { left, right } = control.getBoundingClientRect();
    const row = rows.at(-1);
    if (!row || left < row.right) rows.push({ start: left, gaps: [], right });
    else { row.gaps.push(Math.round(left - row.right)); row.right = right; }
  }
  const style = getComputedStyle(box);
  return { edge: box.getBoundingClientRect().left + parseFloat(style.paddingLeft),
           gap: parseFloat(style.columnGap), rows };
}"""


@pytest.mark.parametrize("width", [1280, 390])
def test_the_queues_buttons_are_spaced_evenly_and_each_row_starts_at_its_edge(
    live_server, page, django_user_model, width
):
    """Wagtail's margin between two buttons set "Spam" and "Remove" apart from the rest, and on
    a phone pushed a row that starts with "Spam" in from the others."""
    make_home()
    make_section(title="World")
    held(make_article(title="Harbour bridge approved"), 1)
    moderator(django_user_model, "mod")
    sign_in_to_admin(page, live_server, "mod", "pw-mod")
    page.set_viewport_size({"width": width, "height": 900})
    page.goto(f"{live_server.url}/admin/moderation/")
    for bar in (".mod-bulk", ".mod-item .mod-actions"):
        layout = page.locator(bar).first.evaluate(CONTROL_ROWS)
        gaps = [gap for row in layout["rows"] for gap in row["gaps"]]
        assert gaps and set(gaps) == {round(layout["gap"])}, (bar, layout)
        starts = {round(row["start"]) for row in layout["rows"]}
        assert starts == {round(layout["edge"])}, (bar, layout)


# Each menu of the queue whose longest choice runs into its chevron (Wagtail's, drawn as a
# background image: its left edge is its offset from the right plus its width).
CHEVRON_ON_TEXT = """() => [...document.querySelectorAll('.mod-bulk select, .mod-actions select')]
  .filter(menu => {
    const style = getComputedStyle(menu);
    const pen = document.createElement('canvas').getContext('2d');
    pen.font = style.font;
    const longest = Math.max(...[...menu.options].map(o => pen.measureText(o.text).width));
    const fromRight = parseFloat(style.backgroundPositionX.match(/- ([\\d.]+)px/)[1]);
    const chevron = menu.clientWidth - fromRight - parseFloat(style.backgroundSize);
    return parseFloat(style.paddingLeft) + longest + 4 > chevron;
  }).map(menu => menu.name)"""


def test_the_queues_menus_keep_their_choices_clear_of_their_chevrons(
    live_server, page, django_user_model
):
    """The bulk ban menu's "spam as spammers, others for abuse" ran into its chevron."""
    make_home()
    make_section(title="World")
    held(make_article(title="Harbour bridge approved"), 1)
    moderator(django_user_model, "mod")
    sign_in_to_admin(page, live_server, "mod", "pw-mod")
    page.goto(f"{live_server.url}/admin/moderation/")
    assert page.locator(".mod-bulk select").count() > 1
    assert page.evaluate(CHEVRON_ON_TEXT) == []
