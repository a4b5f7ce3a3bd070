import pytest
from django.test import Client

from masthead.discussion.models import CommentStatus
from masthead.moderation.models import Decision, DecisionAction, ModerationSettings, Report
from masthead.moderation.services import (
    ReportRefused,
    comment_approve,
    comment_report,
    decision_undo,
)
from tests.moderation.conftest import HEATED

pytestmark = pytest.mark.django_db


def test_reports_from_enough_distinct_readers_hide_the_comment(article, post, make_guest):
    comment = post(HEATED)
    comment_report(comment=comment, reader=make_guest(ip_hash="r1"), reason="abuse")
    comment_report(comment=comment, reader=make_guest(ip_hash="r2"), reason="spam", note="advert")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    comment_report(comment=comment, reader=make_guest(ip_hash="r3"), reason="off_topic")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    hide = Decision.objects.get(comment=comment)
    assert hide.action == DecisionAction.HIDE and hide.moderator is None


def _held(post, article):
    """A comment the filter would publish, held because the site reviews every comment first."""
    options = ModerationSettings.for_site(article.get_site())
    options.mode = "pre_all"
    options.save()
    comment = post(HEATED)
    options.mode = "post"
    options.save()
    return comment


def test_reports_do_not_hide_a_comment_a_moderator_approved(article, post, make_guest, moderator):
    """Coral Talk's rule: three accounts reporting a comment must not overturn the moderator who
    approved it. Readers still see it; the reports wait in the reported queue, reasons and all."""
    from masthead.moderation.selectors import distinct_reporters, queue_comments
    from masthead.moderation.services import comment_remove

    comment = _held(post, article)
    comment_approve(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    for network, reason in (("r1", "abuse"), ("r2", "spam"), ("r3", "off_topic"), ("r4", "abuse")):
        comment_report(comment=comment, reader=make_guest(ip_hash=network), reason=reason)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert not Decision.objects.filter(comment=comment, action=DecisionAction.HIDE).exists()

    [listed] = queue_comments(queue="reported")
    assert listed == comment and distinct_reporters(listed.open_reports) == 4
    assert sorted(r.reason for r in listed.open_reports) == ["abuse", "abuse", "off_topic", "spam"]
    # a moderator who looks again may still take it down
    comment_remove(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REMOVED
    assert not Report.objects.filter(comment=comment, resolved__isnull=True).exists()


def test_a_moderator_approving_a_reported_comment_keeps_it_shown_against_later_reports(
    article, post, make_guest, moderator
):
    comment = post(HEATED)
    comment_report(comment=comment, reader=make_guest(ip_hash="r1"), reason="abuse")
    comment_approve(comment=comment, moderator=moderator)  # looked at the report, kept it
    for network in ("r2", "r3", "r4"):
        comment_report(comment=comment, reader=make_guest(ip_hash=network), reason="abuse")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED


def test_reports_hide_a_comment_again_once_its_approval_is_undone_or_its_text_changed(
    article, post, make_guest, moderator
):
    from datetime import timedelta

    from masthead.discussion.services import comment_edit

    undone = post(HEATED)
    comment_report(comment=undone, reader=make_guest(ip_hash="r0"), reason="abuse")
    decision_undo(
        decision=comment_approve(comment=undone, moderator=moderator), moderator=moderator
    )
    author = make_guest(ip_hash="author")
    edited = post(HEATED + " Again.", reader=author, email="b@example.com")
    comment_report(comment=edited, reader=make_guest(ip_hash="r0"), reason="abuse")
    comment_approve(comment=edited, moderator=moderator)
    comment_edit(
        comment=edited,
        reader=author,
        body="Words no moderator has read.",
        now=edited.created + timedelta(minutes=2),
    )
    # the undone approval's report is open again: two more make three
    for comment, networks in ((undone, ("r1", "r2")), (edited, ("r1", "r2", "r3"))):
        comment.refresh_from_db()
        for network in networks:
            comment_report(comment=comment, reader=make_guest(ip_hash=network), reason="abuse")
        comment.refresh_from_db()
        assert comment.status == CommentStatus.PENDING, comment.body


def test_one_reader_counts_once_even_with_many_cookies(article, post, make_guest):
    comment = post(HEATED)
    reader = make_guest(ip_hash="same")
    for _ in range(3):
        comment_report(comment=comment, reader=reader, reason="abuse")
    for _ in range(3):
        comment_report(comment=comment, reader=make_guest(ip_hash="same"), reason="abuse")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert Report.objects.filter(comment=comment).count() == 4


def test_threshold_is_a_site_setting(article, post, make_guest):
    options = ModerationSettings.for_site(article.get_site())
    options.report_threshold = 1
    options.save()
    comment = post(HEATED)
    comment_report(comment=comment, reader=make_guest(), reason="abuse")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    # The moderators' log says how many readers, in words that fit one.
    assert Decision.objects.get(comment=comment).note == "1 reader reported it"


def test_approval_resolves_the_reports(article, post, make_guest, moderator):
    comment = post(HEATED)
    comment_report(comment=comment, reader=make_guest(), reason="abuse")
    decision = comment_approve(comment=comment, moderator=moderator)
    assert not Report.objects.filter(comment=comment, resolved__isnull=True).exists()
    # undone, the comment is back in the reported queue with its report
    decision_undo(decision=decision, moderator=moderator)
    assert Report.objects.filter(comment=comment, resolved__isnull=True).count() == 1


def test_bad_reports_are_refused(post, make_guest):
    author = make_guest()
    comment = post(HEATED, reader=author)
    with pytest.raises(ReportRefused, match="Choose why"):
        comment_report(comment=comment, reader=make_guest(), reason="dislike")
    with pytest.raises(ReportRefused, match="your own comment"):
        comment_report(comment=comment, reader=author, reason="spam")


def test_report_through_the_page_and_the_api(client, article, post):
    comment = post(HEATED)
    page = client.get(f"/moderation/comment/{comment.pk}/report/")
    assert page.status_code == 200 and b"What is wrong with it?" in page.content
    response = client.post(
        f"/moderation/comment/{comment.pk}/report/", {"reason": "abuse", "note": "insults"}
    )
    assert response.status_code == 302
    assert Report.objects.get(comment=comment).note == "insults"
    import json

    from django.test import Client

    other = Client(enforce_csrf_checks=True)
    other.get(article.url)
    token = other.cookies["csrftoken"].value
    api = other.post(
        f"/api/v1/comments/{comment.pk}/report",
        data=json.dumps({"reason": "spam"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert api.status_code == 202
    bad = other.post(
        f"/api/v1/comments/{comment.pk}/report",
        data=json.dumps({"reason": "meh"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert bad.status_code == 422


def test_readers_in_one_ipv6_64_count_as_one_reporter(article, post):
    comment = post(HEATED)
    for address in ("2001:db8:5:7::1", "2001:db8:5:7::2", "2001:db8:5:7:ffff::3"):
        Client(REMOTE_ADDR=address).post(
            f"/moderation/comment/{comment.pk}/report/", {"reason": "abuse"}
        )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    for address in ("2001:db8:6:1::1", "198.51.100.7"):
        Client(REMOTE_ADDR=address).post(
            f"/moderation/comment/{comment.pk}/report/", {"reason": "abuse"}
        )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING


def test_a_report_without_javascript_is_acknowledged_beside_the_comment(client, post):
    comment = post(HEATED)
    response = client.post(
        f"/moderation/comment/{comment.pk}/report/", {"reason": "off_topic"}, follow=True
    )
    assert response.redirect_chain[-1][0].endswith(f"#comment-{comment.pk}")
    html = response.content.decode()
    card = html[html.index(f'aria-labelledby="comment-{comment.pk}-author"') :]
    card = card[: card.index("</article>")]
    assert "Thank you. A moderator will look at the comment you reported." in card
    assert html.count("A moderator will look at") == 1


def test_the_report_that_hides_a_comment_thanks_the_reader_on_its_article(article, post):
    comment = post(HEATED)
    for address in ("198.51.100.1", "198.51.100.2"):
        Client(REMOTE_ADDR=address).post(
            f"/moderation/comment/{comment.pk}/report/", {"reason": "abuse"}
        )
    response = Client(REMOTE_ADDR="198.51.100.3").post(
        f"/moderation/comment/{comment.pk}/report/", {"reason": "abuse"}, follow=True
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING  # this third report hid it
    assert response.status_code == 200, "the reader who hid it is not told 'No such comment'"
    assert response.redirect_chain[-1][0] == article.url
    html = response.content.decode()
    assert html.count("Thank you. A moderator will look at the comment you reported.") == 1
    assert f'id="comment-{comment.pk}"' not in html


def report_link(html, comment_id):
    card = html[html.index(f'aria-labelledby="comment-{comment_id}-author"') :]
    card = card[: card.index("</article>")]
    return "Report</a>" in card, '<span class="comment__report">Reported</span>' in card


def test_a_reader_who_reported_a_comment_sees_reported_instead_of_the_link(
    client, article, post, django_user_model
):
    comment, other = post(HEATED), post("A calm comment.")
    client.post(f"/moderation/comment/{comment.pk}/report/", {"reason": "abuse"})
    html = client.get(article.url).content.decode()
    assert report_link(html, comment.pk) == (False, True)
    assert report_link(html, other.pk) == (True, False)
    assert report_link(Client().get(article.url).content.decode(), comment.pk) == (True, False)

    user = django_user_model.objects.create_user(username="dana", password="x" * 12)
    signed_in = Client()
    signed_in.force_login(user)
    signed_in.post(f"/moderation/comment/{other.pk}/report/", {"reason": "spam"})
    html = signed_in.get(article.url).content.decode()
    assert report_link(html, other.pk) == (False, True)
    assert report_link(html, comment.pk) == (True, False)


def test_replies_below_a_comment_readers_hid_leave_the_count_and_their_links_until_approved(
    client, article, post, make_guest, moderator
):
    reported = post(HEATED)
    reply = post("Answering the heated one.", parent_id=reported.pk)
    post("Unrelated and still shown.")
    updates = f"/comments/{article.pk}/updates/?since=0"
    assert client.get(updates).json()["count"] == 3
    for network in ("r1", "r2", "r3"):
        comment_report(comment=reported, reader=make_guest(ip_hash=network), reason="abuse")
    reported.refresh_from_db()
    assert reported.status == CommentStatus.PENDING

    assert client.get(updates).json()["count"] == 1  # what the thread shows
    link = f"/comments/comment/{reply.pk}/"
    assert client.get(link).status_code == 404  # as a missing one: the thread hides it now
    html = client.get(article.url).content.decode()
    assert f'id="comment-{reply.pk}"' not in html and ">1</span> comment<" in html

    comment_approve(comment=reported, moderator=moderator)
    assert client.get(updates).json()["count"] == 3
    assert client.get(link)["Location"].endswith(f"#comment-{reply.pk}")


def test_one_network_cannot_flood_the_queue_with_reports_from_new_cookies(article, post):
    import json

    from masthead.moderation.services.reports import (
        REPORTS_PER_NETWORK_PER_HOUR,
        TOO_MANY_REPORTS,
    )

    comment = post(HEATED)
    for _ in range(REPORTS_PER_NETWORK_PER_HOUR):
        fresh = Client(REMOTE_ADDR="198.51.100.9")  # a new cookie each time
        assert (
            fresh.post(f"/moderation/comment/{comment.pk}/report/", {"reason": "spam"}).status_code
            == 302
        )
    refused = Client(REMOTE_ADDR="198.51.100.9").post(
        f"/moderation/comment/{comment.pk}/report/", {"reason": "spam", "note": "again"}
    )
    assert refused.status_code == 429 and TOO_MANY_REPORTS in refused.content.decode()
    api = Client(REMOTE_ADDR="198.51.100.9").post(
        f"/api/v1/comments/{comment.pk}/report",
        data=json.dumps({"reason": "spam"}),
        content_type="application/json",
    )
    assert api.status_code == 429 and api.json()["detail"] == TOO_MANY_REPORTS
    assert Report.objects.filter(comment=comment).count() == REPORTS_PER_NETWORK_PER_HOUR
    # Readers elsewhere still report.
    other = Client(REMOTE_ADDR="203.0.113.5")
    assert (
        other.post(f"/moderation/comment/{comment.pk}/report/", {"reason": "spam"}).status_code
        == 302
    )


def test_a_note_with_a_nul_character_is_refused_with_a_message_through_page_and_api(article, post):
    """PostgreSQL cannot store one: it was a server error (500) there, and stored on SQLite."""
    import json

    from masthead.moderation.services.reports import NOTE_HAS_NUL

    comment = post(HEATED)
    page = Client().post(
        f"/moderation/comment/{comment.pk}/report/", {"reason": "abuse", "note": "in\x00sults"}
    )
    assert page.status_code == 400 and NOTE_HAS_NUL in page.content.decode()
    api = Client().post(
        f"/api/v1/comments/{comment.pk}/report",
        data=json.dumps({"reason": "spam", "note": "in\x00sults"}),
        content_type="application/json",
    )
    assert api.status_code == 400
    problem = {"detail": NOTE_HAS_NUL, "field": "note"}
    assert api.json() == {**problem, "errors": [problem]}
    assert not Report.objects.exists()
