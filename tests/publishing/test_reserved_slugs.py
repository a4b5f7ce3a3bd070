"""A page may not take a slug its parent answers itself (a section's feed/, the front page's
tags/, and the site's own addresses, answered before any page under the front page: feed/,
donate/, search/, accounts/…): readers would get the feed or a tag page instead of it. Refused however the page gets
there: the editor, Wagtail's copy and move, and the services."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.urls import include, path, reverse
from wagtail import urls as wagtail_urls
from wagtail.models import Page
from wagtail.rich_text import RichText

from masthead.publishing import services
from masthead.publishing.forms import MOVE_BEHIND_A_ROUTE, SLUG_NAMES_A_ROUTE
from masthead.publishing.models import ArticlePage, HomePage, InfoPage, SectionPage
from tests.factories import make_article

pytestmark = pytest.mark.django_db
BODY = [("paragraph", RichText("<p>What the page says.</p>"))]


def slugged_before_the_rule(page: Page, slug: str) -> Page:
    """A page saved with `slug` before it was refused (the database row, as an old site has it)."""
    Page.objects.filter(pk=page.pk).update(slug=slug)
    page.refresh_from_db()
    return page


def messages_shown(response) -> str:
    return unescape(" ".join(str(message) for message in response.context["messages"]))


def test_the_front_page_reserves_tags_for_its_tag_pages(client, newsroom):
    """/tags/<tag>/ is the front page's: a section slugged "tags" would have every article's
    address answered by a tag page (a 404 without such a tag)."""
    assert "tags" in HomePage.route_slugs()
    assert SectionPage.route_slugs() == {"feed"}
    home = newsroom["home"]
    hidden = services.section_ensure(home=home, slug="tags-2", title="Tags")[0]
    article = make_article(section=hidden, title="Tag teams win")
    slugged_before_the_rule(hidden, "tags")
    assert client.get(f"/tags/{article.slug}/").status_code == 404


def test_a_section_may_not_take_the_address_of_the_tag_pages(admin_client, newsroom):
    home = newsroom["home"]
    response = admin_client.post(
        f"/admin/pages/add/publishing/sectionpage/{home.pk}/",
        {"title": "Tags", "slug": "tags", "description": "", **empty_pins()},
    )
    assert response.status_code == 200
    assert SLUG_NAMES_A_ROUTE.format(
        slug="tags", parent=home.title, path="/tags/", suggestion="tags-2"
    ) in unescape(response.content.decode())
    assert not SectionPage.objects.filter(slug="tags").exists()


def empty_pins() -> dict:
    return {
        "pinned_articles-TOTAL_FORMS": "0",
        "pinned_articles-INITIAL_FORMS": "0",
        "pinned_articles-MIN_NUM_FORMS": "0",
        "pinned_articles-MAX_NUM_FORMS": "1000",
    }


def test_services_refuse_an_article_or_page_behind_a_route(newsroom):
    """article_add (the importers, the demo) and info_page_add checked nothing: an article
    slugged "feed" went live and could never be read."""
    world, ada, home = newsroom["world"], newsroom["ada"], newsroom["home"]
    with pytest.raises(ValidationError) as raised:
        services.article_add(
            section=world, title="Our feed", slug="feed", standfirst="Ours.", body=BODY, author=ada
        )
    refusal = raised.value.message_dict["slug"][0]
    assert "“feed” is taken by World’s own address (/world/feed/)" in refusal
    assert not ArticlePage.objects.filter(slug="feed").exists()
    with pytest.raises(ValidationError) as raised:
        services.info_page_add(home=home, title="Tags", slug="tags", intro="", body=BODY)
    assert "“tags” is taken by" in raised.value.message_dict["slug"][0]
    assert not InfoPage.objects.filter(slug="tags").exists()
    with pytest.raises(ValidationError):
        services.section_ensure(home=home, slug="tags", title="Tags")


def test_copying_an_article_to_the_address_of_a_sections_feed_is_refused(admin_client, newsroom):
    ferry, world = newsroom["articles"]["ferry"], newsroom["world"]
    response = admin_client.post(
        reverse("wagtailadmin_pages:copy", args=[ferry.pk]),
        {"new_title": "Our feed", "new_slug": "feed", "new_parent_page": str(world.pk)},
    )
    assert response.status_code == 200
    assert SLUG_NAMES_A_ROUTE.format(
        slug="feed", parent="World", path="/world/feed/", suggestion="feed-2"
    ) in unescape(response.content.decode())
    assert not ArticlePage.objects.filter(slug="feed").exists()

    response = admin_client.post(
        reverse("wagtailadmin_pages:copy", args=[ferry.pk]),
        {"new_title": "Our feed", "new_slug": "feed-2", "new_parent_page": str(world.pk)},
    )
    assert response.status_code == 302
    assert ArticlePage.objects.filter(slug="feed-2").exists()


def test_moving_an_article_behind_a_sections_feed_is_refused_with_the_fix(admin_client, newsroom):
    """An article slugged "feed" before the rule, moved to another section, would still be
    hidden there: the editor is told to change its slug first."""
    telescope = newsroom["articles"]["telescope"]
    world, science = newsroom["world"], newsroom["science"]
    slugged_before_the_rule(telescope, "feed")
    confirm = reverse("wagtailadmin_pages:move_confirm", args=[telescope.pk, world.pk])
    for response in (admin_client.get(confirm), admin_client.post(confirm)):
        assert response.status_code == 302
        assert response.url == reverse("wagtailadmin_pages:move", args=[telescope.pk])
    shown = messages_shown(admin_client.get(response.url))
    assert (
        MOVE_BEHIND_A_ROUTE.format(
            title="New telescope opens",
            slug="feed",
            parent="World",
            path="/world/feed/",
            suggestion="feed-2",
        )
        in shown
    )
    assert telescope.get_parent().pk == science.pk

    with pytest.raises(ValidationError) as raised:
        services.article_section_set(article=telescope, section=world)
    assert "Change its slug first" in raised.value.message_dict["slug"][0]
    assert ArticlePage.objects.get(pk=telescope.pk).get_parent().pk == science.pk


def test_an_article_keeping_a_slug_taken_by_a_route_is_told_to_change_it(admin_client, newsroom):
    """Saved again (in the editor or by code), an article slugged "feed" before the rule gets the
    same message as a new one."""
    telescope = slugged_before_the_rule(newsroom["articles"]["telescope"], "feed").specific
    with pytest.raises(ValidationError) as raised:
        telescope.save_revision()
    assert "“feed” is taken by Science’s own address" in raised.value.message_dict["slug"][0]


def test_a_bulk_move_behind_a_sections_feed_is_refused_with_the_fix(admin_client, newsroom):
    telescope = newsroom["articles"]["telescope"]
    world, science = newsroom["world"], newsroom["science"]
    slugged_before_the_rule(telescope, "feed")
    response = admin_client.post(
        f"/admin/bulk/wagtailcore/page/move/?id={telescope.pk}", {"chooser": str(world.pk)}
    )
    assert response.status_code == 200
    assert "“New telescope opens” was not moved: its slug “feed” is taken by World’s own " in (
        unescape(response.content.decode())
    )
    assert ArticlePage.objects.get(pk=telescope.pk).get_parent().pk == science.pk

    ferry = newsroom["articles"]["ferry"]
    response = admin_client.post(
        f"/admin/bulk/wagtailcore/page/move/?id={ferry.pk}", {"chooser": str(science.pk)}
    )
    assert response.status_code == 302
    assert ArticlePage.objects.get(pk=ferry.pk).get_parent().pk == science.pk


# The site's own addresses (masthead/urls.py), answered before Wagtail looks for a page.
SITE_ROUTES = ["feed", "donate", "search", "comments", "accounts", "moderation", "admin", "api"]


def test_the_front_page_reserves_the_first_part_of_each_of_the_sites_own_addresses():
    """Read from the URLconf, up to Wagtail's catch-all: the addresses of static files and
    uploads too (served before it); not "sitemap.xml" or "robots.txt", which hide no page."""
    reserved = HomePage.route_slugs()
    assert reserved >= {*SITE_ROUTES, "tags", "documents", "static", "media"}
    assert not reserved & {"sitemap.xml", "sitemap", "robots", "news-sitemap.xml", ""}
    assert SectionPage.route_slugs() == {"feed"}  # a section's children are not at the root


@pytest.mark.parametrize("slug", SITE_ROUTES)
def test_a_page_under_the_front_page_may_not_take_one_of_the_sites_addresses(newsroom, slug):
    """info_page_add(slug="donate") was accepted: the page at /donate/ showed the donation form
    to everyone who followed its link, and the page itself to no one."""
    home = newsroom["home"]
    with pytest.raises(ValidationError) as raised:
        services.info_page_add(home=home, title=slug.title(), slug=slug, intro="", body=BODY)
    assert raised.value.message_dict["slug"] == [
        SLUG_NAMES_A_ROUTE.format(
            slug=slug, parent=home.title, path=f"/{slug}/", suggestion=f"{slug}-2"
        )
    ]
    with pytest.raises(ValidationError):
        services.section_ensure(home=home, slug=slug, title=slug.title())
    assert not Page.objects.filter(slug=slug).exists()

    page = services.info_page_add(
        home=home, title=slug.title(), slug=f"{slug}-2", intro="", body=BODY
    )
    assert page.url == f"/{slug}-2/"


def test_a_section_slugged_feed_before_the_rule_shows_the_sites_feed_instead(client, newsroom):
    """What readers got: the site's RSS feed, never the section."""
    section = services.section_ensure(home=newsroom["home"], slug="feed-2", title="Feed")[0]
    slugged_before_the_rule(section, "feed")
    response = client.get("/feed/")
    assert not response["Content-Type"].startswith("text/html")
    with pytest.raises(ValidationError) as raised:
        section.specific.save_revision()
    assert "“feed” is taken by" in raised.value.message_dict["slug"][0]
    assert "such as “feed-2”" in raised.value.message_dict["slug"][0]


