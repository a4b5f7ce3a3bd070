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
        "QUEUES": ["default"],
    }
}
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
STORAGES["staticfiles"]["BACKEND"] = "django.contrib.staticfiles.storage.StaticFilesStorage"  # noqa: F405
if REDIS_URL:  # noqa: F405
    # A prefix of its own so that a test run never reads another run's (or the site's) cache.
    CACHES["default"]["KEY_PREFIX"] = f"masthead-test-{os.getpid()}"  # noqa: F405
