"""Editors pin articles to the top of a section (WordPress's "sticky" posts)."""

import re
from datetime import timedelta

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone

from masthead.publishing import selectors
from masthead.publishing.forms import PIN_OUTSIDE_SECTION, PIN_TWICE
from masthead.publishing.models import ArticlePage, SectionPinnedArticle
from tests.factories import make_article

pytestmark = pytest.mark.django_db


def pin(section, *articles):
    """Pin `articles` to `section` in this order and publish it, as its editor does."""
    section = type(section).objects.get(pk=section.pk)
    section.pinned_articles = [
        SectionPinnedArticle(article=article, sort_order=position)
        for position, article in enumerate(articles)
    ]
    section.save_revision().publish()


def headlines(html: str) -> list[str]:
    soup = BeautifulSoup(html, "html.parser")
    return [h.get_text(strip=True) for h in soup.select(".card-grid .card__headline")]


def test_pinned_articles_lead_their_section_in_the_editors_order_and_keep_their_dates(
    client, newsroom
):
    world = newsroom["world"]
    election, ferry = newsroom["articles"]["election"], newsroom["articles"]["ferry"]
    older = make_article(
        section=world, title="Harbour wall repaired", published=timezone.now() - timedelta(days=9)
    )
    dates = {
        a.pk: (a.first_published_at, a.last_published_at)
        for a in ArticlePage.objects.filter(pk__in=[election.pk, older.pk])
    }
    assert headlines(client.get("/world/").content.decode()) == [
        "Ferry service extended",
        "Council election results",
        "Harbour wall repaired",
    ]

    pin(world, older, election)

    # First, in the order chosen, and not again below; the page cached before is not served.
    assert headlines(client.get("/world/").content.decode()) == [
        "Harbour wall repaired",
        "Council election results",
        "Ferry service extended",
    ]
    assert ferry.pk not in dates
    assert {
        a.pk: (a.first_published_at, a.last_published_at)
        for a in ArticlePage.objects.filter(pk__in=dates)
    } == dates


def test_an_unpinned_article_goes_back_to_its_place(client, newsroom):
    world = newsroom["world"]
    pin(world, newsroom["articles"]["election"])
    assert headlines(client.get("/world/").content.decode())[0] == "Council election results"
    pin(world)
    assert headlines(client.get("/world/").content.decode()) == [
        "Ferry service extended",
        "Council election results",
    ]


def test_a_pinned_article_is_listed_only_while_it_is_live(client, newsroom):
    world, election = newsroom["world"], newsroom["articles"]["election"]
    draft = make_article(section=world, title="Draft investigation", publish=False)
    pin(world, draft, election)
    html = client.get("/world/").content.decode()
    assert headlines(html) == ["Council election results", "Ferry service extended"]

    ArticlePage.objects.get(pk=election.pk).unpublish()
    html = client.get("/world/").content.decode()
    assert headlines(html) == ["Ferry service extended"]
    assert client.get(election.url).status_code == 404


def test_a_pinned_draft_of_the_section_changes_nothing_until_it_is_published(client, newsroom):
    world = type(newsroom["world"]).objects.get(pk=newsroom["world"].pk)
    world.pinned_articles = [SectionPinnedArticle(article=newsroom["articles"]["election"])]
    world.save_revision()  # saved as a draft, as "Save draft" does
    assert headlines(client.get("/world/").content.decode())[0] == "Ferry service extended"


def test_pinned_articles_are_on_the_first_page_only_and_every_article_is_listed_once(
    client, newsroom
):
    world = newsroom["world"]
    now = timezone.now()
    for number in range(selectors.ARTICLES_PER_PAGE + 2):
        make_article(
            section=world, title=f"Filler story {number}", published=now - timedelta(minutes=number)
        )
    election = newsroom["articles"]["election"]  # the oldest: last on page 2 before
    pin(world, election)
    first = headlines(client.get("/world/").content.decode())
    second = headlines(client.get("/world/?page=2").content.decode())
    assert first[0] == "Council election results"
    assert "Council election results" not in second
    listed = first + second
    assert len(listed) == len(set(listed)) == ArticlePage.objects.child_of(world).live().count()
    assert "Page 2 of 2" in client.get("/world/?page=2").content.decode()


def test_the_front_page_shows_a_sections_pinned_articles_first(client, newsroom):
    world = newsroom["world"]
    now = timezone.now()
    for number in range(selectors.SECTION_TEASERS):
        make_article(
            section=world, title=f"World {number}", published=now - timedelta(minutes=number)
        )
    election = newsroom["articles"]["election"]  # too old for the section's four newest
    client.get("/")
    pin(world, election)
    teasers = dict(selectors.section_teasers(newsroom["home"]))
    world_teasers = [article.title for article in teasers[world]]
    assert world_teasers == ["Council election results", "World 0", "World 1", "World 2"]
    assert [article.title for article in teasers[newsroom["science"]]] == ["New telescope opens"]

    html = client.get("/").content.decode()
    world_box = html.split('href="/world/">World</a></h2>', 1)[1].split("</section>", 1)[0]
    assert re.findall(r'card__headline"><a [^>]*>([^<]+)<', world_box) == world_teasers


