"""The JSON API at /api/v1/ (OpenAPI schema at /api/v1/openapi.json, browsable docs at /api/v1/docs).

Every error under /api/v1/ answers {"detail": <a message for people>, "field": <the input at
fault, or null>}; a refused request (400) and one that does not match the schema (422) list
every problem, the first among them, under "errors" besides, each with its own "detail" and
"field": the handlers below turn ninja's and Django's own errors into that shape, and
unknown_path answers the addresses that are no endpoint."""

import functools
import json
import re

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseNotAllowed, JsonResponse
from ninja import NinjaAPI
from ninja.errors import HttpError, ValidationError
from ninja.parser import Parser

from masthead.discussion.api import router as discussion_router
from masthead.funding.api import router as funding_router
from masthead.moderation.api import router as moderation_router
from masthead.publishing.api import router as publishing_router
from masthead.refusals import Refused

NOT_AN_ENDPOINT = "No such endpoint: {path} (the endpoints are listed at /api/v1/docs)."
BODY_NOT_JSON = "The request body is not valid JSON: {error}."
BODY_TOO_DEEP = "The request body is nested too deeply: no operation takes more than a few levels."
BODY_NOT_AN_OBJECT = "The request body must be a JSON object, {{...}}, not {kind}."
TOO_LARGE = "The request is too large: at most {limit:,} bytes."
METHOD_NOT_ALLOWED = "{method} is not allowed here; this endpoint answers {allowed}."


