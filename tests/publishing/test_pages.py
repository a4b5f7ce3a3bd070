import re
from datetime import timedelta
from itertools import pairwise

import pytest
from bs4 import BeautifulSoup
from django.utils import timezone
from wagtail.rich_text import RichText

from masthead.publishing import selectors
from tests.factories import make_article, make_author, make_home, make_image
from tests.markup import time_moments, unreadable_time_moments

pytestmark = pytest.mark.django_db


def test_home_page_leads_with_the_newest_article_and_lists_the_rest(client, newsroom):
    response = client.get("/")
    html = response.content.decode()
    assert response.status_code == 200
    lead_block = html.split('class="lead"', 1)[1].split("</article>", 1)[0]
    assert "Ferry service extended" in lead_block
    latest = html.split('id="latest-heading"', 1)[1]
    assert latest.index("New telescope opens") < latest.index("Council election results")
    assert 'href="/world/"' in html and 'href="/science/"' in html


def test_editor_can_choose_the_lead_story(client, newsroom):
    home = newsroom["home"]
    home.lead_article = newsroom["articles"]["election"]
    home.save_revision().publish()
    html = client.get("/").content.decode()
    lead_block = html.split('class="lead"', 1)[1].split("</article>", 1)[0]
    assert "Council election results" in lead_block


def test_listings_are_paginated_and_a_page_past_the_end_is_404(client, newsroom):
    world = newsroom["world"]
    for number in range(selectors.ARTICLES_PER_PAGE + 2):
        make_article(section=world, title=f"Filler story {number}")
    first = client.get("/world/")
    second = client.get("/world/?page=2")
    assert first.status_code == 200 and second.status_code == 200
    assert 'rel="next"' in first.content.decode()
    assert "Page 2 of 2" in second.content.decode()
    assert client.get("/world/?page=9").status_code == 404


@pytest.mark.parametrize("number", ["922337203685477580", "99999999999999999999", "9" * 5000])
def test_a_page_number_past_what_the_database_can_count_to_is_404_not_a_server_error(
    client, newsroom, number
):
    """A huge page number made an OFFSET that SQLite and PostgreSQL refuse: a 500 (and an
    e-mail to the admins) for anyone who typed one."""
    for path in ("/", "/world/"):
        assert client.get(path, {"page": number}).status_code == 404


@pytest.mark.parametrize("number", ["abc", "", "0", "-3", "2.0", "+2", "²"])
def test_a_page_number_that_names_no_page_leads_to_the_first_page_at_its_own_address(
    client, newsroom, number
):
    """?page=abc, from a link mangled on its way, was a 404 on every listing and on the search
    (where a page past the end leads to the last one), and ?page= was the first page at an
    address of its own, to cache and index twice."""
    ada = newsroom["ada"].url
    for path, query, first_page in [
        ("/", {}, "/"),
        ("/world/", {}, "/world/"),
        ("/tags/transport/", {"ref": "sidebar"}, "/tags/transport/?ref=sidebar"),
        (ada, {}, ada),
        ("/search/", {"q": "ferry"}, "/search/?q=ferry"),
    ]:
        response = client.get(path, {**query, "page": number})
        assert (response.status_code, response["Location"]) == (301, first_page), path
        assert "Ferry service extended" in client.get(first_page).content.decode()
    # A section's feed reads no page number: it is left as it was asked for.
    assert client.get("/world/feed/", {"page": number}).status_code == 200


def test_the_first_page_a_mangled_page_number_leads_to_keeps_the_links_other_parameters(
    client, newsroom
):
    """A newsletter's link with a mangled ?page= lost its utm_source and utm_campaign on the
    way to the first page: the page cache hides tracking parameters from pages, and the
    redirect was made from what was left. The analytics read them in the reader's browser."""
    for path, search in [("/world/", ""), ("/tags/transport/", ""), ("/search/", "q=ferry&")]:
        response = client.get(
            f"{path}?{search}utm_source=newsletter&page=abc&utm_campaign=spring+sale&fbclid=x1"
        )
        assert (response.status_code, response["Location"]) == (
            301,
            f"{path}?{search}utm_source=newsletter&utm_campaign=spring+sale&fbclid=x1",
        ), path


def test_section_page_lists_only_its_articles(client, newsroom):
    html = client.get("/science/").content.decode()
    assert "New telescope opens" in html
    assert "Ferry service extended" not in html


def test_tag_page_lists_tagged_articles_and_unknown_tag_is_404(client, newsroom):
    html = client.get("/tags/transport/").content.decode()
    assert "Ferry service extended" in html and "Council election results" in html
    assert "New telescope opens" not in html
    assert 'aria-current="page">Home' not in html  # the menu does not say "you are home"
    assert 'aria-current="page">Home' in client.get("/").content.decode()
    assert client.get("/tags/no-such-tag/").status_code == 404


