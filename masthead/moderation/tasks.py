from django_tasks import task


@task()
def retrain_filter() -> int:
    """Retrain the comment filter from moderator decisions (queued after enough new ones)."""
    from masthead.moderation.services.training import filter_retrain

    return filter_retrain().pk
