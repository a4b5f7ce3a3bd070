"""The JSON API at /api/v1/ (OpenAPI schema at /api/v1/openapi.json, browsable docs at /api/v1/docs)."""

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI

from masthead.discussion.api import router as discussion_router
from masthead.funding.api import router as funding_router
from masthead.moderation.api import router as moderation_router
from masthead.publishing.api import router as publishing_router
from masthead.refusals import Refused

api = NinjaAPI(
    title="Masthead API",
    version="1",
    description="Articles, comments and campaigns of a Masthead news site.",
    urls_namespace="api-v1",
)
api.add_router("/", publishing_router)
api.add_router("/", discussion_router)
api.add_router("/", funding_router)
api.add_router("/", moderation_router)


@api.exception_handler(Refused)
def refused(request: HttpRequest, refusal: Refused) -> HttpResponse:
    """Every service refusal (a comment, vote, report or subscription that cannot be accepted)
    answers the same way: its status, `detail` for the reader and `field` when one is at fault."""
    response = api.create_response(
        request,
        {"detail": refusal.message, "field": getattr(refusal, "field", None)},
        status=refusal.status,
    )
    if retry_after := getattr(refusal, "retry_after", None):
        response["Retry-After"] = str(retry_after)
    return response
