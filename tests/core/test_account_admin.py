"""A reader's account renamed, moved or deleted by an administrator in the Wagtail admin
(Settings → Users) changes their comments as the reader's own change would."""

import re

import pytest
from django.contrib.auth import get_user_model
from django.db import DatabaseError
from django.urls import reverse

from masthead.discussion import selectors
from masthead.discussion.models import Comment, CommentStatus, CommentVote, Subscription
from masthead.discussion.readers import Reader
from masthead.discussion.services import (
    ERASED_AUTHOR_NAME,
    comment_post,
    subscription_request,
    vote_cast,
)
from masthead.moderation.models import Ban, BanKind
from masthead.moderation.services import reader_ban
from tests.factories import make_article, make_home, make_section

pytestmark = pytest.mark.django_db


@pytest.fixture
def article():
    make_home()
    return make_article(section=make_section(title="World"), title="Harbour council votes")


@pytest.fixture
def rosa(django_user_model):
    return django_user_model.objects.create_user(
        "rosa", "rosa@example.org", "right-horse-battery", first_name="Rosa"
    )


def as_reader(user) -> Reader:
    return Reader(user=user, key=f"u{user.pk}", ip_hash="address-9")


def edit_url(user) -> str:
    return reverse("wagtailusers_users:edit", args=[user.pk])


def delete_url(user) -> str:
    return reverse("wagtailusers_users:delete", args=[user.pk])


def edit_form(user, **changes) -> dict:
    """What the admin's edit form sends for the user, with `changes`."""
    return {
        "username": user.username,
        "email": user.email,
        "first_name": user.first_name,
        "last_name": user.last_name,
        "is_active": "on",
        **changes,
    }


def test_a_name_changed_in_the_admin_shows_on_the_readers_comments(admin_client, article, rosa):
    mine = comment_post(article=article, reader=as_reader(rosa), body="First thoughts.")
    version = selectors.thread_version(article.pk)

    response = admin_client.post(
        edit_url(rosa), edit_form(rosa, first_name="Rosa", last_name="Marquez")
    )

    assert response.status_code == 302
    mine.refresh_from_db()
    assert mine.author_name == "Rosa Marquez"
    assert selectors.thread_version(article.pk) > version  # cached pages show the new name


def test_a_reader_with_one_name_is_saved_in_the_admin_without_inventing_a_last_name(
    admin_client, article, rosa
):
    mine = comment_post(article=article, reader=as_reader(rosa), body="First thoughts.")

    response = admin_client.post(edit_url(rosa), edit_form(rosa, email="rosa@new.example"))

    assert response.status_code == 302
    rosa.refresh_from_db()
    assert (rosa.email, rosa.first_name, rosa.last_name) == ("rosa@new.example", "Rosa", "")
    mine.refresh_from_db()
    assert mine.author_name == "Rosa"


def test_an_account_is_created_in_the_admin_without_names(admin_client):
    response = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "desk",
            "email": "desk@example.org",
            "first_name": "",
            "last_name": "",
            "password1": "right-horse-battery-9",
            "password2": "right-horse-battery-9",
        },
    )

    assert response.status_code == 302
    assert get_user_model().objects.filter(username="desk", first_name="").exists()


def test_an_address_changed_in_the_admin_keeps_an_e_mail_ban(admin_client, article, rosa):
    first = comment_post(article=article, reader=as_reader(rosa), body="First thoughts.")
    admin = get_user_model().objects.get(username="admin")
    reader_ban(comment=first, moderator=admin, kinds=(BanKind.EMAIL,), days=7)

    admin_client.post(edit_url(rosa), edit_form(rosa, email="rosa@new.example"))

    assert Ban.objects.filter(value="rosa@new.example").exists()
    again = comment_post(article=article, reader=as_reader(rosa), body="Back again.")
    assert again.status == CommentStatus.SPAM


