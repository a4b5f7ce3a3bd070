"""Discussion's writes. Views, the API and the importer all go through these functions."""

from masthead.discussion.services.authors import ERASED_AUTHOR_NAME, author_erase, author_rename
from masthead.discussion.services.comments import (
    AnchorInput,
    CommentRefused,
    comment_change_refusal,
    comment_delete,
    comment_edit,
    comment_post,
    comments_are_open,
    thread_changed,
    threads_changed,
)
from masthead.discussion.services.importing import (
    EntryChecker,
    ImportRefused,
    check_entries,
    comments_import,
    comments_new_count,
)
from masthead.discussion.services.overrides import (
    comment_settings_override_clear,
    comment_settings_override_set,
)
from masthead.discussion.services.subscriptions import (
    SubscriptionRefused,
    comment_notify_subscribers,
    subscription_confirm,
    subscription_from_link,
    subscription_request,
    subscription_stop,
    subscription_to_confirm,
    subscription_unsubscribe,
    subscriptions_deliver,
    subscriptions_deliver_due,
)
from masthead.discussion.services.votes import (
    VoteRefused,
    vote_cast,
    vote_changes_prune,
    votes_withdraw,
)

__all__ = [
    "ERASED_AUTHOR_NAME",
    "AnchorInput",
    "CommentRefused",
    "EntryChecker",
    "ImportRefused",
    "SubscriptionRefused",
    "VoteRefused",
    "author_erase",
    "author_rename",
    "check_entries",
    "comment_change_refusal",
    "comment_delete",
    "comment_edit",
    "comment_notify_subscribers",
    "comment_post",
    "comment_settings_override_clear",
    "comment_settings_override_set",
    "comments_are_open",
    "comments_import",
    "comments_new_count",
    "subscription_confirm",
    "subscription_from_link",
    "subscription_request",
    "subscription_stop",
    "subscription_to_confirm",
    "subscription_unsubscribe",
    "subscriptions_deliver",
    "subscriptions_deliver_due",
    "thread_changed",
    "threads_changed",
    "vote_cast",
    "vote_changes_prune",
    "votes_withdraw",
]
