"""Background work that follows a write. Enqueued with transaction.on_commit, run by the worker."""

from django_tasks import task


@task()
def notify_subscribers(comment_id: int) -> int:
    from masthead.discussion.services import comment_notify_subscribers

    return comment_notify_subscribers(comment_id=comment_id)


@task()
def send_subscription_confirmation(subscription_id: int) -> bool:
    from masthead.discussion import emails
    from masthead.discussion.models import Subscription

    subscription = Subscription.objects.select_related("article").filter(pk=subscription_id).first()
    if subscription is None or subscription.is_active or subscription.unsubscribed:
        return False
    emails.send_confirmation(subscription)
    return True


@task()
def announce_comment(article_id: int, comment_id: int) -> None:
    from masthead.discussion import live

    live.announce(article_id, comment_id)
