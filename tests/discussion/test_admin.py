"""The newsroom sees an article's reader comments in the Wagtail admin (WordPress's comment bubble
in the post list): editors read the published ones and how many wait, moderators everything."""

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from masthead.discussion.models import Comment, CommentStatus
from masthead.discussion.services import thread_changed
from tests.factories import make_article, make_section

pytestmark = pytest.mark.django_db

HELD_TEXT = "Call me on 07700 900123, I live at 4 Harbour Row"


def member_of(django_user_model, group: str | None, username: str) -> Client:
    user = django_user_model.objects.create_user(username, f"{username}@example.com", "pw")
    if group:
        user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return client


@pytest.fixture
def editor(django_user_model):
    return member_of(django_user_model, "Editors", "an-editor")


def held(comment) -> Comment:
    Comment.objects.filter(pk=comment.pk).update(status=CommentStatus.PENDING)
    thread_changed(comment.article_id, recount=True)
    return comment


def test_an_editor_reads_an_articles_published_comments_and_how_many_wait(editor, article, post):
    first = post("The footpath should be wider.", name="Dana")
    post("Agreed, and lit at night.", name="Sam", parent_id=first.pk)
    held(post(HELD_TEXT, name="Pat"))

    response = editor.get(f"/admin/reader-comments/{article.pk}/")
    assert response.status_code == 200
    html = response.content.decode()
    page = BeautifulSoup(html, "html.parser")
    summary = page.select_one(".reader-comments__summary").get_text(" ", strip=True)
    assert "2 published comments" in summary and "1 awaiting moderation" in summary
    items = page.select(".reader-comments__item")
    # Newest first, each with its author, time and a link to it on the site.
    assert [item.select_one(".reader-comments__author").get_text() for item in items] == [
        "Sam",
        "Dana",
    ]
    assert "in reply to Dana" in items[0].get_text(" ", strip=True)
    assert items[0].find("time")
    assert (
        items[1].select_one(".reader-comments__link a")["href"] == f"/comments/comment/{first.pk}/"
    )
    # The held comment's text (and author) stays with the moderators.
    assert "07700" not in html and "Harbour Row" not in html and "Pat" not in html
    # No decisions here, nor a way into the queue.
    assert "/admin/moderation/" not in html
    assert not page.select("form[action*='moderation']")
    for action in ("Approve", "Spam", "Ban"):
        assert f">{action}<" not in html


def test_the_editors_page_listing_shows_each_articles_comment_counts(editor, article, post):
    post("The footpath should be wider.")
    post("Agreed.")
    held(post(HELD_TEXT))
    html = editor.get(f"/admin/pages/{article.get_parent().pk}/").content.decode()
    bubble = BeautifulSoup(html, "html.parser").select_one(
        f"a[href='/admin/reader-comments/{article.pk}/']"
    )
    assert bubble.get_text(" ", strip=True) == "2 comments · 1 waiting"


def test_the_article_editors_header_links_to_its_comments(editor, article, post):
    post("The footpath should be wider.")
    html = editor.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    link = BeautifulSoup(html, "html.parser").select_one(
        f"a[href='/admin/reader-comments/{article.pk}/']"
    )
    assert link.get_text(" ", strip=True) == "Readers’ comments (1 comment)"


def test_a_moderator_sees_every_comment_and_a_link_to_the_articles_queue(
    django_user_model, article, post
):
    post("The footpath should be wider.")
    held(post(HELD_TEXT))
    held(post("Earn $500 a day: https://easy-cash.example/start"))
    moderator = member_of(django_user_model, "Comment moderators", "a-moderator")
    html = moderator.get(f"/admin/reader-comments/{article.pk}/").content.decode()
    assert HELD_TEXT in html and "Awaiting moderation" in html
    assert f"/admin/moderation/?queue=pending&amp;article={article.pk}" in html


ADDRESSES_AND_A_LINK = (
    "Write to winner@prize-desk.com or [claim here](mailto:claims@prize-desk.com), "
    "call <tel:+441234567> and read https://www.gov.uk/guidance today"
)


@pytest.mark.parametrize("status", [CommentStatus.PENDING, CommentStatus.PUBLISHED])
def test_the_reader_comments_page_shows_links_as_the_moderation_queue_does(
    django_user_model, article, post, status
):
    """One rule for a comment staff read in the admin, here as in the queue: an e-mail address or
    phone link is text (no stray click mails a spammer), a web link opens apart in a new tab."""
    comment = post(ADDRESSES_AND_A_LINK)
    Comment.objects.filter(pk=comment.pk).update(status=status)
    thread_changed(comment.article_id, recount=True)
    moderator = member_of(django_user_model, "Comment moderators", "a-moderator")
    html = moderator.get(f"/admin/reader-comments/{article.pk}/").content.decode()
    body = BeautifulSoup(html, "html.parser").select_one(f"#comment-{comment.pk}")
    body = body.select_one(".reader-comments__body")
    assert "winner@prize-desk.com" in body.get_text() and "claim here" in body.get_text()
    [link] = body.find_all("a")
    assert link["href"] == "https://www.gov.uk/guidance"
    assert set(link["rel"]) == {"nofollow", "noopener", "noreferrer"}
    assert link["target"] == "_blank"


def test_who_may_neither_edit_nor_moderate_is_turned_away(django_user_model, article, post):
    post("The footpath should be wider.")
    url = f"/admin/reader-comments/{article.pk}/"
    assert Client().get(url).status_code == 302  # to the admin's sign-in
    fundraiser = member_of(django_user_model, "Fundraisers", "a-fundraiser")
    assert fundraiser.get(url).status_code in (302, 403)
    assert "footpath" not in fundraiser.get(url, follow=True).content.decode()


def test_the_page_listing_counts_comments_without_a_query_per_article(editor, post):
    """The section's listing, a search in it and the admin's search across the site: each counts
    the comments of the articles it lists together, so its queries do not grow with them."""
    section = make_section(title="Harbour", slug="harbour")
    listings = [
        f"/admin/pages/{section.pk}/",
        f"/admin/pages/{section.pk}/?q=bridge",
        "/admin/pages/search/?q=bridge",
    ]

    def listing_queries() -> list[int]:
        counted = []
        for url in listings:
            with CaptureQueriesContext(connection) as queries:
                response = editor.get(url)
            assert response.content.decode().count("1 comment · 1 waiting") == articles
            counted.append(len(queries.captured_queries))
        return counted

    def add_article():
        on = make_article(section=section, title="The bridge opens")
        post("A comment.", on=on)
        held(post("Another comment.", on=on))

    articles = 2
    for _ in range(articles):
        add_article()
    few = listing_queries()
    for _ in range(5):
        add_article()
    articles += 5
    assert listing_queries() == few


def test_an_articles_comments_come_a_page_at_a_time(editor, article, post, monkeypatch):
    from masthead.discussion.selectors import newsroom

    monkeypatch.setattr(newsroom, "READER_COMMENTS_PER_PAGE", 2)
    for number in range(1, 6):
        post(f"Comment number {number}.", name=f"Reader {number}")
    url = f"/admin/reader-comments/{article.pk}/"
    first = BeautifulSoup(editor.get(url).content, "html.parser")
    authors = [node.get_text() for node in first.select(".reader-comments__author")]
    assert authors == ["Reader 5", "Reader 4"]
    assert "Page 1 of 3" in first.select_one(".reader-comments__pages").get_text()
    last = BeautifulSoup(editor.get(f"{url}?p=3").content, "html.parser")
    assert [node.get_text() for node in last.select(".reader-comments__author")] == ["Reader 1"]
