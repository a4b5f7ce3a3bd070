import json
import os
import re
from datetime import timedelta
from urllib.parse import unquote

import pytest
from django.conf import settings
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.rich_text import RichText

from masthead.discussion import conf as discussion_conf
from masthead.discussion.models import Comment, DiscussionSettings
from masthead.discussion.readers import Reader, hash_address
from masthead.discussion.services import AnchorInput, comment_post
from masthead.discussion.services import comments as comment_rules
from masthead.discussion.services.subscriptions import subscription_request
from masthead.discussion.services.votes import OWN_COMMENT, TOO_MANY_FROM_ADDRESS, vote_cast
from masthead.discussion.subscription_links import subscription_token
from tests.factories import make_article, make_home, make_section

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def article():
    make_home()
    make_section(title="World")
    return make_article(
        title="Harbour bridge approved",
        body=[
            (
                "paragraph",
                RichText(
                    "<p>The council voted seven to two. The bridge will open in spring. "
                    '<span data-feedback="true">Tolls have not been decided.</span></p>'
                ),
            )
        ],
    )


def seed(article, count, *, start=None):
    start = start or timezone.now() - timedelta(hours=3)
    comments = []
    for n in range(count):
        reader = Reader(user=None, key=f"g-seed-{n}", ip_hash=f"seed-{n}")
        comments.append(
            comment_post(
                article=article,
                reader=reader,
                body=f"Seeded comment {n:02d}",
                author_name=f"Reader {n}",
                author_email=f"r{n}@example.com",
                now=start + timedelta(minutes=n),
            )
        )
    return comments


def ola_comments_on_a_passage(article, anchor: AnchorInput, body: str):
    """Another reader's comment on a passage of the article, posted before the page is opened."""
    return comment_post(
        article=article,
        reader=Reader(user=None, key="g-theirs", ip_hash="elsewhere"),
        body=body,
        author_name="Ola",
        author_email="ola@example.com",
        anchor=anchor,
    )


def typing_pause(page, seconds=1.2):
    """People take a few seconds to write; the filter holds forms sent faster than that, counted
    from when the server made the page (a busy machine may take a while to answer)."""
    elapsed = (
        page.evaluate(
            "performance.now() - performance.getEntriesByType('navigation')[0].responseStart"
        )
        / 1000
    )
    if elapsed < seconds:
        page.wait_for_timeout((seconds - elapsed) * 1000)


def fill_guest(page, text, name="Noa", email="noa@example.com"):
    typing_pause(page)
    page.fill("#id_body", text)
    page.fill("#id_author_name", name)
    page.fill("#id_author_email", email)


def test_post_reply_and_vote_without_reloads(live_server, page, article, screenshot_dir):
    first = seed(article, 1)[0]
    page.goto(live_server.url + article.url)
    page.evaluate("window.__loadMarker = 1")

    fill_guest(page, "A brand new *comment*")
    page.click("#comment-form button[type=submit]")
    new = page.locator(".comment", has_text="A brand new comment").first
    new.wait_for()
    assert new.locator("em").inner_text() == "comment"
    assert page.locator("[data-comment-count]").inner_text() == "2"

    page.click(f"#comment-{first.pk} [data-reply-to]")
    assert page.locator(f"#comment-{first.pk} #comment-form").is_visible()
    page.fill("#id_body", "Replying in place")
    page.click("#comment-form button[type=submit]")
    page.locator(
        f"#comment-{first.pk} .comment-replies .comment", has_text="Replying in place"
    ).wait_for()

    page.click(f"#comment-{first.pk} > .comment__card .vote--up")
    expect(page.locator(f"#comment-{first.pk} [data-score]").first).to_have_text("1 point")
    assert (
        page.locator(f"#comment-{first.pk} > .comment__card .vote--up").get_attribute(
            "aria-pressed"
        )
        == "true"
    )
    assert page.evaluate("window.__loadMarker") == 1  # never reloaded
    page.screenshot(path=os.path.join(screenshot_dir, "comments-js.png"), full_page=True)
    assert Comment.objects.get(body="Replying in place").parent_id == first.pk


def test_the_follow_form_stays_clear_of_the_sort_links_while_replying(live_server, page, article):
    first = seed(article, 1)[0]
    page.goto(live_server.url + article.url)
    page.click(f"#comment-{first.pk} [data-reply-to]")
    assert page.locator(f"#comment-{first.pk} #comment-form").is_visible()

    sort_links = page.locator(".comments__sort").bounding_box()
    follow = page.locator(".comments__follow").bounding_box()
    assert follow["y"] >= sort_links["y"] + sort_links["height"]


def test_keyboard_and_screen_reader_users_follow_what_happens(live_server, page, article):
    page.goto(live_server.url + article.url)
    fill_guest(page, "Posted from the keyboard")
    page.focus("#comment-form button[type=submit]")
    page.keyboard.press("Enter")
    new = page.locator(".comment", has_text="Posted from the keyboard").first
    new.wait_for()
    # focus lands on the new comment, and the live region says what happened
    expect(page.locator(":focus")).to_have_class(re.compile(r"\bcomment\b"))
    assert "Posted from the keyboard" in page.evaluate("document.activeElement.innerText")
    expect(page.locator("[data-announce]")).to_have_text("Your comment is posted.")

    new.locator("[data-edit]").click()
    editor = page.get_by_label("Edit your comment")
    editor.wait_for()
    editor.fill("")
    page.click(".comment__editor button[type=submit]")
    page.locator(".comment__editor .field__error").wait_for()
    assert editor.get_attribute("aria-invalid") == "true"
    page.click(".comment__editor [data-cancel]")
    assert page.evaluate("document.activeElement.dataset.edit") is not None


def test_a_refused_comment_points_at_the_field_at_fault(live_server, page, article):
    page.goto(live_server.url + article.url)
    fill_guest(page, "A comment without an address", email="")
    page.click("#comment-form button[type=submit]")
    page.locator("#comment-form-error").wait_for()
    assert "e-mail address" in page.inner_text("#comment-form-error")
    assert page.get_attribute("#id_author_email", "aria-invalid") == "true"
    assert page.get_attribute("#id_author_email", "aria-describedby") == "comment-form-error-1"
    assert page.evaluate("document.activeElement.id") == "id_author_email"


def test_a_refused_comment_shows_every_fields_problem_at_once_the_first_focused(
    live_server, page, article, screenshot_dir
):
    """With the script, an address that is no e-mail address and a website that is no web
    address showed the e-mail's problem alone, the website's only on the next try; the form
    without the script shows both at once."""
    page.goto(live_server.url + article.url)
    fill_guest(page, "Two slips in one form", email="not-an-email")
    page.fill("#id_author_url", "javascript:alert(1)")
    page.click("#comment-form button[type=submit]")

    box = page.locator("#comment-form-error")
    expect(box.locator("p")).to_have_text([comment_rules.EMAIL_INVALID, comment_rules.URL_INVALID])
    for field, message in [
        ("#id_author_email", comment_rules.EMAIL_INVALID),
        ("#id_author_url", comment_rules.URL_INVALID),
    ]:
        expect(page.locator(field)).to_have_attribute("aria-invalid", "true")
        described_by = page.get_attribute(field, "aria-describedby")
        assert page.inner_text(f"#{described_by}") == message
    expect(page.locator("#id_author_email")).to_be_focused()
    assert page.input_value("#id_author_url") == "javascript:alert(1)"  # nothing lost
    page.screenshot(path=os.path.join(screenshot_dir, "comment-two-problems.png"), full_page=True)

    page.fill("#id_author_email", "noa@example.com")
    page.fill("#id_author_url", "noa.example.com")
    page.click("#comment-form button[type=submit]")
    page.locator(".comment", has_text="Two slips in one form").first.wait_for()
    expect(box).to_be_hidden()
    expect(page.locator("#comment-form [aria-invalid]")).to_have_count(0)
    assert page.get_attribute("#id_author_url", "aria-describedby") is None


def test_sort_and_load_more_without_reloads(live_server, page, article):
    seed(article, 25)
    page.goto(live_server.url + article.url)
    page.evaluate("window.__loadMarker = 1")
    assert page.locator("[data-comment-list] > .comment").count() == 20
    page.click("[data-load-more]")
    expect(page.locator("[data-comment-list] > .comment")).to_have_count(25)
    assert page.locator("[data-load-more]").count() == 0
    ids = page.eval_on_selector_all(
        "[data-comment-list] > .comment", "items => items.map(i => i.id)"
    )
    assert len(ids) == len(set(ids))

    page.click("[data-sort-choice=oldest]")
    expect(page.locator("[data-comment-list] > .comment .comment__body").first).to_contain_text(
        "Seeded comment 00"
    )
    assert page.locator("[data-sort-choice=oldest]").get_attribute("aria-current") == "true"
    assert page.evaluate("window.__loadMarker") == 1
    page.reload()
    first = page.locator("[data-comment-list] > .comment .comment__body").first.inner_text()
    assert "Seeded comment 00" in first  # the choice is remembered


@pytest.mark.parametrize("failure", ["server error", "network down"])
def test_a_sort_that_fails_says_so_and_keeps_the_list_and_load_more_usable(
    live_server, page, article, failure
):
    options = DiscussionSettings.for_site(article.get_site())
    options.page_size = 5
    options.save()
    comments = seed(article, 8)
    page.goto(live_server.url + article.url)
    items = page.locator("[data-comment-list] > .comment")
    expect(items).to_have_count(5)
    newest = [f"comment-{comment.pk}" for comment in reversed(comments)]

    def refuse(route):
        if failure == "server error":
            route.fulfill(status=500, body="<h1>Server Error (500)</h1>")
        else:
            route.abort()

    sorted_oldest = re.compile(rf"/comments/{article.pk}/\?.*sort=oldest")
    page.route(sorted_oldest, lambda route: refuse(route))
    page.click("[data-sort-choice=oldest]")
    trouble = page.get_by_role("alert").filter(has_text="could not be sorted")
    expect(trouble).to_have_text("The comments could not be sorted by “Oldest”. Please try again.")
    # The list shown is the one the reader had, and the links say which order it is in.
    assert items.evaluate_all("items => items.map(i => i.id)") == newest[:5]
    expect(page.locator("[data-comment-list]")).not_to_have_attribute("aria-busy", "true")
    expect(page.locator("[data-sort-choice=newest]")).to_have_attribute("aria-current", "true")
    expect(page.locator("[data-sort-choice=oldest]")).not_to_have_attribute("aria-current", "true")
    more = page.locator("[data-load-more]")
    expect(more).not_to_have_attribute("aria-disabled", "true")
    more.click()  # goes on in the order shown
    expect(items).to_have_count(8)
    assert items.evaluate_all("items => items.map(i => i.id)") == newest
    expect(trouble).to_have_count(0)  # what went wrong is past

    page.unroute(sorted_oldest)
    page.click("[data-sort-choice=oldest]")  # trying again works
    expect(items.first).to_have_id(f"comment-{comments[0].pk}")
    expect(page.locator("[data-sort-choice=oldest]")).to_have_attribute("aria-current", "true")


def test_load_more_that_fails_says_so_and_can_be_tried_again(live_server, page, article):
    options = DiscussionSettings.for_site(article.get_site())
    options.page_size = 5
    options.save()
    seed(article, 8)
    page.goto(live_server.url + article.url)
    items = page.locator("[data-comment-list] > .comment")
    next_page = re.compile(rf"/comments/{article.pk}/\?.*after=")
    page.route(next_page, lambda route: route.fulfill(status=502, body="Bad gateway"))
    page.click("[data-load-more]")
    expect(page.get_by_role("alert")).to_have_text(
        "More comments could not be loaded. Please try again."
    )
    expect(items).to_have_count(5)  # no error page in the list
    expect(page.locator("[data-load-more]")).not_to_have_attribute("aria-busy", "true")
    page.unroute(next_page)
    page.click("[data-load-more]")
    expect(items).to_have_count(8)
    expect(page.locator("[data-list-trouble]")).to_have_count(0)


def ask_whether_comments_came(page, offer):
    """Move the page's clock on until it has asked whether comments came and shows `offer`. A
    page that opens a live stream first (with REDIS_URL; the test server refuses it) starts
    polling only once the refusal is in, which a loaded machine may answer after the first
    step."""
    for _ in range(10):
        page.clock.fast_forward(30_000)
        try:
            expect(offer).to_be_visible(timeout=1_000)
            return
        except AssertionError:
            continue
    expect(offer).to_be_visible()


@pytest.mark.parametrize("failure", ["server error", "network down"])
def test_show_new_comments_that_fails_says_so_and_can_be_tried_again(
    live_server, page, article, failure
):
    earlier = seed(article, 2)
    page.clock.install()
    page.goto(live_server.url + article.url)
    items = page.locator("[data-comment-list] > .comment")
    expect(items).to_have_count(2)
    later = seed(article, 1, start=timezone.now())[0]
    show = page.get_by_role("button", name="1 new comment – show")
    ask_whether_comments_came(page, show)

    def refuse(route):
        if failure == "server error":
            route.fulfill(status=500, body="<h1>Server Error (500)</h1>")
        else:
            route.abort()

    thread = re.compile(rf"/comments/{article.pk}/\?")
    page.route(thread, refuse)
    show.click()
    expect(page.get_by_role("alert")).to_have_text(
        "The new comments could not be shown. Please try again."
    )
    # The list shown stays as it was, no error page in it, and the offer is there to try again.
    assert items.evaluate_all("items => items.map(i => i.id)") == [
        f"comment-{comment.pk}" for comment in reversed(earlier)
    ]
    expect(page.get_by_role("heading", name="Server Error")).to_have_count(0)
    expect(show).to_be_visible()
    page.unroute(thread)
    show.click()
    expect(items.first).to_have_id(f"comment-{later.pk}")
    expect(items).to_have_count(3)
    expect(page.locator("[data-list-trouble]")).to_have_count(0)
    expect(show).to_be_hidden()