def test_a_tag_page_costs_no_more_queries_than_a_section_page(client, newsroom):
    # It used to build the front page too (lead story, latest articles, every section's
    # newest: a query over every live article) and then show only the tag's list.
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    counts = {}
    for url in ("/world/", "/tags/transport/"):
        client.get(url)
        cache.clear()
        with CaptureQueriesContext(connection) as queries:
            assert client.get(url).status_code == 200
        counts[url] = len(queries)
    assert counts["/tags/transport/"] <= counts["/world/"] + 1  # the tag itself


def test_a_tag_with_accented_or_non_latin_letters_has_its_page(client, newsroom):
    article = make_article(section=newsroom["world"], title="Harbour café", tags=["Café", "日本"])
    links = BeautifulSoup(client.get(article.url).content, "html.parser").select(
        'a[href^="/tags/"]'
    )
    assert [link.text for link in links] == ["Café", "日本"]
    for link in links:
        response = client.get(link["href"])
        assert response.status_code == 200
        assert "Harbour café" in response.content.decode()


def test_author_page_lists_their_articles(client, newsroom):
    html = client.get(newsroom["bo"].url).content.decode()
    assert "Bo Writer" in html
    assert "New telescope opens" in html and "Ferry service extended" in html
    assert "Council election results" not in html


