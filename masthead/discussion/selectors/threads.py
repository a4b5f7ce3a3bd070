"""A thread as readers page through it: top-level comments in the chosen order, a page at a
time whatever the thread's size (its top-level comments, then all their descendants at once), with
the reader's own votes and unpublished comments, the links into it and the counts behind them."""

import math
import re
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from urllib.parse import urlencode

from django.db.models import (
    Count,
    Exists,
    F,
    OuterRef,
    Q,
    QuerySet,
    Subquery,
    Sum,
    Value,
    Window,
)
from django.db.models.expressions import RawSQL
from django.db.models.functions import Coalesce, RowNumber
from django.utils.dateparse import parse_datetime

from masthead import moderation
from masthead.discussion import anchors, conf
from masthead.discussion.models import (
    Comment,
    CommentStatus,
    CommentVote,
    PassageAnchor,
    SortOrder,
    ThreadStats,
    VoteChange,
)
from masthead.discussion.readers import Reader, guest_key
from masthead.discussion.selectors.articles import MAX_ID
from masthead.discussion.selectors.overrides import override_of, override_remember

ORDERINGS = {
    SortOrder.NEWEST: ("-created", "-id"),
    SortOrder.OLDEST: ("created", "id"),
    SortOrder.MOST_VOTED: ("-score", "-created", "-id"),
}


@dataclass
class ThreadPage:
    """One page of a thread: top-level comments, each with `.replies` (a tree, in time order)."""

    comments: list
    sort: str
    count: int
    top_level_count: int
    page: int
    pages: int
    has_more: bool
    next_cursor: str | None
    snapshot: int
    version: int
    anchors: list = field(default_factory=list)
    my_votes: dict = field(default_factory=dict)
    # The article's featured comments, when asked for (featured_comments).
    featured: list = field(default_factory=list)
    # A page of the whole thread ("view all") that stops inside a conversation: the next page
    # starts at its top-level comment again and goes on after this reply (see encode_cursor).
    next_replies_after: str | None = None
    # Most voted first: the order of which moment the next pages keep (see ranked_at).
    votes_at: int | None = None


def thread_stats(article_id: int, *, with_votes_mark: bool = False) -> ThreadStats:
    """The thread's counters; `with_votes_mark` adds `votes_mark` (see _latest_vote_change) in
    the same query, for a first page of the most voted comments."""
    stats = ThreadStats.objects.filter(article_id=article_id)
    if with_votes_mark:
        stats = stats.annotate(votes_mark=Coalesce(Subquery(_latest_vote_change(article_id)), 0))
    return stats.first() or ThreadStats(article_id=article_id)


def thread_version(article_id: int) -> int:
    """Changes whenever anything readers see in the thread changes (the page cache's key)."""
    return (
        ThreadStats.objects.filter(article_id=article_id).values_list("version", flat=True).first()
        or 0
    )


def thread_feed_version(article_id: int) -> int:
    """Changes whenever the thread's comments change as the article's comments feed shows them:
    its version less its votes' changes (a feed shows no scores; see comments_version)."""
    versions = ThreadStats.objects.filter(article_id=article_id).values_list(
        F("version") - F("votes_version"), flat=True
    )
    return versions.first() or 0


# The page cache's id of the site's comments feed (/comments/feed/), which is no page: its
# entries and its variant are kept apart from every page's (page ids start at 1).
SITE_COMMENTS_FEED_CACHE_ID = -1


def comments_version(_page_id: int | None = None) -> int:
    """Changes whenever any thread's comments change as the site's comments feed shows them: the
    sum of every thread's version (see thread_version) less its votes' changes (a feed shows no
    scores), that feed's cache variant. It only grows: a thread's row goes only with its article,
    whose deletion changes the site's content version, also part of the feed's key. One sum over
    the threads' counters (a row per article, no comment read), asked at most once a second per
    process and only for that feed."""
    total = ThreadStats.objects.aggregate(total=Sum(F("version") - F("votes_version")))["total"]
    return total or 0


def has_own_view(request, article_id: int) -> bool:
    """Whether the guest behind the request's comment cookie sees this thread otherwise than
    anonymous readers do: they have a comment in it (one awaiting moderation shows only to them),
    a vote or a report. Every other guest may be served the page anonymous readers get."""
    key = guest_key(request)
    if not key:
        return False  # a cookie we did not sign names no one: the page shows as to anyone
    # The article compared as "article_id + 0", which no index serves: SQLite would otherwise
    # walk every comment of the article, however little the reader has written or voted on.
    comments = Comment.objects.alias(in_article=F("article_id") + 0)
    votes = CommentVote.objects.alias(in_article=F("comment__article_id") + 0)
    return (
        comments.filter(reader_key=key, in_article=article_id).exists()
        or votes.filter(reader_key=key, in_article=article_id).exists()
        or moderation.has_reported_in(reader_key=key, article_id=article_id)
    )


def comment_counts(article_ids) -> dict[int, int]:
    """Published comment counts for many articles in one query (for listings and the API)."""
    return dict(
        ThreadStats.objects.filter(article_id__in=list(article_ids)).values_list(
            "article_id", "published_count"
        )
    )


