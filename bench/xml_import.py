"""Peak memory and time of the XML imports: `python bench/xml_import.py 1000 100`.

Writes (once) a WordPress export of POSTS posts with COMMENTS_PER_POST comments each and a Disqus
export of the same threads (generate_exports.py), then, on a fresh database, runs under
/usr/bin/time -v: `masthead import-wordpress` (the posts become articles, then their comments
come in), `masthead import-comments --wordpress` on the same file (everything is already there:
read, checked, skipped) and `masthead import-comments --disqus`. Uses MASTHEAD_HOME (default
var/bench-xml), whose SQLite database it starts afresh.
"""

import os
import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASTHEAD = str(ROOT / ".venv" / "bin" / "masthead")
MEASURES = {
    "peak RSS (kB)": r"Maximum resident set size \(kbytes\): (\d+)",
    "wall clock": r"Elapsed \(wall clock\) time \(h:mm:ss or m:ss\): (\S+)",
    "user s": r"User time \(seconds\): (\S+)",
}


def measured(*command: str) -> None:
    run = subprocess.run(
        ["/usr/bin/time", "-v", MASTHEAD, *command], check=True, capture_output=True, text=True
    )
    print(f"masthead {' '.join(command[:-1])} …: {run.stdout.splitlines()[-1].strip()}")
    print(
        "  "
        + ", ".join(
            f"{name}: {re.search(pattern, run.stderr).group(1)}"
            for name, pattern in MEASURES.items()
        )
    )


def main(posts: int, per_post: int) -> None:
    home = Path(os.environ.setdefault("MASTHEAD_HOME", str(ROOT / "var" / "bench-xml")))
    home.mkdir(parents=True, exist_ok=True)
    sys.path.insert(0, str(ROOT / "bench"))
    import generate_exports

    wxr, disqus = generate_exports.main(posts, per_post, home)
    for path in (wxr, disqus):
        print(f"{path.name}: {path.stat().st_size / 2**20:.1f} MiB")
    (home / "masthead.sqlite3").unlink(missing_ok=True)
    subprocess.run([MASTHEAD, "migrate", "--verbosity", "0"], check=True)
    measured("import-wordpress", str(wxr))
    measured("import-comments", "--wordpress", str(wxr))
    measured("import-comments", "--disqus", str(disqus))


if __name__ == "__main__":
    main(int(sys.argv[1]), int(sys.argv[2]))
