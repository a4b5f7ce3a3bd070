"""Settings for the test suite: the real settings, with tasks run at once and a throwaway home."""

import os
import tempfile

os.environ.setdefault("MASTHEAD_HOME", os.path.join(tempfile.gettempdir(), "masthead-test-home"))
os.environ.setdefault("DEBUG", "true")

from masthead.settings import *  # noqa: F403

# Tasks run inside the test (after the transaction commits), so a test sees their effects.
TASKS = {
    "default": {
        "BACKEND": "django_tasks.backends.immediate.ImmediateBackend",
        "QUEUES": TASKS["default"]["QUEUES"],  # noqa: F405
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
if REDIS_URL:  # noqa: F405
    # Each parallel test process gets a Redis database of its own (15, 14, …): tests clear the
    # cache, and clearing flushes the whole database.
    from urllib.parse import urlsplit, urlunsplit

    _worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0").removeprefix("gw") or 0)
    _parts = urlsplit(REDIS_URL)  # noqa: F405
    REDIS_URL = urlunsplit(_parts._replace(path=f"/{15 - _worker}"))
    CACHES["default"]["LOCATION"] = REDIS_URL  # noqa: F405
    CACHES["default"]["KEY_PREFIX"] = "masthead-test"  # noqa: F405
    CACHES["limits"]["LOCATION"] = REDIS_URL  # noqa: F405
    CACHES["limits"]["KEY_PREFIX"] = "masthead-test-limits"  # noqa: F405
    RQ_QUEUES = {name: {"URL": REDIS_URL} for name in RQ_QUEUES}  # noqa: F405
