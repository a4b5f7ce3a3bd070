"""Feeds, sitemaps, metadata and search: how readers and machines find articles."""

import json
import re
import xml.etree.ElementTree as ET
from datetime import timedelta
from unittest import mock

import pytest
from django.utils import timezone
from wagtail.rich_text import RichText

from tests.factories import make_article, make_author, make_image

pytestmark = pytest.mark.django_db
NEWS = "{http://www.google.com/schemas/sitemap-news/0.9}"
SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"
ATOM = "{http://www.w3.org/2005/Atom}"


def test_site_feed_is_valid_rss_newest_first(client, newsroom):
    response = client.get("/feed/")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("application/rss+xml")
    channel = ET.fromstring(response.content).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["Ferry service extended", "New telescope opens", "Council election results"]
    first = channel.find("item")
    assert first.findtext("link") == "http://testserver" + newsroom["articles"]["ferry"].url
    assert first.findtext("description") == "A short summary of the story."
    assert first.findtext("pubDate")
    assert {c.text for c in first.findall("category")} == {"transport"}


def test_section_feed_has_only_that_sections_articles(client, newsroom):
    response = client.get("/world/feed/")
    channel = ET.fromstring(response.content).find("channel")
    titles = [item.findtext("title") for item in channel.findall("item")]
    assert titles == ["Ferry service extended", "Council election results"]
    assert channel.findtext("title").startswith("World")


def test_atom_feed_is_valid(client, newsroom):
    feed = ET.fromstring(client.get("/feed/atom/").content)
    entries = feed.findall(f"{ATOM}entry")
    assert entries[0].findtext(f"{ATOM}title") == "Ferry service extended"


def test_the_atom_feed_names_each_author_of_an_article_as_one_person(client, newsroom):
    """RFC 4287: one <author> per person, with their name and page. Both names went into a
    single <author> ("Ada Reporter, Bo Writer"), one person to feed readers; RSS keeps them
    together in its one author field."""
    from django.core.cache import cache

    from masthead.publishing.models import AuthorPage

    cache.clear()  # the feeds are cached pages
    AuthorPage.objects.filter(title="Bo Writer").update(live=False)  # no page to link to
    atom = ET.fromstring(client.get("/feed/atom/").content)
    ferry = next(
        entry
        for entry in atom.findall(f"{ATOM}entry")
        if entry.findtext(f"{ATOM}title") == "Ferry service extended"
    )
    authors = [
        (author.findtext(f"{ATOM}name"), author.findtext(f"{ATOM}uri"))
        for author in ferry.findall(f"{ATOM}author")
    ]
    ada = newsroom["ada"]
    assert authors == [("Ada Reporter", f"http://testserver{ada.url}"), ("Bo Writer", None)]

    rss = ET.fromstring(client.get("/feed/").content).find("channel")
    item = next(
        item for item in rss.findall("item") if item.findtext("title") == "Ferry service extended"
    )
    assert "Ada Reporter, Bo Writer" in item.findtext("{http://purl.org/dc/elements/1.1/}creator")


@pytest.mark.parametrize("hidden", ["restricted", "unpublished"])
def test_an_authors_page_readers_cannot_open_is_not_linked_from_feeds_metadata_or_byline(
    client, newsroom, hidden
):
    """A byline named the page of an author behind a password (or sign-in) in the Atom feed,
    the NewsArticle data and the article itself: a link readers and crawlers cannot follow."""
    from django.core.cache import cache
    from wagtail.models import PageViewRestriction

    ada, bo = newsroom["ada"], newsroom["bo"]
    if hidden == "restricted":
        PageViewRestriction.objects.create(
            page=bo, restriction_type=PageViewRestriction.PASSWORD, password="staff"
        )
    else:
        bo.unpublish()
    cache.clear()  # the feeds and the article are cached pages
    ferry = newsroom["articles"]["ferry"]

    atom = ET.fromstring(client.get("/feed/atom/").content)
    entry = next(
        entry
        for entry in atom.findall(f"{ATOM}entry")
        if entry.findtext(f"{ATOM}title") == ferry.title
    )
    authors = [
        (author.findtext(f"{ATOM}name"), author.findtext(f"{ATOM}uri"))
        for author in entry.findall(f"{ATOM}author")
    ]
    assert authors == [("Ada Reporter", f"http://testserver{ada.url}"), ("Bo Writer", None)]

    html = client.get(ferry.url).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(raw)["author"] == [
        {"@type": "Person", "name": "Ada Reporter", "url": f"http://testserver{ada.url}"},
        {"@type": "Person", "name": "Bo Writer"},
    ]
    assert f'<a rel="author" href="{ada.url}">Ada Reporter</a>' in html
    assert " and Bo Writer" in html
    assert f'href="{bo.url}"' not in html


