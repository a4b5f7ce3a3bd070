from django.shortcuts import render

from masthead.links import canonical_root
from masthead.publishing import selectors


def search(request):
    """Site search at /search/?q=…"""
    context = selectors.search_articles(
        request.GET.get("q", ""), page_number=request.GET.get("page")
    )
    return render(request, "publishing/search.html", context)


def robots_txt(request):
    # On the site's own host, as the sitemaps name their pages (a crawler may come by an alias).
    sitemap = canonical_root(request) + "/sitemap.xml"
    news_sitemap = canonical_root(request) + "/news-sitemap.xml"
    body = f"User-agent: *\nDisallow: /admin/\nDisallow: /api/\n\nSitemap: {sitemap}\nSitemap: {news_sitemap}\n"
    return render(request, "publishing/robots.txt", {"body": body}, content_type="text/plain")