# What an author sees of their own comment while it is not published: "awaiting moderation",
# whether it is held or was marked spam, so that a spammer learns nothing from it.
OWN_UNPUBLISHED = (CommentStatus.PENDING, CommentStatus.SPAM)


def visible_to(reader: Reader | None, *, status: str = "status") -> Q:
    """Published comments, and the reader's own comments awaiting moderation (`status`: the
    field or alias holding the comment's status)."""
    visible = Q(**{status: CommentStatus.PUBLISHED})
    if reader is not None:
        visible |= Q(
            **{f"{status}__in": OWN_UNPUBLISHED}, reader_key=reader.key, deleted__isnull=True
        )
    return visible


def in_conversations(root_ids, *, reader: Reader | None):
    """The replies of these conversations that may show, in no order: removed and deleted
    ones too, as placeholders, when replies hang below them (those with none show nowhere,
    and must take no room among the replies a page shows), and none below a held comment
    (but the reader's own). The status is compared as
    "COALESCE(status, '')", which no index serves: SQLite, without statistics, would otherwise
    read every published comment of the site by the status index (2.5 ms per page of a thread
    on 5,400 comments, growing with the site) instead of the conversations' own by root (0.4 ms)."""
    comments = Comment.objects.alias(unindexed_status=Coalesce("status", Value("")))
    may_show = visible_to(reader, status="unindexed_status") | Q(
        unindexed_status=CommentStatus.REMOVED
    )
    placeholder = Q(deleted__isnull=False) | Q(unindexed_status=CommentStatus.REMOVED)
    # A reply below may itself be a placeholder with replies below it: any will do here, and
    # hang_replies drops a placeholder that ends up with nothing below it on the page.
    replies_below = Comment.objects.filter(
        visible_to(reader) | Q(status=CommentStatus.REMOVED), parent=OuterRef("pk")
    )
    return comments.filter(
        may_show, ~placeholder | Exists(replies_below), root_id__in=root_ids
    ).exclude(pk__in=_below_held(root_ids, reader=reader))


# The replies below held and spam comments (but the reader's own) in some conversations,
# however deep: a thread hides a held comment's branch (see hidden_branches). The status is
# compared through COALESCE so that SQLite reads the conversations by root, not every held
# comment of the site by the status index (see in_conversations).
_BELOW_HELD_SQL = """
WITH RECURSIVE below_held (id) AS (
    SELECT reply.id FROM {comment} AS reply JOIN {comment} AS held ON reply.parent_id = held.id
    WHERE held.root_id IN ({root_ids}) AND COALESCE(held.status, '') IN (%s, %s)
      AND held.reader_key <> %s
  UNION
    SELECT reply.id FROM {comment} AS reply JOIN below_held ON reply.parent_id = below_held.id
)
SELECT id FROM below_held
"""


def _below_held(root_ids, *, reader: Reader | None) -> RawSQL:
    root_ids = list(root_ids)
    sql = _BELOW_HELD_SQL.format(
        comment=Comment._meta.db_table, root_ids=", ".join(["%s"] * len(root_ids)) or "NULL"
    )
    key = reader.key if reader is not None else ""
    return RawSQL(sql, (*root_ids, *OWN_UNPUBLISHED, key))  # noqa: S611 (values are parameters)


def _with_visible_children(reader) -> Q:
    """A deleted or removed comment still shows, as a placeholder, where visible replies hang below it."""
    children = Comment.objects.filter(
        visible_to(reader), parent=OuterRef("pk"), deleted__isnull=True
    )
    return Q(Exists(children))


def top_level_comments(
    article_id: int,
    *,
    reader: Reader | None,
    sort: str,
    snapshot: int | None = None,
    ids: list[int] | None = None,
):
    """The article's top-level comments that show, in sort order; with `ids`, only those."""
    shown = (visible_to(reader) & Q(deleted__isnull=True)) | (
        Q(status__in=[CommentStatus.PUBLISHED, CommentStatus.REMOVED])
        & _with_visible_children(reader)
    )
    if ids is not None:
        # The article and the parent compared as "+ 0", which no index serves: SQLite would
        # otherwise walk the thread's sort-order index to find a few comments by id.
        comments = Comment.objects.alias(
            in_article=F("article_id") + 0, below=F("parent_id") + 0
        ).filter(shown, in_article=article_id, below__isnull=True, pk__in=ids)
    else:
        comments = Comment.objects.filter(shown, article_id=article_id, parent__isnull=True)
    if snapshot:
        # Compared as "id + 0", which no index can serve: otherwise SQLite walks the primary
        # key range and sorts the whole thread instead of reading the sort-order index
        # (comment_top_time / comment_top_score) for just one page.
        comments = comments.alias(snapshot_id=F("id") + 0)
        within_snapshot = Q(snapshot_id__lte=snapshot)
        if reader is not None:
            within_snapshot |= Q(reader_key=reader.key)  # the reader's own new comments still show
        comments = comments.filter(within_snapshot)
    return comments.order_by(*ORDERINGS[sort]).select_related("anchor")


