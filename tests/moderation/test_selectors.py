"""Reads for the moderators' screens."""

from datetime import timedelta

import pytest

from masthead.discussion.services import comment_delete
from masthead.moderation import selectors
from masthead.moderation.models import FilterVersion
from masthead.moderation.services import (
    comment_approve,
    comment_remove,
    reader_ban,
)
from masthead.moderation.services.training import (
    decisions_since_last_training,
    labelled_decisions,
)

pytestmark = pytest.mark.django_db


def test_an_authors_history_counts_what_they_deleted_apart_from_what_is_shown_or_waiting(
    post, make_guest
):
    reader = make_guest()
    statuses = ["published", "published", "pending", "pending", "removed", "spam"]
    comments = [
        post(f"Comment number {n}.", reader=reader, email="sam@example.com")
        for n in range(len(statuses))
    ]
    for comment, status in zip(comments, statuses, strict=True):
        type(comment).objects.filter(pk=comment.pk).update(status=status)
        comment.status = status
    # The author deletes one published, one waiting, and the one a moderator removed.
    for comment in (comments[1], comments[3], comments[4]):
        comment_delete(comment=comment, reader=reader, now=comment.created)

    record = selectors.author_records([comments[2]])[comments[2].pk]
    # The queue's "waiting" matches what waits in it; a moderator's verdict stands whatever the
    # author did after it; each comment is counted once.
    assert (record.approved, record.pending, record.spam, record.removed, record.deleted) == (
        1,
        1,
        1,
        1,
        2,
    )


def test_filter_quality_counts_only_the_decisions_retraining_learns_from(post, moderator):
    published = post("The footpath would make the bridge safer for children.")
    held = post("Links http://a.example http://b.example http://c.example", email="l@example.com")
    assert published.status == "published" and held.status != "published"
    comment_remove(comment=published, moderator=moderator, reason="abuse")
    # Teaches the filter nothing: the comment is already labelled abuse.
    reader_ban(comment=published, moderator=moderator, days=7)
    off_topic = post("Anyone watch the match last night?", email="o@example.com")
    comment_remove(comment=off_topic, moderator=moderator, reason="off_topic")
    comment_approve(comment=held, moderator=moderator)

    quality = selectors.filter_quality()

    assert quality.decisions == labelled_decisions().count() == 2
    assert (quality.agreed, quality.held_but_approved, quality.published_but_removed) == (0, 1, 1)


def test_filter_quality_splits_decisions_at_a_retraining_as_retraining_does(post, moderator):
    comment = post("The footpath would make the bridge safer for children.")
    decision = comment_remove(comment=comment, moderator=moderator, reason="abuse")
    # A retraining at the very moment of the decision learnt from it.
    FilterVersion.objects.create(created=decision.created, judged=True, trained_on=1)
    later = decision.created + timedelta(minutes=5)
    comment_approve(comment=comment, moderator=moderator, now=later)

    before = selectors.filter_quality(until=decision.created)
    since = selectors.filter_quality(since=decision.created)

    assert (before.decisions, since.decisions) == (1, decisions_since_last_training()) == (1, 1)
    assert (before.published_but_removed, since.agreed) == (1, 1)


def test_filter_quality_judges_the_filter_not_the_pre_moderation_holds(
    article, post, moderator, mod_client
):
    from masthead.discussion.models import CommentStatus
    from masthead.moderation.models import ModerationMode, ModerationSettings
    from masthead.moderation.services import comments_moderate

    options = ModerationSettings.for_site(article.get_site())
    options.mode = ModerationMode.PRE_ALL  # "Hold every comment for review"
    options.save()
    places = ["harbour", "library", "ferry pier", "school", "bridge"]
    topics = ["timetable", "opening hours", "new benches", "parking plan", "winter lights"]
    comments = [
        post(f"I think the {topic} at the {place} works well for us.", email=f"r{n}@example.com")
        for n, (place, topic) in enumerate((p, t) for p in places for t in topics)
    ]
    assert {comment.status for comment in comments} == {CommentStatus.PENDING}
    # The filter itself would have published every one: the mode held them.
    assert {comment.verdicts.get().filter_action for comment in comments} == {"publish"}

    comments_moderate(comments=comments, action="approve", moderator=moderator)

    quality = selectors.filter_quality()
    assert (quality.decisions, quality.agreed, quality.held_but_approved) == (25, 25, 0)
    page = mod_client.get("/admin/moderation/filter/").content.decode()
    assert "<td>25</td><td>100%</td><td>0</td>" in page


