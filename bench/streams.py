"""How many open live-update streams one web process holds (server-sent events, Redis pub/sub).

    .venv/bin/python bench/streams.py [--streams 2000] [--port 8101]

Starts `masthead serve --workers 1` on the bench home (run bench/server.py once first) with
REDIS_URL set, opens N streams to one article from this process (asyncio), publishes one comment
event, and reports how many streams received it, how fast, and the web process's memory.
"""

import argparse
import asyncio
import json
import os
import resource
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))
from server import bench_environment  # noqa: E402


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            if int(fields[1]) == pid:
                found.append(int(entry.name))
    return found


async def open_stream(port: int, path: str, ready: asyncio.Event, received: list, opened: list):
    try:
        reader, writer = await asyncio.open_connection("127.0.0.1", port)
        writer.write(
            f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\nAccept: text/event-stream\r\n\r\n".encode()
        )
        await writer.drain()
        status = await reader.readline()
        if b" 200 " not in status:
            return
        while True:
            line = await reader.readline()
            if not line:
                return
            if line.startswith(b": open"):
                opened.append(1)
            if line.startswith(b"event: comment"):
                received.append(time.perf_counter())
                writer.close()
                return
    except OSError:
        return


async def run(args, redis_url):
    import redis.asyncio as aioredis

    path = f"/comments/{args.article}/stream/"
    received, opened = [], []
    ready = asyncio.Event()
    # Readers arrive over time, not all in the same millisecond: open the streams in batches.
    tasks = []
    for start in range(0, args.streams, args.batch):
        for _ in range(min(args.batch, args.streams - start)):
            tasks.append(asyncio.create_task(open_stream(args.port, path, ready, received, opened)))
        await asyncio.sleep(args.pause)
    deadline = time.perf_counter() + 60
    while len(opened) < args.streams and time.perf_counter() < deadline:
        await asyncio.sleep(0.5)
    opened_count = len(opened)
    client = aioredis.Redis.from_url(redis_url)
    sent = time.perf_counter()
    await client.publish(
        f"masthead:thread:{args.article}", json.dumps({"comment_id": 999999999, "count": 1})
    )
    await asyncio.wait(tasks, timeout=30)
    await client.aclose()
    delays = sorted(t - sent for t in received)
    return opened_count, len(received), delays


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--streams", type=int, default=2000)
    parser.add_argument("--port", type=int, default=8101)
    parser.add_argument("--article", type=int, default=13, help="An article id of the bench site.")
    parser.add_argument("--batch", type=int, default=200, help="Streams opened at once.")
    parser.add_argument("--pause", type=float, default=1.0, help="Seconds between batches.")
    parser.add_argument("--redis", default=os.environ.get("REDIS_URL", "redis://127.0.0.1:6379/13"))
    args = parser.parse_args()
    _, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    env = bench_environment(ROOT / "var" / "bench")
    env["REDIS_URL"] = args.redis
    log = (ROOT / "var" / "bench" / "streams-server.log").open("w")
    server = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "masthead.cli",
            "serve",
            "--port",
            str(args.port),
            "--workers",
            "1",
            "--no-worker",
        ],
        env=env,
        cwd=ROOT,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        time.sleep(8)
        gunicorns = children(server.pid)
        workers = [pid for master in gunicorns for pid in children(master)] or gunicorns
        worker = workers[0]
        before = rss_mb(worker)
        opened, got, delays = asyncio.run(run(args, args.redis))
        after = rss_mb(worker)
        print(f"streams asked {args.streams}, open {opened}, received the event {got}")
        if delays:
            print(
                f"delivery: median {delays[len(delays) // 2] * 1000:.0f} ms, last {delays[-1] * 1000:.0f} ms"
            )
        print(
            f"web process memory: {before:.0f} MB before, {after:.0f} MB with the streams open "
            f"({(after - before) * 1024 / max(opened, 1):.1f} KB per stream)"
        )
    finally:
        server.terminate()
        server.wait(timeout=20)


if __name__ == "__main__":
    main()
