"""Writing comments as JSON for `export-comments`: the list `import-comments --article` reads.

Each comment is {"id", "parent_id", "author", "email", "created", "text", "votes", "status",
"anchor", "article_id", "article_url"}: text is the Markdown its author wrote, votes the net score
readers see, created in UTC, parent_id the comment it answers. A reply to a comment that is not
exported (held, removed, deleted by its author) answers its nearest exported ancestor, so the file
always imports. Comments are written as they are read, a chunk at a time: memory stays flat
whatever the site's size.
"""

import json
from collections.abc import Callable
from datetime import UTC

from wagtail.models import Page

from masthead.discussion import selectors
from masthead.discussion.services.importing import DELETED


def comments_export(
    *,
    write: Callable[[str], object],
    article_id: int | None = None,
    include_all: bool = False,
    include_emails: bool = False,
) -> int:
    """Write the comments (one article's, or the site's) as a JSON list; returns how many.

    Only published comments unless `include_all`, which adds held, spam and removed ones and those
    their authors deleted, each with its status. E-mail addresses only with `include_emails`.
    """
    count = 0
    article, article_url = None, ""
    exported: set[int] = set()
    answers_instead: dict[int, int | None] = {}  # a comment not exported → its exported ancestor
    write("[")
    for comment in selectors.comments_for_export(article_id=article_id, include_all=include_all):
        if comment.article_id != article:
            article, exported, answers_instead = comment.article_id, set(), {}
            page = Page.objects.filter(pk=article).first()
            article_url = (page.get_full_url() or "") if page else ""
        parent = _exported_ancestor(
            comment.replied_to_id or comment.parent_id, exported, answers_instead
        )
        anchor = comment.anchor
        item = {
            "id": comment.pk,
            "parent_id": parent,
            "author": comment.author_name,
            "email": comment.author_email if include_emails else "",
            "created": comment.created.astimezone(UTC).isoformat().replace("+00:00", "Z"),
            "text": comment.body,
            "votes": comment.score,
            "status": DELETED if comment.deleted else comment.status,
            "anchor": (
                {"quote": anchor.quote, "prefix": anchor.prefix, "suffix": anchor.suffix}
                if anchor
                else None
            ),
            "article_id": comment.article_id,
            "article_url": article_url,
        }
        write(("\n" if count == 0 else ",\n") + json.dumps(item, ensure_ascii=False))
        exported.add(comment.pk)
        count += 1
    write("\n]\n" if count else "]\n")
    return count


def _exported_ancestor(
    comment_id: int | None, exported: set[int], answers_instead: dict[int, int | None]
) -> int | None:
    """The comment itself if it was exported, else the nearest ancestor that was (parents come
    first in the file, so "exported" means "written already")."""
    walked = []
    while comment_id is not None and comment_id not in exported:
        if comment_id in answers_instead:
            comment_id = answers_instead[comment_id]
            break
        walked.append(comment_id)
        comment_id = selectors.comment_answers(comment_id)
    for skipped in walked:
        answers_instead[skipped] = comment_id
    return comment_id
