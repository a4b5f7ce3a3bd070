"""Up and down votes on comments."""

import hashlib
from datetime import datetime, timedelta

from django.db import IntegrityError, transaction
from django.db.models import Count, F, OuterRef, Q, Subquery
from django.db.models.functions import Coalesce
from django.utils import timezone

from masthead import limits
from masthead.discussion import conf, selectors
from masthead.discussion.models import Comment, CommentVote, VoteChange
from masthead.discussion.readers import Reader
from masthead.refusals import Refused

OWN_COMMENT = "You cannot vote on your own comment."
BAD_VALUE = "A vote is 1 (up), -1 (down) or 0 (take back my vote)."
TOO_MANY_FROM_ADDRESS = "Too many votes on this comment have come from your network. Sign in to vote from a shared connection."
VOTING_TOO_FAST = "You are voting too quickly. Please wait {seconds} seconds and try again."


class VoteRefused(Refused):
    retry_after: int | None = None


def vote_cast(
    *,
    comment: Comment,
    reader: Reader,
    value: int,
    guest_votes_per_address: int = 5,
    request=None,
    now: datetime | None = None,
) -> Comment:
    """Record a reader's vote (1, -1, or 0 to withdraw) and return the comment with its new score.

    One vote per reader per comment: an account, or a guest's signed cookie; a second vote
    replaces the first. Guests clearing cookies are capped per comment by their address's hash.
    Counts are recomputed from the votes, so concurrent votes cannot drift them. `request`, the
    reader's, opens an article restricted to some readers to those it lets in.
    """
    from masthead.discussion.services.comments import (
        COMMENT_NOT_FOUND,
        is_author,
        thread_changed,
    )

    # Its author may know a comment that is not shown; anyone else gets the answer a missing
    # comment gets, before any other (see COMMENT_NOT_FOUND).
    if is_author(comment, reader):
        raise VoteRefused(OWN_COMMENT, status=403)
    if not selectors.comment_is_public(comment, request):
        raise VoteRefused(COMMENT_NOT_FOUND, status=404)
    if value not in (1, -1, 0):
        raise VoteRefused(BAD_VALUE, field="value")

    now = now or timezone.now()
    with transaction.atomic():
        existing = (
            CommentVote.objects.select_for_update()
            .filter(comment=comment, reader_key=reader.key)
            .first()
        )
        if (existing.value if existing else 0) == value:
            return comment  # nothing changes: no recount, and the thread's pages stay cached
        _check_vote_rate(reader, now)
        change = value - (existing.value if existing else 0)
        if value == 0:
            if existing:
                existing.delete()
        elif existing:
            if existing.value != value:
                existing.value = value
                existing.save(update_fields=["value"])
        else:
            if reader.is_guest and reader.ip_hash:
                from_address = CommentVote.objects.filter(
                    comment=comment, ip_hash=reader.ip_hash, user__isnull=True
                ).count()
                if from_address >= guest_votes_per_address:
                    raise VoteRefused(TOO_MANY_FROM_ADDRESS, status=429)
            try:
                with transaction.atomic():
                    CommentVote.objects.create(
                        comment=comment,
                        reader_key=reader.key,
                        user=reader.user,
                        ip_hash=reader.ip_hash,
                        value=value,
                    )
            except IntegrityError:  # the same reader's vote arrived twice at once
                CommentVote.objects.filter(comment=comment, reader_key=reader.key).update(
                    value=value
                )
                change = 0  # the other request recorded the change (the same vote, surely)

        totals = CommentVote.objects.filter(comment=comment).aggregate(
            up=Count("id", filter=Q(value=1)), down=Count("id", filter=Q(value=-1))
        )
        comment.up, comment.down = totals["up"], totals["down"]
        comment.score = comment.imported_score + comment.up - comment.down
        comment.save(update_fields=["up", "down", "score"])
        if change and comment.parent_id is None:  # replies keep to time order: no change to rank
            VoteChange.objects.create(
                article_id=comment.article_id, comment=comment, delta=change, created=now
            )
        thread_changed(comment.article_id, votes_only=True)
    return comment


def _check_vote_rate(reader: Reader, now: datetime) -> None:
    window, elapsed = divmod(int(now.timestamp()), 60)
    too_fast = (
        limits.count(f"discussion:votes:{_counter_name(reader.key)}:{window}", 61)
        > conf.VOTES_PER_READER_PER_MINUTE
    )
    # Per network, only the votes that make a guest: a script dropping its cookie makes one at
    # each vote, while guests behind one address (an office, a phone network's) vote on as
    # readers of their own. A cookie got some other way (a comment, a report) is limited there.
    if not too_fast and reader.is_guest and reader.is_new and reader.ip_hash:
        too_fast = (
            limits.count(f"discussion:guest-votes-from:{reader.ip_hash}:{window}", 61)
            > conf.VOTES_PER_READER_PER_MINUTE * conf.GUEST_VOTES_PER_ADDRESS_FACTOR
        )
    if too_fast:
        refusal = VoteRefused(VOTING_TOO_FAST.format(seconds=60 - elapsed), status=429)
        refusal.retry_after = 60 - elapsed
        raise refusal


def _counter_name(reader_key: str) -> str:
    """A reader's key in a form every cache backend accepts in a key, whatever its characters."""
    return hashlib.blake2b(reader_key.encode(), digest_size=12).hexdigest()


def votes_withdraw(*, user) -> set[int]:
    """Take back every vote of an account (it is being deleted), recounting the comments it had
    voted on as vote_cast counts them; returns the ids of their articles, whose threads changed."""
    votes = CommentVote.objects.filter(user=user)
    voted_on = Comment.objects.filter(pk__in=votes.values("comment_id"))
    article_ids = set(voted_on.values_list("article_id", flat=True).distinct())
    now = timezone.now()
    VoteChange.objects.bulk_create(
        VoteChange(article_id=article_id, comment_id=comment_id, delta=-value, created=now)
        for comment_id, article_id, value in votes.filter(comment__parent__isnull=True).values_list(
            "comment_id", "comment__article_id", "value"
        )
    )
    voted_on.update(up=_others_votes(user, 1), down=_others_votes(user, -1))
    voted_on.update(score=F("imported_score") + F("up") - F("down"))
    votes.delete()
    return article_ids


def _others_votes(user, value: int):
    """How many votes of `value` the comment being updated has from anyone but `user`."""
    counted = (
        CommentVote.objects.filter(comment=OuterRef("pk"), value=value)
        .exclude(user=user)
        .order_by()
        .values("comment")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted), 0)


def vote_changes_prune(now: datetime | None = None) -> int:
    """Delete the record of score changes older than a most-voted reader's order is kept for
    (conf.MOST_VOTED_ORDER_KEPT_HOURS); returns how many. A periodic job of the worker."""
    now = now or timezone.now()
    kept = timedelta(hours=conf.MOST_VOTED_ORDER_KEPT_HOURS)
    deleted, _ = VoteChange.objects.filter(created__lt=now - kept).delete()
    return deleted
