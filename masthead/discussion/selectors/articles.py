"""Which articles a thread belongs to may be read and commented on: live ones, public or opened
to this reader (an article restricted by a password, to signed-in readers or to groups is open
to a request that passes its restrictions, as the article page itself is)."""

from typing import NamedTuple

from django.conf import settings
from django.http import Http404

from masthead.ids import MAX_ID

# Likewise for the page of a thread the API may ask for (its offset must fit the database's range).
MAX_PAGE = 2**31 - 1


def open_article(article_id: int, request=None):
    """The live article with this id that everyone, or this request, may read; None otherwise."""
    from masthead.publishing.models import ArticlePage
    from masthead.publishing.selectors import public_pages

    if not 0 < article_id <= MAX_ID:
        return None
    article = public_pages(ArticlePage.objects.live()).filter(pk=article_id).first()
    if article is None and request is not None:
        article = _restricted_article_open_to(article_id, request)
    return article


def _restricted_article_open_to(article_id: int, request):
    """The live article if this request passes every restriction on it and its ancestors: it was
    given the password in this session, or its reader is signed in (and in the right group)."""
    from masthead.publishing.models import ArticlePage

    user = getattr(request, "user", None)
    signed_in = user is not None and user.is_authenticated
    if not signed_in and settings.SESSION_COOKIE_NAME not in request.COOKIES:
        return None  # no session holds a password, so no restriction can be passed
    article = ArticlePage.objects.live().filter(pk=article_id).first()
    if article is None:
        return None
    restrictions = article.get_view_restrictions()
    if all(restriction.accept_request(request) for restriction in restrictions):
        return article
    return None


def open_article_or_404(article_id: int, request=None):
    """The live article with this id that everyone, or this request, may read; Http404 otherwise
    (for the page's endpoints and the API alike: an unpublished article, or a restricted one this
    reader has not opened, is as unknown to them as a missing one)."""
    article = open_article(int(article_id), request)
    if article is None:
        raise Http404("No such article.")
    return article


def is_open_article(article_id: int, request=None) -> bool:
    """Whether everyone, or this request, may read an article and its thread (counts, votes,
    reports). Every open page polls through it, so the public answer is cached under the site's
    content version, which publishing, unpublishing and restrictions bump; a restricted article is
    then checked against the request's session."""
    from django.core.cache import cache

    from masthead.publishing.page_cache import PAGE_CACHE_SECONDS, content_version

    key = f"open-article:{content_version()}:{article_id}"
    is_open = cache.get(key)
    if is_open is None:
        is_open = open_article(article_id) is not None
        cache.set(key, is_open, PAGE_CACHE_SECONDS)
    if not is_open and request is not None and 0 < article_id <= MAX_ID:
        return _restricted_article_open_to(article_id, request) is not None
    return is_open


class ThreadShape(NamedTuple):
    """How a thread is shown: its site's comments per page and depth of replies."""

    page_size: int
    max_depth: int


def open_thread_shape_or_404(article_id: int, request=None) -> ThreadShape:
    """The shape of the thread of an article everyone, or this request, may read; Http404
    otherwise. Read without the article itself (its page row, body and all) and without its
    site's settings: the API's shared answers need only these two numbers to be found, so they
    are cached under the site's content version, which a change to the settings, a publication
    or a restriction bumps."""
    from django.core.cache import cache

    from masthead.publishing.page_cache import PAGE_CACHE_SECONDS, content_version

    article_id = int(article_id)
    if not is_open_article(article_id, request):
        raise Http404("No such article.")
    key = f"thread-shape:{content_version()}:{article_id}"
    cached = cache.get(key)
    if cached is not None:
        return ThreadShape(*cached)
    options = discussion_settings(open_article_or_404(article_id, request))
    shape = ThreadShape(options.page_size, options.max_depth)
    cache.set(key, tuple(shape), PAGE_CACHE_SECONDS)
    return shape


def discussion_settings(article):
    """The discussion settings of the article's site (the default site's for a page outside
    every site)."""
    from masthead.discussion.models import DiscussionSettings
    from masthead.publishing.selectors import page_site_settings

    return page_site_settings(DiscussionSettings, article)
