"""Queries, time and size of the pages of a big site (bench/big_site.py), rendered without the
page cache: `MASTHEAD_HOME=... python bench/big_site_pages.py [--repeat 3]`.

Each URL is asked for by a guest and by the signed-in `reader500` through Django's test client
in this process, with the cache cleared before every request (what a cache miss costs); the
median of `--repeat` requests is printed with the queries of the last one.
"""

import argparse
import os
import statistics
import time


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--repeat", type=int, default=3)
    parser.add_argument("--only", default="", help="only URLs containing this text")
    args = parser.parse_args()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    from django.conf import settings
    from django.core.cache import cache
    from django.db import connection
    from django.db.models import Count
    from django.test import Client
    from django.test.utils import CaptureQueriesContext, setup_test_environment

    from masthead.discussion.models import Comment
    from masthead.publishing.models import ArticlePage, SectionPage

    setup_test_environment()
    settings.ALLOWED_HOSTS = ["*"]
    big = ArticlePage.objects.get(slug="big-article-1999")
    section = SectionPage.objects.get(slug="big-politics")
    root = Comment.objects.filter(article=big, parent__isnull=True).order_by("created").first()
    deep = Comment.objects.filter(article=big, root=root).order_by("-created").first()
    # The longest conversation, and the page of the API's oldest-first listing that carries it.
    longest = (
        Comment.objects.filter(article=big, root__isnull=False)
        .values("root_id")
        .annotate(replies=Count("id"))
        .order_by("-replies")[0]["root_id"]
    )
    longest_created = Comment.objects.get(pk=longest).created
    before = Comment.objects.filter(
        article=big, parent__isnull=True, created__lt=longest_created
    ).count()
    urls = [
        "/",
        "/?page=50",
        section.url,
        section.url + "?page=30",
        "/tags/topic-3/",
        "/tags/topic-3/?page=5",
        big.url,
        big.url + "?comments_sort=oldest",
        big.url + "?comments_sort=most_voted",
        big.url + "?comments=all",
        big.url + "?comments=all&comments_sort=oldest",
        f"/comments/{big.pk}/?sort=newest",
        f"/comments/{big.pk}/?sort=oldest&all=1",
        f"/comments/comment/{deep.pk}/",
        f"/api/v1/articles/{big.pk}/comments?sort=newest",
        f"/api/v1/articles/{big.pk}/comments?sort=most_voted&page=20",
        f"/api/v1/articles/{big.pk}/comments?sort=oldest&page={before // 20 + 1}",
        f"/api/v1/articles/{big.pk}/comments/{longest}/replies",
        "/api/v1/articles?limit=20&offset=1000",
        "/feed/",
        "/feed/atom/",
        section.url + "feed/",
        "/sitemap.xml",
        "/sitemap.xml?p=2",
        "/news-sitemap.xml",
        "/search/?q=harbour",
        "/search/?q=harbour+council",
        "/search/?q=zzyzx",
        "/search/?q=big",
        "/accounts/",
        "/admin/moderation/",
        "/admin/moderation/?queue=reported",
        "/admin/moderation/?queue=published",
        "/admin/moderation/decisions/",
    ]
    guest = Client()
    reader = Client()
    assert reader.login(username="reader500", password="bench-reader-500")  # noqa: S106
    admin = Client()
    from django.contrib.auth import get_user_model

    admin.force_login(get_user_model().objects.get(username="admin"))
    if args.only:
        urls = [url for url in urls if args.only in url]
    print(f"{'url':60} {'who':6} {'status':>6} {'queries':>7} {'ms':>8} {'KB':>7}")
    for url in urls:
        who = [("admin", admin)] if url.startswith("/admin/") else [("guest", guest)]
        if not url.startswith("/admin/"):
            who.append(("reader", reader))
        for name, client in who:
            if url.startswith("/accounts/") and name == "guest":
                continue
            times = []
            for _ in range(args.repeat):
                cache.clear()
                with CaptureQueriesContext(connection) as queries:
                    start = time.perf_counter()
                    response = client.get(url, HTTP_HOST="127.0.0.1")
                    body = b"".join(response) if response.streaming else response.content
                    times.append((time.perf_counter() - start) * 1000)
            print(
                f"{url[:60]:60} {name:6} {response.status_code:>6} {len(queries):>7}"
                f" {statistics.median(times):>8.1f} {len(body) / 1024:>7.0f}"
            )


if __name__ == "__main__":
    main()
