"""Which articles a thread belongs to may be read and commented on: live and public ones."""

from django.http import Http404

from masthead.ids import MAX_ID

# Likewise for the page of a thread the API may ask for (its offset must fit the database's range).
MAX_PAGE = 2**31 - 1


def open_article(article_id: int):
    """The live, public article with this id, or None."""
    from masthead.publishing.models import ArticlePage
    from masthead.publishing.selectors import public_pages

    if not 0 < article_id <= MAX_ID:
        return None
    return public_pages(ArticlePage.objects.live()).filter(pk=article_id).first()


def open_article_or_404(article_id: int):
    """The live, public article with this id; Http404 otherwise (for the page's endpoints and the
    API alike: an unpublished or restricted article is as unknown to them as a missing one)."""
    article = open_article(int(article_id))
    if article is None:
        raise Http404("No such article.")
    return article


def is_open_article(article_id: int) -> bool:
    """Whether an article is live and not restricted to some readers: its thread's counts, votes
    and reports are open to everyone. Every open page polls through it, so the answer is cached
    under the site's content version, which publishing, unpublishing and restrictions bump."""
    from django.core.cache import cache

    from masthead.publishing.page_cache import PAGE_CACHE_SECONDS, content_version

    key = f"open-article:{content_version()}:{article_id}"
    is_open = cache.get(key)
    if is_open is None:
        is_open = open_article(article_id) is not None
        cache.set(key, is_open, PAGE_CACHE_SECONDS)
    return is_open
