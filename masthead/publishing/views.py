from django.shortcuts import render

from masthead.publishing import selectors


def search(request):
    """Site search at /search/?q=…"""
    context = selectors.search_articles(
        request.GET.get("q", ""), page_number=request.GET.get("page")
    )
    return render(request, "publishing/search.html", context)


def robots_txt(request):
    sitemap = request.build_absolute_uri("/sitemap.xml")
    news_sitemap = request.build_absolute_uri("/news-sitemap.xml")
    body = f"User-agent: *\nDisallow: /admin/\nDisallow: /api/\n\nSitemap: {sitemap}\nSitemap: {news_sitemap}\n"
    return render(request, "publishing/robots.txt", {"body": body}, content_type="text/plain")