def feed_entries(client, url="/feed/", **request) -> dict:
    """Each article's RSS guid (text and isPermaLink), link and Atom id, by headline."""
    from django.core.cache import cache

    cache.clear()  # the feeds are cached pages; each call reads them afresh
    rss = ET.fromstring(client.get(url, **request).content).find("channel")
    atom = ET.fromstring(client.get(url + "atom/", **request).content) if url == "/feed/" else None
    entries = {
        item.findtext("title"): {
            "guid": item.findtext("guid"),
            "permalink": item.find("guid").get("isPermaLink"),
            "link": item.findtext("link"),
        }
        for item in rss.findall("item")
    }
    for entry in atom.findall(f"{ATOM}entry") if atom is not None else []:
        entries[entry.findtext(f"{ATOM}title")]["atom_id"] = entry.findtext(f"{ATOM}id")
    return entries


def test_a_feed_item_keeps_its_guid_when_the_site_moves_or_the_article_is_edited(
    client, newsroom, settings
):
    from wagtail.models import Site

    ferry = newsroom["articles"]["ferry"]
    before = feed_entries(client)
    guid = before["Ferry service extended"]["guid"]
    assert before["Ferry service extended"] == {
        "guid": guid,
        "permalink": "false",  # a name, not the article's address: <link> is that
        "link": "http://testserver" + ferry.url,
        "atom_id": guid,
    }
    assert guid.startswith("urn:uuid:")
    assert len({entry["guid"] for entry in before.values()}) == len(before) == 3
    assert feed_entries(client, "/world/feed/")["Ferry service extended"]["guid"] == guid

    # The site moves to https on a new domain; the article gets a new slug and publish date.
    settings.ALLOWED_HOSTS = [*settings.ALLOWED_HOSTS, "news.example.org"]
    Site.objects.filter(is_default_site=True).update(hostname="news.example.org", port=443)
    ferry.slug = "ferry-timetable-extended"
    ferry.first_published_at -= timedelta(days=1)
    ferry.save_revision().publish()
    after = feed_entries(client, HTTP_HOST="news.example.org", secure=True)
    assert after["Ferry service extended"]["link"] == (
        "https://news.example.org/world/ferry-timetable-extended/"
    )
    assert {title: entry["guid"] for title, entry in after.items()} == {
        title: entry["guid"] for title, entry in before.items()
    }


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/world/feed/", "/news-sitemap.xml"])
def test_a_control_character_pasted_into_a_headline_leaves_the_feeds_valid(client, newsroom, url):
    make_article(
        section=newsroom["world"],
        title="Storm\x0b warning",
        standfirst="Gusts\x08 of 90 km/h",
        tags=["wea\x1fther"],
    )
    response = client.get(url)
    assert response.status_code == 200
    text = ET.tostring(ET.fromstring(response.content), encoding="unicode")
    assert "Storm warning" in text


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/"])
def test_a_standfirst_is_shown_by_feed_readers_as_the_text_the_editor_wrote(client, newsroom, url):
    """RSS descriptions and Atom's html summaries are HTML: a plain-text standfirst is escaped
    once more, so that "<b>" reaches the reader as those characters, not as markup."""
    import html

    make_article(
        section=newsroom["world"],
        title="Rates",
        standfirst="Rates < 5% & <b>rising</b>, says the <script>bank</script>",
    )
    root = ET.fromstring(client.get(url).content)
    summaries = [
        element.text for element in root.iter() if element.tag in ("description", ATOM + "summary")
    ]
    shown = [html.unescape(re.sub(r"<[^>]*>", "", text or "")) for text in summaries]
    assert "Rates < 5% & <b>rising</b>, says the <script>bank</script>" in shown


@pytest.mark.parametrize("url", ["/feed/", "/feed/atom/", "/world/feed/"])
def test_a_feed_costs_the_same_queries_however_many_articles_it_lists(
    client, newsroom, url, django_assert_max_num_queries
):
    from django.core.cache import cache

    from masthead.publishing import page_cache

    def rendered_afresh():
        cache.clear()
        page_cache.forget_versions()
        return client.get(url)

    rendered_afresh()  # warm what every request shares (the site, its settings)
    with django_assert_max_num_queries(20) as small:
        rendered_afresh()
    for number in range(8):
        make_article(section=newsroom["world"], tags=["weather", f"storm-{number}"])
    with django_assert_max_num_queries(len(small.captured_queries)):
        assert rendered_afresh().content.count(b"storm-") == 8


def test_feed_leaves_out_drafts(client, newsroom):
    make_article(title="Secret draft", publish=False)
    assert b"Secret draft" not in client.get("/feed/").content


