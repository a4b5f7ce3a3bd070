"""Time and queries of mailing a thread's subscribers: `python bench/notifications.py 2000`.

Makes (once) an article followed by N confirmed subscribers, then times the worker's task for one
new comment (`comment_notify_subscribers`: one e-mail per subscriber) with the mail going to a
local SMTP sink on 127.0.0.1 that answers like a mail server and keeps nothing. Prints the e-mails
sent, the SMTP connections opened, the database queries and the time. Uses MASTHEAD_HOME
(default var/bench-notify); SQLite unless DATABASE_URL.
"""

import logging
import os
import socket
import subprocess
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
MASTHEAD = str(ROOT / ".venv" / "bin" / "masthead")


class SmtpSink:
    """A mail server on loopback (aiosmtpd) that keeps nothing and counts what comes in."""

    def __init__(self):
        from aiosmtpd.controller import Controller

        logging.getLogger("mail.log").setLevel(logging.WARNING)  # a line per SMTP command
        self.sessions, self.messages = set(), 0
        sink = self

        class Counter:
            async def handle_DATA(self, server, session, envelope):
                sink.sessions.add(id(session))
                sink.messages += 1
                return "250 kept nowhere"

        with socket.socket() as probe:
            probe.bind(("127.0.0.1", 0))
            self.port = probe.getsockname()[1]
        Controller(Counter(), hostname="127.0.0.1", port=self.port).start()


def main(size: int) -> None:
    sink = SmtpSink()
    os.environ.setdefault("MASTHEAD_HOME", str(ROOT / "var" / "bench-notify"))
    os.environ["EMAIL_URL"] = f"smtp://127.0.0.1:{sink.port}"
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    Path(os.environ["MASTHEAD_HOME"]).mkdir(parents=True, exist_ok=True)
    subprocess.run([MASTHEAD, "migrate", "--verbosity", "0"], check=True)
    subprocess.run([MASTHEAD, "demo"], check=True, stdout=subprocess.DEVNULL)

    import django

    django.setup()
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.utils import timezone

    from masthead.discussion.models import Comment, CommentStatus, Subscription, SubscriptionKind
    from masthead.discussion.services import comment_notify_subscribers
    from masthead.publishing.models import ArticlePage

    article = ArticlePage.objects.live().order_by("pk").first()
    Subscription.objects.filter(article=article, email__endswith="@bench.invalid").delete()
    now = timezone.now()
    Subscription.objects.bulk_create(
        Subscription(
            article=article,
            email=f"reader{n}@bench.invalid",
            kind=SubscriptionKind.ALL,
            confirmed=now,
        )
        for n in range(size)
    )
    comment = Comment.objects.create(
        article=article,
        author_name="Bench",
        author_email="bench@bench.invalid",
        body="A comment every subscriber hears of.",
        body_html="<p>A comment every subscriber hears of.</p>",
        status=CommentStatus.PUBLISHED,
        created=now,
    )
    try:
        with CaptureQueriesContext(connection) as queries:
            started = time.perf_counter()
            sent = comment_notify_subscribers(comment_id=comment.pk)
            seconds = time.perf_counter() - started
    finally:
        comment.delete()
        Subscription.objects.filter(article=article, email__endswith="@bench.invalid").delete()
    print(f"subscribers: {size:,}; e-mails sent: {sent:,} (the sink received {sink.messages:,})")
    print(f"SMTP connections: {len(sink.sessions):,}")
    print(
        f"queries: {len(queries.captured_queries):,} ({len(queries) / max(sent, 1):.1f} per e-mail)"
    )
    print(f"time: {seconds:.2f} s ({seconds / max(sent, 1) * 1000:.2f} ms per e-mail)")


if __name__ == "__main__":
    main(int(sys.argv[1]) if len(sys.argv) > 1 else 2000)
