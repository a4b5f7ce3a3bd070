"""A reader's confirmation e-mail goes out before the bulk work already queued (image sizes,
search re-indexing, retraining), on the database queue and on RQ alike."""

import os
import signal

import pytest
from django.conf import settings
from django.core import mail
from django.core.management import call_command
from django.test import override_settings

from masthead.discussion.services import subscription_request
from masthead.moderation.tasks import retrain_filter
from masthead.publishing.models import CreditedImage
from tests.factories import make_author, make_image

# The worker runs in this process, and its queues see only what is committed.
pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture
def signal_handlers():
    """The worker installs its own SIGINT and SIGTERM handlers: give pytest its own back."""
    kept = {number: signal.getsignal(number) for number in (signal.SIGINT, signal.SIGTERM)}
    yield
    for number, handler in kept.items():
        signal.signal(number, handler)


def tasks_on(backend: str):
    return override_settings(
        TASKS={"default": {"BACKEND": backend, "QUEUES": settings.TASKS["default"]["QUEUES"]}}
    )


def queue_bulk_work():
    """What a fresh site queues: every uploaded photo's sizes, an author's articles to index
    again, a retraining of the comment filter."""
    images = [make_image() for _ in range(3)]
    make_author(name="Grace Columnist", photo=images[0])
    retrain_filter.enqueue()
    return images


def test_a_confirmation_e_mail_goes_out_before_the_bulk_work_queued_before_it(
    article, signal_handlers
):
    with tasks_on("django_tasks_db.DatabaseBackend"):
        images = queue_bulk_work()
        subscription_request(article=article, email="reader@example.com", kind="all")

        call_command("worker", "--no-clock", "--max-tasks", "1", verbosity=0)

        assert [message.to for message in mail.outbox] == [["reader@example.com"]]
        assert "Please confirm" in mail.outbox[0].subject
        # The photos' sizes wait their turn.
        assert not CreditedImage.objects.get(pk=images[0].pk).renditions.exists()

        call_command("worker", "--no-clock", "--max-tasks", "20", verbosity=0)
        assert CreditedImage.objects.get(pk=images[0].pk).renditions.exists()


@pytest.fixture
def rq_queues():
    import django_rq

    queues = [django_rq.get_queue(name) for name in settings.RQ_QUEUES]
    for queue in queues:
        queue.empty()
    yield queues
    for queue in queues:
        queue.empty()


@pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL), as the RQ backend does"
)
def test_on_redis_too_a_confirmation_e_mail_goes_out_before_the_bulk_work(
    article, signal_handlers, rq_queues
):
    """RQ orders jobs by queue, not by priority: the worker must take the readers' queue first,
    and every queue a task may be in."""
    with tasks_on("masthead.task_backends.RQBackend"):
        images = queue_bulk_work()
        subscription_request(article=article, email="reader@example.com", kind="all")

        call_command("worker", "--no-clock", "--max-tasks", "1", verbosity=0)

        assert [message.to for message in mail.outbox] == [["reader@example.com"]]
        assert not CreditedImage.objects.get(pk=images[0].pk).renditions.exists()

        call_command("worker", "--no-clock", "--max-tasks", "20", verbosity=0)
        assert CreditedImage.objects.get(pk=images[0].pk).renditions.exists()
        assert sum(queue.count for queue in rq_queues) == 0
