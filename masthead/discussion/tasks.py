"""Background work that follows a write. Enqueued with transaction.on_commit, run by the worker."""

import logging
from datetime import timedelta

from django.utils import timezone
from django_tasks import task

from masthead import task_queues

logger = logging.getLogger(__name__)


@task(**task_queues.READER_FACING)
def notify_subscribers(comment_id: int) -> int:
    from masthead.discussion.services import comment_notify_subscribers

    return comment_notify_subscribers(comment_id=comment_id)


# A confirmation the mail server refused is tried again after these delays (the reader was told
# it is on its way, and asking again within minutes sends nothing new).
CONFIRMATION_RETRY_MINUTES = (2, 10, 60)


@task(**task_queues.READER_FACING)
def send_subscription_confirmation(subscription_id: int, attempt: int = 0) -> bool:
    from masthead.discussion import emails
    from masthead.discussion.models import Subscription

    subscription = Subscription.objects.select_related("article").filter(pk=subscription_id).first()
    if subscription is None or subscription.is_active or subscription.unsubscribed:
        return False
    try:
        emails.send_confirmation(subscription)
    except Exception:
        task_ = send_subscription_confirmation
        if attempt >= len(CONFIRMATION_RETRY_MINUTES) or not task_.get_backend().supports_defer:
            raise
        delay = timedelta(minutes=CONFIRMATION_RETRY_MINUTES[attempt])
        logger.warning(
            "Confirmation e-mail for subscription %s failed; trying again in %s",
            subscription_id,
            delay,
            exc_info=True,
        )
        task_.using(run_after=timezone.now() + delay).enqueue(subscription_id, attempt + 1)
        return False
    return True


@task(**task_queues.READER_FACING)
def announce_comment(article_id: int, comment_id: int) -> None:
    from masthead.discussion import live

    live.announce(article_id, comment_id)
