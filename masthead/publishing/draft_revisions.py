"""Which revision an editor's next save of a draft may extend instead of adding one. No side
effects: the admin hook (wagtail_hooks.py) hands the answer to Wagtail's own overwrite."""

from datetime import datetime, timedelta

from wagtail.models import Page, PageLogEntry, Revision, TaskState

from masthead.publishing import conf

DRAFT_SAVED = "wagtail.edit"


def draft_revision_to_extend(*, page: Page, user, now: datetime) -> Revision | None:
    """The page's latest revision, when `user`'s next save may overwrite it: a draft that this
    user alone saved, the last time less than DRAFT_REVISION_MINUTES before `now`.

    A revision anything else is logged against (published, scheduled, reverted to, submitted
    for moderation, commented on) is never extended, nor the live or scheduled one: the history
    and the compare and revert views keep pointing at what each of those events saw."""
    latest = page.latest_revision
    if conf.DRAFT_REVISION_MINUTES <= 0 or latest is None or user is None:
        return None
    if (
        latest.user_id != user.pk
        or latest.pk == page.live_revision_id
        or latest.approved_go_live_at is not None
        or latest.created_at < now - timedelta(minutes=conf.DRAFT_REVISION_MINUTES)
    ):
        return None
    entries = PageLogEntry.objects.filter(revision=latest)
    if not entries.filter(action=DRAFT_SAVED, user=user).exists():
        return None  # saved by a script or an import, not by this editor
    if entries.exclude(action=DRAFT_SAVED, user=user).exists():
        return None
    if TaskState.objects.filter(revision=latest).exists():
        return None
    return latest
