"""Fill a MASTHEAD_HOME with a big, busy site: `python bench/big_site.py` (after migrate and demo).

2,000 articles over six sections and 40 tags; one article with 5,000 comments in deep threads
(one conversation of 1,500 replies, many in chains past the site's depth; the others of up to 50
replies) with 10,000 readers' votes;
2,000 confirmed subscribers of that article; 300 comments waiting in the moderation queue, some
reported; an account `reader500` (password `bench-reader-500`) who comments and follows 500
discussions. Articles go through Wagtail's `add_child` (so the search index has them), comments
through the importer; the rest is written with bulk_create. Running it again adds nothing.
"""

import os
import random
import sys
from datetime import timedelta

ARTICLES = 2000
SECTIONS = ["politics", "business", "culture", "sport", "science", "opinion"]
TAGS = 40
BIG_THREAD = 5000
SUBSCRIBERS = 2000
HELD = 300
FOLLOWED = 500
WORDS = [
    "harbour",
    "council",
    "vote",
    "bridge",
    "ferry",
    "winter",
    "budget",
    "plan",
    "street",
    "tide",
    "report",
    "island",
    "school",
    "library",
    "policy",
    "cost",
    "road",
    "cycle",
    "lane",
    "survey",
    "figure",
    "question",
    "answer",
    "market",
    "energy",
    "housing",
    "election",
    "minister",
    "court",
    "river",
    "festival",
    "museum",
    "theatre",
    "season",
    "league",
    "match",
    "climate",
    "storm",
]


def sentence(rng, low=8, high=40) -> str:
    return " ".join(rng.choice(WORDS) for _ in range(rng.randint(low, high))).capitalize() + "."


