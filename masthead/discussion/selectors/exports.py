"""Reads for export-comments and the importers."""

from masthead.discussion.models import (
    Comment,
    CommentStatus,
)

EXPORT_CHUNK_SIZE = 2000


def comments_for_export(*, article_id: int | None = None, include_all: bool = False):
    """Comments to export, one article after another and in id order within each (so a parent
    always comes before its replies), streamed from the database in chunks.

    Only published comments that their authors have not deleted, unless `include_all`.
    """
    comments = Comment.objects.select_related("anchor").only(
        "id",
        "import_id",
        "article_id",
        "parent_id",
        "replied_to_id",
        "author_name",
        "author_email",
        "body",
        "status",
        "created",
        "deleted",
        "score",
        "featured_at",
        "anchor__quote",
        "anchor__prefix",
        "anchor__suffix",
    )
    if article_id is not None:
        comments = comments.filter(article_id=article_id)
    if not include_all:
        comments = comments.filter(status=CommentStatus.PUBLISHED, deleted__isnull=True)
    return comments.order_by("article_id", "id").iterator(chunk_size=EXPORT_CHUNK_SIZE)


def comment_answers(comment_id: int) -> int | None:
    """The comment that a comment answers (the one it replied to beside the deepest level)."""
    row = Comment.objects.filter(pk=comment_id).values_list("replied_to_id", "parent_id").first()
    return (row[0] or row[1]) if row else None