def test_a_report_that_fails_says_so_and_keeps_what_was_written(live_server, page, article):
    comment = seed(article, 1)[0]
    page.goto(live_server.url + article.url)
    card = page.locator(f"#comment-{comment.pk}")
    card.locator("[data-report]").click()
    card.get_by_label("Off-topic").check()
    note = card.get_by_label("Anything a moderator should know? (optional)")
    note.fill("About the ferry, not the bridge")
    report = re.compile(rf"/api/v1/comments/{comment.pk}/report")
    page.route(report, lambda route: route.fulfill(status=502, body="<h1>Bad gateway</h1>"))
    card.get_by_role("button", name="Send report").click()
    expect(card.get_by_role("alert")).to_have_text(
        "Your report could not be sent. Please try again."
    )
    expect(card.get_by_label("Off-topic")).to_be_checked()
    expect(note).to_have_value("About the ferry, not the bridge")
    page.unroute(report)
    page.route(report, lambda route: route.abort())  # no answer at all
    card.get_by_role("button", name="Send report").click()
    expect(card.get_by_role("alert")).to_have_text(
        "Your report could not be sent. Please try again."
    )
    page.unroute(report)
    card.get_by_role("button", name="Send report").click()
    expect(card.locator(".comment__reported")).to_be_visible()
    expect(card.get_by_role("alert")).to_have_count(0)
    from masthead.moderation.models import Report

    assert Report.objects.get(comment=comment).note == "About the ferry, not the bridge"


def test_inline_feedback_on_a_selected_sentence_and_the_marked_passage(
    live_server, page, article, screenshot_dir
):
    page.goto(live_server.url + article.url)
    assert page.locator(".article__body .passage--open").count() == 1  # the editor's marked passage
    page.evaluate("""() => {
        const body = document.querySelector('.article__body p');
        const text = body.firstChild;
        const start = text.data.indexOf('The bridge will open in spring.');
        const range = document.createRange();
        range.setStart(text, start);
        range.setEnd(text, start + 'The bridge will open in spring.'.length);
        const selection = document.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }""")
    page.locator(".selection-comment").wait_for(state="visible")
    # right after the passage in the page's order, where a keyboard user's Tab goes next
    assert (
        page.evaluate("document.querySelector('.article__body p').nextElementSibling.className")
        == "selection-comment"
    )
    page.click(".selection-comment")
    assert page.locator("[data-passage]").is_visible()
    fill_guest(page, "Why wait until spring?")
    page.click("#comment-form button[type=submit]")
    page.locator(".comment", has_text="Why wait until spring?").wait_for()
    comment = Comment.objects.get(body="Why wait until spring?")
    assert comment.anchor.quote == "The bridge will open in spring."
    # Marked in the article at once, as after a reload.
    expect(page.locator("mark.passage + .passage-bubble [data-bubble-count]")).to_have_text("1")
    expect(page.locator("mark.passage")).to_have_text("The bridge will open in spring.")

    page.reload()
    bubble = page.locator("mark.passage + .passage-bubble")
    bubble.wait_for()
    expect(bubble).to_have_accessible_name("1 comment on this passage, replies included")
    assert (
        page.locator(".comment__passage", has_text="The bridge will open in spring.").count() == 1
    )
    bubble.click()
    page.locator(".passage-panel .comment", has_text="Why wait until spring?").wait_for()
    duplicated = page.evaluate("""() => {
        const ids = [...document.querySelectorAll('[id]')].map(node => node.id);
        return ids.filter((id, i) => ids.indexOf(id) !== i);
    }""")
    assert duplicated == []
    assert page.get_by_role("dialog", name="Comments on this passage").is_visible()
    page.screenshot(path=os.path.join(screenshot_dir, "inline-feedback.png"))


def test_a_selection_from_inside_words_quotes_the_whole_words(
    live_server, page, article, screenshot_dir
):
    story = make_article(
        title="Council vote",
        body=[
            (
                "paragraph",
                RichText(
                    "<p>The city council voted seven to two, après un long débat. "
                    "The bridge will open in spring.</p><p>Pears<br/>Plums are in season.</p>"
                ),
            )
        ],
    )
    page.goto(live_server.url + story.url)

    def select_and_comment(part):
        page.evaluate(
            """(part) => {
            const walker = document.createTreeWalker(
                document.querySelector('.article__body'), NodeFilter.SHOW_TEXT);
            let text = walker.nextNode();
            while (!text.data.includes(part)) text = walker.nextNode();
            const start = text.data.indexOf(part);
            const range = document.createRange();
            range.setStart(text, start);
            range.setEnd(text, start + part.length);
            const selection = document.getSelection();
            selection.removeAllRanges();
            selection.addRange(range);
        }""",
            part,
        )
        page.locator(".selection-comment").wait_for(state="visible")
        page.click(".selection-comment")
        return page.locator("[data-passage-quote]")

    # accented words are words; the comma selected stays, the word after it is not taken
    expect(select_and_comment("ven to two,")).to_have_text("seven to two,")
    expect(select_and_comment("près un long déb")).to_have_text("après un long débat")
    # a line break parts words as a space does
    expect(select_and_comment("Plums are in sea")).to_have_text("Plums are in season")
    expect(select_and_comment("ity council vot")).to_have_text("city council voted")
    page.locator("[data-passage]").screenshot(
        path=os.path.join(screenshot_dir, "whole-words-quoted.png")
    )
    fill_guest(page, "Who voted against?")
    page.click("#comment-form button[type=submit]")
    page.locator(".comment", has_text="Who voted against?").wait_for()
    assert Comment.objects.get(body="Who voted against?").anchor.quote == "city council voted"
    expect(page.locator("mark.passage")).to_have_text("city council voted")
    expect(page.locator(".comment__passage-quote")).to_have_text("“city council voted”")
    page.locator(".article__body").screenshot(
        path=os.path.join(screenshot_dir, "whole-words-marked.png")
    )


def select_text(page, first, last=None):
    """Select from the start of `first` to the end of `last` (or of `first`), each the first
    article text holding it; bubbles' labels are not article text."""
    page.evaluate(
        """([first, last]) => {
        const find = (part) => {
            const walker = document.createTreeWalker(
                document.querySelector('.article__body'), NodeFilter.SHOW_TEXT);
            let text;
            while ((text = walker.nextNode())) {
                if (!text.parentElement.closest('button') && text.data.includes(part)) return text;
            }
        };
        const start = find(first), end = find(last);
        const range = document.createRange();
        range.setStart(start, start.data.indexOf(first));
        range.setEnd(end, end.data.indexOf(last) + last.length);
        const selection = document.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }""",
        [first, last or first],
    )
    page.locator(".selection-comment").wait_for(state="visible")
    page.click(".selection-comment")


def test_a_selection_across_a_commented_passage_quotes_the_article_not_its_bubble(
    live_server, page, article, screenshot_dir
):
    ola_comments_on_a_passage(article, AnchorInput(quote="seven to two."), "A close vote.")
    page.goto(live_server.url + article.url)
    expect(page.locator("mark.passage + .passage-bubble [data-bubble-count]")).to_have_text("1")
    select_text(page, "council voted", "The bridge")
    expect(page.locator("[data-passage-quote]")).to_have_text(
        "council voted seven to two. The bridge"
    )
    fill_guest(page, "Who voted which way?")
    page.click("#comment-form button[type=submit]")
    page.locator(".comment", has_text="Who voted which way?").wait_for()
    anchor = Comment.objects.get(body="Who voted which way?").anchor
    assert anchor.quote == "council voted seven to two. The bridge"
    assert anchor.prefix == "The "
    page.reload()
    # Both passages are found in the article and carry their bubbles.
    expect(page.locator(".passage-bubble[data-anchor-id]")).to_have_count(2)
    expect(page.locator("mark.passage mark.passage")).to_have_text("seven to two.")
    page.locator(".article__body").screenshot(
        path=os.path.join(screenshot_dir, "passage-within-a-passage.png")
    )


def test_a_sentence_the_article_repeats_is_anchored_where_the_reader_selected_it(live_server, page):
    story = make_article(
        title="Fares",
        body=[
            (
                "paragraph",
                RichText(
                    "<p>Fares rise in May. The ferry is late again.</p>"
                    "<p>Fares rise in May. The bus is on time.</p>"
                ),
            )
        ],
    )
    page.goto(live_server.url + story.url)
    page.evaluate("""() => {
        const second = document.querySelectorAll('.article__body p')[1].firstChild;
        const range = document.createRange();
        range.setStart(second, 0);
        range.setEnd(second, 'Fares rise in May.'.length);
        document.getSelection().removeAllRanges();
        document.getSelection().addRange(range);
    }""")
    page.locator(".selection-comment").wait_for(state="visible")
    page.click(".selection-comment")
    fill_guest(page, "Which fares?")
    page.click("#comment-form button[type=submit]")
    page.locator(".comment", has_text="Which fares?").wait_for()
    anchor = Comment.objects.get(body="Which fares?").anchor
    assert anchor.quote == "Fares rise in May."
    assert anchor.prefix.endswith("The ferry is late again. "), anchor.prefix
    paragraphs = page.locator(".article__body p")
    expect(paragraphs.nth(1).locator("mark.passage")).to_have_count(1)  # marked at once
    expect(paragraphs.nth(0).locator("mark.passage")).to_have_count(0)
    page.reload()
    expect(paragraphs.nth(1).locator("mark.passage")).to_have_text("Fares rise in May.")
    expect(paragraphs.nth(0).locator("mark.passage")).to_have_count(0)


def test_the_same_post_without_javascript(live_server, page_without_js, article):
    page = page_without_js
    parent = seed(article, 1)[0]
    page.goto(live_server.url + article.url)
    typing_pause(page)
    page.fill("#id_body", "Posted with plain HTML")
    page.fill("#id_author_name", "Plain")
    page.fill("#id_author_email", "")
    page.click("#comment-form button[type=submit]")
    assert "Please give your e-mail address" in page.content()
    assert page.input_value("#id_body") == "Posted with plain HTML"
    page.fill("#id_author_email", "plain@example.com")
    page.click("#comment-form button[type=submit]")
    comment = Comment.objects.get(body="Posted with plain HTML")
    assert page.url.endswith(f"{article.url}#comment-{comment.pk}")
    assert page.locator(f"#comment-{comment.pk}").is_visible()

    page.click(f"#comment-{parent.pk} .comment__reply")
    assert f"reply_to={parent.pk}" in page.url
    typing_pause(page)
    page.fill("#id_body", "A plain reply")
    page.fill("#id_author_name", "Plain")
    page.fill("#id_author_email", "plain@example.com")
    page.click("#comment-form button[type=submit]")
    assert Comment.objects.get(body="A plain reply").parent_id == parent.pk

    page.click(f"#comment-{parent.pk} > .comment__card .vote--up")
    parent.refresh_from_db()
    assert parent.up == 1


def test_a_refused_vote_is_said_on_a_line_of_its_own_on_a_phone(live_server, page, article):
    comment = seed(article, 1)[0]
    # Five guests on the test browser's network voted already: a sixth guest is refused.
    for n in range(5):
        voter = Reader(user=None, key=f"g-voter-{n}", ip_hash=hash_address("127.0.0.1"))
        vote_cast(comment=comment, reader=voter, value=1)
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + article.url)
    card = page.locator(f"#comment-{comment.pk}")
    up = card.locator(".vote--up")
    height = up.bounding_box()["height"]
    up.click()
    message = card.locator(".vote__message")
    message.wait_for()
    assert message.inner_text() == TOO_MANY_FROM_ADDRESS
    # the buttons keep their shape, and the message sits under the row of actions
    assert up.bounding_box()["height"] == height
    reply = card.locator(".comment__reply").bounding_box()
    assert message.bounding_box()["y"] >= reply["y"] + reply["height"]


def test_the_vote_buttons_of_a_readers_own_comment_are_disabled_and_say_why(
    live_server, page, article, screenshot_dir
):
    page.set_viewport_size({"width": 390, "height": 844})
    page.goto(live_server.url + article.url)
    fill_guest(page, "My own view")
    page.click("#comment-form button[type=submit]")
    own = page.locator(".comment", has_text="My own view").first
    own.wait_for()
    for _ in range(2):  # as the script inserts it, then as the server renders the page
        for button in (own.locator(".vote--up"), own.locator(".vote--down")):
            expect(button).to_be_disabled()
            expect(button).to_have_accessible_description(OWN_COMMENT)
        page.screenshot(path=os.path.join(screenshot_dir, "own-comment.png"))
        page.reload()
        own.wait_for()


