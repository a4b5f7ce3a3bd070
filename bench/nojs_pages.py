"""Median times of the comment pages readers reach without JavaScript, against bench/server.py.

.venv/bin/python bench/nojs_pages.py [--base http://127.0.0.1:8100] [--requests 200]

Without JavaScript, "Reply" opens the article with the form set to answer a comment
(`?reply_to=`), and "Load more comments" the article continued after the last comment shown
(`?comments_after=`). Both links are read from the bench article with 1,000 comments as an
anonymous reader sees it; each page is then fetched by an anonymous reader (page cache) and by
a reader with a comment cookie (always rendered).
"""

import argparse
import html
import http.client
import json
import re
import sys
from pathlib import Path
from urllib.parse import urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import fetch, print_timings


def nojs_urls(base: str) -> dict[str, str]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    _, body = fetch(connection, "/api/v1/articles?limit=100")
    article = next(
        item
        for item in json.loads(body)
        if re.match(r"Bench article with 1,000 comments", item["title"])
    )
    path = urlsplit(article["url"]).path
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
    print_timings(args.base, nojs_urls(args.base), args.requests)


if __name__ == "__main__":
    main()