def test_sitemap_lists_every_live_article(client, newsroom):
    response = client.get("/sitemap.xml")
    urls = {loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    for article in newsroom["articles"].values():
        assert "http://testserver" + article.url in urls


def test_a_big_sites_sitemap_is_an_index_of_pages_that_each_read_a_few(
    client, newsroom, monkeypatch, django_assert_max_num_queries
):
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.publishing.sitemaps import PublicPagesSitemap

    monkeypatch.setattr(PublicPagesSitemap, "limit", 3)

    def sitemap_pages():
        cache.clear()
        index = ET.fromstring(client.get("/sitemap.xml").content)
        assert index.tag == f"{SITEMAP}sitemapindex"
        pages = [loc.text for loc in index.iter(f"{SITEMAP}loc")]
        assert pages[0] == "http://testserver/sitemap.xml?p=1"
        return [
            [loc.text for loc in ET.fromstring(client.get(page).content).iter(f"{SITEMAP}loc")]
            for page in pages
        ]

    pages = sitemap_pages()
    assert all(len(urls) <= 3 for urls in pages)
    listed = [url for urls in pages for url in urls]
    assert len(listed) == len(set(listed))
    for article in newsroom["articles"].values():
        assert "http://testserver" + article.url in listed
    with CaptureQueriesContext(connection) as few:
        cache.clear()
        assert client.get("/sitemap.xml?p=2").content.count(b"<loc>") == 3
    few_count = len(few)  # before the next request resets the log
    for number in range(6):
        make_article(title=f"Storm update {number}")
    assert len(sitemap_pages()) > len(pages)
    with django_assert_max_num_queries(few_count):
        cache.clear()
        assert client.get("/sitemap.xml?p=2").content.count(b"<loc>") == 3


def test_the_sitemap_comes_from_the_cache_until_something_is_published(client, newsroom):
    from django.db import connection
    from django.test import Client
    from django.test.utils import CaptureQueriesContext

    first = client.get("/sitemap.xml")
    with CaptureQueriesContext(connection) as queries:
        again = Client().get("/sitemap.xml")
    assert len(queries) <= 1 and again.content == first.content  # at most the content version
    assert again["Content-Type"] == first["Content-Type"]
    assert again["X-Robots-Tag"] == first["X-Robots-Tag"]
    new = make_article(title="Lighthouse reopens", body_text="The lamp is lit again.")
    urls = {
        loc.text
        for loc in ET.fromstring(Client().get("/sitemap.xml").content).iter(f"{SITEMAP}loc")
    }
    assert "http://testserver" + new.url in urls


def test_news_sitemap_has_only_the_last_two_days(client, newsroom):
    response = client.get("/news-sitemap.xml")
    root = ET.fromstring(response.content)
    titles = [
        url.find(f"{NEWS}news").findtext(f"{NEWS}title") for url in root.findall(f"{SITEMAP}url")
    ]
    assert titles == ["Ferry service extended", "New telescope opens"]
    first = root.find(f"{SITEMAP}url")
    assert (
        first.findtext(f"{SITEMAP}loc") == "http://testserver" + newsroom["articles"]["ferry"].url
    )
    assert first.find(f"{NEWS}news/{NEWS}publication").findtext(f"{NEWS}name")


@pytest.mark.parametrize(
    ("language_code", "expected"),
    [("en-us", "en"), ("fr", "fr"), ("ast", "ast"), ("zh-hans", "zh-cn"), ("zh-hant", "zh-tw")],
)
def test_pages_and_the_news_sitemap_name_the_sites_language(
    client, newsroom, settings, language_code, expected
):
    settings.LANGUAGE_CODE = language_code
    sitemap = ET.fromstring(client.get("/news-sitemap.xml").content)
    assert {node.text for node in sitemap.iter(f"{NEWS}language")} == {expected}
    html = client.get(newsroom["articles"]["ferry"].url).content.decode()
    assert f'<html lang="{language_code}">' in html


def test_robots_txt_points_to_the_sitemaps(client, newsroom):
    body = client.get("/robots.txt").content.decode()
    assert "Sitemap: http://testserver/sitemap.xml" in body
    assert "Sitemap: http://testserver/news-sitemap.xml" in body


def test_article_has_news_article_json_ld(client, newsroom):
    article = newsroom["articles"]["ferry"]
    html = client.get(article.url).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    assert data["@type"] == "NewsArticle"
    assert data["headline"] == "Ferry service extended"
    assert data["datePublished"].startswith(article.first_published_at.date().isoformat())
    assert [author["name"] for author in data["author"]] == ["Ada Reporter", "Bo Writer"]
    assert data["image"] and all(url.startswith("http://testserver/") for url in data["image"])


def test_json_ld_names_the_sites_address_like_the_canonical_link(client, newsroom):
    article = newsroom["articles"]["ferry"]
    client.get(article.url, HTTP_HOST="localhost")  # fills the fragment cache over http
    html = client.get(article.url, secure=True, HTTP_HOST="localhost").content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    data = json.loads(raw)
    canonical = re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)
    assert data["url"] == data["mainEntityOfPage"]["@id"] == canonical
    assert canonical == f"http://testserver{article.url}"  # the site's, not the alias used
    assert all(author["url"].startswith("http://testserver/") for author in data["author"])
    assert data["publisher"]["url"] == "http://testserver/"