def test_article_page_shows_headline_standfirst_byline_and_credited_image(client, newsroom):
    article = newsroom["articles"]["ferry"]
    response = client.get(article.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert '<h1 class="article__headline">Ferry service extended</h1>' in html
    assert "A short summary of the story." in html
    assert "Ada Reporter</a> and <a" in html and "Bo Writer" in html
    assert "Boats at dawn" in html and "Jo Lens / Agency" in html
    assert 'srcset="' in html and "width-800" in html


def srcset_widths(html: str) -> list[list[str]]:
    """The width descriptors of each srcset of the page, in order."""
    return [
        [candidate.split()[-1] for candidate in img["srcset"].split(", ")]
        for img in BeautifulSoup(html, "html.parser").select("img[srcset]")
    ]


def test_a_photo_smaller_than_the_largest_size_lists_each_width_once(client, newsroom):
    """Wagtail makes no rendition larger than the photo: an 800 px photo's width-1200 and
    width-1600 are 800 px wide too, and srcset listed "800w" three times (the front page's lead:
    twice), leaving the browser to pick among copies."""
    photo = make_image(width=800, height=500)
    article = make_article(
        section=newsroom["world"],
        title="Harbour works begin",
        featured_image=photo,
        body=[("image", {"image": photo, "caption": "", "wide": True})],
        published=timezone.now(),
    )
    featured, in_body = srcset_widths(client.get(article.url).content.decode())[:2]
    assert featured == ["480w", "800w"]  # width-{480,800,1200,1600}
    assert in_body == ["480w", "800w"]  # width-{480,800,1200}
    lead = srcset_widths(client.get("/").content.decode())[0]
    assert lead == ["640w", "800w"]  # fill-{640x400,960x600,1440x900}


def test_gallery_thumbnails_link_to_the_full_size_image(client, newsroom):
    photos = [
        make_image(title=f"Gallery {n}", width=2000, height=1200, caption=f"Shot {n}")
        for n in range(3)
    ]
    article = make_article(
        body=[
            ("paragraph", RichText("<p>Text.</p>")),
            (
                "gallery",
                {"title": "At the quay", "photos": [{"image": p, "caption": ""} for p in photos]},
            ),
        ]
    )
    html = client.get(article.url).content.decode()
    assert html.count('class="gallery__link"') == 3
    link = html.split('class="gallery__link" href="', 1)[1].split('"', 1)[0]
    assert "max-2400x2400" in link
    full = client.get(link)
    assert full.status_code == 200 and full["Content-Type"].startswith("image/")
    assert "fill-400x300" in html  # the thumbnail is a small rendition


def test_a_gallery_thumbnail_is_described_once(client, newsroom):
    """Alt text is the photo's description; a photo with none has an empty alt, as its caption
    is printed under it: a screen reader heard every caption twice."""
    described = make_image(caption="Ferry at the quay", description="A red ferry moored at dawn")
    captioned = make_image(caption="Crowds on the pier")
    article = make_article(
        body=[
            (
                "gallery",
                {
                    "title": "",
                    "photos": [
                        {"image": described, "caption": ""},
                        {"image": captioned, "caption": ""},
                    ],
                },
            ),
        ]
    )
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    thumbs = page.select(".gallery__thumb")
    assert [thumb["alt"] for thumb in thumbs] == ["A red ferry moored at dawn", ""]


def test_a_photo_deleted_from_the_library_leaves_no_hole_in_its_gallery(client, newsroom):
    """The gallery shows the photos that remain and counts them; the deleted one was an empty
    tile, a keyboard stop linking nowhere ("Open full-size image 2 of 3") and a blank slide.
    A body image whose photo was deleted is not shown either (its caption stood alone)."""
    kept = [make_image(title="Kept 1", caption="Quay"), make_image(title="Kept 2", caption="Pier")]
    deleted = make_image(title="Deleted", caption="Gone")
    lone = make_image(title="Lone", caption="A caption with no picture")
    article = make_article(
        body=[
            (
                "gallery",
                {
                    "title": "At the quay",
                    "photos": [
                        {"image": kept[0], "caption": ""},
                        {"image": deleted, "caption": "Gone"},
                        {"image": kept[1], "caption": ""},
                    ],
                },
            ),
            ("image", {"image": lone, "caption": "", "wide": False}),
        ]
    )
    deleted.delete()
    lone.delete()
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    links = page.select(".gallery__link")
    assert [link.select_one("img")["src"] for link in links] == [
        kept[0].get_rendition("fill-400x300").url,
        kept[1].get_rendition("fill-400x300").url,
    ]
    assert all(link["href"] for link in links)
    assert [link.get_text(strip=True) for link in links] == [
        "Open full-size image 1 of 2",
        "Open full-size image 2 of 2",
    ]
    assert "Gone" not in page.text
    assert "A caption with no picture" not in page.text and not page.select(".body-figure")


def test_a_gallery_whose_photos_were_all_deleted_is_not_shown(client, newsroom):
    photos = [make_image(title=f"Gone {n}") for n in range(2)]
    article = make_article(
        body=[
            (
                "gallery",
                {"title": "Empty now", "photos": [{"image": p, "caption": ""} for p in photos]},
            ),
        ]
    )
    for photo in photos:
        photo.delete()
    html = client.get(article.url).content.decode()
    assert "Empty now" not in html and "data-gallery" not in html


def test_video_is_a_click_to_load_facade(client, newsroom):
    article = make_article(
        body=[
            (
                "video",
                {
                    "url": "https://youtu.be/aqz-KE-bpKQ",
                    "title": "The launch",
                    "caption": "",
                    "poster": None,
                },
            )
        ]
    )
    html = client.get(article.url).content.decode()
    assert "<iframe" not in html
    assert 'data-embed-url="https://www.youtube-nocookie.com/embed/aqz-KE-bpKQ?autoplay=1"' in html
    assert 'href="https://www.youtube.com/watch?v=aqz-KE-bpKQ"' in html
    # nothing is loaded from the provider before the reader clicks play, not even a thumbnail
    assert "ytimg.com" not in html and "youtube.com/vi/" not in html


def test_a_video_whose_address_cannot_be_embedded_is_a_plain_link(client, newsroom):
    """An address stored before the embed rules it does not meet (publishing refuses it now)
    became a "Play video" link to the article itself, and with JavaScript a player frame
    loading nothing."""
    url = "https://example.org/films/launch"
    article = make_article(
        body=[("video", {"url": url, "title": "The launch", "caption": "", "poster": None})]
    )
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    assert not page.select(".video__facade")
    link = page.select_one(".article__body a")
    assert link["href"] == url and link.get_text(strip=True) == "Watch the video: The launch"
    assert not page.select('.article__body a[href=""]')


def test_draft_article_is_not_shown_to_readers(client, newsroom):
    draft = make_article(title="Unfinished draft", publish=False)
    assert client.get("/").content.decode().count("Unfinished draft") == 0
    assert client.get(f"/world/{draft.slug}/").status_code == 404


def test_missing_page_is_a_404_in_the_sites_style(client, newsroom):
    response = client.get("/no/such/page/")
    html = response.content.decode()
    assert response.status_code == 404
    assert "We couldn’t find that page" in html
    assert 'class="site-nav"' in html


def test_server_error_page_is_in_the_sites_style(client, newsroom, settings):
    from masthead.views import server_error

    response = server_error(None)
    assert response.status_code == 500
    assert "Something went wrong on our side" in response.content.decode()


def test_recent_articles_only_in_related(client, newsroom):
    article = newsroom["articles"]["ferry"]
    html = client.get(article.url).content.decode()
    related = html.split('id="related-heading"', 1)[1]
    assert "Council election results" in related
    assert "New telescope opens" not in related


def test_article_page_queries_do_not_grow_with_the_number_of_articles(
    client, newsroom, django_assert_max_num_queries
):
    article = newsroom["articles"]["ferry"]
    client.get(article.url)  # warm renditions
    for number in range(10):
        make_article(
            section=newsroom["world"], published=timezone.now() - timedelta(days=10 + number)
        )
    with django_assert_max_num_queries(40):
        assert client.get("/").status_code == 200


def test_the_front_page_shows_each_sections_newest_articles(newsroom):
    from tests.factories import make_section

    make_section(title="Empty")
    now = timezone.now()
    world = [
        make_article(
            section=newsroom["world"], title=f"World {n}", published=now - timedelta(minutes=n)
        )
        for n in range(5)
    ]
    teasers = selectors.section_teasers(newsroom["home"])
    assert [(section.title, [a.title for a in articles]) for section, articles in teasers] == [
        ("World", [article.title for article in world[:4]]),
        ("Science", ["New telescope opens"]),
    ]
    assert all(a.section.title == "World" for a in teasers[0][1])


def test_the_front_page_costs_the_same_queries_however_many_sections(client, newsroom):
    from tests.factories import make_section

    small = _page_queries(client, "/")
    assert len(small) <= 40
    for number in range(4):
        section = make_section(title=f"Desk {number}", slug=f"desk-{number}")
        make_article(
            section=section,
            authors=[newsroom["bo"]],
            title=f"From desk {number}",
            published=timezone.now() - timedelta(days=10 + number),  # the lead stays the lead
        )
    assert client.get("/").content.count(b"From desk ") >= 4
    assert len(_page_queries(client, "/")) <= len(small)


@pytest.mark.parametrize(
    "url",
    [
        "/world/",
        "/tags/transport/",
        "author",
        "/search/?q=council",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/api/v1/articles",
    ],
)
def test_a_listing_costs_the_same_queries_however_many_articles(
    client, newsroom, url, django_assert_max_num_queries
):
    from django.core.cache import cache

    from masthead.publishing import page_cache

    url = newsroom["ada"].url if url == "author" else url

    def rendered_afresh():
        cache.clear()
        page_cache.forget_versions()
        return client.get(url)

    rendered_afresh()  # warm renditions
    with django_assert_max_num_queries(40) as small:
        assert rendered_afresh().status_code == 200
    for number in range(14):
        make_article(
            section=newsroom["world"],
            authors=[newsroom["ada"], newsroom["bo"]],
            tags=["transport", f"local-{number}"],
            body_text="The council met on Tuesday.",
            published=timezone.now() - timedelta(days=1, minutes=number),
        )
    # A listing of one page knows its total without the COUNT that "Page 1 of N" then needs.
    counted = any(q["sql"].startswith("SELECT COUNT(") for q in small.captured_queries)
    with django_assert_max_num_queries(len(small.captured_queries) + (not counted)):
        assert rendered_afresh().status_code == 200


def test_an_articles_byline_costs_one_query_however_many_authors(newsroom):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.publishing.models import ArticlePage

    article = ArticlePage.objects.get(pk=newsroom["articles"]["ferry"].pk)  # as routing loads it
    with CaptureQueriesContext(connection) as queries:
        names = [author.name for author in article.authors]
    assert names == ["Ada Reporter", "Bo Writer"]
    assert len(queries) == 1


def test_an_article_never_saved_can_be_previewed(newsroom):
    # The editor's "Preview" before the first save or autosave: no comment thread yet.
    from masthead.publishing.models import ArticlePage

    section = newsroom["world"]
    draft = ArticlePage(title="Brand new story", slug="brand-new-story", standfirst="Fresh.")
    draft.set_url_path(section)
    draft.depth, draft.path = section.depth + 1, section.path + "9999"
    response = draft.make_preview_request()
    assert response.status_code == 200
    assert "Brand new story" in response.content.decode()


@pytest.mark.parametrize("path", ["/", "/science/", "/tags/transport/", "/search/?q=ferry"])
def test_listing_headings_descend_without_skipping_a_level(client, newsroom, path):
    """Screen-reader users jump between headings: an h3 card straight under the h1 reads as if a
    level were missing."""
    html = client.get(path).content.decode()
    # An element with a role of its own (role="status") is no longer a heading to them.
    levels = [int(level) for level in re.findall(r"<h([1-6])\b(?![^>]*\brole=)", html)]
    assert levels[0] == 1
    assert all(later <= earlier + 1 for earlier, later in pairwise(levels)), levels


def test_a_site_with_a_thousand_password_protected_articles_still_shows_the_others(
    client, newsroom
):
    """A WordPress site's protected posts come in with a restriction each. Wagtail's `public()`
    adds conditions to the query for every restriction, which SQLite refuses at about 1,000."""
    from wagtail.models import PageViewRestriction

    protected = make_article(
        title="Members' briefing", section=newsroom["world"], authors=[newsroom["ada"]]
    )
    # Whichever page a restriction is on, it adds its conditions: one page stands for a thousand.
    PageViewRestriction.objects.bulk_create(
        PageViewRestriction(
            page=protected, restriction_type=PageViewRestriction.PASSWORD, password=f"pw{number}"
        )
        for number in range(1200)
    )
    ferry = newsroom["articles"]["ferry"]

    listings = [
        "/",
        "/world/",
        "/tags/transport/",
        newsroom["ada"].url,
        "/feed/",
        "/world/feed/",
        "/sitemap.xml",
        "/news-sitemap.xml",
        "/search/?q=islanders",
        "/api/v1/articles",
    ]
    for url in listings:
        response = client.get(url)
        assert response.status_code == 200, url
        assert ferry.url in response.content.decode(), url
        assert protected.url not in response.content.decode(), url
    assert "Ada Reporter" in client.get("/authors/").content.decode()
    for url in [ferry.url, f"/comments/{ferry.pk}/", f"/api/v1/articles/{ferry.pk}/comments"]:
        assert client.get(url).status_code == 200, url
    assert client.get(f"/comments/{protected.pk}/").status_code == 404


def test_a_password_protected_article_asks_for_its_password_in_the_sites_layout(client, newsroom):
    from wagtail.models import PageViewRestriction

    article = newsroom["articles"]["ferry"]
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="members"
    )
    asked = client.get(article.url)
    page = BeautifulSoup(asked.content, "html.parser")
    assert asked.status_code == 200
    assert page.select_one("header.site-header") is not None
    assert page.h1.get_text(strip=True) == article.title
    assert "Islanders welcomed" not in asked.content.decode()
    form = page.select_one("form.stacked-form")
    action = form["action"]
    assert action == f"/_util/authenticate_with_password/{restriction.pk}/{article.pk}/"
    token = client.cookies["csrftoken"].value

    wrong = client.post(
        action, {"password": "guess", "return_url": article.url, "csrfmiddlewaretoken": token}
    )
    wrong_page = BeautifulSoup(wrong.content, "html.parser")
    assert wrong_page.select_one("header.site-header") is not None
    assert wrong_page.select_one('[role="alert"]') is not None

    right = client.post(
        action, {"password": "members", "return_url": article.url, "csrfmiddlewaretoken": token}
    )
    assert right.status_code == 302 and right["Location"] == article.url
    opened = client.get(article.url).content.decode()
    assert "Islanders welcomed" in opened and 'id="comments"' in opened


