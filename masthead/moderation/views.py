"""Readers reporting a comment, without JavaScript (the page's script uses the JSON API)."""

from django.contrib import messages
from django.http import Http404
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods

from masthead.discussion.notes import comment_note_add
from masthead.discussion.readers import reader_for_request, remember_reader
from masthead.discussion.selectors import public_comment
from masthead.moderation.models import ReportReason
from masthead.moderation.services import ReportRefused, comment_report

REPORT_THANKS = "Thank you. A moderator will look at the comment you reported."


@require_http_methods(["GET", "POST"])
def report(request, comment_id):
    comment = public_comment(comment_id, request)
    if comment is None:  # held, removed or on a page some readers may not see: nothing to show
        raise Http404
    error = None
    if request.method == "POST":
        reader = reader_for_request(request)
        try:
            comment_report(
                comment=comment,
                reader=reader,
                reason=request.POST.get("reason", ""),
                note=request.POST.get("note", ""),
                request=request,
            )
        except ReportRefused as refusal:
            error = refusal
        else:
            if public_comment(comment.pk, request) is None:
                # This report hid it: its link would answer "No such comment". The thanks go
                # at the top of the article, where the reader sees them (a comment's note
                # has no card to sit in).
                messages.info(request, REPORT_THANKS)
                response = redirect(comment.article.get_url(request))
            else:
                comment_note_add(request, comment=comment, text=REPORT_THANKS)
                # The page of the thread that shows it, where the thanks are said.
                response = redirect("discussion:comment", comment_id=comment.pk)
            remember_reader(response, reader)
            return response
    return render(
        request,
        "moderation/report.html",
        {
            "comment": comment,
            "reasons": ReportReason.choices,
            "error": error,
            "chosen": request.POST.get("reason", ""),
        },
        status=error.status if error else 200,
    )
