"""Peak memory and time of re-importing a large export: `python bench/comment_import.py 100000`.

Makes (once) a bench article with N comments (generate_thread.py), exports it with
`masthead export-comments`, imports the file into a fresh article with `masthead import-comments
--article` under /usr/bin/time -v, and prints what that command took. The copy is deleted after,
so runs compare. Uses MASTHEAD_HOME (default var/bench-import); SQLite unless DATABASE_URL.
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
    "system s": r"System time \(seconds\): (\S+)",
}


def main(size: int) -> None:
    os.environ.setdefault("MASTHEAD_HOME", str(ROOT / "var" / "bench-import"))
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    Path(os.environ["MASTHEAD_HOME"]).mkdir(parents=True, exist_ok=True)
    subprocess.run([MASTHEAD, "migrate", "--verbosity", "0"], check=True)
    subprocess.run([MASTHEAD, "demo"], check=True, stdout=subprocess.DEVNULL)
    generated = subprocess.run(
        [sys.executable, str(ROOT / "bench" / "generate_thread.py"), str(size)],
        check=True,
        capture_output=True,
        text=True,
    ).stdout
    source_id = re.search(r"\(id (\d+),", generated).group(1)
    export = Path(os.environ["MASTHEAD_HOME"]) / f"export-{size}.json"
    if not export.exists():
        subprocess.run(
            [MASTHEAD, "export-comments", "--article", source_id, "--output", str(export)],
            check=True,
        )

    import django

    django.setup()
    from wagtail.rich_text import RichText

    from masthead.publishing.models import ArticlePage, SectionPage

    copy = ArticlePage(
        title=f"Import of {size:,} comments",
        slug=f"bench-import-{size}",
        standfirst="Comments brought in from an export file.",
        body=[("paragraph", RichText("<p>A copy.</p>"))],
    )
    SectionPage.objects.live().first().add_child(instance=copy)
    copy.save_revision().publish()
    try:
        run = subprocess.run(
            ["/usr/bin/time", "-v", MASTHEAD, "import-comments", "--article", str(copy.pk), export],
            check=True,
            capture_output=True,
            text=True,
        )
    finally:
        copy.delete()
    print(run.stdout.splitlines()[-1])
    print(f"{export.name}: {export.stat().st_size / 2**20:.1f} MiB")
    for name, pattern in MEASURES.items():
        print(f"{name}: {re.search(pattern, run.stderr).group(1)}")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 100_000)