def test_the_sections_feed_stays_newest_first(client, newsroom):
    world = newsroom["world"]
    pin(world, newsroom["articles"]["election"])
    feed = client.get("/world/feed/").content.decode()
    titles = re.findall(r"<item><title>([^<]+)</title>", feed)
    assert titles == ["Ferry service extended", "Council election results"]


def test_a_pinned_listing_costs_no_more_queries_than_an_unpinned_one(
    client, newsroom, django_assert_max_num_queries
):
    from django.core.cache import cache

    from masthead.publishing import page_cache

    def rendered_afresh(url):
        cache.clear()
        page_cache.forget_versions()
        return client.get(url)

    for url in ("/world/", "/"):
        rendered_afresh(url)  # warm renditions
    with django_assert_max_num_queries(40) as world_before:
        rendered_afresh("/world/")
    with django_assert_max_num_queries(40) as home_before:
        rendered_afresh("/")
    pin(newsroom["world"], newsroom["articles"]["election"], newsroom["articles"]["ferry"])
    with django_assert_max_num_queries(len(world_before.captured_queries)):
        assert headlines(rendered_afresh("/world/").content.decode())[0] == (
            "Council election results"
        )
    with django_assert_max_num_queries(len(home_before.captured_queries)):
        rendered_afresh("/")


def section_form_data(section, *articles, **extra) -> dict:
    data = {
        "title": section.title,
        "slug": section.slug,
        "description": section.description,
        "pinned_articles-TOTAL_FORMS": str(len(articles)),
        "pinned_articles-INITIAL_FORMS": "0",
        "pinned_articles-MIN_NUM_FORMS": "0",
        "pinned_articles-MAX_NUM_FORMS": "1000",
        "action-publish": "action-publish",
    }
    for index, article in enumerate(articles):
        data.update(
            {
                f"pinned_articles-{index}-article": str(article.pk),
                f"pinned_articles-{index}-ORDER": str(index + 1),
                f"pinned_articles-{index}-id": "",
                f"pinned_articles-{index}-DELETE": "",
            }
        )
    return {**data, **extra}


def test_an_editor_pins_and_orders_articles_in_the_section_editor(admin_client, client, newsroom):
    world = newsroom["world"]
    election, ferry = newsroom["articles"]["election"], newsroom["articles"]["ferry"]
    edit = f"/admin/pages/{world.pk}/edit/"
    assert "Pinned articles" in admin_client.get(edit).content.decode()
    response = admin_client.post(edit, section_form_data(world, election, ferry))
    assert response.status_code == 302, response.content.decode()[:3000]
    assert headlines(client.get("/world/").content.decode()) == [
        "Council election results",
        "Ferry service extended",
    ]


def test_pinning_another_sections_article_or_one_twice_is_refused_with_the_reason(
    admin_client, newsroom
):
    world = newsroom["world"]
    telescope, election = newsroom["articles"]["telescope"], newsroom["articles"]["election"]
    edit = f"/admin/pages/{world.pk}/edit/"
    response = admin_client.post(edit, section_form_data(world, telescope))
    assert response.status_code == 200
    message = PIN_OUTSIDE_SECTION.format(article="New telescope opens", section="Science")
    assert message in response.content.decode()
    response = admin_client.post(edit, section_form_data(world, election, election))
    assert response.status_code == 200
    assert PIN_TWICE.format(article="Council election results") in response.content.decode()
    assert not SectionPinnedArticle.objects.filter(page=world).exists()


def test_a_pinned_story_says_so_on_its_section_and_the_front_page_only(client, newsroom):
    world = newsroom["world"]
    election = newsroom["articles"]["election"]
    pin(world, election)

    def pinned_cards(path: str) -> list[str]:
        soup = BeautifulSoup(client.get(path).content.decode(), "html.parser")
        return [
            card.select_one(".card__headline").get_text(strip=True)
            for card in soup.select("article.card")
            if card.select_one(".kicker--pinned")
        ]

    # An older date on top is explained where the pin puts it there...
    assert pinned_cards("/world/") == ["Council election results"]
    assert pinned_cards("/") == ["Council election results"]
    # ...and nowhere the listing is in date order.
    found = client.get(f"/search/?q={election.title}").content.decode()
    assert "Council election results" in found and "kicker--pinned" not in found


def pinned_in_editor(admin_client, section) -> list[str]:
    """The articles the section's editor shows as pinned, as the editor opens it."""
    soup = BeautifulSoup(
        admin_client.get(f"/admin/pages/{section.pk}/edit/").content.decode(), "html.parser"
    )
    total = int(soup.select_one('input[name="pinned_articles-TOTAL_FORMS"]')["value"])
    chosen = [
        soup.select_one(f'input[name="pinned_articles-{index}-article"]') for index in range(total)
    ]
    return [
        ArticlePage.objects.get(pk=field["value"]).title
        for field in chosen
        if field is not None and field.get("value")
    ]


