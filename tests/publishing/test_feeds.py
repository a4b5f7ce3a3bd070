"""The feeds of a tag's and an author's articles, and feeds answering each request alone."""

import re
import xml.etree.ElementTree as ET
from unittest import mock

import pytest
from django.core.cache import cache
from wagtail.models import PageViewRestriction, Site

from masthead.publishing.feeds import SiteFeed, article_guid
from tests.factories import make_article

pytestmark = pytest.mark.django_db
ATOM = "{http://www.w3.org/2005/Atom}"


@pytest.fixture
def hidden_articles(newsroom):
    """A draft and an article behind a password, both by Ada and tagged "transport"."""
    draft = make_article(
        section=newsroom["world"],
        title="Draft about ferries",
        authors=[newsroom["ada"]],
        tags=["transport"],
        publish=False,
    )
    private = make_article(
        section=newsroom["world"],
        title="Private ferry memo",
        authors=[newsroom["ada"]],
        tags=["transport"],
    )
    PageViewRestriction.objects.create(
        page=private, restriction_type=PageViewRestriction.PASSWORD, password="staff"
    )
    cache.clear()  # feeds are cached pages
    return [draft, private]


def rss_items(client, url) -> list:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    return ET.fromstring(response.content).find("channel").findall("item")


def atom_entries(client, url) -> list:
    response = client.get(url)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/atom+xml")
    return ET.fromstring(response.content).findall(f"{ATOM}entry")


def test_a_tags_feed_lists_its_live_public_articles_newest_first(client, newsroom, hidden_articles):
    ferry = newsroom["articles"]["ferry"]
    items = rss_items(client, "/tags/transport/feed/")
    assert [item.findtext("title") for item in items] == [
        "Ferry service extended",
        "Council election results",
    ]
    first = items[0]
    assert first.findtext("link") == "http://testserver" + ferry.url
    assert first.findtext("guid") == article_guid(ferry)
    assert first.find("enclosure").get("url").startswith("http://testserver/media/")

    entries = atom_entries(client, "/tags/transport/feed/atom/")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Ferry service extended",
        "Council election results",
    ]
    assert entries[0].findtext(f"{ATOM}id") == article_guid(ferry)
    assert [author.findtext(f"{ATOM}name") for author in entries[0].findall(f"{ATOM}author")] == [
        "Ada Reporter",
        "Bo Writer",
    ]


def test_an_unknown_tags_feed_is_not_found(client, newsroom):
    assert client.get("/tags/no-such-tag/feed/").status_code == 404
    assert client.get("/tags/no-such-tag/feed/atom/").status_code == 404


def test_an_authors_feed_lists_their_live_public_articles_newest_first(
    client, newsroom, hidden_articles
):
    ada, bo = newsroom["ada"], newsroom["bo"]
    items = rss_items(client, f"{ada.url}feed/")
    assert [item.findtext("title") for item in items] == [
        "Ferry service extended",
        "Council election results",
    ]
    assert items[0].findtext("guid") == article_guid(newsroom["articles"]["ferry"])
    assert items[0].find("enclosure") is not None
    assert [item.findtext("title") for item in rss_items(client, f"{bo.url}feed/")] == [
        "Ferry service extended",
        "New telescope opens",
    ]
    entries = atom_entries(client, f"{ada.url}feed/atom/")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Ferry service extended",
        "Council election results",
    ]


def test_a_sections_feed_comes_in_atom_too_like_a_tags_and_an_authors(
    client, newsroom, hidden_articles
):
    world = newsroom["world"]
    assert [item.findtext("title") for item in rss_items(client, f"{world.url}feed/")] == [
        "Ferry service extended",
        "Council election results",
    ]
    entries = atom_entries(client, f"{world.url}feed/atom/")
    assert [entry.findtext(f"{ATOM}title") for entry in entries] == [
        "Ferry service extended",
        "Council election results",
    ]
    assert entries[0].findtext(f"{ATOM}id") == article_guid(newsroom["articles"]["ferry"])
    assert [author.findtext(f"{ATOM}name") for author in entries[0].findall(f"{ATOM}author")] == [
        "Ada Reporter",
        "Bo Writer",
    ]
    feed = ET.fromstring(client.get(f"{world.url}feed/atom/").content)
    assert feed.findtext(f"{ATOM}title").startswith("World")
    # A feed reads no ?page=, as the RSS one: a mangled one is no reason to redirect.
    again = client.get(f"{world.url}feed/atom/?page=abc")
    assert again.status_code == 200 and again["Content-Type"].startswith("application/atom+xml")


def alternate_links(html: str) -> dict[str, str]:
    """The page's <link rel="alternate"> feeds, by type, besides the whole site's."""
    links = re.findall(r'<link rel="alternate" type="([^"]+)" title="[^"]*" href="([^"]+)">', html)
    return {kind: href for kind, href in links if href not in ("/feed/", "/feed/atom/")}


def test_tag_author_and_section_pages_name_their_feeds_for_feed_readers(client, newsroom):
    ada = newsroom["ada"]
    tag_page = alternate_links(client.get("/tags/transport/").content.decode())
    assert tag_page == {
        "application/rss+xml": "/tags/transport/feed/",
        "application/atom+xml": "/tags/transport/feed/atom/",
    }
    author_page = alternate_links(client.get(ada.url).content.decode())
    assert author_page == {
        "application/rss+xml": f"{ada.url}feed/",
        "application/atom+xml": f"{ada.url}feed/atom/",
    }
    section_page = alternate_links(client.get(newsroom["world"].url).content.decode())
    assert section_page == {
        "application/rss+xml": f"{newsroom['world'].url}feed/",
        "application/atom+xml": f"{newsroom['world'].url}feed/atom/",
    }
    for url in [*tag_page.values(), *author_page.values(), *section_page.values()]:
        assert ET.fromstring(client.get(url).content) is not None


def test_a_feed_names_the_site_it_was_asked_of_while_another_request_is_answered(
    client, newsroom, settings
):
    """Django's Feed keeps the request on itself: one instance shared by the URL patterns gave
    a request answered at the same time as another (a threaded server) the other's site and
    addresses. Here the second request comes while the first one's items are being read."""
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "other.example"]
    Site.objects.create(hostname="other.example", port=80, root_page=newsroom["home"])
    read_items = SiteFeed.items
    meanwhile = {}

    def items_while_another_request_comes(feed, section=None):
        articles = read_items(feed, section)
        if "other" not in meanwhile:
            meanwhile["other"] = None
            meanwhile["other"] = client.get("/feed/", HTTP_HOST="other.example")
        return articles

    cache.clear()
    with mock.patch.object(SiteFeed, "items", items_while_another_request_comes):
        channel = ET.fromstring(client.get("/feed/").content).find("channel")
    links = [item.findtext("link") for item in channel.findall("item")]
    assert links and all(link.startswith("http://testserver/") for link in links)
    other = ET.fromstring(meanwhile["other"].content).find("channel")
    assert other.find("item").findtext("link").startswith("http://other.example/")
