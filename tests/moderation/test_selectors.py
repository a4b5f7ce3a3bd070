"""Reads for the moderators' screens."""

import pytest

from masthead.discussion.services import comment_delete
from masthead.moderation import selectors

pytestmark = pytest.mark.django_db


def test_an_authors_history_counts_what_they_deleted_apart_from_what_is_shown_or_waiting(
    post, make_guest
):
    reader = make_guest()
    statuses = ["published", "published", "pending", "pending", "removed", "spam"]
    comments = [
        post(f"Comment number {n}.", reader=reader, email="sam@example.com")
        for n in range(len(statuses))
    ]
    for comment, status in zip(comments, statuses, strict=True):
        type(comment).objects.filter(pk=comment.pk).update(status=status)
        comment.status = status
    # The author deletes one published, one waiting, and the one a moderator removed.
    for comment in (comments[1], comments[3], comments[4]):
        comment_delete(comment=comment, reader=reader, now=comment.created)

    record = selectors.author_records([comments[2]])[comments[2].pk]
    # The queue's "waiting" matches what waits in it; a moderator's verdict stands whatever the
    # author did after it; each comment is counted once.
    assert (record.approved, record.pending, record.spam, record.removed, record.deleted) == (
        1,
        1,
        1,
        1,
        2,
    )
