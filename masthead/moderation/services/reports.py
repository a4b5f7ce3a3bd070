"""Readers reporting comments; enough distinct readers hide a comment until a moderator decides,
unless a moderator has approved it already."""

from datetime import datetime

from django.db import IntegrityError, transaction
from django.db.models import Count, Value
from django.db.models.functions import Coalesce, NullIf
from django.utils import timezone
from django.utils.translation import ngettext

from masthead import limits
from masthead.moderation.models import Decision, DecisionAction, Report, ReportReason
from masthead.moderation.selectors import approval_standing
from masthead.refusals import Refused

REASON_INVALID = (
    "Choose why you are reporting this comment: spam, abuse, off-topic or something else."
)
OWN_COMMENT = "You cannot report your own comment; you can edit or delete it instead."
NOTE_MAX_LENGTH = 300
NOTE_TOO_LONG = f"Please keep the note under {NOTE_MAX_LENGTH} characters."
# No browser sends one, and PostgreSQL cannot store one (see comments.BODY_HAS_NUL).
NOTE_HAS_NUL = "The note cannot contain a NUL character (\\u0000); please remove it."
# Reports one network address may send an hour, whatever the comments and cookies: each is a row
# and a line in the moderators' queue, and a new cookie makes a new reader.
REPORTS_PER_NETWORK_PER_HOUR = 30
TOO_MANY_REPORTS = (
    "You have reported many comments in the last hour. Thank you: moderators will look at them. "
    "Please try again later."
)


class ReportRefused(Refused):
    pass


def comment_report(
    *,
    comment,
    reader,
    reason: str,
    note: str = "",
    request=None,
    now: datetime | None = None,
) -> Report:
    """Record a reader's report (once per reader and comment) and hide the comment when reports
    from the site's threshold of distinct readers have come in. Hiding is logged like a decision
    (by nobody) so a moderator can see why a comment went back to the queue. A comment whose
    moderator's approval stands (selectors.approval_standing) is not hidden: its reports put it
    in the reported queue, where a moderator may look again. `request`, the reader's, opens an
    article restricted to some readers to those it lets in."""
    from masthead.discussion.models import CommentStatus
    from masthead.discussion.selectors import comment_is_public
    from masthead.discussion.services.comments import COMMENT_NOT_FOUND, is_author, thread_changed
    from masthead.moderation.services.assessing import moderation_settings_for

    now = now or timezone.now()
    # Its author may know a comment that is not shown; anyone else gets the answer a missing
    # comment gets, before any other (see COMMENT_NOT_FOUND).
    if is_author(comment, reader):
        raise ReportRefused(OWN_COMMENT, status=403)
    if not comment_is_public(comment, request):
        raise ReportRefused(COMMENT_NOT_FOUND, status=404)
    if reason not in ReportReason.values:
        raise ReportRefused(REASON_INVALID, field="reason")
    if len(note or "") > NOTE_MAX_LENGTH:
        raise ReportRefused(NOTE_TOO_LONG, field="note")
    if "\x00" in (note or ""):
        raise ReportRefused(NOTE_HAS_NUL, field="note")
    if reader.ip_hash and (
        limits.count(f"moderation:reports-from:{reader.ip_hash}", 3600)
        > REPORTS_PER_NETWORK_PER_HOUR
    ):
        raise ReportRefused(TOO_MANY_REPORTS, status=429)

    with transaction.atomic():
        try:
            with transaction.atomic():
                report = Report.objects.create(
                    comment=comment,
                    reason=reason,
                    note=note or "",
                    reader_key=reader.key,
                    ip_hash=reader.ip_hash,
                    created=now,
                )
        except IntegrityError:  # this reader reported it already: nothing more to count
            return Report.objects.get(comment=comment, reader_key=reader.key)
        # Readers behind one network address count once, so that one person with many cookies
        # cannot hide a comment alone.
        reporters = Report.objects.filter(comment=comment, resolved__isnull=True).aggregate(
            count=Count(Coalesce(NullIf("ip_hash", Value("")), "reader_key"), distinct=True)
        )["count"]
        threshold = moderation_settings_for(comment.article).report_threshold
        if reporters >= threshold and approval_standing(comment) is None:
            comment.status = CommentStatus.PENDING
            comment.save(update_fields=["status"])
            Decision.objects.create(
                comment=comment,
                action=DecisionAction.HIDE,
                previous_status=CommentStatus.PUBLISHED,
                new_status=CommentStatus.PENDING,
                note=ngettext(
                    "%(count)d reader reported it", "%(count)d readers reported it", reporters
                )
                % {"count": reporters},
                body=comment.body,
                created=now,
            )
            thread_changed(comment.article_id, recount=True)
    return report
