import hashlib
import re
from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from masthead.discussion.models import Subscription
from masthead.discussion.services import (
    SubscriptionRefused,
    comment_notify_subscribers,
    subscription_confirm,
    subscription_request,
    subscription_unsubscribe,
)
from masthead.discussion.services.subscriptions import LINK_UNKNOWN
from masthead.discussion.subscription_links import subscription_for_token, subscription_token

pytestmark = pytest.mark.django_db


def link_token(message, action) -> str:
    return re.search(rf"/comments/subscriptions/(\S+)/{action}/", message.body).group(1)


def request_and_confirm(article, email, django_capture_on_commit_callbacks, now=None):
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(article=article, email=email, kind="all", now=now)
    return subscription_confirm(token=link_token(mail.outbox[-1], "confirm"), now=now)


def test_nothing_stored_in_the_database_makes_a_link(article, django_capture_on_commit_callbacks):
    subscription = request_and_confirm(
        article, "fan@example.com", django_capture_on_commit_callbacks
    )
    token = link_token(mail.outbox[-1], "confirm")
    row = Subscription.objects.filter(pk=subscription.pk).values().get()
    stored = " ".join(str(value) for value in row.values())
    secret = token.partition(".")[2]
    assert secret not in stored
    assert hashlib.sha256(token.encode()).hexdigest() not in stored
    assert row["legacy_token_hash"] is None


def test_a_forged_link_or_one_naming_another_subscription_is_refused(
    article, django_capture_on_commit_callbacks
):
    mine = request_and_confirm(article, "fan@example.com", django_capture_on_commit_callbacks)
    theirs = request_and_confirm(article, "other@example.com", django_capture_on_commit_callbacks)
    token = subscription_token(mine)
    pk, _, secret = token.partition(".")
    for forged in (
        f"{theirs.pk}.{secret}",
        f"{pk}.{secret[:-1]}A" if not secret.endswith("A") else f"{pk}.{secret[:-1]}B",
        f"{pk}.",
        f"{10**30}.{secret}",
        "x.y",
    ):
        with pytest.raises(SubscriptionRefused, match="not valid"):
            subscription_unsubscribe(token=forged)
    theirs.refresh_from_db()
    assert theirs.is_active


def test_every_digest_carries_the_same_working_unsubscribe_link(
    article, post, django_capture_on_commit_callbacks
):
    subscription = request_and_confirm(
        article, "fan@example.com", django_capture_on_commit_callbacks
    )
    mail.outbox.clear()
    start = timezone.now()
    for minutes in (0, 30):
        when = start + timedelta(minutes=minutes)
        comment_notify_subscribers(comment_id=post("News", now=when).pk, now=when)
    first, second = (m.extra_headers["List-Unsubscribe"] for m in mail.outbox)
    assert first == second
    subscription_unsubscribe(token=re.search(r"subscriptions/(\S+)/unsubscribe/", first).group(1))
    subscription.refresh_from_db()
    assert subscription.unsubscribed is not None


def test_subscribing_again_retires_the_links_sent_before(
    article, django_capture_on_commit_callbacks
):
    subscription = request_and_confirm(
        article, "fan@example.com", django_capture_on_commit_callbacks
    )
    old_token = subscription_token(subscription)
    subscription_unsubscribe(token=old_token)
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(article=article, email="fan@example.com", kind="all")
    new_token = link_token(mail.outbox[-1], "confirm")
    assert new_token != old_token
    with pytest.raises(SubscriptionRefused, match="not valid"):
        subscription_confirm(token=old_token)
    assert subscription_confirm(token=new_token).is_active


def test_links_keep_working_after_the_secret_key_is_rotated_to_a_fallback(
    article, settings, django_capture_on_commit_callbacks
):
    subscription = request_and_confirm(
        article, "fan@example.com", django_capture_on_commit_callbacks
    )
    token = subscription_token(subscription)
    settings.SECRET_KEY_FALLBACKS = [settings.SECRET_KEY]
    settings.SECRET_KEY = "a-new-key-" + "x" * 50
    assert subscription_for_token(token) == subscription
    settings.SECRET_KEY_FALLBACKS = []
    assert subscription_for_token(token) is None


def test_a_link_sent_before_tokens_were_hashed_still_works_until_the_reader_asks_again(
    article, django_capture_on_commit_callbacks
):
    old_link = "Kq3vZ0sample-token-sent-in-an-older-e-mail_xyz123"
    Subscription.objects.create(
        article=article,
        email="early@example.com",
        kind="all",
        legacy_token_hash=hashlib.sha256(old_link.encode()).hexdigest(),
    )
    assert subscription_confirm(token=old_link).is_active
    subscription_unsubscribe(token=old_link)
    with django_capture_on_commit_callbacks(execute=True):
        subscription_request(article=article, email="early@example.com", kind="all")
    with pytest.raises(SubscriptionRefused) as refused:
        subscription_confirm(token=old_link)
    assert refused.value.message == LINK_UNKNOWN
    assert subscription_confirm(token=link_token(mail.outbox[-1], "confirm")).is_active


@pytest.mark.django_db(transaction=True)
def test_the_migration_keeps_links_already_sent_working(article):
    before = [("discussion", "0005_comment_import_id")]
    after = [("discussion", "0006_subscription_link_token_hashed")]
    executor = MigrationExecutor(connection)
    executor.migrate(before)
    try:
        old_state = executor.loader.project_state(before).apps
        OldSubscription = old_state.get_model("discussion", "Subscription")
        OldSubscription.objects.create(
            article_id=article.pk,
            email="early@example.com",
            kind="all",
            token="sent-in-an-e-mail-last-year",
            created=timezone.now(),
        )
    finally:
        executor = MigrationExecutor(connection)
        executor.loader.build_graph()
        # Every app to its latest: going back also took out other apps' migrations that build on
        # discussion's later ones (moderation's), which the tests that follow need.
        executor.migrate(executor.loader.graph.leaf_nodes() or after)
    subscription = Subscription.objects.get(email="early@example.com")
    assert (
        subscription.legacy_token_hash == hashlib.sha256(b"sent-in-an-e-mail-last-year").hexdigest()
    )
    assert subscription_confirm(token="sent-in-an-e-mail-last-year") == subscription
