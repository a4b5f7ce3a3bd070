import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection


def pytest_report_header(config):
    return (
        f"masthead: database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} "
        f"cache={settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _media_in_tmp(settings, tmp_path_factory):
    settings.MEDIA_ROOT = tmp_path_factory.getbasetemp() / "media"


@pytest.fixture
def database_vendor():
    return connection.vendor
