"""Comments anchored to a passage of the article (inline feedback): the bubbles' counts and the
passage panel's conversation."""

import copy

from django.db import connection
from django.db.models import Q
from django.urls import reverse

from masthead.discussion import anchors, conf
from masthead.discussion.models import (
    Comment,
    CommentStatus,
    PassageAnchor,
    SortOrder,
)
from masthead.discussion.readers import Reader
from masthead.discussion.selectors.threads import (
    OWN_UNPUBLISHED,
    ThreadPage,
    hang_replies,
    iter_thread,
    mark_edited_passages,
    reader_votes,
    thread_stats,
    visible_to,
)

# Every comment the passage panel shows, with the passage that brings it there: the comments
# on a passage, then the replies below them, generation by generation, and the answers to a
# comment at the deepest level, which sit beside it (replied_to) rather than below it. A spam
# or held comment hides what hangs below it, as in the panel; a removed one shows (a
# placeholder) and so do its replies. Raw SQL because the ORM has no recursive queries; one
# query however deep the replies go (SQLite and PostgreSQL alike). The replies' status is
# compared through COALESCE, which no index serves: SQLite would otherwise take each step's
# replies from every published comment of the site by the status index (4 s for a passage
# under a conversation of 1,544 replies) instead of by parent and replied_to (20 ms).
_PASSAGE_COUNTS_SQL = """
WITH RECURSIVE conversation (anchor_id, comment_id) AS (
    SELECT anchor_id, id FROM {comment}
    WHERE article_id = %s AND anchor_id IS NOT NULL AND status IN (%s, %s)
  UNION
    SELECT conversation.anchor_id, reply.id
    FROM {comment} AS reply JOIN conversation
      ON reply.parent_id = conversation.comment_id
      OR reply.replied_to_id = conversation.comment_id
    WHERE COALESCE(reply.status, '') IN (%s, %s)
)
SELECT passage.id, passage.quote, passage.prefix, passage.suffix, counted.comment_count
FROM {anchor} AS passage JOIN (
    SELECT conversation.anchor_id, COUNT(*) AS comment_count
    FROM conversation JOIN {comment} AS shown ON shown.id = conversation.comment_id
    WHERE shown.status = %s AND shown.deleted IS NULL
    GROUP BY conversation.anchor_id
) AS counted ON counted.anchor_id = passage.id
ORDER BY passage.id
"""


def passage_anchors(article) -> list[dict]:
    """The article's commented passages, and whether each is still found, with how many
    comments the passage's panel shows: the published comments on it and every published
    reply below or beside them (each once), so that the bubble's number is what opening it
    shows (the panel says so when the passage has more comments than it lists).

    One query, whatever the number of passages and replies.
    """
    text = anchors.article_text(article)
    in_panel = (CommentStatus.PUBLISHED, CommentStatus.REMOVED)
    passages = PassageAnchor.objects.raw(
        _PASSAGE_COUNTS_SQL.format(
            comment=Comment._meta.db_table, anchor=PassageAnchor._meta.db_table
        ),
        [article.pk, *in_panel, *in_panel, CommentStatus.PUBLISHED],
    )
    rows = []
    for anchor in passages:
        location = anchors.locate(
            text, quote=anchor.quote, prefix=anchor.prefix, suffix=anchor.suffix
        )
        rows.append(
            {
                "id": anchor.pk,
                "quote": anchor.quote,
                "prefix": anchor.prefix,
                "suffix": anchor.suffix,
                "count": anchor.comment_count,
                "found": location.found,
            }
        )
    return rows


# The earliest replies below or beside each of the panel's comments (as the passage counts
# follow them), `per_comment` + 1 of each at most (the one more says where the rest begin),
# with how many there are in all: the panel lists a bounded number whatever the conversation's
# size, and only what the reader may see (others' held and spam comments cut their branch).
_PANEL_REPLIES_SQL = """
WITH RECURSIVE below (panel_id, comment_id) AS (
    SELECT id, id FROM {comment} WHERE id IN ({panel_ids})
  UNION
    SELECT below.panel_id, reply.id
    FROM {comment} AS reply JOIN below
      ON reply.parent_id = below.comment_id
      OR reply.replied_to_id = below.comment_id
    WHERE reply.status IN (%s, %s)
      OR (reply.status IN (%s, %s) AND reply.reader_key = %s AND reply.deleted IS NULL)
)
SELECT panel_id, comment_id, place, in_all FROM (
    SELECT below.panel_id, below.comment_id,
      ROW_NUMBER() OVER (
        PARTITION BY below.panel_id ORDER BY reply.created, reply.id
      ) AS place,
      COUNT(*) OVER (PARTITION BY below.panel_id) AS in_all
    FROM below JOIN {comment} AS reply ON reply.id = below.comment_id
    WHERE below.comment_id <> below.panel_id
) AS ranked
WHERE place <= %s
"""


