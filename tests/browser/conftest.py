"""Playwright driving Debian's Chromium (no browser download: /usr/bin/chromium)."""

import os
import shutil

import pytest

CHROMIUM = os.environ.get("MASTHEAD_CHROMIUM", "/usr/bin/chromium")
CHROMIUM_FLAGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]

# Playwright's sync API keeps an event loop running in this thread; the tests' own ORM calls
# are still synchronous, so Django's async-safety guard is told so.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")


def pytest_collection_modifyitems(config, items):
    for item in items:
        if "tests/browser/" in str(item.fspath):
            item.add_marker(pytest.mark.browser)


@pytest.fixture(autouse=True)
def _quicker_readers(monkeypatch):
    """Readers in these tests type in a second, not three: the filter holds a form sent sooner
    than MIN_SECONDS_TO_SUBMIT after the page was made, and 36 tests send one or more. The
    threshold itself is tested without a browser."""
    from masthead.moderation import conf

    monkeypatch.setattr(conf, "MIN_SECONDS_TO_SUBMIT", 1.0)


@pytest.fixture(scope="session")
def browser():
    if not shutil.which(CHROMIUM) and not os.path.exists(CHROMIUM):
        pytest.fail(
            f"Chromium not found at {CHROMIUM}: run `apt-get install -y chromium` (make test does)."
        )
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_FLAGS)
        yield browser
        browser.close()


def _leave(page, context) -> None:
    """Let the page's last requests end before the test's database is emptied: on PostgreSQL
    the live server answering one (a page's script polls the thread) while the tables are
    truncated deadlocked, and the next test on that database found the rows left behind."""
    from playwright.sync_api import Error

    try:
        page.wait_for_load_state("networkidle", timeout=5_000)
        page.goto("about:blank")  # no more polling from this page
    except Error:
        pass
    context.close()


@pytest.fixture
def page(browser):
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    _leave(page, context)


@pytest.fixture
def page_without_js(browser):
    context = browser.new_context(
        java_script_enabled=False, viewport={"width": 1280, "height": 900}
    )
    page = context.new_page()
    yield page
    _leave(page, context)


@pytest.fixture
def screenshot_dir(tmp_path_factory):
    path = os.environ.get("MASTHEAD_SCREENSHOTS")
    if path:
        os.makedirs(path, exist_ok=True)
        return path
    return str(tmp_path_factory.mktemp("screenshots"))
