"""An editor's own account settings in the admin (/admin/account/), in the browser."""

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from masthead.accounts.models import AccountEmail
from tests.browser.admin import sign_in_to_admin
from tests.factories import make_home

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def _site():
    """A site with its front page, as every install has: a browser test starts from an empty
    database, and after another one has emptied it Wagtail's dashboard has no page tree to
    summarise (it fails to link to a root page that is not there)."""
    make_home()


PASSWORD = "chief-horse-battery"


def test_enter_in_the_name_saves_the_name_while_a_change_of_address_waits(
    live_server, page, django_user_model, mailoutbox
):
    """Pressing Enter in a field submits the page with its first submit button: the buttons of
    the change waiting to be confirmed, above the page's own Save, must not be that button."""
    chief = django_user_model.objects.create_superuser(
        "chief", "chief@example.org", PASSWORD, first_name="Chief", last_name="Editor"
    )
    AccountEmail.objects.create(
        user=chief, new_email="chief@new.example", new_email_requested=timezone.now()
    )
    sign_in_to_admin(page, live_server, "chief", PASSWORD)
    page.goto(live_server.url + "/admin/account/")

    page.fill("#id_name_email-first_name", "Rosa")
    page.press("#id_name_email-first_name", "Enter")

    expect(page.get_by_text("Your account settings have been changed successfully")).to_be_visible()
    chief.refresh_from_db()
    assert chief.first_name == "Rosa"
    assert mailoutbox == []  # no link sent again
    expect(page.locator("#pending-email")).to_contain_text("chief@new.example")

    page.get_by_role("button", name="Send the link again").click()
    expect(page.get_by_text("We sent a link to chief@new.example")).to_be_visible()
    assert [message.to for message in mailoutbox] == [["chief@new.example"]]

    page.get_by_role("button", name="Cancel the change").click()
    expect(page.get_by_text("The change of address is cancelled")).to_be_visible()
    assert page.locator("#pending-email").count() == 0
    assert AccountEmail.objects.get(user=chief).new_email == ""
