"""Data migrations of discussion, run against rows made before them."""

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor

from masthead.discussion.models import Subscription
from masthead.discussion.readers import Reader
from masthead.discussion.services import comment_post
from tests.factories import make_article, make_home

BEFORE_SUBSCRIPTION_USER = ("discussion", "0007_featured_comments")
SUBSCRIPTION_USER = ("discussion", "0008_subscription_user")


def migrate(*targets) -> None:
    executor = MigrationExecutor(connection)
    executor.migrate(list(targets) or executor.loader.graph.leaf_nodes())


@pytest.mark.django_db(transaction=True)
def test_subscriptions_from_before_belong_to_the_account_that_commented_with_their_address(
    django_user_model,
):
    make_home()
    article, other = make_article(title="Commented on"), make_article(title="Only followed")
    rosa = django_user_model.objects.create_user("rosa", "Rosa@Example.org", "pw-rosa-horse")
    moved = django_user_model.objects.create_user("kit", "kit.new@example.org", "pw-kit-horse")
    for user, email in ((rosa, "rosa@example.org"), (moved, "kit@example.org")):
        comment_post(
            article=article,
            reader=Reader(user=user, key=f"u{user.pk}", ip_hash="address-9"),
            body="Notify me of replies.",
        )
        # As the comment form's "Notify me" made them, before subscriptions knew their account.
        Subscription.objects.create(article=article, email=email, kind="replies")
    Subscription.objects.create(article=other, email="rosa@example.org", kind="all")
    Subscription.objects.create(article=article, email="guest@example.org", kind="all")

    try:
        migrate(BEFORE_SUBSCRIPTION_USER)
        migrate(SUBSCRIPTION_USER)
    finally:
        migrate()  # every app to its latest, for the tests that follow

    owners = {
        (subscription.article_id, subscription.email): subscription.user_id
        for subscription in Subscription.objects.all()
    }
    assert owners == {
        (article.pk, "rosa@example.org"): rosa.pk,
        (article.pk, "kit@example.org"): None,  # the account has another address now
        (other.pk, "rosa@example.org"): None,  # no comment of hers there says it was she
        (article.pk, "guest@example.org"): None,
    }
