from datetime import timedelta
from urllib.parse import parse_qs, urlsplit

import pytest
from django.utils import timezone

from masthead.discussion import selectors
from masthead.discussion.models import Comment, SortOrder

pytestmark = pytest.mark.django_db

PER_PAGE = 3


def shown_on_page(article, *, sort, cursor=None) -> list[int]:
    page = selectors.thread_page(article, reader=None, sort=sort, per_page=PER_PAGE, cursor=cursor)
    return [comment.pk for comment in selectors.iter_thread(page.comments)]


@pytest.fixture
def busy_thread(article, post):
    """Eight conversations, some begun at the same moment and some with the same score, each
    but the last with replies (one at the deepest level, attached beside its parent)."""
    start = timezone.now() - timedelta(hours=2)
    moments = [0, 1, 1, 1, 2, 3, 3, 4]  # minutes after start: ties broken by id
    scores = [0, 2, 2, 0, 5, 2, 0, 1]
    comments = []
    for n, (minute, score) in enumerate(zip(moments, scores, strict=True)):
        top = post(f"Top {n}", now=start + timedelta(minutes=minute))
        Comment.objects.filter(pk=top.pk).update(score=score)
        comments.append(top)
        if n < 7:
            reply = post(f"Reply {n}", parent_id=top.pk, now=start + timedelta(minutes=10 + n))
            comments.append(post(f"Answer {n}", parent_id=reply.pk, now=reply.created))
            comments.append(reply)
    return comments


@pytest.mark.parametrize("sort", SortOrder.values)
def test_a_comments_location_opens_the_page_of_the_thread_that_shows_it(article, busy_thread, sort):
    first_page = shown_on_page(article, sort=sort)
    for comment in busy_thread:
        location = urlsplit(selectors.comment_location(comment, sort=sort, per_page=PER_PAGE))
        assert location.path == article.url and location.fragment == f"comment-{comment.pk}"
        if comment.pk in first_page:
            assert location.query == ""  # the plain article address
            continue
        query = parse_qs(location.query)
        assert query["comments_sort"] == [sort]
        shown = shown_on_page(article, sort=sort, cursor=query["comments_after"][0])
        assert comment.pk in shown
        assert shown[0] == (comment.root_id or comment.pk)  # the page begins with its conversation


@pytest.mark.parametrize("sort", SortOrder.values)
def test_a_comments_location_costs_one_query(article, busy_thread, sort, django_assert_num_queries):
    # As the comment's link loads them: top-level comments and replies, on the first page and later.
    comments = [selectors.public_comment(comment.pk) for comment in busy_thread]
    assert article.url  # the site's root paths are cached from here on
    with django_assert_num_queries(len(comments)):
        locations = [
            selectors.comment_location(comment, sort=sort, per_page=PER_PAGE)
            for comment in comments
        ]
    assert any("comments_after" in location for location in locations)
    assert any("comments_after" not in location for location in locations)
