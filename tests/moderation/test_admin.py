"""The moderators' screens in the Wagtail admin."""

from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.test import Client
from django.utils import timezone

from masthead.discussion.models import CommentStatus
from masthead.moderation import selectors
from masthead.moderation.models import (
    NOT_A_NOTE,
    UNMATCHABLE_ADDITIONS,
    UNREADABLE_DOMAINS,
    UNREADABLE_RECIPIENTS,
    Ban,
    Decision,
    FilterVersion,
    ModerationSettings,
)
from tests.markup import time_moments, unreadable_time_moments
from tests.moderation.conftest import HEATED, SCAM

pytestmark = pytest.mark.django_db


def test_queue_shows_held_comments_with_context_reasons_and_history(mod_client, article, post):
    parent = post(HEATED, name="Parent Person")
    scam = post(SCAM, name="Jenny", email="jenny@example.net", parent_id=parent.pk)
    queue = "spam" if scam.status == CommentStatus.SPAM else "pending"
    html = mod_client.get(f"/admin/moderation/?queue={queue}").content.decode()
    assert "Jenny" in html and article.title in html
    assert "In reply to <strong>Parent Person</strong>" in html
    assert "obfuscated words: Goog-l-e → google" in html
    assert "History: 0 published" in html
    assert "removed by moderators · 0 deleted by the author" in html
    assert 'data-key="a"' in html  # keyboard shortcuts wired to the buttons


def test_queue_shows_how_a_held_slur_was_disguised_with_the_slur_masked(mod_client, article, post):
    comment = post("Nobody wants you f4gg0ts here")
    assert comment.status == CommentStatus.PENDING
    html = mod_client.get("/admin/moderation/?queue=pending").content.decode()
    reasons = BeautifulSoup(html, "html.parser").select_one(".mod-reasons").get_text(" ")
    assert "obfuscated words: f4**0*s → f*****s" in reasons
    assert "faggot" not in reasons and "f4gg0t" not in reasons


def test_the_queue_shows_addresses_in_a_comment_as_text_and_opens_web_links_apart(
    mod_client, article, post
):
    """A moderator reading the spam queue no longer mails a spammer with a stray click."""
    comment = post(
        "Write to winner@prize-desk.com or [claim here](mailto:claims@prize-desk.com), "
        "call <tel:+441234567> and read https://www.gov.uk/guidance today"
    )
    Comment = type(comment)
    Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.SPAM)
    html = mod_client.get("/admin/moderation/?queue=spam").content.decode()
    body = BeautifulSoup(html, "html.parser").select_one(f"#mod-{comment.pk} .mod-item__body")
    assert "winner@prize-desk.com" in body.get_text() and "claim here" in body.get_text()
    [link] = body.find_all("a")
    assert link["href"] == "https://www.gov.uk/guidance"
    assert set(link["rel"]) == {"nofollow", "noopener", "noreferrer"}
    assert link["target"] == "_blank"


def test_a_decision_just_made_reads_just_now_among_the_recent_decisions(mod_client, article, post):
    """It read "0 minutes ago"; the moment itself is in the <time>'s datetime and title."""
    comment = post("Anyone watch the match?")
    mod_client.post(f"/admin/moderation/comment/{comment.pk}/remove/")
    html = mod_client.get("/admin/moderation/?queue=published").content.decode()
    [recent] = BeautifulSoup(html, "html.parser").select("#recent-decisions li")
    assert "0 minutes" not in recent.get_text()
    assert recent.time.get_text() == "just now" and recent.time["title"]
    assert recent.time["datetime"] in time_moments(html)
    assert unreadable_time_moments(html) == []


