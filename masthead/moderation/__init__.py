"""Moderation: verdicts on comments before readers see them.

Discussion asks for a verdict through one function, `assess(draft, context)`; everything else
(signals, learned filters, queues, bans) stays inside this app.
"""


def assess(draft, context):
    """The verdict on a submitted comment: publish, hold for review, or spam, with reasons."""
    from masthead.moderation.services import submission_assess

    return submission_assess(draft=draft, context=context)


def verdict_record(*, comment, verdict, now=None):
    """Keep the verdict (scores and reasons) beside the comment it was given to."""
    from masthead.moderation.services import verdict_record as record

    return record(comment=comment, verdict=verdict, now=now)
