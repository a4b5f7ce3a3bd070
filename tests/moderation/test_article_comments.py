"""A moderator closes an article's comments or changes how they are moderated, from the queue
filtered by that article, without being an editor (as in Coral Talk during a flame war)."""

import json

import pytest
from bs4 import BeautifulSoup
from django.contrib.auth.models import Group
from django.test import Client
from wagtail.models import PageLogEntry

from masthead.discussion.models import CommentStatus, ThreadStats
from masthead.discussion.services import comments as rules
from masthead.moderation.admin_views import NOT_A_MODERATOR
from masthead.moderation.services.articles import COMMENT_SETTINGS_CHANGED, UNKNOWN_MODE
from masthead.moderation.services.assessing import mode_for, moderation_settings_for
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


def test_the_queue_filtered_by_an_article_without_comments_keeps_that_article_chosen(volunteer):
    """The article filter listed only articles with comments: filtered by a quiet one (to close
    it before a flame war starts), the list said "All articles", and pressing Filter to add an
    author or a reason dropped the article and its settings panel."""
    _, client = volunteer
    article = make_article(title="Ferry fares rise again")
    html = client.get(f"/admin/moderation/?article={article.pk}").content.decode()
    chosen = BeautifulSoup(html, "html.parser").select_one("select[name=article] option[selected]")
    assert chosen is not None and chosen["value"] == str(article.pk)
    assert chosen.get_text() == "Ferry fares rise again"


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
    assert "(the moderators’ setting)" in state.get_text()
    override = state.select_one("[data-article-comments-override]").get_text(" ", strip=True)
    assert f"Moderators’ setting, by {moderator.get_username()}" in override
    assert "The article’s own (its editors’): comments open; moderation: As the site's" in override
    assert f"Last changed here by {moderator.get_username()}" in state.get_text(" ")
    changes = state.select_one("[data-article-comments-changes] ul").get_text(" ")
    assert "comments open; moderation: Hold every comment for review" in changes
    entry = PageLogEntry.objects.get(page=article, action=COMMENT_SETTINGS_CHANGED)
    assert entry.user == moderator and entry.data["after"]["comment_moderation"] == "pre_all"


def test_the_page_history_and_the_queue_say_the_same_of_a_settings_change(
    volunteer, django_user_model
):
    """The page's history (Wagtail's, read by editors) and the queue's list of changes word a
    moderator's change alike: both read the log entry's message."""
    _, client = volunteer
    article = make_article()
    change(client, article, open_or_closed="closed", mode="pre_all")
    response = client.post(
        settings_url(article),
        {"clear": "1", "next": f"/admin/moderation/?article={article.pk}"},
        follow=True,
    )
    set_words = (
        "Comment settings set by a moderator, over the page's own: comments closed; "
        "moderation: Hold every comment for review"
    )
    cleared_words = (
        "Moderators' comment settings cleared; the page's own apply: comments open; "
        "moderation: As the site's moderation setting says"
    )
    cleared, made = PageLogEntry.objects.filter(
        page=article, action=COMMENT_SETTINGS_CHANGED
    ).order_by("-pk")
    assert (made.message, cleared.message) == (set_words, cleared_words)

    queue = BeautifulSoup(response.content, "html.parser")
    newest, older = (
        item.get_text(" ", strip=True)
        for item in queue.select("[data-article-comments-changes] li")
    )
    assert newest.endswith(cleared_words) and older.endswith(set_words)

    editor = Client()
    editor.force_login(django_user_model.objects.create_superuser("boss", "b@example.com", "pw"))
    history = editor.get(f"/admin/pages/{article.pk}/history/")
    assert history.status_code == 200
    text = BeautifulSoup(history.content, "html.parser").get_text(" ", strip=True)
    assert set_words in text and cleared_words in text


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