def test_an_uploaded_photo_has_its_page_sizes_made_before_its_first_reader_comes(
    client, newsroom, django_capture_on_commit_callbacks
):
    """Made during the first view instead, a 6000×4000 photo held its article's first reader
    (and the rest of that web process) for about 20 seconds."""
    from wagtail.images import get_image_model

    from masthead.publishing.renditions import PAGE_RENDITIONS

    with django_capture_on_commit_callbacks(execute=True):
        photo = make_image(title="Quay at dawn", width=1800, height=1200)
    renditions = get_image_model().get_rendition_model().objects.filter(image=photo)
    made = set(renditions.values_list("filter_spec", flat=True))
    assert made == set(PAGE_RENDITIONS)

    article = make_article(section=newsroom["world"], title="Dawn", featured_image=photo)
    home = newsroom["home"]
    home.lead_article = article
    home.save_revision().publish()
    for url in (article.url, "/", "/world/"):
        assert client.get(url).status_code == 200, url
    assert renditions.count() == len(PAGE_RENDITIONS)  # the pages made none of their own


def test_an_author_photo_has_its_byline_and_author_page_crops_made_ahead(
    client, newsroom, django_capture_on_commit_callbacks
):
    """The byline (48×48), the journalists' list (96×96) and the author page (160×160) crops
    were made by the first reader of each page, as the article sizes once were."""
    from wagtail.images import get_image_model

    with django_capture_on_commit_callbacks(execute=True):
        photo = make_image(title="Portrait", width=3000, height=2000)
    author = make_author(name="Cy Portrait", photo=photo)
    article = make_article(section=newsroom["world"], title="Portrait story", authors=[author])
    renditions = get_image_model().get_rendition_model().objects.filter(image=photo)
    made = renditions.count()

    for url in (article.url, author.url, author.get_parent().url):
        response = client.get(url)
        assert response.status_code == 200, url
        assert "Portrait" in response.content.decode()
    assert renditions.count() == made  # the pages made none of their own