def publish_as_shown(admin_client, section):
    """Publish the section with its pins as its editor shows them, touching nothing."""
    edit = f"/admin/pages/{section.pk}/edit/"
    soup = BeautifulSoup(admin_client.get(edit).content.decode(), "html.parser")
    data = section_form_data(section)
    for field in soup.select('input[name^="pinned_articles-"]'):
        if "__prefix__" not in field["name"]:
            data[field["name"]] = field.get("value", "")
    return admin_client.post(edit, data)


def test_an_article_moved_to_another_section_leaves_its_pin_behind(admin_client, client, newsroom):
    world, science = newsroom["world"], newsroom["science"]
    election, ferry = newsroom["articles"]["election"], newsroom["articles"]["ferry"]
    pin(world, election, ferry)
    assert pinned_in_editor(admin_client, world) == [
        "Council election results",
        "Ferry service extended",
    ]

    response = admin_client.post(f"/admin/pages/{election.pk}/move/{science.pk}/confirm/")
    assert response.status_code == 302

    # World's pins are what is left: in its editor, its rows, its page; nothing pinned in Science.
    assert pinned_in_editor(admin_client, world) == ["Ferry service extended"]
    assert list(
        SectionPinnedArticle.objects.filter(page=world).values_list("article__title", flat=True)
    ) == ["Ferry service extended"]
    assert headlines(client.get("/world/").content.decode()) == ["Ferry service extended"]
    assert "kicker--pinned" not in client.get("/science/").content.decode()
    assert pinned_in_editor(admin_client, science) == []

    # World's editor publishes the section as it opens, without being told to unpin anything.
    response = publish_as_shown(admin_client, world)
    assert response.status_code == 302, response.content.decode()[:3000]

    # Moved back, the story is not pinned again behind the editor's back.
    response = admin_client.post(f"/admin/pages/{election.pk}/move/{world.pk}/confirm/")
    assert response.status_code == 302
    assert pinned_in_editor(admin_client, world) == ["Ferry service extended"]
    assert headlines(client.get("/world/").content.decode()) == [
        "Ferry service extended",
        "Council election results",
    ]


def test_a_move_outside_the_editor_unpins_the_story_at_once(admin_client, client, newsroom):
    """Pages moved by code (an import, a script, the API's move) lose their pins as the admin's
    move does: the row goes at once, not when the section is next published, so the story is
    not pinned again if it moves back."""
    world, science = newsroom["world"], newsroom["science"]
    election, ferry = newsroom["articles"]["election"], newsroom["articles"]["ferry"]
    pin(world, election, ferry)
    ArticlePage.objects.get(pk=election.pk).move(science, pos="last-child")

    assert list(
        SectionPinnedArticle.objects.filter(page=world).values_list("article__title", flat=True)
    ) == ["Ferry service extended"]
    assert pinned_in_editor(admin_client, world) == ["Ferry service extended"]

    ArticlePage.objects.get(pk=election.pk).move(world, pos="last-child")
    assert headlines(client.get("/world/").content.decode()) == [
        "Ferry service extended",
        "Council election results",
    ]
    response = publish_as_shown(admin_client, world)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert pinned_in_editor(admin_client, world) == ["Ferry service extended"]


def copy_in_admin(admin_client, section, *, with_articles: bool):
    data = {
        "new_title": f"{section.title} copy",
        "new_slug": f"{section.slug}-copy",
        "new_parent_page": str(section.get_parent().pk),
    }
    if with_articles:
        data.update(copy_subpages="on", publish_copies="on")
    response = admin_client.post(f"/admin/pages/{section.pk}/copy/", data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return type(section).objects.get(slug=f"{section.slug}-copy")


def test_a_copy_of_a_section_without_its_articles_pins_nothing(admin_client, newsroom):
    world = newsroom["world"]
    election, ferry = newsroom["articles"]["election"], newsroom["articles"]["ferry"]
    pin(world, election, ferry)

    copy = copy_in_admin(admin_client, world, with_articles=False)

    assert not SectionPinnedArticle.objects.filter(page=copy).exists()
    assert pinned_in_editor(admin_client, copy) == []
    assert not copy.latest_revision.content.get("pinned_articles")
    # The original keeps its pins.
    assert pinned_in_editor(admin_client, world) == [election.title, ferry.title]


def test_a_copy_of_a_section_with_its_articles_pins_their_copies_in_the_same_order(
    admin_client, client, newsroom
):
    world = newsroom["world"]
    election, ferry = newsroom["articles"]["election"], newsroom["articles"]["ferry"]
    pin(world, election, ferry)

    copy = copy_in_admin(admin_client, world, with_articles=True)

    pinned = SectionPinnedArticle.objects.filter(page=copy).order_by("sort_order")
    copies = set(ArticlePage.objects.child_of(copy).values_list("pk", flat=True))
    assert [pin.article_id in copies for pin in pinned] == [True, True]
    assert [pin.article.title for pin in pinned] == [election.title, ferry.title]
    assert pinned_in_editor(admin_client, copy) == [election.title, ferry.title]
    assert headlines(client.get(copy.url).content.decode()) == [election.title, ferry.title]
    response = publish_as_shown(admin_client, copy)
    assert response.status_code == 302, response.content.decode()[:3000]
    assert pinned_in_editor(admin_client, copy) == [election.title, ferry.title]