# A comment's id, and a cursor as encode_cursor writes it ([score_]creation time_id), as the
# thread's links write them: the page cache stores only addresses with such values.
COMMENT_ID = r"[1-9][0-9]{0,18}"
COMMENT_CURSOR = (
    r"(-?[0-9]+_)?[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9:.]+[+-][0-9]{2}:[0-9]{2}_" + COMMENT_ID
)
# A moment of the thread's scores as thread_page writes it (see _latest_vote_change; 0: before any).
VOTES_MARK = r"0|" + COMMENT_ID


def parse_votes_mark(value) -> int | None:
    """The moment of the scores a "most voted" link names (see _latest_vote_change), or None."""
    if not isinstance(value, str) or not re.fullmatch(VOTES_MARK, value):
        return None
    return int(value) if int(value) <= MAX_ID else None


def _latest_vote_change(article_id: int):
    """The latest change votes made to the article's scores that is kept, as a subquery: the
    moment of the scores a reader of its most voted comments starts from, so that the next pages
    they ask for keep the order of that moment (see ranked_at); 0 (no row) before any."""
    changes = VoteChange.objects.filter(article_id=article_id).order_by("-id")
    return changes.values_list("id", flat=True)[:1]


def _score_change_since(article_id: int, votes_at: int):
    """How much votes since `votes_at` moved the score of the comment of an outer query."""
    changed = (
        VoteChange.objects.filter(article_id=article_id, pk__gt=votes_at, comment=OuterRef("pk"))
        .order_by()
        .values("comment")
        .annotate(change=Sum("delta"))
        .values("change")
    )
    return Coalesce(Subquery(changed), 0)


def _rank(comment) -> tuple:
    return (comment.ranked_score, comment.created, comment.pk)


def ranked_at(
    article_id: int,
    *,
    reader: Reader | None,
    snapshot: int | None,
    votes_at: int,
    after,
    limit: int,
) -> list:
    """The first `limit` top-level comments that show after `after` (a decoded cursor, or None),
    most voted first as the scores were at `votes_at` (see _latest_vote_change), each with
    `ranked_score`, its score then: a reader paging on keeps the order they started with, and
    votes since neither skip nor repeat a comment (each shows its current score all the same).

    None of its queries reads the whole thread: the changes since `votes_at`, the comments they
    moved, by id (their scores then are their scores now less the changes), and a page of the
    others from the score index (their scores have not moved). The first two grow with the
    votes since the reader started (changes are kept conf.MOST_VOTED_ORDER_KEPT_HOURS), not with
    the thread."""
    changes = VoteChange.objects.filter(article_id=article_id, pk__gt=votes_at)
    changed = dict(
        changes.order_by()
        .values("comment_id")
        .annotate(change=Sum("delta"))
        .values_list("comment_id", "change")
    )
    ids, moved = list(changed), []
    shown = {"reader": reader, "sort": SortOrder.MOST_VOTED, "snapshot": snapshot}
    for start in range(0, len(ids), _MOVED_AT_ONCE):
        chunk = ids[start : start + _MOVED_AT_ONCE]
        moved += top_level_comments(article_id, ids=chunk, **shown).order_by()
    top = top_level_comments(article_id, **shown)
    for comment in moved:
        comment.ranked_score = comment.score - changed[comment.pk]
    others = top.exclude(pk__in=changes.values("comment_id")) if ids else top
    if after is not None:
        score, created, pk = after
        others = others.filter(
            _sorted_after(SortOrder.MOST_VOTED, score=score, created=created, pk=pk)
        )
        moved = [comment for comment in moved if _rank(comment) < after]
    unmoved = list(others[:limit])
    for comment in unmoved:
        comment.ranked_score = comment.score
    return sorted([*unmoved, *moved], key=_rank, reverse=True)[:limit]


# Comments voted on since a reader started, read this many at a time (a query's parameters are
# limited: SQLite's to 32,766).
_MOVED_AT_ONCE = 500


def encode_cursor(comment: Comment, sort: str) -> str:
    created = comment.created.isoformat()
    score = getattr(comment, "ranked_score", comment.score)  # on a page in an earlier order
    return (
        f"{score}_{created}_{comment.pk}"
        if sort == SortOrder.MOST_VOTED
        else f"{created}_{comment.pk}"
    )


def _decode_cursor(cursor: str, sort: str):
    """(score, created, pk) of a cursor (score None unless most voted first), or None."""
    parts = cursor.split("_")
    try:
        if sort == SortOrder.MOST_VOTED:
            score, created, pk = int(parts[0]), parse_datetime(parts[1]), int(parts[2])
        else:
            score, created, pk = None, parse_datetime(parts[0]), int(parts[1])
    except (IndexError, ValueError, TypeError):
        return None
    if created is None or not 0 < pk <= MAX_ID:
        return None
    return score, created, pk


def _after_cursor(comments, cursor: str, sort: str):
    decoded = _decode_cursor(cursor, sort)
    if decoded is None:
        return None
    score, created, pk = decoded
    return comments.filter(_sorted_after(sort, score=score, created=created, pk=pk))


