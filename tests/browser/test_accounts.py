import os
import re

import pytest
from django.utils import timezone
from playwright.sync_api import expect

from masthead.discussion.models import Comment, Subscription
from masthead.discussion.readers import Reader
from masthead.discussion.services import comment_post
from tests.factories import make_article, make_home, make_section

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


def test_a_reader_finds_their_account_renames_themselves_and_their_comments_follow(
    live_server, page, django_user_model, screenshot_dir
):
    make_home()
    article = make_article(section=make_section(title="World"), title="Harbour bridge approved")
    rosa = django_user_model.objects.create_user(
        "rosa", "rosa@example.org", "right-horse-battery", first_name="Rosa"
    )
    reader = Reader(user=rosa, key=f"u{rosa.pk}", ip_hash="address-9")
    for body in ("The footpath matters more than the lanes.", "Tolls should wait a year."):
        comment_post(article=article, reader=reader, body=body)
    comment_post(
        article=article,
        reader=Reader(user=None, key="g-kai", ip_hash="address-7"),
        body="Agreed, Rosa.",
        author_name="Kai",
        author_email="kai@example.com",
        parent_id=Comment.objects.get(body__startswith="Tolls").pk,
    )

    Subscription.objects.create(
        article=article, email=rosa.email, kind="replies", user=rosa, confirmed=timezone.now()
    )

    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "rosa")
    page.fill("input[name=password]", "right-horse-battery")
    page.click("main button[type=submit]")
    page.locator("h1", has_text="Your account").wait_for()  # where signing in leads

    page.goto(live_server.url + article.url)
    page.locator("#comment-form").screenshot(
        path=os.path.join(screenshot_dir, "comment-form-signed-in.png")
    )
    page.click(".comment-form__as >> text=Your account")
    page.fill("input[name=name]", "Rosa Marquez")
    page.click("text=Save the name")
    page.locator(".message", has_text="Your comments now show the name you chose.").wait_for()
    assert page.input_value("input[name=name]") == "Rosa Marquez"
    comments = page.locator("#your-comments li")
    assert comments.count() == 2
    assert "Tolls should wait a year." in comments.first.inner_text()
    followed = page.locator("#following li")
    assert "New replies to your comments, to rosa@example.org" in followed.inner_text()
    page.screenshot(path=os.path.join(screenshot_dir, "account-page.png"), full_page=True)

    comments.first.locator("a").click()
    mine = page.locator(".comment", has_text="Tolls should wait a year.").first
    expect(mine.locator(".comment__author").first).to_have_text("Rosa Marquez")
    assert page.locator(".comment__author", has_text="Rosa Marquez").count() == 2


def test_a_reader_changes_their_address_by_the_link_sent_to_the_new_one(
    live_server, page, django_user_model, mailoutbox, settings
):
    settings.WAGTAILADMIN_BASE_URL = live_server.url  # links in e-mails lead to this server
    make_home()
    django_user_model.objects.create_user(
        "rosa", "rosa@example.org", "right-horse-battery", first_name="Rosa"
    )
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "rosa")
    page.fill("input[name=password]", "right-horse-battery")
    page.click("main button[type=submit]")
    page.locator("h1", has_text="Your account").wait_for()

    page.fill("input[name=email]", "rosa@new.example")
    page.fill("#email input[name=password]", "right-horse-battery")
    page.click("text=Change the address")
    page.locator(".message", has_text="We sent a link to rosa@new.example").wait_for()
    expect(page.locator("#pending-email")).to_contain_text("rosa@new.example")
    expect(page.locator("#email strong").first).to_have_text("rosa@example.org")
    assert [message.to for message in mailoutbox] == [["rosa@new.example"]]

    link = re.search(r"http\S+/accounts/email/change/\S+/", mailoutbox[0].body).group(0)
    page.goto(link)
    page.click("text=Yes, use this address")
    page.locator("h1", has_text="Your e-mail address is changed").wait_for()
    assert mailoutbox[-1].to == ["rosa@example.org"]  # the old address is told

    page.click("main >> text=Your account")
    expect(page.locator("#email strong").first).to_have_text("rosa@new.example")
    assert page.locator("#pending-email").count() == 0
    page.goto(link)  # the link has done its work
    page.locator("h1", has_text="Your e-mail address was not changed").wait_for()
    expect(page.locator("[role=alert]")).to_contain_text("This link no longer works")


def test_a_reader_signs_out_from_their_account_page_in_one_step(
    live_server, page, django_user_model
):
    """The account page's Sign out was a link to a page asking "Sign out?" with a second button."""
    make_home()
    django_user_model.objects.create_user("rosa", "rosa@example.org", "right-horse-battery")
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "rosa")
    page.fill("input[name=password]", "right-horse-battery")
    page.locator("main form button[type=submit]").click()
    page.goto(live_server.url + "/accounts/")
    page.locator("main").get_by_text("Sign out", exact=True).click()
    expect(page.locator(".site-header__account")).to_have_text("Sign in")
    assert page.url == live_server.url + "/"


@pytest.mark.parametrize("javascript", [True, False], ids=["with-js", "without-js"])
def test_a_reader_signs_out_under_the_comment_form_in_one_step_and_stays_on_the_article(
    live_server, browser, django_user_model, javascript
):
    """It was a link to the "Sign out?" page; the button belongs to a form of its own, outside
    the comment form, which it sits in."""
    make_home()
    article = make_article(section=make_section(title="World"), title="Harbour council votes")
    django_user_model.objects.create_user("rosa", "rosa@example.org", "right-horse-battery")
    context = browser.new_context(java_script_enabled=javascript)
    page = context.new_page()
    page.goto(live_server.url + "/accounts/login/")
    page.fill("input[name=username]", "rosa")
    page.fill("input[name=password]", "right-horse-battery")
    page.locator("main form button[type=submit]").click()
    page.goto(live_server.url + article.url)
    page.locator(".comment-form__as").get_by_role("button", name="Sign out").click()
    expect(page.locator(".site-header__account")).to_have_text("Sign in")
    assert page.url == f"{live_server.url}{article.url}#comments"
    expect(page.locator(".comment-form__as")).to_have_count(0)
    context.close()
