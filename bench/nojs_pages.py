"""Median times of the comment pages readers reach without JavaScript, against bench/server.py.

.venv/bin/python bench/nojs_pages.py [--base http://127.0.0.1:8100] [--requests 200]

Without JavaScript, "Reply" opens the article with the form set to answer a comment
(`?reply_to=`), and "Load more comments" the article continued after the last comment shown
(`?comments_after=`). Both links are read from the bench article with 1,000 comments as an
anonymous reader sees it; each page is then fetched by an anonymous reader and by a guest who
took part elsewhere (page cache), and by a guest who voted in this thread (rendered).
"""

import argparse
import html
import http.client
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import bench_article, fetch, print_timings, reader_headers


def nojs_urls(base: str) -> dict[str, str]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    path = urlsplit(bench_article(base)["url"]).path
    _, page = fetch(connection, path)
    page = page.decode()
    connection.close()
    reply = re.search(r'class="comment__reply" href="([^"]+)"', page)
    more = re.search(r'href="([^"]+)"[^>]*>Load more comments<', page)
    if reply is None or more is None:
        raise SystemExit(f"{path}: no Reply or Load more link (is the thread open and long?)")
    return {
        "article": path,
        "reply to a comment (?reply_to=)": path + html.unescape(reply.group(1)).split("#")[0],
        "load more comments (?comments_after=)": path + html.unescape(more.group(1)).split("#")[0],
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8100")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    urls = nojs_urls(args.base)
    print_timings(args.base, urls, args.requests, reader_headers(args.base, [urls["article"]]))


if __name__ == "__main__":
    main()