def is_linked_thread_place(
    article_id: int,
    *,
    sort: str,
    cursor: str | None,
    snapshot: int | None,
    replies_after: str | None = None,
    votes_at: int | None = None,
) -> bool:
    """Whether the thread's own links name this place in it: a cursor at one of the article's
    top-level comments ("load more"), or one step beside it (comment_location), with its score
    at `votes_at` when given, a reply of the whole thread's page to go on after, a snapshot that
    is one of its comments, and a moment of its scores (see _latest_vote_change). The page cache
    stores only such places: any other value would fill an entry of its own. At most four
    queries, none without a cursor, a reply, a snapshot or a moment."""
    comments = Comment.objects.filter(article_id=article_id)
    if votes_at and not VoteChange.objects.filter(pk=votes_at, article_id=article_id).exists():
        return False
    if replies_after:
        decoded = _decode_cursor(replies_after, SortOrder.OLDEST)
        if decoded is None:
            return False
        _, created, pk = decoded
        if not comments.filter(parent__isnull=False, created=created, pk=pk).exists():
            return False
    if cursor:
        decoded = _decode_cursor(cursor, sort if sort in ORDERINGS else SortOrder.NEWEST)
        if decoded is None:
            return False
        score, created, pk = decoded
        at = comments.filter(parent__isnull=True, created=created, pk__in=[pk - 1, pk, pk + 1])
        if score is not None and votes_at is not None:
            at = at.alias(then=F("score") - _score_change_since(article_id, votes_at))
            at = at.filter(then=score)
        elif score is not None:
            at = at.filter(score=score)
        if not at.exists():
            return False
    if snapshot is None:
        return True
    return 0 < snapshot <= MAX_ID and comments.filter(pk=snapshot).exists()


def _sorted_after(sort: str, *, score, created, pk) -> Q:
    """The comments that come after (score, created, pk) in the sort order."""
    return _sorted_beyond(sort, score=score, created=created, pk=pk, after=True)


def _sorted_before(sort: str, *, score, created, pk) -> Q:
    """The comments that come before (score, created, pk) in the sort order (values or
    references to an outer query's columns)."""
    return _sorted_beyond(sort, score=score, created=created, pk=pk, after=False)


def _sorted_beyond(sort: str, *, score, created, pk, after: bool) -> Q:
    # Newest and most voted run downwards: what comes after is smaller, what comes before larger.
    beyond = "lt" if (sort != SortOrder.OLDEST) == after else "gt"
    by_time = Q(**{f"created__{beyond}": created}) | Q(created=created, **{f"id__{beyond}": pk})
    if sort == SortOrder.MOST_VOTED:
        return Q(**{f"score__{beyond}": score}) | (Q(score=score) & by_time)
    return by_time


def comment_location(comment: Comment, *, sort: str, per_page: int) -> str:
    """Where a comment shows in its article's thread, as a path: the article with the comment's
    fragment, continued from the page that begins with its top-level comment when that comment
    is not on the first page (links in e-mails, and the redirect after posting without
    JavaScript, would otherwise land where the comment is not shown).

    A reply past the replies a page shows of its conversation (conf.REPLIES_SHOWN) is found in
    the whole thread ("view all"). One query for that, and one more: the top-level comment's sort
    keys, with how many top-level comments come before it.
    """
    if sort not in ORDERINGS:
        sort = SortOrder.NEWEST
    place = _place_in_conversation(comment) if comment.root_id else 0
    if place >= conf.REPLIES_SHOWN:
        # Past the replies a page of the thread shows: the page of the whole thread that starts
        # at its conversation shows it, or one of the pages that conversation goes on over.
        root = Comment.objects.only("pk", "created", "score").get(pk=comment.root_id)
        everything = {
            "comments": "all",
            "comments_sort": sort,
            "comments_after": cursor_ahead_of(root, sort),
        }
        per_page = conf.VIEW_ALL_PAGE_COMMENTS - 1  # replies below the repeated root
        if place >= per_page:
            last_before = _conversation_replies(comment.root_id, reader=None)[
                place // per_page * per_page - 1
            ]
            everything["comments_replies_after"] = encode_cursor(last_before, SortOrder.OLDEST)
        return f"{comment.article.url}?{urlencode(everything)}#comment-{comment.pk}"
    ahead = (
        top_level_comments(comment.article_id, reader=None, sort=sort)
        .filter(
            _sorted_before(
                sort, score=OuterRef("score"), created=OuterRef("created"), pk=OuterRef("pk")
            )
        )
        .order_by()
        .values("article_id")
        .annotate(count=Count("pk"))
        .values("count")
    )
    root = (
        Comment.objects.filter(pk=comment.root_id or comment.pk)
        .annotate(ahead=Coalesce(Subquery(ahead), 0))
        .values("pk", "created", "score", "ahead")
        .get()
    )
    path = comment.article.url
    if root["ahead"] >= per_page:
        ahead_of_root = Comment(pk=root["pk"], created=root["created"], score=root["score"])
        cursor = cursor_ahead_of(ahead_of_root, sort)
        path += "?" + urlencode({"comments_sort": sort, "comments_after": cursor})
    return f"{path}#comment-{comment.pk}"


