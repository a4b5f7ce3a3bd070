"""Median render times and requests per second of the reader-facing pages, against bench/server.py.

.venv/bin/python bench/pages.py [--base http://127.0.0.1:8100] [--requests 40] [--wrk-seconds 15]
"""

import argparse
import http.client
import json
import re
import shutil
import statistics
import subprocess
import time
from http.cookies import SimpleCookie
from urllib.parse import urlencode, urlsplit

READERS = ("anonymous", "took part elsewhere", "took part here")


def fetch(connection, path, headers=None):
    started = time.perf_counter()
    connection.request(
        "GET", path, headers={"Accept": "text/html,application/json", **(headers or {})}
    )
    response = connection.getresponse()
    body = response.read()
    elapsed = time.perf_counter() - started
    if response.status != 200:
        raise SystemExit(f"{path}: HTTP {response.status}")
    return elapsed, body


def guest_who_voted(base: str, paths: list[str]) -> dict[str, str]:
    """The headers of a new guest who voted on the first comment of each article at `paths`,
    through the page's own vote form as a reader without JavaScript does: their signed comment
    cookie. Where they took part, their pages are rendered; elsewhere they share the cache."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    jar = SimpleCookie()

    def send(method, path, body=None, headers=None):
        cookie = "; ".join(f"{name}={morsel.value}" for name, morsel in jar.items())
        connection.request(method, path, body=body, headers={"Cookie": cookie, **(headers or {})})
        response = connection.getresponse()
        content = response.read().decode()
        for header in response.headers.get_all("Set-Cookie") or []:
            jar.load(header)
        return response.status, content

    for path in paths:
        _, page = send("GET", path)
        comment = re.search(r'data-comment-id="(\d+)"', page)
        token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', page)
        if comment is None or token is None:
            raise SystemExit(f"{path}: no comment to vote on")
        status, _ = send(
            "POST",
            f"/comments/comment/{comment.group(1)}/vote/",
            urlencode({"value": "1", "csrfmiddlewaretoken": token.group(1)}),
            {"Content-Type": "application/x-www-form-urlencoded", "Referer": base + path},
        )
        if status != 302 or "masthead_reader" not in jar:
            raise SystemExit(f"{path}: the vote was refused (HTTP {status})")
    connection.close()
    return {"Cookie": f"masthead_reader={jar['masthead_reader'].value}"}


def reader_headers(base: str, articles: list[str]) -> dict[str, dict[str, str] | None]:
    """For each of READERS, the headers of such a reader of the pages at `articles`: a guest who
    took part elsewhere voted on a demo article outside them, one who took part here on each."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    _, body = fetch(connection, "/api/v1/articles?limit=100")
    connection.close()
    elsewhere = next(
        urlsplit(item["url"]).path
        for item in json.loads(body)
        if item.get("comment_count") and urlsplit(item["url"]).path not in articles
    )
    return {
        "anonymous": None,
        "took part elsewhere": guest_who_voted(base, [elsewhere]),
        "took part here": guest_who_voted(base, articles),
    }


def timings(base, path, count, headers=None):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    for _ in range(5):
        fetch(connection, path, headers)
    samples = [fetch(connection, path, headers)[0] * 1000 for _ in range(count)]
    connection.close()
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


def bench_article(base: str, size: str = "1,000") -> dict:
    """The API's item for the bench article with `size` comments (see generate_thread.py)."""
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    _, body = fetch(connection, "/api/v1/articles?limit=100")
    connection.close()
    title = f"Bench article with {size} comments"
    return next(item for item in json.loads(body) if item["title"] == title)


def bench_urls(base):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    _, body = fetch(connection, "/api/v1/articles?limit=100")
    articles = json.loads(body)
    by_title = {item["title"]: item for item in articles}
    ordinary = next(item for item in articles if not item["title"].startswith("Bench article"))
    urls = {
        "home page": "/",
        "article (demo, 8 comments max)": urlsplit(ordinary["url"]).path,
        # Every open article page polls this while JavaScript is on and streams are off.
        "comment updates poll (demo article)": f"/comments/{ordinary['id']}/updates/?since=0",
    }
    for item in articles:
        match = re.match(r"Bench article with ([\d,]+) comments", item["title"])
        if match:
            size = match.group(1)
            urls[f"article with {size} comments"] = urlsplit(item["url"]).path
            urls[f"comments API, {size}-comment thread"] = (
                f"/api/v1/articles/{item['id']}/comments?sort=newest&page=1"
            )
    del by_title
    return urls


def run_wrk(base, path, seconds, connections, headers=None):
    if not shutil.which("wrk"):
        return None
    extra = [arg for key, value in (headers or {}).items() for arg in ("-H", f"{key}: {value}")]
    output = subprocess.run(
        ["wrk", "-t2", f"-c{connections}", f"-d{seconds}s", "--latency", *extra, base + path],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    rate = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    p50 = re.search(r"50%\s+([\d.]+\w+)", output).group(1)
    return rate, p50, int(errors.group(1)) if errors else 0


def print_timings(
    base: str, urls: dict[str, str], requests: int, readers: dict, kind: str = "page"
) -> None:
    """Median and p95 of each address for each of READERS (`readers`, from reader_headers): an
    anonymous reader and a guest who took part elsewhere get the page cache; a guest who took
    part in the article's discussion gets it rendered."""
    print(f"Sequential requests ({requests} after 5 warm-up), one keep-alive connection:")
    print(f"  {kind:42}" + "".join(f"{who:>24}" for who in READERS))
    print(f"  {'':42}" + f"{'median ms':>14}{'p95 ms':>10}" * len(READERS))
    for name, path in urls.items():
        row = [timings(base, path, requests, readers[who]) for who in READERS]
        print(f"  {name:42}" + "".join(f"{median:14.1f}{p95:10.1f}" for median, p95 in row))


def article_paths(urls: dict[str, str]) -> list[str]:
    return [path for name, path in urls.items() if name.startswith("article")]


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8100")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--wrk-seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    urls = bench_urls(args.base)
    readers = reader_headers(args.base, article_paths(urls))
    print_timings(args.base, urls, args.requests, readers)
    print(
        f"\nLoad: wrk, 2 threads, {args.connections} connections, {args.wrk_seconds} s each (server and wrk share the 2 cores):"
    )
    for name, path in urls.items():
        for who in READERS:
            result = run_wrk(args.base, path, args.wrk_seconds, args.connections, readers[who])
            if result is None:
                print("  wrk is not installed (apt-get install wrk)")
                return
            rate, p50, errors = result
            print(
                f"  {name:42} {who:20} {rate:8.1f} req/s   median latency {p50:>8}   non-2xx {errors}"
            )


if __name__ == "__main__":
    main()
