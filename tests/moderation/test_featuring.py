"""Featured comments ("Editors' picks"): moderators feature and unfeature published comments."""

from datetime import timedelta

import pytest

from masthead.discussion import selectors as thread
from masthead.discussion.models import Comment, CommentStatus
from masthead.discussion.services import comment_delete
from masthead.moderation import selectors
from masthead.moderation.models import Decision, DecisionAction
from masthead.moderation.services import (
    AlreadyDecided,
    ModerationRefused,
    comment_approve,
    comment_feature,
    comment_mark_spam,
    comment_remove,
    comment_report,
    comment_unfeature,
    comments_moderate,
    decision_undo,
    reader_ban,
)
from masthead.moderation.services.featuring import ENDED_BY_EDIT, NOT_FEATURABLE
from masthead.moderation.services.training import (
    decisions_since_last_training,
    labelled_decisions,
)
from tests.moderation.conftest import HEATED

pytestmark = pytest.mark.django_db


def fresh(comment) -> Comment:
    return Comment.objects.get(pk=comment.pk)


OPINIONS = [
    "The footpath should run on the sea side of the bridge.",
    "Spring is optimistic; the last bridge took three years.",
    "Good to see the council listen to the residents for once.",
    "Will the tolls pay for the upkeep, or only for the loan?",
]


def picks(article) -> list[int]:
    return [pick.pk for pick in thread.featured_comments(article.pk)]


def test_featuring_records_who_and_when_and_logs_it_without_a_training_label(
    article, post, moderator
):
    comment = post("The footpath should run on the sea side of the bridge.")
    decision = comment_feature(comment=comment, moderator=moderator)

    featured = fresh(comment)
    assert featured.is_featured
    assert (featured.featured_by, featured.featured_at) == (moderator, decision.created)
    assert (decision.action, decision.moderator, decision.label) == (
        DecisionAction.FEATURE,
        moderator,
        "",
    )
    assert decision.previous_status == decision.new_status == CommentStatus.PUBLISHED
    assert picks(article) == [comment.pk]


def test_a_reply_can_be_featured(article, post, moderator):
    top = post("Will there be a footpath?")
    reply = post("Yes, on the sea side: page 4 of the plan.", parent_id=top.pk)
    comment_feature(comment=reply, moderator=moderator)
    assert picks(article) == [reply.pk]


def test_featuring_changes_no_retraining_count_nor_filter_quality(article, post, moderator):
    held = post("Links http://a.example http://b.example http://c.example")
    comment_approve(comment=held, moderator=moderator)
    before = (
        list(labelled_decisions()),
        decisions_since_last_training(),
        selectors.retraining_progress(),
        selectors.filter_quality(),
    )
    shown = post("The council got this one right.", email="b@example.com")
    for comment in (held, shown):
        comment_feature(comment=comment, moderator=moderator)
    comment_unfeature(comment=shown, moderator=moderator)
    after = (
        list(labelled_decisions()),
        decisions_since_last_training(),
        selectors.retraining_progress(),
        selectors.filter_quality(),
    )
    assert after == before
    assert Decision.objects.filter(label="").count() == 3


def test_featuring_does_not_ask_whether_retraining_is_due(post, moderator, monkeypatch):
    from masthead.moderation.services import training

    checks = []
    monkeypatch.setattr(training, "filter_retrain_due", lambda: checks.append(1) or False)
    comments = [post(text) for text in OPINIONS[:2]]
    comments_moderate(comments=comments, action="feature", moderator=moderator)
    comment_feature(comment=post(OPINIONS[2]), moderator=moderator)
    assert checks == []


def test_only_published_comments_can_be_featured(post, moderator, make_guest):
    held = post("Links http://a.example http://b.example http://c.example")
    assert held.status != CommentStatus.PUBLISHED
    with pytest.raises(ModerationRefused, match="Only published comments can be featured"):
        comment_feature(comment=held, moderator=moderator)

    author = make_guest()
    withdrawn = post("Second thoughts", reader=author)
    comment_delete(comment=withdrawn, reader=author, now=withdrawn.created + timedelta(minutes=1))
    with pytest.raises(ModerationRefused) as refusal:
        comment_feature(comment=withdrawn, moderator=moderator)
    assert refusal.value.message == NOT_FEATURABLE.format(state="deleted by its author")
    assert not Decision.objects.filter(action=DecisionAction.FEATURE).exists()


def test_featuring_twice_or_unfeaturing_what_is_not_featured_changes_nothing(post, moderator):
    comment = post(HEATED)
    with pytest.raises(AlreadyDecided, match="not featured"):
        comment_unfeature(comment=comment, moderator=moderator)
    comment_feature(comment=comment, moderator=moderator)
    with pytest.raises(AlreadyDecided, match="already featured"):
        comment_feature(comment=comment, moderator=moderator)
    assert Decision.objects.filter(comment=comment).count() == 1


