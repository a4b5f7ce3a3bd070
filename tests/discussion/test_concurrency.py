"""One reader's simultaneous posts against the comment rate limit (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, connections

from masthead.discussion import services
from masthead.discussion.models import Comment
from masthead.discussion.readers import Reader

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_a_burst_of_simultaneous_posts_is_held_to_the_rate_limit(article, settings, monkeypatch):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL (SQLite serialises writers)")
    settings.MASTHEAD_COMMENT_RATE_LIMIT = "3/m"
    # The verdict dawdles, so that every post is counted before any is stored.
    assess = services.comments.moderation.assess

    def slow_assess(*args, **kwargs):
        time.sleep(0.3)
        return assess(*args, **kwargs)

    monkeypatch.setattr(services.comments.moderation, "assess", slow_assess)
    reader = Reader(user=None, key="g-burst", ip_hash="burst")
    barrier = threading.Barrier(6)
    refusals, failures = [], []

    def post(n):
        try:
            barrier.wait()
            services.comment_post(
                article=article,
                reader=reader,
                body=f"The same point again, number {n}.",
                author_name="Burst",
                author_email="burst@example.com",
            )
        except services.CommentRefused as refusal:
            refusals.append(refusal.status)
        except Exception as error:  # the test reports whatever went wrong
            failures.append(error)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=post, args=(n,)) for n in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert Comment.objects.filter(reader_key="g-burst").count() == 3
    assert refusals == [429, 429, 429]