def main() -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    from django.contrib.auth import get_user_model
    from django.db import transaction
    from django.utils import timezone
    from wagtail.rich_text import RichText

    from masthead.discussion.models import Comment, CommentStatus, CommentVote, Subscription
    from masthead.discussion.services.comments import thread_changed
    from masthead.discussion.services.importing import ImportItem, comments_import
    from masthead.moderation.models import CommentVerdict, Report
    from masthead.publishing.models import (
        ArticlePage,
        ArticlePageAuthor,
        AuthorPage,
        HomePage,
        SectionPage,
    )

    rng = random.Random(7)
    now = timezone.now()
    home = HomePage.objects.first()
    author = AuthorPage.objects.live().first()
    sections = []
    for slug in SECTIONS:
        section = SectionPage.objects.filter(slug=f"big-{slug}").first()
        if section is None:
            section = SectionPage(
                title=f"Big {slug.title()}", slug=f"big-{slug}", show_in_menus=True
            )
            home.add_child(instance=section)
            section.save_revision().publish()
        sections.append(section)
    tags = [f"topic-{n}" for n in range(TAGS)]

    made = ArticlePage.objects.filter(slug__startswith="big-article-").count()
    for n in range(made, ARTICLES):
        article = ArticlePage(
            title=f"Big article {n}: {sentence(rng, 3, 7)[:-1]}",
            slug=f"big-article-{n}",
            standfirst=sentence(rng, 10, 20),
            body=[("paragraph", RichText("<p>" + sentence(rng, 150, 400) + "</p>"))],
            live=True,
            first_published_at=now - timedelta(hours=ARTICLES - n),
            last_published_at=now - timedelta(hours=ARTICLES - n),
        )
        article.article_authors.add(ArticlePageAuthor(author=author, sort_order=0))
        article.tags.add(*rng.sample(tags, 3))
        sections[n % len(sections)].add_child(instance=article)
        if n % 200 == 0:
            print(f"articles: {n}", flush=True)
    print(f"articles: {ArticlePage.objects.filter(slug__startswith='big-article-').count()}")

    big = ArticlePage.objects.get(slug=f"big-article-{ARTICLES - 1}")
    if not Comment.objects.filter(article=big).exists():
        start = now - timedelta(days=1)
        items, ids, hot = [], [], []
        for n in range(BIG_THREAD):
            # A third top-level; replies answer a recent comment more often than an old one,
            # so conversations run deep and long.
            parent = None
            if 2000 <= n < 3500:
                # One heated conversation of 1,500 replies, many of them in long chains.
                hot.append(str(n + 1))
                if len(hot) > 1:
                    parent = hot[-2] if rng.random() < 0.5 else rng.choice(hot[:-1])
            elif ids and rng.random() > 0.33:
                parent = ids[-1 - min(len(ids) - 1, int(rng.expovariate(1 / 30)))]
            items.append(
                ImportItem(
                    n + 1,
                    str(n + 1),
                    parent,
                    f"Reader {rng.randint(1, 900)}",
                    "",
                    start + timedelta(seconds=10 * n),
                    sentence(rng),
                    rng.randint(-3, 25),
                )
            )
            ids.append(str(n + 1))
        comments_import(article=big, items=items)
    print(f"big thread: {Comment.objects.filter(article=big).count()} comments, id {big.pk}")

    comment_ids = list(Comment.objects.filter(article=big).values_list("pk", flat=True))
    if not CommentVote.objects.filter(comment__article=big).exists():
        votes = [
            CommentVote(
                comment_id=rng.choice(comment_ids),
                reader_key=f"bench-voter-{n}",
                value=rng.choice([1, 1, 1, -1]),
            )
            for n in range(10000)
        ]
        CommentVote.objects.bulk_create(votes, ignore_conflicts=True, batch_size=1000)
        thread_changed(big.pk, recount=True)
    print(f"votes: {CommentVote.objects.filter(comment__article=big).count()}")

    if not Subscription.objects.filter(article=big).exists():
        Subscription.objects.bulk_create(
            [
                Subscription(article=big, email=f"sub{n}@example.com", kind="all", confirmed=now)
                for n in range(SUBSCRIBERS)
            ],
            batch_size=500,
        )
    print(f"subscribers: {Subscription.objects.filter(article=big).count()}")

    User = get_user_model()
    reader = User.objects.filter(username="reader500").first()
    if reader is None:
        reader = User.objects.create_user("reader500", "reader500@example.com", "bench-reader-500")
    followed = list(ArticlePage.objects.filter(slug__startswith="big-article-")[:FOLLOWED])
    if not Subscription.objects.filter(user=reader).exists():
        Subscription.objects.bulk_create(
            [
                Subscription(
                    article=article,
                    email=reader.email,
                    kind="all",
                    user=reader,
                    confirmed=now,
                )
                for article in followed
            ]
        )
    print(f"reader500 follows: {Subscription.objects.filter(user=reader).count()}")

    held_article = ArticlePage.objects.get(slug=f"big-article-{ARTICLES - 2}")
    if not Comment.objects.filter(article=held_article).exists():
        items = [
            ImportItem(
                n + 1,
                f"held-{n}",
                None,
                f"Suspect {n}",
                f"suspect{n}@example.com",
                now - timedelta(minutes=n),
                sentence(rng) + " Visit example.com now",
                0,
            )
            for n in range(HELD + 100)
        ]
        comments_import(article=held_article, items=items)
        with transaction.atomic():
            held = list(Comment.objects.filter(article=held_article).order_by("pk"))
            for comment in held[:HELD]:
                comment.status = CommentStatus.PENDING
            Comment.objects.bulk_update(held[:HELD], ["status"])
            CommentVerdict.objects.bulk_create(
                [
                    CommentVerdict(
                        comment=comment,
                        action="hold" if n < HELD else "publish",
                        filter_action="hold" if n < HELD else "publish",
                        body=comment.body,
                        scores={"spam": 0.7},
                        reasons=["link to an unknown domain"],
                        reasons_text="link to an unknown domain",
                    )
                    for n, comment in enumerate(held)
                ]
            )
            Report.objects.bulk_create(
                [
                    Report(
                        comment=comment,
                        reader_key=f"reporter-{n}-{k}",
                        reason="spam",
                    )
                    for n, comment in enumerate(held[HELD:])
                    for k in range(2)
                ]
            )
    # The reader's own comments, so that the account page lists some.
    if not Comment.objects.filter(user=reader).exists():
        for n, article in enumerate(followed[:50]):
            Comment.objects.create(
                article=article,
                user=reader,
                author_name="Reader 500",
                author_email=reader.email,
                reader_key=f"u{reader.pk}",
                body=sentence(rng),
                body_html="<p>" + sentence(rng) + "</p>",
                status=CommentStatus.PUBLISHED,
                created=now - timedelta(minutes=n),
            )
    print(f"queue: {Comment.objects.filter(status=CommentStatus.PENDING).count()} held")


if __name__ == "__main__":
    sys.exit(main())
