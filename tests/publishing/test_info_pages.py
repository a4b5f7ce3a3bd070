"""Information pages: a newsroom's About us, Contact, Privacy and Corrections policy, linked from
the footer of every page."""

import json
import re
import xml.etree.ElementTree as ET

import pytest
from django.test import Client
from wagtail.models import Page

from masthead.publishing.models import InfoPage
from tests.factories import make_info_page
from tests.markup import time_moments, unreadable_time_moments

pytestmark = pytest.mark.django_db

SITEMAP = "{http://www.sitemaps.org/schemas/sitemap/0.9}"


def footer_links(html: str) -> list[str]:
    footer = html.split('class="site-footer"', 1)[1]
    return re.findall(r'<a href="[^"]*">([^<]+)</a>', footer)


def json_ld(html: str) -> dict:
    return json.loads(
        re.search(r'<script type="application/ld\+json">(.*?)</script>', html).group(1)
    )


def test_an_information_page_shows_its_title_intro_and_body_without_byline_or_comments(newsroom):
    page = make_info_page(
        title="About us",
        intro="An independent newsroom for the coast.",
        body_html="<h2>Who pays for our journalism</h2><p>Mostly our readers.</p>",
        schema_type="AboutPage",
    )
    response = Client().get(page.url)
    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1" in html and "About us</h1>" in html
    assert "An independent newsroom for the coast." in html
    assert "<h2>Who pays for our journalism</h2>" in html
    assert "byline" not in html and 'id="comments"' not in html and "goal-bar" not in html
    assert f'<link rel="canonical" href="http://testserver{page.url}">' in html
    assert '<meta name="description" content="An independent newsroom for the coast.">' in html
    schema = json_ld(html)
    assert schema["@type"] == "AboutPage"
    assert schema["url"] == f"http://testserver{page.url}"
    assert schema["about"]["@type"] == "NewsMediaOrganization"


def test_pages_chosen_for_the_footer_show_there_on_every_page_in_the_editors_order(newsroom):
    about = make_info_page(title="About us")
    make_info_page(title="Terms", in_footer=False)
    make_info_page(title="Privacy policy")
    for url in ("/", newsroom["articles"]["ferry"].url, newsroom["world"].url, about.url):
        links = footer_links(Client().get(url).content.decode())
        assert links[:2] == ["About us", "Privacy policy"], url
        assert "Terms" not in links

    # The editor drags Privacy above About in the admin's page listing.
    Page.objects.get(pk=InfoPage.objects.get(title="Privacy policy").pk).move(
        Page.objects.get(pk=about.pk), pos="left"
    )
    assert footer_links(Client().get("/").content.decode())[:2] == ["Privacy policy", "About us"]


def test_an_unpublished_page_leaves_the_footer_of_cached_pages_at_once(newsroom):
    about = make_info_page(title="About us")
    article_url = newsroom["articles"]["ferry"].url
    assert "About us" in footer_links(Client().get(article_url).content.decode())
    assert "About us" in footer_links(Client().get(article_url).content.decode())  # cached

    about.unpublish()

    assert "About us" not in footer_links(Client().get(article_url).content.decode())
    assert Client().get(about.url).status_code == 404


def test_search_finds_an_information_page(client, newsroom):
    make_info_page(
        title="Corrections policy",
        intro="When we get something wrong, we say so.",
        body_html="<p>Write to the standards editor about any inaccuracy.</p>",
    )
    html = client.get("/search/", {"q": "inaccuracy"}).content.decode()
    assert "Corrections policy" in html
    assert "Nothing matched your search" not in html


def test_search_leaves_out_an_information_page_that_is_not_live(client, newsroom):
    page = make_info_page(title="Corrections policy", body_html="<p>Any inaccuracy.</p>")
    page.unpublish()
    html = client.get("/search/", {"q": "inaccuracy"}).content.decode()
    assert "Corrections policy" not in html


def test_the_sitemap_lists_an_information_page(client, newsroom):
    page = make_info_page(title="Privacy policy")
    response = client.get("/sitemap.xml")
    urls = {loc.text for loc in ET.fromstring(response.content).iter(f"{SITEMAP}loc")}
    assert "http://testserver" + page.url in urls


def test_editors_add_information_pages_under_the_front_page_only(newsroom):
    from masthead.publishing.models import HomePage, SectionPage

    assert InfoPage in HomePage.allowed_subpage_models()
    assert InfoPage not in SectionPage.allowed_subpage_models()
    assert InfoPage._meta.verbose_name == "information page"


def test_editors_can_write_an_information_page_in_the_admin(admin_client, newsroom):
    home = newsroom["home"]
    form = admin_client.get(f"/admin/pages/add/publishing/infopage/{home.pk}/")
    assert form.status_code == 200
    assert "Show in the footer" in form.content.decode()
    response = admin_client.post(
        f"/admin/pages/add/publishing/infopage/{home.pk}/",
        {
            "title": "Contact",
            "slug": "contact",
            "intro": "How to reach us.",
            "body-count": "1",
            "body-0-deleted": "",
            "body-0-order": "0",
            "body-0-type": "paragraph",
            "body-0-value": json.dumps(
                {
                    "blocks": [
                        {
                            "key": "a",
                            "type": "unstyled",
                            "text": "Call us.",
                            "depth": 0,
                            "inlineStyleRanges": [],
                            "entityRanges": [],
                        }
                    ],
                    "entityMap": {},
                }
            ),
            "schema_type": "ContactPage",
            "show_in_menus": "on",
            "action-publish": "publish",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    page = InfoPage.objects.get(slug="contact")
    assert page.live and page.show_in_menus
    assert "Contact" in footer_links(Client().get("/").content.decode())


def test_an_information_pages_last_update_is_a_moment_machines_can_read(newsroom):
    page = make_info_page(title="About us", body_html="<p>Who we are.</p>")
    html = Client().get(page.url).content.decode()
    assert time_moments(html) and unreadable_time_moments(html) == []