def cursor_ahead_of(comment: Comment, sort: str) -> str:
    """The cursor just ahead of a top-level comment, so that a page continued after it starts
    with that comment: ids are compared after the creation time (and the score), descending
    except for the oldest-first order. The score is the one the comment's page ranked it by."""
    step = -1 if sort == SortOrder.OLDEST else 1
    score = getattr(comment, "ranked_score", comment.score)
    return encode_cursor(Comment(pk=comment.pk + step, created=comment.created, score=score), sort)


def _place_in_conversation(reply: Comment) -> int:
    """How many replies of the reply's conversation come before it, as replies_in orders them
    (and counts them: as every reader sees them)."""
    earlier = Q(created__lt=reply.created) | Q(created=reply.created, pk__lt=reply.pk)
    return in_conversations([reply.root_id], reader=None).filter(earlier).count()


def thread_page(
    article,
    *,
    reader: Reader | None,
    sort: str = SortOrder.NEWEST,
    page: int = 1,
    per_page: int = 20,
    cursor: str | None = None,
    snapshot: int | None = None,
    view_all: bool = False,
    replies_after: str | None = None,
    max_depth: int = 5,
    with_featured: bool = False,
    replies_shown: int | None = None,
    votes_at: int | None = None,
) -> ThreadPage:
    """A page of top-level comments with their replies: all of them, or with `replies_shown`
    the earliest that many below each, the rest counted in `more_replies`.

    `view_all` asks for a page of the whole thread instead (see _whole_thread_page): whole
    conversations up to conf.VIEW_ALL_PAGE_COMMENTS comments, `replies_after` going on inside
    the first one where the page before stopped.

    Pages are fixed against a snapshot (the newest comment id when the reader first loaded the
    thread), so comments arriving meanwhile neither repeat nor push others to the next page;
    `cursor` continues after the last comment shown ("load more"), `page` is for the API.
    `with_featured` adds the article's featured comments, whatever the sort and the page.

    Most voted first, the scores move under a reader who pages on: `votes_at` (the page's
    `votes_at`, carried by its links) keeps the next pages in the order of the moment the reader
    started (see ranked_at), as the snapshot keeps new comments out.
    """
    if sort not in ORDERINGS:
        sort = SortOrder.NEWEST
    # Read before the page: a vote meanwhile moves the next pages, not this one.
    starts_ranking = sort == SortOrder.MOST_VOTED and votes_at is None
    stats = thread_stats(article.pk, with_votes_mark=starts_ranking)
    # The comment form and the moderation mode ask for the moderators' override: it is here.
    override_remember(article, override_of(stats))
    snapshot = snapshot or stats.latest_comment_id or None
    top = top_level_comments(article.pk, reader=reader, sort=sort, snapshot=snapshot)
    page = max(1, page)
    next_cursor = next_replies_after = ranked = None
    if sort != SortOrder.MOST_VOTED:
        votes_at = None
    elif votes_at is not None:

        def ranked(limit):
            after = _decode_cursor(cursor, sort) if cursor else None
            return ranked_at(
                article.pk,
                reader=reader,
                snapshot=snapshot,
                votes_at=votes_at,
                after=after,
                limit=limit,
            )
    else:
        votes_at = getattr(stats, "votes_mark", 0)
    if view_all:
        if ranked is not None:
            top = ranked(max(2, conf.VIEW_ALL_PAGE_COMMENTS) + 1)
        elif cursor:
            continued = _after_cursor(top, cursor, sort)
            top = continued if continued is not None else top
        top_level, more_after = _whole_thread_page(
            top, reader=reader, replies_after=replies_after, max_depth=max_depth
        )
        has_more = more_after is not None
        if isinstance(more_after, Comment):  # stopped inside the last conversation shown
            next_cursor = cursor_ahead_of(top_level[-1], sort)
            next_replies_after = encode_cursor(more_after, SortOrder.OLDEST)
    else:
        if ranked is not None and cursor:
            top, start = ranked(per_page + 1), 0
        elif ranked is not None:  # the API's numbered pages, in the order of `votes_at` too
            start = (page - 1) * per_page
            top = ranked(start + per_page + 1)
        elif cursor:
            continued = _after_cursor(top, cursor, sort)
            top = continued if continued is not None else top
            start = 0
        else:
            start = (page - 1) * per_page
        top_level = list(top[start : start + per_page + 1])
        has_more = len(top_level) > per_page
        top_level = top_level[:per_page]
        _attach_replies(
            top_level, reader=reader, max_depth=max_depth, per_conversation=replies_shown
        )
    if has_more and top_level and next_cursor is None:
        next_cursor = encode_cursor(top_level[-1], sort)
    for comment in top_level:
        if getattr(comment, "more_replies", 0):
            # Into the whole thread afresh (its link carries no moment): by the current score.
            now = Comment(pk=comment.pk, created=comment.created, score=comment.score)
            comment.whole_thread_cursor = cursor_ahead_of(now, sort)
    mark_edited_passages(article, top_level)
    my_votes = reader_votes(top_level, reader)
    pages = max(1, math.ceil(stats.top_level_count / per_page)) if per_page else 1
    return ThreadPage(
        comments=top_level,
        sort=sort,
        count=stats.published_count,
        top_level_count=stats.top_level_count,
        page=page,
        pages=pages,
        has_more=has_more,
        next_cursor=next_cursor,
        snapshot=snapshot or 0,
        version=stats.version,
        my_votes=my_votes,
        featured=featured_comments(article.pk) if with_featured and stats.featured_count else [],
        next_replies_after=next_replies_after,
        votes_at=votes_at,
    )