def test_verdicts_held_by_pre_moderation_before_the_upgrade_count_as_published(post):
    import importlib

    from django.apps import apps

    from masthead.moderation.models import CommentVerdict

    comment = post("Ordinary comment on the ferry timetable.")
    held = CommentVerdict.objects.create(
        comment=comment,
        action="hold",
        reasons=["pre-moderation: every comment is reviewed before it is published"],
    )
    CommentVerdict.objects.update(filter_action="")
    migration = importlib.import_module(
        "masthead.moderation.migrations.0014_commentverdict_filter_action"
    )
    migration.derive_filter_actions(apps, None)
    held.refresh_from_db()
    assert held.filter_action == "publish"
    assert set(
        CommentVerdict.objects.exclude(pk=held.pk).values_list("filter_action", flat=True)
    ) == {"publish"}


def test_the_decisions_log_lists_a_lift_once_among_the_decisions_of_its_time(post, moderator):
    from django.utils import timezone

    from masthead.moderation.models import Ban, BanKind
    from masthead.moderation.services import ban_lift

    start = timezone.now() - timedelta(hours=1)
    comments = [post(f"Held comment {n} http://a{n}.example http://b{n}.example") for n in range(3)]
    for minutes, comment in enumerate(comments):
        comment_remove(comment=comment, moderator=moderator, now=start + timedelta(minutes=minutes))
    ban = Ban.objects.create(kind=BanKind.EMAIL, value="x@example.com", created=start)
    ban_lift(ban=ban, moderator=moderator, now=start + timedelta(seconds=30))  # after the first

    pages = [selectors.decisions_log(number, per_page=1)[1] for number in (1, 2, 3)]

    kinds = [[type(entry).__name__ for entry in entries] for entries in pages]
    assert kinds == [["Decision"], ["Decision"], ["BanLifted", "Decision"]]
    assert pages[2][0].ban.lifted_by == moderator and pages[2][0].ban.target == "x@example.com"


@pytest.mark.parametrize("queue", ["reported", "pending", "spam"])
def test_a_queue_reads_its_own_comments_not_every_comment_of_the_site(post, queue, database_vendor):
    from django.db import connection

    from masthead.moderation.models import Report

    if database_vendor != "sqlite":
        pytest.skip("SQLite's plan without statistics; PostgreSQL's planner has its own")
    reported = post("Buy followers at cheap-likes dot com")
    Report.objects.create(comment=reported, reason="spam", reader_key="g-reader-one")
    listed = selectors.queue_comments(queue=queue)
    plans = []
    for query in (listed, listed.order_by().values("pk")):  # the page, and its count
        sql, params = query.query.sql_with_params()
        with connection.cursor() as cursor:
            cursor.execute("EXPLAIN QUERY PLAN " + sql, params)
            plans.append(" ".join(str(row[-1]) for row in cursor.fetchall()))
    assert not any("SCAN discussion_comment" in plan for plan in plans), plans
    if queue == "reported":
        assert [comment.pk for comment in listed] == [reported.pk]


def test_a_site_without_comments_has_nothing_in_its_queues():
    assert selectors.queue_counts() == dict.fromkeys(selectors.QUEUES, 0)
    assert selectors.queue_counts(article_id=1, reason="spam") == dict.fromkeys(selectors.QUEUES, 0)


@pytest.mark.parametrize(
    "filters", [{}, {"article_id": 1}, {"author": "ada"}], ids=["site", "article", "author"]
)
def test_the_queue_counts_read_the_queues_not_every_comment_of_the_site(
    post, filters, database_vendor
):
    """One query counts every tab, each queue through its index: conditional counts over the
    comments in any queue made SQLite read every comment the site ever had."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    if database_vendor != "sqlite":
        pytest.skip("SQLite's plan without statistics; PostgreSQL's planner has its own")
    post("A comment to count", name="Ada")
    with CaptureQueriesContext(connection) as queries:
        counts = selectors.queue_counts(**filters)
    [query] = queries.captured_queries
    assert set(counts) == set(selectors.QUEUES)
    with connection.cursor() as cursor:
        cursor.execute("EXPLAIN QUERY PLAN " + query["sql"])
        plan = [str(row[-1]) for row in cursor.fetchall()]
    # The one row that carries the counts (LIMIT 1) is the only read without an index.
    assert [line for line in plan if line.startswith("SCAN") and "INDEX" not in line] == [
        "SCAN discussion_comment"
    ], plan
    assert query["sql"].endswith("LIMIT 1")
