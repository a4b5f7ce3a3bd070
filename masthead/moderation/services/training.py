"""Learning from the moderators: every decision is a label; after enough new ones, a background
task retrains the filter and promotes it only if it does no worse on the newest decisions."""

import logging
import shutil
from datetime import datetime
from pathlib import Path

from django.conf import settings
from django.core.cache import caches
from django.db import transaction
from django.utils import timezone
from threadpoolctl import threadpool_limits

from masthead.moderation import conf, core
from masthead.moderation.models import Decision, FilterVersion

logger = logging.getLogger(__name__)
RETRAINING_LOCK_KEY = "moderation:retraining"


def labelled_decisions():
    """Decisions that teach the filter (not undone, with a label), oldest first."""
    return (
        Decision.objects.filter(undone__isnull=True)
        .exclude(label="")
        .select_related("comment")
        .order_by("created", "id")
    )


def last_training() -> FilterVersion | None:
    """The newest retraining that learnt something: it trained a model and judged it on the
    held-out decisions, whether it kept it or not. A run refused for too few decisions, or that
    skipped both models, is not one."""
    return FilterVersion.objects.filter(judged=True).order_by("-created").first()


def decisions_since_last_training() -> int:
    """Labelled decisions newer than the last retraining that learnt something (last_training)."""
    return _decisions_since(FilterVersion.objects.filter(judged=True))


def _decisions_since(versions) -> int:
    last = versions.order_by("-created").values_list("created", flat=True).first()
    decisions = labelled_decisions()
    return decisions.filter(created__gt=last).count() if last else decisions.count()


def filter_retrain_due() -> bool:
    """Whether enough decisions came in since the last retraining (Settings → Moderation).

    A run that learnt nothing (too few decisions, or too few of both kinds) leaves the
    count as it was; it is tried again after conf.RETRY_AFTER_SKIPPED more decisions (or the
    threshold, if smaller), not after every one."""
    from wagtail.models import Site

    from masthead.moderation.models import ModerationSettings

    site = Site.objects.filter(is_default_site=True).first()
    threshold = max(1, ModerationSettings.for_site(site).retrain_after if site else 50)
    if decisions_since_last_training() < threshold:
        return False
    return _decisions_since(FilterVersion.objects.all()) >= min(threshold, conf.RETRY_AFTER_SKIPPED)


def filter_retrain_if_due() -> bool:
    """Queue a retraining (after the current transaction commits) once enough decisions came in.

    Asked once per moderator action (a bulk action asks once for all its decisions). Every action
    past the threshold queues one until a retraining has run; the task checks again, so only the
    first of them retrains."""
    from masthead.moderation import tasks

    if not filter_retrain_due():
        return False
    transaction.on_commit(lambda: tasks.retrain_filter.enqueue(when_due=True))
    return True


def _examples(decisions, kind: str) -> tuple[list[str], list[int]]:
    positive = "spam" if kind == "spam" else "abuse"
    texts, labels = [], []
    for decision in decisions:
        if decision.label in (positive, "ham"):
            texts.append(decision.body)  # as decided on: the comment may have been edited since
            labels.append(1 if decision.label == positive else 0)
    return texts, labels


def _held_out_count(decided: int) -> int:
    return max(conf.MIN_HELD_OUT, int(decided * conf.HELD_OUT_SHARE))


def decisions_needed_to_retrain() -> int:
    """The fewest labelled decisions from which filter_retrain learns instead of refusing: enough
    to learn from once the newest are kept aside to judge the new filter."""
    needed = conf.MIN_TRAINING_DECISIONS + conf.MIN_HELD_OUT
    while needed - _held_out_count(needed) < conf.MIN_TRAINING_DECISIONS:
        needed += 1
    return needed


def too_few_decisions_message(decided: int) -> str:
    needed = decisions_needed_to_retrain()
    return (
        f"{decided} decision{'' if decided == 1 else 's'} so far: retraining needs at least "
        f"{needed} ({conf.MIN_TRAINING_DECISIONS} to learn from and {conf.MIN_HELD_OUT} newer "
        "ones to judge the new filter on)"
    )


