"""With RQ, a task enqueued inside a transaction reaches Redis only once that transaction commits."""

import os

import pytest
from django.db import transaction
from django_tasks import task

from masthead.task_backends import RQBackend

pytestmark = pytest.mark.skipif(
    not os.environ.get("REDIS_URL"), reason="needs Redis (REDIS_URL), as the RQ backend does"
)


@task()
def index_page(page_id):
    return page_id


@pytest.fixture
def queue():
    import django_rq

    queue = django_rq.get_queue("default")
    queue.empty()
    yield queue
    queue.empty()


@pytest.fixture
def backend():
    return RQBackend("rq", {"QUEUES": ["default"]})


# Real commits and rollbacks: these tests run outside the usual per-test transaction.
@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_transaction_waits_for_the_commit(backend, queue):
    with transaction.atomic():
        result = backend.enqueue(index_page, (7,), {})
        assert queue.count == 0
    assert queue.job_ids == [result.id]
    assert queue.fetch_job(result.id).args == [7]


@pytest.mark.django_db(transaction=True)
def test_a_task_enqueued_in_a_rolled_back_transaction_never_runs(backend, queue):
    with pytest.raises(RuntimeError), transaction.atomic():
        backend.enqueue(index_page, (7,), {})
        raise RuntimeError("the page failed to save")
    assert queue.count == 0


@pytest.mark.django_db(transaction=True)
def test_outside_a_transaction_a_task_is_queued_at_once(backend, queue):
    result = backend.enqueue(index_page, (7,), {})
    assert queue.job_ids == [result.id]
