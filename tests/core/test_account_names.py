"""The name an account shows with its comments, chosen at sign-up or on the account page (the
forms are tested in test_accounts.py and test_account_page.py)."""

import pytest

from masthead.accounts import names
from masthead.accounts import services as account_services

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    "name",
    [
        "Cheap-Pills.com",
        "Rosa from example dot com",
        "Rosa rosa.sales@example.org",
        "Rosa +44 7700 900123",
        "Telegram @loanfast",
        "@loanfast",
        "Rosa (WhatsApp me)",
    ],
)
def test_a_name_that_advertises_is_refused(name):
    with pytest.raises(account_services.AccountRefused) as refused:
        account_services.account_name_checked(name)
    assert refused.value.message == account_services.NAME_ADVERTISES


@pytest.mark.parametrize("name", ["Rosa Marquez", "Dr. Ana Lima-Okafor", "J.R. Smith", "Zoë 1987"])
def test_an_ordinary_name_is_kept(name):
    assert account_services.account_name_checked(f"  {name} ") == name


@pytest.mark.parametrize("name", ["Paki", "Immigrants are vermin", "N1gg3r fan"])
def test_an_abusive_name_is_refused_at_sign_up_and_on_the_account_page(name, django_user_model):
    with pytest.raises(account_services.AccountRefused) as refused:
        account_services.account_name_checked(name)
    assert refused.value.message == names.NAME_ABUSIVE
    reader = django_user_model.objects.create_user(username="rosa", first_name="Rosa")
    with pytest.raises(account_services.AccountRefused):
        account_services.account_name_change(user=reader, name=name)
    reader.refresh_from_db()
    assert reader.first_name == "Rosa"


@pytest.mark.parametrize("name", ["Dick Van Dyke", "Cockburn", "Scunthorpe"])
def test_a_name_with_a_slur_only_inside_a_word_or_phrase_is_kept(name):
    assert account_services.account_name_checked(name) == name


def test_a_reader_cannot_rename_themselves_after_staff_but_staff_keep_their_names(
    django_user_model,
):
    editor = django_user_model.objects.create_user(
        username="marta", first_name="Marta Kowalski", is_staff=True
    )
    reader = django_user_model.objects.create_user(username="rosa", first_name="Rosa")
    for name in ("marta kowalski", "Moderator", "The Editor"):
        with pytest.raises(account_services.AccountRefused) as refused:
            account_services.account_name_change(user=reader, name=name)
        assert refused.value.message == names.NAME_RESERVED_FOR_ACCOUNT
    assert account_services.account_name_change(user=editor, name="Editor") == 0
    editor.refresh_from_db()
    assert editor.first_name == "Editor"