def voted_and_commented(article, rosa):
    """Rosa's comment answered by a guest, her up-vote on another comment, her subscription."""
    guest = Reader(user=None, key="g-kai", ip_hash="address-1")
    theirs = comment_post(
        article=article, reader=guest, body="A guest's view.", author_name="Kai",
        author_email="kai@example.com",
    )  # fmt: skip
    vote_cast(comment=theirs, reader=as_reader(rosa), value=1)
    mine = comment_post(article=article, reader=as_reader(rosa), body="Answer me.")
    comment_post(
        article=article, reader=guest, body="Here you are.", author_name="Kai",
        author_email="kai@example.com", parent_id=mine.pk,
    )  # fmt: skip
    subscription_request(article=article, email=rosa.email, kind="all", user=rosa)
    return mine, theirs


def assert_erased_as_on_the_account_page(article, mine, theirs):
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert mine.deleted is not None
    assert (mine.author_name, mine.author_email, mine.user_id) == (ERASED_AUTHOR_NAME, "", None)
    assert (theirs.up, theirs.score) == (0, 0)  # her vote is taken back and recounted
    assert not CommentVote.objects.exists() and not Subscription.objects.exists()
    thread = selectors.thread_page(article, reader=None)
    assert thread.count == 2  # the guest's comment and the answer below the deleted one


def test_a_reader_deleted_in_the_admin_is_erased_as_from_the_account_page(
    admin_client, article, rosa
):
    mine, theirs = voted_and_commented(article, rosa)

    confirm = admin_client.get(delete_url(rosa))
    assert confirm.status_code == 200
    mine.refresh_from_db()
    assert mine.deleted is None  # asking to confirm changes nothing

    response = admin_client.post(delete_url(rosa))

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=rosa.pk).exists()
    assert_erased_as_on_the_account_page(article, mine, theirs)


def test_a_delete_that_fails_in_the_admin_erases_nothing(admin_client, article, rosa, monkeypatch):
    mine, theirs = voted_and_commented(article, rosa)

    def fail(self, *args, **kwargs):
        raise DatabaseError("the delete failed")

    monkeypatch.setattr(get_user_model(), "delete", fail)
    with pytest.raises(DatabaseError):
        admin_client.post(delete_url(rosa))

    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.deleted, mine.author_name, mine.user_id) == (None, "Rosa", rosa.pk)
    assert theirs.up == 1 and CommentVote.objects.count() == 1
    assert Subscription.objects.filter(user=rosa).exists()


def test_readers_deleted_together_in_the_admin_are_erased_too(admin_client, article, rosa):
    mine, theirs = voted_and_commented(article, rosa)

    response = admin_client.post(f"/admin/bulk/auth/user/delete/?id={rosa.pk}")

    assert response.status_code == 302
    assert not get_user_model().objects.filter(pk=rosa.pk).exists()
    assert_erased_as_on_the_account_page(article, mine, theirs)
    assert Comment.objects.filter(author_name="Rosa").count() == 0


def test_an_address_changed_in_the_admin_signs_its_account_out_but_not_the_administrator(
    admin_client, admin_user, rosa
):
    from django.test import Client

    reader = Client()
    reader.force_login(rosa)

    assert (
        admin_client.post(edit_url(rosa), edit_form(rosa, email="rosa@new.example")).status_code
        == 302
    )
    assert reader.get("/accounts/").status_code == 302  # signed out, as after a new password

    own = admin_client.post(edit_url(admin_user), edit_form(admin_user, first_name="Chief"))
    assert own.status_code == 302
    assert admin_client.get("/admin/").status_code == 200


