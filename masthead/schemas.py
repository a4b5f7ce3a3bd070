"""Schemas shared by every app's part of the JSON API."""

from ninja import Schema


class Problem(Schema):
    """One thing wrong with a request: `detail` for people, `field` naming the input at fault."""

    detail: str
    field: str | None = None


class Error(Schema):
    """Every error the API answers: `detail` for people, `field` naming the input at fault (the
    first problem found). A refused value (400) or an invalid request (422) lists every problem
    under `errors`, so that a client shows them all at once (the first among them)."""

    detail: str
    field: str | None = None
    errors: list[Problem] | None = None
