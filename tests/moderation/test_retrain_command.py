"""`masthead retrain-filter`: an operator retrains the comment filter from the command line."""

from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from masthead.moderation import conf
from masthead.moderation.models import FilterVersion
from masthead.moderation.services import training
from masthead.moderation.services.assessing import current_filter_path, forget_current_filter
from tests.moderation.test_training import SITE_HAM, SITE_SPAM, decide

pytestmark = pytest.mark.django_db


@pytest.fixture
def filters_home(settings, tmp_path):
    settings.MASTHEAD_HOME = tmp_path
    forget_current_filter()
    yield tmp_path
    forget_current_filter()


@pytest.fixture
def decided(article, moderator):
    """48 decisions, spam and approvals taking turns, as the admin's retraining tests have."""
    n = 0
    for round_ in range(8):
        for template in SITE_SPAM:
            decide(article, template.format(round_), "spam", moderator, n)
            n += 1
        for template in SITE_HAM:
            decide(article, template.format(round_), "ham", moderator, n)
            n += 1
    return n


@pytest.fixture
def backwards_learner(monkeypatch):
    """New models that learn the moderators' labels backwards: worse than the ones in use."""

    def sabotaged(kind, base, texts, labels):
        return training.core_train().adapt(
            base,
            texts,
            [1 - label for label in labels],
            [conf.SITE_WEIGHT] * len(texts),
            prior=0.01,
        )

    monkeypatch.setattr(training, "_train", sabotaged)


def retrain(*args) -> list[str]:
    said = StringIO()
    call_command("retrain-filter", *args, stdout=said, no_color=True)
    return said.getvalue().splitlines()


def test_a_model_that_does_no_worse_is_promoted_and_the_command_says_so(decided, filters_home):
    said = retrain()

    version = FilterVersion.objects.get()
    assert version.is_current and current_filter_path() is not None
    assert said[0] == (
        f"Retrained on 48 of the moderators' decisions: {version.trained_on} to learn from, "
        f"{version.held_out} newer ones held out to judge the new models against the ones in use."
    )
    spam = version.metrics["spam"]
    assert said[1].startswith(
        f"Spam model: on {int(spam['after']['n'])} held-out decisions, "
        f"F1 {spam['before']['f1']:.3f} (in use) → {spam['after']['f1']:.3f} (new), ROC AUC "
    )
    assert said[1].endswith(": promoted, it does no worse than the model in use.")
    assert said[2] == "Abuse model: not retrained (not enough decisions of both kinds)."
    assert (
        said[3]
        == f"Promoted: the new filter is in use (kept in MASTHEAD_HOME/{version.directory})."
    )


def test_a_worse_model_is_refused_and_the_command_says_why(
    decided, filters_home, backwards_learner
):
    said = retrain()

    version = FilterVersion.objects.get()
    assert not version.promoted and current_filter_path() is None
    spam = version.metrics["spam"]
    assert said[1].endswith(
        f": refused, its F1 is lower ({spam['after']['f1']:.3f} against "
        f"{spam['before']['f1']:.3f}); the model in use stays."
    )
    assert said[-1] == (
        "Refused: the filter in use stays, as no new model did as well on the held-out decisions."
    )


def test_a_dry_run_judges_the_new_filter_but_changes_nothing(decided, filters_home):
    said = retrain("--dry-run")

    assert said[1].endswith(": promoted, it does no worse than the model in use.")
    assert said[-1] == "Dry run: the new filter would have been promoted; nothing was changed."
    # Nothing put in use, kept on disk or counted as a retraining by the admin.
    assert not FilterVersion.objects.exists() and current_filter_path() is None
    assert not (filters_home / conf.FILTERS_DIR).exists()
    assert training.decisions_since_last_training() == decided


def test_a_dry_run_says_a_worse_model_would_be_refused(decided, filters_home, backwards_learner):
    said = retrain("--dry-run")

    assert said[-1] == "Dry run: the new filter would have been refused; nothing was changed."
    assert not FilterVersion.objects.exists()


def test_too_few_decisions_end_in_a_one_line_error(article, moderator, filters_home):
    for n in range(8):
        decide(article, SITE_SPAM[0].format(n), "spam", moderator, n)

    with pytest.raises(CommandError) as refusal:
        retrain()

    message = str(refusal.value)
    assert message == (
        "Cannot retrain: 8 decisions so far: retraining needs at least 30 (20 to learn from and "
        "10 newer ones to judge the new filter on)."
    )
    assert "\n" not in message
    # Listed in the admin as a retraining that learnt nothing, as "Retrain now" would be.
    assert "refused" in FilterVersion.objects.get().metrics


def test_decisions_of_one_kind_only_end_in_a_one_line_error(article, moderator, filters_home):
    for n in range(40):  # moderators who have only ever approved
        decide(article, SITE_HAM[n % 3].format(n), "ham", moderator, n)

    with pytest.raises(CommandError, match=r"^Learnt nothing from 40 decisions: not enough"):
        retrain("--dry-run")
    assert not FilterVersion.objects.exists()


def test_a_retraining_while_another_runs_is_refused_and_the_next_one_runs(
    decided, filters_home, monkeypatch
):
    """The worker retrains after enough decisions; an operator's run meanwhile would learn from
    the same decisions and might promote its model before or after the worker's."""
    from masthead.moderation import tasks

    refusals, worker_runs = [], []
    train = training._train

    def train_while_others_try(*args, **kwargs):
        if not refusals:
            with pytest.raises(CommandError) as refusal:
                retrain()
            refusals.append(str(refusal.value))
            worker_runs.append(tasks.retrain_filter.call())
        return train(*args, **kwargs)

    monkeypatch.setattr(training, "_train", train_while_others_try)
    retrain()

    assert refusals[0].startswith("Cannot retrain now: a retraining started at ")
    assert refusals[0].endswith(
        " is still running; it learns from the same decisions: wait for it to finish."
    )
    assert worker_runs == [None]
    assert FilterVersion.objects.count() == 1
    retrain()  # its turn is given back
    assert FilterVersion.objects.count() == 2
