"""'Your account': a signed-in reader's name, address, password, comments, subscriptions, and
deleting the account."""

import re
from urllib.parse import urlsplit

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth import get_user_model
from django.test import Client
from django.utils import timezone

from masthead.accounts import LOGIN_ATTEMPTS_PER_ACCOUNT, TOO_MANY_ATTEMPTS
from masthead.accounts import services as account_services
from masthead.accounts.forms import PASSWORD_NOT_RIGHT
from masthead.discussion.models import Comment, CommentStatus, Subscription
from masthead.discussion.readers import Reader
from masthead.discussion.services import ERASED_AUTHOR_NAME, comment_post
from masthead.moderation.models import BanKind
from masthead.moderation.services import reader_ban
from tests.factories import make_article, make_home, make_section
from tests.markup import time_moments, unreadable_time_moments

pytestmark = pytest.mark.django_db

PASSWORD = "right-horse-battery"


@pytest.fixture
def article():
    make_home()
    return make_article(section=make_section(title="World"), title="Harbour council votes")


@pytest.fixture
def rosa(django_user_model):
    return django_user_model.objects.create_user(
        "rosa", "rosa@example.org", PASSWORD, first_name="Rosa"
    )


@pytest.fixture
def signed_in(rosa):
    client = Client()
    client.force_login(rosa)
    return client


def comment_as(user, article, body="A thoughtful comment.", **kwargs):
    reader = Reader(user=user, key=f"u{user.pk}", ip_hash="address-9")
    return comment_post(article=article, reader=reader, body=body, **kwargs)


def text_of(response) -> str:
    return re.sub(r"\s+", " ", response.content.decode())


def test_the_account_page_is_for_signed_in_readers(signed_in):
    response = Client().get("/accounts/")
    assert response.status_code == 302
    assert response["Location"] == "/accounts/login/?next=/accounts/"

    page = signed_in.get("/accounts/")
    html = text_of(page)
    assert page.status_code == 200
    assert "signed in as <strong>rosa</strong>" in html
    assert 'name="name" value="Rosa"' in html
    assert "<strong>rosa@example.org</strong>" in html
    assert 'href="/accounts/password/change/"' in html
    assert "no-store" in page["Cache-Control"]  # personal: no proxy or browser cache keeps it


def test_an_account_without_a_password_is_not_promised_reset_links_nor_asked_for_it(
    django_user_model, signed_in
):
    """An account an importer made, or signing in through another service, has no password: no
    reset link goes to it, and no form that asks for the password can be sent."""
    sam = django_user_model.objects.create_user("sam", "sam@example.org", None)
    client = Client()
    client.force_login(sam)

    page = client.get("/accounts/")

    html = text_of(page)
    assert "Password reset links" not in html
    assert "The notifications you ask for go to it; it is never shown." in html
    assert account_services.ADDRESS_CHANGED_BY_EDITORS in html
    assert 'action="/accounts/email/"' not in html  # its form needs the password
    assert 'href="/accounts/password/change/"' not in html
    assert "Your account has no password here: you do not sign in with one." in html
    with_a_password = text_of(signed_in.get("/accounts/"))
    assert "Password reset links and the notifications you ask for go to it" in with_a_password
    assert account_services.ADDRESS_CHANGED_BY_EDITORS not in with_a_password


def test_signing_in_without_a_page_to_return_to_and_the_sign_in_page_lead_to_the_account(rosa):
    client = Client()
    signed = client.post("/accounts/login/", {"username": "rosa", "password": PASSWORD})
    assert signed["Location"] == "/accounts/"  # Django's default was /accounts/profile/, a 404
    assert client.get("/accounts/login/")["Location"] == "/accounts/"
    assert client.get("/accounts/login/?next=/search/")["Location"] == "/search/"


def test_where_the_site_shows_a_signed_in_reader_it_links_to_the_account(signed_in, article, rosa):
    article_page = text_of(signed_in.get(article.url))
    assert re.search(
        r'Commenting as <strong>Rosa</strong>\. <a href="/accounts/">Your account</a>', article_page
    )
    assert re.search(
        r'class="site-header__account" href="/accounts/"><span class="visually-hidden">'
        r"Your account: </span>Rosa</a>",
        article_page,
    )
    assert 'href="/accounts/"' in text_of(signed_in.get("/accounts/signup/"))
    # The pages cached for everyone else name no account: they offer to sign in.
    anonymous = text_of(Client().get(article.url))
    assert "Your account" not in anonymous and "Rosa" not in anonymous
    assert f'class="site-header__account" href="/accounts/login/?next={article.url}"' in anonymous


