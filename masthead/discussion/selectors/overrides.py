"""The moderators' override of an article's comment settings (open or closed, moderation mode),
which wins over the article's own settings (an editor's) until a moderator clears it."""

from dataclasses import dataclass
from datetime import datetime

from masthead.discussion.models import ThreadStats

# Where an article instance keeps its override once read: a page view asks several times (the
# form, the thread, the moderation mode) and reads it with the thread's counters (thread_page).
_REMEMBERED = "_comment_settings_override"


@dataclass(frozen=True)
class CommentSettingsOverride:
    """What moderators set for the article, by whom (None: since deleted) and when."""

    comments_open: bool
    comment_moderation: str  # "" follows the site's mode
    by_id: int | None
    at: datetime


def override_of(stats: ThreadStats | None) -> CommentSettingsOverride | None:
    """The override a thread's row holds, None when it holds none."""
    if stats is None or stats.override_comments_open is None:
        return None
    return CommentSettingsOverride(
        comments_open=stats.override_comments_open,
        comment_moderation=stats.override_comment_moderation,
        by_id=stats.override_by_id,
        at=stats.override_at,
    )


def override_remember(article, override: CommentSettingsOverride | None) -> None:
    """Keep the override on the article instance, so that asking again costs no query."""
    article.__dict__[_REMEMBERED] = override


def comment_settings_override(article) -> CommentSettingsOverride | None:
    """The moderators' override of the article's comment settings, None when there is none; read
    once per article instance."""
    if article is None or article.pk is None:
        return None
    if _REMEMBERED not in article.__dict__:
        stats = ThreadStats.objects.filter(article_id=article.pk).only(
            "article_id",
            "override_comments_open",
            "override_comment_moderation",
            "override_by_id",
            "override_at",
        )
        override_remember(article, override_of(stats.first()))
    return article.__dict__[_REMEMBERED]


def comment_settings_overrides_attach(articles) -> None:
    """comment_settings_override for many articles (a listing, the API) in one query."""
    articles = [article for article in articles if article.pk is not None]
    rows = ThreadStats.objects.filter(
        article_id__in=[article.pk for article in articles], override_comments_open__isnull=False
    ).in_bulk(field_name="article_id")
    for article in articles:
        override_remember(article, override_of(rows.get(article.pk)))


def effective_comments_open(article) -> bool:
    """The article's switch as moderators or, without their override, its editors set it (the
    site may still close the thread some days after publishing: see comments_are_open)."""
    override = comment_settings_override(article)
    return override.comments_open if override else article.comments_open


def effective_comment_moderation(article) -> str:
    """The article's moderation mode as moderators or, without their override, its editors set
    it; "" follows the site's."""
    override = comment_settings_override(article)
    if override:
        return override.comment_moderation
    return getattr(article, "comment_moderation", "")