def test_a_queue_is_counted_once_and_its_pages_add_up(mod_client, article, post):
    """One query counts every tab, filtered or not; the list of the queue shown reuses its count
    (a full count of a long queue is the slowest query of the page)."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.discussion.models import Comment

    for number in range(selectors.PER_PAGE + 3):
        held = post(f"Held comment number {number} about the harbour.", name=f"Reader {number}")
        Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)

    def page_and_counts(query):
        with CaptureQueriesContext(connection) as queries:
            html = mod_client.get(f"/admin/moderation/?{query}").content.decode()
        # a count, or counts as the values of one query
        counts = [
            q["sql"]
            for q in queries.captured_queries
            if q["sql"].startswith(("SELECT COUNT(", "SELECT (SELECT COUNT("))
        ]
        return html, [sql for sql in counts if "discussion_comment" in sql]

    html, counted = page_and_counts("queue=pending&p=2")
    assert len(counted) == 1
    assert "Page 2 of 2" in html and html.count('class="mod-item"') == 3

    for query in ("queue=pending&author=Reader 1", "queue=pending&reason=harbour&p=1"):
        filtered, counted = page_and_counts(query)
        assert len(counted) == 1
    assert filtered.count('class="mod-item"') == 0  # no verdict or report says "harbour"
    filtered, _ = page_and_counts("queue=pending&author=Reader 1")
    assert filtered.count('class="mod-item"') == 11  # Reader 1 and Reader 10-19
    assert queue_tabs(filtered)["pending"][0] == 11


def test_queue_needs_the_moderation_permission(client, django_user_model, article):
    from django.contrib.auth.models import Permission

    editor = django_user_model.objects.create_user("ed", "ed@example.com", "pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    assert client.get("/admin/moderation/").status_code in (302, 403)
    assert client.post("/admin/moderation/comment/1/approve/").status_code in (302, 403)


def test_one_click_actions_and_undo_from_the_admin(mod_client, article, post):
    comment = post("Links http://a.example http://b.example http://c.example")
    response = mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/approve/",
        {"next": "/admin/moderation/?queue=pending"},
    )
    assert (
        response.status_code == 302 and response["Location"] == "/admin/moderation/?queue=pending"
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    decision = Decision.objects.get(comment=comment)
    assert decision.moderator.username == "mod"
    mod_client.post(f"/admin/moderation/decisions/{decision.pk}/undo/")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    log = mod_client.get("/admin/moderation/decisions/").content.decode()
    assert "Approved" in log and "undone" in log


def test_the_undo_message_names_the_comment_as_the_recent_decisions_do(mod_client, article, post):
    comment = post("Links http://a.example http://b.example http://c.example")
    mod_client.post(f"/admin/moderation/comment/{comment.pk}/spam/")
    decision = Decision.objects.get(comment=comment)
    response = mod_client.post(f"/admin/moderation/decisions/{decision.pk}/undo/", follow=True)
    assert (
        f"Undone: marked as spam on the comment by {comment.author_name}."
        in response.content.decode()
    )


def item_of(html: str, comment):
    return BeautifulSoup(html, "html.parser").find(id=f"mod-{comment.pk}")


def test_feature_from_the_recently_published_queue_list_it_and_undo_it(mod_client, article, post):
    comment = post("The footpath belongs on the sea side of the bridge.")
    queue = mod_client.get("/admin/moderation/?queue=published").content.decode()
    feature = item_of(queue, comment).find("button", attrs={"data-key": "f"})
    assert feature.get_text(strip=True) == "Feature"
    assert feature["formaction"] == f"/admin/moderation/comment/{comment.pk}/feature/"
    assert "<kbd>f</kbd> feature or unfeature" in queue

    response = mod_client.post(
        feature["formaction"], {"next": "/admin/moderation/?queue=published"}, follow=True
    )
    assert "Featured: 1 comment." in response.content.decode()
    comment.refresh_from_db()
    assert comment.is_featured and comment.featured_by.username == "mod"
    decision = Decision.objects.get(comment=comment)
    assert (decision.action, decision.label) == ("feature", "")

    featured = mod_client.get("/admin/moderation/?queue=featured").content.decode()
    item = item_of(featured, comment)
    assert "★ Featured by mod" in item.get_text()
    assert item.find("button", attrs={"data-key": "f"}).get_text(strip=True) == "Unfeature"
    assert selectors.queue_counts()["featured"] == 1
    assert "Featured · comment by Alex" in " ".join(featured.split())  # recent decisions
    log = mod_client.get("/admin/moderation/decisions/").content.decode()
    assert "Featured" in log and "teaches" not in log

    mod_client.post(f"/admin/moderation/decisions/{decision.pk}/undo/")
    comment.refresh_from_db()
    assert comment.featured_at is None
    assert not item_of(
        mod_client.get("/admin/moderation/?queue=featured").content.decode(), comment
    )


def test_unfeature_from_the_featured_queue(mod_client, moderator, article, post):
    from masthead.moderation.services import comment_feature

    comment = post("Spring is optimistic; the last bridge took three years.")
    comment_feature(comment=comment, moderator=moderator)
    response = mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/unfeature/",
        {"next": "/admin/moderation/?queue=featured"},
    )
    assert response["Location"] == "/admin/moderation/?queue=featured"
    comment.refresh_from_db()
    assert comment.featured_at is None and comment.status == CommentStatus.PUBLISHED
    again = mod_client.post(f"/admin/moderation/comment/{comment.pk}/unfeature/", follow=True)
    assert "This comment is not featured; nothing was changed." in again.content.decode()


def test_a_comment_awaiting_review_offers_no_feature_button_and_cannot_be_featured(
    mod_client, article, post
):
    held = post("Links http://a.example http://b.example http://c.example")
    queue = mod_client.get("/admin/moderation/?queue=pending").content.decode()
    assert item_of(queue, held).find("button", attrs={"data-key": "f"}) is None
    response = mod_client.post(f"/admin/moderation/comment/{held.pk}/feature/", follow=True)
    assert "Only published comments can be featured" in response.content.decode()
    held.refresh_from_db()
    assert held.featured_at is None


def test_featuring_needs_the_moderation_permission(client, django_user_model, article, post):
    from django.contrib.auth.models import Permission

    comment = post("Good to see the council listen to the residents for once.")
    editor = django_user_model.objects.create_user("ed", "ed@example.com", "pw")
    editor.user_permissions.add(Permission.objects.get(codename="access_admin"))
    client.force_login(editor)
    for action in ("feature", "unfeature"):
        assert client.post(f"/admin/moderation/comment/{comment.pk}/{action}/").status_code in (
            302,
            403,
        )
    comment.refresh_from_db()
    assert comment.featured_at is None and not Decision.objects.exists()


def test_undoing_a_ban_from_the_log_lists_its_authors_later_comments_back_for_review(
    mod_client, moderator, article, post, make_guest
):
    from masthead.moderation.services import reader_ban

    comment = post(HEATED, reader=make_guest(ip_hash="addr"))
    decision = reader_ban(comment=comment, moderator=moderator, days=7)
    later = post("Posted while banned", reader=make_guest(ip_hash="addr"))
    assert later.status == CommentStatus.SPAM
    mod_client.post(f"/admin/moderation/decisions/{decision.pk}/undo/")
    later.refresh_from_db()
    assert later.status == CommentStatus.PENDING
    log = BeautifulSoup(mod_client.get("/admin/moderation/decisions/").content, "html.parser")
    rows = [row.get_text(" ", strip=True) for row in log.select("tbody tr")]
    assert any(
        "Back for review (the ban on its author was undone)" in row and "Posted while banned" in row
        for row in rows
    ), rows
    assert not any(row.count("the ban on its author was undone") > 1 for row in rows), rows
    pending = mod_client.get("/admin/moderation/?queue=pending").content.decode()
    assert f'id="mod-{later.pk}"' in pending


def test_undoing_a_ban_says_how_many_of_its_authors_comments_are_back_for_review(
    mod_client, moderator, post, make_guest
):
    from masthead.moderation.services import comments_moderate, reader_ban

    banned = make_guest(ip_hash="addr")
    decision = reader_ban(comment=post(HEATED, reader=banned), moderator=moderator, days=7)
    for n in range(3):
        assert post(f"Posted while banned, {n}", reader=banned).status == CommentStatus.SPAM
    response = mod_client.post(f"/admin/moderation/decisions/{decision.pk}/undo/", follow=True)
    said = [str(message) for message in response.context["messages"]]
    assert any(
        message.startswith("Undone: ")
        and "3 comments by them are back in the pending queue" in message
        for message in said
    ), said

    # A bulk ban undone at once: the comments of each of its authors are counted.
    first = post(HEATED, reader=make_guest(ip_hash="one"), email="one@example.com")
    second = post(HEATED, reader=make_guest(ip_hash="two"), email="two@example.com")
    outcome = comments_moderate(comments=[first, second], action="ban", moderator=moderator, days=7)
    post("Again while banned", reader=make_guest(ip_hash="one"), email="one@example.com")
    response = mod_client.post(
        f"/admin/moderation/decisions/batch/{outcome.decisions[0].batch}/undo/", follow=True
    )
    said = [str(message) for message in response.context["messages"]]
    assert any(
        "on 2 comments; 1 comment by their authors is back in the pending queue" in message
        for message in said
    ), said


def test_ban_from_the_queue_and_lift_it(mod_client, article, post, make_guest):
    comment = post(HEATED, email="troll@example.com", reader=make_guest(ip_hash="addr"))
    mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/ban/",
        {f"ban_days_{comment.pk}": "", "confirm_ban": "for-good"},
    )
    bans = Ban.objects.filter(decision__comment=comment)
    assert bans.count() == 2 and all(ban.expires is None for ban in bans)
    page = mod_client.get("/admin/moderation/bans/").content.decode()
    assert "troll@example.com" in page and "for good" in page
    for ban in bans:
        mod_client.post(f"/admin/moderation/bans/{ban.pk}/lift/")
    assert not Ban.objects.filter(lifted__isnull=True).exists()


def test_a_ban_of_impossible_length_is_refused_with_a_message(
    mod_client, article, post, make_guest
):
    comment = post(HEATED, email="troll@example.com", reader=make_guest(ip_hash="addr"))
    response = mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/ban/",
        {f"ban_days_{comment.pk}": "9999999999"},
        follow=True,
    )
    assert response.status_code == 200
    assert "A ban lasts from 1 to 3,650 days, or for good." in response.content.decode()
    assert not Ban.objects.exists()


def test_a_ban_may_leave_out_the_network_address(mod_client, article, post, make_guest):
    """An address may be shared by a whole office or campus: the moderator bans the person only."""
    comment = post(HEATED, email="troll@example.com", reader=make_guest(ip_hash="office"))
    assert (
        f'name="ban_scope_{comment.pk}"'
        in mod_client.get("/admin/moderation/?queue=published").content.decode()
    )
    mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/ban/", {f"ban_scope_{comment.pk}": "person"}
    )
    assert list(Ban.objects.values_list("kind", "value")) == [("email", "troll@example.com")]

    other = post(HEATED + " Again.", email="b@example.com", reader=make_guest(ip_hash="home"))
    mod_client.post(
        "/admin/moderation/bulk/", {"comment": [other.pk], "action": "ban", "ban_scope": "all"}
    )
    assert set(Ban.objects.filter(decision__comment=other).values_list("kind", flat=True)) == {
        "email",
        "address",
    }


def test_a_ban_carries_the_reason_the_moderator_wrote_to_the_bans_list(
    mod_client, article, post, make_guest
):
    comment = post(HEATED, email="troll@example.com", reader=make_guest(ip_hash="office"))
    assert (
        f'name="ban_note_{comment.pk}"'
        in mod_client.get("/admin/moderation/?queue=published").content.decode()
    )

    mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/ban/",
        {f"ban_note_{comment.pk}": "  Third  warning about personal attacks "},
    )
    other = post(HEATED + " Again.", email="b@example.com", reader=make_guest(ip_hash="home"))
    mod_client.post(
        "/admin/moderation/bulk/",
        {"comment": [other.pk], "action": "ban", "ban_note": "Sock puppet of troll@"},
    )

    assert set(Ban.objects.values_list("reason", flat=True)) == {
        "Third warning about personal attacks",
        "Sock puppet of troll@",
    }
    assert "Third warning about personal attacks" in (
        mod_client.get("/admin/moderation/bans/").content.decode()
    )


def test_bulk_action_from_the_queue(mod_client, article, post):
    comments = [
        post(
            f"Buy http://a{n}.example http://b{n}.example http://c{n}.example",
            email=f"b{n}@example.com",
        )
        for n in range(3)
    ]
    mod_client.post(
        "/admin/moderation/bulk/", {"comment": [c.pk for c in comments[:2]], "action": "spam"}
    )
    statuses = [type(c).objects.get(pk=c.pk).status for c in comments]
    assert statuses[:2] == [CommentStatus.SPAM, CommentStatus.SPAM]


OPINIONS = [
    "The footpath should run on the sea side of the bridge.",
    "Spring is optimistic; the last bridge took three years.",
    "Good to see the council listen to the residents for once.",
]


def bulk_buttons(html: str) -> dict[str, str]:
    bar = BeautifulSoup(html, "html.parser").find(class_="mod-bulk")
    return {button["value"]: button.get_text(strip=True) for button in bar.find_all("button")}


def test_the_bulk_actions_feature_where_comments_are_published_and_unfeature_the_featured(
    mod_client, moderator, post, make_guest
):
    from masthead.discussion.models import Comment
    from masthead.moderation.services import comment_feature, comment_report

    # A comment in every queue: an empty queue has no bulk bar.
    comment_feature(comment=post("A fine point about the ferry."), moderator=moderator)
    comment_report(comment=post(HEATED), reader=make_guest(ip_hash="r1"), reason="abuse")
    for status in (CommentStatus.PENDING, CommentStatus.SPAM):
        comment = post(f"A comment to go to {status}.", email=f"{status}@example.com")
        Comment.objects.filter(pk=comment.pk).update(status=status)
    offered = {
        "published": {"feature": "Feature selected"},
        "reported": {"feature": "Feature selected"},
        "featured": {"unfeature": "Unfeature selected"},
        "pending": {},
        "spam": {},
    }
    for queue, picks in offered.items():
        html = mod_client.get(f"/admin/moderation/?queue={queue}").content.decode()
        buttons = bulk_buttons(html)
        assert {value: label for value, label in buttons.items() if "feature" in value} == picks
        # beside the others, where there is something to approve (see the test below)
        if queue in ("published", "featured"):
            assert "approve" not in buttons
        else:
            assert buttons["approve"] == "Approve selected"


def test_a_published_comment_offers_only_to_dismiss_its_reports(
    mod_client, article, post, make_guest
):
    """Approving a comment already published changes nothing ("already published"): the
    published and featured queues offer no Approve (nor does `a` act) but on a comment readers
    reported, where the same action, on the same key, dismisses the reports and says so: it
    was labelled "Approve" there, of a comment published already."""
    from masthead.discussion.models import Comment
    from masthead.moderation.services import comment_report

    quiet = post("The footbridge looks fine to me.", email="q@example.com")
    reported = post(HEATED, email="h@example.com")
    comment_report(comment=reported, reader=make_guest(ip_hash="r1"), reason="abuse")
    page = BeautifulSoup(
        mod_client.get("/admin/moderation/?queue=published").content.decode(), "html.parser"
    )
    assert page.find(id=f"mod-{quiet.pk}").find("button", attrs={"data-key": "a"}) is None
    dismiss = page.find(id=f"mod-{reported.pk}").find("button", attrs={"data-key": "a"})
    assert dismiss.get_text(strip=True) == "Dismiss reports"
    assert "stays published" in dismiss["title"]
    assert dismiss["formaction"] == f"/admin/moderation/comment/{reported.pk}/approve/"

    # Held, with reports: approving it publishes it.
    held = post("Held and reported.", email="p@example.com")
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)
    comment_report(comment=held, reader=make_guest(ip_hash="r2"), reason="abuse")
    page = BeautifulSoup(
        mod_client.get("/admin/moderation/?queue=reported").content.decode(), "html.parser"
    )
    approve = page.find(id=f"mod-{held.pk}").find("button", attrs={"data-key": "a"})
    assert approve.get_text(strip=True) == "Approve"
    assert not approve.has_attr("title")

    mod_client.post(dismiss["formaction"])
    assert not reported.reports.filter(resolved__isnull=True).exists()
    reported.refresh_from_db()
    assert reported.status == CommentStatus.PUBLISHED


def page_text(response) -> str:
    return " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())


def test_approving_a_published_comment_readers_reported_says_it_dismissed_the_reports(
    mod_client, article, post, make_guest
):
    """It said "Approved: 1 comment" of a comment that was published already and stayed so."""
    from masthead.moderation.services import comment_report

    comment = post(HEATED)
    comment_report(comment=comment, reader=make_guest(ip_hash="r1"), reason="abuse")
    response = mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/approve/",
        {"next": "/admin/moderation/?queue=reported"},
        follow=True,
    )
    text = page_text(response)
    assert "Reports dismissed: 1 comment (already published). You can undo it" in text
    assert "Approved" not in text
    assert "Reports dismissed · comment by Alex" in text  # the recent decisions
    log = page_text(mod_client.get("/admin/moderation/decisions/"))
    assert "Reports dismissed" in log and "Approved" not in log

    decision = Decision.objects.get(comment=comment)
    undone = page_text(
        mod_client.post(f"/admin/moderation/decisions/{decision.pk}/undo/", follow=True)
    )
    assert "Undone: reports dismissed on the comment by Alex." in undone
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert comment.reports.filter(resolved__isnull=True).count() == 1
    reported = page_text(mod_client.get("/admin/moderation/?queue=reported"))
    assert "1 report:" in reported


def test_a_bulk_approval_says_which_comments_it_published_and_which_reports_it_dismissed(
    mod_client, article, post, make_guest
):
    from masthead.discussion.models import Comment
    from masthead.moderation.services import comment_report

    held = post("Held for a look.", name="Held Reader")
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)
    shown = post(HEATED, name="Shown Reader")
    comment_report(comment=shown, reader=make_guest(ip_hash="r1"), reason="spam")
    response = mod_client.post(
        "/admin/moderation/bulk/",
        {"comment": [held.pk, shown.pk], "action": "approve"},
        follow=True,
    )
    text = page_text(response)
    assert (
        "Approved: 1 comment; reports dismissed: 1 comment (already published). You can undo it"
        in text
    )
    assert "Approved, reports dismissed · 2 comments" in text  # the recent decisions

    batch = Decision.objects.values_list("batch", flat=True).distinct().get()
    undone = page_text(
        mod_client.post(f"/admin/moderation/decisions/batch/{batch}/undo/", follow=True)
    )
    assert "Undone: approved on 1 comment, reports dismissed on 1 comment." in undone
    held.refresh_from_db()
    shown.refresh_from_db()
    assert (held.status, shown.status) == (CommentStatus.PENDING, CommentStatus.PUBLISHED)
    assert shown.reports.filter(resolved__isnull=True).exists()


def test_bulk_feature_is_one_logged_batch_that_undoes_in_one_step(mod_client, article, post):
    from masthead.discussion import selectors as thread

    comments = [post(text, email=f"p{n}@example.com") for n, text in enumerate(OPINIONS)]
    held = post("Links http://a.example http://b.example http://c.example")
    queue = mod_client.get("/admin/moderation/?queue=published").content.decode()
    assert bulk_buttons(queue)["feature"] == "Feature selected"
    response = mod_client.post(
        "/admin/moderation/bulk/",
        {
            "comment": [c.pk for c in comments[:2]] + [held.pk],
            "action": "feature",
            "next": "/admin/moderation/?queue=published",
        },
        follow=True,
    )
    html = " ".join(response.content.decode().split())
    assert "Featured: 2 comments. You can undo it from " in html
    assert '<a href="#recent-decisions">“Recent decisions”</a>' in html  # a link to the list
    assert 'id="recent-decisions"' in html
    assert "Only published comments can be featured; this one is awaiting moderation." in html
    assert {pick.pk for pick in thread.featured_comments(article.pk)} == {
        c.pk for c in comments[:2]
    }
    decisions = Decision.objects.filter(action="feature")
    assert {(d.moderator.username, d.label) for d in decisions} == {("mod", "")}
    batch = decisions.values_list("batch", flat=True).distinct().get()
    assert batch is not None and "Featured · 2 comments · mod" in html

    undone = mod_client.post(f"/admin/moderation/decisions/batch/{batch}/undo/", follow=True)
    assert "Undone: featured on 2 comments." in undone.content.decode()
    assert thread.featured_comments(article.pk) == []


def test_bulk_unfeature_from_the_featured_queue(mod_client, moderator, article, post):
    from masthead.moderation.services import comment_feature

    comments = [post(text, email=f"u{n}@example.com") for n, text in enumerate(OPINIONS)]
    for comment in comments:
        comment_feature(comment=comment, moderator=moderator)
    queue = mod_client.get("/admin/moderation/?queue=featured").content.decode()
    assert bulk_buttons(queue)["unfeature"] == "Unfeature selected"
    response = mod_client.post(
        "/admin/moderation/bulk/",
        {
            "comment": [c.pk for c in comments[:2]],
            "action": "unfeature",
            "next": "/admin/moderation/?queue=featured",
        },
    )
    assert response["Location"] == "/admin/moderation/?queue=featured"
    featured = mod_client.get(response["Location"]).content.decode()
    assert [item_of(featured, c) is not None for c in comments] == [False, False, True]
    assert "No longer featured · 2 comments · mod" in " ".join(featured.split())
    statuses = {type(c).objects.get(pk=c.pk).status for c in comments}
    assert statuses == {CommentStatus.PUBLISHED}  # they stay in the threads


def test_the_log_says_an_authors_edit_ended_a_pick(
    mod_client, moderator, article, post, make_guest
):
    from masthead.discussion.services import comment_edit
    from masthead.moderation.services import comment_feature

    author = make_guest()
    comment = post(HEATED, reader=author)
    comment_feature(comment=comment, moderator=moderator, now=comment.created)
    comment_edit(
        comment=comment,
        reader=author,
        body="Something else entirely.",
        now=comment.created + timedelta(minutes=1),
    )
    log = BeautifulSoup(mod_client.get("/admin/moderation/decisions/").content, "html.parser")
    newest = [cell.get_text(" ", strip=True) for cell in log.select("tbody tr")[0]("td")]
    assert newest[1:3] == ["its author's edit", "No longer featured (its author edited it)"]
    queue = " ".join(mod_client.get("/admin/moderation/").content.decode().split())
    assert "No longer featured · comment by Alex · its author&#x27;s edit" in queue


def test_filters_by_article_author_and_reason(mod_client, article, post):
    from tests.factories import make_article

    other = make_article(title="Another story")
    post("Links http://a.example http://b.example http://c.example", name="Alpha")
    post("Links http://d.example http://e.example http://f.example", name="Beta", on=other)
    assert (
        "Beta"
        not in mod_client.get(
            f"/admin/moderation/?queue=pending&article={article.pk}"
        ).content.decode()
    )
    assert (
        "Alpha"
        not in mod_client.get("/admin/moderation/?queue=pending&author=beta").content.decode()
    )


def queue_tabs(html: str) -> dict[str, tuple[int, str]]:
    """The queue's tabs: each queue's count and link, by the queue it opens."""
    tabs = BeautifulSoup(html, "html.parser").select("a[role=tab]")
    return {
        tab["href"].split("&")[0].removeprefix("?queue="): (
            int(tab.select_one(".mod-count").get_text()),
            tab["href"],
        )
        for tab in tabs
    }


def test_the_tabs_count_what_the_filters_leave_and_keep_the_filters(
    mod_client, article, post, make_guest
):
    """Filtered by an article, "Awaiting review (37)" above a list of two read as 35 missing."""
    from masthead.discussion.models import Comment
    from masthead.moderation.services import comment_report
    from tests.factories import make_article

    other = make_article(title="Another story")

    def comment(status, *, on=article, name="Alex", reports=()):
        made = post(f"A comment by {name}, to be {status}.", name=name, on=on)
        Comment.objects.filter(pk=made.pk).update(status=status)
        for number, reason in enumerate(reports):
            reader = make_guest(ip_hash=f"reporter-{made.pk}-{number}")
            comment_report(comment=made, reader=reader, reason=reason)
        return made

    comment(CommentStatus.PENDING, name="Ada")
    comment(CommentStatus.PENDING, name="Ada", reports=["off_topic", "off_topic"])
    comment(CommentStatus.PUBLISHED, name="Ben")
    for name in ("Ada", "Cy", "Cy"):
        comment(CommentStatus.PENDING, on=other, name=name)
    comment(CommentStatus.SPAM, on=other, name="Cy", reports=["spam"])
    comment(CommentStatus.PUBLISHED, on=other, name="Cy", reports=["off_topic"])

    def counts(query):
        tabs = queue_tabs(mod_client.get(f"/admin/moderation/?{query}").content.decode())
        return {queue: count for queue, (count, _) in tabs.items()}

    everything = {"pending": 5, "reported": 3, "spam": 1, "published": 2, "featured": 0}
    assert counts("queue=pending") == everything
    on_article = counts(f"queue=pending&article={article.pk}")
    assert on_article == {"pending": 2, "reported": 1, "spam": 0, "published": 1, "featured": 0}
    assert counts("queue=reported&author=ada") == {
        "pending": 3,
        "reported": 1,
        "spam": 0,
        "published": 0,
        "featured": 0,
    }
    # A comment with two off-topic reports counts once, as the list shows it once.
    off_topic = counts("queue=reported&reason=off-topic")
    assert off_topic == {"pending": 1, "reported": 2, "spam": 0, "published": 1, "featured": 0}
    assert counts(f"queue=pending&article={other.pk}&text=to be published") == {
        "pending": 0,
        "reported": 1,
        "spam": 0,
        "published": 1,
        "featured": 0,
    }

    html = mod_client.get(f"/admin/moderation/?queue=spam&article={article.pk}&author=ada")
    tabs = queue_tabs(html.content.decode())
    assert {queue: href for queue, (_, href) in tabs.items()} == {
        queue: f"?queue={queue}&article={article.pk}&author=ada" for queue in selectors.QUEUES
    }
    # The dashboard's panel still counts the whole site.
    panel = BeautifulSoup(mod_client.get("/admin/").content, "html.parser").find(
        id="comment-queues-section"
    )
    rows = {
        row.a.get_text(strip=True): row.find_all("td")[1].get_text(strip=True)
        for row in panel.find_all("tr")
        if row.a
    }
    assert rows[selectors.QUEUES["pending"]] == "5"
    assert rows[selectors.QUEUES["reported"]] == "3"


def test_filter_quality_page_and_retrain_button(mod_client, article, post):
    comment = post(HEATED)
    mod_client.post(f"/admin/moderation/comment/{comment.pk}/remove/")
    page = mod_client.get("/admin/moderation/filter/").content.decode()
    assert "How often the filter agreed with you" in page
    response = mod_client.post("/admin/moderation/filter/retrain/")
    assert response.status_code == 302
    assert (
        "1 decision so far: retraining needs at least 30"
        in mod_client.get("/admin/moderation/filter/").content.decode()
    )


def test_the_filter_page_and_the_settings_say_how_many_decisions_the_first_retraining_needs(
    mod_client, moderator, admin_client, article, post
):
    from masthead.moderation.services import comment_remove

    for n in range(12):
        comment_remove(comment=post(HEATED, email=f"r{n}@example.com"), moderator=moderator)
    # An off-topic removal teaches the filter nothing, and is not counted.
    off_topic = post("Anyone watch the match?", email="o@example.com")
    comment_remove(comment=off_topic, moderator=moderator, reason="off_topic")
    said = "12 of 30 decisions needed for the first retraining."
    assert said in mod_client.get("/admin/moderation/filter/").content.decode()
    settings_page = admin_client.get("/admin/settings/moderation/moderationsettings/", follow=True)
    assert said in settings_page.content.decode()


def test_settings_page_for_moderation(mod_client, admin_client, article):
    response = admin_client.get("/admin/settings/moderation/moderationsettings/")
    assert response.status_code in (200, 302)


def test_a_settings_line_the_filter_cannot_read_is_refused_by_name_and_kept(admin_client, article):
    """Two sites on one line, or a typo, would otherwise be saved and never match a link."""
    url = "/admin/settings/moderation/moderationsettings/"
    form = admin_client.get(url, follow=True)
    edit_url = form.request["PATH_INFO"]
    fields = {
        "mode": "post",
        "strictness": "balanced",
        "abuse_action": "hold",
        "allow_domains": "https://www.gov.uk/\ngov.uk, bbc.co.uk",
        "block_domains": "*.casino.example\n203.0.113.9",
        "lexicon_additions": "",
        "report_threshold": "3",
        "retrain_after": "50",
        "alert_moderators": "on",
        "alert_recipients": "desk@example.org\ndesk at example.org",
    }
    response = admin_client.post(edit_url, fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert str(UNREADABLE_DOMAINS).format(lines="“gov.uk, bbc.co.uk”") in html
    assert str(UNREADABLE_RECIPIENTS).format(lines="“desk at example.org”") in html
    assert (
        "gov.uk, bbc.co.uk"
        in BeautifulSoup(html, "html.parser").find("textarea", {"name": "allow_domains"}).get_text()
    )
    assert ModerationSettings.objects.filter(allow_domains__contains="bbc").count() == 0

    fields["allow_domains"] = "https://www.gov.uk/\nbbc.co.uk"
    fields["alert_recipients"] = "desk@example.org"
    assert admin_client.post(edit_url, fields).status_code == 302
    assert ModerationSettings.objects.get().allow_domains == "https://www.gov.uk/\nbbc.co.uk"


def test_a_lexicon_addition_that_could_never_match_is_refused_by_name_and_kept(
    admin_client, article
):
    """A line of symbols, or a word in another script, would be saved and never hold a comment."""
    url = "/admin/settings/moderation/moderationsettings/"
    edit_url = admin_client.get(url, follow=True).request["PATH_INFO"]
    fields = {
        "mode": "post",
        "strictness": "balanced",
        "abuse_action": "hold",
        "allow_domains": "",
        "block_domains": "",
        "lexicon_additions": "crétin\n♥♥♥\nbanana-brain\nПутин",
        "report_threshold": "3",
        "retrain_after": "50",
        "alert_moderators": "on",
        "alert_recipients": "",
    }
    response = admin_client.post(edit_url, fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert str(UNMATCHABLE_ADDITIONS).format(lines="“♥♥♥”, “Путин”") in html
    textarea = BeautifulSoup(html, "html.parser").find("textarea", {"name": "lexicon_additions"})
    assert "Путин" in textarea.get_text()
    assert not ModerationSettings.objects.filter(lexicon_additions__contains="crétin").exists()

    fields["lexicon_additions"] = "crétin\nbanana-brain"
    assert admin_client.post(edit_url, fields).status_code == 302
    assert ModerationSettings.objects.get().lexicon_additions == "crétin\nbanana-brain"


def test_notes_in_the_settings_lists_are_kept_and_a_hash_without_its_space_is_asked_about(
    admin_client, article
):
    """Moderators document their lists with "# " lines: they are kept as written and never
    matched. A line such as "#bbc.co.uk" is neither a site nor clearly a note: it is refused by
    name, not ignored without a word. A hashtag is a word the lexicon may hold comments for."""
    url = "/admin/settings/moderation/moderationsettings/"
    edit_url = admin_client.get(url, follow=True).request["PATH_INFO"]
    allow = "# Partners, agreed with the desk in March\ngov.uk\n  # indented, still a note\n#\n"
    fields = {
        "mode": "post",
        "strictness": "balanced",
        "abuse_action": "hold",
        "allow_domains": allow + "#bbc.co.uk",
        "block_domains": "",
        "lexicon_additions": "# The March spam wave\n#scamcoin",
        "report_threshold": "3",
        "retrain_after": "50",
        "alert_moderators": "on",
        "alert_recipients": "# The night desk\n#night@example.org\ndesk@example.org",
    }
    response = admin_client.post(edit_url, fields)
    html = response.content.decode()
    assert response.status_code == 200
    assert str(NOT_A_NOTE).format(lines="“#bbc.co.uk”") in html
    assert str(NOT_A_NOTE).format(lines="“#night@example.org”") in html
    assert "Would never match" not in html  # the hashtag is a word the filter reads
    textarea = BeautifulSoup(html, "html.parser").find("textarea", {"name": "allow_domains"})
    assert textarea.get_text().strip() == fields["allow_domains"]

    fields["allow_domains"] = allow + "# bbc.co.uk, until the contract is signed"
    fields["alert_recipients"] = "# The night desk\n# night@example.org\ndesk@example.org"
    assert admin_client.post(edit_url, fields).status_code == 302
    saved = ModerationSettings.objects.get()
    for name in ("allow_domains", "lexicon_additions", "alert_recipients"):
        assert getattr(saved, name) == fields[name]
    assert ModerationSettings.lines(saved.allow_domains) == ["gov.uk"]
    assert ModerationSettings.lines(saved.lexicon_additions) == ["#scamcoin"]
    assert ModerationSettings.lines(saved.alert_recipients) == ["desk@example.org"]


def group_member(django_user_model, group: str):
    from django.contrib.auth.models import Group

    user = django_user_model.objects.create_user(group.lower(), f"{group}@example.com", "pw")
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


def test_the_moderators_group_tunes_the_moderation_settings_and_only_those(
    django_user_model, article
):
    """Moderators add a spam domain or a word to the lexicon themselves; the queue's "Settings"
    link led them to "Sorry, you do not have permission" before."""

    def may_open(client, url):
        response = client.get(url, follow=True)
        return response.status_code == 200 and response.request["PATH_INFO"].startswith(url)

    moderators = group_member(django_user_model, "Moderators")
    assert "moderationsettings" in moderators.get("/admin/moderation/").content.decode()
    assert may_open(moderators, "/admin/settings/moderation/moderationsettings/")
    for other in ("discussion/discussionsettings", "funding/fundingsettings"):
        assert not may_open(moderators, f"/admin/settings/{other}/")

    editors = group_member(django_user_model, "Editors")
    assert not may_open(editors, "/admin/settings/moderation/moderationsettings/")
    assert not may_open(editors, "/admin/moderation/")


def test_comment_moderators_moderate_and_may_not_touch_pages_or_money(
    django_user_model, article, post
):
    def may_open(client, url):
        response = client.get(url, follow=True)
        return response.status_code == 200 and response.request["PATH_INFO"].startswith(url)

    comment = post("Anyone watch the match?")
    volunteers = group_member(django_user_model, "Comment moderators")
    assert may_open(volunteers, "/admin/moderation/")
    assert may_open(volunteers, "/admin/settings/moderation/moderationsettings/")
    volunteers.post(f"/admin/moderation/comment/{comment.pk}/remove/")
    comment.refresh_from_db()
    assert comment.status == "removed"
    assert not may_open(volunteers, f"/admin/pages/{article.pk}/edit/")
    assert not may_open(volunteers, f"/admin/pages/{article.get_parent().pk}/add_subpage/")
    newsroom_moderators = group_member(django_user_model, "Moderators")
    assert may_open(newsroom_moderators, f"/admin/pages/{article.pk}/edit/")  # Wagtail's own
    assert not may_open(volunteers, "/admin/settings/funding/fundingsettings/")


def test_who_manages_groups_is_told_which_group_community_moderators_belong_in(
    mod_client, admin_client, article
):
    hint = "add community moderators to the"
    page = admin_client.get("/admin/moderation/").content.decode()
    assert hint in page and "“Comment moderators” group" in page
    assert hint not in mod_client.get("/admin/moderation/").content.decode()


def test_the_settings_link_is_shown_only_to_who_may_change_the_settings(mod_client, article):
    assert "moderationsettings" not in mod_client.get("/admin/moderation/").content.decode()


def test_a_moderator_says_why_a_comment_is_removed_and_only_abuse_teaches_the_filter(
    mod_client, article, post
):
    from masthead.moderation.models import Decision

    off_topic, abusive, ticked = post("Anyone watch the match?"), post(HEATED), post("Lunch?")
    queue = mod_client.get("/admin/moderation/?queue=published").content.decode()
    assert f'name="remove_reason_{off_topic.pk}"' in queue and 'value="off_topic"' in queue
    mod_client.post(
        f"/admin/moderation/comment/{off_topic.pk}/remove/",
        {f"remove_reason_{off_topic.pk}": "off_topic"},
    )
    mod_client.post(f"/admin/moderation/comment/{abusive.pk}/remove/")
    mod_client.post(
        "/admin/moderation/bulk/",
        {"comment": [ticked.pk], "action": "remove", "remove_reason": "other"},
    )
    labels = dict(Decision.objects.values_list("comment_id", "label"))
    assert labels == {off_topic.pk: "", abusive.pk: "abuse", ticked.pk: ""}
    log = mod_client.get("/admin/moderation/decisions/").content.decode()
    assert "Removed (off-topic)" in log and "Removed (another reason)" in log
    assert "off_topic" not in log


def test_reports_from_one_address_say_they_count_once(mod_client, article, post, make_guest):
    from masthead.moderation.services import comment_report

    comment = post(HEATED)
    for key in ("a", "b", "c", "d"):
        comment_report(
            comment=comment, reader=make_guest(key=key, ip_hash="office"), reason="abuse"
        )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED  # one address: one reporter
    queue = mod_client.get("/admin/moderation/?queue=reported").content.decode()
    assert "4 reports from 1 network address (counted once each towards hiding)" in queue


def test_the_admin_asks_no_third_party_for_avatars(admin_client):
    page = admin_client.get("/admin/").content.decode()
    assert "gravatar" not in page.lower()


def test_comments_their_authors_deleted_are_left_out_of_the_spam_and_published_queues(
    mod_client, article, post, make_guest, moderator
):
    """Nobody sees a deleted comment and its author withdrew it: there is nothing to moderate."""
    from masthead.discussion.services import comment_delete
    from masthead.moderation.selectors import queue_comments, queue_counts
    from masthead.moderation.services import comment_mark_spam

    shown_author, spam_author = make_guest(), make_guest()
    shown = post("Kept by its author", reader=make_guest())
    withdrawn = post("Second thoughts", reader=shown_author)
    spam = post("Thought better of it", reader=spam_author)
    comment_mark_spam(comment=spam, moderator=moderator)
    spam.refresh_from_db()
    for comment, author in ((withdrawn, shown_author), (spam, spam_author)):
        comment_delete(comment=comment, reader=author, now=comment.created + timedelta(minutes=1))

    assert list(queue_comments(queue="published")) == [shown]
    assert list(queue_comments(queue="spam")) == []
    assert queue_counts()["published"] == 1 and queue_counts()["spam"] == 0
    page = mod_client.get("/admin/moderation/?queue=published").content.decode()
    assert "Kept by its author" in page and "Second thoughts" not in page


def test_a_reported_comment_its_author_deleted_stays_in_the_reported_queue_marked_so(
    mod_client, article, post, make_guest
):
    from masthead.discussion.services import comment_delete
    from masthead.moderation.services import comment_report

    author = make_guest()
    threat = post(HEATED, reader=author)
    comment_report(comment=threat, reader=make_guest(ip_hash="r1"), reason="abuse")
    comment_delete(comment=threat, reader=author, now=threat.created + timedelta(minutes=1))
    page = mod_client.get("/admin/moderation/?queue=reported").content.decode()
    assert "Deleted by its author" in page


def test_a_comment_hidden_by_readers_reports_says_so_in_the_queue(
    mod_client, article, post, make_guest
):
    from masthead.moderation.services import comment_report

    comment = post(HEATED)
    for address in ("r1", "r2", "r3"):
        comment_report(comment=comment, reader=make_guest(ip_hash=address), reason="abuse")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    for queue in ("pending", "reported"):
        page = mod_client.get(f"/admin/moderation/?queue={queue}").content.decode()
        assert "Hidden by readers’ reports (3)" in page
        assert "Awaiting moderation" not in page


def test_a_reported_comment_a_moderator_approved_says_why_readers_still_see_it(
    mod_client, article, post, make_guest, moderator
):
    from masthead.moderation.services import comment_approve, comment_report

    comment = post(HEATED)
    comment_report(comment=comment, reader=make_guest(ip_hash="r0"), reason="abuse")
    comment_approve(comment=comment, moderator=moderator)
    for address, reason in (("r1", "abuse"), ("r2", "spam"), ("r3", "off_topic")):
        comment_report(comment=comment, reader=make_guest(ip_hash=address), reason=reason)
    page = BeautifulSoup(
        mod_client.get("/admin/moderation/?queue=reported").content.decode(), "html.parser"
    )
    item = page.find(id=f"mod-{comment.pk}")
    text = " ".join(item.get_text(" ").split())
    assert "Published" in text and "Hidden by readers" not in text
    reports = " ".join(item.find(class_="mod-reports").get_text(" ").split())
    assert reports.startswith("3 reports:")
    assert "Abusive, hateful or threatening" in reports and "Off-topic" in reports
    assert "Approved by mod on" in reports and "readers still see it" in reports


def test_the_queue_shows_which_of_the_sites_own_terms_held_a_comment(mod_client, article, post):
    """The moderators typed their lexicon additions: the queue names the one that matched, as
    they wrote it, and its reason filter finds the comments it held."""
    options = ModerationSettings.for_site(article.get_site())
    options.lexicon_additions = "Zorblax!\nbanana-brain"
    options.save()
    held = post("The councillor is a zorblax, frankly.")
    assert held.status == CommentStatus.PENDING
    page = BeautifulSoup(
        mod_client.get("/admin/moderation/?queue=pending&reason=zorblax").content.decode(),
        "html.parser",
    )
    [item] = page.select(".mod-item")
    reasons = [li.get_text(strip=True) for li in item.select(".mod-reasons li")]
    assert "blocked term: Zorblax!" in reasons


def test_verdicts_stored_with_the_sites_terms_masked_show_them_as_newer_ones_do(
    mod_client, article, post
):
    """Verdicts stored before the queue named a site's own terms as written keep the mask in
    the database ("blocked term: z*****x"); the queue names the term as the moderators wrote
    it, as it does for newer verdicts, finds them by it, and leaves a slur masked."""
    from masthead.moderation.models import CommentVerdict

    options = ModerationSettings.for_site(article.get_site())
    options.lexicon_additions = "Zorblax!\nbanana-brain"
    options.save()
    old = post("The councillor is a Z-o-r-b-l-a-x, frankly.", name="Old Verdict")
    new = post("The councillor is a zorblax, frankly.", name="New Verdict")
    assert old.status == new.status == CommentStatus.PENDING
    stored = [
        "blocked term: z*****x",
        "obfuscated words: Z-o-r-b-l-a-x → z*****x",
        "slur: n****r",
    ]
    CommentVerdict.objects.filter(comment=old).update(
        reasons=stored, reasons_text=CommentVerdict.searchable(stored)
    )

    page = BeautifulSoup(
        mod_client.get("/admin/moderation/?queue=pending&reason=Zorblax").content.decode(),
        "html.parser",
    )
    items = {
        item.select_one(".mod-item__author strong").get_text(strip=True): [
            li.get_text(strip=True) for li in item.select(".mod-reasons li")
        ]
        for item in page.select(".mod-item")
    }
    assert set(items) == {"Old Verdict", "New Verdict"}
    assert "blocked term: Zorblax!" in items["New Verdict"]
    assert items["Old Verdict"] == [
        "blocked term: Zorblax!",
        "obfuscated words: Z-o-r-b-l-a-x → zorblax",
        "slur: n****r",
    ]
    # what was stored is kept as it was
    assert CommentVerdict.objects.get(comment=old).reasons == stored


def test_a_masked_term_the_site_no_longer_lists_stays_masked():
    assert selectors.reasons_as_shown(
        ["blocked term: z*****x"], written={"banana brain": "banana-brain"}
    ) == ["blocked term: z*****x"]
    assert selectors.reasons_as_shown(
        ["blocked term: z*****x"], written={"zorblax": "Zorblax!", "zoomfax": "Zoomfax"}
    ) == ["blocked term: Zorblax! or Zoomfax"]


def test_approving_a_comment_already_published_says_so_and_logs_nothing(mod_client, article, post):
    comment = post("A fine comment")
    response = mod_client.post(f"/admin/moderation/comment/{comment.pk}/approve/", follow=True)
    assert "This comment is already published; nothing was changed." in response.content.decode()
    assert not Decision.objects.exists()


def test_a_bulk_action_is_undone_in_one_step_from_the_queue_and_the_log(mod_client, article, post):
    comments = [post(HEATED, email=f"b{n}@example.com") for n in range(3)]
    before = {c.pk: c.status for c in comments}
    mod_client.post(
        "/admin/moderation/bulk/",
        {"comment": [c.pk for c in comments], "action": "remove", "remove_reason": "other"},
    )
    batch = Decision.objects.values_list("batch", flat=True).distinct().get()
    queue = mod_client.get("/admin/moderation/").content.decode()
    assert "Removed · 3 comments" in queue and "Undo all 3" in queue
    assert queue.count(f"/admin/moderation/decisions/batch/{batch}/undo/") == 1
    log = mod_client.get("/admin/moderation/decisions/").content.decode()
    assert log.count(f"/admin/moderation/decisions/batch/{batch}/undo/") == 1

    response = mod_client.post(f"/admin/moderation/decisions/batch/{batch}/undo/", follow=True)
    assert "Undone: removed on 3 comments." in response.content.decode()
    assert {c.pk: type(c).objects.get(pk=c.pk).status for c in comments} == before
    again = mod_client.post(f"/admin/moderation/decisions/batch/{batch}/undo/", follow=True)
    assert "already undone" in again.content.decode()


def undo_buttons(html: str, action: str) -> list:
    """The buttons of the forms posting to `action` (a decision's or a bulk action's undo)."""
    page = BeautifulSoup(html, "html.parser")
    return [form.button for form in page.find_all("form", action=action)]


def test_undo_is_offered_only_where_it_can_succeed(
    mod_client, moderator, django_user_model, article, post
):
    """A decision whose comment a colleague has moderated again since cannot be undone (the
    server says so): its Undo shows disabled, saying why, in the queue and the log alike; the
    colleague's newer decision keeps its Undo, and once that is undone the first one's is back."""
    from masthead.moderation.services import (
        comment_approve,
        comment_remove,
        comments_moderate,
        decision_undo,
    )
    from masthead.moderation.services.decisions import BATCH_MODERATED_SINCE, CHANGED_SINCE

    colleague = django_user_model.objects.create_user("colleague", "c@example.com", "pw")
    comment = post(HEATED, name="Harbour Reader")
    first = comment_remove(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    latest = comment_approve(comment=comment, moderator=colleague)
    bulk = [post(f"{HEATED} Number {n}.", email=f"n{n}@example.com") for n in range(2)]
    outcome = comments_moderate(comments=bulk, action="remove", moderator=moderator)
    batch = outcome.decisions[0].batch
    bulk[0].refresh_from_db()
    comment_approve(comment=bulk[0], moderator=colleague)

    for screen in ("/admin/moderation/", "/admin/moderation/decisions/"):
        html = mod_client.get(screen).content.decode()
        [superseded] = undo_buttons(html, f"/admin/moderation/decisions/{first.pk}/undo/")
        assert superseded.has_attr("disabled") and superseded["title"] == CHANGED_SINCE, screen
        [standing] = undo_buttons(html, f"/admin/moderation/decisions/{latest.pk}/undo/")
        assert not standing.has_attr("disabled"), screen
        [whole] = undo_buttons(html, f"/admin/moderation/decisions/batch/{batch}/undo/")
        assert whole.has_attr("disabled") and whole["title"] == BATCH_MODERATED_SINCE, screen

    # The server still refuses it, from a page loaded before the colleague's decision.
    refused = mod_client.post(f"/admin/moderation/decisions/{first.pk}/undo/", follow=True)
    assert CHANGED_SINCE in refused.content.decode()

    decision_undo(decision=latest, moderator=colleague)
    html = mod_client.get("/admin/moderation/decisions/").content.decode()
    [again] = undo_buttons(html, f"/admin/moderation/decisions/{first.pk}/undo/")
    assert not again.has_attr("disabled")


def test_a_ban_for_good_asks_for_confirmation_and_a_timed_ban_does_not(
    mod_client, article, post, make_guest
):
    comment = post(HEATED, name="Troll", email="troll@example.com")
    url = f"/admin/moderation/comment/{comment.pk}/ban/"
    fields = {
        f"ban_days_{comment.pk}": "",
        f"ban_scope_{comment.pk}": "person",
        "next": "/admin/moderation/?queue=published",
    }
    page = mod_client.post(url, fields)
    assert page.status_code == 200 and not Ban.objects.exists()
    html = page.content.decode()
    assert "Ban for good?" in html and "troll@example.com" in html
    assert 'name="confirm_ban" value="for-good"' in html
    assert f'name="ban_scope_{comment.pk}" value="person"' in html  # the choices are kept

    response = mod_client.post(url, {**fields, "confirm_ban": "for-good"})
    assert response.status_code == 302
    assert Ban.objects.filter(value="troll@example.com", expires__isnull=True).exists()

    other = post(HEATED + " Again.", email="other@example.com")
    mod_client.post(f"/admin/moderation/comment/{other.pk}/ban/", {f"ban_days_{other.pk}": "7"})
    assert Ban.objects.filter(value="other@example.com", expires__isnull=False).exists()


def test_a_bulk_ban_for_good_asks_for_confirmation(mod_client, article, post):
    comments = [post(HEATED, email=f"t{n}@example.com") for n in range(2)]
    fields = {"comment": [c.pk for c in comments], "action": "ban", "ban_days": ""}
    html = mod_client.post("/admin/moderation/bulk/", fields).content.decode()
    assert "Ban for good?" in html and "t0@example.com" in html and "t1@example.com" in html
    assert not Ban.objects.exists()
    mod_client.post("/admin/moderation/bulk/", {**fields, "confirm_ban": "for-good"})
    assert Ban.objects.filter(kind="email", expires__isnull=True).count() == 2


SCREENS = [
    "/admin/moderation/?queue=pending",
    "/admin/moderation/?queue=reported",
    "/admin/moderation/?queue=spam",
    "/admin/moderation/?queue=published",
    "/admin/moderation/?queue=featured",
    "/admin/moderation/decisions/",
    "/admin/moderation/bans/",
]


@pytest.mark.parametrize("url", SCREENS)
def test_a_moderation_screen_costs_the_same_queries_however_many_items(
    mod_client, moderator, post, make_guest, url, django_assert_max_num_queries
):
    from django.core.cache import cache

    from masthead.discussion.models import Comment
    from masthead.moderation.services import (
        article_comments_set,
        comment_feature,
        comment_remove,
        comment_report,
        reader_ban,
    )
    from tests.factories import make_article

    def grow(count):
        for n in range(count):
            article_comments_set(
                article=make_article(title=f"Closed number {n}"),
                comments_open=False,
                comment_moderation="pre_all",
                moderator=moderator,
            )
            held = post(f"Held number {n} on the bridge vote.")
            spam = post(f"Spam number {n} for the bridge.", reader=make_guest(ip_hash=f"s{n}"))
            reported = post(f"Reported number {n} about the ferry.")
            removed = post(f"Removed number {n} about the council.")
            banned = post(f"Banned number {n} on the harbour.", reader=make_guest(ip_hash=f"b{n}"))
            Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)
            Comment.objects.filter(pk=spam.pk).update(status=CommentStatus.SPAM)
            for comment in (reported, removed, banned):
                Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.PUBLISHED)
            reported.refresh_from_db()
            comment_report(comment=reported, reader=make_guest(), reason="spam", note="ads")
            removed.refresh_from_db()
            comment_remove(comment=removed, moderator=moderator)
            banned.refresh_from_db()
            reader_ban(comment=banned, moderator=moderator, days=30, reason="abuse")
            featured = post(f"Featured number {n} on the new footpath.")
            Comment.objects.filter(pk=featured.pk).update(status=CommentStatus.PUBLISHED)
            featured.refresh_from_db()
            comment_feature(comment=featured, moderator=moderator)

    def measured():
        cache.clear()
        return mod_client.get(url)

    grow(2)
    measured()  # warm what every admin page shares
    with django_assert_max_num_queries(40) as small:
        assert measured().status_code == 200
    baseline = len(small.captured_queries)  # read now: the query log keeps only the latest 9,000
    grow(8)
    with django_assert_max_num_queries(baseline):
        assert measured().status_code == 200


def test_the_article_filter_lists_commented_articles_by_headline_only(article, post):
    from masthead.moderation.selectors import commented_articles

    post("Anyone watch the match?")
    listed = list(commented_articles())
    assert [each.title for each in listed] == [article.title]
    assert "body" in listed[0].get_deferred_fields()  # the bodies stay in the database


def test_the_dashboard_shows_what_waits_in_each_queue_and_the_picks_apart(
    mod_client, moderator, article, post
):
    from masthead.moderation.services import comment_feature

    comment_feature(comment=post(HEATED), moderator=moderator)
    post(SCAM)
    html = mod_client.get("/admin/").content.decode()
    panel = BeautifulSoup(html, "html.parser").find(id="comment-queues-section")
    rows = {
        row.a.get_text(strip=True): (row.find_all("td")[1].get_text(strip=True), row.a["href"])
        for row in panel.find_all("tr")
        if row.a
    }
    counts = selectors.queue_counts()
    assert counts["published"] >= 1 and counts["pending"] + counts["spam"] >= 1
    review = {key: label for key, label in selectors.QUEUES.items() if key != "featured"}
    assert list(rows) == list(review.values())  # the picks wait for nobody: not among them
    for key, label in review.items():
        assert rows[label] == (str(counts[key]), f"/admin/moderation/?queue={key}")
    picks = panel.find(attrs={"data-editors-picks": True})
    assert picks.get_text(" ", strip=True) == "Editors’ picks: 1 featured comment"
    assert picks.a["href"] == "/admin/moderation/?queue=featured"


def test_the_dashboard_has_no_comment_counts_for_who_may_not_moderate(django_user_model):
    editor = group_member(django_user_model, "Editors")
    assert 'id="comment-queues-section"' not in editor.get("/admin/").content.decode()


def test_the_bans_list_says_which_address_bans_cover_one_address_only(mod_client):
    Ban.objects.create(kind="address", value="a" * 40, legacy_address=True)
    Ban.objects.create(kind="address", value="b" * 40)
    rows = BeautifulSoup(mod_client.get("/admin/moderation/bans/").content, "html.parser")
    text = {row.td.get_text(" ", strip=True) for row in rows.select("tbody tr")}
    assert any(t.startswith("Network address (hashed): #aaaaaaaa (this address only") for t in text)
    assert "Network address (hashed): #bbbbbbbb" in text


@pytest.mark.parametrize(
    "form",
    [
        {"action": "approve", "comment": "²"},  # a digit to str.isdigit, not to int()
        {"action": "ban", "comment": "{pk}", "ban_days": "²"},
    ],
)
def test_odd_numbers_in_the_bulk_form_are_answered_not_crashed_on(mod_client, post, form):
    comment = post(HEATED)
    data = {name: value.format(pk=comment.pk) for name, value in form.items()}
    response = mod_client.post("/admin/moderation/bulk/", data)
    assert response.status_code in (200, 302)


@pytest.mark.parametrize("article_id", ["99999999999999999999", "²", "-1"])
def test_the_queue_filtered_by_an_impossible_article_is_answered(mod_client, post, article_id):
    post("Is the footpath part of the plan?")
    queue = mod_client.get(f"/admin/moderation/?queue=published&article={article_id}")
    assert (
        queue.status_code == 200 and "Is the footpath part of the plan?" in queue.content.decode()
    )


def test_banning_from_the_spam_queue_keeps_it_spam_and_the_log_says_so(
    mod_client, article, post, make_guest
):
    scam = post(SCAM, email="scam@example.net", reader=make_guest(ip_hash="scammer"))
    scam.status = CommentStatus.SPAM
    scam.save(update_fields=["status"])
    html = mod_client.get("/admin/moderation/?queue=spam").content.decode()
    select = BeautifulSoup(html, "html.parser").find("select", {"name": f"ban_as_{scam.pk}"})
    assert select.find("option", selected=True)["value"] == "spam"

    mod_client.post(
        f"/admin/moderation/comment/{scam.pk}/ban/",
        {
            f"ban_days_{scam.pk}": "7",
            f"ban_note_{scam.pk}": "crypto scam",
            f"ban_as_{scam.pk}": "spam",
        },
    )
    scam.refresh_from_db()
    assert scam.status == CommentStatus.SPAM
    assert f'id="mod-{scam.pk}"' in mod_client.get("/admin/moderation/?queue=spam").content.decode()
    log = mod_client.get("/admin/moderation/decisions/").content.decode()
    row = BeautifulSoup(log, "html.parser").select_one(".mod table.listing tbody tr")
    decision_text = " ".join(row.find_all("td")[2].get_text(" ").split())
    assert decision_text.startswith("Marked as spam and banned the author (crypto scam) banned ")
    assert decision_text.endswith(" teaches: spam")


def test_a_comment_marked_spam_offers_no_spam_button_which_would_change_nothing(
    mod_client, article, post, make_guest
):
    scam = post(SCAM, email="scam@example.net", reader=make_guest(ip_hash="scammer"))
    scam.status = CommentStatus.SPAM
    scam.save(update_fields=["status"])
    held = post(HEATED, email="heated@example.net")
    held.status = CommentStatus.PENDING
    held.save(update_fields=["status"])

    def buttons(queue, comment):
        html = mod_client.get(f"/admin/moderation/?queue={queue}").content.decode()
        item = BeautifulSoup(html, "html.parser").find("article", id=f"mod-{comment.pk}")
        return [button.get_text(strip=True) for button in item.select(".mod-actions button")]

    assert buttons("spam", scam) == ["Approve", "Remove", "Ban author"]
    assert buttons("pending", held) == ["Approve", "Spam", "Remove", "Ban author"]


def test_a_ban_from_the_pending_queue_asks_spammer_or_abuse(mod_client, article, post, make_guest):
    troll = post(HEATED, email="troll@example.com", reader=make_guest(ip_hash="t"))
    troll.status = CommentStatus.PENDING
    troll.save(update_fields=["status"])
    html = mod_client.get("/admin/moderation/?queue=pending").content.decode()
    select = BeautifulSoup(html, "html.parser").find("select", {"name": f"ban_as_{troll.pk}"})
    assert [option["value"] for option in select.find_all("option")] == ["spam", "abuse"]
    assert select.find("option", selected=True)["value"] == "abuse"

    mod_client.post(f"/admin/moderation/comment/{troll.pk}/ban/", {f"ban_as_{troll.pk}": "spam"})
    decision = Decision.objects.get(comment=troll)
    assert (decision.new_status, decision.label) == (CommentStatus.SPAM, "spam")


def test_a_spammers_edit_leaves_the_text_marked_spam_in_the_queue_and_in_training(
    mod_client, article, post, make_guest, moderator
):
    from masthead.discussion.services import comment_edit
    from masthead.moderation.services import comment_mark_spam
    from masthead.moderation.services.training import _examples, labelled_decisions

    scammer = make_guest(ip_hash="scammer")
    scam_text = "Double your savings in a week, details at https://bit.ly/3xYzAbC"
    scam = post(scam_text, reader=scammer, email="scam@example.net")
    scam.status = CommentStatus.PENDING
    scam.save(update_fields=["status"])
    comment_mark_spam(comment=scam, moderator=moderator)
    scam.refresh_from_db()
    comment_edit(comment=scam, reader=scammer, body="Lovely harvest photos.", now=scam.created)

    scam.refresh_from_db()
    assert scam.status == CommentStatus.SPAM and scam.body == "Lovely harvest photos."
    html = mod_client.get("/admin/moderation/?queue=spam").content.decode()
    item = BeautifulSoup(html, "html.parser").find(id=f"mod-{scam.pk}")
    edited = item.find(attrs={"data-edited-after": True})
    assert "Edited by its author after Marked as spam by mod" in edited.get_text()
    assert scam_text in edited.get_text()
    original = scam.verdicts.order_by("created", "id").first()
    assert original.reasons and f"Filter then: {original.get_action_display()}" in edited.get_text()
    assert "; ".join(original.reasons) in edited.get_text()
    assert "Lovely harvest photos." in item.find(class_="mod-item__body").get_text()

    texts, labels = _examples(labelled_decisions(), "spam")
    assert (texts, labels) == ([scam_text], [1])


def test_lifting_a_ban_records_who_shows_in_the_log_and_can_be_undone(
    mod_client, article, post, moderator, django_user_model
):
    from masthead.discussion.readers import Reader

    jdoe = django_user_model.objects.create_user("jdoe", "jdoe@example.org", "pw")
    comment = post(HEATED, reader=Reader(user=jdoe, key=f"u{jdoe.pk}", ip_hash="jdoe-home"))
    mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/ban/",
        {f"ban_days_{comment.pk}": "7", f"ban_scope_{comment.pk}": "person"},
    )
    account_ban = Ban.objects.get(kind="account")
    bans_page = mod_client.get("/admin/moderation/bans/").content.decode()
    assert "Reader account: jdoe" in bans_page and f"Reader account: {jdoe.pk}" not in bans_page

    mod_client.post(f"/admin/moderation/bans/{account_ban.pk}/lift/")

    account_ban.refresh_from_db()
    assert account_ban.lifted is not None and account_ban.lifted_by == moderator
    log = BeautifulSoup(
        mod_client.get("/admin/moderation/decisions/").content.decode(), "html.parser"
    )
    newest = log.select_one(".mod table.listing tbody tr")
    text = " ".join(newest.get_text(" ").split())
    assert "mod" in text and "Lifted the ban on Reader account: jdoe" in text
    lifted = BeautifulSoup(
        mod_client.get("/admin/moderation/bans/").content.decode(), "html.parser"
    ).find(id="recently-lifted")
    row = " ".join(lifted.find("tbody").get_text(" ").split())
    assert "Reader account: jdoe" in row and "mod" in row

    # The lift is undone with "Ban again": the same ban, until the same end; the lift stays.
    mod_client.post(f"/admin/moderation/bans/{account_ban.pk}/reinstate/")
    again = Ban.objects.get(kind="account", lifted__isnull=True)
    assert (again.value, again.expires, again.decision_id) == (
        str(jdoe.pk),
        account_ban.expires,
        account_ban.decision_id,
    )
    assert Ban.objects.filter(pk=account_ban.pk, lifted_by=moderator).exists()
    response = mod_client.post(f"/admin/moderation/bans/{account_ban.pk}/lift/", follow=True)
    assert "already lifted" in response.content.decode()


def test_the_reason_filter_matches_what_the_queue_shows(mod_client, article, post, make_guest):
    from masthead.moderation.services import comment_report, verdict_record
    from masthead.moderation.submissions import Verdict

    off_topic = post("Anyone watch the match last night?", email="o@example.com")
    comment_report(comment=off_topic, reader=make_guest(ip_hash="r1"), reason="off_topic")
    cafe = post("Lunch at our place, see the menu.", email="c@example.com")
    verdict_record(comment=cafe, verdict=Verdict("hold", {}, ["links to: café-élan.example"]))

    def found(queue, reason):
        html = mod_client.get("/admin/moderation/", {"queue": queue, "reason": reason})
        return [
            int(item["id"].removeprefix("mod-"))
            for item in BeautifulSoup(html.content.decode(), "html.parser").select(".mod-item")
        ]

    assert "Off-topic" in mod_client.get("/admin/moderation/?queue=reported").content.decode()
    for typed in ("off-topic", "Off-topic", "OFF TOPIC", "off_topic"):
        assert found("reported", typed) == [off_topic.pk], typed
    for typed in ("café-élan", "CAFÉ-ÉLAN", "links to: café"):
        assert found("published", typed) == [cafe.pk], typed
    assert found("published", '", "') == []  # the JSON's punctuation is no reason


def test_a_spammer_changing_names_is_found_by_the_address_the_queue_shows(
    mod_client, article, post, make_guest
):
    shared, elsewhere = "47b2a87e" + "0" * 32, "d824e761" + "0" * 32
    first = post(SCAM, name="Jenny", email="jenny@example.net", reader=make_guest(ip_hash=shared))
    post(
        "Contact Mr Adam Recovery on WhatsApp +1 (415) 555-0199 to get your bitcoin back.",
        name="Grace",
        email="grace@example.org",
        reader=make_guest(ip_hash=shared),
    )
    post(SCAM, name="Someone Else", email="else@example.com", reader=make_guest(ip_hash=elsewhere))
    assert first.status == CommentStatus.SPAM

    page = mod_client.get("/admin/moderation/?queue=spam&author=Grace").content.decode()
    assert 'href="?queue=spam&amp;author=%2347b2a87e"' in page
    assert "Same address, other names: 1 comment (1 spam)" in page

    by_address = mod_client.get("/admin/moderation/?queue=spam&author=%2347b2a87e")
    listed = by_address.content.decode()
    assert "Jenny" in listed and "Grace" in listed and "Someone Else" not in listed
    # the other queues' tabs keep the filter, to see what else came from there
    tabs = BeautifulSoup(listed, "html.parser").select("a[role=tab]")
    assert {tab["href"] for tab in tabs} == {
        f"?queue={queue}&author=%2347b2a87e" for queue in selectors.QUEUES
    }


def test_the_log_says_what_a_ban_barred_and_until_when(mod_client, article, post, make_guest):
    timed = post(HEATED, email="troll@example.com", reader=make_guest(ip_hash="47b2a87e" * 5))
    mod_client.post(
        f"/admin/moderation/comment/{timed.pk}/ban/",
        {f"ban_days_{timed.pk}": "7", f"ban_note_{timed.pk}": "threats in three threads"},
    )
    forever = post(HEATED + " Again.", email="other@example.com", reader=make_guest(ip_hash="x"))
    mod_client.post(
        f"/admin/moderation/comment/{forever.pk}/ban/",
        {
            f"ban_days_{forever.pk}": "",
            f"ban_scope_{forever.pk}": "person",
            "confirm_ban": "for-good",
        },
    )
    until = Ban.objects.get(value="troll@example.com").expires
    rows = [
        " ".join(row.get_text(" ").split())
        for row in BeautifulSoup(
            mod_client.get("/admin/moderation/decisions/").content.decode(), "html.parser"
        ).select("tbody tr")
    ]
    assert (
        "(threats in three threads) banned network address (hashed) #47b2a87e, e-mail address "
        f"troll@example.com; until {timezone.localtime(until):%-d %b %Y, %H:%M}"
    ) in rows[1]
    assert "banned e-mail address other@example.com; for good" in rows[0]


def test_the_queue_finds_comments_by_the_words_in_them(mod_client, article, post):
    """A wave of spam under many names shares a handle or a number, not always a filter reason."""
    for number in range(selectors.PER_PAGE + 1):
        post(
            f"Great point {number}! DM me on telegram @richjane77 for daily profits ♥♥♥",
            name=f"Jane {number}",
            email=f"jane{number}@example.net",
        )
    post(SCAM, name="Linda", email="linda@example.net")

    page = mod_client.get("/admin/moderation/?queue=spam&text=RICHJANE77").content.decode()
    assert page.count('class="mod-item"') == selectors.PER_PAGE and "Linda" not in page
    assert 'name="text" value="RICHJANE77"' in page
    older = BeautifulSoup(page, "html.parser").find("a", string="Older →")["href"]
    assert "text=RICHJANE77" in older
    assert (
        mod_client.get(f"/admin/moderation/{older}").content.decode().count('class="mod-item"') == 1
    )


def test_the_bans_page_lists_each_banned_target_once_with_the_comments_it_came_from(
    mod_client, article, post, make_guest
):
    """A bulk ban of five comments by one reader makes five bans of their e-mail address and five
    of their network address: the page shows who is barred, and until when, once each."""
    troll = make_guest(ip_hash="47b2a87e" * 5)
    comments = [
        post(f"{HEATED} Take {n}.", name="Troll", email="troll@example.com", reader=troll)
        for n in range(5)
    ]
    mod_client.post(
        "/admin/moderation/bulk/",
        {"comment": [c.pk for c in comments], "action": "ban", "ban_days": "7", "ban_note": "raid"},
    )
    # and again, for good, from one of them: the longer ban is the one that counts
    mod_client.post(
        f"/admin/moderation/comment/{comments[0].pk}/ban/",
        {
            f"ban_days_{comments[0].pk}": "",
            f"ban_scope_{comments[0].pk}": "person",
            f"ban_note_{comments[0].pk}": "came back",
            "confirm_ban": "for-good",
        },
    )
    assert Ban.objects.filter(kind="email", lifted__isnull=True).count() == 6

    def rows(table=".mod > .mod-scroll table"):
        page = BeautifulSoup(mod_client.get("/admin/moderation/bans/").content, "html.parser")
        return [" ".join(row.get_text(" ").split()) for row in page.select(f"{table} tbody tr")]

    week = timezone.localtime(Ban.objects.filter(expires__isnull=False).first().expires)
    assert rows() == [
        "E-mail address: troll@example.com for 5 comments by Troll "
        f"{timezone.localtime():%-d %b %Y} for good mod came back; raid Lift",
        "Network address (hashed): #47b2a87e for 5 comments by Troll "
        f"{timezone.localtime():%-d %b %Y} {week:%-d %b %Y} mod raid Lift",
    ]

    lift = BeautifulSoup(mod_client.get("/admin/moderation/bans/").content, "html.parser").find(
        "form", action=lambda url: url and url.endswith("/lift/")
    )
    mod_client.post(lift["action"])
    assert not Ban.objects.filter(kind="email", lifted__isnull=True).exists()
    assert Ban.objects.filter(kind="address", lifted__isnull=True).count() == 5
    assert len(rows()) == 1
    [lifted] = rows("#recently-lifted table")
    assert lifted.startswith("E-mail address: troll@example.com for 5 comments by Troll")
    assert "for good" in lifted and lifted.endswith("Ban again")
    # the log tells of one lift too
    log = mod_client.get("/admin/moderation/decisions/").content.decode()
    assert log.count("Lifted the ban on") == 1
    assert "Lifted the ban on E-mail address: troll@example.com for 5 comments by Troll" in (
        " ".join(BeautifulSoup(log, "html.parser").get_text(" ").split())
    )


def test_ban_again_bars_the_target_as_it_was_and_the_lifted_row_says_so(
    mod_client, article, post, make_guest
):
    """A lift ends every ban on the target; "Ban again" makes them all again, so the target is
    listed as before (for 3 comments, with every reason), and its lifted row says it is banned
    again instead of offering a "Ban again" that would be refused."""
    troll = make_guest(ip_hash="5eed" * 10)
    comments = [
        post(f"{HEATED} Take {n}.", name="Troll", email="troll@example.com", reader=troll)
        for n in range(3)
    ]
    mod_client.post(
        "/admin/moderation/bulk/",
        {"comment": [c.pk for c in comments], "action": "ban", "ban_days": "7", "ban_note": "raid"},
    )
    mod_client.post(
        f"/admin/moderation/comment/{comments[0].pk}/ban/",
        {
            f"ban_days_{comments[0].pk}": "30",
            f"ban_scope_{comments[0].pk}": "person",
            f"ban_note_{comments[0].pk}": "came back",
        },
    )

    def page():
        return BeautifulSoup(mod_client.get("/admin/moderation/bans/").content, "html.parser")

    def rows(table=".mod > .mod-scroll table"):
        return [" ".join(row.get_text(" ").split()) for row in page().select(f"{table} tbody tr")]

    before = rows()
    email_row = next(row for row in before if row.startswith("E-mail address"))
    assert "for 3 comments by Troll" in email_row and "came back; raid" in email_row
    email_ban = Ban.objects.filter(kind="email").order_by("id").first()
    mod_client.post(f"/admin/moderation/bans/{email_ban.pk}/lift/")
    [lifted] = rows("#recently-lifted table")
    assert lifted.endswith("Ban again")

    form = page().find("form", action=lambda url: url and url.endswith("/reinstate/"))
    response = mod_client.post(form["action"], follow=True)
    assert "Banned again: E-mail address troll@example.com." in response.content.decode()
    assert Ban.objects.filter(kind="email", lifted__isnull=True).count() == 4
    assert rows() == before  # barred as it was: same comments, same end, same reasons
    [lifted] = rows("#recently-lifted table")
    assert "Banned again by mod" in lifted and "Ban again" not in lifted.replace("Banned again", "")
    assert page().find("form", action=lambda url: url and url.endswith("/reinstate/")) is None
    # and the log names what each decision barred once, not again for the ban made again
    log = BeautifulSoup(mod_client.get("/admin/moderation/decisions/").content, "html.parser")
    barred = [" ".join(small.get_text(" ").split()) for small in log.select(".mod-log-bans")]
    assert barred and all(line.count("troll@example.com") == 1 for line in barred), barred


def test_lifting_a_ban_lifts_the_others_on_the_same_address(mod_client, article, post, make_guest):
    """A bulk ban of two comments from one address lists that address twice; "Lift" on either
    lets it comment again."""
    shared = "47b2a87e" * 5
    first = post(SCAM, name="Linda", email="linda@example.net", reader=make_guest(ip_hash=shared))
    second = post(
        "Contact Mr Adam Recovery on WhatsApp +1 (415) 555-0199 to get your bitcoin back.",
        name="Grace",
        email="grace@example.org",
        reader=make_guest(ip_hash=shared),
    )
    mod_client.post("/admin/moderation/bulk/", {"comment": [first.pk, second.pk], "action": "ban"})
    address_bans = Ban.objects.filter(kind="address", value=shared)
    assert address_bans.count() == 2

    response = mod_client.post(f"/admin/moderation/bans/{address_bans[0].pk}/lift/", follow=True)
    assert "Ban lifted: Network address (hashed) #47b2a87e." in response.content.decode()
    assert not address_bans.filter(lifted__isnull=True).exists()
    assert Ban.objects.filter(kind="email", lifted__isnull=True).count() == 2  # the people stay
    again = post(
        HEATED, name="Someone New", email="new@example.com", reader=make_guest(ip_hash=shared)
    )
    assert again.status == CommentStatus.PUBLISHED


def test_the_log_shows_one_moderators_decisions_from_their_name(
    mod_client, moderator, article, post, django_user_model
):
    """A lead reviews a volunteer's work: their name in the log lists their decisions alone."""
    from masthead.moderation.services import comment_mark_spam, comment_remove

    volunteer = django_user_model.objects.create_user("volunteer", "v@example.com", "pw")
    comment_remove(comment=post(HEATED, name="Removed by volunteer"), moderator=volunteer)
    comment_mark_spam(comment=post(HEATED + " Two.", name="Spam by mod"), moderator=moderator)

    log = BeautifulSoup(
        mod_client.get("/admin/moderation/decisions/").content.decode(), "html.parser"
    )
    link = log.find("a", string="volunteer")
    assert link["href"] == "?moderator=volunteer"
    mine = mod_client.get(f"/admin/moderation/decisions/{link['href']}").content.decode()
    assert "Removed by volunteer" in mine and "Spam by mod" not in mine
    assert "Decisions by <strong>volunteer</strong>" in mine