def test_sign_out_under_the_comment_form_signs_out_at_once_back_to_the_article(signed_in, article):
    """It led to the "Sign out?" page and its second button, as the account page did; a form
    there (the comment form holds the button, and forms do not nest) works without JavaScript."""
    page = BeautifulSoup(signed_in.get(article.url).content.decode(), "html.parser")
    assert page.find("a", href=re.compile("^/accounts/logout/")) is None
    button = page.select_one(".comment-form__as").find("button", string="Sign out")
    form = page.find("form", id=button["form"])
    assert form.find_parent("form") is None
    assert (form["method"], form["action"]) == ("post", "/accounts/logout/")
    fields = {field["name"]: field["value"] for field in form.find_all("input")}
    assert fields["next"] == f"{article.url}#comments"

    response = signed_in.post(form["action"], fields)

    assert response.status_code == 302
    assert response["Location"] == f"{article.url}#comments"
    assert "_auth_user_id" not in signed_in.session
    assert "Commenting as" not in text_of(signed_in.get(article.url))


def test_the_sign_out_page_offers_to_stay_signed_in_where_the_reader_was(signed_in):
    def stay_link(url):
        page = BeautifulSoup(signed_in.get(url).content.decode(), "html.parser")
        return page.find("a", string="Stay signed in")["href"]

    assert stay_link("/accounts/logout/?next=/search/%3Fq%3Dferry") == "/search/?q=ferry"
    assert stay_link("/accounts/logout/") == "/"
    assert stay_link("/accounts/logout/?next=https://elsewhere.example/") == "/"
    assert "_auth_user_id" in signed_in.session


def test_a_name_ending_in_a_full_stop_gets_no_second_one(signed_in, article, rosa):
    """A reader named "Rosa M." read "Commenting as Rosa M.." above the comment box and "You are
    signed in as Rosa M.." after choosing a new password."""
    rosa.first_name = "Rosa M."
    rosa.save()
    article_page = text_of(signed_in.get(article.url))
    assert "Commenting as <strong>Rosa M.</strong> <a" in article_page
    assert "Rosa M.</strong>." not in article_page
    password_set = text_of(signed_in.get("/accounts/password/reset/done/"))
    assert "You are signed in as Rosa M. <a" in password_set
    assert "Rosa M.." not in password_set


def test_a_new_name_shows_at_once_on_the_readers_comments_in_cached_pages(signed_in, article, rosa):
    comment_as(rosa, article, "Bridges need footpaths.")
    assert "Rosa" in Client().get(article.url).content.decode()  # cached for everyone

    response = signed_in.post("/accounts/name/", {"name": "  Rosa \n Marquez "})

    assert response.status_code == 302 and response["Location"] == "/accounts/#name"
    rosa.refresh_from_db()
    assert (rosa.first_name, rosa.last_name, rosa.get_full_name()) == (
        "Rosa Marquez",
        "",
        "Rosa Marquez",
    )
    assert Comment.objects.get().author_name == "Rosa Marquez"
    assert ">Rosa Marquez<" in Client().get(article.url).content.decode()
    assert "Your comments now show the name you chose." in text_of(signed_in.get("/accounts/"))
    # and the next comment is posted under it
    assert comment_as(rosa, article, "Another point.").author_name == "Rosa Marquez"


@pytest.mark.parametrize(
    ("name", "message"),
    [
        ("   ", account_services.NAME_MISSING),
        ("R" * 81, account_services.NAME_TOO_LONG.format(limit=80)),
        ("Rosa WhatsApp +1 555 123 4567", account_services.NAME_ADVERTISES),
        ("cheap-pills.example.com", account_services.NAME_ADVERTISES),
        ("Rosa, example dot com", account_services.NAME_ADVERTISES),
        ("Rosa rosa.deals@example.net", account_services.NAME_ADVERTISES),
        ("Rosa @rosa_deals", account_services.NAME_ADVERTISES),
    ],
)
def test_a_name_that_cannot_be_shown_is_refused_and_kept_in_the_form(
    signed_in, article, rosa, name, message
):
    comment_as(rosa, article)
    response = signed_in.post("/accounts/name/", {"name": name})
    html = response.content.decode()
    assert response.status_code == 400
    assert message in html
    if name.strip():
        assert f'value="{name}"' in html and "autofocus" in html
    assert Comment.objects.get().author_name == "Rosa"
    rosa.refresh_from_db()
    assert rosa.first_name == "Rosa"


