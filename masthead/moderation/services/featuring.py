"""Featured comments ("Editors' picks"): moderators pick the best comments of a discussion and
readers see them above the thread. A pick is logged and undone like the other decisions, but it
is never a training label: it says a comment is worth reading, not whether the filter was right."""

from datetime import datetime

from django.db import transaction
from django.utils import timezone

from masthead.moderation.models import ENDED_BY_EDIT, IMPORTED, Decision, DecisionAction
from masthead.moderation.services.decisions import AlreadyDecided, ModerationRefused

NOT_FEATURABLE = "Only published comments can be featured; this one is {state}."
# How a comment that cannot be featured is described, by its status.
UNFEATURABLE_STATES = {
    "pending": "awaiting moderation",
    "spam": "marked as spam",
    "removed": "removed",
}
# The decisions that settle whether a comment is featured: a pick, or taking it back, or taking
# the comment down (spam, removal, ban), which ends its pick.
PICK_SETTLING_ACTIONS = (
    DecisionAction.FEATURE,
    DecisionAction.UNFEATURE,
    DecisionAction.SPAM,
    DecisionAction.REMOVE,
    DecisionAction.BAN,
)


def comment_feature(*, comment, moderator, now: datetime | None = None, note: str = "") -> Decision:
    """Feature a published comment (a top-level comment or a reply): readers see it among the
    article's picks above the thread, and with a "Featured" badge in it. Without a moderator,
    `note` says what made the pick (models.MADE_WITHOUT_MODERATOR)."""
    from masthead.discussion.models import CommentStatus

    now = now or timezone.now()
    with transaction.atomic():
        current = _locked_state(comment)
        if current["featured_at"] is not None:
            raise AlreadyDecided("featured")
        if current["deleted"] is not None:
            raise ModerationRefused(NOT_FEATURABLE.format(state="deleted by its author"))
        if current["status"] != CommentStatus.PUBLISHED:
            state = UNFEATURABLE_STATES.get(current["status"], current["status"])
            raise ModerationRefused(NOT_FEATURABLE.format(state=state))
        comment.featured_at, comment.featured_by = now, moderator
        return _pick_changed(
            comment, DecisionAction.FEATURE, current["status"], moderator, now, note=note
        )


def comment_unfeature(*, comment, moderator, now: datetime | None = None) -> Decision:
    """Take a comment out of the article's featured comments; it stays in the thread."""
    now = now or timezone.now()
    with transaction.atomic():
        current = _locked_state(comment)
        if current["featured_at"] is None:
            raise AlreadyDecided("not featured")
        comment.featured_at = comment.featured_by = None
        return _pick_changed(comment, DecisionAction.UNFEATURE, current["status"], moderator, now)


def pick_end_on_edit(*, comment, now: datetime) -> Decision | None:
    """Its author has changed a featured comment: the pick ends, logged as an unfeaturing by
    the author's edit (without a moderator), so that a moderator sees why it left the picks and
    can pick it again, or undo this to bring it back as it was. An editor vouched for the words
    they read; an author could otherwise swap them for others under the "Featured" badge.
    Call it within the edit's transaction: the pick is read under a row lock, so that a pick
    made meanwhile is seen and ended too. The caller saves the comment (its `featured_at` and
    `featured_by`) and recounts the thread. Returns None when the comment was not featured."""
    if _locked_state(comment)["featured_at"] is None:
        return None
    comment.featured_at = comment.featured_by = None
    return Decision.objects.create(
        comment=comment,
        action=DecisionAction.UNFEATURE,
        moderator=None,
        previous_status=comment.status,
        new_status=comment.status,
        note=ENDED_BY_EDIT,
        created=now,
    )


def picks_imported(*, comments) -> None:
    """Log the picks that imported comments carry (an export's `featured_at`), each as a pick
    made then by no moderator, as the log says ("an import"): so unfeaturing one can be undone,
    which brings back the pick its standing decisions say it has. One query for all of them."""
    Decision.objects.bulk_create(
        Decision(
            comment=comment,
            action=DecisionAction.FEATURE,
            moderator=None,
            previous_status=comment.status,
            new_status=comment.status,
            note=IMPORTED,
            created=comment.featured_at,
        )
        for comment in comments
    )


def _locked_state(comment) -> dict:
    """The comment as it is now, under a row lock: two moderators acting at once take turns."""
    from masthead.discussion.models import Comment

    return (
        Comment.objects.select_for_update()
        .filter(pk=comment.pk)
        .values("status", "deleted", "featured_at")
        .get()
    )


def _pick_changed(comment, action, status, moderator, now, *, note="") -> Decision:
    """Save the comment's pick, log the decision (without a label) and refresh cached threads."""
    from masthead.discussion.services.comments import thread_changed

    comment.save(update_fields=["featured_at", "featured_by"])
    decision = Decision.objects.create(
        comment=comment,
        action=action,
        moderator=moderator,
        previous_status=status,
        new_status=status,
        note=note,
        created=now,
    )
    thread_changed(comment.article_id, recount=True)
    return decision


def pick_restore(comment) -> None:
    """Set the comment's pick as its standing decisions say, after one was undone: featured if
    the newest of those that settle it featured it (undoing a removal brings its pick back),
    never when its author has deleted it. The caller saves the comment."""
    settling = (
        Decision.objects.filter(
            comment=comment, undone__isnull=True, action__in=PICK_SETTLING_ACTIONS
        )
        .order_by("-id")
        .only("action", "created", "moderator_id")
        .first()
    )
    if settling is not None and settling.action == DecisionAction.FEATURE and not comment.deleted:
        comment.featured_at, comment.featured_by_id = settling.created, settling.moderator_id
    else:
        comment.featured_at = comment.featured_by = None
