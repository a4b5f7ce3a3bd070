"""A moderator's say over one article's thread: open or close it, choose how it is moderated.

Editors set the same two fields in the page editor. Wagtail publishes pages from revisions, so a
change written to the live page alone would be undone by the editor's next publish (the editor's
form starts from the latest revision). The change is therefore written to the live page and to
the content of every revision from the live one on (drafts, a scheduled revision): whatever an
editor publishes next carries it. No new revision is published for it: that would stamp the
article "Updated" for readers and in its feeds and date it anew for search engines, for a change
to the comments alone. Older revisions keep what they had: reverting to one is an editor's choice.
"""

from dataclasses import dataclass
from datetime import datetime

from django.db import transaction
from django.utils import timezone
from wagtail.log_actions import log

from masthead.moderation.services.decisions import ModerationRefused

# The page history's entry for a moderator's change (registered in wagtail_hooks.py).
COMMENT_SETTINGS_CHANGED = "moderation.article_comments"
UNKNOWN_MODE = "Choose one of the listed moderation modes; nothing was changed."


@dataclass(frozen=True)
class CommentSettingsChange:
    """What a moderator's change did: False in `changed` when the article already had them."""

    changed: bool
    comments_open: bool
    comment_moderation: str


def article_moderation_modes() -> dict[str, str]:
    """The article's own choices of mode, "" (as the site's setting says) first, with labels."""
    from masthead.publishing.models import ArticlePage

    return {
        value: str(label)
        for value, label in ArticlePage._meta.get_field("comment_moderation").choices
    }


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


def article_comments_set(
    *,
    article,
    comments_open: bool,
    comment_moderation: str,
    moderator,
    now: datetime | None = None,
) -> CommentSettingsChange:
    """Open or close an article's comments and set its moderation mode ("" follows the site's),
    for the next comment posted and for every later publish of the page; logged in the page's
    history with who and when. Changing nothing logs nothing. ModerationRefused for a mode that
    is not one of the article's choices."""
    from masthead.discussion.services.comments import thread_changed
    from masthead.publishing.models import ArticlePage

    if comment_moderation not in article_moderation_modes():
        raise ModerationRefused(UNKNOWN_MODE)
    now = now or timezone.now()
    with transaction.atomic():
        current = ArticlePage.objects.select_for_update().get(pk=article.pk)
        before = {
            "comments_open": current.comments_open,
            "comment_moderation": current.comment_moderation,
        }
        after = {"comments_open": comments_open, "comment_moderation": comment_moderation}
        if before == after:
            return CommentSettingsChange(False, comments_open, comment_moderation)
        ArticlePage.objects.filter(pk=article.pk).update(**after)
        for revision in _revisions_to_come(current):
            revision.content = {**revision.content, **after}
            revision.save(update_fields=["content"])
        log(
            instance=current,
            action=COMMENT_SETTINGS_CHANGED,
            user=moderator,
            timestamp=now,
            data={"before": before, "after": after},
        )
        # The comment form is part of the cached page and thread: readers get a fresh one.
        thread_changed(article.pk)
    article.comments_open, article.comment_moderation = comments_open, comment_moderation
    return CommentSettingsChange(True, comments_open, comment_moderation)


def _revisions_to_come(article) -> list:
    """The revisions an editor may still publish: the live one (so that its "compare" and a
    publish of it agree with the live page) and every later one. A page never published: all."""
    revisions = article.revisions.select_for_update()
    if article.live_revision_id:
        revisions = revisions.filter(pk__gte=article.live_revision_id)
    return list(revisions.order_by("pk"))
