"""The search index where Wagtail's own upkeep falls short: an article's entry holds its byline,
its authors' names, and saving an author page re-indexes that page alone."""

from django.db import transaction
from django_tasks import task
from wagtail.search import index

from masthead import task_queues


@task(**task_queues.BULK)
def author_articles_reindex(author_id: int) -> int:
    """Index again every article with this author in its byline, live or not (a draft goes live
    with the entry it has). Returns how many."""
    from masthead.publishing.models import ArticlePage

    articles = (
        ArticlePage.get_indexed_objects().filter(article_authors__author_id=author_id).distinct()
    )
    count = 0
    for article in articles.iterator(chunk_size=200):
        index.insert_or_update_object(article)
        count += 1
    return count


def author_published(*, instance, **kwargs) -> None:
    """Signal receiver: a published author page may bear a new name, which readers search their
    articles by. Once the name is committed, the worker re-indexes them."""
    author_id = instance.pk
    transaction.on_commit(lambda: author_articles_reindex.enqueue(author_id))
