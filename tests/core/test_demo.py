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
