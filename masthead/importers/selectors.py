"""Reads for the importers: which articles and pages came from which item of another system."""

from masthead.importers.models import ImportedArticle, ImportedInfoPage
from masthead.publishing.models import ArticlePage, InfoPage


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


def info_page_imported_from(source: str) -> InfoPage | None:
    """The information page imported from this item of another system (a WordPress page)."""
    if not source:
        return None
    return InfoPage.objects.filter(
        pk__in=ImportedInfoPage.objects.filter(source=source).values("page_id")
    ).first()