def test_every_size_a_template_or_the_metadata_asks_for_is_made_ahead():
    """A size missing from PAGE_RENDITIONS is made by the first reader of a page showing it."""
    from pathlib import Path

    import masthead
    from masthead.publishing.renditions import PAGE_RENDITIONS

    root = Path(masthead.__file__).parent
    asked = set()
    for template in root.glob("**/templates/**/*.html"):
        text = template.read_text()
        for spec in re.findall(r"{%\s*image\s+\S+\s+([a-z]+-[0-9x]+)", text):
            asked.add(spec)
        srcset = r"{%\s*(?:distinct_)?srcset_image\s+\S+\s+([a-z]+)-{([0-9x,]+)}"
        for kind, sizes in re.findall(srcset, text):
            asked.update(f"{kind}-{size}" for size in sizes.split(","))
    for module in root.glob("**/*.py"):
        for call in re.findall(r"get_renditions?\(([^)]*)\)", module.read_text()):
            asked.update(re.findall(r'"([a-z]+-[0-9x]+)"', call))
    assert asked, "no image tags found"
    assert asked - set(PAGE_RENDITIONS) == set()


def grid_table(data, *, caption="", header="row"):
    return {
        "data": data,
        "table_caption": caption,
        "table_header_choice": header,
        "first_row_is_table_header": header in ("row", "both"),
        "first_col_is_header": header in ("column", "both"),
    }