def _whole_thread_page(top, *, reader: Reader | None, replies_after: str | None, max_depth: int):
    """A page of the whole thread ("view all"): the top-level comments of `top` in order, each
    with every reply, as long as the page holds at most conf.VIEW_ALL_PAGE_COMMENTS comments
    (the first conversation always shows, cut there when it is longer). Three queries whatever
    the thread's size: the top-level comments, their replies counted, the replies shown.

    `replies_after` (a reply's cursor) goes on inside the first conversation after that reply;
    a reply answering one on an earlier page hangs below the top-level comment, saying whom it
    answers. Returns the comments and where the next page starts: None at the thread's end,
    True at the next top-level comment, or the last reply shown when the page stops inside the
    last conversation.
    """
    budget = max(2, conf.VIEW_ALL_PAGE_COMMENTS)
    roots = list(top[: budget + 1])
    if not roots:
        return [], None
    counts = dict(
        _conversation_replies([root.pk for root in roots], reader=reader)
        .order_by()
        .values("root_id")
        .annotate(count=Count("id"))
        .values_list("root_id", "count")
    )
    after = _decode_cursor(replies_after, SortOrder.OLDEST) if replies_after else None
    room, shown, first_part, stopped_at = budget, [], None, None
    for root in roots:
        if not shown and (after is not None or 1 + counts.get(root.pk, 0) > room):
            first_part = _replies_after(root.pk, reader=reader, after=after)[:room]
            first_part = list(first_part)
            shown.append(root)
            if len(first_part) > room - 1:
                first_part = first_part[: room - 1]
                stopped_at = first_part[-1] if first_part else None
                break
            room -= 1 + len(first_part)
            continue
        if shown and 1 + counts.get(root.pk, 0) > room:
            break
        shown.append(root)
        room -= 1 + counts.get(root.pk, 0)
        if room <= 0:
            break
    whole = [root.pk for root in shown[1 if first_part is not None else 0 :]]
    replies = [*(first_part or []), *(replies_in(whole, reader=reader) if whole else [])]
    _hang_whole_conversations(shown, replies, max_depth=max_depth)
    if stopped_at is not None:
        return shown, stopped_at
    return shown, (True if len(roots) > len(shown) else None)


def _replies_after(root_id: int, *, reader: Reader | None, after):
    """One conversation's replies that may show, in time order, after the reply `after` (a
    decoded cursor, see _decode_cursor) or from its first: a page of "view all" going on inside
    a conversation, and the API's pages of one conversation's replies."""
    replies = _conversation_replies(root_id, reader=reader)
    if after is not None:
        _, created, pk = after
        replies = replies.filter(
            _sorted_after(SortOrder.OLDEST, score=None, created=created, pk=pk)
        )
    return replies.select_related("replied_to", "anchor", "parent")


@dataclass
class ConversationPart:
    """A page of one conversation's replies (the API's "more replies"): `root.replies` holds
    them as trees, a reply whose comment is on an earlier page at the top."""

    root: Comment
    more_replies: int  # replies after this page
    next_replies_after: str | None  # the cursor of the next page, None at the end


def is_reply_cursor(cursor: str) -> bool:
    """Whether `cursor` names a reply as encode_cursor writes it (creation time_id)."""
    return _decode_cursor(cursor, SortOrder.OLDEST) is not None


def conversation_part(
    article,
    *,
    root_id: int,
    reader: Reader | None,
    replies_after: str | None = None,
    max_depth: int = 5,
    per_page: int | None = None,
) -> ConversationPart | None:
    """The replies of one of the article's conversations after the reply `replies_after`
    names, `per_page` at a time in time order (by default as many as "view all" shows below
    the top-level comment it repeats on each page); None when the article shows no such
    top-level comment. Two queries, three when more replies follow."""
    root = (
        top_level_comments(article.pk, reader=reader, sort=SortOrder.OLDEST)
        .filter(pk=root_id)
        .first()
    )
    if root is None:
        return None
    per_page = per_page or conf.VIEW_ALL_PAGE_COMMENTS - 1  # below the repeated root
    after = _decode_cursor(replies_after, SortOrder.OLDEST) if replies_after else None
    replies = list(_replies_after(root.pk, reader=reader, after=after)[: per_page + 1])
    more, next_replies_after = 0, None
    if len(replies) > per_page:
        replies = replies[:per_page]
        next_replies_after = encode_cursor(replies[-1], SortOrder.OLDEST)
        more = _replies_after(
            root.pk, reader=reader, after=_decode_cursor(next_replies_after, SortOrder.OLDEST)
        ).count()
    _hang_whole_conversations([root], replies, max_depth=max_depth)
    mark_edited_passages(article, [root])
    return ConversationPart(root=root, more_replies=more, next_replies_after=next_replies_after)


