"""Moderation: verdicts on comments before readers see them.

Discussion asks for a verdict through one function, `assess(draft, context)`, and which comments
a reader has reported through `reported_by`; everything else (signals, learned filters, queues,
bans) stays inside this app.
"""


def assess(draft, context):
    """The verdict on a submitted comment: publish, hold for review, or spam, with reasons."""
    from masthead.moderation.services import submission_assess

    return submission_assess(draft=draft, context=context)


def verdict_record(*, comment, verdict, now=None):
    """Keep the verdict (scores and reasons) beside the comment it was given to."""
    from masthead.moderation.services import verdict_record as record

    return record(comment=comment, verdict=verdict, now=now)


def reported_by(*, reader_key: str, comment_ids) -> set[int]:
    """The ids among `comment_ids` of the comments this reader has reported (resolved or not:
    a second report would count for nothing)."""
    from masthead.moderation.selectors import comments_reported_by

    return comments_reported_by(reader_key=reader_key, comment_ids=comment_ids)