def test_names_change_a_few_times_a_day_at_most(signed_in):
    for number in range(account_services.NAME_CHANGES_PER_DAY):
        assert signed_in.post("/accounts/name/", {"name": f"Rosa {number}"}).status_code == 302
    refused = signed_in.post("/accounts/name/", {"name": "Rosa again"})
    assert refused.status_code == 429
    assert account_services.TOO_MANY_NAME_CHANGES in refused.content.decode()


def change_link(message) -> str:
    return re.search(r"https?://\S+/accounts/email/change/\S+/", message.body).group(0)


def test_a_new_e_mail_address_needs_the_password_and_changes_when_its_link_is_opened(
    signed_in, rosa, mailoutbox, django_capture_on_commit_callbacks, settings
):
    wrong = signed_in.post("/accounts/email/", {"email": "rosa@new.example", "password": "guess"})
    assert wrong.status_code == 400
    assert PASSWORD_NOT_RIGHT in wrong.content.decode()
    assert 'value="rosa@new.example"' in wrong.content.decode()  # what was typed is kept
    assert mailoutbox == []

    with django_capture_on_commit_callbacks(execute=True):
        asked = signed_in.post(
            "/accounts/email/", {"email": " Rosa@New.Example ", "password": PASSWORD}
        )
    assert asked.status_code == 302 and asked["Location"] == "/accounts/#email"
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"  # not before the link is opened
    assert [message.to for message in mailoutbox] == [["rosa@new.example"]]
    link = change_link(mailoutbox[0])
    assert link.startswith(settings.WAGTAILADMIN_BASE_URL)  # not the Host header
    page = text_of(signed_in.get("/accounts/"))
    assert "We sent a link to rosa@new.example" in page
    assert "You asked to change it to <strong>rosa@new.example</strong>" in page

    path = urlsplit(link).path
    anyone = Client()  # the link is the proof: opened on a phone, it needs no session
    question = anyone.get(path)
    assert question.status_code == 200 and "Yes, use this address" in text_of(question)
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"  # a mail scanner opening the link changes nothing
    with django_capture_on_commit_callbacks(execute=True):
        done = anyone.post(path)
    assert "Your e-mail address is changed" in text_of(done)
    rosa.refresh_from_db()
    assert rosa.email == "rosa@new.example"
    assert mailoutbox[-1].to == ["rosa@example.org"]
    assert "rosa@new.example" in mailoutbox[-1].body and '"rosa"' in mailoutbox[-1].body
    again = anyone.get(path)
    assert again.status_code == 410
    assert account_services.CHANGE_LINK_RETIRED in text_of(again)
    assert "You asked to change it" not in text_of(signed_in.get("/accounts/"))
    # Password reset links go to the new address from now on.
    with django_capture_on_commit_callbacks(execute=True):
        Client().post("/accounts/password/reset/", {"email": "rosa@new.example"})
    assert mailoutbox[-1].to == ["rosa@new.example"]


def signed_in_with_password(username="rosa") -> Client:
    client = Client()
    assert (
        client.post("/accounts/login/", {"username": username, "password": PASSWORD}).status_code
        == 302
    )
    return client


def test_a_new_e_mail_address_signs_the_account_out_everywhere_but_where_it_was_confirmed(
    rosa, mailoutbox, django_capture_on_commit_callbacks
):
    laptop, phone, old_tablet = (signed_in_with_password() for _ in range(3))
    with django_capture_on_commit_callbacks(execute=True):
        laptop.post("/accounts/email/", {"email": "rosa@new.example", "password": PASSWORD})
    assert phone.get("/accounts/").status_code == 200  # asking changes nothing yet

    done = laptop.post(urlsplit(change_link(mailoutbox[0])).path)
    assert "Other browsers and devices that were signed in to the account are signed out" in (
        text_of(done)
    )
    assert laptop.get("/accounts/").status_code == 200
    for elsewhere in (phone, old_tablet):
        assert elsewhere.get("/accounts/")["Location"] == "/accounts/login/?next=/accounts/"
    # The new address signs in, and that session lasts.
    fresh = signed_in_with_password("rosa@new.example")
    assert fresh.get("/accounts/").status_code == 200