def test_robots_sitemaps_feeds_and_canonical_links_name_the_sites_one_address(newsroom, settings):
    """A site reached by another of its names (a second domain, the proxy's address) told search
    engines and feed readers that name in robots.txt, the sitemap index, the feeds and the
    article's canonical link, and its own in the sitemap: each page had two addresses. All of
    them name the Wagtail site's address, whichever host was asked."""
    from django.core.cache import cache
    from django.test import Client

    from masthead.publishing.sitemaps import PublicPagesSitemap

    settings.ALLOWED_HOSTS = ["testserver", "alias.example"]
    alias = Client(HTTP_HOST="alias.example")
    ferry = newsroom["articles"]["ferry"]
    site = "http://testserver"

    robots = alias.get("/robots.txt").content.decode()
    assert f"Sitemap: {site}/sitemap.xml" in robots
    assert f"Sitemap: {site}/news-sitemap.xml" in robots
    listed = {node.text for node in ET.fromstring(alias.get("/sitemap.xml").content).iter()}
    assert site + ferry.url in listed
    news = ET.fromstring(alias.get("/news-sitemap.xml").content)
    assert site + ferry.url in {node.text for node in news.iter(f"{SITEMAP}loc")}
    cache.clear()
    with mock.patch.object(PublicPagesSitemap, "limit", 2):  # an index of the sitemap's pages
        index = ET.fromstring(alias.get("/sitemap.xml").content)
    pages = [node.text for node in index.iter(f"{SITEMAP}loc")]
    assert pages and all(page.startswith(f"{site}/sitemap.xml?p=") for page in pages)

    channel = ET.fromstring(alias.get("/feed/").content).find("channel")
    assert channel.findtext("link") == site + "/"
    assert channel.find(f"{ATOM}link").get("href") == site + "/feed/"
    links = {item.findtext("title"): item.findtext("link") for item in channel.findall("item")}
    assert links["Ferry service extended"] == site + ferry.url
    atom = ET.fromstring(alias.get("/feed/atom/").content)
    hrefs = [link.get("href") for link in atom.iter(f"{ATOM}link")]
    assert site + ferry.url in hrefs
    assert all(href.startswith(site + "/") for href in hrefs)

    for path, canonical in [
        (ferry.url, site + ferry.url),
        ("/", site + "/"),
        ("/tags/transport/", site + "/tags/transport/"),
    ]:
        html = alias.get(path).content.decode()
        assert f'<link rel="canonical" href="{canonical}">' in html


def test_json_ld_cannot_be_broken_out_of(client, newsroom):
    article = make_article(title="Quotes </script><script>alert(1)</script>")
    html = client.get(article.url).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert json.loads(raw)["headline"].startswith("Quotes </script>")


def test_a_photo_story_without_a_featured_image_is_shared_with_its_first_photo(client, newsroom):
    photos = [make_image(title=f"Quay {n}") for n in range(2)]
    article = make_article(
        body=[
            ("paragraph", RichText("<p>Text.</p>")),
            ("gallery", {"title": "", "photos": [{"image": p, "caption": ""} for p in photos]}),
        ]
    )
    html = client.get(article.url).content.decode()
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    first_photo = photos[0].file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    assert all(first_photo in url for url in json.loads(raw)["image"])
    assert re.search(
        rf'<meta property="og:image" content="http://testserver/media/[^"]*{first_photo}', html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def social_pictures(html: str) -> dict:
    """The pictures a page's head names: JSON-LD's, og:image and twitter:image."""
    found = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S)
    meta = dict(
        re.findall(r'<meta (?:property|name)="((?:og|twitter):image)" content="([^"]+)"', html)
    )
    card = re.search(r'<meta name="twitter:card" content="([^"]+)">', html).group(1)
    return {
        "json_ld": json.loads(found.group(1)).get("image") if found else None,
        "og": meta.get("og:image"),
        "twitter": meta.get("twitter:image"),
        "card": card,
    }


def test_an_article_without_any_picture_is_shared_with_the_sites_default_share_image(
    client, newsroom
):
    """Without a picture of its own an article had no image in its NewsArticle data (search
    engines want one for article results) and a bare link preview. It takes the site's
    default share image (Settings → Site identity), on the site's address; with none set it
    still names no picture rather than one made up (the logo would be cropped to a fragment)."""
    from wagtail.models import Site

    from masthead.publishing.models import SiteIdentity

    article = make_article(section=newsroom["world"], title="No pictures here")
    assert social_pictures(client.get(article.url).content.decode()) == {
        "json_ld": None,
        "og": None,
        "twitter": None,
        "card": "summary",
    }

    identity = SiteIdentity.for_site(Site.objects.get(is_default_site=True))
    identity.share_image = make_image(title="Harbour skyline", width=1600, height=1000)
    identity.save()
    default = identity.share_image.file.name.rsplit("/", 1)[-1].rsplit(".", 1)[0]
    for page in (article.url, "/", newsroom["world"].url):
        pictures = social_pictures(client.get(page).content.decode())
        assert pictures["og"] == pictures["twitter"]
        assert re.fullmatch(
            rf"http://testserver/media/\S*{default}\S*fill-1200x630\S*", pictures["og"]
        )
        assert pictures["card"] == "summary_large_image"
    pictures = social_pictures(client.get(article.url).content.decode())
    assert len(pictures["json_ld"]) == 3
    assert all(
        url.startswith("http://testserver/media/") and default in url for url in pictures["json_ld"]
    )
    # An article's own picture still comes first.
    ferry = social_pictures(client.get(newsroom["articles"]["ferry"].url).content.decode())
    assert default not in ferry["og"] and all(default not in url for url in ferry["json_ld"])


