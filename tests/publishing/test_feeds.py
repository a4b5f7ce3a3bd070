"""Feeds answer each request alone."""

import xml.etree.ElementTree as ET
from unittest import mock

import pytest
from django.core.cache import cache
from wagtail.models import Site

from masthead.publishing.feeds import SiteFeed

pytestmark = pytest.mark.django_db


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