def _error_response(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


def _not_allowed_as_json(view):
    """Ninja answers a method an endpoint does not have with a plain-text 405; clients of this
    API read every error as {"detail", "field"}, so that one too (keeping its Allow header)."""

    @functools.wraps(view)
    def view_answering_json(request: HttpRequest, *args, **kwargs) -> HttpResponse:
        response = view(request, *args, **kwargs)
        if not isinstance(response, HttpResponseNotAllowed):
            return response
        allowed = response["Allow"]
        message = METHOD_NOT_ALLOWED.format(method=request.method, allowed=allowed)
        answer = JsonResponse({"detail": message, "field": None}, status=405)
        answer["Allow"] = allowed
        return answer

    return view_answering_json


class MastheadAPI(NinjaAPI):
    def _get_urls(self):
        patterns = super()._get_urls()
        for pattern in patterns:
            if getattr(pattern, "callback", None) is not None:
                pattern.callback = _not_allowed_as_json(pattern.callback)
        return patterns

    def get_openapi_schema(self, **kwargs):
        """Ninja's schema, plus the errors that the handlers below give any operation, which
        ninja does not list: 422 for input that does not match the schema (see
        invalid_request), 400 and 413 for a body that is no JSON object or too large, 403 for a
        write without its CSRF token, 404 for an unknown id in the path."""
        schema = super().get_openapi_schema(**kwargs)
        schema["components"]["schemas"].setdefault(
            "Error",
            {
                "title": "Error",
                "type": "object",
                "properties": {
                    "detail": {"type": "string"},
                    "field": {"type": "string", "nullable": True},
                },
                "required": ["detail"],
            },
        )
        schema.setdefault("components", {}).setdefault("schemas", {})["InvalidRequest"] = {
            "title": "InvalidRequest",
            "type": "object",
            "description": "The first problem as `detail` and `field`; every one under `errors`.",
            "properties": {
                "detail": {"type": "string"},
                "field": {"type": "string", "nullable": True},
                "errors": {
                    "type": "array",
                    "items": {
                        "type": "object",
                        "description": "One problem: pydantic's own keys (loc, msg, type), and "
                        "`detail` and `field` as in every error.",
                        "properties": {
                            "detail": {"type": "string"},
                            "field": {"type": "string", "nullable": True},
                            "loc": {"type": "array", "items": {}},
                            "msg": {"type": "string"},
                            "type": {"type": "string"},
                        },
                        "required": ["detail", "field", "loc", "msg", "type"],
                    },
                },
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
                responses = operation["responses"]
                parameters = operation.get("parameters", [])
                if parameters or operation.get("requestBody"):
                    responses.setdefault("422", invalid)
                if operation.get("requestBody"):
                    responses.setdefault("400", _error_response("Bad request"))
                    responses.setdefault("413", _error_response("Request too large"))
                if operation.get("security"):
                    responses.setdefault("403", _error_response("Forbidden"))
                if any(parameter["in"] == "path" for parameter in parameters):
                    responses.setdefault("404", _error_response("Not found"))
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


class BodyRefused(Exception):
    """A request body that is not a JSON object; ninja answers it with a 400 HttpError."""


class JSONParser(Parser):
    """The body of every operation is a JSON object. JSON may escape half of a UTF-16 pair
    ("\\ud800"), which no database or page can store: such a character becomes U+FFFD, as
    Django does with form data it cannot decode."""

    def parse_body(self, request):
        try:
            data = json.loads(request.body)
        except ValueError as error:  # json's errors, and bytes that are not UTF-8
            raise BodyRefused(BODY_NOT_JSON.format(error=error)) from None
        except RecursionError:  # [[[[...]]]] a thousand levels deep
            raise BodyRefused(BODY_TOO_DEEP) from None
        if not isinstance(data, dict):
            kind = {list: "a list", str: "a string", type(None): "null"}.get(
                type(data), "a number" if not isinstance(data, bool) else "true or false"
            )
            raise BodyRefused(BODY_NOT_AN_OBJECT.format(kind=kind))
        try:
            return _without_lone_surrogates(data)
        except RecursionError:
            raise BodyRefused(BODY_TOO_DEEP) from None


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
    answer = {"detail": refusal.message, "field": refusal.field}
    if refusal.status == 400:
        # A refused value: every field at fault (a comment with an empty body and a bad e-mail),
        # as the comment form's JSON answer lists them. Not a 404's: a comment hidden from the
        # reader answers exactly as a missing one does.
        answer["errors"] = [
            {"detail": problem.message, "field": problem.field} for problem in refusal.problems
        ]
    response = api.create_response(request, answer, status=refusal.status)
    if retry_after := getattr(refusal, "retry_after", None):
        response["Retry-After"] = str(retry_after)
    return response


@api.exception_handler(ValidationError)
def invalid_request(request: HttpRequest, error: ValidationError) -> HttpResponse:
    """A request that does not match the schema (a missing, mistyped or unknown value) is a 422
    in the same shape as a refusal, `detail` and `field` of the first problem, with every
    problem under `errors`: pydantic's own (loc, msg, type) with its `detail` and `field`."""
    problems = [{**problem, **_problem_named(problem)} for problem in error.errors]
    first = problems[0] if problems else {}
    return api.create_response(
        request,
        {
            "detail": first.get("detail", "The request does not match the API's schema."),
            "field": first.get("field"),
            "errors": problems,
        },
        status=422,
    )


def _problem_named(problem: dict) -> dict:
    """A pydantic error's `detail` and `field`: the last name in its loc, which is
    ["query", "sort"], or ["body", <the view's parameter>, "body", ...] for JSON bodies."""
    loc = list(problem.get("loc", ()))
    inside = loc[2:] if loc[:1] == ["body"] else loc[1:]
    names = [part for part in inside if isinstance(part, str)]
    field = names[-1] if names else None
    message = problem.get("msg", "The request does not match the API's schema.")
    return {"detail": f"{field}: {message}" if field else message, "field": field}


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, error: HttpError) -> HttpResponse:
    """Ninja's errors (a body it could not parse, a failed CSRF check) and the endpoints' own
    HttpErrors, in the shape of every error."""
    cause = error.__cause__
    message = str(cause) if isinstance(cause, BodyRefused) else error.message
    return api.create_response(
        request, {"detail": message, "field": None}, status=error.status_code
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
        request, {"detail": TOO_LARGE.format(limit=limit), "field": None}, status=413
    )


def unknown_path(request: HttpRequest, path: str = "") -> HttpResponse:
    """Any address under /api/v1/ that is no endpoint: a JSON 404, not the site's page."""
    return JsonResponse(
        {"detail": NOT_AN_ENDPOINT.format(path=request.path), "field": None}, status=404
    )
