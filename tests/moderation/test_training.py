"""The filter learns from the moderators' decisions and is replaced only if it does no worse."""

import pytest

from masthead.discussion.models import Comment, CommentStatus
from masthead.moderation import conf
from masthead.moderation.models import Decision, DecisionAction, FilterVersion
from masthead.moderation.services import filter_retrain
from masthead.moderation.services.assessing import (
    current_filter_path,
    current_models,
    forget_current_filter,
)

pytestmark = pytest.mark.django_db

SITE_SPAM = [
    "Harbour boat tickets half price only at my shop, message me on whatsapp for the code {}",
    "Cheap moorings for sale, private seller, text me now for a deal {}",
    "Fishing trips discount this weekend only, dm me for booking {}",
]
SITE_HAM = [
    "The ferry change helps islanders get to the clinic in winter, good decision {}",
    "I disagree with the council about parking, but the cycle lane figures are convincing {}",
    "Thanks for reporting the seabird count, the kittiwake news is lovely {}",
]


def decide(article, text, label, moderator, n):
    comment = Comment.objects.create(
        article=article,
        author_name=f"R{n}",
        author_email=f"r{n}@example.com",
        reader_key=f"k{n}",
        body=text,
        body_html=text,
        status=CommentStatus.PUBLISHED,
        created=article.first_published_at,
    )
    action = {"spam": DecisionAction.SPAM, "ham": DecisionAction.APPROVE}[label]
    return Decision.objects.create(
        comment=comment,
        action=action,
        moderator=moderator,
        previous_status="pending",
        new_status=comment.status,
        body=text,
        label=label,
    )


def pending_comment(article, text, n):
    return Comment.objects.create(
        article=article,
        author_name=f"P{n}",
        author_email=f"p{n}@example.com",
        reader_key=f"p{n}",
        body=text,
        body_html=text,
        status=CommentStatus.PENDING,
        created=article.first_published_at,
    )


@pytest.fixture
def filters_home(settings, tmp_path):
    settings.MASTHEAD_HOME = tmp_path
    forget_current_filter()
    yield tmp_path
    forget_current_filter()


def test_too_few_decisions_are_refused(article, moderator, filters_home):
    for n in range(5):
        decide(article, SITE_SPAM[0].format(n), "spam", moderator, n)
    version = filter_retrain()
    assert not version.promoted and "needs at least" in version.metrics["refused"]
    assert current_filter_path() is None


def test_a_refusal_says_how_many_decisions_retraining_needs(article, moderator, filters_home):
    for n in range(8):
        decide(article, SITE_SPAM[0].format(n), "spam", moderator, n)
    version = filter_retrain()
    # It said "only 0 decisions to learn from (at least 20 needed)" after eight decisions.
    assert version.metrics["refused"].startswith("8 decisions so far: retraining needs at least 30")


@pytest.mark.parametrize("held_out_share", [conf.HELD_OUT_SHARE, 0.5])
def test_the_decisions_said_to_be_needed_are_exactly_those_retraining_needs(
    article, moderator, filters_home, monkeypatch, held_out_share
):
    from masthead.moderation.selectors import retraining_progress

    monkeypatch.setattr(conf, "HELD_OUT_SHARE", held_out_share)
    needed = retraining_progress().needed
    for n in range(needed - 1):
        decide(article, SITE_SPAM[n % 3].format(n), ("spam", "ham")[n % 2], moderator, n)
    assert retraining_progress() == type(retraining_progress())(needed - 1, needed)
    assert "refused" in filter_retrain().metrics
    decide(article, SITE_HAM[0].format("last"), "ham", moderator, needed)
    assert retraining_progress().ready
    assert "refused" not in filter_retrain().metrics


def test_retraining_on_site_decisions_promotes_a_model_that_does_no_worse(
    article, moderator, filters_home
):
    n = 0
    for round_ in range(8):
        for template in SITE_SPAM:
            decide(article, template.format(round_), "spam", moderator, n)
            n += 1
        for template in SITE_HAM:
            decide(article, template.format(round_), "ham", moderator, n)
            n += 1
    version = filter_retrain()
    spam = version.metrics["spam"]
    assert spam["after"]["f1"] >= spam["before"]["f1"]
    assert version.promoted and version.is_current
    assert (filters_home / version.directory / "spam.npz").exists()
    forget_current_filter()
    assert current_filter_path() == str(filters_home / version.directory)
    assert current_models().spam.predict_proba(SITE_SPAM[1].format(99)) > 0.5


def test_a_worse_model_is_refused(article, moderator, filters_home, monkeypatch):
    from masthead.moderation.services import training

    n = 0
    for round_ in range(8):
        for template in SITE_SPAM:
            decide(article, template.format(round_), "spam", moderator, n)
            n += 1
        for template in SITE_HAM:
            decide(article, template.format(round_), "ham", moderator, n)
            n += 1

    def sabotaged(kind, base, texts, labels):  # a candidate that learned the labels backwards
        return training.core_train().adapt(
            base,
            texts,
            [1 - label for label in labels],
            [conf.SITE_WEIGHT] * len(texts),
            prior=0.01,
        )

    monkeypatch.setattr(training, "_train", sabotaged)
    version = filter_retrain()
    assert not version.promoted and not version.metrics["spam"]["promoted"]
    assert not FilterVersion.objects.filter(is_current=True).exists()


