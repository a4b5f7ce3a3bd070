"""An editor's abandoned starts of a new article: autosave made a draft of each, which stayed in
the section's listing for good and pushed the real article's address to "…-2", "…-3"."""

import re
import time
from datetime import timedelta

import pytest
from django.utils import timezone
from playwright.sync_api import expect
from wagtail.admin.models import EditingSession

from masthead.publishing.autosaved_drafts import abandoned_autosaved_drafts_delete
from masthead.publishing.models import ArticlePage
from tests.browser.admin import sign_in_to_admin
from tests.factories import make_home, make_section

pytestmark = pytest.mark.django_db(transaction=True)

HEADLINE = "Harbour cranes to be replaced"


@pytest.fixture
def newsroom_editor(live_server, page, django_user_model):
    make_home()
    section = make_section(title="City")
    django_user_model.objects.create_superuser("editor", "editor@example.com", "pw-for-editor")
    sign_in_to_admin(page, live_server, "editor", "pw-for-editor")
    page.add_init_script(
        "document.addEventListener('w-unsaved:watch-edits', () => { window.watching = true; });"
        "document.addEventListener('w-autosave:success', () => { window.autosaved = true; });"
    )
    yield section
    # As test_publishing's signed_in_editor: let the admin's background requests finish.
    page.wait_for_load_state("networkidle")
    page.goto("about:blank")
    deadline = time.monotonic() + 10
    while EditingSession.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.05)


def start_an_article(page, live_server, section, headline):
    """Add child page → Article in the section, type the headline and wait for autosave."""
    page.goto(f"{live_server.url}/admin/pages/{section.pk}/")
    page.get_by_role("link", name="Add child page").first.click()
    if "/add_subpage/" in page.url:
        page.get_by_role("link", name=re.compile(r"^\s*Article")).first.click()
    # The editor takes the form's unedited state 2 s after it opens (see test_publishing).
    page.wait_for_function("window.watching")
    page.wait_for_timeout(2500)
    page.click("#id_title")
    page.keyboard.type(headline)
    page.wait_for_function("window.autosaved", timeout=15_000)


def leave(page, live_server, section):
    """Leave the editor as an editor closes it: Wagtail's beacon ends the editing session.

    A ping the editor sent just before leaving can reach the server after the beacon and start
    the session again; Wagtail then counts the draft as open until the session has been idle
    for ten minutes (EditingSession.IDLE_TIMEOUT). That wait is Wagtail's, not what this test is
    about, so a session left a few seconds after leaving is ended as its idle timeout would."""
    page.goto(f"{live_server.url}/admin/pages/{section.pk}/")
    page.wait_for_load_state("networkidle")
    deadline = time.monotonic() + 5
    while EditingSession.objects.exists() and time.monotonic() < deadline:
        time.sleep(0.05)
    EditingSession.objects.all().delete()


def test_abandoned_starts_give_way_to_the_real_article_and_go_after_a_week(
    live_server, page, newsroom_editor
):
    section = newsroom_editor
    for _ in range(2):
        start_an_article(page, live_server, section, HEADLINE)
        leave(page, live_server, section)
    expect(page.locator("table.listing tbody tr", has_text=HEADLINE)).to_have_count(2)

    start_an_article(page, live_server, section, HEADLINE)
    page.get_by_role("button", name="Save draft").click()
    expect(page.locator(".messages")).to_contain_text("has been updated")
    expect(page.locator("#id_slug")).to_have_value("harbour-cranes-to-be-replaced")
    article = ArticlePage.objects.get(slug="harbour-cranes-to-be-replaced")
    leave(page, live_server, section)

    # The worker's hourly job, a week and a day later.
    abandoned_autosaved_drafts_delete(now=timezone.now() + timedelta(days=8))

    page.goto(f"{live_server.url}/admin/pages/{section.pk}/")
    rows = page.locator("table.listing tbody tr", has_text=HEADLINE)
    expect(rows).to_have_count(1)
    expect(rows.get_by_role("link", name=HEADLINE)).to_have_attribute(
        "href", re.compile(rf"/admin/pages/{article.pk}/edit/")
    )
    page.goto(f"{live_server.url}/admin/reports/site-history/")
    expect(page.locator("main")).to_contain_text("touched for 7 days")
