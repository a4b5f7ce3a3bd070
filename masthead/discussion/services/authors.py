"""What a change to a reader's account means for the discussion: a new name shows on all their
comments; a deleted account leaves its comments as their author's own Delete would."""

from datetime import datetime

from django.db import transaction
from django.db.models import F, Value
from django.db.models.functions import Coalesce
from django.utils import timezone

from masthead.discussion.models import Comment, Subscription
from masthead.discussion.services.comments import thread_changed, threads_changed
from masthead.discussion.services.votes import votes_withdraw

# What a comment of a deleted account says of its author where anything still names it: the
# "in reply to …" of an answer beside the deepest level, and the moderation queue.
ERASED_AUTHOR_NAME = "Deleted account"


def author_rename(*, user, name: str) -> int:
    """Show `name` with every comment of the account, as its reader expects after changing it.

    A comment stores its author's name (a guest has no account to read it from), so each one is
    rewritten, and the threads that show them change version: the page cache and the API's
    cached pages are keyed by it. Returns the number of comments renamed."""
    with transaction.atomic():
        renamed = Comment.objects.filter(user=user).exclude(author_name=name)
        article_ids = set(renamed.values_list("article_id", flat=True).distinct())
        count = renamed.update(author_name=name)
        threads_changed(article_ids)
    return count


def author_erase(*, user, now: datetime | None = None) -> int:
    """Before an account is deleted: its comments are deleted as their author would delete them
    (one with replies stays as a "Comment deleted" placeholder, so the conversation below it
    holds), the name, address and website stored with each are erased and the account's link
    with them cut; its votes are taken back and its subscriptions erased.

    The text stays in the database, hidden from readers, as after the author's own Delete:
    readers' reports, moderators' decisions and the filter's training examples refer to it.
    Returns the number of comments."""
    now = now or timezone.now()
    with transaction.atomic():
        theirs = Comment.objects.filter(user=user)
        article_ids = set(theirs.values_list("article_id", flat=True).distinct())
        count = theirs.update(
            deleted=Coalesce(F("deleted"), Value(now)),
            author_name=ERASED_AUTHOR_NAME,
            author_email="",
            author_url="",
            user=None,
            featured_at=None,  # as comment_delete ends a pick
            featured_by=None,
        )
        article_ids |= votes_withdraw(user=user)
        Subscription.objects.filter(user=user).delete()
        for article_id in sorted(article_ids):
            thread_changed(article_id, recount=True)
    return count
