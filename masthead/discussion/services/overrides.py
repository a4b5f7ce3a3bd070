"""The moderators' override of an article's comment settings: set and cleared here, read through
discussion.selectors.comment_settings_override."""

from datetime import datetime

from django.db import transaction

from masthead.discussion.models import ThreadStats
from masthead.discussion.selectors.overrides import (
    CommentSettingsOverride,
    override_of,
    override_remember,
)
from masthead.discussion.services.comments import thread_changed


def comment_settings_override_set(
    *, article, comments_open: bool, comment_moderation: str, moderator, now: datetime
) -> CommentSettingsOverride | None:
    """Set the moderators' override of the article's comment settings: it wins over the
    article's own, whatever its editors publish, until cleared. The thread's version changes, so
    cached pages show the comment form as it now is. Returns the override it replaced, if any."""
    with transaction.atomic():
        stats = _locked_thread(article.pk)
        thread_changed(article.pk)  # the comment form is part of the cached page
        if stats is None:  # the thread had no row: the bump made it
            stats = _locked_thread(article.pk)
        replaced = override_of(stats)
        stats.override_comments_open = comments_open
        stats.override_comment_moderation = comment_moderation
        stats.override_by = moderator
        stats.override_at = now
        stats.save(
            update_fields=[
                "override_comments_open",
                "override_comment_moderation",
                "override_by",
                "override_at",
            ]
        )
    override_remember(article, override_of(stats))
    return replaced


def comment_settings_override_clear(*, article) -> CommentSettingsOverride | None:
    """Clear the moderators' override: the article's own settings apply again. Returns the
    override cleared; None, and nothing changed, when there was none."""
    with transaction.atomic():
        stats = _locked_thread(article.pk)
        cleared = override_of(stats)
        if cleared is not None:
            ThreadStats.objects.filter(pk=stats.pk).update(
                override_comments_open=None,
                override_comment_moderation="",
                override_by=None,
                override_at=None,
            )
            thread_changed(article.pk)  # only then: with nothing cleared, cached pages stay
    override_remember(article, None)
    return cleared


def _locked_thread(article_id: int) -> ThreadStats | None:
    """The thread's row, locked until the transaction ends; None when it has none yet."""
    return ThreadStats.objects.select_for_update().filter(article_id=article_id).first()
