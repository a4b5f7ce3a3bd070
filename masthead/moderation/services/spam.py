"""Clearing out old spam, as WordPress with Akismet does: the filter's own catches are deleted
once they are old enough to matter to nobody. A comment a moderator decided on is kept: the
decision is a training label and a line of the moderators' log."""

from datetime import datetime, timedelta

from django.conf import settings
from django.db import transaction
from django.db.models import Exists, OuterRef
from django.utils import timezone

from masthead.discussion.models import Comment, CommentStatus
from masthead.moderation.models import Decision, Report

# Deleted this many at a time: a short write transaction each, so posting never waits long.
PURGE_BATCH = 500


def old_spam(now: datetime, kept_days: int):
    """Spam the filter caught more than `kept_days` ago that no moderator decided on, no reader
    reported, and nothing answers."""
    return Comment.objects.filter(
        status=CommentStatus.SPAM, created__lt=now - timedelta(days=kept_days)
    ).exclude(
        Exists(Decision.objects.filter(comment=OuterRef("pk")))
        | Exists(Report.objects.filter(comment=OuterRef("pk")))
        | Exists(Comment.objects.filter(parent=OuterRef("pk")))
    )


def spam_purge(now: datetime | None = None, kept_days: int | None = None) -> int:
    """Delete old filter-caught spam (MASTHEAD_SPAM_KEPT_DAYS; 0 keeps it for good). Returns how
    many comments went."""
    kept_days = settings.MASTHEAD_SPAM_KEPT_DAYS if kept_days is None else kept_days
    if kept_days <= 0:
        return 0
    now = now or timezone.now()
    deleted = 0
    while True:
        with transaction.atomic():
            batch = list(old_spam(now, kept_days).values_list("pk", flat=True)[:PURGE_BATCH])
            if not batch:
                return deleted
            Comment.objects.filter(pk__in=batch).delete()
        deleted += len(batch)
