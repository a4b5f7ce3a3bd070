import pytest
from django.conf import settings
from django.core.cache import cache
from django.db import connection
from django.test import override_settings

from tests.shared_data import SharedData, wanted


def pytest_report_header(config):
    return (
        f"masthead: database={settings.DATABASES['default']['ENGINE'].rsplit('.', 1)[-1]} "
        f"cache={settings.CACHES['default']['BACKEND'].rsplit('.', 1)[-1]}"
    )


@pytest.fixture(autouse=True)
def _fresh_cache():
    from masthead.publishing import page_cache

    cache.clear()
    # The content version and thread versions are memoised in the process for a second; each
    # test's transaction is rolled back, so a version an earlier test wrote may be gone.
    page_cache.forget_versions()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _versions_kept_through_a_counted_request(request, monkeypatch):
    """A test counting a request's queries counts the content version read once: the process
    reads it at most once a second, and a page rendered in more than a second on a loaded
    machine read it again midway (one query more, now and then, in CI)."""
    counting = {"django_assert_num_queries", "django_assert_max_num_queries"}
    if counting & set(request.fixturenames):
        from masthead.publishing import page_cache

        monkeypatch.setattr(page_cache, "_VERSION_MEMO_SECONDS", 3600.0)


@pytest.fixture(autouse=True, scope="session")
def _media_in_tmp(tmp_path_factory):
    # Session-wide: shared data (tests/shared_data.py) is built before function-scoped fixtures.
    with override_settings(MEDIA_ROOT=tmp_path_factory.getbasetemp() / "media"):
        yield


@pytest.fixture
def database_vendor():
    return connection.vendor


@pytest.fixture
def database_refuses_nul():
    """Queries fail as on PostgreSQL when a parameter holds a NUL character, whatever the
    database (SQLite accepts one), so a test on SQLite catches the 500 a reader would get."""
    from django.db import DataError

    def refuse_nul(execute, sql, params, many, context):
        rows = params if many else [params]
        for row in rows:
            values = row.values() if isinstance(row, dict) else row or ()
            if any(isinstance(value, str) and "\x00" in value for value in values):
                raise DataError("A string literal cannot contain NUL (0x00) characters.")
        return execute(sql, params, many, context)

    with connection.execute_wrapper(refuse_nul):
        yield


@pytest.fixture(scope="session")
def _shared_data(django_db_setup, django_db_blocker):
    shared = SharedData.current = SharedData(django_db_blocker)
    yield shared
    shared.close()
    SharedData.current = None


@pytest.hookimpl(tryfirst=True)
def pytest_runtest_setup(item):
    # Before any of the test's fixtures: a session-wide one (live_server) may need the database
    # without the outer transaction of shared data the test does not ask for.
    if SharedData.current is not None and SharedData.current.key != wanted(item):
        SharedData.current.close()


@pytest.fixture
def _shared_data_for_this_test(request, _shared_data):
    _shared_data.serve(wanted(request.node))
    return _shared_data


@pytest.fixture
def _django_db_helper(_shared_data_for_this_test, _django_db_helper):
    """pytest-django's, once the shared data this test asks for is in place: the outer
    transaction must be open before the test's own."""
    return _django_db_helper
