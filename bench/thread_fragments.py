"""Median times of the thread fragments the comment section's script fetches, against
bench/server.py.

.venv/bin/python bench/thread_fragments.py [--base http://127.0.0.1:8100] [--requests 200]

With JavaScript, sorting, "show new" and "Load more comments" fetch a page of the thread as list
items from /comments/<article id>/ (`?sort=`, then `&after=&snapshot=` from the headers of the
answer before). Both are fetched for the bench article with 1,000 comments by an anonymous
reader and by a guest who took part elsewhere (page cache), and by a guest who voted in this
thread (rendered).
"""

import argparse
import http.client
import sys
from pathlib import Path
from urllib.parse import urlencode, urlsplit

sys.path.insert(0, str(Path(__file__).resolve().parent))
from pages import bench_article, print_timings, reader_headers


def fragment_urls(base: str, article: dict) -> dict[str, str]:
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    thread = f"/comments/{article['id']}/"
    connection.request("GET", thread + "?sort=newest")
    first = connection.getresponse()
    first.read()
    connection.close()
    cursor, snapshot = first.getheader("X-Next-Cursor"), first.getheader("X-Snapshot")
    if not cursor:
        raise SystemExit(f"{thread}: no X-Next-Cursor (is the thread long?)")
    # Encoded as the script's URLSearchParams does.
    more = urlencode({"sort": "newest", "after": cursor, "snapshot": snapshot})
    return {
        "sort or show new (?sort=newest)": thread + "?sort=newest",
        "load more (?sort=&after=&snapshot=)": f"{thread}?{more}",
    }


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8100")
    parser.add_argument("--requests", type=int, default=200)
    args = parser.parse_args()
    article = bench_article(args.base)
    readers = reader_headers(args.base, [urlsplit(article["url"]).path])
    print_timings(
        args.base, fragment_urls(args.base, article), args.requests, readers, kind="fragment"
    )


if __name__ == "__main__":
    main()