def test_the_notice_of_one_comment_goes_when_the_next_is_posted(live_server, page, article):
    page.goto(live_server.url + article.url)
    fill_guest(page, "Tell me about replies")
    page.select_option("#id_notify", "replies")
    page.click("#comment-form button[type=submit]")
    notice = page.locator("#comment-form .form-notice")
    notice.wait_for()
    assert "confirm with the link we sent to noa@example.com" in notice.inner_text()

    page.select_option("#id_notify", "")
    page.fill("#id_body", "A second thought, no e-mail please")
    page.click("#comment-form button[type=submit]")
    page.locator(".comment", has_text="A second thought").wait_for()
    assert notice.count() == 0 or not notice.is_visible()


def test_a_reported_comment_says_reported_instead_of_offering_the_link_again(
    live_server, page, article
):
    comment = seed(article, 1)[0]
    page.goto(live_server.url + article.url)
    card = page.locator(f"#comment-{comment.pk}")
    card.locator("[data-report]").click()
    card.get_by_label("Off-topic").check()
    card.get_by_label("Anything a moderator should know? (optional)").fill(
        "About the ferry, not the bridge"
    )
    card.get_by_role("button", name="Send report").click()
    expect(card.locator(".comment__reported")).to_be_visible()
    from masthead.moderation.models import Report

    assert Report.objects.get(comment=comment).note == "About the ferry, not the bridge"
    for _ in range(2):  # in place, then as the server renders the page
        expect(card.locator(".comment__actions .comment__report")).to_have_text("Reported")
        expect(card.locator("[data-report]")).to_have_count(0)
        page.reload()


