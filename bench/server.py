"""Prepare var/bench (migrate, demo, bench threads) and serve it like production on 127.0.0.1.

.venv/bin/python bench/server.py [--port 8100] [--workers 2] [--comments 1000 10000]
"""

import argparse
import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def bench_environment(home: Path) -> dict:
    env = dict(os.environ)
    env.update(
        {
            "MASTHEAD_HOME": str(home),
            "DEBUG": "false",
            "SECRET_KEY": "bench-only-" + "x9Kq2mZr7Lw4" * 5,
            "ALLOWED_HOSTS": "127.0.0.1,localhost",
            "MASTHEAD_HTTPS": "false",
            "MASTHEAD_BASE_URL": "http://127.0.0.1:8100",
            "LOG_LEVEL": "WARNING",
            "MASTHEAD_COMMENT_RATE_LIMIT": "10000/m",
        }
    )
    return env


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--port", type=int, default=8100)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--comments", type=int, nargs="*", default=[1000, 10000])
    parser.add_argument("--home", type=Path, default=ROOT / "var" / "bench")
    args = parser.parse_args()
    env = bench_environment(args.home)
    masthead = [sys.executable, "-m", "masthead.cli"]
    subprocess.run([*masthead, "migrate", "--noinput", "-v", "0"], env=env, check=True, cwd=ROOT)
    subprocess.run([*masthead, "demo", "--no-admin"], env=env, check=True, cwd=ROOT)
    subprocess.run(
        [sys.executable, "bench/generate_thread.py", *map(str, args.comments)],
        env=env,
        check=True,
        cwd=ROOT,
    )
    os.execvpe(  # noqa: S606 (our own interpreter, fixed arguments)
        masthead[0],
        [
            *masthead,
            "serve",
            "--port",
            str(args.port),
            "--workers",
            str(args.workers),
            "--no-worker",
        ],
        env,
    )


if __name__ == "__main__":
    main()
