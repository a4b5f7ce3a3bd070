"""The comment section's HTML endpoints. Each works without JavaScript (post/redirect/get); the
same endpoints answer JSON to the page's script when it asks with `Accept: application/json`."""

from masthead.discussion.views.comments import comment_link, delete, edit, post_comment, vote
from masthead.discussion.views.subscriptions import (
    subscribe,
    subscription_confirm,
    subscription_unsubscribe,
    unfollow,
)
from masthead.discussion.views.threads import ThreadFragment, sort, stream, thread, updates

__all__ = [
    "ThreadFragment",
    "comment_link",
    "delete",
    "edit",
    "post_comment",
    "sort",
    "stream",
    "subscribe",
    "subscription_confirm",
    "subscription_unsubscribe",
    "thread",
    "unfollow",
    "updates",
    "vote",
]
