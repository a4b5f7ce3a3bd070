"""What the newsroom sees of readers' comments in the Wagtail admin: each article's counts in the
page listing, and an article's comments a page at a time (WordPress shows authors the comments on
their posts; here editors see them without being given the moderators' queues)."""

from dataclasses import dataclass
from typing import NamedTuple

from django.core.paginator import Page, Paginator
from django.db.models import Count, IntegerField, OuterRef, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.http import Http404

from masthead.discussion.models import Comment, CommentStatus, ThreadStats
from masthead.discussion.selectors.articles import MAX_ID
from masthead.discussion.selectors.threads import shown_comments

READER_COMMENTS_PER_PAGE = 25
# The attributes pages_with_comment_counts gives each page.
PUBLISHED_COUNT = "reader_comments_published"
WAITING_COUNT = "reader_comments_waiting"


class CommentCounts(NamedTuple):
    """An article's comments readers see, and those awaiting a moderator's decision."""

    published: int
    waiting: int


def pages_with_comment_counts(pages: QuerySet) -> QuerySet:
    """The pages, each with its counts of comments readers see and of comments awaiting
    moderation (attributes PUBLISHED_COUNT and WAITING_COUNT; 0 for a page that is no article).
    Both are subqueries of the pages' own query: a listing costs no query more however many
    articles it shows. The published count is the thread's kept counter (ThreadStats), the one
    readers see above the thread."""
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
    return pages.annotate(
        **{
            PUBLISHED_COUNT: Coalesce(
                Subquery(published[:1]), Value(0), output_field=IntegerField()
            ),
            WAITING_COUNT: Coalesce(Subquery(waiting[:1]), Value(0), output_field=IntegerField()),
        }
    )


def page_comment_counts(page) -> CommentCounts:
    """The counts pages_with_comment_counts gave the page, or counted now (one query) for a page
    that came another way (the page editor's header, a search backend that drops annotations)."""
    if not hasattr(page, PUBLISHED_COUNT):
        from wagtail.models import Page

        page = pages_with_comment_counts(Page.objects.filter(pk=page.pk)).first() or page
    return CommentCounts(getattr(page, PUBLISHED_COUNT, 0), getattr(page, WAITING_COUNT, 0))


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
    counts = page_comment_counts(article)
    if with_unpublished:
        comments = Comment.objects.filter(article_id=article.pk, deleted__isnull=True)
    else:
        comments = shown_comments(article.pk)
    comments = comments.select_related("parent", "replied_to").order_by("-created", "-id")
    page = Paginator(comments, READER_COMMENTS_PER_PAGE).get_page(page_number)
    return ArticleReaderComments(counts=counts, page=page)