def test_a_table_typed_into_the_grid_is_a_table_with_its_headers_and_caption(client, newsroom):
    article = make_article(
        body=[
            (
                "grid_table",
                grid_table(
                    [["Ward", "Votes"], ["North <b>quay</b>", "340"], ["Harbour\nside", None]],
                    caption="Results by ward",
                ),
            )
        ]
    )
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    region = page.select_one(".article__body .body-table")
    assert region["role"] == "region" and region["aria-label"] == "Results by ward"
    table = region.table
    assert table.caption.get_text(strip=True) == "Results by ward"
    assert [th.get_text(strip=True) for th in table.select("thead th[scope=col]")] == [
        "Ward",
        "Votes",
    ]
    rows = [
        [cell.get_text(" ", strip=True) for cell in tr.select("td")] for tr in table.tbody("tr")
    ]
    # the cells are text: markup typed into one is shown, never obeyed
    assert rows == [["North <b>quay</b>", "340"], ["Harbour side", ""]]
    assert table.find("b") is None and table.find("br") is not None


def test_the_front_page_reads_restrictions_and_sections_once_on_a_cache_miss(
    client, newsroom, django_assert_max_num_queries
):
    """The lead, the latest list and the sections' newest articles share one read of the
    restrictions below sections and of the sections themselves (26 queries on the big bench
    site before, 21 now)."""
    from django.core.cache import cache

    from masthead.publishing import page_cache

    def rendered_afresh():
        cache.clear()
        page_cache.forget_versions()
        return client.get("/")

    rendered_afresh()  # warm renditions
    with django_assert_max_num_queries(19):  # 24 before, on this small site
        page = rendered_afresh().content.decode()
    assert "Science" in page and "New telescope opens" in page


def test_a_grid_tables_unused_rows_and_columns_are_not_shown(client, newsroom):
    """The grid opens with more rows and columns than a small table needs; those left empty at
    the end were shown to readers as a blank row and column."""
    article = make_article(
        body=[
            (
                "grid_table",
                grid_table(
                    [
                        ["Phase", "Months", None],
                        ["Foundations", "3", ""],
                        [None, None, None],
                        [" ", None, None],
                    ]
                ),
            )
        ]
    )
    page = BeautifulSoup(client.get(article.url).content, "html.parser")
    table = page.select_one(".article__body .body-table table")
    assert [th.get_text(strip=True) for th in table.select("thead th")] == ["Phase", "Months"]
    assert [[td.get_text(strip=True) for td in tr("td")] for tr in table.tbody("tr")] == [
        ["Foundations", "3"]
    ]


def _page_queries(client, path) -> list[str]:
    """The queries of a page rendered afresh, its pictures' sizes made by an earlier visit (the
    content version's read, memoised for a second, is left out: a slow render may read it
    twice)."""
    from django.core.cache import cache
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from masthead.publishing import page_cache

    client.get(path)
    cache.clear()
    page_cache.forget_versions()
    with CaptureQueriesContext(connection) as captured:
        assert client.get(path).status_code == 200
    return [q["sql"] for q in captured if "publishing_contentversion" not in q["sql"]]


