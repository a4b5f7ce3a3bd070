from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from masthead.discussion import selectors as thread
from masthead.discussion.models import Comment, CommentStatus
from masthead.discussion.readers import Reader
from masthead.moderation.models import Ban, BanKind, CommentVerdict, Decision, DecisionAction
from masthead.moderation.services import (
    ModerationRefused,
    ban_lift,
    comment_approve,
    comment_mark_spam,
    comment_remove,
    comments_moderate,
    decision_batch_undo,
    decision_undo,
    reader_ban,
)
from tests.moderation.conftest import HEATED, SCAM

pytestmark = pytest.mark.django_db


def held(post, text="Links http://a.example http://b.example http://c.example", **kwargs):
    comment = post(text, **kwargs)
    assert comment.status != CommentStatus.PUBLISHED
    return comment


def test_approve_publishes_logs_and_labels(article, post, moderator):
    comment = held(post)
    decision = comment_approve(comment=comment, moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert (decision.action, decision.moderator, decision.label, decision.previous_status) == (
        DecisionAction.APPROVE,
        moderator,
        "ham",
        "pending" if decision.previous_status == "pending" else "spam",
    )
    assert thread.thread_page(article, reader=None).count == 1


def test_approving_a_held_comment_notifies_subscribers(
    article, post, moderator, django_capture_on_commit_callbacks
):
    from masthead.discussion.services import subscription_confirm, subscription_request
    from masthead.discussion.subscription_links import subscription_token

    with django_capture_on_commit_callbacks(execute=True):
        subscription = subscription_request(article=article, email="fan@example.com", kind="all")
    subscription_confirm(token=subscription_token(subscription))
    comment = held(post)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        comment_approve(comment=comment, moderator=moderator)
    assert [m.to for m in mail.outbox] == [["fan@example.com"]]


def test_spam_and_remove_hide_the_comment_and_label_it(article, post, moderator):
    first, second = post(HEATED), post(HEATED, email="b@example.com")
    assert comment_mark_spam(comment=first, moderator=moderator).label == "spam"
    assert comment_remove(comment=second, moderator=moderator, reason="abuse").label == "abuse"
    off_topic = post("Unrelated chatter", email="c@example.com")
    assert comment_remove(comment=off_topic, moderator=moderator, reason="off_topic").label == ""
    assert thread.thread_page(article, reader=None).count == 0


def test_undo_restores_the_comment_and_forgets_the_label(article, post, moderator):
    comment = post(HEATED)
    decision = comment_remove(comment=comment, moderator=moderator)
    decision_undo(decision=decision, moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    decision.refresh_from_db()
    assert decision.undone and decision.undone_by == moderator
    with pytest.raises(ModerationRefused, match="already undone"):
        decision_undo(decision=decision, moderator=moderator)


def test_undo_refuses_when_a_later_decision_changed_the_comment(post, moderator):
    comment = post(HEATED)
    first = comment_remove(comment=comment, moderator=moderator)
    comment_approve(comment=comment, moderator=moderator)
    with pytest.raises(ModerationRefused, match="moderated again"):
        decision_undo(decision=first, moderator=moderator)


def test_ban_takes_effect_on_the_next_post_and_undo_lifts_it(article, post, moderator, make_guest):
    reader = make_guest(ip_hash="troll-address")
    comment = post(HEATED, reader=reader, email="troll@example.com")
    decision = reader_ban(comment=comment, moderator=moderator, days=7, reason="abuse")
    comment.refresh_from_db()
    assert comment.status == CommentStatus.REMOVED
    bans = Ban.objects.filter(decision=decision)
    assert {ban.kind for ban in bans} == {"email", "address"}
    assert all(ban.expires > timezone.now() + timedelta(days=6) for ban in bans)

    from_new_cookie = post(
        "I'm back with a new cookie",
        reader=make_guest(ip_hash="troll-address"),
        email="other@example.com",
    )
    assert from_new_cookie.status == CommentStatus.SPAM
    decision_undo(decision=decision, moderator=moderator)
    assert (
        post(HEATED, reader=make_guest(ip_hash="troll-address"), email="troll@example.com").status
        == CommentStatus.PUBLISHED
    )


def test_a_ban_by_e_mail_on_an_older_comment_covers_the_address_the_account_has_now(
    article, post, moderator, django_user_model
):
    rosa = django_user_model.objects.create_user("rosa", "rosa@example.org", "pw")
    as_rosa = Reader(user=rosa, key=f"u{rosa.pk}", ip_hash="address-9")
    older = post(HEATED, reader=as_rosa)
    rosa.email = "rosa@new.example"  # changed since, before any ban
    rosa.save(update_fields=["email"])

    reader_ban(comment=older, moderator=moderator, kinds=(BanKind.EMAIL,), days=7)

    banned = set(Ban.objects.values_list("kind", "value"))
    assert banned == {("email", "rosa@example.org"), ("email", "rosa@new.example")}
    assert post("Still here.", reader=as_rosa).status == CommentStatus.SPAM


def test_ban_for_good_has_no_end(post, moderator):
    comment = post(HEATED, email="forever@example.com")
    reader_ban(comment=comment, moderator=moderator, days=None)
    assert Ban.objects.filter(value="forever@example.com", expires__isnull=True).exists()


def test_bulk_actions(article, post, moderator):
    comments = [
        held(
            post,
            f"Buy now http://a{n}.example http://b{n}.example http://c{n}.example",
            email=f"s{n}@example.com",
        )
        for n in range(3)
    ]
    outcome = comments_moderate(comments=comments, action="remove", moderator=moderator)
    assert len(outcome.decisions) == 3
    assert Decision.objects.filter(action=DecisionAction.REMOVE).count() == 3
    with pytest.raises(ModerationRefused):
        comments_moderate(comments=comments, action="explode", moderator=moderator)


def test_a_moderators_decision_steers_near_identical_comments_at_once(post, moderator):
    text = "Lovely harbour photos on my page, come and have a look, you will not regret it friends"
    first = post(text, email="first@example.com")
    comment_mark_spam(comment=first, moderator=moderator)
    again = post(text + "!!", email="second@example.com")
    assert again.status == CommentStatus.SPAM
    assert any("moderator" in reason for reason in again.verdicts.first().reasons)


def test_scam_comment_from_the_model_page_lands_in_the_queue_with_reasons(post):
    from masthead.moderation import selectors

    comment = post(SCAM)
    queue = "spam" if comment.status == CommentStatus.SPAM else "pending"
    assert comment in selectors.queue_comments(queue=queue)
    assert comment in selectors.queue_comments(queue=queue, reason="earnings claim")
    assert comment not in selectors.queue_comments(queue=queue, reason="slur")


def test_approving_a_published_unreported_comment_or_marking_spam_twice_changes_nothing(
    post, moderator
):
    from masthead.moderation.services.decisions import ALREADY_DECIDED, AlreadyDecided

    shown = post(HEATED)
    with pytest.raises(AlreadyDecided) as refusal:
        comment_approve(comment=shown, moderator=moderator)
    assert refusal.value.message == ALREADY_DECIDED.format(already="already published")
    spam = post(HEATED, email="s@example.com")
    comment_mark_spam(comment=spam, moderator=moderator)
    with pytest.raises(AlreadyDecided, match="already marked as spam"):
        comment_mark_spam(comment=spam, moderator=moderator)
    # one decision in all: the no-ops are neither logged nor counted as training labels
    assert list(Decision.objects.values_list("comment_id", "action")) == [(spam.pk, "spam")]


def test_approving_a_published_comment_that_readers_reported_dismisses_the_reports(
    post, moderator, make_guest
):
    from masthead.moderation.models import Report
    from masthead.moderation.services import comment_report

    comment = post(HEATED)
    comment_report(comment=comment, reader=make_guest(ip_hash="r1"), reason="abuse")
    decision = comment_approve(comment=comment, moderator=moderator)
    assert decision.action == DecisionAction.APPROVE
    assert not Report.objects.filter(comment=comment, resolved__isnull=True).exists()
    # The log says what it did: the comment was published already.
    assert decision.summary == "Reports dismissed"
    held_one = held(post, email="h@example.com")
    assert comment_approve(comment=held_one, moderator=moderator).summary == "Approved"


def test_bulk_actions_say_which_comments_were_already_so(post, moderator):
    shown, held_one = post(HEATED), held(post, email="h@example.com")
    outcome = comments_moderate(comments=[shown, held_one], action="approve", moderator=moderator)
    assert [d.comment_id for d in outcome.decisions] == [held_one.pk]
    assert (outcome.unchanged, outcome.already) == (1, "already published")


def test_a_bulk_action_is_undone_in_one_step(article, post, moderator, make_guest):
    from masthead.moderation.services import decision_batch_undo

    comments = [
        post(HEATED, email=f"b{n}@example.com", reader=make_guest(ip_hash=f"a{n}"))
        for n in range(3)
    ]
    before = [comment.status for comment in comments]
    outcome = comments_moderate(comments=comments, action="ban", moderator=moderator, days=7)
    batches = {decision.batch for decision in outcome.decisions}
    assert len(batches) == 1 and None not in batches
    decision_undo(decision=outcome.decisions[0], moderator=moderator)  # one by one still works

    undone = decision_batch_undo(batch=batches.pop(), moderator=moderator)
    assert len(undone) == 2
    assert [type(c).objects.get(pk=c.pk).status for c in comments] == before
    assert not Ban.objects.filter(lifted__isnull=True).exists()
    assert Decision.objects.filter(undone__isnull=True).count() == 0
    with pytest.raises(ModerationRefused, match="already undone"):
        decision_batch_undo(batch=outcome.decisions[0].batch, moderator=moderator)


def test_a_single_decision_is_not_a_batch(post, moderator):
    outcome = comments_moderate(comments=[post(HEATED)], action="remove", moderator=moderator)
    assert outcome.decisions[0].batch is None


def test_undoing_a_bulk_action_changes_nothing_once_one_comment_was_moderated_again(
    post, moderator
):
    from masthead.moderation.services import decision_batch_undo

    first, second = post(HEATED), post(HEATED, email="b@example.com")
    outcome = comments_moderate(comments=[first, second], action="remove", moderator=moderator)
    comment_approve(comment=second, moderator=moderator)
    with pytest.raises(ModerationRefused, match="1 of these 2 comments has been moderated again"):
        decision_batch_undo(batch=outcome.decisions[0].batch, moderator=moderator)
    first.refresh_from_db()
    assert first.status == CommentStatus.REMOVED
    assert Decision.objects.filter(undone__isnull=False).count() == 0


def test_undo_refuses_when_a_later_decision_stands_even_with_the_same_status(
    post, moderator, make_guest
):
    comment = post(HEATED, reader=make_guest(ip_hash="troll"))
    removal = comment_remove(comment=comment, moderator=moderator)
    reader_ban(comment=comment, moderator=moderator, days=7)
    with pytest.raises(ModerationRefused, match="moderated again"):
        decision_undo(decision=removal, moderator=moderator)


def test_two_moderators_deciding_one_comment_at_once_log_one_decision(
    post, moderator, django_user_model
):
    """Both loaded the queue while the comment was held; the second click must see the first."""
    from masthead.discussion.models import Comment
    from masthead.moderation.services import AlreadyDecided

    other = django_user_model.objects.create_user("mod2", "mod2@example.com", "pw")
    comment = held(post)
    seen_by_first, seen_by_second = (Comment.objects.get(pk=comment.pk) for _ in range(2))
    comment_approve(comment=seen_by_first, moderator=moderator)
    with pytest.raises(AlreadyDecided, match="already published"):
        comment_approve(comment=seen_by_second, moderator=other)
    outcome = comments_moderate(
        comments=[Comment.objects.get(pk=comment.pk), seen_by_second],
        action="approve",
        moderator=other,
    )
    assert (outcome.decisions, outcome.unchanged) == ([], 2)
    assert Decision.objects.filter(comment=comment).count() == 1


def test_a_later_decision_on_a_stale_comment_records_what_it_really_changed(post, moderator):
    from masthead.discussion.models import Comment

    comment = held(post)
    stale = Comment.objects.get(pk=comment.pk)
    comment_approve(comment=comment, moderator=moderator)
    removal = comment_remove(comment=stale, moderator=moderator)
    assert removal.previous_status == CommentStatus.PUBLISHED
    decision_undo(decision=removal, moderator=moderator)
    comment.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED


def test_banning_the_author_of_a_removed_comment_bans_without_teaching_the_filter_twice(
    post, moderator, make_guest
):
    from masthead.moderation.services.training import labelled_decisions

    comment = post(HEATED, reader=make_guest(ip_hash="troll"), email="troll@example.com")
    comment_remove(comment=comment, moderator=moderator, reason="abuse")
    ban = reader_ban(comment=comment, moderator=moderator, days=7)
    assert (ban.action, ban.label) == (DecisionAction.BAN, "")
    assert [(d.comment_id, d.label) for d in labelled_decisions()] == [(comment.pk, "abuse")]
    assert Ban.objects.filter(decision=ban, lifted__isnull=True).count() == 2
    again = post(HEATED, reader=make_guest(ip_hash="troll"), email="troll@example.com")
    assert again.status == CommentStatus.SPAM


def test_a_ban_that_changes_the_comment_still_teaches_the_filter(post, moderator, make_guest):
    comment = post(HEATED, reader=make_guest(ip_hash="troll"))
    comment_remove(comment=comment, moderator=moderator, reason="off_topic")
    assert reader_ban(comment=comment, moderator=moderator, days=7).label == "abuse"
    spammer = post(HEATED, reader=make_guest(ip_hash="spammer"), email="s@example.com")
    comment_remove(comment=spammer, moderator=moderator, reason="abuse")
    assert reader_ban(comment=spammer, moderator=moderator, days=7, as_spam=True).label == "spam"


def test_dismissing_new_reports_on_an_approved_comment_teaches_the_filter_nothing_new(
    post, moderator, make_guest
):
    from masthead.moderation.services import comment_report

    comment = held(post)
    comment_approve(comment=comment, moderator=moderator)
    comment_report(comment=comment, reader=make_guest(ip_hash="r1"), reason="abuse")
    assert comment_approve(comment=comment, moderator=moderator).label == ""
    assert list(Decision.objects.exclude(label="").values_list("label", flat=True)) == ["ham"]


def test_a_bulk_action_checks_once_whether_retraining_is_due(post, moderator, monkeypatch):
    from masthead.moderation.services import training

    checks = []
    real_check = training.filter_retrain_due
    monkeypatch.setattr(training, "filter_retrain_due", lambda: checks.append(1) or real_check())
    comments = [post(HEATED, email=f"b{n}@example.com") for n in range(5)]
    comments_moderate(comments=comments, action="spam", moderator=moderator)
    assert len(checks) == 1
    comment_approve(comment=comments[0], moderator=moderator)
    assert len(checks) == 2


def test_a_bulk_action_recounts_each_thread_once_and_right(article, post, moderator):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    views = [
        "The bridge is late and over budget.",
        "Ferries did the job for a century.",
        "Cyclists will love the new lanes.",
        "Who pays for the upkeep afterwards?",
        "The council should publish the contract.",
        "I walked it yesterday: solid work.",
    ]
    comments = [post(view, email=f"r{n}@example.com") for n, view in enumerate(views)]
    assert thread.thread_stats(article.pk).published_count == 6
    with CaptureQueriesContext(connection) as queries:
        outcome = comments_moderate(comments=comments[:4], action="spam", moderator=moderator)
    assert len(outcome.decisions) == 4
    recounts = [q["sql"] for q in queries if "COUNT(" in q["sql"] and "featured_at" in q["sql"]]
    assert len(recounts) == 1
    stats = thread.thread_stats(article.pk)
    assert stats.published_count == 2 and stats.latest_comment_id == comments[-1].pk


def test_banning_a_spammer_keeps_the_comment_spam_and_teaches_spam(post, moderator, make_guest):
    from masthead.moderation.services.training import labelled_decisions

    scam = post(SCAM, reader=make_guest(ip_hash="scammer"), email="scam@example.net")
    scam.status = CommentStatus.SPAM  # the filter put it in the Spam queue
    scam.save(update_fields=["status"])
    ban = reader_ban(comment=scam, moderator=moderator, days=7, reason="crypto scam")
    scam.refresh_from_db()
    assert scam.status == CommentStatus.SPAM
    assert (ban.label, ban.summary) == ("spam", "Marked as spam and banned the author")

    marked = post(
        "Cheap moorings, text me", reader=make_guest(ip_hash="s2"), email="s2@example.net"
    )
    comment_mark_spam(comment=marked, moderator=moderator)
    assert reader_ban(comment=marked, moderator=moderator, days=7).label == ""  # spam already
    marked.refresh_from_db()
    assert marked.status == CommentStatus.SPAM
    assert {d.comment_id: d.label for d in labelled_decisions()} == {
        scam.pk: "spam",
        marked.pk: "spam",
    }


def test_banning_for_abuse_removes_and_teaches_abuse_unless_asked_as_a_spammer(
    post, moderator, make_guest
):
    troll = post(HEATED, reader=make_guest(ip_hash="troll"), email="t@example.com")
    ban = reader_ban(comment=troll, moderator=moderator, days=7)
    assert (ban.new_status, ban.label) == (CommentStatus.REMOVED, "abuse")
    assert ban.summary == "Removed and banned the author"

    seller = post("Cheap moorings, text me", reader=make_guest(ip_hash="s"), email="s@example.com")
    ban = reader_ban(comment=seller, moderator=moderator, days=7, as_spam=True)
    assert (ban.new_status, ban.label) == (CommentStatus.SPAM, "spam")


def test_undoing_a_ban_again_lifts_what_it_made_and_nothing_else(
    article, post, moderator, make_guest
):
    """Undoing "Ban again" is undoing a ban: the bans it made are lifted (who and when kept),
    once; undoing the decision whose bans it made again lifts them too."""
    import importlib

    from django.apps import apps

    from masthead.moderation.services import ban_lift, ban_reinstate, ban_reinstate_undo
    from masthead.moderation.services.decisions import BAN_ALREADY_LIFTED, NOT_BANNED_AGAIN

    now = timezone.now()
    comment = post(HEATED, reader=make_guest(ip_hash="troll-address"), email="t@example.com")
    decision = reader_ban(comment=comment, moderator=moderator, days=7, now=now)
    email_ban = Ban.objects.get(decision=decision, kind=BanKind.EMAIL)
    with pytest.raises(ModerationRefused, match=NOT_BANNED_AGAIN):
        ban_reinstate_undo(ban=email_ban, moderator=moderator)
    ban_lift(ban=email_ban, moderator=moderator, now=now + timedelta(hours=1))
    again = ban_reinstate(ban=email_ban, moderator=moderator, now=now + timedelta(hours=2))
    assert again.reinstates == email_ban

    [lifted] = ban_reinstate_undo(ban=again, moderator=moderator, now=now + timedelta(hours=3))
    assert (lifted.pk, lifted.lifted, lifted.lifted_by) == (
        again.pk,
        now + timedelta(hours=3),
        moderator,
    )
    assert not Ban.objects.filter(Ban.active_q(timezone.now()), kind=BanKind.EMAIL).exists()
    with pytest.raises(ModerationRefused, match=BAN_ALREADY_LIFTED):
        ban_reinstate_undo(ban=again, moderator=moderator)

    # Made again once more, then its decision undone: the decision's bans go, these too.
    again = ban_reinstate(ban=lifted, moderator=moderator, now=now + timedelta(hours=4))
    decision_undo(decision=decision, moderator=moderator)
    again.refresh_from_db()
    assert again.lifted is not None

    # Bans made again before they said so are found by the migration: later than their decision.
    Ban.objects.update(reinstates=None)
    migration = importlib.import_module("masthead.moderation.migrations.0021_ban_reinstates")
    migration.link_bans_made_again(apps, None)
    made_again = Ban.objects.filter(reinstates__isnull=False).order_by("id")
    assert [(ban.pk, ban.reinstates_id) for ban in made_again] == [
        (Ban.objects.filter(kind=BanKind.EMAIL).order_by("id")[1].pk, email_ban.pk),
        (again.pk, lifted.pk),
    ]


def test_undoing_a_ban_puts_back_for_review_the_comments_it_sent_to_spam(
    article, post, moderator, make_guest
):
    address = "banned-address"
    filtered = post("Thanks, see my site", reader=make_guest(ip_hash=address), honeypot="x.example")
    assert filtered.status == CommentStatus.SPAM  # the filter's own judgement, before any ban
    comment = post(HEATED, reader=make_guest(ip_hash=address), email="troll@example.com")
    decision = reader_ban(comment=comment, moderator=moderator, days=7)
    while_banned = [
        post(f"Still here, day {day}", reader=make_guest(ip_hash=address)) for day in (1, 2)
    ]
    assert {c.status for c in while_banned} == {CommentStatus.SPAM}
    # A moderator looked at the second one and judged it spam on its own words.
    comment_approve(comment=while_banned[1], moderator=moderator)
    comment_mark_spam(comment=while_banned[1], moderator=moderator)

    decision_undo(decision=decision, moderator=moderator)

    for item in (comment, filtered, *while_banned):
        item.refresh_from_db()
    assert comment.status == CommentStatus.PUBLISHED
    assert while_banned[0].status == CommentStatus.PENDING
    assert while_banned[1].status == CommentStatus.SPAM
    assert filtered.status == CommentStatus.SPAM
    [release] = Decision.objects.filter(action=DecisionAction.RELEASE)
    assert release.comment == while_banned[0] and release.moderator == moderator
    assert (release.previous_status, release.new_status) == ("spam", "pending")
    assert release.label == ""  # nobody has judged its words: nothing for the filter to learn
    assert release.note == "the ban on its author was undone"

    decision_undo(decision=release, moderator=moderator)  # undone like any decision
    while_banned[0].refresh_from_db()
    assert while_banned[0].status == CommentStatus.SPAM


def test_undoing_a_ban_leaves_in_spam_what_another_standing_ban_still_bars(
    post, moderator, make_guest
):
    first = post(HEATED, reader=make_guest(ip_hash="shared"), email="troll@example.com")
    second = post("Another one", reader=make_guest(ip_hash="shared"), email="troll@example.com")
    undone = reader_ban(comment=first, moderator=moderator, kinds=(BanKind.ADDRESS,))
    later = post("Still here", reader=make_guest(ip_hash="shared"), email="troll@example.com")
    assert later.status == CommentStatus.SPAM
    reader_ban(comment=second, moderator=moderator, kinds=(BanKind.EMAIL,))

    decision_undo(decision=undone, moderator=moderator)

    later.refresh_from_db()
    assert later.status == CommentStatus.SPAM
    assert not Decision.objects.filter(action=DecisionAction.RELEASE).exists()


def test_two_bans_of_one_reader_undone_one_after_the_other_put_their_comment_back(
    post, moderator, make_guest
):
    first = post(HEATED, reader=make_guest(ip_hash="shared"), email="troll@example.com")
    second = post("Another one", reader=make_guest(ip_hash="shared"), email="troll@example.com")
    by_address = reader_ban(comment=first, moderator=moderator, kinds=(BanKind.ADDRESS,))
    by_email = reader_ban(comment=second, moderator=moderator, kinds=(BanKind.EMAIL,))
    later = post("Still here", reader=make_guest(ip_hash="shared"), email="troll@example.com")
    assert later.status == CommentStatus.SPAM

    decision_undo(decision=by_address, moderator=moderator)
    later.refresh_from_db()
    assert later.status == CommentStatus.SPAM  # the ban by e-mail still bars its author
    undone = decision_undo(decision=by_email, moderator=moderator)

    later.refresh_from_db()
    assert later.status == CommentStatus.PENDING
    assert [release.comment for release in undone.released] == [later]


def test_undoing_a_ban_leaves_in_spam_what_a_ban_lifted_by_hand_barred(post, moderator, make_guest):
    """A ban lifted by hand lets its reader comment again from then on; what they posted while
    it stood stays in spam, even once the other ban of theirs is undone."""
    first = post(HEATED, reader=make_guest(ip_hash="shared"), email="troll@example.com")
    second = post("Another one", reader=make_guest(ip_hash="shared"), email="troll@example.com")
    by_address = reader_ban(comment=first, moderator=moderator, kinds=(BanKind.ADDRESS,))
    by_email = reader_ban(comment=second, moderator=moderator, kinds=(BanKind.EMAIL,))
    later = post("Still here", reader=make_guest(ip_hash="shared"), email="troll@example.com")
    assert later.status == CommentStatus.SPAM
    address_ban = Ban.objects.get(decision=by_address)
    assert CommentVerdict.objects.get(comment=later).ban == address_ban

    ban_lift(ban=address_ban, moderator=moderator)
    undone = decision_undo(decision=by_email, moderator=moderator)

    later.refresh_from_db()
    assert later.status == CommentStatus.SPAM
    assert undone.released == []


def test_undoing_a_bulk_ban_in_one_step_puts_back_what_its_author_posted_while_banned(
    post, moderator, make_guest
):
    first = post(HEATED, reader=make_guest(ip_hash="shared"), email="troll@example.com")
    second = post("Another one", reader=make_guest(ip_hash="shared"), email="troll@example.com")
    comments_moderate(comments=[first, second], action="ban", moderator=moderator)
    later = post("Still here", reader=make_guest(ip_hash="shared"), email="troll@example.com")
    assert later.status == CommentStatus.SPAM

    undone = decision_batch_undo(
        batch=Decision.objects.get(comment=first).batch, moderator=moderator
    )

    later.refresh_from_db()
    assert later.status == CommentStatus.PENDING
    assert not Ban.objects.filter(lifted__isnull=True).exists()
    assert [r.comment for decision in undone for r in decision.released] == [later]


def test_undoing_a_ban_leaves_in_spam_what_an_older_full_address_ban_still_bars(
    post, moderator, make_guest
):
    """An address ban made before IPv6 counted per /64 holds the hash of one full address; a new
    comment is barred by it, and undoing another ban on that reader does not release it."""
    ipv6 = {"ip_hash": "network-hash", "address_hash": "full-address-hash"}

    def from_ipv6():
        return Reader(user=None, key=f"g-{Ban.objects.count()}-{Comment.objects.count()}", **ipv6)

    first, second = post(HEATED, reader=from_ipv6()), post("Another one", reader=from_ipv6())
    older, undone = (
        reader_ban(comment=comment, moderator=moderator, kinds=(BanKind.ADDRESS,))
        for comment in (first, second)
    )
    # Both made before the change: they hold the full address's hash.
    Ban.objects.filter(decision__in=[older, undone]).update(
        value=ipv6["address_hash"], legacy_address=True
    )
    later = post("Still here", reader=from_ipv6())
    assert later.status == CommentStatus.SPAM
    assert later.verdicts.get().ban.decision == older  # named first: made first, for as long

    decision_undo(decision=older, moderator=moderator)

    later.refresh_from_db()
    assert later.status == CommentStatus.SPAM  # the other full-address ban still bars its author
    assert not Decision.objects.filter(action=DecisionAction.RELEASE).exists()
    decision_undo(decision=undone, moderator=moderator)
    later.refresh_from_db()
    assert later.status == CommentStatus.PENDING
