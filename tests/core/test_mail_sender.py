"""Mail goes out under the publication's name, unless the operator named the sender."""

from django.core.mail import EmailMessage

from masthead.mail import sender


def from_header(from_email: str) -> str:
    return EmailMessage("Subject", "Body", from_email, ["reader@example.org"]).message()["From"]


def test_a_bare_address_goes_out_under_the_sites_name(settings):
    settings.DEFAULT_FROM_EMAIL = "newsroom@news.example"
    assert from_header(sender("The Harbour Ledger")) == "The Harbour Ledger <newsroom@news.example>"


def test_a_name_the_operator_gave_is_kept(settings):
    settings.DEFAULT_FROM_EMAIL = "Newsdesk <newsroom@news.example>"
    assert sender("The Harbour Ledger") == "Newsdesk <newsroom@news.example>"


def test_a_site_name_on_two_lines_or_with_commas_makes_one_quoted_line(settings):
    settings.DEFAULT_FROM_EMAIL = "newsroom@news.example"
    header = from_header(sender("Harbour, Ledger\n & Post"))
    assert header == '"Harbour, Ledger & Post" <newsroom@news.example>'


def test_a_site_name_in_any_script_is_encoded_for_the_header(settings):
    settings.DEFAULT_FROM_EMAIL = "newsroom@news.example"
    header = from_header(sender("Le Quotidien du Littoral · Édition"))
    assert header.endswith(" <newsroom@news.example>") and "\n" not in header
    assert header.isascii()  # encoded as RFC 2047 asks, read back by every mail client


def test_without_a_site_name_the_configured_sender_stays(settings):
    settings.DEFAULT_FROM_EMAIL = "newsroom@news.example"
    assert sender("") == "newsroom@news.example"