def test_an_administrators_own_address_changes_in_their_account_settings_not_at_once(
    admin_client, admin_user, rosa, mailoutbox
):
    """Settings → Users changed an administrator's own address at once: whoever had a moment at
    their unlocked session could take the account over with a password reset. It changes in the
    account settings, with the password and a link; another account's changes at once."""
    from masthead.accounts.admin_users import OWN_EMAIL_IN_ACCOUNT_SETTINGS

    told = OWN_EMAIL_IN_ACCOUNT_SETTINGS.format(url=reverse("wagtailadmin_account"))
    page = admin_client.get(edit_url(admin_user)).content.decode()
    assert told in page
    assert re.search(r'<input[^>]*name="email"[^>]*disabled', page)

    refused = admin_client.post(
        edit_url(admin_user), edit_form(admin_user, email="thief@example.net", first_name="Thief")
    )

    assert refused.status_code == 200
    assert told in refused.content.decode()
    admin_user.refresh_from_db()
    assert (admin_user.email, admin_user.first_name) == ("admin@example.com", "")
    # The page as the browser sends it (a disabled field is not sent) saves the rest.
    own = edit_form(admin_user, first_name="Chief")
    del own["email"]
    assert admin_client.post(edit_url(admin_user), own).status_code == 302
    admin_user.refresh_from_db()
    assert (admin_user.email, admin_user.first_name) == ("admin@example.com", "Chief")
    assert mailoutbox == []
    # An administrator's job: another account's address changes at once.
    moved = admin_client.post(edit_url(rosa), edit_form(rosa, email="rosa@new.example"))
    assert moved.status_code == 302
    rosa.refresh_from_db()
    assert rosa.email == "rosa@new.example"


def test_an_administrator_without_a_password_is_told_another_changes_their_address(
    django_user_model,
):
    from django.test import Client

    from masthead.accounts.services import ADDRESS_CHANGED_BY_AN_ADMINISTRATOR

    sam = django_user_model.objects.create_superuser("sam", "sam@example.org", None)
    client = Client()
    client.force_login(sam)

    refused = client.post(edit_url(sam), edit_form(sam, email="sam@new.example"))

    assert refused.status_code == 200
    assert ADDRESS_CHANGED_BY_AN_ADMINISTRATOR in refused.content.decode()
    sam.refresh_from_db()
    assert sam.email == "sam@example.org"

    # Nor do they give themselves a password here: another administrator does.
    new_password = "right-horse-battery-9"
    own = edit_form(sam, password1=new_password, password2=new_password)
    del own["email"]
    assert client.post(edit_url(sam), own).status_code == 302
    sam.refresh_from_db()
    assert not sam.has_usable_password()


def test_an_administrators_own_password_changes_in_their_account_settings_not_here(
    admin_client, admin_user, rosa
):
    """Settings → Users offered an administrator a new password for their own account without
    the current one: whoever had a moment at their unlocked session could set one and take the
    account over. It changes in the account settings, which ask for the current password."""
    from masthead.accounts.admin_users import OWN_EMAIL_IN_ACCOUNT_SETTINGS

    page = admin_client.get(edit_url(admin_user)).content.decode()
    assert 'name="password1"' not in page and 'name="password2"' not in page
    assert OWN_EMAIL_IN_ACCOUNT_SETTINGS.format(url=reverse("wagtailadmin_account")) in page

    new_password = "thief-horse-battery-9"
    own = edit_form(admin_user, first_name="Chief", password1=new_password, password2=new_password)
    del own["email"]
    assert admin_client.post(edit_url(admin_user), own).status_code == 302
    admin_user.refresh_from_db()
    assert admin_user.first_name == "Chief"  # the rest of the page saves
    assert admin_user.check_password("password") and not admin_user.check_password(new_password)
    assert admin_client.get("/admin/").status_code == 200

    # Another account's password is an administrator's to set, as Wagtail does.
    assert 'name="password1"' in admin_client.get(edit_url(rosa)).content.decode()
    theirs = edit_form(rosa, password1=new_password, password2=new_password)
    assert admin_client.post(edit_url(rosa), theirs).status_code == 302
    rosa.refresh_from_db()
    assert rosa.check_password(new_password)


