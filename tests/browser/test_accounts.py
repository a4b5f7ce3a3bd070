import re

import pytest

pytestmark = pytest.mark.django_db(transaction=True)


def test_a_reader_resets_a_forgotten_password_from_the_sign_in_page(
    live_server, page, django_user_model, mailoutbox, settings
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url  # links in e-mails lead to this server
    django_user_model.objects.create_user("rosa", "rosa@example.org", "right-horse-battery")
    page.goto(live_server.url + "/accounts/login/")
    page.click("text=Forgot your password?")
    page.fill("input[name=email]", "rosa@example.org")
    page.click("text=Send me a link")
    page.locator("h1", has_text="Check your e-mail").wait_for()

    link = re.search(r"http\S+/accounts/password/reset/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    page.fill("input[name=new_password1]", "tide-lantern-copper-9")
    page.fill("input[name=new_password2]", "tide-lantern-copper-9")
    page.click("text=Save the new password")
    page.locator("h1", has_text="Your password is changed").wait_for()
    assert "You are signed in as rosa" in page.inner_text("main")
