"""The newsroom's read-only view of an article's reader comments in the Wagtail admin. Decisions on
comments stay in the moderators' queues (masthead.moderation.admin_views)."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import render
from django.urls import reverse
from django.utils.http import urlencode

from masthead.discussion import selectors
from masthead.moderation import may_moderate


def may_read_reader_comments(user, article) -> bool:
    """Whoever may edit the article (its editors) or moderate comments reads its comments here."""
    return may_moderate(user) or article.permissions_for_user(user).can_edit()


def moderation_queue_url(article, counts: selectors.CommentCounts) -> str:
    """The moderators' queue filtered to the article: the comments waiting, if any, else the
    published ones."""
    queue = "pending" if counts.waiting else "published"
    return f"{reverse('moderation_queue')}?{urlencode({'queue': queue, 'article': article.pk})}"


def article_comments(request, article_id):
    article = selectors.newsroom_article_or_404(article_id)
    moderator = may_moderate(request.user)
    may_edit = article.permissions_for_user(request.user).can_edit()
    if not (moderator or may_edit):  # may_read_reader_comments, each part asked once
        raise PermissionDenied
    comments = selectors.article_reader_comments(
        article, page_number=request.GET.get("p"), with_unpublished=moderator
    )
    return render(
        request,
        "discussion/admin/article_comments.html",
        {
            "article": article,
            "counts": comments.counts,
            "page": comments.page,
            "may_moderate": moderator,
            "may_edit": may_edit,
            "queue_url": moderation_queue_url(article, comments.counts) if moderator else None,
        },
    )