def test_the_bulk_action_bar_shows_only_when_there_is_something_to_act_on(
    mod_client, article, post
):
    """An empty queue (or a filter that finds nothing) offers no "Select all" nor bulk buttons."""
    from masthead.discussion.models import Comment

    def bulk_bar(**query):
        html = mod_client.get("/admin/moderation/", query).content.decode()
        return BeautifulSoup(html, "html.parser").select_one(".mod-bulk")

    assert bulk_bar(queue="pending") is None
    assert bulk_bar(queue="featured") is None
    held = post("Held comment about the harbour.", name="Held Reader")
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)
    bar = bulk_bar(queue="pending")
    assert bar is not None and bar.find(attrs={"data-select-all": True})
    assert bar.find("button", attrs={"value": "approve"})
    assert bulk_bar(queue="pending", author="Nobody by this name") is None


def test_the_keyboard_help_shows_only_when_there_is_something_to_act_on(mod_client, post):
    """The keys act on the comments listed: an empty queue (or a filter that finds nothing) does
    not teach them, as it offers no bulk bar."""
    from masthead.discussion.models import Comment

    def keys_help(**query):
        html = mod_client.get("/admin/moderation/", query).content.decode()
        page = BeautifulSoup(html, "html.parser")
        return [p for p in page.select("p.mod-help") if p.get_text().startswith("Keys:")]

    assert keys_help(queue="pending") == []
    held = post("Held comment about the harbour.", name="Held Reader")
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)
    assert len(keys_help(queue="pending")) == 1
    assert keys_help(queue="pending", author="Nobody by this name") == []