def edit_form_data(editor_client, article) -> dict:
    """What the page editor's form posts, as the editor loaded it (with Wagtail's marks of the
    revision it was loaded from: a stale form is refused when the page changed since)."""
    html = editor_client.get(f"/admin/pages/{article.pk}/edit/").content.decode()
    form = BeautifulSoup(html, "html.parser")
    byline = article.article_authors.first()
    return {
        **{
            name: form.select_one(f"input[name={name}]")["value"]
            for name in ("loaded_revision_id", "loaded_revision_created_at")
        },
        "title": article.title,
        "slug": article.slug,
        "standfirst": "A standfirst the editor rewrote.",
        "article_authors-TOTAL_FORMS": "1",
        "article_authors-INITIAL_FORMS": "1",
        "article_authors-MIN_NUM_FORMS": "1",
        "article_authors-MAX_NUM_FORMS": "1000",
        "article_authors-0-author": str(byline.author_id),
        "article_authors-0-ORDER": "1",
        "article_authors-0-id": str(byline.pk),
        "article_authors-0-DELETE": "",
        "body-count": "1",
        "body-0-type": "paragraph",
        "body-0-order": "0",
        "body-0-deleted": "",
        "body-0-id": "",
        "body-0-value": json.dumps(
            {
                "blocks": [
                    {
                        "key": "a1",
                        "text": "The council met.",
                        "type": "unstyled",
                        "depth": 0,
                        "inlineStyleRanges": [],
                        "entityRanges": [],
                    }
                ],
                "entityMap": {},
            }
        ),
        "tags": "",
        "comments_open": "on"
        if form.select_one("input[name=comments_open]").has_attr("checked")
        else "",
        "comment_moderation": form.select_one("select[name=comment_moderation] option[selected]")[
            "value"
        ],
    }


def settings_in_force(article) -> tuple[bool, str]:
    """Whether readers may comment, and the mode the next comment goes through."""
    article = ArticlePage.objects.get(pk=article.pk)  # as a page view loads it
    return rules.comments_are_open(article), mode_for(article, moderation_settings_for(article))


def test_an_editor_who_had_the_page_open_publishes_and_the_moderators_setting_stays(
    volunteer, django_user_model
):
    """The editor loaded the form before the moderator's change and publishes it: the thread
    stays closed and held (it reopened, the hold dropped, when the change was written into the
    page and its revisions behind the editor's back)."""
    _, editor_client = member_of(django_user_model, "Editors")
    _, client = volunteer
    article = make_article()
    loaded = edit_form_data(editor_client, article)

    change(client, article, open_or_closed="closed", mode="pre_all")

    response = editor_client.post(
        f"/admin/pages/{article.pk}/edit/", {**loaded, "action-publish": "publish"}
    )
    assert response.status_code == 302
    article = ArticlePage.objects.get(pk=article.pk)
    assert article.standfirst == "A standfirst the editor rewrote."  # the editor's publish
    assert settings_in_force(article) == (False, "pre_all")
    with pytest.raises(rules.CommentRefused, match=rules.THREAD_CLOSED):
        post_as_guest(article)


def test_a_moderators_change_leaves_the_page_and_its_revisions_alone(volunteer):
    """The page's own settings and revisions stay as its editors left them (an unpublished
    article's too), so Wagtail's check of a stale editor form keeps working."""
    _, client = volunteer
    article = make_article()
    article.unpublish()
    revisions = list(article.revisions.order_by("pk").values_list("pk", "content"))

    change(client, article, open_or_closed="closed", mode="pre_all")

    article = ArticlePage.objects.get(pk=article.pk)
    assert (article.comments_open, article.comment_moderation) == (True, "")
    assert list(article.revisions.order_by("pk").values_list("pk", "content")) == revisions
    assert settings_in_force(article) == (False, "pre_all")


