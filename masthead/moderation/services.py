"""Moderation's writes and the verdict itself."""

import re

from masthead.moderation.submissions import Submission, SubmissionContext, Verdict

LINK = re.compile(r"https?://|www\.", re.IGNORECASE)
MAX_LINKS_BEFORE_HOLD = 2


def submission_assess(*, draft: Submission, context: SubmissionContext) -> Verdict:
    """A first, simple verdict: the honeypot marks spam, many links hold for review."""
    if draft.honeypot:
        return Verdict(Verdict.SPAM, {"honeypot": 1.0}, ["the hidden form field was filled in"])
    links = len(LINK.findall(draft.body))
    if links > MAX_LINKS_BEFORE_HOLD:
        return Verdict(Verdict.HOLD, {"links": float(links)}, [f"{links} links"])
    return Verdict(Verdict.PUBLISH, {"links": float(links)}, [])


def verdict_record(*, comment, verdict: Verdict, now=None):
    from django.utils import timezone

    from masthead.moderation.models import CommentVerdict

    return CommentVerdict.objects.create(
        comment=comment,
        action=verdict.action,
        scores=verdict.scores,
        reasons=list(verdict.reasons),
        created=now or timezone.now(),
    )
