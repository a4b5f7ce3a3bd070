"""A moderator closes an article's comments or changes how they are moderated, from the queue
filtered by that article, without being an editor (as in Coral Talk during a flame war)."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import PageLogEntry

from masthead.discussion.models import CommentStatus
from masthead.discussion.services import comments as rules
from masthead.moderation.admin_views import NOT_A_MODERATOR
from masthead.moderation.services.articles import COMMENT_SETTINGS_CHANGED, UNKNOWN_MODE
from masthead.publishing.models import ArticlePage
from tests.discussion.conftest import guest
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def member_of(django_user_model, group: str):
    user = django_user_model.objects.create_user(
        group.lower().replace(" ", "-"), f"{group.replace(' ', '')}@example.com", "pw"
    )
    user.groups.add(Group.objects.get(name=group))
    client = Client()
    client.force_login(user)
    return user, client


@pytest.fixture
def volunteer(django_user_model):
    """A member of "Comment moderators": the queues, no page editing (the demo's `moderator`)."""
    return member_of(django_user_model, "Comment moderators")


def settings_url(article) -> str:
    return f"/admin/moderation/article/{article.pk}/comments/"


def change(client, article, *, open_or_closed="open", mode="", follow=True):
    return client.post(
        settings_url(article),
        {
            "comments_open": open_or_closed,
            "comment_moderation": mode,
            "next": f"/admin/moderation/?article={article.pk}",
        },
        follow=follow,
    )


def messages_of(response) -> list[str]:
    return [str(message) for message in response.context["messages"]]


def post_as_guest(article, body="A calm comment about the bridge."):
    return rules.comment_post(
        article=ArticlePage.objects.get(pk=article.pk),  # as the comment form loads it
        reader=guest(),
        body=body,
        author_name="Guest",
        author_email="guest@example.com",
    )


def test_the_article_filtered_queue_shows_its_comment_settings_with_a_form(volunteer):
    _, client = volunteer
    article = make_article(title="Ferry fares rise again")
    html = client.get(f"/admin/moderation/?article={article.pk}").content.decode()
    section = BeautifulSoup(html, "html.parser").select_one("[data-article-comments]")
    state = section.select_one("[data-article-comments-state]").get_text(" ", strip=True)
    assert "Ferry fares rise again" in section.get_text()
    assert "Comments are open" in state and "(the site’s setting)" in state
    form = section.form
    assert form["method"] == "post" and form["action"] == settings_url(article)
    assert form.select_one("input[name=csrfmiddlewaretoken]")
    assert form.select_one("input[name=comments_open][value=open]").has_attr("checked")
    # Unfiltered, the queue is about no one article: no form, but each comment leads there.
    post_as_guest(article)
    unfiltered = client.get("/admin/moderation/?queue=published").content.decode()
    assert "data-article-comments" not in unfiltered
    assert f'href="?queue=published&amp;article={article.pk}"' in unfiltered


def test_a_moderator_holds_every_comment_and_the_next_guest_comment_waits(volunteer):
    moderator, client = volunteer
    article = make_article()
    assert post_as_guest(article).status == CommentStatus.PUBLISHED

    response = change(client, article, mode="pre_all")
    assert response.status_code == 200
    assert any("Hold every comment for review" in message for message in messages_of(response))
    assert post_as_guest(article, "Another calm comment.").status == CommentStatus.PENDING

    state = BeautifulSoup(response.content, "html.parser").select_one("[data-article-comments]")
    assert "Hold every comment for review" in state.get_text()
    assert "(this article’s own setting)" in state.get_text()
    assert f"Last changed here by {moderator.get_username()}" in state.get_text(" ")
    changes = state.select_one("[data-article-comments-changes] ul").get_text(" ")
    assert "comments open; moderation: Hold every comment for review" in changes
    entry = PageLogEntry.objects.get(page=article, action=COMMENT_SETTINGS_CHANGED)
    assert entry.user == moderator and entry.data["after"]["comment_moderation"] == "pre_all"


def test_a_moderator_closes_comments_and_readers_and_the_api_see_them_closed(volunteer):
    _, client = volunteer
    article = make_article()
    reader = Client(enforce_csrf_checks=True)
    page = reader.get(article.url).content.decode()  # now in the page cache with its form
    assert 'id="comment-form"' in page
    token = reader.cookies["csrftoken"].value

    change(client, article, open_or_closed="closed")

    page = reader.get(article.url).content.decode()
    assert "Comments are closed on this article." in page and 'id="comment-form"' not in page
    response = reader.post(
        f"/api/v1/articles/{article.pk}/comments",
        data=json.dumps({"body": "Hi", "author_name": "A", "author_email": "a@example.com"}),
        content_type="application/json",
        HTTP_X_CSRFTOKEN=token,
    )
    assert response.status_code == 403 and response.json()["detail"] == rules.THREAD_CLOSED


def test_an_editors_later_publish_keeps_the_moderators_setting(volunteer, django_user_model):
    """Wagtail publishes from revisions: the editor's next publish, from the draft saved before
    the moderator's change or from a fresh edit, must not reopen the thread."""
    editor, editor_client = member_of(django_user_model, "Editors")
    _, client = volunteer
    article = make_article()
    draft = article.get_latest_revision_as_object()
    draft.standfirst = "A standfirst the editor rewrote before the flame war."
    draft.save_revision(user=editor)

    change(client, article, open_or_closed="closed", mode="pre_guests")

    # The editor opens the page editor: it shows the moderator's settings.
    form = BeautifulSoup(
        editor_client.get(f"/admin/pages/{article.pk}/edit/").content, "html.parser"
    )
    assert not form.select_one("input[name=comments_open]").has_attr("checked")
    assert form.select_one("select[name=comment_moderation] option[selected]")["value"] == (
        "pre_guests"
    )
    # ...and publishes the draft (the editor's form starts from the latest revision).
    draft = ArticlePage.objects.get(pk=article.pk).get_latest_revision_as_object()
    draft.save_revision(user=editor).publish(user=editor)

    article = ArticlePage.objects.get(pk=article.pk)
    assert article.standfirst.startswith("A standfirst the editor rewrote")
    assert (article.comments_open, article.comment_moderation) == (False, "pre_guests")


def test_only_moderators_may_change_an_articles_comment_settings(django_user_model, volunteer):
    article = make_article()
    _, editors = member_of(django_user_model, "Editors")
    refused = change(editors, article, open_or_closed="closed", mode="pre_all", follow=False)
    assert refused.status_code == 403 and NOT_A_MODERATOR in refused.content.decode()
    assert Client().post(settings_url(article), {"comments_open": "closed"}).status_code == 302
    article.refresh_from_db()
    assert (article.comments_open, article.comment_moderation) == (True, "")
    assert not PageLogEntry.objects.filter(action=COMMENT_SETTINGS_CHANGED).exists()

    superuser = django_user_model.objects.create_superuser("boss", "boss@example.com", "pw")
    boss = Client()
    boss.force_login(superuser)
    change(boss, article, open_or_closed="closed")
    article.refresh_from_db()
    assert article.comments_open is False


def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(volunteer):
    _, client = volunteer
    article = make_article()
    response = change(client, article, open_or_closed="closed", mode="hold-everything")
    assert UNKNOWN_MODE in messages_of(response)
    response = client.post(settings_url(article), {"comment_moderation": "pre_all"}, follow=True)
    assert any("open or closed" in message for message in messages_of(response))
    article.refresh_from_db()
    assert (article.comments_open, article.comment_moderation) == (True, "")
    assert client.get(settings_url(article)).status_code == 405


def test_saving_the_same_settings_says_so_and_logs_nothing(volunteer):
    _, client = volunteer
    article = make_article()
    response = change(client, article, open_or_closed="open", mode="")
    assert any("nothing was changed" in message for message in messages_of(response))
    assert not PageLogEntry.objects.filter(action=COMMENT_SETTINGS_CHANGED).exists()


def log_rows(client, query="") -> list[str]:
    html = client.get(f"/admin/moderation/decisions/{query}").content.decode()
    return [
        row.get_text(" ", strip=True)
        for row in BeautifulSoup(html, "html.parser").select("tbody tr")
    ]


def test_the_decisions_log_lists_a_moderators_comment_settings_change(volunteer):
    moderator, client = volunteer
    article = make_article(title="Harbour wall gives way")
    change(client, article, open_or_closed="closed", mode="pre_all")
    change(client, article, open_or_closed="closed", mode="")

    newest, older = [row for row in log_rows(client) if "comment settings" in row]
    assert moderator.get_username() in newest and "Harbour wall gives way" in newest
    assert (
        "moderation: Hold every comment for review → As the site's moderation setting says"
        in newest
    )
    assert "closed comments" not in newest  # it stayed closed
    assert "closed comments; moderation: As the site's moderation setting says → Hold every" in (
        older
    )
    # Filtered by moderator like the decisions: theirs alone.
    username = moderator.get_username()
    assert len([r for r in log_rows(client, f"?moderator={username}") if "comment settings" in r])
    assert not [r for r in log_rows(client, "?moderator=someone-else") if "comment settings" in r]