def test_the_report_boxs_note_sits_below_its_label_across_the_box_on_a_phone(
    live_server, browser, article
):
    """At 390 px the note's field overlapped the end of its label ("(optional"), squeezed
    beside it; it goes below the label, as wide as the box, like the comment form's fields."""
    comment = seed(article, 1)[0]
    context = browser.new_context(viewport={"width": 390, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + article.url)
    card = page.locator(f"#comment-{comment.pk}")
    card.locator("[data-report]").click()
    label = card.locator(".comment__report-form label", has_text="moderator").bounding_box()
    note = card.get_by_label("Anything a moderator should know? (optional)").bounding_box()
    box = card.locator(".comment__report-form").bounding_box()
    context.close()
    assert note["y"] >= label["y"] + label["height"]  # below the label, not over its words
    assert note["width"] >= box["width"] * 0.8


def test_view_all_goes_once_load_more_has_shown_every_comment(live_server, page, article):
    options = DiscussionSettings.for_site(article.get_site())
    options.page_size = 2
    options.save()
    seed(article, 5)
    page.goto(live_server.url + article.url)
    view_all = page.locator("[data-view-all]")
    expect(view_all).to_be_visible()
    page.click("[data-load-more]")
    expect(page.locator("[data-comment-list] > .comment")).to_have_count(4)
    expect(view_all).to_be_visible()  # one comment is still to come
    page.click("[data-load-more]")
    expect(page.locator("[data-comment-list] > .comment")).to_have_count(5)
    expect(view_all).to_be_hidden()

    # Opened at a later page (a link from a page without JavaScript), the first ones are missing.
    page.goto(live_server.url + article.url)
    later = page.locator("[data-load-more]").get_attribute("href")
    page.goto(live_server.url + article.url + later)
    page.click("[data-load-more]")
    expect(page.locator("[data-comment-list] > .comment")).to_have_count(3)
    expect(page.locator("[data-load-more]")).to_have_count(0)
    expect(view_all).to_be_visible()
    expect(page.locator("[data-first-comments]")).to_be_visible()
    page.click("[data-sort-choice=oldest]")  # the list starts again from the first comment
    expect(page.locator("[data-comment-list] > .comment")).to_have_count(2)
    expect(page.locator("[data-first-comments]")).to_be_hidden()
    expect(view_all).to_be_visible()


def test_sorting_in_view_all_keeps_the_whole_thread_in_the_new_order(
    live_server, page, article, monkeypatch
):
    from masthead.discussion import conf

    monkeypatch.setattr(conf, "VIEW_ALL_PAGE_COMMENTS", 3)
    options = DiscussionSettings.for_site(article.get_site())
    options.page_size = 2
    options.save()
    seed(article, 5)
    bodies = page.locator("[data-comment-list] > .comment .comment__body")
    page.goto(live_server.url + article.url + "?comments=all&comments_sort=newest")
    expect(bodies).to_have_count(3)
    page.click(".comments__next-page")  # the second page of the whole thread, then another order
    expect(bodies).to_have_count(2)
    page.evaluate("window.__loadMarker = 1")

    page.click("[data-sort-choice=oldest]")
    expect(bodies.first).to_contain_text("Seeded comment 00")
    assert [text.strip() for text in bodies.all_inner_texts()] == [
        "Seeded comment 00",
        "Seeded comment 01",
        "Seeded comment 02",
    ]
    assert page.evaluate("window.__loadMarker") == 1  # no reload
    expect(page.locator("[data-load-more]")).to_have_count(0)
    expect(page.locator("[data-first-comments]")).to_be_hidden()
    assert "comments=all&comments_sort=oldest" in page.url
    page.click(".comments__next-page")
    expect(bodies.first).to_contain_text("Seeded comment 03")
    assert [text.strip() for text in bodies.all_inner_texts()] == [
        "Seeded comment 03",
        "Seeded comment 04",
    ]


def test_load_more_of_most_voted_keeps_the_order_while_votes_come_in(live_server, page, article):
    options = DiscussionSettings.for_site(article.get_site())
    options.page_size = 2
    options.save()
    comments = seed(article, 4)
    for comment, score in zip(comments, (6, 4, 2, 0), strict=True):
        Comment.objects.filter(pk=comment.pk).update(imported_score=score, score=score)
    page.goto(live_server.url + article.url)
    page.click("[data-sort-choice=most_voted]")
    items = page.locator("[data-comment-list] > .comment")
    expect(items.first).to_have_id(f"comment-{comments[0].pk}")
    expect(items).to_have_count(2)
    third = Comment.objects.get(pk=comments[2].pk)
    for n in range(3):  # 2 -> 5: ahead of the second, which the reader has read
        voter = Reader(user=None, key=f"g-voter-{n}", ip_hash=f"voter-{n}")
        third = vote_cast(comment=third, reader=voter, value=1)

    page.click("[data-load-more]")
    expect(items).to_have_count(4)
    ids = items.evaluate_all("items => items.map(i => i.id)")
    assert ids == [f"comment-{comments[n].pk}" for n in (0, 1, 2, 3)]


def as_guest(page, live_server, key):
    """Give the browser the signed cookie of the guest `key` (as if it had commented before)."""
    from django.core import signing

    from masthead.discussion import conf
    from masthead.discussion.readers import COOKIE_SALT

    salt = signing._cookie_signer_salt(conf.READER_COOKIE, COOKIE_SALT)
    value = signing.get_cookie_signer(salt=salt).sign(key)
    page.context.add_cookies([{"name": conf.READER_COOKIE, "value": value, "url": live_server.url}])


def test_a_reply_in_the_passage_panel_to_a_comment_on_another_page_stays_out_of_this_page(
    live_server, page, article
):
    options = DiscussionSettings.for_site(article.get_site())
    options.page_size = 2
    options.save()
    earlier = timezone.now() - timedelta(hours=5)
    on_passage = comment_post(
        article=article,
        reader=Reader(user=None, key="g-ola", ip_hash="elsewhere"),
        body="Spring is optimistic.",
        author_name="Ola",
        author_email="ola@example.com",
        anchor=AnchorInput(quote="The bridge will open in spring."),
        now=earlier,
    )
    seed(article, 3)  # newer: the passage's comment is on the thread's second page
    page.goto(live_server.url + article.url)
    assert page.locator(f"#comment-{on_passage.pk}").count() == 0

    page.locator("mark.passage + .passage-bubble").click()
    panel = page.get_by_role("dialog", name="Comments on this passage")
    panel.locator(f"#passage-comment-{on_passage.pk} [data-reply-to]").click()
    fill_guest(page, "Councils rarely meet their dates.")
    panel.locator("#comment-form button[type=submit]").click()
    expect(panel.locator(".comment-replies .comment", has_text="Councils rarely")).to_be_visible()
    # Not shown in the thread as if it were a new comment of its own.
    thread = page.locator("[data-comment-list]").first
    expect(thread.locator(".comment", has_text="Councils rarely")).to_have_count(0)


def test_reply_vote_and_edit_in_place_in_the_passage_panel(
    live_server, page, article, screenshot_dir
):
    passage = AnchorInput(quote="The bridge will open in spring.")
    theirs = ola_comments_on_a_passage(article, passage, "Spring is optimistic.")
    mine = comment_post(
        article=article,
        reader=Reader(user=None, key="g-mine", ip_hash="here"),
        body="I hope it is on time.",
        author_name="Noa",
        author_email="noa@example.com",
        anchor=passage,
    )
    as_guest(page, live_server, "g-mine")
    page.goto(live_server.url + article.url)
    page.evaluate("window.__loadMarker = 1")
    bubble = page.locator("mark.passage + .passage-bubble")
    bubble.click()
    panel = page.get_by_role("dialog", name="Comments on this passage")
    their_copy = panel.locator(f"#passage-comment-{theirs.pk}")
    my_copy = panel.locator(f"#passage-comment-{mine.pk}")
    their_copy.wait_for()
    # The panel quotes the passage once, at its top, not again in each comment on it.
    expect(panel.locator(".passage-panel__quote")).to_contain_text(
        "The bridge will open in spring."
    )
    expect(their_copy.locator(".comment__passage")).to_be_hidden()
    expect(page.locator(f"#comment-{theirs.pk} .comment__passage")).to_be_attached()

    their_copy.locator(".vote--up").click()
    expect(their_copy.locator("[data-score]")).to_have_text("1 point")
    expect(their_copy.locator(".vote--up")).to_have_attribute("aria-pressed", "true")
    expect(page.locator(f"#comment-{theirs.pk} [data-score]")).to_have_text(
        "1 point"
    )  # in the thread
    expect(my_copy.locator(".vote--up")).to_be_disabled()

    my_copy.locator("[data-edit]").click()
    editor = panel.get_by_label("Edit your comment")
    editor.fill("I hope it opens on time.")
    panel.get_by_role("button", name="Save").click()
    expect(my_copy.locator(".comment__body")).to_have_text("I hope it opens on time.")
    expect(page.locator(f"#comment-{mine.pk} .comment__body")).to_have_text(
        "I hope it opens on time."
    )

    their_copy.locator("[data-reply-to]").click()
    expect(panel.locator("#comment-form")).to_be_visible()
    fill_guest(page, "Councils rarely meet their dates.")
    panel.locator("#comment-form button[type=submit]").click()
    expect(
        their_copy.locator(".comment-replies .comment", has_text="Councils rarely")
    ).to_be_visible()
    assert Comment.objects.get(body="Councils rarely meet their dates.").parent_id == theirs.pk
    expect(bubble.locator("[data-bubble-count]")).to_have_text(
        "3"
    )  # the reply counts on the passage's bubble
    assert page.evaluate("window.__loadMarker") == 1  # never reloaded
    page.screenshot(path=os.path.join(screenshot_dir, "passage-panel-reply.png"))

    page.once("dialog", lambda confirm: confirm.accept())
    my_copy.locator("[data-delete]").click()
    expect(my_copy).to_have_count(0)
    expect(bubble.locator("[data-bubble-count]")).to_have_text("2")

    panel.locator(".passage-panel__close").click()
    expect(page.locator("#comments #comment-form")).to_be_visible()


CONVERSATION_TREE = """list => {
    const tree = items => [...items].map(item => [
        Number(item.dataset.commentId),
        tree(item.querySelectorAll(':scope > ol.comment-replies > li')),
    ]);
    return tree(list.querySelectorAll(':scope > li'));
}"""


def test_the_passage_panel_shows_the_replies_as_the_thread_does(
    live_server, page, article, screenshot_dir
):
    options = DiscussionSettings.for_site(article.get_site())
    options.max_depth = 3
    options.save()
    passage = AnchorInput(quote="The bridge will open in spring.")
    start = timezone.now() - timedelta(hours=1)

    def say(body, name, *, minutes, **where):
        return comment_post(
            article=article,
            reader=Reader(user=None, key=f"g-{name}", ip_hash=name),
            body=body,
            author_name=name,
            author_email=f"{name.lower()}@example.com",
            now=start + timedelta(minutes=minutes),
            **where,
        )

    optimistic = say("Spring is optimistic.", "Ola", minutes=0, anchor=passage)
    doubt = say("Councils rarely meet their dates.", "Ben", minutes=1, parent_id=optimistic.pk)
    record = say("This council has, so far.", "Cy", minutes=2, parent_id=doubt.pk)
    hope = say("I hope it is on time.", "Dee", minutes=3, anchor=passage)

    page.goto(live_server.url + article.url)
    page.evaluate("window.__loadMarker = 1")
    bubble = page.locator("mark.passage + .passage-bubble")
    expect(bubble.locator("[data-bubble-count]")).to_have_text(
        "4"
    )  # what the panel shows: the replies too
    bubble.click()
    panel = page.get_by_role("dialog", name="Comments on this passage")
    panel_list = panel.locator(".passage-panel__list")
    expect(panel_list.locator(f"#passage-comment-{record.pk}")).to_be_visible()
    thread = page.locator("[data-comment-list]")
    assert panel_list.evaluate(CONVERSATION_TREE) == thread.evaluate(CONVERSATION_TREE)
    assert panel_list.evaluate(CONVERSATION_TREE) == [
        [hope.pk, []],
        [optimistic.pk, [[doubt.pk, [[record.pk, []]]]]],
    ]
    page.screenshot(path=os.path.join(screenshot_dir, "passage-panel-replies.png"))

    # An answer to the deepest comment goes beside it, in the panel as in the thread.
    panel.locator(f"#passage-comment-{record.pk} [data-reply-to]").click()
    fill_guest(page, "Has it, though?")
    panel.locator("#comment-form button[type=submit]").click()
    answer = panel.locator(
        f"#passage-comment-{doubt.pk} > ol.comment-replies > li", has_text="Has it, though?"
    )
    expect(answer).to_be_visible()
    expect(answer.locator(".comment__in-reply")).to_have_text("in reply to Cy")
    assert panel_list.evaluate(CONVERSATION_TREE) == thread.evaluate(CONVERSATION_TREE)
    expect(bubble.locator("[data-bubble-count]")).to_have_text("5")

    # Opened again, the panel shows the same conversations, now from the server.
    panel.locator(".passage-panel__close").click()
    bubble.click()
    expect(panel_list.locator(".comment__body", has_text="Has it, though?")).to_be_visible()
    assert panel_list.evaluate(CONVERSATION_TREE) == thread.evaluate(CONVERSATION_TREE)
    assert len(panel_list.evaluate(CONVERSATION_TREE)[1][1][0][1]) == 2  # beside the deepest
    duplicated = page.evaluate("""() => {
        const ids = [...document.querySelectorAll('[id]')].map(node => node.id);
        return ids.filter((id, i) => ids.indexOf(id) !== i);
    }""")
    assert duplicated == []
    assert page.evaluate("window.__loadMarker") == 1  # never reloaded
    page.screenshot(path=os.path.join(screenshot_dir, "passage-panel-replies-answered.png"))


def test_a_long_conversation_in_the_passage_panel_links_to_its_other_replies(
    live_server, page, article, monkeypatch
):
    """The panel lists a passage conversation's earliest replies; "N more replies" takes the
    reader to the thread's page that shows the first of the others."""
    from masthead.discussion import conf

    monkeypatch.setattr(conf, "REPLIES_SHOWN", 3)
    passage = AnchorInput(quote="The bridge will open in spring.")
    start = timezone.now() - timedelta(hours=1)

    def say(body, n, **where):
        return comment_post(
            article=article,
            reader=Reader(user=None, key=f"g-{n}", ip_hash=f"a{n}"),
            body=body,
            author_name=f"Reader {n}",
            author_email=f"reader{n}@example.com",
            now=start + timedelta(minutes=n),
            **where,
        )

    top = say("Spring is optimistic.", 0, anchor=passage)
    replies = [say(f"Reply number {n}.", n, parent_id=top.pk) for n in range(1, 8)]

    page.goto(live_server.url + article.url)
    page.locator("mark.passage + .passage-bubble").click()
    panel = page.get_by_role("dialog", name="Comments on this passage")
    expect(panel.locator(f"#passage-comment-{replies[2].pk}")).to_be_visible()
    expect(panel.locator(f"#passage-comment-{replies[3].pk}")).to_have_count(0)
    more = panel.get_by_role("link", name="4 more replies: show the whole thread")
    more.click()
    expect(page.locator(f"#comment-{replies[3].pk}")).to_be_visible()
    expect(page.locator(f"#comment-{replies[6].pk}")).to_be_attached()


def test_answers_beside_a_deepest_passage_comment_are_in_its_panel_and_bubble(
    live_server, page, article, screenshot_dir, monkeypatch
):
    """A comment on a passage at the deepest level is answered beside it: the panel lists the
    answers after it, the bubble counts them, and one written in the panel adds to both. A
    passage with more comments than the panel lists says so, and links to the thread."""
    from masthead.discussion import conf

    options = DiscussionSettings.for_site(article.get_site())
    options.max_depth = 2
    options.save()
    passage = AnchorInput(quote="The bridge will open in spring.")
    start = timezone.now() - timedelta(hours=1)

    def say(body, name, *, minutes, **where):
        return comment_post(
            article=article,
            reader=Reader(user=None, key=f"g-{name}", ip_hash=name),
            body=body,
            author_name=name,
            author_email=f"{name.lower()}@example.com",
            now=start + timedelta(minutes=minutes),
            **where,
        )

    top = say("Good news for the harbour.", "Ola", minutes=0)
    optimistic = say("Spring is optimistic.", "Ben", minutes=1, parent_id=top.pk, anchor=passage)
    doubt = say("Councils rarely meet their dates.", "Cy", minutes=2, parent_id=optimistic.pk)

    page.goto(live_server.url + article.url)
    bubble = page.locator("mark.passage + .passage-bubble")
    expect(bubble.locator("[data-bubble-count]")).to_have_text("2")
    bubble.click()
    panel = page.get_by_role("dialog", name="Comments on this passage")
    panel_list = panel.locator(".passage-panel__list")
    expect(panel_list.locator(f"#passage-comment-{doubt.pk}")).to_be_visible()
    assert panel_list.evaluate(CONVERSATION_TREE) == [[optimistic.pk, []], [doubt.pk, []]]
    expect(panel.locator("[data-passage-more]")).to_be_hidden()

    panel.locator(f"#passage-comment-{doubt.pk} [data-reply-to]").click()
    fill_guest(page, "Has it, though?")
    panel.locator("#comment-form button[type=submit]").click()
    expect(panel_list.locator(".comment__body", has_text="Has it, though?")).to_be_visible()
    expect(bubble.locator("[data-bubble-count]")).to_have_text("3")
    panel.locator(".passage-panel__close").click()
    bubble.click()  # opened again, from the server
    expect(panel_list.locator(".comment__body", has_text="Has it, though?")).to_be_visible()
    assert len(panel_list.evaluate(CONVERSATION_TREE)) == 3
    page.screenshot(path=os.path.join(screenshot_dir, "passage-panel-deepest-answers.png"))

    say("I hope it is on time.", "Dee", minutes=3, anchor=passage)
    monkeypatch.setattr(conf, "PASSAGE_PANEL_COMMENTS", 1)
    panel.locator(".passage-panel__close").click()
    page.reload()
    bubble.click()
    more = panel.locator("[data-passage-more]")
    expect(more).to_have_text(
        "Only the 1 newest comments on this passage are listed here. Read them all in the thread"
    )
    page.screenshot(path=os.path.join(screenshot_dir, "passage-panel-more.png"))
    more.get_by_role("link").click()
    expect(page).to_have_url(re.compile(r"\?comments=all#comments$"))
    expect(panel).to_be_hidden()


def test_links_to_comments_in_the_passage_panel(live_server, page, article, screenshot_dir):
    """The panel's "in reply to …" and time links: a comment the panel shows is brought into
    view there; one it does not show is in the thread, and the panel closes to go to it."""
    options = DiscussionSettings.for_site(article.get_site())
    options.max_depth = 3
    options.page_size = 2
    options.save()
    passage = AnchorInput(quote="The bridge will open in spring.")
    start = timezone.now() - timedelta(hours=1)

    def say(body, name, *, minutes, **where):
        return comment_post(
            article=article,
            reader=Reader(user=None, key=f"g-{name}", ip_hash=name),
            body=body,
            author_name=name,
            author_email=f"{name.lower()}@example.com",
            now=start + timedelta(minutes=minutes),
            **where,
        )

    tolls_first = say("Tolls first, then dates.", "Eve", minutes=0)  # on the thread's second page
    vote = say("The vote was close.", "Ola", minutes=1)
    then = say("Spring, then.", "Ben", minutes=2, parent_id=vote.pk, anchor=passage)
    doubt = say("Councils rarely meet their dates.", "Cy", minutes=3, parent_id=then.pk)
    record = say("This one has, so far.", "Dee", minutes=4, parent_id=doubt.pk)  # beside doubt
    tolls = say(
        "Spring, if tolls are settled.", "Fay", minutes=5, parent_id=tolls_first.pk, anchor=passage
    )
    say("A fine bridge.", "Gus", minutes=6)

    page.goto(live_server.url + article.url)
    page.evaluate("window.__loadMarker = 1")
    bubble = page.locator("mark.passage + .passage-bubble")
    expect(bubble.locator("[data-bubble-count]")).to_have_text("4")
    expect(bubble).to_have_accessible_name("4 comments on this passage, replies included")
    bubble.click()
    panel = page.get_by_role("dialog", name="Comments on this passage")
    panel_list = panel.locator(".passage-panel__list")
    expect(panel_list.locator(f"#passage-comment-{record.pk}")).to_be_visible()
    assert panel_list.evaluate(CONVERSATION_TREE) == [
        [tolls.pk, []],
        [then.pk, [[doubt.pk, []], [record.pk, []]]],
    ]

    def label(comment):
        return panel.locator(f"#passage-comment-{comment.pk} > .comment__card .comment__in-reply")

    expect(label(tolls)).to_have_text("in reply to Eve")
    expect(label(then)).to_have_text("in reply to Ola")
    expect(label(record)).to_have_text("in reply to Cy")
    expect(label(doubt)).to_have_count(0)  # under the comment it answers
    page.screenshot(path=os.path.join(screenshot_dir, "passage-panel-links.png"))

    def focused():
        return page.evaluate("document.activeElement.id")

    # In the panel: its copy of the comment, brought into view and focused; the page stays put.
    page.set_viewport_size({"width": 1280, "height": 400})  # the panel scrolls
    page_scrolled = page.evaluate("window.scrollY")
    label(record).get_by_role("link").evaluate(
        "link => { link.closest('dialog').scrollTop = 0; link.click(); }"
    )
    assert focused() == f"passage-comment-{doubt.pk}"
    expect(panel_list.locator(f"#passage-comment-{doubt.pk}")).to_be_in_viewport()
    panel.locator(f"#passage-comment-{then.pk} > .comment__card .comment__time").click()
    assert focused() == f"passage-comment-{then.pk}"
    expect(panel).to_be_visible()
    assert page.evaluate("window.scrollY") == page_scrolled
    assert "#" not in page.url
    page.set_viewport_size({"width": 1280, "height": 900})

    # Outside the panel, on this page of the thread: the panel closes and the thread shows it.
    label(then).get_by_role("link").click()
    expect(panel).to_be_hidden()
    assert page.url.endswith(f"#comment-{vote.pk}")
    assert focused() == f"comment-{vote.pk}"
    expect(page.locator(f"#comment-{vote.pk}")).to_be_in_viewport()
    assert page.evaluate("window.__loadMarker") == 1  # never reloaded
    page.screenshot(path=os.path.join(screenshot_dir, "passage-panel-link-to-thread.png"))

    # Outside the panel, on another page of the thread: that page, at the comment.
    bubble.click()
    label(tolls).get_by_role("link").click()
    page.wait_for_url(re.compile(rf"comments_after=.*#comment-{tolls_first.pk}$"))
    expect(page.locator(f"#comment-{tolls_first.pk}")).to_be_in_viewport()
    expect(page.locator(f"#comment-{tolls.pk} .comment__body")).to_have_text(
        "Spring, if tolls are settled."
    )


def feature(*comments):
    from masthead.moderation.services import comment_feature

    for comment in comments:
        comment_feature(comment=Comment.objects.get(pk=comment.pk), moderator=None)


def test_editors_picks_sit_above_the_thread_and_lead_to_their_comment(
    live_server, page, article, screenshot_dir
):
    start = timezone.now() - timedelta(hours=2)
    said = [
        ("Ines Duarte", "Will there be a footpath? The plans I saw had none."),
        ("Omar Haddad", "Yes: page 4 of the plan puts it on the sea side, **3 m wide**."),
        ("Pat Keogh", "Spring is optimistic. The last bridge took three years."),
        ("Lena Berg", "Good to see the council listen to the residents for once."),
    ]
    comments = []
    for n, (name, body) in enumerate(said):
        comments.append(
            comment_post(
                article=article,
                reader=Reader(user=None, key=f"g-pick-{n}", ip_hash=f"pick-{n}"),
                body=body,
                author_name=name,
                author_email=f"p{n}@example.com",
                parent_id=comments[0].pk if n == 1 else None,
                now=start + timedelta(minutes=10 * n),
            )
        )
    question, answer, doubt, _ = comments
    feature(answer, doubt)

    page.goto(live_server.url + article.url)
    page.evaluate("window.__loadMarker = 1")
    picks = page.locator("[data-comment-picks]")
    expect(picks.locator("h3")).to_have_text("Editors’ picks")
    expect(picks.locator(".comment__author")).to_have_text(["Pat Keogh", "Omar Haddad"])
    expect(picks).to_contain_text("in reply to Ines Duarte")
    assert picks.bounding_box()["y"] < page.locator("[data-comment-list]").bounding_box()["y"]
    badge = page.locator(f"#comment-{answer.pk} > .comment__card .comment__badge--featured")
    expect(badge).to_have_text("Featured: one of the editors’ picks")  # the rest read, not shown
    expect(page.locator(".comment__badge--featured")).to_have_count(2)
    page.locator("#comments").screenshot(path=os.path.join(screenshot_dir, "editors-picks.png"))

    # A pick leads to its comment in the thread, where its vote and reply buttons are.
    picks.get_by_role("link", name=re.compile("comment by Omar Haddad")).click()
    expect(page.locator(":focus")).to_have_id(f"comment-{answer.pk}")
    assert page.evaluate("window.__loadMarker") == 1  # the thread was on the page: no reload
    assert page.locator(f"#comment-{answer.pk} > .comment__card").is_visible()

    # Sorting changes the thread, not the picks; the badges come along.
    page.click("[data-sort-choice=oldest]")
    expect(page.locator("[data-comment-list] > .comment").first).to_have_id(
        f"comment-{question.pk}"
    )
    expect(picks.locator(".comment__author")).to_have_text(["Pat Keogh", "Omar Haddad"])
    expect(page.locator("[data-comment-list] .comment__badge--featured")).to_have_count(2)


def my_comment_among_the_picks(page, url):
    """A guest's comment, posted on the page and then featured: the page reloaded with it in the
    picks, and marked so that a later reload shows."""
    page.goto(url)
    fill_guest(page, "Page 4 of the plan puts the footpath on the sea side.")
    page.click("#comment-form button[type=submit]")
    page.locator(".comment", has_text="Page 4 of the plan").first.wait_for()
    mine = Comment.objects.get(body__startswith="Page 4")
    feature(mine)

    page.reload()
    page.evaluate("window.__loadMarker = 1")
    picks = page.locator("[data-comment-picks]")
    expect(picks.locator(".comment__author")).to_have_text(["Noa"])
    return mine, picks


def test_an_author_who_edits_their_pick_is_warned_and_sees_it_leave_the_picks(
    live_server, page, article
):
    seed(article, 1)
    mine, picks = my_comment_among_the_picks(page, live_server.url + article.url)
    card = page.locator(f"#comment-{mine.pk} > .comment__card")
    card.locator("[data-edit]").click()
    editor = page.get_by_label("Edit your comment")
    editor.wait_for()
    expect(page.locator(".comment__editor [data-pick-note]")).to_contain_text("leaves the picks")
    editor.fill("Page 5 of the plan puts the footpath on the sea side.")
    page.click(".comment__editor button[type=submit]")

    expect(page.locator("[data-announce]")).to_have_text("Your comment is saved.")
    expect(picks).to_have_count(0)
    expect(page.locator(".comments__all-heading")).to_have_count(0)
    expect(card.locator(".comment__badge--featured")).to_have_count(0)
    expect(card.locator(".comment__body")).to_contain_text("Page 5 of the plan")
    assert page.evaluate("window.__loadMarker") == 1  # without a reload
    assert not Comment.objects.get(pk=mine.pk).is_featured


def test_an_author_who_deletes_their_pick_sees_it_leave_the_picks(live_server, page, article):
    mine, picks = my_comment_among_the_picks(page, live_server.url + article.url)
    page.once("dialog", lambda dialog: dialog.accept())
    page.locator(f"#comment-{mine.pk} > .comment__card [data-delete]").click()

    expect(page.locator("[data-announce]")).to_have_text("Your comment is deleted.")
    expect(picks).to_have_count(0)
    expect(page.locator(".comments__all-heading")).to_have_count(0)
    expect(page.get_by_text("Page 4 of the plan")).to_have_count(0)
    assert page.evaluate("window.__loadMarker") == 1  # without a reload


@pytest.mark.parametrize("javascript", [True, False])
def test_a_pick_on_a_later_page_of_the_thread_opens_that_page(
    live_server, page, page_without_js, article, javascript
):
    browser_page = page if javascript else page_without_js
    oldest = seed(article, 25)[0]  # newest first: the oldest is on the second page
    feature(oldest)
    browser_page.goto(live_server.url + article.url)
    assert browser_page.locator(f"#comment-{oldest.pk}").count() == 0
    browser_page.locator("[data-comment-picks] a[data-pick-of]").click()
    browser_page.wait_for_url(re.compile(f"comments_after=.*#comment-{oldest.pk}$"))
    expect(browser_page.locator(f"#comment-{oldest.pk} .comment__badge--featured")).to_be_visible()


def test_an_edit_held_for_review_says_so_at_once_and_keeps_edit_and_delete(
    live_server, page, article
):
    page.goto(live_server.url + article.url)
    fill_guest(page, "The ferry should run later on Fridays.")
    page.click("#comment-form button[type=submit]")
    mine = page.locator(".comment", has_text="The ferry should run later").first
    mine.wait_for()
    mine.locator("[data-edit]").click()
    editor = page.get_by_label("Edit your comment")
    editor.fill("Cheap tickets: http://a.example http://b.example http://c.example")
    page.click(".comment__editor button[type=submit]")
    expect(page.locator("[data-announce]")).to_have_text(
        "Your comment is saved and awaits moderation."
    )
    card = page.locator(f"#comment-{Comment.objects.get().pk} > .comment__card")
    expect(card.locator(".comment__badge")).to_have_text("Awaiting moderation")
    assert card.locator(".comment__vote, .comment__reply").count() == 0

    page.reload()  # as the page renders it: the author may still edit or delete it
    card = page.locator(f"#comment-{Comment.objects.get().pk} > .comment__card")
    expect(card.locator(".comment__badge")).to_have_text("Awaiting moderation")
    expect(card.locator("[data-edit]")).to_be_visible()
    expect(card.locator("[data-delete]")).to_be_visible()


# The contrast of an element's text as drawn: its colour faded by its own and its ancestors'
# opacity, over the first opaque background behind it (WCAG's relative luminance).
CONTRAST_AS_DRAWN = """element => {
    const rgba = value => value.match(/[\\d.]+/g).map(Number).concat([1]).slice(0, 4);
    let [r, g, b, alpha] = rgba(getComputedStyle(element).color);
    let background = null;
    for (let node = element; node; node = node.parentElement) {
        const style = getComputedStyle(node);
        alpha *= Number(style.opacity);
        const fill = rgba(style.backgroundColor);
        if (!background && fill[3] === 1) background = fill;
    }
    background = background || [255, 255, 255, 1];
    const drawn = [r, g, b].map((c, i) => c * alpha + background[i] * (1 - alpha));
    const luminance = ([r, g, b]) => [r, g, b].map(c => {
        c /= 255;
        return c <= 0.04045 ? c / 12.92 : ((c + 0.055) / 1.055) ** 2.4;
    }).reduce((sum, c, i) => sum + c * [0.2126, 0.7152, 0.0722][i], 0);
    const [light, dark] = [luminance(drawn), luminance(background)].sort((x, y) => y - x);
    return (light + 0.05) / (dark + 0.05);
}"""


def test_a_comment_awaiting_moderation_keeps_its_time_and_badge_readable(
    live_server, page, article
):
    """Its author sees it set apart, but not faded: the time and badge keep 4.5:1 (WCAG 1.4.3)."""
    page.goto(live_server.url + article.url)
    fill_guest(page, "The ferry should run later on Fridays.")
    page.click("#comment-form button[type=submit]")
    mine = page.locator(".comment", has_text="The ferry should run later").first
    mine.wait_for()
    mine.locator("[data-edit]").click()
    page.get_by_label("Edit your comment").fill(
        "Cheap tickets: http://a.example http://b.example http://c.example"
    )
    page.click(".comment__editor button[type=submit]")
    expect(page.locator("[data-announce]")).to_have_text(
        "Your comment is saved and awaits moderation."
    )
    page.reload()
    card = page.locator(f"#comment-{Comment.objects.get().pk}.comment--pending > .comment__card")
    expect(card.locator(".comment__badge")).to_have_text("Awaiting moderation")
    for part in (".comment__time", ".comment__badge", ".comment__body p"):
        assert card.locator(part).first.evaluate(CONTRAST_AS_DRAWN) >= 4.5, part


def test_a_chosen_vote_stays_visible_in_high_contrast_mode(live_server, browser, article):
    """Forced colours drop the chosen vote's tint and border; aria-pressed alone is not seen."""
    first = seed(article, 1)[0]
    context = browser.new_context(forced_colors="active", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + article.url)
    card = page.locator(f"#comment-{first.pk} > .comment__card")
    card.locator(".vote--up").click()
    expect(card.locator(".vote--up")).to_have_attribute("aria-pressed", "true")

    def look(button):
        return button.evaluate(
            "b => { const s = getComputedStyle(b); return [s.backgroundColor, s.color]; }"
        )

    assert look(card.locator(".vote--up")) != look(card.locator(".vote--down"))
    context.close()


def test_the_current_section_and_sort_stay_marked_in_high_contrast_mode(
    live_server, browser, article
):
    """They were marked by colour and a shadow alone, both of which forced colours remove."""
    seed(article, 2)
    context = browser.new_context(forced_colors="active", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + article.url)

    def underlined(link):
        return link.evaluate("a => getComputedStyle(a).textDecorationLine")

    nav = page.locator(".site-nav a")
    assert underlined(page.locator('.site-nav a[aria-current="page"]')) == "underline"
    assert underlined(nav.filter(has_not=page.locator("[aria-current]")).first) == "none"
    assert underlined(page.locator(".comments__sort a[aria-current]").first) == "underline"
    context.close()


def test_commenting_on_a_passage_jumps_to_the_form_for_readers_who_ask_for_less_motion(
    live_server, browser, article
):
    context = browser.new_context(reduced_motion="reduce", viewport={"width": 1000, "height": 400})
    page = context.new_page()
    page.goto(live_server.url + article.url)
    page.evaluate("""() => {
        const text = document.querySelector('.article__body p').firstChild;
        const start = text.data.indexOf('The bridge will open in spring.');
        const range = document.createRange();
        range.setStart(text, start);
        range.setEnd(text, start + 'The bridge will open in spring.'.length);
        document.getSelection().removeAllRanges();
        document.getSelection().addRange(range);
    }""")
    page.locator(".selection-comment").wait_for(state="visible")
    before = page.evaluate("window.scrollY")
    landed = page.evaluate("""() => {
        document.querySelector('.selection-comment').click();
        return window.scrollY;  // read in the same task: a smooth scroll has not moved yet
    }""")
    page.wait_for_timeout(1000)
    assert landed != before
    assert landed == page.evaluate("window.scrollY")
    context.close()


def test_the_comment_box_tells_a_screen_reader_whom_or_what_it_answers(live_server, page, article):
    """Focus jumps past the "Replying to …" and "Commenting on the passage …" lines into the box,
    so the box's description carries them."""
    comment = seed(article, 1)[0]
    page.goto(live_server.url + article.url)
    box = page.locator("#comment-form textarea")
    page.locator(f"#comment-{comment.pk} .comment__reply").first.click()
    expect(box).to_be_focused()
    expect(box).to_have_accessible_description(re.compile(r"^Replying to Reader 0$"))
    page.locator("[data-cancel-reply]").click()
    expect(box).not_to_have_accessible_description(re.compile("Replying"))

    page.evaluate("""() => {
        const text = document.querySelector('.article__body p').firstChild;
        const start = text.data.indexOf('The bridge will open in spring.');
        const range = document.createRange();
        range.setStart(text, start);
        range.setEnd(text, start + 'The bridge will open in spring.'.length);
        document.getSelection().removeAllRanges();
        document.getSelection().addRange(range);
    }""")
    page.click(".selection-comment")
    expect(box).to_be_focused()
    expect(box).to_have_accessible_description(
        re.compile(r"^Commenting on the passage .?The bridge will open in spring\..?$")
    )
    page.click("[data-cancel-passage]")
    expect(box).not_to_have_accessible_description(re.compile("passage"))


def test_a_commented_passage_and_its_panel_stay_visible_in_high_contrast_mode(
    live_server, browser, article
):
    """Forced colours drop the passage's tint, the bubble's fill and (the panel having no border)
    the panel's edge: the passage is marked by an underline, the bubble and panel by a border."""
    ola_comments_on_a_passage(
        article, AnchorInput(quote="The bridge will open in spring."), "Spring is optimistic."
    )
    context = browser.new_context(forced_colors="active", viewport={"width": 1000, "height": 900})
    page = context.new_page()
    page.goto(live_server.url + article.url)
    style = "(node, property) => getComputedStyle(node)[property]"
    mark = page.locator("mark.passage")
    expect(mark).to_have_text("The bridge will open in spring.")
    assert "underline" in mark.evaluate(style, "textDecorationLine")
    bubble = page.locator("mark.passage + .passage-bubble")
    assert bubble.evaluate(style, "borderTopStyle") != "none"
    bubble.click()
    panel = page.get_by_role("dialog", name="Comments on this passage")
    expect(panel).to_be_visible()
    assert panel.evaluate(style, "borderTopStyle") != "none"
    context.close()


def test_cancelling_a_reply_gives_focus_back_to_its_reply_link(live_server, page, article):
    comment = seed(article, 1)[0]
    page.goto(live_server.url + article.url)
    page.locator(f"#comment-{comment.pk} .comment__reply").first.click()
    page.locator("[data-cancel-reply]").click()
    assert page.evaluate("document.activeElement.dataset.replyTo") == str(comment.pk)
    assert page.evaluate("document.activeElement.getAttribute('tabindex')") is None


def test_new_comments_shown_on_an_empty_thread_replace_its_empty_note(live_server, page, article):
    page.goto(live_server.url + article.url)
    expect(page.locator("[data-comments-empty]")).to_be_visible()
    seed(article, 1)
    page.evaluate("document.querySelector('[data-show-new]').click()")
    page.locator("[data-comment-list] [data-comment-id]").first.wait_for()
    assert page.locator("[data-comments-empty]").count() == 0


def test_edit_and_delete_after_the_window_say_why_beside_the_comment(live_server, page, article):
    page.goto(live_server.url + article.url)
    fill_guest(page, "Written in haste.")
    page.click("#comment-form button[type=submit]")
    mine = page.locator(".comment", has_text="Written in haste.").first
    mine.wait_for()
    comment = Comment.objects.get()
    Comment.objects.filter(pk=comment.pk).update(created=comment.created - timedelta(minutes=20))
    mine.locator("[data-edit]").click()
    note = mine.locator(".comment__actions .vote__message")
    expect(note).to_have_text("Comments can only be changed within 15 minutes of posting.")
    assert mine.locator("[data-edit], [data-delete]").count() == 0
    assert page.locator(".comment__editor").count() == 0


# 6,480 characters, as a reader pastes a long letter into the box.
LONG_LETTER = ("Dear editors, the harbour bridge deserves a wider debate. " * 112)[:6479] + "."


def commenter_cookie(page):
    cookies = {cookie["name"]: cookie["value"] for cookie in page.context.cookies()}
    value = cookies.get("masthead_commenter")
    return json.loads(unquote(value)) if value else None


def test_a_long_comment_is_counted_near_the_limit_and_refused_whole_over_it(
    live_server, page, article, screenshot_dir
):
    page.goto(live_server.url + article.url)
    counter = page.locator("#id_body-count")
    fill_guest(page, "A short remark.")
    expect(counter).to_be_hidden()  # nothing to say far from the limit

    page.fill("#id_body", "x" * 4812)
    expect(counter).to_have_text("4,812 of 5,000 characters")
    assert "id_body-count" in page.get_attribute("#id_body", "aria-describedby")

    page.fill("#id_body", LONG_LETTER)
    assert len(page.input_value("#id_body")) == 6480  # nothing cut
    expect(counter).to_have_text(
        "6,480 of 5,000 characters: 1,480 too many. Please shorten your comment."
    )
    expect(page.locator("[data-announce]")).to_have_text(counter.inner_text())
    page.click("#comment-form button[type=submit]")
    expect(page.locator("#comment-form-error")).to_contain_text(
        "at most 5,000 characters long; yours has 6,480. Please shorten it by 1,480."
    )
    assert page.input_value("#id_body") == LONG_LETTER  # still all there
    page.screenshot(path=os.path.join(screenshot_dir, "comment-too-long.png"), full_page=True)

    page.fill("#id_body", LONG_LETTER[:4990])
    expect(counter).to_have_text("4,990 of 5,000 characters")
    page.click("#comment-form button[type=submit]")
    page.locator(".comment", has_text="Dear editors").first.wait_for()
    expect(counter).to_be_hidden()  # the box is empty again, and so is the count
    assert len(Comment.objects.get().body) == 4990

    # The same in the edit box.
    page.locator(".comment", has_text="Dear editors").first.locator("[data-edit]").click()
    editor = page.get_by_label("Edit your comment")
    editor.fill(LONG_LETTER)
    edit_counter = page.locator(".comment__editor .field__count")
    expect(edit_counter).to_have_text(
        "6,480 of 5,000 characters: 1,480 too many. Please shorten your comment."
    )
    page.click(".comment__editor button[type=submit]")
    expect(page.locator(".comment__editor .field__error")).to_contain_text("yours has 6,480")
    assert editor.input_value() == LONG_LETTER


def test_without_javascript_a_long_comment_is_refused_whole_with_its_length(
    live_server, page_without_js, article
):
    page = page_without_js
    page.goto(live_server.url + article.url)
    fill_guest(page, LONG_LETTER)
    assert len(page.input_value("#id_body")) == 6480  # nothing cut
    page.click("#comment-form button[type=submit]")
    expect(page.locator("#id_body_error")).to_have_text(
        "Comments can be at most 5,000 characters long; yours has 6,480."
        " Please shorten it by 1,480."
    )
    assert page.input_value("#id_body") == LONG_LETTER
    assert not Comment.objects.exists()


def test_a_guest_who_asks_finds_their_details_filled_in_on_the_next_article(
    live_server, page, article
):
    other = make_article(title="Ferry timetable changes")
    third = make_article(title="Library hours extended")
    page.goto(live_server.url + article.url)
    remember = page.get_by_label(
        "Save my name, e-mail and website in this browser for the next time I comment."
    )
    expect(remember).not_to_be_checked()  # nothing kept unless asked
    fill_guest(page, "Remember me, please.", name="Leila Haddad", email="leila@example.com")
    page.fill("#id_author_url", "https://leila.example")
    remember.check()
    page.click("#comment-form button[type=submit]")
    page.locator(".comment", has_text="Remember me, please.").first.wait_for()
    assert commenter_cookie(page) == {
        "name": "Leila Haddad",
        "email": "leila@example.com",
        "url": "https://leila.example",
    }

    page.goto(live_server.url + other.url)
    expect(page.locator("#id_author_name")).to_have_value("Leila Haddad")
    expect(page.locator("#id_author_email")).to_have_value("leila@example.com")
    expect(page.locator("#id_author_url")).to_have_value("https://leila.example")
    expect(remember).to_be_checked()
    # The page itself, as the cache shares it, carries none of it: the script filled it in.
    assert "leila@example.com" not in page.request.get(live_server.url + other.url).text()

    # Unticked, the next comment forgets them.
    typing_pause(page)
    page.fill("#id_body", "Forget me now.")
    remember.uncheck()
    page.click("#comment-form button[type=submit]")
    page.locator(".comment", has_text="Forget me now.").first.wait_for()
    assert commenter_cookie(page) is None
    page.goto(live_server.url + third.url)
    expect(page.locator("#id_author_name")).to_have_value("")
    expect(remember).not_to_be_checked()


def test_escape_cancels_an_inline_edit_and_returns_to_the_edit_link(live_server, page, article):
    page.goto(live_server.url + article.url)
    fill_guest(page, "Words to edit")
    page.click("#comment-form button[type=submit]")
    mine = page.locator(".comment", has_text="Words to edit").first
    mine.wait_for()

    mine.locator("[data-edit]").click()
    editor = page.get_by_label("Edit your comment")
    editor.wait_for()
    page.keyboard.press("Escape")
    expect(editor).to_have_count(0)
    expect(mine.locator(".comment__body")).to_be_visible()
    assert page.evaluate("document.activeElement.dataset.edit") is not None

    # Rewritten words are not thrown away by a slip of the finger: Escape asks first.
    mine.locator("[data-edit]").click()
    editor.fill("Rewritten at length")
    questions = []
    page.once("dialog", lambda dialog: (questions.append(dialog.message), dialog.dismiss()))
    page.keyboard.press("Escape")
    expect(editor).to_have_value("Rewritten at length")
    assert questions == ["Discard your changes to this comment?"]
    page.once("dialog", lambda dialog: dialog.accept())
    page.keyboard.press("Escape")
    expect(editor).to_have_count(0)
    assert page.evaluate("document.activeElement.dataset.edit") is not None
    assert Comment.objects.get().body == "Words to edit"


def test_escape_leaves_a_reply_with_its_text_kept(live_server, page, article):
    page.goto(live_server.url + article.url)
    fill_guest(page, "Answer me")
    page.click("#comment-form button[type=submit]")
    answered = page.locator(".comment", has_text="Answer me").first
    answered.wait_for()
    answered.locator("[data-reply-to]").click()
    page.fill("#id_body", "Half a reply")
    page.keyboard.press("Escape")
    expect(answered.locator("#comment-form")).to_have_count(0)
    expect(page.locator("[data-replying]")).to_be_hidden()
    assert page.input_value("#id_body") == "Half a reply"
    assert page.evaluate("document.activeElement.dataset.replyTo") is not None


def test_right_to_left_comments_read_right_to_left(live_server, page, article, screenshot_dir):
    page.goto(live_server.url + article.url)
    fill_guest(page, "أوافق تماماً على هذا القرار!", name="سارة", email="sara@example.com")

    def direction(selector):
        return page.eval_on_selector(selector, "node => getComputedStyle(node).direction")

    assert direction("#id_body") == "rtl" and direction("#id_author_name") == "rtl"
    page.click("#comment-form button[type=submit]")
    mine = page.locator(".comment", has_text="أوافق").first
    mine.wait_for()
    comment_id = mine.get_attribute("data-comment-id")
    assert direction(f"#comment-{comment_id} .comment__body") == "rtl"
    assert direction(f"#comment-{comment_id}-author") == "rtl"
    # The exclamation mark ends the sentence on its left, where Arabic sentences end.
    sentence, mark = page.evaluate(
        """(id) => {
            const text = document.querySelector(`#comment-${id} .comment__body p`).firstChild;
            const box = (start, end) => {
                const range = document.createRange();
                range.setStart(text, start);
                range.setEnd(text, end);
                return range.getBoundingClientRect().toJSON();
            };
            return [box(0, text.length), box(text.length - 1, text.length)];
        }""",
        comment_id,
    )
    assert mark["x"] - sentence["x"] < 1
    assert (
        sentence["right"]
        > page.locator(f"#comment-{comment_id} .comment__body").bounding_box()["x"] + 600
    )  # and the line starts on the right
    mine.locator("[data-edit]").click()
    page.get_by_label("Edit your comment").wait_for()
    assert direction(".comment__editor textarea") == "rtl"
    page.screenshot(path=os.path.join(screenshot_dir, "comment-rtl.png"), full_page=True)


def test_a_reader_comments_on_a_passage_of_a_table(live_server, page, screenshot_dir):
    """Text selected in a table was offered "Comment", then refused as a passage the article
    does not have."""
    make_home()
    make_section(title="World")
    article = make_article(
        title="Ferry fares",
        body=[
            ("paragraph", RichText("<p>The new fares start in June.</p>")),
            (
                "table",
                "<table><tr><th>Ticket</th><th>Price</th></tr>"
                "<tr><td>Island residents travel free on weekdays</td><td>£0</td></tr></table>",
            ),
        ],
    )
    page.goto(live_server.url + article.url)
    page.evaluate("""() => {
        const cell = document.querySelector('.body-table td');
        const range = document.createRange();
        range.selectNodeContents(cell);
        const selection = document.getSelection();
        selection.removeAllRanges();
        selection.addRange(range);
    }""")
    page.locator(".selection-comment").wait_for(state="visible")
    assert page.evaluate(
        "document.querySelector('.selection-comment').closest('table') === null"
    )  # not dropped between the table's cells
    page.click(".selection-comment")
    fill_guest(page, "Only on weekdays?")
    page.click("#comment-form button[type=submit]")
    page.locator(".comment", has_text="Only on weekdays?").wait_for()
    comment = Comment.objects.get(body="Only on weekdays?")
    assert comment.anchor.quote == "Island residents travel free on weekdays"
    page.reload()
    expect(page.locator(".body-table mark.passage")).to_have_text(
        "Island residents travel free on weekdays"
    )


def test_escape_leaves_a_report_in_the_passage_panel_and_keeps_the_panel_open(
    live_server, page, article
):
    """Escape closes the innermost thing, as for a reply or an edit: it used to close the whole
    panel too, and the keyboard reader lost their place among the passage's comments."""
    theirs = ola_comments_on_a_passage(
        article, AnchorInput(quote="The bridge will open in spring."), "Spring is optimistic."
    )
    page.goto(live_server.url + article.url)
    page.focus("mark.passage + .passage-bubble")
    page.keyboard.press("Enter")
    panel = page.get_by_role("dialog", name="Comments on this passage")
    report = panel.locator(f"#passage-comment-{theirs.pk} [data-report]")
    report.focus()
    page.keyboard.press("Enter")
    expect(panel.locator(".comment__report-form")).to_be_visible()

    page.keyboard.press("Escape")
    expect(panel.locator(".comment__report-form")).to_have_count(0)
    expect(panel).to_be_visible()
    assert page.evaluate("document.activeElement.dataset.report") == str(theirs.pk)
    assert page.evaluate("document.activeElement.closest('dialog') !== null")


def test_a_passage_bubble_is_named_once_and_shows_its_name_on_hover(
    live_server, page, article, screenshot_dir
):
    ola_comments_on_a_passage(
        article, AnchorInput(quote="The bridge will open in spring."), "Spring is optimistic."
    )
    page.goto(live_server.url + article.url)
    name = "1 comment on this passage, replies included"
    for bubble, label in (
        (page.locator("mark.passage + .passage-bubble"), name),
        (page.locator(".passage--open + .passage-bubble"), "Comment on this passage"),
    ):
        expect(bubble).to_have_accessible_name(label)
        # Said once: no title (read again as a description, or instead of the name).
        expect(bubble).to_have_accessible_description("")
        assert bubble.get_attribute("title") is None
        tip = bubble.get_by_text(label)
        assert tip.bounding_box()["width"] < 5  # only the number or "+" until asked
        bubble.hover()
        box, bubble_box = tip.bounding_box(), bubble.bounding_box()
        assert box["width"] > 60 and box["height"] > 10  # a tooltip a mouse user can read
        assert box["y"] + box["height"] <= bubble_box["y"] + 1  # above the bubble
        page.screenshot(path=os.path.join(screenshot_dir, f"passage-bubble-tip-{label[:3]}.png"))
        page.mouse.move(0, 0)
    expect(page.locator("mark.passage + .passage-bubble [data-bubble-count]")).to_have_text("1")
    expect(page.locator(".passage--open + .passage-bubble [data-bubble-count]")).to_have_text("+")


def test_a_passage_bubbles_tooltip_stays_inside_the_window_at_its_right_edge(
    live_server, browser, article, screenshot_dir
):
    """A bubble at the end of a line on a phone had its tooltip centred over it, its words cut
    off by the window's edge ("…replies inclu"): it moves along to stay in sight."""
    ola_comments_on_a_passage(
        article, AnchorInput(quote="Tolls have not been decided."), "Tolls will decide it."
    )
    context = browser.new_context(viewport={"width": 375, "height": 800})
    page = context.new_page()
    page.goto(live_server.url + article.url)
    # The passage ends the paragraph: set flush right, its bubble ends the line at the edge.
    page.add_style_tag(content=".article__body p { text-align: right; }")
    bubble = page.locator("mark.passage + .passage-bubble")
    tip = bubble.get_by_text("1 comment on this passage, replies included")
    bubble.hover()
    box, bubble_box = tip.bounding_box(), bubble.bounding_box()
    page.screenshot(path=os.path.join(screenshot_dir, "passage-bubble-tip-edge-375.png"))
    assert box["x"] >= 0 and box["x"] + box["width"] <= 375  # every word in sight
    assert box["y"] + box["height"] <= bubble_box["y"] + 1  # still above its bubble
    assert box["x"] <= bubble_box["x"]  # and over it

    # In a wide window, from the keyboard, the same tooltip is centred over its bubble again.
    page.mouse.move(0, 0)
    page.set_viewport_size({"width": 1280, "height": 800})
    bubble.focus()
    page.keyboard.press("Shift+Tab")
    page.keyboard.press("Tab")
    box, bubble_box = tip.bounding_box(), bubble.bounding_box()
    page.screenshot(path=os.path.join(screenshot_dir, "passage-bubble-tip-edge-1280.png"))
    assert box["width"] > 60 and box["x"] + box["width"] <= 1280
    middle = bubble_box["x"] + bubble_box["width"] / 2
    assert abs(box["x"] + box["width"] / 2 - middle) < 2
    context.close()


def test_a_passage_editors_opened_for_feedback_has_one_bubble_once_commented_on(
    live_server, page, article
):
    """Once a reader had commented on the passage the editors asked about, it showed two bubbles
    side by side: the comments' "1" and the "+" that offers to comment on it, the same passage."""
    page.goto(live_server.url + article.url)
    page.get_by_role("button", name="Comment on this passage").click()
    fill_guest(page, "Tolls should be low for islanders.")
    page.click("#comment-form button[type=submit]")
    expect(page.locator(".comment", has_text="Tolls should be low")).to_have_count(1)
    for _ in range(2):  # in place, then as the server renders the page
        bubbles = page.locator(".article__body .passage-bubble")
        expect(bubbles).to_have_count(1)
        expect(bubbles).to_have_accessible_name("1 comment on this passage, replies included")
        expect(page.locator(".article__body mark.passage")).to_have_text(
            "Tolls have not been decided."
        )
        page.reload()
    page.locator(".article__body .passage-bubble").click()
    panel = page.get_by_role("dialog", name="Comments on this passage")
    expect(panel.locator(".comment", has_text="Tolls should be low")).to_be_visible()
    expect(panel.get_by_role("button", name="Comment on this passage")).to_be_visible()


def test_a_passage_panel_that_cannot_load_its_comments_says_so(live_server, page, article):
    ola_comments_on_a_passage(
        article, AnchorInput(quote="The bridge will open in spring."), "Spring is optimistic."
    )
    page.goto(live_server.url + article.url)
    passage = re.compile(rf"/comments/{article.pk}/\?.*anchor=")
    page.route(passage, lambda route: route.fulfill(status=500, body="<h1>Server Error</h1>"))
    page.locator("mark.passage + .passage-bubble").click()
    panel = page.get_by_role("dialog", name="Comments on this passage")
    expect(panel.get_by_role("alert")).to_have_text(
        "The comments on this passage could not be loaded. Please close this and try again."
    )
    expect(panel.get_by_role("heading", name="Server Error")).to_have_count(0)
    page.unroute(passage)
    panel.get_by_role("button", name="Close").click()
    page.locator("mark.passage + .passage-bubble").click()
    expect(panel.locator(".comment", has_text="Spring is optimistic.")).to_be_visible()
    expect(panel.get_by_role("alert")).to_have_count(0)


def test_the_notify_choice_fits_a_phone_screen_with_readers_text_spacing(
    live_server, browser, article
):
    """At 320 px with the text spacing WCAG 1.4.12 allows readers to set, the "Notify of" menu
    was wider than the form and the whole page scrolled sideways."""
    context = browser.new_context(viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + article.url)
    page.add_style_tag(
        content="* { line-height: 1.5 !important; letter-spacing: .12em !important;"
        " word-spacing: .16em !important; } p { margin-bottom: 2em !important; }"
    )
    assert page.evaluate("document.documentElement.scrollWidth") == 320
    notify = page.get_by_label("Notify of")
    form = page.locator("#comment-form").bounding_box()
    box = notify.bounding_box()
    assert box["x"] + box["width"] <= form["x"] + form["width"]
    notify.select_option(label="New replies to my comments")  # still usable
    context.close()


@pytest.mark.parametrize("width", [320, 375])
def test_the_notify_choice_lines_up_with_its_words_on_a_phone(
    live_server, browser, article, screenshot_dir, width
):
    """Wrapped under "Notify of", the menu kept the margin that parts it from those words on one
    line, and stood indented from them and from the button below."""
    context = browser.new_context(viewport={"width": width, "height": 640})
    page = context.new_page()
    page.goto(live_server.url + article.url)
    notify = page.get_by_label("Notify of")
    label = page.locator(".comment-form__notify")
    page.locator(".comment-form__submit").screenshot(
        path=os.path.join(screenshot_dir, f"notify-choice-{width}.png")
    )
    menu, words = notify.bounding_box(), label.bounding_box()
    if menu["y"] > words["y"] + 5:  # wrapped under its words
        assert abs(menu["x"] - words["x"]) < 0.5
    else:  # beside them, a space apart
        assert menu["x"] > words["x"] + 40
    button = page.get_by_role("button", name="Post comment").bounding_box()
    assert abs(button["x"] - words["x"]) < 0.5
    context.close()


def test_the_comment_box_keeps_a_label_in_sight_while_replying_and_editing(
    live_server, page, article
):
    """A placeholder is no label: it goes with the first letter typed (WCAG 3.3.2)."""
    first = seed(article, 1)[0]
    page.goto(live_server.url + article.url)

    def in_sight(label):
        expect(label).to_be_visible()
        return label.bounding_box()["width"] > 40  # not a visually hidden 1 px box

    page.click(f"#comment-{first.pk} [data-reply-to]")
    reply_label = page.locator(f"#comment-{first.pk} #comment-form label[for=id_body]")
    assert reply_label.inner_text() == "Your comment" and in_sight(reply_label)

    page.click("[data-cancel-reply]")
    fill_guest(page, "Words to edit")
    page.click("#comment-form button[type=submit]")
    mine = page.locator(".comment", has_text="Words to edit").first
    mine.wait_for()
    mine.locator("[data-edit]").click()
    editor_label = mine.locator(".comment__editor label")
    editor_label.wait_for()
    assert editor_label.inner_text() == "Edit your comment" and in_sight(editor_label)


def test_the_more_comments_navigation_comes_when_the_thread_grows_past_a_page(
    live_server, page, article
):
    """Left out while empty (screen readers announce an empty landmark all the same)."""
    options = DiscussionSettings.for_site(article.get_site())
    options.page_size = 2
    options.save()
    seed(article, 2)
    page.goto(live_server.url + article.url)
    more_comments = page.get_by_role("navigation", name="More comments")
    expect(more_comments).to_have_count(0)

    seed(article, 1, start=timezone.now() - timedelta(minutes=1))
    page.evaluate("document.querySelector('[data-show-new]').click()")
    expect(more_comments.get_by_role("link", name="Load more comments")).to_be_visible()
    more_comments.get_by_role("link", name="Load more comments").click()
    expect(page.locator("[data-comment-list] > .comment")).to_have_count(3)
    expect(more_comments).to_have_count(0)  # nothing left in it


def test_a_vote_keeps_what_the_points_count_said_with_them(live_server, page, article):
    first = seed(article, 1)[0]
    page.goto(live_server.url + article.url)
    page.click(f"#comment-{first.pk} > .comment__card .vote--up")
    score = page.locator(f"#comment-{first.pk} > .comment__card .vote__score")
    expect(score).to_have_text("1 point: up votes minus down votes")
    expect(score.locator("[data-score]")).to_have_text("1 point")
    # Changed to a vote down: one point below zero, with a minus sign, as the server writes it.
    page.click(f"#comment-{first.pk} > .comment__card .vote--down")
    expect(score.locator("[data-score]")).to_have_text("\u22121 point")
    page.reload()
    expect(score.locator("[data-score]")).to_have_text("\u22121 point")
    # One score for every comment: no separate counts of ups and downs beside it.
    expect(page.locator(".comment__vote .vote__count")).to_have_count(0)


def test_an_edit_in_place_says_edited_and_when_as_the_page_does(
    live_server, page, article, settings
):
    settings.TIME_ZONE = "Pacific/Auckland"  # a day ahead of UTC: the time is the site's own
    page.goto(live_server.url + article.url)
    fill_guest(page, "Words to edit")
    page.click("#comment-form button[type=submit]")
    page.locator(".comment", has_text="Words to edit").first.wait_for()
    mine = page.locator(f"#comment-{Comment.objects.get().pk}")

    for text in ("Rewritten once", "Rewritten twice"):
        mine.locator("[data-edit]").click()
        page.get_by_label("Edit your comment").fill(text)
        page.get_by_role("button", name="Save").click()
        expect(mine.locator(".comment__body")).to_have_text(text)
    header = mine.locator(".comment__header")
    label = mine.locator(".comment__edited")
    when = label.locator("time")

    def shown():
        return (
            " ".join(header.text_content().split()),
            label.text_content(),
            when.get_attribute("datetime"),
        )

    in_place = shown()
    assert label.count() == 1
    # Where the page puts it: after the comment's time, before any badge.
    assert label.evaluate("label => label.previousElementSibling.className") == "comment__time"

    page.reload()
    mine.wait_for()
    assert label.text_content().startswith("edited on ")
    # The machine-readable time too: the site's zone (a day ahead of UTC), as on a reload.
    assert when.get_attribute("datetime").endswith(("+13:00", "+12:00"))
    assert in_place == shown()


def test_why_a_readers_own_comment_cannot_be_voted_on_shows_on_focus_and_tap(
    live_server, browser, article
):
    seed(article, 1)
    context = browser.new_context(viewport={"width": 390, "height": 844}, has_touch=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + article.url)
        fill_guest(page, "My own view")
        page.click("#comment-form button[type=submit]")
        own = page.locator(".comment", has_text="My own view").first
        own.wait_for()
        up, down = own.locator(".vote--up"), own.locator(".vote--down")
        why = own.get_by_text(OWN_COMMENT)

        def shown(locator):
            box = locator.bounding_box()
            return bool(box) and box["width"] > 50 and box["height"] > 5

        assert not shown(why)  # out of the way until a reader needs it
        # A keyboard reaches the buttons (a disabled button it would skip), and sees why.
        up.focus()
        page.keyboard.press("Tab")
        expect(down).to_be_focused()
        expect(down).to_have_accessible_description(OWN_COMMENT)
        expect(down).to_be_disabled()  # aria-disabled: said, and it cannot be pressed
        assert shown(why)
        page.locator("#id_body").focus()
        assert not shown(why)
        # A finger that taps it learns why, and no vote is cast.
        up.tap(force=True)
        assert shown(why)
        expect(own.locator("[data-score]")).to_have_text("0 points")
        assert not Comment.objects.get(body="My own view").votes.exists()
    finally:
        context.close()


def test_why_a_readers_own_comment_cannot_be_voted_on_leaves_its_text_readable_on_a_phone(
    live_server, browser, article, screenshot_dir
):
    context = browser.new_context(viewport={"width": 375, "height": 812}, has_touch=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + article.url)
        fill_guest(page, "My own view, on the bridge and the tolls that nobody has decided yet.")
        page.click("#comment-form button[type=submit]")
        own = page.locator(".comment", has_text="My own view").first
        own.wait_for()
        why = own.get_by_text(OWN_COMMENT)
        up = own.locator(".vote--up")
        # The posted comment is scrolled to smoothly: a forced tap (aria-disabled buttons are not
        # "enabled" to Playwright) must wait for it to stop, or it lands beside the button.
        where = None
        for _ in range(50):
            if where == (where := up.bounding_box()):
                break
            page.wait_for_timeout(100)
        for show in ("tap", "focus"):
            if show == "tap":
                up.tap(force=True)
            else:
                page.locator("#id_body").focus()  # the tapped reason goes
                up.focus()
                page.keyboard.press("Tab")  # a keyboard reaches the other button
            box = why.bounding_box()
            assert box["width"] > 50 and box["height"] > 5  # shown
            text = own.locator(".comment__body").bounding_box()
            header = own.locator(".comment__header").bounding_box()
            page.screenshot(path=os.path.join(screenshot_dir, f"own-vote-why-{show}-375.png"))
            # Nothing of the comment is hidden under it: its text, its author and time.
            for covered in (text, header):
                assert (
                    box["y"] >= covered["y"] + covered["height"]
                    or box["y"] + box["height"] <= covered["y"]
                ), (show, box, covered)
            assert box["x"] >= 0 and box["x"] + box["width"] <= 375  # and all of it on screen
            expect(why).to_be_in_viewport()
    finally:
        context.close()


def test_a_readers_own_comment_says_why_it_cannot_be_voted_on_without_javascript(
    live_server, page_without_js, article
):
    page = page_without_js
    page.goto(live_server.url + article.url)
    fill_guest(page, "My own view")
    page.click("#comment-form button[type=submit]")
    own = page.locator(".comment", has_text="My own view").first
    own.wait_for()
    own.locator(".vote--up").click(force=True)
    expect(own.locator(".comment__note")).to_have_text(OWN_COMMENT)


def test_a_mouse_shows_what_an_icon_button_does_and_a_screen_reader_hears_it_once(
    live_server, page, article, screenshot_dir
):
    first = seed(article, 1)[0]
    page.goto(live_server.url + article.url)
    card = page.locator(f"#comment-{first.pk} > .comment__card")
    for button, name in (
        (card.locator(".vote--up"), "Vote up"),
        (card.locator(".vote--down"), "Vote down"),
    ):
        tip = button.get_by_text(name)
        assert tip.bounding_box()["width"] < 5  # nothing shown beside the arrow until asked
        button.hover()
        box, button_box = tip.bounding_box(), button.bounding_box()
        assert box["width"] > 30 and box["height"] > 10  # a tooltip a mouse user can read
        assert box["y"] + box["height"] <= button_box["y"] + 1  # above the button, off its count
        # The name is said once: no title or description repeating it.
        expect(button).to_have_accessible_name(re.compile(rf"^{name}\s*$"))
        expect(button).to_have_accessible_description("")
        page.screenshot(path=os.path.join(screenshot_dir, f"tooltip-{name[5:]}.png"))
        page.mouse.move(0, 0)
        assert tip.bounding_box()["width"] < 5


def test_a_tapped_vote_leaves_no_tooltip_over_the_comment_on_a_phone(
    live_server, browser, article, screenshot_dir
):
    first = seed(article, 1)[0]
    context = browser.new_context(viewport={"width": 375, "height": 812}, has_touch=True)
    page = context.new_page()
    try:
        page.goto(live_server.url + article.url)
        card = page.locator(f"#comment-{first.pk} > .comment__card")
        card.locator(".vote--up").tap()
        expect(card.locator("[data-score]")).to_have_text("1 point")
        page.screenshot(path=os.path.join(screenshot_dir, "tapped-vote-375.png"))
        # A finger has no hover to end: the name would stay over the comment's text.
        assert card.get_by_text("Vote up").bounding_box()["width"] < 5
        expect(card.locator(".vote--up")).to_have_accessible_name(re.compile(r"^Vote up$"))
    finally:
        context.close()


def test_a_vote_edit_or_delete_that_gets_no_answer_says_so_and_loses_nothing(
    live_server, page, article
):
    theirs = seed(article, 1)[0]
    page.goto(live_server.url + article.url)
    fill_guest(page, "Words to keep")
    page.click("#comment-form button[type=submit]")
    mine = page.locator(".comment", has_text="Words to keep").first
    mine.wait_for()
    api = re.compile(r"/api/v1/comments/\d+")
    page.route(api, lambda route: route.fulfill(status=502, body="<h1>Bad gateway</h1>"))

    card = page.locator(f"#comment-{theirs.pk} > .comment__card")
    card.locator(".vote--up").click()
    expect(card.locator(".vote__message")).to_have_text(
        "Your vote was not counted. Please try again."
    )
    expect(card.locator("[data-score]")).to_have_text("0 points")

    mine.locator("[data-edit]").click()
    editor = page.get_by_label("Edit your comment")
    editor.fill("Rewritten words")
    page.get_by_role("button", name="Save").click()
    expect(mine.get_by_role("alert")).to_have_text(
        "Your changes could not be saved; they are still here. Please try again."
    )
    expect(editor).to_have_value("Rewritten words")

    page.get_by_role("button", name="Cancel").click()
    page.once("dialog", lambda dialog: dialog.accept())
    mine.locator("[data-delete]").click()
    expect(mine.locator(".vote__message")).to_have_text(
        "Your comment could not be deleted. Please try again."
    )
    expect(mine.locator("[data-delete]")).to_be_visible()  # to try again
    page.unroute(api)
    assert not theirs.votes.exists()
    assert Comment.objects.filter(body="Words to keep", deleted__isnull=True).exists()


@pytest.mark.parametrize("clicked_first", ["load_more", "sort"])
def test_load_more_and_a_new_order_loading_together_never_mix_the_orders(
    live_server, page, article, clicked_first
):
    options = DiscussionSettings.for_site(article.get_site())
    options.page_size = 5
    options.save()
    comments = seed(article, 12)
    page.goto(live_server.url + article.url)
    items = page.locator("[data-comment-list] > .comment")
    expect(items).to_have_count(5)  # 11 to 7, newest first
    held = []  # the thread's answers, kept back to arrive in the order a slow network gives
    page.route(re.compile(rf"/comments/{article.pk}/\?"), lambda route: held.append(route))

    def wait_for_requests(count):
        for _ in range(100):
            if len(held) >= count:
                return
            page.wait_for_timeout(50)

    if clicked_first == "load_more":
        page.click("[data-load-more]")
        wait_for_requests(1)
        page.click("[data-sort-choice=oldest]")
        wait_for_requests(2)
        arrival = [held[1], held[0]]  # the new order first, then the page of the old one
    else:
        page.click("[data-sort-choice=oldest]")
        wait_for_requests(1)
        page.click("[data-load-more]", force=True)  # while the new order is loading
        page.wait_for_timeout(300)
        arrival = list(held)
    for route in arrival:
        route.continue_()
        page.wait_for_timeout(300)
    page.unroute(re.compile(rf"/comments/{article.pk}/\?"))

    oldest = [f"comment-{comment.pk}" for comment in comments]
    expect(items).to_have_count(5)
    page.wait_for_timeout(500)
    assert items.evaluate_all("items => items.map(i => i.id)") == oldest[:5]
    page.click("[data-load-more]")  # goes on in the new order, from where it is
    expect(items).to_have_count(10)
    assert items.evaluate_all("items => items.map(i => i.id)") == oldest[:10]


def test_following_the_discussion_happens_in_place_and_says_to_confirm(live_server, page, article):
    from masthead.discussion.models import Subscription
    from masthead.discussion.services.subscriptions import EMAIL_INVALID
    from masthead.discussion.views.subscriptions import CONFIRMATION_SENT

    page.goto(live_server.url + article.url)
    page.evaluate("window.__loadMarker = 1")
    field = page.get_by_label("Follow this discussion without commenting: e-mail")
    field.fill("lurker@nowhere")  # a browser lets it through; the server does not
    page.get_by_role("button", name="Notify me").click()
    expect(page.locator(".comments__follow [role=alert]")).to_have_text(EMAIL_INVALID)
    expect(field).to_have_attribute("aria-invalid", "true")
    expect(field).to_have_accessible_description(EMAIL_INVALID)
    expect(field).to_have_value("lurker@nowhere")  # nothing lost: the reader corrects it

    field.fill("lurker@example.com")
    page.get_by_role("button", name="Notify me").click()
    done = page.locator(".comments__follow-done")
    expect(done).to_have_text(CONFIRMATION_SENT)
    expect(done).to_be_focused()
    assert page.evaluate("window.__loadMarker") == 1  # never left the article
    assert Subscription.objects.filter(email="lurker@example.com", confirmed=None).exists()


def test_following_the_discussion_without_javascript_opens_the_confirmation_page(
    live_server, page_without_js, article
):
    from masthead.discussion.views.subscriptions import CONFIRMATION_SENT

    page = page_without_js
    page.goto(live_server.url + article.url)
    page.get_by_label("Follow this discussion without commenting: e-mail").fill(
        "lurker@example.com"
    )
    page.get_by_role("button", name="Notify me").click()
    expect(page.get_by_text(CONFIRMATION_SENT)).to_be_visible()
    expect(page.get_by_role("link", name="Back to the article")).to_be_visible()


@pytest.fixture
def asgi_server():
    """The site served as `masthead serve` serves it (its web workers' uvicorn server, which
    serves live streams), in a thread; its address."""
    import socket
    import threading

    import uvicorn

    from masthead.asgi import application
    from masthead.web_worker import MastheadServer

    listening = socket.socket()
    listening.bind(("127.0.0.1", 0))
    server = MastheadServer(uvicorn.Config(application, lifespan="off", log_level="warning"))
    thread = threading.Thread(target=server.run, kwargs={"sockets": [listening]}, daemon=True)
    thread.start()
    started = threading.Event()
    while not server.started and thread.is_alive():
        started.wait(0.05)
    yield f"http://127.0.0.1:{listening.getsockname()[1]}"
    server.should_exit = True
    thread.join(10)


@pytest.mark.skipif(not settings.REDIS_URL, reason="live streams need REDIS_URL")
def test_a_page_refused_a_live_stream_polls_for_new_comments_instead(
    asgi_server, browser, article, monkeypatch
):
    # One stream for this network (the browser's address): the second tab is refused one.
    monkeypatch.setattr(discussion_conf, "LIVE_STREAMS_PER_NETWORK", 1, raising=False)
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    streaming, polling = context.new_page(), context.new_page()
    polling.clock.install()
    stream_requests = []
    polling.on("request", lambda request: "/stream/" in request.url and stream_requests.append(1))

    def is_stream(response):
        return "/stream/" in response.url

    with streaming.expect_response(is_stream) as opened:
        streaming.goto(asgi_server + article.url)
    assert opened.value.status == 200
    with polling.expect_response(is_stream) as refused:
        polling.goto(asgi_server + article.url)
    assert refused.value.status == 429
    assert refused.value.headers["retry-after"]

    seed(article, 1, start=timezone.now())
    # The open stream says so at once; the refused tab learns it at its next poll.
    expect(streaming.get_by_role("button", name="1 new comment – show")).to_be_visible()
    with polling.expect_response(lambda response: "/updates/" in response.url):
        polling.clock.fast_forward(30_000)
    expect(polling.get_by_role("button", name="1 new comment – show")).to_be_visible()
    # Polling, not retrying the stream in a loop: minutes later it has still asked for one once.
    polling.clock.fast_forward(120_000)
    assert len(stream_requests) == 1
    context.close()


def test_a_long_unbroken_commenter_name_does_not_push_the_page_sideways_on_a_phone(
    live_server, browser, article, django_user_model
):
    """A guest may sign with up to 80 characters and no space ("LongnameLongname…"), a reader's
    username may be 150: on a phone the name ran off the comment's header and the whole page
    scrolled sideways, in the thread, in "in reply to", in "Replying to" above the form, on the
    comment's report page and in "Commenting as" for the signed-in reader."""
    name = "Harbourwatcher" * 5
    long_named = comment_post(
        article=article,
        reader=Reader(user=None, key="g-long", ip_hash="long"),
        body="The bridge was promised ten years ago.",
        author_name=name,
        author_email="long@example.com",
    )
    comment_post(
        article=article,
        reader=Reader(user=None, key="g-answer", ip_hash="answer"),
        body="And now it is happening.",
        author_name="Ola",
        author_email="ola@example.com",
        parent_id=long_named.pk,
    )
    context = browser.new_context(viewport={"width": 390, "height": 844})
    page = context.new_page()
    for address in (
        article.url,
        f"{article.url}?reply_to={long_named.pk}#comment-form",
        f"/moderation/comment/{long_named.pk}/report/",
    ):
        page.goto(live_server.url + address)
        expect(page.get_by_text(name).first).to_be_visible()
        assert page.evaluate("document.documentElement.scrollWidth") == 390, address

    username = "harbourwatcher" * 8
    django_user_model.objects.create_user(username, "watcher@example.com", "tide-lantern-copper-9")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", "tide-lantern-copper-9")
    page.locator("main button[type=submit]").click()
    page.wait_for_url(lambda url: "/accounts/login/" not in url)
    page.goto(live_server.url + article.url)
    expect(page.locator(".comment-form__as")).to_contain_text(username)
    assert page.evaluate("document.documentElement.scrollWidth") == 390
    context.close()


def test_a_long_e_mail_address_fits_the_notification_pages_on_a_phone(live_server, page, article):
    """An e-mail address ("Send e-mails to christopher.featherstonehaugh@…?") has no space to
    break at: on a phone it ran past the screen's edge and the confirmation page (and the
    unsubscribe page) scrolled sideways."""
    email = "christopher.featherstonehaugh@harbourtraders.co.uk"
    subscription = subscription_request(article=article, email=email, kind="all")
    token = subscription_token(subscription)
    page.set_viewport_size({"width": 390, "height": 844})
    for action in ("confirm", "unsubscribe"):
        page.goto(f"{live_server.url}/comments/subscriptions/{token}/{action}/")
        expect(page.locator("main")).to_contain_text(email)
        assert page.evaluate("document.documentElement.scrollWidth") == 390, action
