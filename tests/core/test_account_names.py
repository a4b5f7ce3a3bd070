"""The name an account shows with its comments, chosen at sign-up or on the account page (the
forms are tested in test_accounts.py and test_account_page.py)."""

import pytest

from masthead.accounts import services as account_services


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