def test_the_admin_refuses_an_address_another_account_has_whatever_its_case(admin_client, rosa):
    from masthead.accounts.admin_users import EMAIL_IN_USE

    kit = get_user_model().objects.create_user("kit", "kit@example.org", "pw-kit-horse")
    added = admin_client.post(
        reverse("wagtailusers_users:add"),
        {
            "username": "desk",
            "email": "Rosa@Example.org",
            "password1": "right-horse-battery-9",
            "password2": "right-horse-battery-9",
        },
    )
    assert added.status_code == 200 and EMAIL_IN_USE in added.content.decode()
    assert not get_user_model().objects.filter(username="desk").exists()

    edited = admin_client.post(edit_url(kit), edit_form(kit, email="ROSA@example.org"))
    assert edited.status_code == 200 and EMAIL_IN_USE in edited.content.decode()
    kit.refresh_from_db()
    assert kit.email == "kit@example.org"
    # Saving an account with its own address, in another case, is no clash.
    assert (
        admin_client.post(edit_url(kit), edit_form(kit, email="Kit@example.org")).status_code == 302
    )
    # An editor's own account settings refuse it too: see test_admin_account_email.py.


def own_settings_form(**names) -> dict:
    """What the admin's account settings page (/admin/account/) sends: the name and the theme."""
    return {
        **{f"name_email-{field}": value for field, value in names.items()},
        "theme-theme": "system",
        "theme-contrast": "system",
        "theme-density": "default",
    }


def test_an_editor_renamed_in_their_own_account_settings_shows_the_name_on_their_comments(
    client, article, rosa
):
    rosa.is_superuser = rosa.is_staff = True
    rosa.save()
    mine = comment_post(article=article, reader=as_reader(rosa), body="First thoughts.")
    version = selectors.thread_version(article.pk)
    client.force_login(rosa)

    saved = client.post(
        "/admin/account/", own_settings_form(first_name="Rosa", last_name="Marquez")
    )

    assert saved.status_code == 302
    mine.refresh_from_db()
    assert mine.author_name == "Rosa Marquez"
    assert selectors.thread_version(article.pk) > version


def test_an_editor_cannot_rename_themselves_to_abuse_in_their_own_account_settings(
    client, article, rosa
):
    from masthead.accounts.names import NAME_ABUSIVE

    rosa.is_superuser = rosa.is_staff = True
    rosa.save()
    mine = comment_post(article=article, reader=as_reader(rosa), body="First thoughts.")
    client.force_login(rosa)

    refused = client.post("/admin/account/", own_settings_form(first_name="Paki", last_name=""))

    assert refused.status_code == 200
    assert NAME_ABUSIVE in refused.content.decode()
    rosa.refresh_from_db()
    mine.refresh_from_db()
    assert "Paki" not in (rosa.first_name, mine.author_name)
    # An editor may take a role's name: the newsroom's names are theirs.
    saved = client.post("/admin/account/", own_settings_form(first_name="Editor", last_name=""))
    assert saved.status_code == 302


def test_an_editor_with_one_name_saves_their_account_settings_without_a_last_name(
    client, article, rosa
):
    rosa.is_superuser = rosa.is_staff = True
    rosa.save()
    client.force_login(rosa)

    saved = client.post("/admin/account/", own_settings_form(first_name="Rosa", last_name=""))

    assert saved.status_code == 302
    rosa.refresh_from_db()
    assert (rosa.first_name, rosa.last_name) == ("Rosa", "")


def test_the_name_field_speaks_to_an_administrator_editing_their_own_user(
    admin_client, admin_user, rosa
):
    own_label, their_label = "Name (shown with your comments)", "Name (shown with their comments)"
    own = admin_client.get(edit_url(admin_user)).content.decode()
    assert own_label in own and their_label not in own
    other = admin_client.get(edit_url(rosa)).content.decode()
    assert their_label in other and own_label not in other