def test_the_settings_page_says_how_notes_hashtags_and_repeated_reports_work(admin_client):
    """Each list's help says that a "# " line is a note, kept and never matched (the lexicon's,
    too, that "#word" is a hashtag term), and the report threshold's that reports on an approved
    comment alert the moderators once they reach it."""
    html = admin_client.get("/admin/settings/moderation/moderationsettings/", follow=True)
    page = BeautifulSoup(html.content.decode(), "html.parser")

    def help_of(name):
        field = page.find(attrs={"name": name})
        wrapper = field.find_parent(attrs={"data-field-wrapper": True}) or field.parent.parent
        return " ".join(wrapper.get_text(" ").split())

    for name in ("allow_domains", "block_domains", "lexicon_additions", "alert_recipients"):
        assert "A line starting with “# ” (a space after the #) is a note" in help_of(name), name
        assert "kept and never" in help_of(name), name
    assert "“#word”, without the space, is a hashtag term" in help_of("lexicon_additions")
    assert "hashtag" not in help_of("allow_domains") + help_of("alert_recipients")
    threshold = help_of("report_threshold")
    assert "report it again after the approval, the moderators are alerted" in threshold


def test_ban_again_is_logged_with_who_when_and_what_and_undone_from_the_log(
    mod_client, article, post, make_guest, moderator, django_user_model
):
    """ "Ban again" is a moderator's decision like a ban or a lift: the log names who made it,
    when, the target and until when, filters it by moderator, and offers to undo it. Undoing it
    lifts the bans it made, as undoing a ban does; a ban made since from the queue stands."""
    from django.contrib.auth.models import Permission

    colleague = django_user_model.objects.create_user("colleague", "c@example.com", "pw")
    colleague.user_permissions.add(
        Permission.objects.get(codename="moderate_comments"),
        Permission.objects.get(codename="access_admin"),
    )
    troll = make_guest(ip_hash="5eed" * 10)
    comment = post(HEATED, name="Troll", email="troll@example.com", reader=troll)
    mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/ban/",
        {f"ban_days_{comment.pk}": "7", f"ban_scope_{comment.pk}": "person", "ban_note": "raid"},
    )
    email_ban = Ban.objects.get(kind="email")
    mod_client.post(f"/admin/moderation/bans/{email_ban.pk}/lift/")
    other = Client()
    other.force_login(colleague)
    other.post(f"/admin/moderation/bans/{email_ban.pk}/reinstate/")
    again = Ban.objects.get(kind="email", lifted__isnull=True)

    def log(**query):
        html = mod_client.get("/admin/moderation/decisions/", query).content.decode()
        return BeautifulSoup(html, "html.parser")

    def text(row):
        return " ".join(row.get_text(" ").split())

    page = log()
    [row] = page.select("tr.mod-log-again")
    assert page.select_one(".mod table.listing tbody tr") is row  # the newest entry
    assert "colleague" in text(row)
    assert "Banned again (undid a lift): E-mail address: troll@example.com" in text(row)
    assert "for a comment by Troll" in text(row)
    assert f"until {timezone.localtime(email_ban.expires):%-d %b %Y}" in text(row)
    assert timezone.localtime(again.created).strftime("%-d %b %Y, %H:%M") in text(row)
    assert log(moderator="colleague").select("tr.mod-log-again")
    assert not log(moderator="mod").select("tr.mod-log-again")

    # Meanwhile the author is banned from the queue for another comment: that ban is its own.
    second = post(f"{HEATED} Again.", name="Troll", email="troll@example.com", reader=troll)
    mod_client.post(
        f"/admin/moderation/comment/{second.pk}/ban/",
        {f"ban_days_{second.pk}": "30", f"ban_scope_{second.pk}": "person"},
    )
    undo = log().select_one("tr.mod-log-again form")
    response = mod_client.post(
        undo["action"], {"next": "/admin/moderation/decisions/"}, follow=True
    )
    assert "Undone: banned again E-mail address troll@example.com" in response.content.decode()
    again.refresh_from_db()
    assert again.lifted is not None and again.lifted_by == moderator
    assert Ban.objects.filter(kind="email", lifted__isnull=True, decision__comment=second).exists()
    [row] = log().select("tr.mod-log-again")
    assert row.find("form") is None and "lifted" in text(row) and "by mod" in text(row)
    # Undone once is enough; "Ban again" on the bans page bars the target once more.
    response = mod_client.post(undo["action"], follow=True)
    assert "already lifted" in response.content.decode()


