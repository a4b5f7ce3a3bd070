"""The Google News sitemap: articles of the last two days, as Google asks."""

from datetime import timedelta

from django.shortcuts import render
from django.utils import timezone
from wagtail.models import Site

from masthead.publishing import selectors
from masthead.publishing.models import SiteIdentity

NEWS_SITEMAP_WINDOW = timedelta(days=2)
NEWS_SITEMAP_LIMIT = 1000  # Google reads at most 1,000 <url> entries per news sitemap


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
            "language": (request.LANGUAGE_CODE if hasattr(request, "LANGUAGE_CODE") else "en")[:2],
        },
        content_type="application/xml; charset=utf-8",
    )
