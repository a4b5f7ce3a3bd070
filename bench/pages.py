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
from urllib.parse import urlsplit

# A reader with a comment cookie: their pages are never served from the page cache.
PERSONAL = {"Cookie": "masthead_reader=bench-reader"}


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


def timings(base, path, count, headers=None):
    parts = urlsplit(base)
    connection = http.client.HTTPConnection(parts.hostname, parts.port, timeout=60)
    for _ in range(5):
        fetch(connection, path, headers)
    samples = [fetch(connection, path, headers)[0] * 1000 for _ in range(count)]
    connection.close()
    samples.sort()
    return statistics.median(samples), samples[int(len(samples) * 0.95) - 1]


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


def print_timings(base: str, urls: dict[str, str], requests: int, kind: str = "page") -> None:
    """Median and p95 of each address, for an anonymous reader (page cache) and for a reader
    with a comment cookie (always rendered)."""
    print(f"Sequential requests ({requests} after 5 warm-up), one keep-alive connection:")
    print(f"  {kind:42} {'anonymous (page cache)':>24} {'reader with cookie (rendered)':>30}")
    print(f"  {'':42} {'median ms':>12} {'p95 ms':>10} {'median ms':>15} {'p95 ms':>13}")
    for name, path in urls.items():
        median, p95 = timings(base, path, requests)
        rendered_median, rendered_p95 = timings(base, path, requests, PERSONAL)
        print(
            f"  {name:42} {median:12.1f} {p95:10.1f} {rendered_median:15.1f} {rendered_p95:13.1f}"
        )


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--base", default="http://127.0.0.1:8100")
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--wrk-seconds", type=int, default=15)
    parser.add_argument("--connections", type=int, default=16)
    args = parser.parse_args()
    urls = bench_urls(args.base)
    print_timings(args.base, urls, args.requests)
    print(
        f"\nLoad: wrk, 2 threads, {args.connections} connections, {args.wrk_seconds} s each (server and wrk share the 2 cores):"
    )
    for name, path in urls.items():
        for who, headers in (("anonymous", None), ("with cookie", PERSONAL)):
            result = run_wrk(args.base, path, args.wrk_seconds, args.connections, headers)
            if result is None:
                print("  wrk is not installed (apt-get install wrk)")
                return
            rate, p50, errors = result
            print(
                f"  {name:42} {who:12} {rate:8.1f} req/s   median latency {p50:>8}   non-2xx {errors}"
            )


if __name__ == "__main__":
    main()
