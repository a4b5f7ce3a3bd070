"""The sitemap of every page, and the Google News sitemap: articles of the last two days, as
Google asks."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone, translation
from wagtail.contrib.sitemaps import Sitemap
from wagtail.contrib.sitemaps.views import sitemap as wagtail_sitemap
from wagtail.models import Site

from masthead.publishing import selectors
from masthead.publishing.models import SiteIdentity

NEWS_SITEMAP_WINDOW = timedelta(days=2)
NEWS_SITEMAP_LIMIT = 1000  # Google reads at most 1,000 <url> entries per news sitemap


class PublicPagesSitemap(Sitemap):
    """Wagtail's sitemap of the site's live pages, with restricted pages left out by
    selectors.public_pages: Wagtail's own filter fails on SQLite at about a thousand."""

    def items(self):
        pages = self.get_wagtail_site().root_page.get_descendants(inclusive=True).live()
        return selectors.public_pages(pages).order_by("path").defer_streamfields().specific()


class CachedSitemap:
    """/sitemap.xml as the page cache stores it: under the content version, like the pages it
    lists (every publish, move or deletion makes a new one). Uncached, it reads every live page:
    1,500 of them took half a second."""

    pk = 0
    page_cache_variant_source = None
    page_cache_personal_cookies = ()
    page_cache_personal_view = None
    page_cache_cookies: dict[str, str] = {}

    def page_cache_query_values(self, request) -> dict[str, str]:
        return {}


def sitemap(request):
    from masthead.publishing.page_cache import serve_cached

    return serve_cached(
        request,
        CachedSitemap(),
        lambda: wagtail_sitemap(request, sitemaps={"pages": PublicPagesSitemap}),
    )


def news_language(language_code: str) -> str:
    """The publication's language as Google News names it: the ISO 639 code, except zh-cn and
    zh-tw for simplified and traditional Chinese."""
    code = language_code.lower()
    if code in ("zh-hans", "zh-cn", "zh-sg", "zh-my"):
        return "zh-cn"
    if code in ("zh-hant", "zh-tw", "zh-hk", "zh-mo"):
        return "zh-tw"
    return code.split("-")[0]


def news_sitemap(request):
    site = Site.find_for_request(request)
    identity = SiteIdentity.for_site(site) if site else None
    since = timezone.now() - NEWS_SITEMAP_WINDOW
    articles = (
        selectors.live_articles(site.root_page if site else None)
        .filter(first_published_at__gte=since)
        .prefetch_related(None)[:NEWS_SITEMAP_LIMIT]
    )
    return render(
        request,
        "publishing/news_sitemap.xml",
        {
            "articles": articles,
            "publication_name": identity.name if identity else "Masthead",
            "language": news_language(translation.get_language() or "en"),
        },
        content_type="application/xml; charset=utf-8",
    )
