from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from masthead import clock
from masthead.discussion.models import CommentStatus
from masthead.moderation.models import ModerationSettings, ModeratorAlert
from masthead.moderation.services import comment_approve, comment_report, moderator_alerts_send
from tests.moderation.conftest import HEATED, SCAM

pytestmark = pytest.mark.django_db


def _hold_everything(article):
    options = ModerationSettings.for_site(article.get_site())
    options.mode = "pre_all"
    options.save()
    return options


def test_moderators_get_one_message_about_a_held_comment(article, post, moderator):
    _hold_everything(article)
    held = post("Is the footpath part of the plan?", name="Rosa")
    assert held.status == CommentStatus.PENDING

    assert moderator_alerts_send() == 1

    [message] = mail.outbox
    assert message.to == ["mod@example.com"]
    assert message.from_email == "The Harbour Ledger <newsroom@localhost>"  # the site's name
    assert "A comment awaits moderation" in message.subject
    assert "Rosa on “Harbour council votes on the new bridge”" in message.body
    assert "Is the footpath part of the plan?" in message.body
    assert "pre-moderation" in message.body  # why it was held
    assert "/admin/moderation/?queue=pending" in message.body
    # nothing new since: no second message
    assert moderator_alerts_send(now=timezone.now() + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1


def test_a_wave_of_held_comments_is_one_digest_every_ten_minutes(article, post, moderator):
    _hold_everything(article)
    now = timezone.now()
    post("Why was the footpath dropped?", name="Reader One")
    moderator_alerts_send(now=now)
    assert len(mail.outbox) == 1

    post("The bridge will cost more than they say.", name="Reader Two")
    post("Who pays for the maintenance?", name="Reader Three")
    assert moderator_alerts_send(now=now + timedelta(minutes=5)) == 0
    assert len(mail.outbox) == 1

    assert moderator_alerts_send(now=now + timedelta(minutes=11)) == 1
    digest = mail.outbox[1]
    assert "2 comments await moderation" in digest.subject
    assert "Reader Two" in digest.body and "Reader Three" in digest.body
    assert "Reader One" not in digest.body


def test_links_of_a_held_comment_are_not_clickable_in_the_html_part(article, post, moderator):
    _hold_everything(article)
    held = post("Full report: [read it](http://harbour-files.example/report) <b>now</b>")
    assert held.status == CommentStatus.PENDING
    moderator_alerts_send()
    html = mail.outbox[0].alternatives[0][0]
    assert "http://harbour-files.example/report" in html
    assert 'href="http://harbour-files.example' not in html
    assert "<b>now</b>" not in html


def test_published_comments_and_spam_send_nothing(article, post, moderator):
    assert post(HEATED).status == CommentStatus.PUBLISHED
    assert post(SCAM).status == CommentStatus.SPAM
    assert moderator_alerts_send() == 0
    assert mail.outbox == []


def test_a_comment_hidden_by_reports_is_announced_with_the_reason(
    article, post, make_guest, moderator
):
    comment = post(HEATED)
    for address in ("r1", "r2", "r3"):
        comment_report(comment=comment, reader=make_guest(ip_hash=address), reason="abuse")
    moderator_alerts_send()
    assert "3 readers reported it" in mail.outbox[0].body


def test_reports_after_an_approval_leave_the_comment_shown_until_its_author_edits_it(
    article, post, make_guest, moderator
):
    """Coral Talk's rule: once a moderator approved a comment, reports no longer hide it (three
    accounts must not overturn a moderator); its reports wait in the reported queue, and the
    moderators hear of it once. An edit asks for a fresh look: reports hide it again, and the
    moderators hear of it again."""
    from masthead.discussion.services import comment_edit
    from masthead.moderation import selectors

    now = timezone.now()
    author = make_guest(ip_hash="author")
    comment = post(HEATED, reader=author)
    for address in ("r1", "r2", "r3"):
        comment_report(comment=comment, reader=make_guest(ip_hash=address), reason="abuse", now=now)
    assert moderator_alerts_send(now=now) == 1
    comment_approve(comment=comment, moderator=moderator, now=now + timedelta(minutes=1))
    comment.refresh_from_db()
    for address in ("r4", "r5", "r6"):
        comment_report(
            comment=comment,
            reader=make_guest(ip_hash=address),
            reason="abuse",
            now=now + timedelta(minutes=30),
        )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert comment in selectors.queue_comments(queue="reported")
    assert moderator_alerts_send(now=now + timedelta(minutes=31)) == 1

    comment_edit(
        comment=comment,
        reader=author,
        body=HEATED + " Resign, all of you.",
        now=comment.created + timedelta(minutes=2),
    )
    comment_report(
        comment=comment,
        reader=make_guest(ip_hash="r7"),
        reason="abuse",
        now=now + timedelta(minutes=40),
    )
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PENDING
    assert moderator_alerts_send(now=now + timedelta(minutes=41)) == 1
    assert len(mail.outbox) == 3
    assert "4 readers reported it" in mail.outbox[2].body
    # and once is enough
    assert moderator_alerts_send(now=now + timedelta(hours=2)) == 0


def test_an_approved_comment_reported_again_past_the_threshold_is_announced_once(
    article, post, make_guest, moderator
):
    """Reports no longer hide a comment a moderator approved, but a wrong approval must be
    reconsidered: when readers reach the threshold again, the moderators hear of it, once for
    that approval, with a link to the reported queue, and not for every report after."""
    now = timezone.now()
    _hold_everything(article)
    comment = post(HEATED, name="Harbour Watcher")
    comment_approve(comment=comment, moderator=moderator, now=now)
    comment.refresh_from_db()
    comment_report(comment=comment, reader=make_guest(ip_hash="r1"), reason="abuse", now=now)
    comment_report(comment=comment, reader=make_guest(ip_hash="r2"), reason="abuse", now=now)
    assert moderator_alerts_send(now=now + timedelta(minutes=1)) == 0  # below the threshold

    comment_report(comment=comment, reader=make_guest(ip_hash="r3"), reason="abuse", now=now)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED  # still shown: the approval stands
    assert moderator_alerts_send(now=now + timedelta(minutes=2)) == 1
    [message] = mail.outbox
    assert "Harbour Watcher" in message.body
    assert "3 readers reported it after it was approved by mod" in message.body
    assert "/admin/moderation/?queue=reported&article=" in message.body
    assert "Reported again: 3 readers" in message.alternatives[0][0]

    for address in ("r4", "r5"):
        comment_report(comment=comment, reader=make_guest(ip_hash=address), reason="abuse", now=now)
    assert moderator_alerts_send(now=now + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 1

    # approved again (the reports are resolved): a new round of reports is news again
    comment_approve(comment=comment, moderator=moderator, now=now + timedelta(hours=2))
    comment.refresh_from_db()
    for address in ("r6", "r7", "r8"):
        comment_report(
            comment=comment,
            reader=make_guest(ip_hash=address),
            reason="spam",
            now=now + timedelta(hours=3),
        )
    assert moderator_alerts_send(now=now + timedelta(hours=4)) == 1
    assert len(mail.outbox) == 2


def test_one_report_past_a_threshold_of_one_is_told_as_one_reader(
    article, post, make_guest, moderator
):
    options = _hold_everything(article)
    options.report_threshold = 1
    options.save()
    comment = post(HEATED)
    comment_approve(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    comment_report(comment=comment, reader=make_guest(ip_hash="r1"), reason="abuse")
    assert moderator_alerts_send() == 1
    assert "Reported again: 1 reader reported it after it was approved by mod" in (
        mail.outbox[0].body
    )


def test_a_threshold_of_reports_on_a_comment_nobody_approved_hides_and_alerts_as_before(
    article, post, make_guest, moderator
):
    """A published comment with reports below the threshold and no approval is not news."""
    comment = post(HEATED)
    comment_report(comment=comment, reader=make_guest(ip_hash="r1"), reason="abuse")
    assert moderator_alerts_send() == 0


def test_listed_addresses_replace_the_moderators_and_alerts_can_be_turned_off(
    article, post, moderator
):
    options = _hold_everything(article)
    options.alert_recipients = "desk@example.com\n# comment lines are ignored\nnight@example.com"
    options.save()
    post("First question.")
    moderator_alerts_send()
    assert sorted(message.to[0] for message in mail.outbox) == [
        "desk@example.com",
        "night@example.com",
    ]

    options.alert_moderators = False
    options.save()
    post("Second question.")
    assert moderator_alerts_send(now=timezone.now() + timedelta(hours=1)) == 0
    assert len(mail.outbox) == 2


def test_without_anyone_to_alert_nothing_is_marked_as_announced(article, post, caplog):
    _hold_everything(article)
    post("A question nobody will be told about yet.")
    assert moderator_alerts_send() == 0
    assert ModeratorAlert.objects.count() == 0
    assert "nobody can be alerted" in caplog.text
    # the clock runs every minute; the warning is not repeated every minute
    caplog.clear()
    moderator_alerts_send(now=timezone.now() + timedelta(minutes=1))
    assert "nobody can be alerted" not in caplog.text


def test_a_refusing_mail_server_leaves_the_comments_for_the_next_run(
    article, post, moderator, settings
):
    _hold_everything(article)
    post("Will this reach anyone?")
    settings.EMAIL_BACKEND = "tests.moderation.test_alerts.RefusingBackend"
    with pytest.raises(ConnectionRefusedError):
        moderator_alerts_send()
    assert ModeratorAlert.objects.count() == 0
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    assert moderator_alerts_send() == 1


def test_the_worker_clock_runs_the_alerts():
    assert any(job.function.endswith("moderator_alerts_send") for job in clock.JOBS)


class RefusingBackend:
    def __init__(self, *args, **kwargs):
        pass

    def send_messages(self, messages):
        raise ConnectionRefusedError("mail server down")