def test_the_log_names_the_article_of_a_lifted_or_banned_again_ban(
    mod_client, article, post, make_guest
):
    """A lift and a "Ban again" of a ban decided on a comment name that comment's article, as the
    ban decision's own row does: a moderator reviewing the log sees where the trouble was."""
    comment = post(HEATED, name="Troll", email="troll@example.com", reader=make_guest())
    mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/ban/",
        {f"ban_days_{comment.pk}": "7", f"ban_scope_{comment.pk}": "person"},
    )
    email_ban = Ban.objects.get(kind="email")
    mod_client.post(f"/admin/moderation/bans/{email_ban.pk}/lift/")
    mod_client.post(f"/admin/moderation/bans/{email_ban.pk}/reinstate/")

    log = BeautifulSoup(mod_client.get("/admin/moderation/decisions/").content, "html.parser")
    rows = log.select("tr.mod-log-lift") + log.select("tr.mod-log-again")
    assert {row["class"][0] for row in rows} == {"mod-log-lift", "mod-log-again"}
    for row in rows:
        cells = row.find_all("td", recursive=False)
        assert cells[4].get_text(strip=True) == article.title[:50], row["class"]
        assert cells[4].find("a")["href"] == article.url


def test_a_target_lifted_twice_lists_each_lift_apart_and_offers_ban_again_once(
    mod_client, article, post, make_guest
):
    """Banned, lifted, banned again and lifted again: "Recently lifted" lists both lifts, and a
    moderator tells them apart. The newest offers "Ban again"; the older says when the target was
    banned again and lifted again, instead of a second button that would do the same."""
    comment = post(HEATED, name="Troll", email="troll@example.com", reader=make_guest())
    mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/ban/",
        {f"ban_days_{comment.pk}": "7", f"ban_scope_{comment.pk}": "person"},
    )
    first = Ban.objects.get(kind="email")
    mod_client.post(f"/admin/moderation/bans/{first.pk}/lift/")
    mod_client.post(f"/admin/moderation/bans/{first.pk}/reinstate/")
    again = Ban.objects.get(kind="email", lifted__isnull=True)
    mod_client.post(f"/admin/moderation/bans/{again.pk}/lift/")
    first.refresh_from_db()
    again.refresh_from_db()

    page = BeautifulSoup(mod_client.get("/admin/moderation/bans/").content, "html.parser")
    rows = page.select("#recently-lifted tbody tr")
    texts = [" ".join(row.get_text(" ").split()) for row in rows]
    assert len(rows) == 2 and texts[0] != texts[1], texts
    newest, older = rows
    [form] = page.select("#recently-lifted form")
    assert newest.find("form") is form and form["action"].endswith(f"/{again.pk}/reinstate/")
    assert "(Ban again)" in texts[0] and "(Ban again)" not in texts[1]
    assert older.find("form") is None
    when = "%-d %b %Y, %H:%M"
    assert (
        f"Banned again by mod, {timezone.localtime(again.created):{when}}; "
        f"lifted again by mod, {timezone.localtime(again.lifted):{when}}"
    ) in older.select_one("[data-lifted-again]").get_text()
    assert f"{timezone.localtime(first.lifted):{when}}" in texts[1]


