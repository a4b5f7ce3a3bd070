"""Demo moderation: a few comments through the real filter, so the queue shows what it catches."""

from datetime import timedelta

from django.utils import timezone

from masthead.discussion.models import Comment
from masthead.discussion.readers import Reader, hash_address
from masthead.discussion.services import CommentRefused, comment_post
from masthead.moderation.models import DEMO_PICK
from masthead.moderation.services import comment_feature
from masthead.publishing.models import ArticlePage

ARTICLE_SLUG = "quay-street-cycle-lanes-approved"
SUBMISSIONS = [
    (
        "Jenny Walsh",
        "jenny.walsh@example.net",
        "Goog-l-e is paying $97 per ho-u-r ♥♥♥♥ for working from home. I've made $8O,OOO last month "
        "with no experience!!! Start today ➜ http://easy-cash-now.example/start",
    ),
    (
        "TruthTeller",
        "truth@example.org",
        "People like them are vermin and parasites, they should be driven out of this town before they breed.",
    ),
    (
        "Colm Byrne",
        "colm@example.com",
        "With respect, this is a disgrace. The council ignored two years of objections from the harbour traders "
        "and rammed it through in one evening. Some of these councillors won't survive the next election, and rightly so.",
    ),
]


# An editors' pick, so the demo shows the block above a thread.
PICK = ("winter-ferry-timetable-extended", "Ruth Calloway")


def feature_a_pick() -> None:
    slug, author = PICK
    comment = Comment.objects.filter(
        article__slug=slug, author_name=author, status="published", deleted__isnull=True
    ).first()
    if comment is not None and not Comment.objects.filter(featured_at__isnull=False).exists():
        comment_feature(comment=comment, moderator=None, note=DEMO_PICK)


def load(stdout=None, *, now=None) -> int:
    feature_a_pick()
    article = ArticlePage.objects.filter(slug=ARTICLE_SLUG).first()
    if article is None or Comment.objects.filter(reader_key__startswith="demo-moderation").exists():
        return 0
    now = now or timezone.now()
    posted = 0
    for number, (name, email, body) in enumerate(SUBMISSIONS):
        # Hashed as a real comment's address is (the queue filters by its start, "#47b2a87e"),
        # from the addresses kept for documentation (RFC 5737).
        reader = Reader(
            user=None,
            key=f"demo-moderation-{number}",
            ip_hash=hash_address(f"192.0.2.{10 + number}"),
        )
        try:
            comment_post(
                article=article,
                reader=reader,
                body=body,
                author_name=name,
                author_email=email,
                seconds_to_submit=45.0,
                now=now - timedelta(minutes=30 - number),
            )
            posted += 1
        except CommentRefused:
            continue
    if stdout is not None:
        held = (
            Comment.objects.filter(reader_key__startswith="demo-moderation")
            .exclude(status="published")
            .count()
        )
        stdout.write(
            f"Demo moderation: {posted} comments through the filter, {held} held or marked spam."
        )
    return posted
