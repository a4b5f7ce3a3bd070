"""Addresses for what is sent outside a request (e-mails, tasks): the site's configured base URL
(``MASTHEAD_BASE_URL``) in front of a path."""

from django.conf import settings


def absolute_url(path: str) -> str:
    return settings.WAGTAILADMIN_BASE_URL.rstrip("/") + path