def test_unfeaturing_keeps_the_comment_in_the_thread(article, post, moderator):
    comment = post(HEATED)
    comment_feature(comment=comment, moderator=moderator)
    decision = comment_unfeature(comment=comment, moderator=moderator)
    unfeatured = fresh(comment)
    assert (unfeatured.featured_at, unfeatured.featured_by, unfeatured.status) == (
        None,
        None,
        CommentStatus.PUBLISHED,
    )
    assert decision.action == DecisionAction.UNFEATURE and decision.label == ""
    assert picks(article) == []
    assert [c.pk for c in thread.thread_page(article, reader=None).comments] == [comment.pk]


def test_the_log_names_a_deleted_moderator_as_such_not_as_what_acts_without_one(
    post, moderator, django_user_model
):
    comment = post(HEATED)
    comment_feature(comment=comment, moderator=moderator)
    comment_unfeature(comment=comment, moderator=moderator)
    django_user_model.objects.filter(pk=moderator.pk).delete()
    log = [d.made_by for d in Decision.objects.filter(comment=comment)]
    assert log == ["a deleted account", "a deleted account"]  # not "its author's edit"


@pytest.mark.parametrize("take_down", ["remove", "spam", "ban"])
def test_a_featured_comment_taken_down_stops_being_featured_and_undo_brings_it_back(
    article, post, moderator, make_guest, take_down
):
    comment = post(HEATED, reader=make_guest(ip_hash="author"))
    comment_feature(comment=comment, moderator=moderator)
    decision = {
        "remove": lambda: comment_remove(comment=fresh(comment), moderator=moderator),
        "spam": lambda: comment_mark_spam(comment=fresh(comment), moderator=moderator),
        "ban": lambda: reader_ban(comment=fresh(comment), moderator=moderator, days=7),
    }[take_down]()
    assert fresh(comment).featured_at is None and picks(article) == []

    decision_undo(decision=decision, moderator=moderator)
    assert fresh(comment).is_featured and picks(article) == [comment.pk]


def test_a_comment_approved_again_after_its_removal_is_not_featured_again(article, post, moderator):
    comment = post(HEATED)
    comment_feature(comment=comment, moderator=moderator)
    comment_remove(comment=fresh(comment), moderator=moderator)
    comment_approve(comment=fresh(comment), moderator=moderator)
    assert fresh(comment).featured_at is None and picks(article) == []


def test_a_featured_comment_deleted_by_its_author_stops_being_featured(
    article, post, moderator, make_guest
):
    author = make_guest()
    comment = post(HEATED, reader=author)
    comment_feature(comment=comment, moderator=moderator)
    comment_delete(
        comment=fresh(comment), reader=author, now=comment.created + timedelta(minutes=2)
    )
    assert fresh(comment).featured_at is None and picks(article) == []
    assert thread.thread_stats(article.pk).featured_count == 0


def test_undoing_a_pick_or_its_withdrawal(article, post, moderator):
    comment = post(HEATED)
    pick = comment_feature(comment=comment, moderator=moderator)
    decision_undo(decision=pick, moderator=moderator)
    assert fresh(comment).featured_at is None and picks(article) == []

    comment_feature(comment=comment, moderator=moderator)
    featured_at = fresh(comment).featured_at
    withdrawal = comment_unfeature(comment=comment, moderator=moderator)
    decision_undo(decision=withdrawal, moderator=moderator)
    restored = fresh(comment)
    assert (restored.featured_at, restored.featured_by) == (featured_at, moderator)
    assert picks(article) == [comment.pk]


def test_a_pick_hidden_by_readers_reports_leaves_the_picks_until_a_moderator_approves_it(
    article, post, moderator, make_guest
):
    from masthead.moderation.models import ModerationSettings

    options = ModerationSettings.for_site(article.get_site())
    options.report_threshold = 1
    options.save()
    comment = post(HEATED)
    comment_feature(comment=comment, moderator=moderator)
    comment_report(comment=fresh(comment), reader=make_guest(ip_hash="r1"), reason="abuse")
    assert fresh(comment).status == CommentStatus.PENDING and picks(article) == []
    assert not fresh(comment).is_featured
    # Reports cannot knock a pick out of the picks: the moderator's approval brings it back.
    comment_approve(comment=fresh(comment), moderator=moderator)
    assert picks(article) == [comment.pk]


def test_a_pick_changes_the_threads_version_and_its_featured_count(article, post, moderator):
    comment = post(HEATED)
    before = thread.thread_stats(article.pk)
    assert before.featured_count == 0
    comment_feature(comment=comment, moderator=moderator)
    after = thread.thread_stats(article.pk)
    assert (after.featured_count, after.version > before.version) == (1, True)
    comment_unfeature(comment=comment, moderator=moderator)
    last = thread.thread_stats(article.pk)
    assert (last.featured_count, last.version > after.version) == (0, True)


