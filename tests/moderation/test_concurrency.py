"""Two moderators' bulk actions at the same moment over comments of the same articles (PostgreSQL)."""

import threading
import time

import pytest
from django.db import connection, connections

from masthead.discussion.models import Comment, CommentStatus
from masthead.moderation.services import comments_moderate, decisions
from tests.factories import make_article

pytestmark = [pytest.mark.postgres, pytest.mark.django_db(transaction=True)]


def test_bulk_actions_over_the_same_articles_in_opposite_orders_both_go_through(
    article, post, moderator, django_user_model, monkeypatch
):
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL pointing at PostgreSQL (SQLite serialises writers)")
    other = make_article(title="Ferry timetable extended", body_text="More crossings.")
    held = [
        post("On the bridge, first.", on=article),
        post("On the ferry, first.", on=other),
        post("On the ferry, second.", on=other),
        post("On the bridge, second.", on=article),
    ]
    Comment.objects.filter(pk__in=[c.pk for c in held]).update(status=CommentStatus.PENDING)
    held = list(Comment.objects.filter(pk__in=[c.pk for c in held]).order_by("pk"))
    second_moderator = django_user_model.objects.create_user("mod2", "mod2@example.com", "pw")

    # Each decision dawdles, so that the two actions interleave article by article.
    approve = decisions._approve

    def slow_approve(**kwargs):
        decision = approve(**kwargs)
        time.sleep(0.3)
        return decision

    monkeypatch.setattr(decisions, "_approve", slow_approve)
    barrier = threading.Barrier(2)
    failures = []

    def act(comments, who):
        try:
            barrier.wait()
            comments_moderate(comments=comments, action="approve", moderator=who)
        except Exception as error:  # the test reports whatever went wrong
            failures.append(error)
        finally:
            connections.close_all()

    # One moderator picked bridge then ferry; the other, ferry then bridge.
    threads = [
        threading.Thread(target=act, args=([held[0], held[1]], moderator)),
        threading.Thread(target=act, args=([held[2], held[3]], second_moderator)),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert failures == []
    assert set(Comment.objects.values_list("status", flat=True)) == {CommentStatus.PUBLISHED}