class RetrainingRunning(Exception):
    """Another process is retraining the filter (the worker, or `masthead retrain-filter`)."""

    def __init__(self, since: str):
        super().__init__(
            f"a retraining started at {since} is still running; it learns from the same "
            "decisions: wait for it to finish"
        )


def filter_retrain(*, now: datetime | None = None, promote: bool = True) -> FilterVersion:
    """filter_retrain_unlocked, one at a time on the whole site: two runs at once (the worker's
    and `masthead retrain-filter`) would each learn from the same decisions and promote in either
    order, the older model last. A dry run changes nothing and needs no turn. Raises
    RetrainingRunning if another is under way."""
    if not promote:
        return filter_retrain_unlocked(now=now, promote=False)
    store = caches["limits"]  # shared by every process, whatever the cache backend
    started = timezone.localtime().strftime("%Y-%m-%d %H:%M")
    if not store.add(RETRAINING_LOCK_KEY, started, timeout=conf.RETRAINING_LOCK_SECONDS):
        raise RetrainingRunning(store.get(RETRAINING_LOCK_KEY) or started)
    try:
        return filter_retrain_unlocked(now=now, promote=True)
    finally:
        store.delete(RETRAINING_LOCK_KEY)


def filter_retrain_unlocked(*, now: datetime | None = None, promote: bool = True) -> FilterVersion:
    """Retrain the spam and abuse models on the site's decisions and promote them if they do no worse.

    The newest decisions (conf.HELD_OUT_SHARE of them, at least conf.MIN_HELD_OUT) are kept aside,
    with the newest older ones of any kind they have too few of (_keep_every_kind_aside); each
    model is adapted on the rest, with the starter's weights as a prior and the site's decisions
    weighted conf.SITE_WEIGHT each, or, where the public data sets are on this server
    (MASTHEAD_MODERATION_DATA), refitted on them plus the site's decisions. A model is promoted
    only if it scores at least as well as the current one on the held-out decisions.

    `promote=False` (`masthead retrain-filter --dry-run`) trains and judges as usual but keeps the
    current filter and records nothing: the version returned is unsaved, and its `promoted` says
    whether the new models would have been put in use.
    """
    from masthead.moderation.services.assessing import current_models, forget_current_filter

    now = now or timezone.now()
    # The label and the text are all it learns from: whole comment rows took 30 times as long.
    decisions = list(labelled_decisions().select_related(None).only("label", "created", "body"))
    held_count = _held_out_count(len(decisions))
    training, held_out = decisions[:-held_count], decisions[-held_count:]
    if len(training) < conf.MIN_TRAINING_DECISIONS:
        version = FilterVersion(created=now, trained_on=len(training), held_out=len(held_out))
        version.metrics = {"refused": too_few_decisions_message(len(decisions))}
        if promote:
            version.save()
        return version
    training, held_out = _keep_every_kind_aside(training, held_out)
    version = FilterVersion(created=now, trained_on=len(training), held_out=len(held_out))

    current = current_models()
    # One BLAS thread: the worker shares the server's cores with the site, and on vectors this
    # size a second thread costs more in hand-offs than it saves (retraining took 2-4 times as
    # long with two on a busy 2-core machine; bench/moderation/retrain.py).
    with threadpool_limits(limits=1):
        chosen, metrics = _train_and_judge(current, training, held_out)

    version.metrics = metrics
    version.promoted = any(isinstance(m, dict) and m.get("promoted") for m in metrics.values())
    version.judged = any(isinstance(m, dict) and "promoted" in m for m in metrics.values())
    if not promote:
        return version
    if version.promoted:
        directory = Path(conf.FILTERS_DIR) / now.strftime("%Y%m%d-%H%M%S")
        target = Path(settings.MASTHEAD_HOME) / directory
        target.mkdir(parents=True, exist_ok=True)
        for kind, model in chosen.items():
            model.save(target / f"{kind}.npz")
        version.directory = str(directory)
        with transaction.atomic():
            FilterVersion.objects.filter(is_current=True).update(is_current=False)
            version.is_current = True
            version.save()
        forget_current_filter()
        _prune_old_filters(keep=str(directory))
    else:
        version.save()
    logger.info("Filter retrained on %s decisions: %s", len(training), metrics)
    return version