def test_the_editor_refuses_a_page_at_a_sites_address_naming_a_free_one(admin_client, newsroom):
    home = newsroom["home"]
    services.info_page_add(home=home, title="How to give", slug="donate-2", intro="", body=BODY)
    response = admin_client.post(
        f"/admin/pages/add/publishing/infopage/{home.pk}/",
        {"title": "Donate", "slug": "donate", "intro": "", "body-count": "0", "schema_type": ""},
    )
    assert response.status_code == 200
    assert SLUG_NAMES_A_ROUTE.format(
        slug="donate", parent=home.title, path="/donate/", suggestion="donate-3"
    ) in unescape(response.content.decode())
    assert not InfoPage.objects.filter(slug="donate").exists()


def test_copying_a_page_to_a_sites_address_is_refused(admin_client, newsroom):
    home = newsroom["home"]
    about = services.info_page_add(home=home, title="About", slug="about", intro="", body=BODY)
    response = admin_client.post(
        reverse("wagtailadmin_pages:copy", args=[about.pk]),
        {"new_title": "Search tips", "new_slug": "search", "new_parent_page": str(home.pk)},
    )
    assert response.status_code == 200
    assert SLUG_NAMES_A_ROUTE.format(
        slug="search", parent=home.title, path="/search/", suggestion="search-2"
    ) in unescape(response.content.decode())
    assert not InfoPage.objects.filter(slug="search").exists()


def test_a_page_given_a_free_slug_under_the_front_page_avoids_the_sites_addresses(newsroom):
    """The slug a new page is given (an author index, an autosaved draft, an import)."""
    from masthead.publishing.selectors import free_child_slug

    home, world = newsroom["home"], newsroom["world"]
    assert free_child_slug(parent=home, slug="accounts") == "accounts-2"
    assert free_child_slug(parent=home, slug="about") == "about"
    assert free_child_slug(parent=world, slug="donate") == "donate"  # /world/donate/ is free


# A URLconf with an address of its own before Wagtail's pages and one after them.
urlpatterns = [
    path("newsletter/", lambda request: HttpResponse("Sign up")),
    path("", include(wagtail_urls)),
    path("after-pages/", lambda request: HttpResponse("Never")),
]


def test_the_reserved_slugs_follow_the_urlconf(settings, newsroom):
    settings.ROOT_URLCONF = __name__
    reserved = HomePage.route_slugs()
    assert "newsletter" in reserved
    assert "after-pages" not in reserved  # Wagtail's catch-all answers first
    assert "donate" not in reserved
    with pytest.raises(ValidationError):
        services.info_page_add(
            home=newsroom["home"], title="News", slug="newsletter", intro="", body=BODY
        )