def test_the_times_in_the_queue_are_moments_machines_can_read(mod_client, article, post):
    scam = post(SCAM, name="Jenny", email="jenny@example.net")
    queue = "spam" if scam.status == CommentStatus.SPAM else "pending"
    html = mod_client.get(f"/admin/moderation/?queue={queue}").content.decode()
    assert time_moments(html) and unreadable_time_moments(html) == []


def test_ban_again_on_an_older_lift_is_refused_once_the_target_was_lifted_again(
    mod_client, article, post, make_guest, django_user_model
):
    """The bans page offers "Ban again" on a target's newest lift only. A stale tab, or a
    colleague quicker on the same target, may still post it for an older lift: that is refused
    and changes nothing, since the newer lift was decided later, by someone who saw more."""
    from django.contrib.auth.models import Permission

    from masthead.moderation.services.decisions import BAN_LIFTED_AGAIN

    colleague = django_user_model.objects.create_user("colleague", "c@example.com", "pw")
    colleague.user_permissions.add(
        Permission.objects.get(codename="moderate_comments"),
        Permission.objects.get(codename="access_admin"),
    )
    other = Client()
    other.force_login(colleague)
    comment = post(HEATED, name="Troll", email="troll@example.com", reader=make_guest())
    mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/ban/",
        {f"ban_days_{comment.pk}": "7", f"ban_scope_{comment.pk}": "person"},
    )
    first = Ban.objects.get(kind="email")
    mod_client.post(f"/admin/moderation/bans/{first.pk}/lift/")
    stale = mod_client.get("/admin/moderation/bans/").content.decode()
    assert f"/bans/{first.pk}/reinstate/" in stale  # the tab the moderator leaves open
    # The colleague bans it again and lifts it again meanwhile.
    other.post(f"/admin/moderation/bans/{first.pk}/reinstate/")
    again = Ban.objects.get(kind="email", lifted__isnull=True)
    other.post(f"/admin/moderation/bans/{again.pk}/lift/")
    again.refresh_from_db()
    bans_before = list(Ban.objects.order_by("id").values_list("id", "lifted"))

    response = mod_client.post(f"/admin/moderation/bans/{first.pk}/reinstate/", follow=True)

    assert list(Ban.objects.order_by("id").values_list("id", "lifted")) == bans_before
    assert not Ban.objects.filter(lifted__isnull=True).exists()
    shown = " ".join(BeautifulSoup(response.content, "html.parser").get_text(" ").split())
    when = timezone.localtime(again.lifted)
    assert BAN_LIFTED_AGAIN.format(who=" by colleague", when=f"{when:%-d %b %Y, %H:%M:%S}") in shown
    # The newest lift is still the one to undo.
    response = mod_client.post(f"/admin/moderation/bans/{again.pk}/reinstate/", follow=True)
    assert "Banned again: E-mail address troll@example.com." in response.content.decode()
    assert Ban.objects.get(kind="email", lifted__isnull=True).reinstates == again