def _conversation_replies(root_ids, *, reader: Reader | None):
    """The replies of these conversations (or this one) that may show, in time order."""
    if isinstance(root_ids, int):
        root_ids = [root_ids]
    return in_conversations(root_ids, reader=reader).order_by("created", "id")


def _hang_whole_conversations(top_level: list, replies: list, *, max_depth: int) -> None:
    """Hang replies below what they answer; one whose comment is on an earlier page (a
    conversation gone on from there) hangs below its top-level comment, naming whom it answers."""
    on_page = {comment.pk for comment in top_level} | {reply.pk for reply in replies}
    children: dict[int, list] = {}
    for reply in replies:
        parent_id = reply.parent_id
        if parent_id not in on_page:
            if reply.replied_to_id is None:
                reply.answers_elsewhere = reply.parent
            parent_id = reply.root_id
        children.setdefault(parent_id, []).append(reply)
    for comment in top_level:
        hang_replies(comment, children, max_depth=max_depth)
        comment.more_replies = 0


def featured_comments(article_id: int, *, limit: int = conf.FEATURED_COMMENTS_SHOWN) -> list:
    """The article's featured comments, the latest pick first, without their replies: one
    query, which a thread without any skips (thread_page asks only when its counts say so)."""
    return list(
        Comment.objects.filter(
            article_id=article_id,
            featured_at__isnull=False,
            status=CommentStatus.PUBLISHED,
            deleted__isnull=True,
        )
        .select_related("anchor", "parent", "replied_to")
        .order_by("-featured_at", "-id")[:limit]
    )


def _attach_replies(
    top_level: list, *, reader: Reader | None, max_depth: int, per_conversation: int | None
) -> None:
    """Hang each top-level comment's replies below it; with `per_conversation`, the earliest
    that many, and `more_replies` says how many of the rest may show (zero: none left out),
    `more_replies_after` the cursor of the last one fetched."""
    if not top_level:
        return
    replies = replies_in(
        [comment.pk for comment in top_level], reader=reader, per_conversation=per_conversation
    )
    children: dict[int, list] = {}
    in_conversation: dict[int, int] = {}
    last_reply: dict[int, Comment] = {}
    for reply in replies:
        children.setdefault(reply.parent_id, []).append(reply)
        in_conversation[reply.root_id] = getattr(reply, "in_conversation", 0)
        last_reply[reply.root_id] = reply
    for comment in top_level:
        hang_replies(comment, children, max_depth=max_depth)
        comment.more_replies = max(0, in_conversation.get(comment.pk, 0) - (per_conversation or 0))
        if comment.more_replies:
            # Where the rest of the conversation starts (conversation_part goes on from there).
            comment.more_replies_after = encode_cursor(last_reply[comment.pk], SortOrder.OLDEST)


def replies_in(root_ids, *, reader: Reader | None, per_conversation: int | None = None):
    """Every reply in these conversations that may show (removed and deleted ones too, as
    placeholders for the replies below them), in time order: one query. With `per_conversation`,
    the earliest that many of each conversation (a reply is never earlier than what it answers,
    so those that show hang together), each with `in_conversation`, how many there are in all."""
    replies = in_conversations(root_ids, reader=reader)
    if per_conversation is not None:
        conversation = {"partition_by": [F("root_id")]}
        replies = replies.annotate(
            place=Window(RowNumber(), order_by=[F("created").asc(), F("id").asc()], **conversation),
            in_conversation=Window(Count("id"), **conversation),
        ).filter(place__lte=per_conversation)
    return replies.select_related("replied_to", "anchor").order_by("created", "id")


def hang_replies(comment, children: dict[int, list], *, max_depth: int) -> bool:
    """Attach visible replies; returns whether anything under or at this comment is shown."""
    kept = [
        child
        for child in children.get(comment.pk, [])
        if hang_replies(child, children, max_depth=max_depth)
    ]
    comment.replies = kept
    comment.display_depth = min(comment.depth, max_depth - 1)
    comment.is_placeholder = bool(comment.deleted) or comment.status == CommentStatus.REMOVED
    comment.is_own_pending = comment.status in OWN_UNPUBLISHED
    return not comment.is_placeholder or bool(kept)


def mark_edited_passages(article, top_level: list) -> None:
    """Anchored comments whose passage is gone from the article say "passage since edited"."""
    found: dict[int, bool] = {}
    for comment in iter_thread(top_level):
        if comment.anchor_id is not None:
            if comment.anchor_id not in found:
                found[comment.anchor_id] = anchor_is_found(article, comment.anchor)
            comment.passage_found = found[comment.anchor_id]


def anchor_is_found(article, anchor: PassageAnchor) -> bool:
    text = anchors.article_text(article)
    return anchors.locate(
        text, quote=anchor.quote, prefix=anchor.prefix, suffix=anchor.suffix
    ).found


def reader_votes(top_level: list, reader: Reader | None) -> dict[int, int]:
    """The reader's votes on these comments and their replies, by comment id."""
    if reader is None or reader.is_new or not top_level:
        return {}
    ids = [comment.pk for comment in iter_thread(top_level)]
    return dict(
        CommentVote.objects.filter(comment_id__in=ids, reader_key=reader.key).values_list(
            "comment_id", "value"
        )
    )