def test_the_front_page_reads_every_articles_pictures_and_authors_at_once(client, newsroom):
    """The lead, the latest list and the sections' boxes each read their articles' pictures and
    authors: six queries where two do. Neither the front page nor a section's page costs more
    queries when there are more articles to show."""
    from tests.factories import make_section

    front, section = _page_queries(client, "/"), _page_queries(client, "/world/")
    photo = make_image(title="The quay at dawn")
    culture = make_section(title="Culture")
    for number in range(selectors.ARTICLES_PER_PAGE + 2):
        for where in (newsroom["world"], newsroom["science"], culture):
            make_article(
                section=where,
                featured_image=photo,
                authors=[make_author(name=f"Writer {number}-{where.pk}")],
            )

    busy_front = _page_queries(client, "/")
    for table in ("publishing_creditedrendition", "publishing_articlepageauthor"):
        assert sum(f'FROM "{table}"' in sql for sql in busy_front) == 1
    # One more at most: the COUNT for "Page 1 of N", which a listing of one page does without.
    assert len(busy_front) <= len(front) + 1
    assert len(_page_queries(client, "/world/")) <= len(section) + 1


def test_a_listing_counts_its_articles_only_when_it_shows_how_many_pages_there_are(
    client, newsroom
):
    """Every front and section page ran a COUNT over the live articles, also where the template
    shows no page numbers: a listing of one page, or the last page of one, knows its total from
    the rows it shows. A first page with more after it still says "Page 1 of N"."""
    world = newsroom["world"]

    def counts(queries):
        return sum(sql.lstrip().startswith("SELECT COUNT(") for sql in queries)

    assert counts(_page_queries(client, "/")) == 0
    assert counts(_page_queries(client, "/world/")) == 0

    for number in range(selectors.ARTICLES_PER_PAGE + 1):
        make_article(section=world, title=f"Filler story {number}")
    assert counts(_page_queries(client, "/world/?page=2")) == 0
    first, second = (
        client.get("/world/").content.decode(),
        client.get("/world/?page=2").content.decode(),
    )
    assert "Page 1 of 2" in first and 'rel="next" href="?page=2"' in first
    assert "Page 2 of 2" in second and 'rel="prev" href="?page=1"' in second
    assert 'rel="next"' not in second
    assert second.count('<article class="card') == 3  # of 15 stories: 12 on the first page
    assert client.get("/world/?page=3").status_code == 404
    home = client.get("/?page=2").content.decode()
    assert "Page 2 of 2" in home and 'rel="next"' not in home


def test_the_restricted_sections_are_read_once_for_every_listing_until_the_content_changes(
    newsroom,
):
    """Every front and section page, and every request of the comments API, read the pages
    with restrictions over them (a query over every restriction of the site) next to Wagtail's
    own check of the page served. They are read again only when the site's content changes: a
    section restricted since is left out at once."""
    import re

    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from wagtail.models import PageViewRestriction

    def restriction_reads(queries) -> int:
        top_level = re.compile(r'^SELECT[^()]* FROM "wagtailcore_pageviewrestriction"')
        return sum(bool(top_level.match(q["sql"])) for q in queries)

    def shown() -> set[str]:
        page = selectors.front_page(home=newsroom["home"], page_number=1)
        teasers = [a for _, articles in page["sections"] for a in articles]
        return {a.title for a in [page["lead"], *page["articles"], *teasers]}

    assert "New telescope opens" in shown()
    with CaptureQueriesContext(connection) as again:
        assert "New telescope opens" in shown()
    assert restriction_reads(again.captured_queries) == 0

    PageViewRestriction.objects.create(
        page=newsroom["science"], restriction_type=PageViewRestriction.LOGIN
    )
    assert "New telescope opens" not in shown()
    assert "Ferry service extended" in shown()


def test_an_article_page_reads_its_tags_and_the_sites_identity_once(client, newsroom):
    """A page rendered afresh read the article's tags three times (its meta tags, its tag links,
    its JSON-LD keywords) and the site's name and logo twice (the template's, the JSON-LD's)."""
    import json

    election = newsroom["articles"]["election"]  # tagged politics and transport
    queries = _page_queries(client, election.url)
    assert sum('FROM "taggit_tag"' in sql for sql in queries) == 1
    assert sum('FROM "publishing_siteidentity"' in sql for sql in queries) == 1

    html = client.get(election.url).content.decode()
    assert '<meta property="article:tag" content="politics">' in html
    assert '<a href="/tags/transport/">transport</a>' in html
    raw = re.search(r'<script type="application/ld\+json">(.*?)</script>', html, re.S).group(1)
    assert sorted(json.loads(raw)["keywords"]) == ["politics", "transport"]
    assert json.loads(raw)["publisher"]["name"]


