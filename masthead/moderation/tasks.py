from django_tasks import task

from masthead import task_queues


@task(**task_queues.BULK)
def retrain_filter(*, when_due: bool = False) -> int | None:
    """Retrain the comment filter from moderator decisions (queued after enough new ones, or by
    the "Retrain now" button). `when_due`: skip if a retraining since has learned from them."""
    from masthead.moderation.services.training import (
        RetrainingRunning,
        filter_retrain,
        filter_retrain_due,
    )

    if when_due and not filter_retrain_due():
        return None
    try:
        return filter_retrain().pk
    except RetrainingRunning:
        return None  # the run under way learns from the same decisions
