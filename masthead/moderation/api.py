"""Reader reports through the JSON API."""

from typing import Literal

from django.http import HttpRequest, HttpResponse
from ninja import Router, Schema, Status

from masthead.discussion.api import comment_or_404, reader_session
from masthead.discussion.readers import remember_reader
from masthead.moderation.services import comment_report
from masthead.schemas import Error

router = Router(tags=["moderation"])


class ReportIn(Schema):
    reason: Literal["spam", "abuse", "off_topic", "other"]
    note: str = ""


class ReportOut(Schema):
    status: Literal["received"]


@router.post(
    "/comments/{comment_id}/report",
    auth=reader_session,
    response={202: ReportOut, 400: Error, 403: Error, 404: Error, 429: Error},
    summary="Report a comment",
)
def report_comment(
    request: HttpRequest, response: HttpResponse, comment_id: int, payload: ReportIn
):
    """One report per reader and comment; reports from enough distinct readers hide it until a
    moderator decides, unless a moderator approved it already."""
    comment = comment_or_404(comment_id)
    comment_report(
        comment=comment,
        reader=request.auth,
        reason=payload.reason,
        note=payload.note,
        request=request,
    )
    remember_reader(response, request.auth)
    return Status(202, {"status": "received"})
