"""A site that saved a page under a slug its parent answers itself (an article "feed" in a
section, a page "tags" under the front page), before such slugs were refused, gets the page
renamed by the upgrade's migration: readers reach it, and it can be published again."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone
from wagtail.models import Page, Revision

from masthead.publishing.jobs import publish_scheduled_pages
from masthead.publishing.models import ArticlePage, InfoPage
from tests.factories import make_article, make_info_page

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "masthead.publishing.migrations.0018_rename_pages_hidden_behind_routes"
)


def upgrade():
    migration.rename_pages_hidden_behind_routes(apps, None)


def slugged_before_the_rule(page: Page, slug: str) -> None:
    """The page as an old site stored it: its row and every revision under `slug`."""
    parent = page.get_parent()
    url_path = f"{parent.url_path}{slug}/"
    Page.objects.filter(pk=page.pk).update(slug=slug, url_path=url_path)
    for revision in Revision.page_revisions.filter(object_id=str(page.pk)):
        revision.content.update(slug=slug, url_path=url_path)
        revision.save(update_fields=["content"])


def test_an_article_hidden_behind_its_sections_feed_is_renamed_and_readable(client, newsroom):
    world = newsroom["world"]
    hidden = make_article(section=world, title="Feed the city")
    sibling = make_article(section=world, title="Feed two")
    Page.objects.filter(pk=sibling.pk).update(slug="feed-2", url_path=f"{world.url_path}feed-2/")
    slugged_before_the_rule(hidden, "feed")
    assert client.get(f"{world.url}feed/")["Content-Type"].startswith("application/rss+xml")

    upgrade()

    hidden.refresh_from_db()
    assert hidden.slug == "feed-3"
    response = client.get(f"{world.url}feed-3/")
    assert response.status_code == 200
    assert "Feed the city" in response.content.decode()
    assert client.get(f"{world.url}feed/")["Content-Type"].startswith("application/rss+xml")
    assert hidden.get_latest_revision().content["slug"] == "feed-3"


def test_a_scheduled_revision_of_a_hidden_article_is_published_after_the_upgrade(newsroom):
    world = newsroom["world"]
    hidden = make_article(section=world, title="Ferry timetable", publish=False)
    slugged_before_the_rule(hidden, "feed")
    Revision.objects.filter(pk=hidden.get_latest_revision().pk).update(
        approved_go_live_at=timezone.now() - timedelta(minutes=1)
    )

    upgrade()
    publish_scheduled_pages()

    article = ArticlePage.objects.get(pk=hidden.pk)
    assert article.live and article.slug == "feed-2"


def test_a_page_at_tags_is_renamed_and_its_old_address_leads_to_it(client, newsroom):
    page = make_info_page(title="Tags explained", slug="tags-explained", home=newsroom["home"])
    slugged_before_the_rule(page, "tags")

    upgrade()

    page.refresh_from_db()
    assert page.slug == "tags-2"
    assert client.get("/tags-2/").status_code == 200
    response = client.get("/tags/")
    assert response.status_code == 301 and response["Location"].endswith("/tags-2/")
    assert InfoPage.objects.get(pk=page.pk).url == "/tags-2/"


def test_the_upgrade_leaves_every_other_page_where_it_was(newsroom):
    before = dict(Page.objects.values_list("pk", "url_path"))
    upgrade()
    assert dict(Page.objects.values_list("pk", "url_path")) == before


def test_a_scheduled_revision_that_cannot_be_published_does_not_hold_back_the_others(
    newsroom, caplog
):
    """Wagtail's publish_scheduled stops at the first refusal: one page saved before a rule
    (here, before the upgrade renamed it) kept every embargoed story due after it offline."""
    world = newsroom["world"]
    legacy = make_article(section=world, title="Our feed")
    slugged_before_the_rule(legacy, "feed")
    legacy.refresh_from_db()
    legacy.standfirst = "Corrected."
    correction = legacy.save_revision(clean=False)
    Revision.objects.filter(pk=correction.pk).update(
        approved_go_live_at=timezone.now() - timedelta(minutes=2)
    )
    embargoed = make_article(section=world, title="Budget story", publish=False)
    Revision.objects.filter(pk=embargoed.get_latest_revision().pk).update(
        approved_go_live_at=timezone.now() - timedelta(minutes=1)
    )

    publish_scheduled_pages()

    assert ArticlePage.objects.get(pk=embargoed.pk).live
    correction.refresh_from_db()
    assert correction.approved_go_live_at is None  # not tried again every minute
    assert ArticlePage.objects.get(pk=legacy.pk).standfirst != "Corrected."
    assert "Scheduled revision not published" in caplog.text
