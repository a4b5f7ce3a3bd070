from urllib.parse import urlencode

from django.http import Http404
from django.shortcuts import redirect, render
from django.urls import reverse

from masthead.links import canonical_root
from masthead.publishing import selectors


def search(request):
    """Site search at /search/?q=…"""
    query, page_number = request.GET.get("q", ""), request.GET.get("page")
    try:
        context = selectors.search_articles(query, page_number=page_number)
    except Http404:
        if not (page_number or "").isdigit() or int(page_number) <= 1:
            raise
        # A later page than the results now have (fewer match than when the link was made):
        # their last page, the search kept, as a listing's old further page goes to its last.
        first = selectors.search_articles(query, page_number=1)["page_obj"]
        last = first.paginator.num_pages if first else 1
        params = {"q": query, **({"page": last} if last > 1 else {})}
        return redirect(f"{reverse('search')}?{urlencode(params)}")
    return render(request, "publishing/search.html", context)


def robots_txt(request):
    # On the site's own host, as the sitemaps name their pages (a crawler may come by an alias).
    sitemap = canonical_root(request) + "/sitemap.xml"
    news_sitemap = canonical_root(request) + "/news-sitemap.xml"
    body = f"User-agent: *\nDisallow: /admin/\nDisallow: /api/\n\nSitemap: {sitemap}\nSitemap: {news_sitemap}\n"
    return render(request, "publishing/robots.txt", {"body": body}, content_type="text/plain")
