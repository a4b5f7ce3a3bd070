"""Schemas shared by every app's part of the JSON API."""

from ninja import Schema


class Error(Schema):
    """Every error the API answers: `detail` for people, `field` naming the input at fault."""

    detail: str
    field: str | None = None
