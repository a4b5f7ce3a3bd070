"""A page may not take a slug its parent answers itself (a section's feed/, the front page's
tags/): readers would get the feed or a tag page instead of it. Refused however the page gets
there: the editor, Wagtail's copy and move, and the services."""

from html import unescape

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
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
    assert HomePage.route_slugs() == {"tags"}
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