def iter_thread(comments):
    """Every comment of a page, depth first, in display order."""
    for comment in comments:
        yield comment
        yield from iter_thread(getattr(comment, "replies", []))


def new_comment_count(article_id: int, *, since_id: int) -> int:
    return Comment.objects.filter(
        article_id=article_id, status=CommentStatus.PUBLISHED, deleted__isnull=True, id__gt=since_id
    ).count()


def reply_target(article, comment_id: int) -> Comment | None:
    """The comment a reader is answering, if every reader may see it (a held or removed
    comment's author stays private)."""
    return (
        Comment.objects.filter(
            pk=comment_id,
            article=article,
            status=CommentStatus.PUBLISHED,
            deleted__isnull=True,
        )
        .select_related("replied_to")
        .first()
    )


# Held and spam comments (of one article, or of every article), then every reply below them,
# however deep (one query, SQLite and PostgreSQL alike; raw SQL because the ORM has no recursive
# queries).
_HIDDEN_BRANCHES_SQL = """
WITH RECURSIVE hidden (id) AS (
    SELECT id FROM {comment} WHERE {of_article} status IN (%s, %s)
  UNION
    SELECT reply.id FROM {comment} AS reply JOIN hidden ON reply.parent_id = hidden.id
)
SELECT id FROM hidden
"""


def hidden_branches(article_id: int | None) -> RawSQL:
    """The ids of the article's comments (of every article's, for None) that readers do not see
    whatever their own status: held and spam comments, and the replies below them (a thread
    hides a held comment's branch)."""
    of_article = "article_id = %s AND" if article_id is not None else ""
    sql = _HIDDEN_BRANCHES_SQL.format(comment=Comment._meta.db_table, of_article=of_article)
    article = (article_id,) if article_id is not None else ()
    return RawSQL(sql, (*article, *OWN_UNPUBLISHED))  # noqa: S611 (values are parameters)


def shown_comments(article_id: int | None) -> QuerySet[Comment]:
    """The comments of an article (of every article, for None) that every reader of it sees:
    published, not deleted by their author, not below a held or spam comment. Whether readers
    may open the article itself is the caller's question (see public_comments)."""
    comments = Comment.objects.filter(status=CommentStatus.PUBLISHED, deleted__isnull=True)
    if article_id is not None:
        comments = comments.filter(article_id=article_id)
    return comments.exclude(pk__in=hidden_branches(article_id))


def public_comments(*, site_root=None, article_id: int | None = None) -> QuerySet[Comment]:
    """The comments anyone may read, newest first, with their article: those shown in the
    threads (shown_comments) of live articles that no password or sign-in keeps from some
    readers, of one article, or of every article below `site_root` (a site's front page)."""
    from masthead.publishing.models import ArticlePage
    from masthead.publishing.selectors import public_pages

    articles = public_pages(ArticlePage.objects.live())
    if site_root is not None:
        articles = articles.descendant_of(site_root)
    if article_id is not None:
        articles = articles.filter(pk=article_id)
    return (
        shown_comments(article_id)
        .filter(article__in=articles.values("pk"))
        .select_related("article")
        .order_by("-created", "-id")
    )


def public_comment(comment_id: int, request=None) -> Comment | None:
    """A comment every reader can see (see comment_is_public)."""
    comment = (
        Comment.objects.filter(pk=comment_id, status=CommentStatus.PUBLISHED, deleted__isnull=True)
        .select_related("article")
        .first()
    )
    return comment if comment is not None and comment_is_public(comment, request) else None


def linked_comment(comment_id: int, request, *, reader: Reader | None) -> Comment | None:
    """The comment a link to it may lead this reader to: one every reader sees
    (public_comment), or the reader's own awaiting moderation, which their thread shows them
    (visible_to). None for any other, held, spam, removed or deleted: as for a missing one."""
    from masthead.discussion.selectors.articles import is_open_article

    if not 0 < comment_id <= MAX_ID:
        return None
    comment = public_comment(comment_id, request)
    if comment is not None or reader is None or not reader.key:
        return comment
    # Not a published one: public_comment has said it is not shown (it hangs below a held one).
    own = (
        Comment.objects.filter(visible_to(reader), pk=comment_id, status__in=OWN_UNPUBLISHED)
        .select_related("article")
        .first()
    )
    return own if own is not None and is_open_article(own.article_id, request) else None


def comment_is_public(comment: Comment, request=None) -> bool:
    """Whether every reader sees the comment: shown in its thread (shown_comments), on a live
    article that is not restricted to some readers, or that this request has opened (see
    open_article)."""
    from masthead.discussion.selectors.articles import is_open_article

    if comment.status != CommentStatus.PUBLISHED or comment.deleted:
        return False
    if not is_open_article(comment.article_id, request):
        return False
    if comment.parent_id is not None:
        return shown_comments(comment.article_id).filter(pk=comment.pk).exists()
    return True


def is_recent(comment: Comment, *, now: datetime, minutes: int) -> bool:
    return now <= comment.created + timedelta(minutes=minutes)