def test_article_has_open_graph_twitter_and_canonical(client, newsroom):
    article = newsroom["articles"]["ferry"]
    html = client.get(article.url).content.decode()
    assert f'<link rel="canonical" href="http://testserver{article.url}">' in html
    assert '<meta property="og:type" content="article">' in html
    assert '<meta property="og:title" content="Ferry service extended">' in html
    assert re.search(
        r'<meta property="og:image" content="http://testserver/media/[^"]+fill-1200x630', html
    )
    assert '<meta name="twitter:card" content="summary_large_image">' in html


def test_a_shared_articles_picture_is_described_to_people_who_cannot_see_it(client, newsroom):
    """Link previews named the picture only when it had alt text: its caption does as well."""
    article = newsroom["articles"]["ferry"]
    for description, caption, said in (
        ("Ferry at the quay", "The new timetable starts in May", "Ferry at the quay"),
        ("", "The new timetable starts in May", "The new timetable starts in May"),
    ):
        article.featured_image = make_image(description=description, caption=caption)
        article.save_revision().publish()
        html = client.get(article.url).content.decode()
        assert f'<meta property="og:image:alt" content="{said}">' in html
        assert f'<meta name="twitter:image:alt" content="{said}">' in html


def test_the_search_pages_own_search_form_has_a_name_of_its_own(client, newsroom):
    """Two search landmarks, one of them unnamed, left screen readers guessing which is which."""
    from bs4 import BeautifulSoup

    page = BeautifulSoup(client.get("/search/", {"q": "ferry"}).content, "html.parser")
    names = [form.get("aria-label") for form in page.select('[role="search"]')]
    assert len(names) == 2 and all(names) and len(set(names)) == 2


def test_search_finds_an_article_by_a_word_of_its_body(client, newsroom):
    response = client.get("/search/", {"q": "nebulae"})
    html = response.content.decode()
    assert response.status_code == 200
    assert "New telescope opens" in html
    assert "Ferry service extended" not in html
    assert "1 result for" in html


@pytest.mark.parametrize("query", ["departures", "Harbourside", "Sundays"])
def test_search_finds_the_words_of_an_articles_table(client, newsroom, query):
    make_article(
        section=newsroom["world"],
        title="Bus timetable",
        body=[
            (
                "table",
                "<table><tr><th>Departures</th><th>Harbourside</th></tr>"
                "<tr><td>Sundays</td><td>09:00</td></tr></table>",
            )
        ],
    )
    html = client.get("/search/", {"q": query}).content.decode()
    assert "Bus timetable" in html


@pytest.mark.parametrize("query", ["ferries", "timetables", "islander", "welcoming"])
def test_search_finds_other_forms_of_a_word(client, newsroom, query):
    # "Ferry service extended": "Islanders welcomed the winter timetable."
    html = client.get("/search/", {"q": query}).content.decode()
    assert "Ferry service extended" in html


def test_search_with_no_match_says_so(client, newsroom):
    html = client.get("/search/", {"q": "zeppelin"}).content.decode()
    assert "Nothing matched your search" in html


def test_search_does_not_find_drafts(client, newsroom):
    make_article(title="Hidden", body_text="A unique word: quokka.", publish=False)
    assert "Hidden" not in client.get("/search/", {"q": "quokka"}).content.decode()


def test_article_scheduled_for_tomorrow_is_invisible_until_it_goes_live(client, newsroom):
    from django.core.management import call_command

    article = make_article(title="Tomorrow's story", publish=False)
    article.go_live_at = timezone.now() + timedelta(days=1)
    article.save_revision().publish()
    article.refresh_from_db()
    assert not article.live
    assert client.get(f"/world/{article.slug}/").status_code == 404
    assert "Tomorrow's story" not in client.get("/").content.decode()
    assert b"Tomorrow's story" not in client.get("/feed/").content

    # Tomorrow comes: the worker's periodic job publishes it. (Wagtail's command reads the clock
    # itself, so the clock is moved for it.)
    tomorrow = timezone.now() + timedelta(days=1, minutes=1)
    with mock.patch("django.utils.timezone.now", return_value=tomorrow):
        call_command("publish_scheduled", verbosity=0)
    assert client.get(article.url).status_code == 200
    assert "Tomorrow&#x27;s story" in client.get("/").content.decode()