def _keep_every_kind_aside(training: list, held_out: list) -> tuple[list, list]:
    """Move the newest training decisions of each kind the held-out ones lack (up to
    conf.MIN_HELD_OUT_PER_KIND of it) to the held-out ones.

    After a bulk action the newest decisions are all approvals, or all spam: a model judged on
    them alone cannot be told from a worse one, so it could never be promoted. At most half of a
    kind's training decisions move, so that the model still learns from that kind too."""
    moved = set()
    for label in ("ham", "spam", "abuse"):
        missing = conf.MIN_HELD_OUT_PER_KIND - sum(d.label == label for d in held_out)
        of_kind = [index for index, decision in enumerate(training) if decision.label == label]
        take = min(missing, len(of_kind) // 2)
        if take > 0:
            moved.update(of_kind[-take:])
    if not moved:
        return training, held_out
    kept = [decision for index, decision in enumerate(training) if index not in moved]
    return kept, [training[index] for index in sorted(moved)] + held_out


def _train_and_judge(current, training, held_out) -> tuple[dict, dict]:
    """For each kind, the model to use from now on (a new one, or the current one kept) and what
    was measured on the held-out decisions to choose it."""
    chosen, metrics = {}, {}
    for kind in ("spam", "abuse"):
        base = getattr(current, kind)
        texts, labels = _examples(training, kind)
        test_texts, test_labels = _examples(held_out, kind)
        if len(set(labels)) < 2:
            chosen[kind], metrics[kind] = base, {"skipped": "not enough decisions of both kinds"}
            continue
        if len(set(test_labels)) < 2:
            # Judged on one kind only, any candidate scores as well as the current model, even one
            # that gets every comment of the other kind wrong. Only a kind decided once gets here.
            chosen[kind], metrics[kind] = (
                base,
                {"skipped": "too few decisions of both kinds to learn from and to judge it on"},
            )
            continue
        candidate = _train(kind, base, texts, labels)
        promote, scores = core_train().should_promote(candidate, base, test_texts, test_labels)
        metrics[kind] = {
            "promoted": promote,
            "before": _finite(scores["current"]),
            "after": _finite(scores["new"]),
        }
        chosen[kind] = candidate if promote else base
    return chosen, metrics


def core_train():
    from masthead.moderation.core import train

    return train


def _train(
    kind: str, base: core.LinearModel, texts: list[str], labels: list[int]
) -> core.LinearModel:
    train = core_train()
    if conf.TRAINING_DATA_DIR:
        return train.refit(
            kind, texts, labels, data_dir=conf.TRAINING_DATA_DIR, site_weight=conf.SITE_WEIGHT
        )
    return train.adapt(base, texts, labels, [conf.SITE_WEIGHT] * len(texts), prior=conf.ADAPT_PRIOR)


def _finite(metrics: dict) -> dict:
    return {key: (round(value, 4) if value == value else None) for key, value in metrics.items()}


def _prune_old_filters(*, keep: str, keep_last: int = 3) -> None:
    root = Path(settings.MASTHEAD_HOME) / conf.FILTERS_DIR
    kept = set(
        FilterVersion.objects.exclude(directory="")
        .order_by("-created")
        .values_list("directory", flat=True)[:keep_last]
    ) | {keep}
    for folder in root.iterdir() if root.is_dir() else []:
        if str(Path(conf.FILTERS_DIR) / folder.name) not in kept:
            shutil.rmtree(folder, ignore_errors=True)