def test_a_page_of_the_thread_carries_the_picks_the_latest_first(article, post, moderator):
    first, second, third = (post(text) for text in OPINIONS[:3])
    comment_feature(comment=second, moderator=moderator)
    comment_feature(comment=first, moderator=moderator)
    page = thread.thread_page(article, reader=None, sort="oldest", with_featured=True)
    assert [pick.pk for pick in page.featured] == [first.pk, second.pk]
    assert [c.pk for c in page.comments] == [first.pk, second.pk, third.pk]  # the reader's sort
    assert thread.thread_page(article, reader=None).featured == []  # only when asked


def test_featuring_in_bulk_is_one_batch_and_says_which_were_already_featured(post, moderator):
    from masthead.moderation.services import decision_batch_undo

    featured, *others = (post(text) for text in OPINIONS[:3])
    comment_feature(comment=featured, moderator=moderator)
    outcome = comments_moderate(comments=[featured, *others], action="feature", moderator=moderator)
    assert (len(outcome.decisions), outcome.unchanged, outcome.already) == (
        2,
        1,
        "already featured",
    )
    decision_batch_undo(batch=outcome.decisions[0].batch, moderator=moderator)
    assert [fresh(c).featured_at is None for c in (featured, *others)] == [False, True, True]


def edit(comment, author, body, *, minutes=2):
    from masthead.discussion.services import comment_edit

    return comment_edit(
        comment=fresh(comment),
        reader=author,
        body=body,
        now=comment.created + timedelta(minutes=minutes),
    )


def test_an_authors_edit_ends_the_pick_and_the_log_says_so(article, post, moderator, make_guest):
    author = make_guest()
    comment = post(OPINIONS[0], reader=author)
    comment_feature(comment=comment, moderator=moderator)
    edit(comment, author, f"  {OPINIONS[0]}\n", minutes=1)  # the same words keep the pick
    assert fresh(comment).is_featured and picks(article) == [comment.pk]
    before = thread.thread_stats(article.pk)

    edit(comment, author, "Buy cheap watches, see my profile.")

    edited = fresh(comment)
    assert (edited.featured_at, edited.featured_by, edited.status) == (
        None,
        None,
        CommentStatus.PUBLISHED,
    )
    assert picks(article) == []
    after = thread.thread_stats(article.pk)  # cached pages and the API's change with the version
    assert (after.featured_count, after.version > before.version) == (0, True)
    ended = Decision.objects.filter(comment=comment).order_by("-id").first()
    assert (ended.action, ended.moderator, ended.label, ended.note) == (
        DecisionAction.UNFEATURE,
        None,
        "",
        ENDED_BY_EDIT,
    )
    assert ended.made_by == "its author's edit"
    assert ended.created == comment.created + timedelta(minutes=2)

    edit(comment, author, "Watches, cheap, on my profile.", minutes=3)  # no pick left to end
    assert Decision.objects.filter(comment=comment).count() == 2

    # A moderator who reads the new text may pick it again.
    comment_feature(comment=fresh(comment), moderator=moderator)
    assert picks(article) == [comment.pk]


def test_undoing_the_end_of_a_pick_by_an_edit_brings_back_the_pick_with_the_new_text(
    article, post, moderator, make_guest
):
    author = make_guest()
    comment = post(OPINIONS[0], reader=author)
    comment_feature(comment=comment, moderator=moderator)
    featured_at = fresh(comment).featured_at
    edit(comment, author, "The footpath should run on the sea side, and a cycle lane too.")
    ended = Decision.objects.get(comment=comment, action=DecisionAction.UNFEATURE)

    decision_undo(decision=ended, moderator=moderator)

    restored = fresh(comment)
    assert (restored.featured_at, restored.featured_by) == (featured_at, moderator)
    assert [pick.body for pick in thread.featured_comments(article.pk)] == [restored.body]


def test_an_edit_held_for_review_ends_the_pick_and_its_undo_publishes_nothing(
    article, post, moderator, make_guest
):
    author = make_guest()
    comment = post(OPINIONS[0], reader=author)
    comment_feature(comment=comment, moderator=moderator)
    edit(comment, author, "Links http://a.example http://b.example http://c.example")
    held = fresh(comment)
    assert (held.status, held.featured_at) == (CommentStatus.PENDING, None)
    assert selectors.queue_comments(queue="featured").count() == 0

    ended = Decision.objects.get(comment=comment, action=DecisionAction.UNFEATURE)
    decision_undo(decision=ended, moderator=moderator)
    assert fresh(comment).status == CommentStatus.PENDING and picks(article) == []
