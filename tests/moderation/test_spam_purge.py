from datetime import timedelta

import pytest
from django.utils import timezone

from masthead import clock
from masthead.discussion.models import Comment, CommentStatus
from masthead.moderation.services import comment_mark_spam, comment_report, spam_purge
from tests.moderation.conftest import HEATED, SCAM

pytestmark = pytest.mark.django_db


def spam_caught_by_the_filter(post, **kwargs):
    comment = post(SCAM, **kwargs)
    assert comment.status == CommentStatus.SPAM
    return comment


def test_old_spam_the_filter_caught_is_deleted_and_everything_else_kept(post, moderator, settings):
    settings.MASTHEAD_SPAM_KEPT_DAYS = 30
    now = timezone.now()
    old = spam_caught_by_the_filter(post, now=now - timedelta(days=31))
    recent = spam_caught_by_the_filter(post, now=now - timedelta(days=29), email="b@example.com")
    labelled = post(HEATED, now=now - timedelta(days=40), email="c@example.com")
    comment_mark_spam(comment=labelled, moderator=moderator)  # a moderator's label: kept
    published = post(HEATED, now=now - timedelta(days=90), email="d@example.com")
    Comment.objects.filter(pk=published.pk).update(status=CommentStatus.PUBLISHED)

    assert spam_purge(now=now) == 1
    assert not Comment.objects.filter(pk=old.pk).exists()
    assert set(Comment.objects.values_list("pk", flat=True)) == {
        recent.pk,
        labelled.pk,
        published.pk,
    }
    assert spam_purge(now=now) == 0


def test_spam_that_a_reader_reported_or_someone_answered_is_kept(post, make_guest):
    """Both were shown to readers before they were caught (answered, or hidden by reports)."""
    now = timezone.now()
    answered = spam_caught_by_the_filter(post, now=now - timedelta(days=60))
    reported = spam_caught_by_the_filter(post, now=now - timedelta(days=60), email="r@x.org")
    Comment.objects.filter(pk__in=[answered.pk, reported.pk]).update(status=CommentStatus.PUBLISHED)
    post("Is this real?", parent_id=answered.pk, now=now - timedelta(days=59), email="q@x.org")
    reported.refresh_from_db()
    comment_report(comment=reported, reader=make_guest(), reason="spam")
    Comment.objects.filter(pk__in=[answered.pk, reported.pk]).update(status=CommentStatus.SPAM)

    assert spam_purge(now=now, kept_days=30) == 0
    assert Comment.objects.filter(pk__in=[answered.pk, reported.pk]).count() == 2


def test_kept_days_zero_keeps_spam_for_good(post, settings):
    settings.MASTHEAD_SPAM_KEPT_DAYS = 0
    spam_caught_by_the_filter(post, now=timezone.now() - timedelta(days=400))
    assert spam_purge() == 0 and Comment.objects.count() == 1


def test_the_worker_clears_out_old_spam(post, settings):
    settings.MASTHEAD_SPAM_KEPT_DAYS = 30
    spam_caught_by_the_filter(post, now=timezone.now() - timedelta(days=31))
    job = next(job for job in clock.JOBS if job.name == "delete old spam")
    job.run()
    assert Comment.objects.count() == 0


def test_the_spam_queue_tells_moderators_how_long_spam_is_kept(mod_client, settings):
    settings.MASTHEAD_SPAM_KEPT_DAYS = 30
    page = mod_client.get("/admin/moderation/?queue=spam").content.decode()
    assert "Spam the filter caught is deleted after 30 days" in page
    assert "is deleted after" not in mod_client.get("/admin/moderation/").content.decode()
    settings.MASTHEAD_SPAM_KEPT_DAYS = 0
    assert (
        "is deleted after" not in mod_client.get("/admin/moderation/?queue=spam").content.decode()
    )
