"""A moderator's say over one article's thread: open or close it, choose how it is moderated.

Editors set the same two things on the page (its Settings tab). A moderator's choice is kept
apart from the page, as an override on the article's thread (discussion's): it wins over the
page's own settings until a moderator clears it. The page and its revisions are an editor's and
stay untouched, so an editor's publish, autosave or stale form cannot undo a moderator's change,
and the article is not stamped "Updated" for a change to its comments.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from masthead.moderation.models import ModerationMode
from masthead.moderation.services.decisions import ModerationRefused

# The page history's entry for a moderator's change (registered in wagtail_hooks.py); its data:
# "before" and "after" (the settings in force), "cleared" when it cleared the override.
COMMENT_SETTINGS_CHANGED = "moderation.article_comments"
UNKNOWN_MODE = "Choose one of the listed moderation modes; nothing was changed."
FOLLOW_SITE_LABEL = "As the site's moderation setting says"


@dataclass(frozen=True)
class CommentSettingsChange:
    """What a moderator's change did: False in `changed` when the article already had them."""

    changed: bool
    comments_open: bool
    comment_moderation: str


def article_moderation_modes() -> dict[str, str]:
    """The modes an article may have, "" (as the site's setting says) first, with labels."""
    return {"": FOLLOW_SITE_LABEL} | {value: str(label) for value, label in ModerationMode.choices}


def comment_settings_words(values: dict) -> str:
    """The two settings as the page history and the moderator read them: "comments closed;
    moderation: Hold every comment for review"."""
    state = "open" if values.get("comments_open", True) else "closed"
    mode = values.get("comment_moderation", "")
    label = article_moderation_modes().get(mode, mode)
    return f"comments {state}; moderation: {label}"


def comment_settings_change_words(before: dict, after: dict) -> str:
    """What a change did, as the decisions log lists it: "closed comments; moderation: As the
    site's moderation setting says → Hold every comment for review" (what stayed is left out)."""
    modes = article_moderation_modes()
    changes = []
    if before.get("comments_open", True) != after.get("comments_open", True):
        changes.append("opened comments" if after.get("comments_open", True) else "closed comments")
    mode_before = before.get("comment_moderation", "")
    mode_after = after.get("comment_moderation", "")
    if mode_before != mode_after:
        changes.append(
            f"moderation: {modes.get(mode_before, mode_before)} → {modes.get(mode_after, mode_after)}"
        )
    return "; ".join(changes)


def comment_settings_entry_words(data: dict) -> str:
    """A logged change as the decisions log lists it (see comment_settings_change_words); a
    cleared override says so, with what the article's own settings changed, if anything."""
    changes = comment_settings_change_words(data.get("before", {}), data.get("after", {}))
    if not data.get("cleared"):
        return changes
    cleared = "cleared the moderators' settings: the article's own apply"
    return f"{cleared} ({changes})" if changes else cleared


def settings_in_force(article) -> dict:
    """The article's comment settings as they apply: the moderators' override, else its own."""
    from masthead.discussion.selectors import (
        effective_comment_moderation,
        effective_comments_open,
    )

    return {
        "comments_open": effective_comments_open(article),
        "comment_moderation": effective_comment_moderation(article),
    }


def comment_settings(holder) -> dict:
    """The two comment settings of what carries them: an article (its own, as its editors
    published them), a moderators' override, a CommentSettingsChange."""
    return {
        "comments_open": holder.comments_open,
        "comment_moderation": holder.comment_moderation,
    }


def article_comments_set(
    *,
    article,
    comments_open: bool,
    comment_moderation: str,
    moderator,
    now: datetime | None = None,
) -> CommentSettingsChange:
    """Open or close an article's comments and set its moderation mode ("" follows the site's),
    for the next comment posted, whatever the article's editors publish, until a moderator
    clears it; logged in the page's history with who and when. Settings already in force change
    and log nothing. ModerationRefused for a mode that is not one of the article's choices."""
    from masthead.discussion.services import comment_settings_override_set

    if comment_moderation not in article_moderation_modes():
        raise ModerationRefused(UNKNOWN_MODE)
    now = now or timezone.now()
    after = {"comments_open": comments_open, "comment_moderation": comment_moderation}
    with transaction.atomic():
        before = settings_in_force(article)
        if before == after:
            return CommentSettingsChange(False, comments_open, comment_moderation)
        comment_settings_override_set(
            article=article,
            comments_open=comments_open,
            comment_moderation=comment_moderation,
            moderator=moderator,
            now=now,
        )
        log(
            instance=article,
            action=COMMENT_SETTINGS_CHANGED,
            user=moderator,
            timestamp=now,
            data={"before": before, "after": after},
        )
    return CommentSettingsChange(True, comments_open, comment_moderation)


def article_comments_override_clear(
    *, article, moderator, now: datetime | None = None
) -> CommentSettingsChange:
    """Clear the moderators' comment settings of an article: its own (its editors') apply again
    from the next comment; logged like a change. Nothing to clear changes and logs nothing."""
    from masthead.discussion.services import comment_settings_override_clear

    now = now or timezone.now()
    own = comment_settings(article)
    with transaction.atomic():
        cleared = comment_settings_override_clear(article=article)
        if cleared is None:
            return CommentSettingsChange(False, **own)
        log(
            instance=article,
            action=COMMENT_SETTINGS_CHANGED,
            user=moderator,
            timestamp=now,
            data={"before": comment_settings(cleared), "after": own, "cleared": True},
        )
    return CommentSettingsChange(True, **own)