def test_two_lifts_in_one_minute_are_told_apart_by_their_full_time(
    mod_client, article, post, make_guest, moderator
):
    """Times on the bans page and in the log read to the minute; each is a <time> whose datetime
    and title give the second, so a ban again and a lift in the same minute are told apart."""
    from masthead.moderation.services import ban_lift, ban_reinstate

    comment = post(HEATED, name="Troll", email="troll@example.com", reader=make_guest())
    mod_client.post(
        f"/admin/moderation/comment/{comment.pk}/ban/",
        {f"ban_days_{comment.pk}": "7", f"ban_scope_{comment.pk}": "person"},
    )
    # A minute already past: a lift "later" than now would still count as standing.
    minute = timezone.now().replace(second=0, microsecond=0) - timedelta(minutes=2)
    first = Ban.objects.get(kind="email")
    ban_lift(ban=first, moderator=moderator, now=minute + timedelta(seconds=5))
    again = ban_reinstate(ban=first, moderator=moderator, now=minute + timedelta(seconds=20))
    ban_lift(ban=again, moderator=moderator, now=minute + timedelta(seconds=40))
    shown = [timezone.localtime(minute + timedelta(seconds=s)) for s in (5, 20, 40)]

    def times(html, selector):
        page = BeautifulSoup(html, "html.parser")
        return [(t["datetime"], t["title"], t.get_text()) for t in page.select(selector)]

    bans_html = mod_client.get("/admin/moderation/bans/").content
    log_html = mod_client.get("/admin/moderation/decisions/").content
    bans, log = times(bans_html, "#recently-lifted time"), times(log_html, ".mod-when time")
    # The ban itself was made at a moment with microseconds, which <time datetime> leaves out.
    assert unreadable_time_moments(log_html.decode()) == []
    assert unreadable_time_moments(bans_html.decode()) == []
    expected = {
        (when.isoformat(), f"{when:%-d %b %Y, %H:%M:%S}", f"{when:%-d %b %Y, %H:%M}")
        for when in shown
    }
    assert set(bans) == expected, bans  # each lift, and the ban again between them
    assert expected <= set(log), log


def test_the_filter_page_says_which_model_a_retraining_kept(mod_client):
    """A retraining put in use for its better spam model keeps the previous abuse model: the page
    must not let a worse abuse score read as the one now in use."""
    judged = {"n": 8, "positives": 4, "roc_auc": 0.5}
    FilterVersion.objects.create(
        trained_on=42,
        held_out=10,
        promoted=True,
        judged=True,
        is_current=True,
        metrics={
            "spam": {
                "promoted": True,
                "before": {**judged, "f1": 0.0},
                "after": {**judged, "f1": 0.5},
            },
            "abuse": {
                "promoted": False,
                "before": {**judged, "f1": 0.667},
                "after": {**judged, "f1": 0.0},
            },
        },
    )
    page = BeautifulSoup(mod_client.get("/admin/moderation/filter/").content, "html.parser")
    outcomes = [span.get_text() for span in page.select("[data-model-outcome]")]
    assert outcomes == ["new model kept", "new model refused: the previous one stays"]
