"""Create bench articles with large threads: `python bench/generate_thread.py 1000 10000`.

Comments are written through the importer (one transaction, no moderation) so that a 10,000
comment thread takes seconds; a third are top-level, the rest replies up to five levels deep.
"""

import os
import random
import sys
from datetime import timedelta


def main(sizes: list[int]) -> None:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "masthead.settings")
    import django

    django.setup()
    from django.utils import timezone
    from wagtail.rich_text import RichText

    from masthead.discussion.models import Comment
    from masthead.discussion.services.importing import ImportItem, comments_import
    from masthead.publishing.models import ArticlePage, ArticlePageAuthor, AuthorPage, SectionPage

    section = SectionPage.objects.live().first()
    author = AuthorPage.objects.live().first()
    rng = random.Random(42)
    words = [
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
    ]
    for size in sizes:
        slug = f"bench-thread-{size}"
        article = ArticlePage.objects.filter(slug=slug).first()
        if article is None:
            article = ArticlePage(
                title=f"Bench article with {size:,} comments",
                slug=slug,
                standfirst="A long discussion for measuring the comment section.",
                body=[
                    (
                        "paragraph",
                        RichText("<p>" + " ".join(rng.choice(words) for _ in range(300)) + "</p>"),
                    )
                ],
            )
            article.article_authors.add(ArticlePageAuthor(author=author, sort_order=0))
            section.add_child(instance=article)
            article.save_revision().publish()
        if Comment.objects.filter(article=article).count() >= size:
            print(f"{slug}: already has {size} comments (id {article.pk}, {article.url})")
            continue
        start = timezone.now() - timedelta(days=2)
        items, ids = [], []
        for n in range(size):
            parent = rng.choice(ids) if ids and rng.random() > 0.33 else None
            text = " ".join(rng.choice(words) for _ in range(rng.randint(8, 60))).capitalize() + "."
            items.append(
                ImportItem(
                    n + 1,
                    str(n + 1),
                    parent,
                    f"Reader {rng.randint(1, 900)}",
                    "",
                    start + timedelta(seconds=10 * n),
                    text,
                    rng.randint(-3, 25),
                )
            )
            ids.append(str(n + 1))
        comments_import(article=article, items=items)
        print(f"{slug}: {size} comments (id {article.pk}, {article.url})")


if __name__ == "__main__":
    main([int(arg) for arg in sys.argv[1:]] or [1000, 10000])
