"""Time and memory of retraining the filter on a site's decisions:
`python bench/moderation/retrain.py 1000 10000`.

For each size N, makes (once per run) N moderator decisions on comments of the demo site, with
texts and labels from the public sets (YouTube and SMS for spam and ham, Davidson for abuse), then
times `filter_retrain()` as the worker runs it: reading the decisions, adapting both models on the
site's examples (no MASTHEAD_MODERATION_DATA: the starter is the prior) and judging them on the
newest decisions. Prints seconds, peak memory of the process and whether the models were promoted.
Uses MASTHEAD_HOME (default var/bench-retrain, rebuilt each run); SQLite unless DATABASE_URL.
"""

import os
import resource
import shutil
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent.parent
MASTHEAD = str(ROOT / ".venv" / "bin" / "masthead")
DATA = Path(os.environ.get("MASTHEAD_BENCH_DATA", "/work/shared/data/moderation"))


def labelled_texts(data_dir: Path) -> list[tuple[str, str]]:
    """(text, label) in a fixed interleaved order: spam, abuse and acceptable comments mixed, as
    a moderator's decisions come in."""
    from masthead.moderation.core import datasets

    spam = datasets.read_youtube(data_dir) + datasets.read_sms(data_dir)
    abuse = datasets.read_davidson(data_dir)
    pools = {
        "spam": [e.text for e in spam if e.label],
        "ham": [e.text for e in spam if not e.label] + [e.text for e in abuse if not e.label],
        "abuse": [e.text for e in abuse if e.label],
    }
    mixed = []
    while all(pools.values()):
        for label in ("ham", "spam", "ham", "abuse"):
            mixed.append((pools[label].pop(), label))
    return mixed


def make_decisions(article, rows: list[tuple[str, str]]) -> None:
    from django.utils import timezone

    from masthead.discussion.models import Comment, CommentStatus
    from masthead.moderation.models import Decision, DecisionAction

    start = timezone.now() - timezone.timedelta(days=60)
    status = {"ham": CommentStatus.PUBLISHED, "spam": CommentStatus.SPAM}
    comments = Comment.objects.bulk_create(
        Comment(
            article=article,
            author_name=f"Reader {n}",
            reader_key=f"bench-{n}",
            body=text,
            body_html="",
            status=status.get(label, CommentStatus.REMOVED),
            created=start + timezone.timedelta(seconds=n),
        )
        for n, (text, label) in enumerate(rows)
    )
    action = {"ham": DecisionAction.APPROVE, "spam": DecisionAction.SPAM}
    Decision.objects.bulk_create(
        Decision(
            comment=comment,
            action=action.get(label, DecisionAction.REMOVE),
            previous_status=CommentStatus.PENDING,
            new_status=comment.status,
            body=text,
            label=label,
            created=comment.created + timezone.timedelta(minutes=5),
        )
        for comment, (text, label) in zip(comments, rows, strict=True)
    )


def main(sizes: list[int]) -> None:
    home = Path(os.environ.setdefault("MASTHEAD_HOME", str(ROOT / "var" / "bench-retrain")))
    os.environ.pop("MASTHEAD_MODERATION_DATA", None)  # adapt on the site's decisions alone
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    if "DATABASE_URL" not in os.environ:
        shutil.rmtree(home, ignore_errors=True)
    home.mkdir(parents=True, exist_ok=True)
    subprocess.run([MASTHEAD, "migrate", "--verbosity", "0"], check=True)
    subprocess.run([MASTHEAD, "demo"], check=True, stdout=subprocess.DEVNULL)

    import django

    django.setup()
    from masthead.moderation.models import Decision, FilterVersion
    from masthead.moderation.services.assessing import forget_current_filter
    from masthead.moderation.services.training import filter_retrain
    from masthead.publishing.models import ArticlePage

    article = ArticlePage.objects.live().order_by("pk").first()
    rows = labelled_texts(DATA)
    print(f"labelled texts available: {len(rows):,}")
    for size in sizes:
        if size > len(rows):  # past the public sets' size, texts come round again
            rows = (rows * (size // len(rows) + 1))[: max(sizes)]
        Decision.objects.filter(comment__reader_key__startswith="bench-").delete()
        article.comments.filter(reader_key__startswith="bench-").delete()
        make_decisions(article, rows[:size])
        started = time.perf_counter()
        if os.environ.get("BENCH_PROFILE"):
            import cProfile

            with cProfile.Profile() as profile:
                version = filter_retrain()
            profile.dump_stats(os.environ["BENCH_PROFILE"])
        else:
            version = filter_retrain()
        seconds = time.perf_counter() - started
        peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
        outcome = {
            kind: ("promoted" if m.get("promoted") else "kept the current")
            if "promoted" in m
            else m.get("skipped", m)
            for kind, m in version.metrics.items()
            if isinstance(m, dict)
        }
        print(
            f"decisions: {size:,} (trained on {version.trained_on:,}, judged on "
            f"{version.held_out:,}); retraining {seconds:.1f} s; process peak {peak_mb:.0f} MB; "
            f"{outcome}"
        )
        FilterVersion.objects.all().delete()  # the next size starts from the starter again
        forget_current_filter()


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000])