def _panel_replies(panel_comments: list, *, reader: Reader | None, per_comment: int) -> dict:
    """For each of these comments, its earliest `per_comment` + 1 replies below or beside it
    (in time order, each a copy of its own: a reply may show under two of them) and how many
    it has in all: {comment id: (replies, count)}. Two queries however long the conversations."""
    if not panel_comments:
        return {}
    sql = _PANEL_REPLIES_SQL.format(
        comment=Comment._meta.db_table,
        panel_ids=", ".join(["%s"] * len(panel_comments)),
    )
    in_panel = (CommentStatus.PUBLISHED, CommentStatus.REMOVED)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [
                *(comment.pk for comment in panel_comments),
                *in_panel,
                *OWN_UNPUBLISHED,
                reader.key if reader is not None else "",
                per_comment + 1,
            ],
        )
        rows = cursor.fetchall()
    replies = Comment.objects.select_related("replied_to", "anchor").in_bulk(
        {comment_id for _, comment_id, _, _ in rows}
    )
    found: dict[int, tuple[list, int]] = {}
    for panel_id, comment_id, _place, in_all in sorted(rows, key=lambda row: (row[0], row[2])):
        listed, _ = found.get(panel_id, ([], 0))
        listed.append(copy.copy(replies[comment_id]))
        found[panel_id] = (listed, in_all)
    return found


def passage_comments(
    article,
    *,
    anchor_id: int,
    reader: Reader | None = None,
    max_depth: int = 5,
    limit: int | None = None,
    replies_shown: int | None = None,
) -> ThreadPage:
    """The conversations on one passage (the passage bubble's panel): its `limit` newest
    comments (`has_more` when it has others), each with its earliest `replies_shown` replies
    (conf.REPLIES_SHOWN) as the thread shows them, `more_replies` counting the others and
    `more_replies_link` leading to the first of them in the thread.

    A comment on the passage that answers another one on it shows in that one's conversation,
    not a second time on its own. One that answers a comment not on the passage shows on its
    own, and says whom it answers as a reply at the deepest level does (`answers_elsewhere`).
    The answers to a comment at the deepest level follow it, beside it as in the thread.
    """
    limit = limit or conf.PASSAGE_PANEL_COMMENTS
    shown = visible_to(reader) | Q(status=CommentStatus.REMOVED)
    on_passage = list(
        Comment.objects.filter(shown, article=article, anchor_id=anchor_id)
        .select_related("anchor", "replied_to", "parent")
        .order_by("-created", "-id")[: limit + 1]
    )
    has_more = len(on_passage) > limit
    on_passage = on_passage[:limit]
    replies_shown = replies_shown or conf.REPLIES_SHOWN
    panel_replies = _panel_replies(on_passage, reader=reader, per_comment=replies_shown)
    beside: dict[int, list] = {}
    for comment in on_passage:
        replies, in_all = panel_replies.get(comment.pk, ([], 0))
        if len(replies) > replies_shown:
            first_left_out = replies.pop()
            comment.more_replies = in_all - replies_shown
            comment.more_replies_link = _thread_link(first_left_out, comment)
        children: dict[int, list] = {}
        answered_beside: dict[int, list] = {}
        for reply in replies:
            children.setdefault(reply.parent_id, []).append(reply)
            if reply.replied_to_id is not None:
                answered_beside.setdefault(reply.replied_to_id, []).append(reply)
        hang_replies(comment, children, max_depth=max_depth)
        beside[comment.pk] = _answers_beside(
            comment, answered_beside, children, max_depth=max_depth
        )
    answers = {
        reply.pk
        for comment in on_passage
        for reply in iter_thread([*comment.replies, *beside[comment.pk]])
    }
    conversations = []
    for comment in on_passage:
        if comment.pk in answers:
            continue
        if comment.is_placeholder and not comment.replies and not beside[comment.pk]:
            continue
        if comment.parent_id is not None and comment.replied_to_id is None:
            comment.answers_elsewhere = comment.parent
        conversations += [comment, *beside[comment.pk]]
    mark_edited_passages(article, conversations)
    stats = thread_stats(article.pk)
    return ThreadPage(
        comments=conversations,
        sort=SortOrder.NEWEST,
        count=stats.published_count,
        top_level_count=stats.top_level_count,
        page=1,
        pages=1,
        has_more=has_more,
        next_cursor=None,
        snapshot=stats.latest_comment_id,
        version=stats.version,
        my_votes=reader_votes(conversations, reader),
    )


def _thread_link(*comments) -> str:
    """The lasting address of the first of these comments that every reader sees (it leads to
    the page of the thread that shows it), or the whole thread's."""
    for comment in comments:
        if comment.status == CommentStatus.PUBLISHED and comment.deleted is None:
            return reverse("discussion:comment", args=[comment.pk])
    return "?comments=all#comments"


def _answers_beside(comment, answered_beside: dict[int, list], children, *, max_depth) -> list:
    """The answers to a comment at the deepest level, and the answers to those, in time order,
    each with its replies: those that show (a placeholder only for what hangs below it)."""
    found, waiting, seen = [], [comment], {comment.pk}
    while waiting:
        for answer in answered_beside.get(waiting.pop().pk, []):
            if answer.pk in seen:
                continue
            seen.add(answer.pk)
            waiting.append(answer)
            if hang_replies(answer, children, max_depth=max_depth):
                found.append(answer)
    return sorted(found, key=lambda answer: (answer.created, answer.pk))