def test_the_front_pages_link_preview_follows_the_site_identity(client, newsroom):
    from wagtail.models import Site

    from masthead.publishing.models import SiteIdentity

    identity = SiteIdentity.for_site(Site.objects.get(is_default_site=True))
    identity.name, identity.tagline = "The Quay Courier", "News from the quay"
    identity.save()
    html = client.get("/").content.decode()
    assert '<meta property="og:title" content="The Quay Courier">' in html
    assert '<meta property="og:description" content="News from the quay">' in html


@pytest.mark.parametrize(
    "query", ['"nebulae', 'nebulae"', 'telescope"s', '"""', '" nebulae "', "nebulae\x00"]
)
def test_search_with_an_unpaired_quote_or_a_nul_answers_instead_of_failing(client, newsroom, query):
    response = client.get("/search/", {"q": query})
    assert response.status_code == 200


@pytest.mark.parametrize("control", ["\x01", "\x1b", "\x7f", "\x85", "\x9b", "\t", "\n"])
def test_a_control_character_in_a_search_is_searched_and_shown_as_a_space(
    client, newsroom, control
):
    """/search/?q=ab%00cd%01ef showed the U+0001 as it came in the page's title, both search
    boxes and the results heading (a line break glued the words together in the boxes); only a
    NUL was made a space, and only for the search itself."""
    from bs4 import BeautifulSoup

    response = client.get("/search/", {"q": f"ferry\x00service{control}extended"})
    page = BeautifulSoup(response.content, "html.parser")
    assert page.title.get_text().startswith("Search: ferry service extended – ")
    assert [box["value"] for box in page.select("input[name=q]")] == ["ferry service extended"] * 2
    assert page.select_one(".search-count").get_text() == "1 result for “ferry service extended”"
    assert "Ferry service extended" in page.select_one("main").get_text()


def test_search_for_a_quoted_phrase_finds_the_words_in_that_order(client, newsroom):
    html = client.get("/search/", {"q": '"telescope opens"'}).content.decode()
    assert "New telescope opens" in html
    html = client.get("/search/", {"q": '"opens telescope"'}).content.decode()
    assert "Nothing matched your search" in html


@pytest.mark.parametrize(
    "query",
    [
        " ".join(f"kelp{number}" for number in range(500)),  # 500 words, 4 KB
        " ".join(f'"kelp{number} kelp{number + 1}"' for number in range(600)),  # 600 phrases
    ],
)
def test_a_very_long_search_is_answered_from_its_first_words(client, newsroom, query):
    make_article(title="Kelp survey", body_text=" ".join(f"kelp{number}" for number in range(40)))

    response = client.get("/search/", {"q": query})

    assert response.status_code == 200
    html = response.content.decode()
    assert "Kelp survey" in html and "1 result for" in html
    assert "only the words above were searched" in html
    assert "kelp31" in html and "kelp33" not in html  # the search box holds what was searched


def test_a_search_past_the_length_limit_is_answered_from_its_whole_words(client, newsroom):
    html = client.get("/search/", {"q": "nebulae " + "z" * 5000}).content.decode()

    assert "New telescope opens" in html and "1 result for “nebulae”" in html


def test_search_finds_an_authors_articles_by_their_name(client, newsroom):
    okafor = make_author(name="Jo Okafor")
    make_article(title="Lighthouse for sale", authors=[okafor])

    html = client.get("/search/", {"q": "Okafor"}).content.decode()

    assert "Lighthouse for sale" in html and "1 result for" in html


def test_an_authors_articles_are_found_by_their_new_name_once_it_is_published(
    client, newsroom, django_capture_on_commit_callbacks
):
    author = make_author(name="Jo Okafor")
    make_article(title="Lighthouse for sale", authors=[author])

    author.title = "Jo Mensah"
    with django_capture_on_commit_callbacks(execute=True):
        author.save_revision().publish()

    assert "Lighthouse for sale" in client.get("/search/", {"q": "Mensah"}).content.decode()
    html = client.get("/search/", {"q": "Okafor"}).content.decode()
    assert "Nothing matched your search" in html


