"""Reads for the importers: which articles came from which item of another system."""

from masthead.importers.models import ImportedArticle
from masthead.publishing.models import ArticlePage


def article_imported_from(source: str) -> ArticlePage | None:
    """The article imported from this item of another system (see ImportedArticle.source)."""
    if not source:
        return None
    return ArticlePage.objects.filter(
        pk__in=ImportedArticle.objects.filter(source=source).values("article_id")
    ).first()


def article_imported_from_elsewhere(article: ArticlePage, *, source: str) -> bool:
    """Whether the article was imported from an item other than `source`."""
    return ImportedArticle.objects.filter(article=article).exclude(source=source).exists()
