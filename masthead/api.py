"""The JSON API at /api/v1/ (OpenAPI schema at /api/v1/openapi.json, browsable docs at /api/v1/docs)."""

import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import ValidationError
from ninja.parser import Parser

from masthead.discussion.api import router as discussion_router
from masthead.funding.api import router as funding_router
from masthead.moderation.api import router as moderation_router
from masthead.publishing.api import router as publishing_router
from masthead.refusals import Refused


class MastheadAPI(NinjaAPI):
    def get_openapi_schema(self, **kwargs):
        """Ninja's schema, plus the 422 that any operation taking input gives (see
        invalid_request), which ninja does not list."""
        schema = super().get_openapi_schema(**kwargs)
        schema.setdefault("components", {}).setdefault("schemas", {})["InvalidRequest"] = {
            "title": "InvalidRequest",
            "type": "object",
            "properties": {
                "detail": {"type": "string"},
                "field": {"type": "string", "nullable": True},
                "errors": {"type": "array", "items": {"type": "object"}},
            },
            "required": ["detail", "field", "errors"],
        }
        invalid = {
            "description": "The request does not match the schema",
            "content": {
                "application/json": {"schema": {"$ref": "#/components/schemas/InvalidRequest"}}
            },
        }
        for operations in schema["paths"].values():
            for operation in operations.values():
                if operation.get("parameters") or operation.get("requestBody"):
                    operation["responses"].setdefault("422", invalid)
        return schema


_LONE_SURROGATE = re.compile("[\ud800-\udfff]")


def _without_lone_surrogates(value):
    if isinstance(value, str):
        return _LONE_SURROGATE.sub("\ufffd", value)
    if isinstance(value, list):
        return [_without_lone_surrogates(item) for item in value]
    if isinstance(value, dict):
        return {key: _without_lone_surrogates(item) for key, item in value.items()}
    return value


class JSONParser(Parser):
    """JSON may escape half of a UTF-16 pair ("\\ud800"), which no database or page can store:
    such a character becomes U+FFFD, as Django does with form data it cannot decode."""

    def parse_body(self, request):
        return _without_lone_surrogates(json.loads(request.body))


api = MastheadAPI(
    title="Masthead API",
    version="1",
    description="Articles, comments and campaigns of a Masthead news site.",
    urls_namespace="api-v1",
    parser=JSONParser(),
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


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A request that does not match the schema (a missing, mistyped or unknown value) is a 422
    in the same shape as a refusal, `detail` and `field`, with every problem under `errors`."""
    first = error.errors[0] if error.errors else {}
    # loc is ["query", "sort"], or ["body", <the view's parameter>, "body", ...] for JSON bodies.
    loc = list(first.get("loc", ()))
    inside = loc[2:] if loc[:1] == ["body"] else loc[1:]
    names = [part for part in inside if isinstance(part, str)]
    field = names[-1] if names else None
    message = first.get("msg", "The request does not match the API's schema.")
    return api.create_response(
        request,
        {
            "detail": f"{field}: {message}" if field else message,
            "field": field,
            "errors": error.errors,
        },
        status=422,
    )


@api.exception_handler(Http404)
def not_found(request: HttpRequest, error: Http404) -> HttpResponse:
    """What is missing, in the shape of every error: "No such comment.", "No such article."."""
    return api.create_response(
        request, {"detail": str(error) or "Not found.", "field": None}, status=404
    )


@api.exception_handler(RequestDataTooBig)
def too_large(request: HttpRequest, error: RequestDataTooBig) -> HttpResponse:
    limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE
    return api.create_response(
        request,
        {"detail": f"The request is too large: at most {limit:,} bytes.", "field": None},
        status=413,
    )