def test_after_a_bulk_approval_a_model_is_still_judged_on_spam_too(
    article, moderator, filters_home, monkeypatch
):
    from masthead.moderation.services import training

    n = 0
    for round_ in range(8):
        for template in SITE_SPAM:
            decide(article, template.format(round_), "spam", moderator, n)
            n += 1
        for template in SITE_HAM:
            decide(article, template.format(round_), "ham", moderator, n)
            n += 1
    for round_ in range(10):  # then a bulk approval: the newest decisions are all "ham"
        decide(article, SITE_HAM[round_ % 3].format(100 + round_), "ham", moderator, n)
        n += 1

    def sabotaged(kind, base, texts, labels):  # a candidate that learned the labels backwards
        return training.core_train().adapt(
            base,
            texts,
            [1 - label for label in labels],
            [conf.SITE_WEIGHT] * len(texts),
            prior=0.01,
        )

    monkeypatch.setattr(training, "_train", sabotaged)
    version = filter_retrain()
    # Judged on approvals alone, it "did no worse" (F1 0 before and after) and was put in use;
    # judged on the newest spam decisions too, it is seen to be worse and refused.
    assert version.judged and version.metrics["spam"]["promoted"] is False
    assert not version.promoted
    assert not FilterVersion.objects.filter(is_current=True).exists()


def test_retraining_after_bulk_actions_learns_from_them(
    article, moderator, filters_home, mod_client, django_capture_on_commit_callbacks
):
    """A moderator's walkthrough: bulk-approve 14, bulk-spam 5, approve 14 more, bulk-spam 12.
    Each automatic retraining found the newest decisions (kept aside to judge it) all of one kind
    and learnt nothing."""
    from masthead.moderation.models import ModerationSettings
    from masthead.moderation.services import comments_moderate
    from masthead.moderation.services.training import decisions_since_last_training

    options = ModerationSettings.for_site(article.get_site())
    options.retrain_after = 10
    options.save()
    n = 0
    for action, count in (("approve", 14), ("spam", 5), ("approve", 14), ("spam", 12)):
        templates = SITE_HAM if action == "approve" else SITE_SPAM
        comments = []
        for _ in range(count):
            comments.append(pending_comment(article, templates[n % 3].format(n), n))
            n += 1
        with django_capture_on_commit_callbacks(execute=True):
            comments_moderate(comments=comments, action=action, moderator=moderator)

    runs = list(FilterVersion.objects.order_by("created"))
    assert "refused" in runs[0].metrics  # 14 decisions: too few
    assert all(run.judged for run in runs[1:]) and len(runs) == 3
    newest = runs[-1]
    assert newest.promoted and newest.is_current
    assert newest.metrics["spam"]["after"]["f1"] >= newest.metrics["spam"]["before"]["f1"]
    assert newest.trained_on + newest.held_out == 45
    assert decisions_since_last_training() == 0
    page = mod_client.get("/admin/moderation/filter/").content.decode()
    assert "learnt nothing" not in page
    assert "before the last retraining" in page


def test_enough_new_decisions_queue_a_retraining(
    article, post, moderator, filters_home, django_capture_on_commit_callbacks
):
    from masthead.moderation.models import ModerationSettings
    from masthead.moderation.services import comment_mark_spam

    options = ModerationSettings.for_site(article.get_site())
    options.retrain_after = 3
    options.save()
    comments = [
        post(f"Some comment number {n} about the harbour", email=f"e{n}@example.com")
        for n in range(3)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        for comment in comments:
            comment_mark_spam(comment=comment, moderator=moderator)
    assert FilterVersion.objects.count() == 1  # the task ran (immediate backend in tests)


def test_a_bulk_decision_past_the_threshold_retrains_once(
    article, post, moderator, filters_home, django_capture_on_commit_callbacks
):
    from masthead.moderation.models import ModerationSettings
    from masthead.moderation.services import comments_moderate

    options = ModerationSettings.for_site(article.get_site())
    options.retrain_after = 3
    options.save()
    comments = [
        post(f"Another comment number {n} about the ferry", email=f"b{n}@example.com")
        for n in range(6)
    ]
    with django_capture_on_commit_callbacks(execute=True):
        comments_moderate(comments=comments, action="spam", moderator=moderator)
    # The bulk action asked once; a retraining queued twice would find nothing new the second time.
    assert FilterVersion.objects.count() == 1


def test_a_retraining_that_learns_nothing_leaves_the_count_and_the_quality_unsplit(
    article, moderator, filters_home, mod_client
):
    from masthead.moderation.models import ModerationSettings
    from masthead.moderation.services.training import (
        decisions_since_last_training,
        filter_retrain_due,
    )

    n = 0
    for round_ in range(40):  # a site whose moderators have only ever approved
        decide(article, SITE_HAM[round_ % 3].format(round_), "ham", moderator, n)
        n += 1

    version = filter_retrain()  # "Retrain now"

    assert "both kinds" in version.metrics["spam"]["skipped"]
    assert "both kinds" in version.metrics["abuse"]["skipped"]
    assert decisions_since_last_training() == 40
    page = mod_client.get("/admin/moderation/filter/").content.decode()
    assert "40 decisions since the last retraining" in page
    assert "learnt nothing" in page
    assert "before the last retraining" not in page  # no split at a run that learnt nothing

    # Due again, but not retried after every single decision: after a few more.
    options = ModerationSettings.for_site(article.get_site())
    options.retrain_after = 5
    options.save()
    assert not filter_retrain_due()
    for round_ in range(5):
        decide(article, SITE_HAM[round_ % 3].format(200 + round_), "ham", moderator, n + round_)
    assert filter_retrain_due() and decisions_since_last_training() == 45
