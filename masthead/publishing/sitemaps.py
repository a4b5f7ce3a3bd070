"""The sitemap of every page, and the Google News sitemap: articles of the last two days, as
Google asks."""

from datetime import timedelta

from django.contrib.sitemaps import views as sitemap_views
from django.contrib.sitemaps.views import SitemapIndexItem, x_robots_tag
from django.shortcuts import render
from django.template.response import TemplateResponse
from django.utils import timezone, translation
from wagtail.contrib.sitemaps import Sitemap
from wagtail.models import Site

from masthead.links import canonical_root
from masthead.publishing import selectors
from masthead.publishing.models import SiteIdentity

NEWS_SITEMAP_WINDOW = timedelta(days=2)
NEWS_SITEMAP_LIMIT = 1000  # Google reads at most 1,000 <url> entries per news sitemap


# Pages listed in one sitemap file (the protocol allows 50,000): a site with more gets a sitemap
# index at /sitemap.xml naming /sitemap.xml?p=1, ?p=2…, so that no request reads every page.
SITEMAP_PAGE_SIZE = 1000


class PublicPagesSitemap(Sitemap):
    """Wagtail's sitemap of the site's live pages, with restricted pages left out by
    selectors.public_pages: Wagtail's own filter fails on SQLite at about a thousand. The pages
    are read as plain pages, only what their address and date need (no page type here gives
    other sitemap entries): half the time of reading each as its own type."""

    limit = SITEMAP_PAGE_SIZE

    def items(self):
        pages = self.get_wagtail_site().root_page.get_descendants(inclusive=True).live()
        return (
            selectors.public_pages(pages)
            .order_by("path")
            .only(
                "id", "path", "depth", "url_path", "last_published_at", "latest_revision_created_at"
            )
        )


class CachedSitemap:
    """/sitemap.xml (and its pages, ?p=N) as the page cache stores it: under the content version,
    like the pages it lists (every publish, move or deletion makes a new one)."""

    pk = 0
    page_cache_variant_source = None
    page_cache_personal_cookies = ()
    page_cache_personal_view = None
    page_cache_cookies: dict[str, str] = {}

    def page_cache_query_values(self, request) -> dict[str, str]:
        return {"p": r"[1-9][0-9]{0,5}"}


def sitemap(request):
    from masthead.publishing.page_cache import serve_cached

    return serve_cached(request, CachedSitemap(), lambda: _sitemap_or_index(request))


@x_robots_tag
def _sitemap_or_index(request):
    """Every public page, or on a site with more than SITEMAP_PAGE_SIZE, without ?p=, the index
    of the sitemap's pages (one count query)."""
    sitemaps = {"pages": PublicPagesSitemap(request)}
    pages = sitemaps["pages"].paginator.num_pages
    if "p" in request.GET or pages <= 1:
        return sitemap_views.sitemap(request, sitemaps=sitemaps)
    index = [
        SitemapIndexItem(f"{canonical_root(request)}{request.path}?p={number}", None)
        for number in range(1, pages + 1)
    ]
    return TemplateResponse(
        request,
        "sitemap_index.xml",
        {"sitemaps": index},
        content_type="application/xml; charset=utf-8",
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