def test_a_protected_articles_password_cannot_be_guessed_without_end(client, newsroom):
    """Wagtail's form tried every password posted to it, as fast as a script could post."""
    from django.test import Client
    from wagtail.models import PageViewRestriction

    from masthead.publishing.views import (
        PASSWORD_TRIES_PER_NETWORK_PER_HOUR,
        TOO_MANY_PASSWORD_TRIES,
    )

    article = newsroom["articles"]["ferry"]
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="members"
    )
    action = f"/_util/authenticate_with_password/{restriction.pk}/{article.pk}/"
    for number in range(PASSWORD_TRIES_PER_NETWORK_PER_HOUR):
        wrong = client.post(action, {"password": f"guess{number}", "return_url": article.url})
        assert wrong.status_code == 200
    refused = client.post(action, {"password": "members", "return_url": article.url})
    assert refused.status_code == 429
    page = BeautifulSoup(refused.content, "html.parser")
    assert page.select_one('[role="alert"]').get_text(strip=True) == TOO_MANY_PASSWORD_TRIES
    assert page.select_one("form.stacked-form")["action"] == action  # the form is there to retry
    assert page.select_one('input[name="return_url"]')["value"] == article.url
    assert "Islanders welcomed" not in client.get(article.url).content.decode()

    # A reader on another network is not locked out by the guesser.
    other = Client(REMOTE_ADDR="198.51.100.7")
    right = other.post(action, {"password": "members", "return_url": article.url})
    assert right.status_code == 302 and right["Location"] == article.url


def test_readers_behind_one_address_who_know_an_articles_password_are_all_let_in(newsroom):
    """A class or an office is one network address: only wrong passwords count towards its
    limit, so the twenty-first reader there with the right password still gets in."""
    from django.test import Client
    from wagtail.models import PageViewRestriction

    from masthead.publishing.views import PASSWORD_TRIES_PER_NETWORK_PER_HOUR

    article = newsroom["articles"]["ferry"]
    restriction = PageViewRestriction.objects.create(
        page=article, restriction_type=PageViewRestriction.PASSWORD, password="members"
    )
    action = f"/_util/authenticate_with_password/{restriction.pk}/{article.pk}/"
    for _ in range(PASSWORD_TRIES_PER_NETWORK_PER_HOUR + 5):
        reader = Client(REMOTE_ADDR="203.0.113.9")
        right = reader.post(action, {"password": "members", "return_url": article.url})
        assert right.status_code == 302 and right["Location"] == article.url
    # One who mistypes it first is not locked out either.
    typo = Client(REMOTE_ADDR="203.0.113.9")
    assert typo.post(action, {"password": "member", "return_url": article.url}).status_code == 200
    assert typo.post(action, {"password": "members", "return_url": article.url}).status_code == 302


def test_the_times_of_listings_and_articles_are_moments_machines_can_read(client, newsroom):
    """`date:'c'` wrote microseconds into <time datetime>, which HTML does not allow there."""
    article = newsroom["articles"]["ferry"]
    for path in ("/", "/world/", article.url):
        html = client.get(path).content.decode()
        assert time_moments(html), path
        assert unreadable_time_moments(html) == [], path


@pytest.mark.django_db(transaction=True)
@pytest.mark.parametrize("file_kept", [False, True], ids=["file gone", "file still read"])
def test_a_photo_deleted_while_its_sizes_are_made_ends_the_job_quietly(monkeypatch, file_kept):
    """An editor who uploads a duplicate and picks "Use existing and delete new" deletes the new
    photo while the worker makes its sizes: the job failed with an IntegrityError and a traceback
    in the log for every such upload."""
    from django.core.files.storage import FileSystemStorage

    from masthead.publishing.models import CreditedImage
    from masthead.publishing.renditions import page_renditions_make

    make_home()  # the tree and the root collection, which a transactional test starts without
    photo = make_image(title="Duplicate", width=1200, height=800)
    make_sizes = CreditedImage.get_renditions

    def deleted_meanwhile(image, *specs):
        if file_kept:  # the worker read the file first: its sizes are refused as it saves them
            monkeypatch.setattr(FileSystemStorage, "delete", lambda storage, name: None)
        CreditedImage.objects.filter(pk=image.pk).delete()
        return make_sizes(image, *specs)

    monkeypatch.setattr(CreditedImage, "get_renditions", deleted_meanwhile)
    assert page_renditions_make.call(photo.pk) == 0
    assert not CreditedImage.get_rendition_model().objects.filter(image_id=photo.pk).exists()