def test_a_change_link_opened_without_a_session_signs_the_account_out_everywhere(
    rosa, mailoutbox, django_capture_on_commit_callbacks
):
    laptop = signed_in_with_password()
    with django_capture_on_commit_callbacks(execute=True):
        laptop.post("/accounts/email/", {"email": "rosa@new.example", "password": PASSWORD})
    done = Client().post(urlsplit(change_link(mailoutbox[0])).path)
    assert "Browsers and devices that were signed in to the account are signed out" in (
        text_of(done)
    )
    assert laptop.get("/accounts/").status_code == 302


def test_sessions_signed_in_before_addresses_counted_stay_until_their_address_changes(rosa):
    from django.contrib.auth import HASH_SESSION_KEY
    from django.contrib.auth.base_user import AbstractBaseUser

    laptop = signed_in_with_password()
    session = laptop.session
    session[HASH_SESSION_KEY] = AbstractBaseUser.get_session_auth_hash(rosa)  # Django's own
    session.save()
    assert laptop.get("/accounts/").status_code == 200  # and its hash is renewed
    rosa.email = "rosa@other.example"
    rosa.save()
    assert laptop.get("/accounts/").status_code == 302


def test_a_reader_banned_by_e_mail_is_still_banned_after_moving_to_another_address(
    signed_in, article, rosa, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    moderator = django_user_model.objects.create_user("mod", "mod@example.com", "pw")
    first = comment_as(rosa, article, "A first comment.")
    reader_ban(comment=first, moderator=moderator, kinds=(BanKind.EMAIL,), days=7, reason="abuse")

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post("/accounts/email/", {"email": "rosa@new.example", "password": PASSWORD})
    moved = Client().post(urlsplit(change_link(mailoutbox[0])).path)
    assert "Your e-mail address is changed" in text_of(moved)
    rosa.refresh_from_db()
    assert rosa.email == "rosa@new.example"

    again = comment_as(rosa, article, "Back under a new address.")
    assert again.status == CommentStatus.SPAM
    assert again.verdicts.get().reasons[0].startswith("banned (e-mail address) until ")


def test_a_change_waiting_for_its_link_can_be_cancelled_or_its_link_sent_again(
    signed_in, rosa, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post("/accounts/email/", {"email": "rosa@new.example", "password": PASSWORD})
        resent = signed_in.post("/accounts/email/resend/")
    assert resent["Location"] == "/accounts/#email"
    assert [message.to for message in mailoutbox] == [["rosa@new.example"]] * 2

    cancelled = signed_in.post("/accounts/email/cancel/", follow=True)
    assert "The change of address is cancelled" in text_of(cancelled)
    assert "You asked to change it" not in text_of(cancelled)
    gone = Client().post(urlsplit(change_link(mailoutbox[1])).path)
    assert gone.status_code == 410
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"
    nothing = signed_in.post("/accounts/email/resend/")
    assert nothing.status_code == 400
    assert account_services.NO_EMAIL_CHANGE_PENDING in nothing.content.decode()


def test_a_change_link_for_an_address_taken_meanwhile_says_so(
    signed_in, rosa, django_user_model, mailoutbox, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post("/accounts/email/", {"email": "shared@example.org", "password": PASSWORD})
    django_user_model.objects.create_user("kit", "shared@example.org", "pw-kit-horse")
    refused = Client().post(urlsplit(change_link(mailoutbox[0])).path)
    assert refused.status_code == 400
    message = account_services.EMAIL_TAKEN_SINCE.format(email="shared@example.org")
    assert message in text_of(refused)
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"


def test_the_e_mail_change_mentions_followed_discussions_only_to_a_reader_who_follows_some(
    signed_in, rosa, article, mailoutbox, django_capture_on_commit_callbacks
):
    note = "Discussions you already follow are still e-mailed"

    def change_to(email):
        with django_capture_on_commit_callbacks(execute=True):
            signed_in.post("/accounts/email/", {"email": email, "password": PASSWORD})
        return text_of(signed_in.post(urlsplit(change_link(mailoutbox[-1])).path))

    page = change_to("rosa@new.example")
    assert "now has the address <strong>rosa@new.example</strong>" in page
    assert note not in page

    Subscription.objects.create(
        article=article, email="rosa@new.example", kind="all", user=rosa, confirmed=timezone.now()
    )
    assert note in change_to("rosa@third.example")


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("KIT@example.org", account_services.EMAIL_TAKEN),
        ("not-an-address", account_services.EMAIL_INVALID),
        ("ROSA@example.org", account_services.EMAIL_UNCHANGED),
    ],
)
def test_an_address_another_account_has_or_that_is_no_address_is_refused(
    signed_in, rosa, django_user_model, email, message
):
    django_user_model.objects.create_user("kit", "kit@example.org", "pw-kit-horse")
    response = signed_in.post("/accounts/email/", {"email": email, "password": PASSWORD})
    assert response.status_code == 400
    assert message in response.content.decode()
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"


def test_the_e_mail_forms_password_goes_through_the_sign_in_limit(signed_in, rosa):
    for _ in range(LOGIN_ATTEMPTS_PER_ACCOUNT):
        signed_in.post("/accounts/email/", {"email": "rosa@new.example", "password": "guess"})
    refused = signed_in.post(
        "/accounts/email/", {"email": "rosa@new.example", "password": PASSWORD}
    )
    assert refused.status_code == 400
    assert TOO_MANY_ATTEMPTS in refused.content.decode()
    rosa.refresh_from_db()
    assert rosa.email == "rosa@example.org"
    # the sign-in page counts the same wrong passwords
    other = Client()
    other.post("/accounts/login/", {"username": "rosa", "password": PASSWORD})
    assert "_auth_user_id" not in other.session


def test_one_account_cannot_ask_about_addresses_without_end(signed_in, rosa):
    for number in range(account_services.EMAIL_CHANGES_PER_HOUR):
        signed_in.post("/accounts/email/", {"email": f"taken{number}@x.org", "password": PASSWORD})
    refused = signed_in.post("/accounts/email/", {"email": "kit@example.org", "password": PASSWORD})
    assert refused.status_code == 429
    assert account_services.TOO_MANY_EMAIL_CHANGES in refused.content.decode()


def test_changing_the_password_asks_the_old_one_and_keeps_the_reader_signed_in(signed_in, rosa):
    assert Client().get("/accounts/password/change/")["Location"].startswith("/accounts/login/")
    form = signed_in.get("/accounts/password/change/")
    assert form.status_code == 200 and 'name="old_password"' in form.content.decode()
    new = {"new_password1": "tide-lantern-copper-9", "new_password2": "tide-lantern-copper-9"}

    wrong = signed_in.post("/accounts/password/change/", {"old_password": "guess", **new})
    assert wrong.status_code == 200 and PASSWORD_NOT_RIGHT in wrong.content.decode()

    done = signed_in.post("/accounts/password/change/", {"old_password": PASSWORD, **new})
    assert done["Location"] == "/accounts/"
    page = signed_in.get("/accounts/")
    assert page.status_code == 200 and "Your password is changed." in page.content.decode()
    rosa.refresh_from_db()
    assert rosa.check_password("tide-lantern-copper-9")


def test_the_password_change_forms_old_password_goes_through_the_sign_in_limit(signed_in, rosa):
    new = {"new_password1": "tide-lantern-copper-9", "new_password2": "tide-lantern-copper-9"}
    for _ in range(LOGIN_ATTEMPTS_PER_ACCOUNT):
        signed_in.post("/accounts/password/change/", {"old_password": "guess", **new})
    refused = signed_in.post("/accounts/password/change/", {"old_password": PASSWORD, **new})
    assert TOO_MANY_ATTEMPTS in refused.content.decode()
    rosa.refresh_from_db()
    assert rosa.check_password(PASSWORD)


def test_the_reader_sees_their_own_comments_newest_first_with_those_awaiting_moderation(
    signed_in, article, rosa
):
    published = comment_as(rosa, article, "Out in the open.")
    held = comment_as(rosa, article, "Waiting for a moderator.")
    spam = comment_as(rosa, article, "The filter did not like this one.")
    removed = comment_as(rosa, article, "A moderator removed this one.")
    Comment.objects.filter(pk=held.pk).update(status=CommentStatus.PENDING)
    Comment.objects.filter(pk=spam.pk).update(status=CommentStatus.SPAM)
    Comment.objects.filter(pk=removed.pk).update(status=CommentStatus.REMOVED)
    comment_as(
        get_user_model().objects.create_user("kit", "kit@example.org", "pw"), article, "Kit's."
    )

    html = text_of(signed_in.get("/accounts/"))

    listed = re.findall(r'href="/comments/comment/(\d+)/"', html)
    assert listed == [str(spam.pk), str(held.pk), str(published.pk)]
    assert html.count("Awaiting moderation") == 2
    assert "Harbour council votes" in html
    for absent in ("A moderator removed this one.", "Kit's.", "Spam", "spam"):
        assert absent not in html


def test_the_readers_comments_come_a_page_at_a_time(signed_in, article, rosa, settings):
    from masthead.accounts.views import COMMENTS_PER_PAGE

    settings.MASTHEAD_COMMENT_RATE_LIMIT = "100/m"
    comments = [
        comment_as(rosa, article, f"Comment number {n}.") for n in range(COMMENTS_PER_PAGE + 1)
    ]
    first = text_of(signed_in.get("/accounts/"))
    assert f"Comment number {COMMENTS_PER_PAGE}." in first and "Comment number 0." not in first
    assert 'href="?page=2#your-comments"' in first
    second = text_of(signed_in.get("/accounts/?page=2"))
    assert re.findall(r'href="/comments/comment/(\d+)/"', second) == [str(comments[0].pk)]
    assert signed_in.get("/accounts/?page=99").status_code == 200


def test_the_reader_sees_and_stops_the_discussions_they_follow(
    signed_in, article, rosa, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/comments/{article.pk}/post/", {"body": "Tell me.", "notify": "replies"})
    other = make_article(title="Followed by someone else at Rosa's address")
    Subscription.objects.create(article=other, email="rosa@example.org", kind="all")

    html = text_of(signed_in.get("/accounts/"))
    assert "Harbour council votes" in html and "New replies to your comments" in html
    assert "Waiting for you to confirm" not in html  # its confirmed address followed at once
    assert "Followed by someone else" not in html  # an address alone proves nothing

    mine = Subscription.objects.get(article=article)
    stopped = signed_in.post(f"/accounts/subscriptions/{mine.pk}/stop/")
    assert stopped["Location"] == "/accounts/#following"
    mine.refresh_from_db()
    assert mine.unsubscribed is not None
    assert "will get no more e-mail about" in text_of(signed_in.get("/accounts/"))


def test_the_discussions_followed_come_a_page_at_a_time_in_the_same_queries(
    signed_in, rosa, monkeypatch, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.discussion.selectors import accounts

    monkeypatch.setattr(accounts, "FOLLOWED_PER_PAGE", 3)
    make_home()
    section = make_section(title="World")
    articles = [make_article(section=section, title=f"Story number {n}") for n in range(9)]

    def follow(some):
        for article in some:
            for kind in ("all", "replies"):  # one row for both kinds
                Subscription.objects.create(
                    article=article,
                    email=rosa.email,
                    kind=kind,
                    user=rosa,
                    confirmed=timezone.now(),
                )

    follow(articles[:4])
    with CaptureQueriesContext(connection) as few:
        first = text_of(signed_in.get("/accounts/"))
    few_count = len(few)  # before the next request resets the log
    assert [f"Story number {n}" in first for n in range(4)] == [False, True, True, True]
    assert 'href="?following=2#following"' in first and "Page 1 of 2 (4 discussions)" in first

    follow(articles[4:])
    with django_assert_max_num_queries(few_count):
        first = text_of(signed_in.get("/accounts/"))
    assert [f"Story number {n}" in first for n in (8, 7, 6, 5)] == [True, True, True, False]
    assert first.count("New follow-up comments and New replies to your comments") == 3
    last = text_of(signed_in.get("/accounts/?following=3"))
    assert "Story number 2" in last and "Story number 0" in last and "Story number 3" not in last
    assert "Page 3 of 3 (9 discussions)" in last


def test_nobody_stops_another_accounts_subscription(signed_in, article, django_user_model):
    kit = django_user_model.objects.create_user("kit", "kit@example.org", "pw-kit-horse")
    kits = Subscription.objects.create(article=article, email=kit.email, kind="all", user=kit)
    strangers = Subscription.objects.create(article=article, email="x@example.org", kind="all")
    for subscription in (kits, strangers):
        assert signed_in.post(f"/accounts/subscriptions/{subscription.pk}/stop/").status_code == 404
    assert not Subscription.objects.filter(unsubscribed__isnull=False).exists()
    assert signed_in.get(f"/accounts/subscriptions/{kits.pk}/stop/").status_code == 405


def test_an_account_never_sees_nor_stops_what_another_persons_address_follows(
    signed_in, article, rosa, django_capture_on_commit_callbacks, mailoutbox
):
    """An account could ask for anyone's address; once its owner confirmed, the subscription
    showed on the account's page, which could stop it. It is the address's alone now: its owner
    confirms and unsubscribes with the links in the e-mails."""
    with django_capture_on_commit_callbacks(execute=True):
        asked = signed_in.post(
            f"/comments/{article.pk}/subscribe/", {"email": "Kai@Example.org", "kind": "all"}
        )
    assert asked.status_code == 200
    theirs = Subscription.objects.get(email="kai@example.org")
    assert theirs.user is None
    (confirmation,) = [m for m in mailoutbox if m.to == ["kai@example.org"]]
    token = re.search(r"/comments/subscriptions/(\S+)/confirm/", confirmation.body).group(1)
    assert Client().post(f"/comments/subscriptions/{token}/confirm/").status_code == 200
    theirs.refresh_from_db()
    assert theirs.is_active

    page = text_of(signed_in.get("/accounts/"))
    assert "kai@example.org" not in page and "You follow no discussions." in page
    assert signed_in.post(f"/accounts/subscriptions/{theirs.pk}/stop/").status_code == 404
    theirs.refresh_from_db()
    assert theirs.is_active
    unsubscribed = Client().post(f"/comments/subscriptions/{token}/unsubscribe/")
    assert unsubscribed.status_code == 200
    theirs.refresh_from_db()
    assert theirs.unsubscribed is not None

    # Its own address, once confirmed, is the account's to see and stop.
    signed_in.post(f"/comments/{article.pk}/subscribe/", {"email": rosa.email, "kind": "all"})
    mine = Subscription.objects.get(email=rosa.email)
    assert mine.user == rosa and "rosa@example.org" in text_of(signed_in.get("/accounts/"))


def test_an_address_the_account_has_not_confirmed_does_not_bring_its_subscriptions(
    article, django_user_model
):
    """Anyone may sign up with an address that is not theirs: until its link is opened, what it
    follows is not the account's to see."""
    from masthead.accounts.models import AccountEmail

    lee = django_user_model.objects.create_user("lee", "lee@example.org", PASSWORD)
    AccountEmail.objects.create(user=lee, confirmed=False)
    client = Client()
    client.force_login(lee)
    client.post(f"/comments/{article.pk}/subscribe/", {"email": lee.email, "kind": "all"})
    assert Subscription.objects.get(email=lee.email).user is None
    assert "You follow no discussions." in text_of(client.get("/accounts/"))


def test_deleting_the_account_needs_the_password_and_a_post(signed_in, rosa):
    assert signed_in.get("/accounts/delete/").status_code == 405
    wrong = signed_in.post("/accounts/delete/", {"delete-password": "guess"})
    assert wrong.status_code == 400 and PASSWORD_NOT_RIGHT in wrong.content.decode()
    assert get_user_model().objects.filter(pk=rosa.pk).exists()
    anonymous = Client().post("/accounts/delete/", {"delete-password": PASSWORD})
    assert anonymous["Location"] == "/accounts/login/?next=/accounts/"


def delete_link(message) -> str:
    return urlsplit(re.search(r"http://\S+/accounts/delete/\S+/", message.body).group(0)).path


def test_an_account_without_a_password_deletes_itself_with_a_link_sent_to_its_address(
    django_user_model, article, django_capture_on_commit_callbacks, mailoutbox
):
    """An account an importer or an editor made has no password: the delete form asked for one
    it could not give. A link sent to its address deletes it, once opened and its button
    pressed."""
    sam = django_user_model.objects.create_user("sam", "sam@example.org", None)
    comment_as(sam, article, "Imported long ago.")
    Subscription.objects.create(
        article=article, email=sam.email, kind="all", user=sam, confirmed=timezone.now()
    )
    client = Client()
    client.force_login(sam)
    page = text_of(client.get("/accounts/"))
    assert 'action="/accounts/delete/link/"' in page and 'name="delete-password"' not in page

    with django_capture_on_commit_callbacks(execute=True):
        asked = client.post("/accounts/delete/link/")
    assert asked["Location"] == "/accounts/#delete"
    assert account_services.DELETE_LINK_SENT.format(email=sam.email) in text_of(
        client.get("/accounts/")
    )
    (sent,) = mailoutbox
    assert sent.to == ["sam@example.org"]
    link = delete_link(sent)

    # Opening the link (a mail scanner does) deletes nothing; nor does a link cut short.
    opened = Client().get(link)
    assert opened.status_code == 200 and "Yes, delete my account" in opened.content.decode()
    assert Client().post(link[:-6] + "xx/").status_code == 404
    assert django_user_model.objects.filter(pk=sam.pk).exists()

    deleted = client.post(link)

    assert deleted["Location"] == "/"
    assert not django_user_model.objects.filter(pk=sam.pk).exists()
    assert "_auth_user_id" not in client.session
    assert not Subscription.objects.exists()
    assert Comment.objects.get().user_id is None
    again = Client().post(link)
    assert again.status_code == 410
    assert account_services.DELETE_LINK_RETIRED in text_of(again)


def test_a_deletion_link_goes_only_to_an_account_without_a_password_a_few_times_an_hour(
    django_user_model, signed_in, rosa, mailoutbox, django_capture_on_commit_callbacks
):
    refused = signed_in.post("/accounts/delete/link/")
    assert refused.status_code == 400
    assert account_services.DELETE_WITH_PASSWORD in text_of(refused)

    sam = django_user_model.objects.create_user("sam", "sam@example.org", None)
    client = Client()
    client.force_login(sam)
    with django_capture_on_commit_callbacks(execute=True):
        for _ in range(account_services.CONFIRMATION_EMAILS_PER_ADDRESS_PER_HOUR):
            assert client.post("/accounts/delete/link/").status_code == 302
        too_many = client.post("/accounts/delete/link/")
    assert too_many.status_code == 429
    assert account_services.TOO_MANY_DELETE_LINKS.format(email=sam.email) in text_of(too_many)
    assert len(mailoutbox) == account_services.CONFIRMATION_EMAILS_PER_ADDRESS_PER_HOUR

    # A link sent before the account's address changed no longer deletes it.
    link = delete_link(mailoutbox[0])
    django_user_model.objects.filter(pk=sam.pk).update(email="sam@new.example")
    assert Client().post(link).status_code == 410
    assert django_user_model.objects.filter(pk=sam.pk).exists()


def test_a_deleted_account_leaves_no_name_address_or_subscription_and_the_threads_hold(
    signed_in, article, rosa, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(f"/comments/{article.pk}/post/", {"body": "Answer me.", "notify": "all"})
    answered = Comment.objects.get()
    Client().post(
        f"/comments/{article.pk}/post/",
        {
            "body": "Here you are.",
            "author_name": "Kai",
            "author_email": "kai@example.com",
            "parent_id": answered.pk,
        },
    )

    response = signed_in.post("/accounts/delete/", {"delete-password": PASSWORD})

    assert response.status_code == 302 and response["Location"] == "/"
    assert not get_user_model().objects.filter(username="rosa").exists()
    assert "_auth_user_id" not in signed_in.session
    assert "Your account is deleted." in text_of(signed_in.get("/"))
    assert not Subscription.objects.exists()
    answered.refresh_from_db()
    assert answered.deleted is not None
    assert (answered.author_name, answered.author_email, answered.user_id) == (
        ERASED_AUTHOR_NAME,
        "",
        None,
    )
    page = text_of(Client().get(article.url))
    assert "Comment deleted" in page and "Here you are." in page
    assert "Answer me." not in page and "rosa@example.org" not in page


def test_editors_accounts_are_not_deleted_from_the_account_page(django_user_model):
    editor = django_user_model.objects.create_user("ed", "ed@example.org", PASSWORD, is_staff=True)
    client = Client()
    client.force_login(editor)
    assert account_services.EDITORS_DELETED_IN_ADMIN in text_of(client.get("/accounts/"))
    refused = client.post("/accounts/delete/", {"delete-password": PASSWORD})
    assert refused.status_code == 403
    assert django_user_model.objects.filter(pk=editor.pk).exists()


def test_the_times_of_a_readers_comments_are_moments_machines_can_read(signed_in, article, rosa):
    comment_as(rosa, article)
    html = signed_in.get("/accounts/").content.decode()
    assert time_moments(html) and unreadable_time_moments(html) == []