def test_a_search_matching_very_many_articles_still_lists_the_most_relevant_first(
    client, newsroom, monkeypatch, django_assert_max_num_queries
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.publishing import selectors

    # Searches used to list the newest first past this many matches (300): no limit is left,
    # and these few matches stand for thousands.
    monkeypatch.setattr(selectors, "SEARCH_RANKED_MATCHES", 1, raising=False)
    now = timezone.now()
    make_article(
        title="Kelp forests return",
        body_text="Kelp, kelp and more kelp along the kelp coast.",
        published=now - timedelta(days=30),
    )
    for number in range(3):
        make_article(
            title=f"Harbour notes {number}",
            body_text="The harbour master's notes on the tides; a little kelp washed up.",
            published=now - timedelta(days=number),
        )
    with CaptureQueriesContext(connection) as few:
        html = client.get("/search/", {"q": "kelp"}).content.decode()
    few_count = len(few)  # before the next request resets the log
    assert "4 results for" in html
    assert html.index("Kelp forests return") < html.index("Harbour notes 0")

    for number in range(9):
        make_article(title=f"Seaweed {number}", body_text="Kelp is a seaweed.")
    with django_assert_max_num_queries(few_count):
        html = client.get("/search/", {"q": "kelp", "page": 2}).content.decode()
    assert "13 results for" in html and html.count('<article class="card') == 1


def canonical_of(html: str) -> str:
    return re.search(r'<link rel="canonical" href="([^"]+)">', html).group(1)


def test_a_listings_later_pages_are_each_their_own_canonical_page(client, newsroom):
    """Page 2 of a section named page 1 as its canonical address, telling search engines to
    drop it, and the older articles only it links to with it."""
    from masthead.publishing import selectors

    world = newsroom["world"]
    for number in range(selectors.ARTICLES_PER_PAGE + 1):
        make_article(section=world, title=f"Filler {number}", tags=["transport"])

    assert canonical_of(client.get("/world/").content.decode()).endswith("/world/")
    assert canonical_of(client.get("/world/?page=2").content.decode()).endswith("/world/?page=2")
    tag = client.get("/tags/transport/", {"page": "2", "ref": "sidebar"}).content.decode()
    assert canonical_of(tag) == "http://testserver/tags/transport/?page=2"  # no stray ?ref=
    assert canonical_of(client.get("/tags/transport/?ref=x").content.decode()) == (
        "http://testserver/tags/transport/"
    )


def test_the_front_page_sections_and_authors_describe_themselves_to_search_engines(
    client, newsroom
):
    """Their link previews had a description, but search results had none to show."""
    from bs4 import BeautifulSoup

    world = newsroom["world"]
    ada = newsroom["ada"]
    ada.bio = "<p>Ada covers the <b>harbour</b> &amp; the council.</p>"
    ada.save_revision().publish()

    def description(url):
        page = BeautifulSoup(client.get(url).content, "html.parser")
        return page.select_one('meta[name="description"]')["content"]

    assert description(world.url) == "World news"
    assert description(ada.url) == "Ada covers the harbour & the council."
    home = newsroom["home"]
    home.tagline = "News from the harbour, every day"
    home.save_revision().publish()
    assert description("/") == "News from the harbour, every day"


def test_feed_readers_get_each_articles_featured_image(client, newsroom):
    """Feeds named no picture, so feed readers showed bare headlines."""
    rss = ET.fromstring(client.get("/feed/").content).find("channel")
    items = {item.findtext("title"): item for item in rss.findall("item")}
    enclosure = items["Ferry service extended"].find("enclosure")
    assert enclosure.get("type") == "image/jpeg"
    assert re.fullmatch(
        r"http://testserver/media/images/.+\.fill-1200x630\.jpg", enclosure.get("url")
    )
    picture = client.get(enclosure.get("url").removeprefix("http://testserver"))
    assert int(enclosure.get("length")) == len(b"".join(picture.streaming_content)) > 0
    assert items["New telescope opens"].find("enclosure") is None  # it has no featured image

    atom = ET.fromstring(client.get("/feed/atom/").content)
    entry = next(
        entry
        for entry in atom.findall(f"{ATOM}entry")
        if entry.findtext(f"{ATOM}title") == "Ferry service extended"
    )
    link = entry.find(f'{ATOM}link[@rel="enclosure"]')
    assert link.get("href") == enclosure.get("url") and link.get("type") == "image/jpeg"


def test_search_finds_the_words_of_a_table_typed_into_the_grid(client, newsroom):
    make_article(
        section=newsroom["world"],
        title="Tide tables",
        body=[
            (
                "grid_table",
                {
                    "data": [["Port", "High water"], ["Gullholm", "06:12"]],
                    "table_caption": "",
                    "table_header_choice": "row",
                    "first_row_is_table_header": True,
                    "first_col_is_header": False,
                },
            )
        ],
    )
    assert "Tide tables" in client.get("/search/", {"q": "Gullholm"}).content.decode()


def test_search_results_have_a_heading_that_counts_them_none_included(client, newsroom):
    """Screen-reader users who move by headings land on the outcome of their search."""
    from bs4 import BeautifulSoup

    def outcome(query):
        page = BeautifulSoup(client.get("/search/", {"q": query}).content, "html.parser")
        return [heading.get_text() for heading in page.find("main").find_all("h2")]

    assert outcome("zeppelin") == ["No results for “zeppelin”"]
    assert outcome('"""') == ['No results for “"""”']
    assert outcome("nebulae") == ["1 result for “nebulae”"]


def test_the_search_heading_counts_the_information_pages_found(client, newsroom):
    from tests.factories import make_info_page

    make_info_page(title="Corrections policy", body_html="<p>Any inaccuracy.</p>")
    html = client.get("/search/", {"q": "inaccuracy"}).content.decode()
    assert "1 result for “inaccuracy”" in html


def test_shared_pictures_are_named_at_the_sites_address_whichever_host_was_asked(
    newsroom, settings
):
    """The og:image and twitter:image tags and the pictures of the JSON-LD named the host the
    reader came by (an alias, the proxy's IP): a link preview fetched from that name, which may
    not answer from outside. They are on the site's own address, as the canonical link is."""
    from django.test import Client
    from wagtail.models import Site

    from masthead.publishing.models import SiteIdentity

    settings.ALLOWED_HOSTS = ["testserver", "alias.example", "10.0.0.5"]
    identity = SiteIdentity.for_site(Site.objects.get(is_default_site=True))
    identity.publisher_logo = make_image(title="Masthead logo", width=900, height=120)
    identity.save()
    ferry = newsroom["articles"]["ferry"]
    for host in ("alias.example", "10.0.0.5"):
        html = Client(HTTP_HOST=host).get(ferry.url).content.decode()
        pictures = re.findall(
            r'<meta (?:property|name)="(?:og|twitter):image" content="([^"]+)"', html
        )
        assert len(pictures) == 2
        assert all(url.startswith("http://testserver/media/") for url in pictures), pictures
        raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
        data = json.loads(raw)
        assert data["image"] and all(
            url.startswith("http://testserver/media/") for url in data["image"]
        )
        assert data["publisher"]["logo"]["url"].startswith("http://testserver/media/")


def test_search_results_name_their_pages_next_and_previous_not_older_and_newer(client, newsroom):
    """Results come most relevant first, not newest first: "Older →" led to page 2 of results
    that were as often newer. Listings by date keep "Older" and "Newer"."""
    from bs4 import BeautifulSoup

    from masthead.publishing import selectors

    for number in range(2 * selectors.ARTICLES_PER_PAGE + 1):
        make_article(
            section=newsroom["world"], title=f"Kelp notes {number}", body_text="Kelp on the quay."
        )

    def pagination(path, **query):
        page = BeautifulSoup(client.get(path, query).content, "html.parser")
        return [link.get_text(strip=True) for link in page.select(".pagination a")]

    assert pagination("/search/", q="kelp") == ["Next →"]
    assert pagination("/search/", q="kelp", page=2) == ["← Previous", "Next →"]
    assert pagination("/world/") == ["Older →"]


def test_a_listings_later_pages_have_titles_of_their_own(client, newsroom):
    """Page 2 of a listing is its own canonical page, but bore page 1's title: two tabs, two
    history entries and two search results that read the same."""
    from masthead.publishing import selectors

    for number in range(selectors.ARTICLES_PER_PAGE + 1):
        make_article(
            section=newsroom["world"],
            title=f"Filler {number}",
            body_text="Kelp on the quay.",
            tags=["transport"],
            authors=[newsroom["ada"]],
        )

    def title(path, **query):
        html = client.get(path, query).content.decode()
        return re.search(r"<title>([^<]*)</title>", html).group(1)

    ada = newsroom["ada"].url
    for path, query in [
        ("/", {}),
        ("/world/", {}),
        ("/tags/transport/", {}),
        (ada, {}),
        ("/search/", {"q": "kelp"}),
    ]:
        first, second = title(path, **query), title(path, page=2, **query)
        assert first != second and "page 2" in second, (path, first, second)
    assert title("/world/", page=2).startswith("World, page 2 – ")


def test_a_search_page_past_the_results_end_leads_to_their_last_page_keeping_the_search(
    client, newsroom
):
    """A link to page 7 of a search that now has fewer results was a bare 404 that lost what the
    reader searched for; it leads to the last page of the results instead."""
    from masthead.publishing import selectors

    for number in range(selectors.ARTICLES_PER_PAGE + 1):
        make_article(section=newsroom["world"], title=f"Kelp notes {number}")
    response = client.get("/search/", {"q": "kelp", "page": 7})
    assert response.status_code == 302
    assert response["Location"] == "/search/?q=kelp&page=2"
    assert "Kelp notes" in client.get(response["Location"]).content.decode()
    one = client.get("/search/", {"q": "ferry", "page": 3})
    assert (one.status_code, one["Location"]) == (302, "/search/?q=ferry")
    mangled = client.get("/search/", {"q": "kelp", "page": "x"})
    assert (mangled.status_code, mangled["Location"]) == (301, "/search/?q=kelp")
    # Past what the database can count to: the last page too, not a server error.
    for huge in ("99999999999999999999", "9" * 5000):
        response = client.get("/search/", {"q": "kelp", "page": huge})
        assert (response.status_code, response["Location"]) == (302, "/search/?q=kelp&page=2")


def test_the_admin_search_finds_an_article_by_its_standfirst_and_its_authors(admin_client, db):
    from tests.factories import make_home, make_section

    make_home()
    make_article(
        section=make_section(title="City"),
        title="Harbour dredging plan splits council",
        standfirst="Fishermen fear for the spring catch.",
        authors=[make_author(name="Priya Raman")],
    )

    for words in ("fishermen", "Fisherm", "Priya Raman"):
        found = admin_client.get("/admin/pages/search/", {"q": words})
        assert "Harbour dredging plan splits council" in found.content.decode(), words
