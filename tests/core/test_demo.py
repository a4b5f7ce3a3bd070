import json
import re

import pytest
from django.core.management import call_command

from masthead.moderation.models import Decision, DecisionAction
from masthead.publishing import demo
from masthead.publishing.models import ArticlePage, AuthorPage, HomePage, InfoPage, SectionPage

pytestmark = pytest.mark.django_db


def test_demo_content_is_a_credible_site_and_loading_it_again_changes_nothing(
    client, settings, tmp_path
):
    settings.MASTHEAD_HOME = tmp_path
    first = demo.load()
    assert first["articles"] >= 12 and first["sections"] == 3 and first["authors"] >= 3
    assert first["info_pages"] == 2
    counts = (ArticlePage.objects.count(), SectionPage.objects.count(), AuthorPage.objects.count())
    second = demo.load()
    assert second == {"sections": 0, "authors": 0, "articles": 0, "info_pages": 0}
    assert (
        ArticlePage.objects.count(),
        SectionPage.objects.count(),
        AuthorPage.objects.count(),
    ) == counts
    assert HomePage.objects.count() == 1
    # The newsroom's standing pages are linked from every page's footer.
    assert InfoPage.objects.live().count() == 2
    footer = client.get("/").content.decode().split('class="site-footer"')[1]
    assert footer.index(">About us<") < footer.index(">Corrections policy<")

    galleries = sum(
        1 for a in ArticlePage.objects.all() for block in a.body if block.block_type == "gallery"
    )
    videos = sum(
        1 for a in ArticlePage.objects.all() for block in a.body if block.block_type == "video"
    )
    assert galleries >= 2 and videos >= 1
    assert client.get("/").status_code == 200
    article = client.get(ArticlePage.objects.live().first().url)
    assert article.status_code == 200
    # Google's article metadata names the publisher with its logo.
    metadata = json.loads(
        re.search(
            r'<script type="application/ld\+json">(.*?)</script>', article.content.decode(), re.S
        ).group(1)
    )
    logo = metadata["publisher"]["logo"]
    assert logo["url"].endswith(".png") and logo["width"] == 600 and logo["height"] == 60


def test_demo_command_creates_the_admin_once(settings, tmp_path, monkeypatch, capsys):
    from django.contrib.auth import get_user_model

    settings.MASTHEAD_HOME = tmp_path
    monkeypatch.delenv("MASTHEAD_DEMO_PASSWORD", raising=False)
    call_command("demo")
    output = capsys.readouterr().out
    password = (tmp_path / "admin-password.txt").read_text().strip()
    assert f"password {password}" in output
    admin = get_user_model().objects.get(username="admin")
    assert admin.is_superuser and admin.check_password(password)

    monkeypatch.setenv("MASTHEAD_DEMO_PASSWORD", "a-chosen-password")
    call_command("demo")
    admin.refresh_from_db()
    assert admin.check_password("a-chosen-password")
    assert get_user_model().objects.filter(username="admin").count() == 1


def test_demo_command_creates_a_moderator_and_an_editor_in_their_groups_once(
    settings, tmp_path, monkeypatch, capsys
):
    """A newcomer tries each role the product defines, not only the superuser's view."""
    from django.contrib.auth import get_user_model

    settings.MASTHEAD_HOME = tmp_path
    monkeypatch.delenv("MASTHEAD_DEMO_PASSWORD", raising=False)
    call_command("demo")
    output = capsys.readouterr().out
    passwords = {}
    for username, group in [("moderator", "Comment moderators"), ("editor", "Editors")]:
        password_file = tmp_path / f"{username}-password.txt"
        passwords[username] = password_file.read_text().strip()
        assert password_file.stat().st_mode & 0o077 == 0  # only its owner reads it
        assert f"user {username}, password {passwords[username]}" in output
        user = get_user_model().objects.get(username=username)
        assert not user.is_superuser and user.check_password(passwords[username])
        assert [g.name for g in user.groups.all()] == [group]
    assert len(set(passwords.values())) == 2  # each its own

    call_command("demo")  # again: the same accounts, the same passwords, printed again
    output = capsys.readouterr().out
    for username, password in passwords.items():
        assert f"user {username}, password {password}" in output
        assert get_user_model().objects.get(username=username).check_password(password)

    monkeypatch.setenv("MASTHEAD_DEMO_PASSWORD", "a-chosen-password")
    call_command("demo")
    for username in passwords:
        user = get_user_model().objects.get(username=username)
        assert user.check_password("a-chosen-password")
    assert get_user_model().objects.count() == 3


def test_without_its_group_a_demo_account_is_not_made_and_the_command_says_why(
    settings, tmp_path, monkeypatch, capsys
):
    from django.contrib.auth import get_user_model
    from django.contrib.auth.models import Group

    settings.MASTHEAD_HOME = tmp_path
    monkeypatch.delenv("MASTHEAD_DEMO_PASSWORD", raising=False)
    Group.objects.filter(name="Comment moderators").delete()
    call_command("demo")
    assert "there is no “Comment moderators” group" in capsys.readouterr().err
    assert not get_user_model().objects.filter(username="moderator").exists()
    assert not (tmp_path / "moderator-password.txt").exists()
    assert get_user_model().objects.filter(username__in=["admin", "editor"]).count() == 2


