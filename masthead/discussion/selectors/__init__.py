"""Discussion's reads, for the comment section, the API, the account page and the importers: a
page of a thread costs the same few queries whatever the thread's size."""

from masthead.discussion.selectors.accounts import (
    account_authorship,
    account_comments,
    account_follows,
    account_follows_any,
    account_subscriptions,
    account_subscriptions_page,
)
from masthead.discussion.selectors.articles import (
    MAX_ID,
    MAX_PAGE,
    is_open_article,
    open_article_or_404,
)
from masthead.discussion.selectors.exports import (
    comment_answers,
    comments_for_export,
)
from masthead.discussion.selectors.passages import (
    passage_anchors,
    passage_comments,
)
from masthead.discussion.selectors.threads import (
    COMMENT_CURSOR,
    COMMENT_ID,
    OWN_UNPUBLISHED,
    ThreadPage,
    comment_counts,
    comment_is_public,
    comment_location,
    featured_comments,
    has_own_view,
    hidden_branches,
    is_linked_thread_place,
    is_recent,
    iter_thread,
    new_comment_count,
    public_comment,
    reply_target,
    thread_page,
    thread_stats,
    thread_version,
    top_level_comments,
)

__all__ = [
    "COMMENT_CURSOR",
    "COMMENT_ID",
    "MAX_ID",
    "MAX_PAGE",
    "OWN_UNPUBLISHED",
    "ThreadPage",
    "account_authorship",
    "account_comments",
    "account_follows",
    "account_follows_any",
    "account_subscriptions",
    "account_subscriptions_page",
    "comment_answers",
    "comment_counts",
    "comment_is_public",
    "comment_location",
    "comments_for_export",
    "featured_comments",
    "has_own_view",
    "hidden_branches",
    "is_linked_thread_place",
    "is_open_article",
    "is_recent",
    "iter_thread",
    "new_comment_count",
    "open_article_or_404",
    "passage_anchors",
    "passage_comments",
    "public_comment",
    "reply_target",
    "thread_page",
    "thread_stats",
    "thread_version",
    "top_level_comments",
]
