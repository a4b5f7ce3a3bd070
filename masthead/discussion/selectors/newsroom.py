"""What the newsroom sees of readers' comments in the Wagtail admin: each article's counts in the
page listing, and an article's comments a page at a time (WordPress shows authors the comments on
their posts; here editors see them without being given the moderators' queues)."""

from dataclasses import dataclass
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from masthead.discussion.models import Comment, CommentStatus, ThreadStats
from masthead.discussion.selectors.articles import MAX_ID
from masthead.discussion.selectors.threads import shown_comments

READER_COMMENTS_PER_PAGE = 25


class CommentCounts(NamedTuple):
    """An article's comments readers see, and those awaiting a moderator's decision."""

    published: int
    waiting: int


def comment_counts_by_article(article_ids) -> dict[int, CommentCounts]:
    """The comment counts of each of these articles, in one query however many (a listing counts
    the articles of its page at once, not one by one). The published count is the thread's kept
    counter (ThreadStats), the one readers see above the thread; pages that are no article count
    0."""
    from wagtail.models import Page

    published = ThreadStats.objects.filter(article_id=OuterRef("pk")).values("published_count")
    waiting = (
        Comment.objects.filter(
            article_id=OuterRef("pk"), status=CommentStatus.PENDING, deleted__isnull=True
        )
        .order_by()
        .values("article_id")
        .annotate(count=Count("id"))
        .values("count")
    )
    rows = (
        Page.objects.filter(pk__in=list(article_ids))
        .order_by()
        .annotate(
            published=Coalesce(Subquery(published[:1]), Value(0), output_field=IntegerField()),
            waiting=Coalesce(Subquery(waiting[:1]), Value(0), output_field=IntegerField()),
        )
        .values_list("pk", "published", "waiting")
    )
    return {pk: CommentCounts(published, waiting) for pk, published, waiting in rows}


def article_comment_counts(article_id: int) -> CommentCounts:
    """One article's comment counts (one query)."""
    return comment_counts_by_article([article_id]).get(article_id, CommentCounts(0, 0))


def newsroom_article_or_404(article_id: int):
    """The article with this id, live or not (editors look at drafts' and unpublished articles'
    comments too); Http404 otherwise. Whether the user may see its comments is the caller's
    question."""
    from masthead.publishing.models import ArticlePage

    article = None
    if 0 < article_id <= MAX_ID:
        article = ArticlePage.objects.filter(pk=article_id).first()
    if article is None:
        raise Http404("No such article.")
    return article


@dataclass(frozen=True)
class ArticleReaderComments:
    counts: CommentCounts
    # Newest first; each comment with `parent` and `replied_to` loaded.
    page: Page


def article_reader_comments(
    article, *, page_number, with_unpublished: bool = False
) -> ArticleReaderComments:
    """A page of the article's comments, newest first, and its counts. Without `with_unpublished`
    (for users who may not moderate) only the comments readers see: the text of held, spam and
    removed comments may be abuse or someone's personal data, so it is counted, never listed.
    With it, every comment its author has not deleted, whatever its status."""
    counts = article_comment_counts(article.pk)
    if with_unpublished:
        comments = Comment.objects.filter(article_id=article.pk, deleted__isnull=True)
    else:
        comments = shown_comments(article.pk)
    comments = comments.select_related("parent", "replied_to").order_by("-created", "-id")
    page = Paginator(comments, READER_COMMENTS_PER_PAGE).get_page(page_number)
    return ArticleReaderComments(counts=counts, page=page)