def test_demo_command_without_accounts_makes_none(settings, tmp_path):
    from django.contrib.auth import get_user_model

    settings.MASTHEAD_HOME = tmp_path
    call_command("demo", "--no-admin")  # as the benchmarks call it
    assert not get_user_model().objects.exists()


def sign_in(client, username: str, password: str) -> bool:
    """Through the admin's sign-in form, as a newcomer would."""
    response = client.post(
        "/admin/login/", {"username": username, "password": password}, follow=True
    )
    return response.request["PATH_INFO"] == "/admin/"


def may_open(client, url: str) -> bool:
    response = client.get(url, follow=True)
    return response.status_code == 200 and response.request["PATH_INFO"].startswith(url)


def test_the_demo_moderator_works_the_queues_and_the_editor_the_articles_each_only_those(
    settings, tmp_path, monkeypatch
):
    from django.test import Client

    settings.MASTHEAD_HOME = tmp_path
    monkeypatch.delenv("MASTHEAD_DEMO_PASSWORD", raising=False)
    call_command("demo")
    article = ArticlePage.objects.live().first()

    moderator = Client()
    password = (tmp_path / "moderator-password.txt").read_text().strip()
    assert sign_in(moderator, "moderator", password)
    for allowed in (
        "/admin/moderation/",
        "/admin/moderation/decisions/",
        "/admin/moderation/bans/",
        "/admin/settings/moderation/moderationsettings/",  # the filter's settings, by design
    ):
        assert may_open(moderator, allowed), allowed
    for refused in (
        "/admin/users/",
        "/admin/groups/",
        "/admin/settings/funding/fundingsettings/",
        "/admin/settings/discussion/discussionsettings/",
        "/admin/funding/reports/",
        f"/admin/pages/{article.pk}/edit/",
    ):
        assert not may_open(moderator, refused), refused

    editor = Client()
    assert sign_in(editor, "editor", (tmp_path / "editor-password.txt").read_text().strip())
    assert may_open(editor, f"/admin/pages/{article.pk}/edit/")
    for refused in ("/admin/moderation/", "/admin/users/", "/admin/funding/reports/"):
        assert not may_open(editor, refused), refused


def test_the_demo_ferry_article_has_comments_on_a_passage(client, settings, tmp_path):
    from masthead.discussion import demo as discussion_demo
    from masthead.discussion.selectors import passage_anchors

    settings.MASTHEAD_HOME = tmp_path
    demo.load()
    discussion_demo.load()
    ferry = ArticlePage.objects.get(slug="winter-ferry-timetable-extended")
    [passage] = passage_anchors(ferry)
    assert passage["found"] and passage["count"] == 2  # the comment and its reply
    assert client.get(ferry.url).status_code == 200


def test_the_demo_shows_an_editors_pick(client, settings, tmp_path):
    from masthead.discussion import demo as discussion_demo
    from masthead.moderation import demo as moderation_demo

    settings.MASTHEAD_HOME = tmp_path
    demo.load()
    discussion_demo.load()
    moderation_demo.load()
    moderation_demo.load()  # again: still one pick
    ferry = ArticlePage.objects.get(slug="winter-ferry-timetable-extended")
    html = client.get(ferry.url).content.decode()
    assert "Editors’ picks" in html
    assert html.count("comment__badge--featured") == 1
    [pick] = Decision.objects.filter(action=DecisionAction.FEATURE)
    assert pick.made_by == "the demo"  # in the moderation log


def test_the_demo_city_section_leads_with_a_pinned_story(client, settings, tmp_path):
    settings.MASTHEAD_HOME = tmp_path
    demo.load()
    demo.load()  # again: still one pin
    city = SectionPage.objects.get(slug="city")
    assert city.pinned_articles.count() == 1
    html = client.get(city.url).content.decode()
    first_card = html.split('class="card', 1)[1].split("</article>", 1)[0]
    assert "kicker--pinned" in first_card and "Station footbridge" in first_card


def test_the_demo_comments_can_be_followed_by_address_in_the_queue(
    admin_client, settings, tmp_path
):
    """The demo's held comments carry an address hash as real comments do (hex, as the queue
    shows "#47b2a87e"), so the moderator's filter by address finds each, and each alone."""
    from bs4 import BeautifulSoup

    from masthead.discussion.models import Comment
    from masthead.moderation import demo as moderation_demo

    settings.MASTHEAD_HOME = tmp_path
    demo.load()
    assert moderation_demo.load() == 3
    comments = list(Comment.objects.filter(reader_key__startswith="demo-moderation"))
    assert len({comment.ip_hash for comment in comments}) == 3
    for comment in comments:
        assert re.fullmatch(r"[0-9a-f]{40}", comment.ip_hash), comment.ip_hash
        queue = comment.status  # awaiting review ("pending"), spam or published
        html = admin_client.get(
            "/admin/moderation/", {"queue": queue, "author": f"#{comment.ip_hash[:8]}"}
        ).content.decode()
        shown = [item["id"] for item in BeautifulSoup(html, "html.parser").select(".mod-item")]
        assert shown == [f"mod-{comment.pk}"], (comment.author_name, queue)
