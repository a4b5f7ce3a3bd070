"""What Django's error pages (DEBUG) and the error e-mails to ADMINS may show of the server's
settings and environment (settings.DEFAULT_EXCEPTION_REPORTER_FILTER)."""

import re

from django.views.debug import SafeExceptionReporterFilter

# The user:password@ of a URL, as in redis://:secret@host/0 or postgres://app:secret@db/news.
_URL_CREDENTIALS = re.compile(r"(?P<scheme>\b[a-z][a-z0-9+.-]*://)[^/?#@\s]*@", re.IGNORECASE)
# Local variables of the frames of a traceback that hold a password as it is (a database or
# Redis client's arguments).
_SECRET_VARIABLE = re.compile(r"passw(or)?d|secret|credential", re.IGNORECASE)


def without_url_credentials(text: str, substitute: str) -> str:
    """The text with the user:password part of every URL in it replaced by `substitute`."""
    return _URL_CREDENTIALS.sub(lambda match: f"{match['scheme']}{substitute}@", text)


class CredentialsFilter(SafeExceptionReporterFilter):
    """Django's filter hides settings and request headers by name (KEY, SECRET, PASS, TOKEN...).
    Credentials also hide inside values whose name says nothing: REDIS_URL, DATABASE_URL and
    EMAIL_URL in the environment (request.META under `masthead serve`), CACHES' LOCATION,
    RQ_QUEUES' URL. Those become scheme://********************@host, wherever they appear."""

    def cleanse_setting(self, key, value):
        cleansed = super().cleanse_setting(key, value)
        if isinstance(cleansed, str):
            return without_url_credentials(cleansed, self.cleansed_substitute)
        return cleansed

    def get_traceback_frame_variables(self, request, tb_frame):
        """The frames' local variables as Django's filter gives them (sensitive_variables), with
        URLs' credentials hidden there too, and the variables that hold a password or secret."""
        return [
            (name, self._cleanse_variable(name, value))
            for name, value in super().get_traceback_frame_variables(request, tb_frame)
        ]

    def _cleanse_variable(self, name, value):
        if isinstance(name, str) and _SECRET_VARIABLE.search(name):
            return self.cleansed_substitute
        try:
            return self.cleanse_setting("", value)
        except Exception:  # a lazy object that fails to evaluate: shown as Django shows it
            return value
