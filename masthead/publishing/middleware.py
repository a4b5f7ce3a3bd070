"""Publishing refused outside the editor's form, told to the editor."""

from django.shortcuts import redirect
from django.urls import reverse
from wagtail.admin import messages
from wagtail.admin.modal_workflow import render_modal_workflow
from wagtail.admin.utils import get_valid_next_url_from_request

from masthead.publishing.models.pages import BylineMissing


class BylineMissingMiddleware:
    """A workflow's "Approve and publish" publishes a revision without the editor's form, and
    Wagtail's views let an error end in a server error page. An article with no author in its
    byline is refused before anything changed (see ArticlePage.publish, inside Wagtail's
    transaction); the editor gets the reason as a message on the page they came from, or in the
    article's editor. (Bulk "Publish" sets such articles aside itself: see bulk_actions.)"""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        return self.get_response(request)

    def process_exception(self, request, exception):
        if not isinstance(exception, BylineMissing):
            return None
        messages.error(request, exception.message)
        back_to = get_valid_next_url_from_request(request) or reverse(
            "wagtailadmin_pages:edit", args=(exception.page_id,)
        )
        if request.headers.get("x-requested-with") == "XMLHttpRequest":
            # A workflow action's modal (approving with a comment) goes where it is told.
            return render_modal_workflow(
                request, "", None, {}, json_data={"step": "success", "redirect": back_to}
            )
        return redirect(back_to)
