"""What an account's changes do to its comments: a new name shows on all of them; deleting the
account deletes them as their author would, and keeps the conversations below them."""

import pytest
from django.test import Client

from masthead.discussion import selectors
from masthead.discussion.models import Comment, CommentStatus, CommentVote, Subscription
from masthead.discussion.readers import Reader
from masthead.discussion.services import (
    ERASED_AUTHOR_NAME,
    author_erase,
    author_rename,
    subscription_request,
    vote_cast,
)
from tests.discussion.conftest import guest
from tests.factories import make_article

pytestmark = pytest.mark.django_db


@pytest.fixture
def rosa(django_user_model):
    return django_user_model.objects.create_user(
        "rosa", "rosa@example.org", "right-horse-battery", first_name="Rosa"
    )


def as_reader(user) -> Reader:
    return Reader(user=user, key=f"u{user.pk}", ip_hash="address-9")


def test_a_new_name_shows_on_every_comment_of_the_account_and_nobody_elses(article, post, rosa):
    mine = post("First thoughts.", reader=as_reader(rosa))
    elsewhere = make_article(section=article.get_parent().specific, title="Another story")
    also_mine = post("On another story.", reader=as_reader(rosa), on=elsewhere)
    answer = post("Beside the deepest level.", parent_id=mine.pk)
    Comment.objects.filter(pk=answer.pk).update(replied_to=mine)
    someone_else = post("A guest called Rosa too.", name="Rosa")

    assert author_rename(user=rosa, name="Rosa Marquez") == 2

    names = dict(Comment.objects.values_list("pk", "author_name"))
    assert names[mine.pk] == names[also_mine.pk] == "Rosa Marquez"
    assert names[someone_else.pk] == "Rosa"
    replied = Comment.objects.select_related("replied_to").get(pk=answer.pk)
    assert replied.replied_to.author_name == "Rosa Marquez"  # "in reply to Rosa Marquez"


def test_a_new_name_renews_the_cached_pages_of_the_threads_that_show_it(article, post, rosa):
    post("First thoughts.", reader=as_reader(rosa))
    untouched = make_article(section=article.get_parent().specific, title="Not commented on")
    before = selectors.thread_version(article.pk), selectors.thread_version(untouched.pk)
    assert "Rosa" in Client().get(article.url).content.decode()  # now in the page cache

    author_rename(user=rosa, name="Rosa Marquez")

    after = selectors.thread_version(article.pk), selectors.thread_version(untouched.pk)
    assert after[0] > before[0] and after[1] == before[1]
    page = Client().get(article.url).content.decode()
    assert "Rosa Marquez" in page
    api = Client().get(f"/api/v1/articles/{article.pk}/comments").json()
    assert [item["author_name"] for item in api["items"]] == ["Rosa Marquez"]


def test_the_same_name_again_changes_no_thread(article, post, rosa):
    post("First thoughts.", reader=as_reader(rosa))
    version = selectors.thread_version(article.pk)
    assert author_rename(user=rosa, name="Rosa") == 0
    assert selectors.thread_version(article.pk) == version


def test_a_deleted_accounts_comments_are_deleted_as_by_their_author_and_replies_stay(
    article, post, rosa
):
    answered = post("Answered by a guest.", reader=as_reader(rosa))
    reply = post("I disagree.", parent_id=answered.pk, name="Kai")
    alone = post("Nobody answered this one.", reader=as_reader(rosa))
    post("Held for review.", reader=as_reader(rosa))
    Comment.objects.filter(body="Held for review.").update(status=CommentStatus.PENDING)
    Comment.objects.filter(pk=alone.pk).update(featured_at=alone.created)  # an editors' pick

    assert author_erase(user=rosa) == 3
    assert not Comment.objects.filter(featured_at__isnull=False).exists()  # its pick ends

    erased = Comment.objects.exclude(pk=reply.pk)
    assert all(comment.deleted for comment in erased)
    assert set(erased.values_list("author_name", "author_email", "author_url", "user")) == {
        (ERASED_AUTHOR_NAME, "", "", None)
    }
    page = selectors.thread_page(article, reader=None)
    assert [comment.pk for comment in page.comments] == [answered.pk]  # a placeholder
    assert page.comments[0].is_placeholder
    assert [child.pk for child in page.comments[0].replies] == [reply.pk]
    assert alone.pk not in {comment.pk for comment in selectors.iter_thread(page.comments)}
    assert page.count == 1  # the guest's reply only


def test_a_deleted_accounts_votes_are_taken_back_and_the_scores_recounted(article, post, rosa):
    kais = post("Worth a vote.", name="Kai")
    vote_cast(comment=kais, reader=as_reader(rosa), value=1)
    vote_cast(comment=kais, reader=guest(), value=1)
    version = selectors.thread_version(article.pk)

    author_erase(user=rosa)

    kais.refresh_from_db()
    assert (kais.up, kais.down, kais.score) == (1, 0, 1)
    assert not CommentVote.objects.filter(reader_key=f"u{rosa.pk}").exists()
    assert selectors.thread_version(article.pk) > version


def test_a_deleted_accounts_subscriptions_go_and_a_strangers_at_its_address_stay(article, rosa):
    theirs = subscription_request(article=article, email=rosa.email, kind="all", user=rosa)
    other = make_article(section=article.get_parent().specific)
    strangers = subscription_request(article=other, email=rosa.email, kind="all")

    author_erase(user=rosa)

    assert list(Subscription.objects.values_list("pk", flat=True)) == [strangers.pk]
    assert not Subscription.objects.filter(pk=theirs.pk).exists()
