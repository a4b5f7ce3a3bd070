"""A site that saved a page under the front page with a slug the site's own addresses answer
first (a page "donate", a section "search"), before such slugs were refused, gets the page
renamed by the upgrade's migration: readers reach it, and it can be published again."""

import importlib

import pytest
from django.apps import apps
from wagtail.models import Page, Revision

from masthead.publishing.models import HomePage, InfoPage, SectionPage
from tests.factories import make_article, make_info_page, make_section

pytestmark = pytest.mark.django_db

migration = importlib.import_module(
    "masthead.publishing.migrations.0019_rename_pages_hidden_behind_site_routes"
)


def upgrade():
    migration.rename_pages_hidden_behind_site_routes(apps, None)


def slugged_before_the_rule(page: Page, slug: str) -> None:
    """The page as an old site stored it: its row, its children's and every revision under
    `slug`."""
    old_url_path, url_path = page.url_path, f"{page.get_parent().url_path}{slug}/"
    for row in Page.objects.filter(path__startswith=page.path):
        Page.objects.filter(pk=row.pk).update(
            url_path=url_path + row.url_path[len(old_url_path) :],
            **({"slug": slug} if row.pk == page.pk else {}),
        )
    for revision in Revision.page_revisions.filter(object_id=str(page.pk)):
        revision.content.update(slug=slug, url_path=url_path)
        revision.save(update_fields=["content"])


def test_the_migration_renames_only_what_the_rule_refuses():
    assert set(migration.SITE_ROUTE_SLUGS) <= HomePage.route_slugs()


def test_a_page_hidden_behind_the_donation_form_is_renamed_and_readable(client, newsroom):
    page = make_info_page(title="Ways to give", slug="ways-to-give", home=newsroom["home"])
    slugged_before_the_rule(page, "donate")
    assert "Our mission" not in client.get("/donate/").content.decode()

    upgrade()

    page.refresh_from_db()
    assert page.slug == "donate-2"
    assert "Our mission" in client.get("/donate-2/").content.decode()
    donate = client.get("/donate/")
    assert donate.status_code == 200 and "Our mission" not in donate.content.decode()
    assert page.get_latest_revision().content["slug"] == "donate-2"
    InfoPage.objects.get(pk=page.pk).save_revision().publish()  # no longer refused


def test_a_section_hidden_behind_search_is_renamed_with_its_articles(client, newsroom):
    section = make_section(title="Research", slug="research", home=newsroom["home"])
    article = make_article(section=section, title="Tide tables")
    slugged_before_the_rule(section, "search")

    upgrade()

    assert SectionPage.objects.get(pk=section.pk).url == "/search-2/"
    response = client.get(f"/search-2/{article.slug}/")
    assert response.status_code == 200 and "Tide tables" in response.content.decode()


def test_a_page_readers_reached_at_a_sites_prefix_keeps_its_old_address(client, newsroom):
    """/api/ itself is no address of the API (/api/v1/… are): readers reached a page "api"
    there, and are led to it."""
    page = make_info_page(title="Our API", slug="our-api", home=newsroom["home"])
    slugged_before_the_rule(page, "api")

    upgrade()

    response = client.get("/api/")
    assert response.status_code == 301 and response["Location"].endswith("/api-2/")


def test_the_upgrade_leaves_every_other_page_where_it_was(newsroom):
    before = dict(Page.objects.values_list("pk", "url_path"))
    upgrade()
    assert dict(Page.objects.values_list("pk", "url_path")) == before