def test_the_editor_is_told_moderators_have_set_the_comments(volunteer, django_user_model):
    _, editor_client = member_of(django_user_model, "Editors")
    moderator, client = volunteer
    article = make_article()
    edit_url = f"/admin/pages/{article.pk}/edit/"
    assert "data-comment-settings-override" not in editor_client.get(edit_url).content.decode()

    change(client, article, open_or_closed="closed", mode="pre_guests")

    form = BeautifulSoup(editor_client.get(edit_url).content, "html.parser")
    notice = form.select_one("[data-comment-settings-override]").get_text(" ", strip=True)
    assert "Moderators have set this article’s comments" in notice
    assert "comments closed; moderation: Hold comments by guests" in notice
    assert moderator.get_username() in notice and "until a moderator clears it" in notice
    # The editor's own fields still show, and keep, the page's own settings.
    assert form.select_one("input[name=comments_open]").has_attr("checked")


def test_clearing_the_moderators_setting_restores_the_articles_own(volunteer):
    moderator, client = volunteer
    article = make_article()
    ArticlePage.objects.filter(pk=article.pk).update(comment_moderation="pre_all")
    reader = Client()
    change(client, article, open_or_closed="closed", mode="")
    page = reader.get(article.url).content.decode()  # cached, closed
    assert "Comments are closed on this article." in page

    response = client.post(
        settings_url(article),
        {"clear": "1", "next": f"/admin/moderation/?article={article.pk}"},
        follow=True,
    )
    assert any("moderators' comment settings are cleared" in m for m in messages_of(response))
    assert settings_in_force(article) == (True, "pre_all")
    assert post_as_guest(article).status == CommentStatus.PENDING
    page = reader.get(article.url).content.decode()
    assert 'id="comment-form"' in page
    state = BeautifulSoup(response.content, "html.parser").select_one("[data-article-comments]")
    assert "(this article’s own setting)" in state.get_text()
    assert not state.select_one("[data-article-comments-override]")
    entry = PageLogEntry.objects.filter(action=COMMENT_SETTINGS_CHANGED).latest("pk")
    assert entry.user == moderator and entry.data["cleared"] is True
    cleared = [row for row in log_rows(client) if "cleared the moderators' settings" in row]
    assert len(cleared) == 1 and "opened comments" in cleared[0]
    # Nothing left to clear: said so, nothing logged.
    response = client.post(settings_url(article), {"clear": "1"}, follow=True)
    assert any("no moderators' comment settings to clear" in m for m in messages_of(response))
    assert PageLogEntry.objects.filter(action=COMMENT_SETTINGS_CHANGED).count() == 2


def test_clearing_when_there_is_nothing_to_clear_keeps_the_threads_cached_pages(volunteer):
    """With no moderators' settings to clear, the thread's version (the key of its cached
    pages) stays as it was, and a thread without a row gets none."""
    _, client = volunteer
    commented = make_article()
    post_as_guest(commented)
    version = ThreadStats.objects.get(article_id=commented.pk).version
    quiet = make_article()
    for article in (commented, quiet):
        response = client.post(settings_url(article), {"clear": "1"}, follow=True)
        assert any("no moderators' comment settings to clear" in m for m in messages_of(response))
    assert ThreadStats.objects.get(article_id=commented.pk).version == version
    assert not ThreadStats.objects.filter(article_id=quiet.pk).exists()


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
    assert settings_in_force(article)[0] is False


def test_bad_input_is_refused_with_a_clear_message_and_changes_nothing(volunteer):
    _, client = volunteer
    article = make_article()
    response = change(client, article, open_or_closed="closed", mode="hold-everything")
    assert UNKNOWN_MODE in messages_of(response)
    response = client.post(settings_url(article), {"comment_moderation": "pre_all"}, follow=True)
    assert any("open or closed" in message for message in messages_of(response))
    # A form without the mode does not reset it to the site's.
    change(client, article, open_or_closed="open", mode="pre_all")
    response = client.post(settings_url(article), {"comments_open": "closed"}, follow=True)
    assert UNKNOWN_MODE in messages_of(response)
    assert settings_in_force(article) == (True, "pre_all")
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
