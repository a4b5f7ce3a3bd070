"""What the error page (DEBUG) and the error e-mails to ADMINS show of the server's secrets."""

import copy
import logging
import sys

from django.conf import settings
from django.core import mail
from django.test import RequestFactory, override_settings
from django.utils.log import AdminEmailHandler
from django.views.debug import technical_500_response

from masthead.error_reports import CredentialsFilter

SECRETS = ("redis-s3cret", "db-s3cret", "mail-s3cret", "sk_live_s3cret", "whsec_s3cret", "local-pw")
REDIS_URL = "redis://:redis-s3cret@cache.internal:6379/0"
ENVIRONMENT = {
    # `masthead serve` passes the process's environment to every request's META.
    "REDIS_URL": REDIS_URL,
    "DATABASE_URL": "postgres://app:db-s3cret@db.internal:5432/news",
    "EMAIL_URL": "smtp://news:mail-s3cret@mail.internal:587?tls=1",
    "STRIPE_SECRET_KEY": "sk_live_s3cret",
    "STRIPE_WEBHOOK_SECRET": "whsec_s3cret",
}


def server_settings():
    caches = copy.deepcopy(settings.CACHES)
    caches["default"]["LOCATION"] = REDIS_URL
    return override_settings(
        DEBUG=True,
        REDIS_URL=REDIS_URL,
        CACHES=caches,
        RQ_QUEUES={"default": {"URL": REDIS_URL, "DEFAULT_TIMEOUT": 600}},
        STRIPE_SECRET_KEY="sk_live_s3cret",
        STRIPE_WEBHOOK_SECRET="whsec_s3cret",
        EMAIL_HOST_PASSWORD="mail-s3cret",
    )


def test_the_debug_error_page_hides_credentials_in_urls_settings_and_environment():
    request = RequestFactory().get("/broken/", **ENVIRONMENT)
    with server_settings():
        page = technical_500_response(request, *error_info()).content.decode()
    assert "could not reach the cache" in page
    for secret in SECRETS:
        assert secret not in page
    # What is not secret stays, for whoever debugs: which server, which database.
    assert "redis://********************@cache.internal:6379/0" in page
    assert "postgres://********************@db.internal:5432/news" in page


def test_the_error_email_to_admins_hides_them_too():
    request = RequestFactory().get("/broken/", **ENVIRONMENT)
    record = logging.LogRecord(
        "django.request", logging.ERROR, __file__, 1, "Internal Server Error", None, error_info()
    )
    record.request = request
    with server_settings(), override_settings(DEBUG=False, ADMINS=[("Ops", "ops@example.com")]):
        AdminEmailHandler(include_html=True).emit(record)
    (message,) = mail.outbox
    (html, _), *_ = message.alternatives
    for secret in SECRETS:
        assert secret not in message.body and secret not in html
    assert "redis://********************@cache.internal:6379/0" in message.body


def test_urls_without_credentials_and_other_text_are_left_as_they_are():
    hide = CredentialsFilter().cleanse_setting
    assert hide("LOCATION", "redis://cache.internal:6379/0") == "redis://cache.internal:6379/0"
    assert hide("X", "mail me at ana@example.com") == "mail me at ana@example.com"
    assert hide("X", ["unix://user:pw@/run/redis.sock"]) == [
        "unix://********************@/run/redis.sock"
    ]


# Kept apart from the secrets above: the error page shows the source lines around each frame.
def failing_connection():
    password = "local-" + "pw"
    url = f"redis://:{password}@cache.internal:6379/0"
    raise ConnectionError(f"could not reach the cache at {url.split('@')[-1]}")


def error_info():
    try:
        failing_connection()
    except ConnectionError:
        return sys.exc_info()
