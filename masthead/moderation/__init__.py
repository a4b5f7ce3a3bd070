"""Moderation: verdicts on comments before readers see them.

Discussion asks for a verdict through one function, `assess(draft, context)` (the site's settings
read once per post within `settings_kept()`), whether a user
moderates comments through `may_moderate`, and which comments
a reader has reported through `reported_by` (and whether any under an article, through
`has_reported_in`); it ends the pick of a comment its author edits
through `pick_end_on_edit`, and has the picks that imported comments carry logged through
`picks_imported`. Accounts ask whether a new name advertises something through
`name_advertises`, whether a name (an account's, a guest's, a donor's) is abusive through
`name_abuse` and when two names read as one through `name_key`, whether guests' comments wait
for a moderator through `holds_guests`, carry bans to a new address through `email_bans_carry`,
and have a deleted account's names erased through `reader_mentions_erase`. Everything else (signals, learned
filters, queues, bans) stays inside this app.
"""


def assess(draft, context):
    """The verdict on a submitted comment: publish, hold for review, or spam, with reasons."""
    from masthead.moderation.services import submission_assess

    return submission_assess(draft=draft, context=context)


def may_moderate(user) -> bool:
    """Whether the user moderates readers' comments (approves, marks as spam, removes, bans)."""
    from masthead.moderation.admin_views import PERMISSION

    return user.has_perm(PERMISSION)


def verdict_record(*, comment, verdict, now=None):
    """Keep the verdict (scores and reasons) beside the comment it was given to."""
    from masthead.moderation.services import verdict_record as record

    return record(comment=comment, verdict=verdict, now=now)


def pick_end_on_edit(*, comment, now):
    """Its author changed the comment: if it was featured, its pick ends (logged for moderators).
    Call within the edit's transaction; the caller saves `featured_at` and `featured_by`."""
    from masthead.moderation.services.featuring import pick_end_on_edit as end

    return end(comment=comment, now=now)


def picks_imported(*, comments):
    """Log the picks of comments just imported with a `featured_at` (as made by the import)."""
    from masthead.moderation.services.featuring import picks_imported as log

    return log(comments=comments)


def reported_by(*, reader_key: str, comment_ids) -> set[int]:
    """The ids among `comment_ids` of the comments this reader has reported (resolved or not:
    a second report would count for nothing)."""
    from masthead.moderation.selectors import comments_reported_by

    return comments_reported_by(reader_key=reader_key, comment_ids=comment_ids)


def has_reported_in(*, reader_key: str, article_id: int) -> bool:
    """Whether this reader has reported any comment under the article."""
    from django.db.models import F

    from masthead.moderation.models import Report

    # "article_id + 0" as in discussion's has_own_view: the reader's reports first, not the thread.
    reports = Report.objects.alias(in_article=F("comment__article_id") + 0)
    return reports.filter(reader_key=reader_key, in_article=article_id).exists()


def name_advertises(name: str) -> bool:
    """Whether an author's name carries a link or a domain, an e-mail address, a phone number, a
    messenger handle or a sales pitch: a name readers choose after their comments were assessed
    shows on all of them."""
    from masthead.moderation.core import name_advertises as advertises

    return advertises(name)


def name_abuse(name: str, *, article=None) -> list[str]:
    """Why a name may not be shown (slurs masked; empty when it may): a slur or a term the site
    blocks, dehumanising language aimed at a group, a threat, a severe insult aimed at someone.
    Read as a comment is (look-alikes, leet digits, split letters undone) with the site's own
    terms (of `article`'s site, or the default site), whole words only: "Dick Van Dyke" passes."""
    from masthead.moderation.core import name_abuse as abuse
    from masthead.moderation.services.assessing import core_settings, moderation_settings_for

    return abuse(name, core_settings(moderation_settings_for(article)))


def settings_kept():
    """A context in which the site's moderation settings are read once (see name_abuse and
    assess, which both read them): wrap one post in it."""
    from masthead.moderation.services.assessing import settings_kept as kept

    return kept()


def name_key(name: str) -> str:
    """A name as it reads, case, accents, spacing, punctuation and look-alike letters aside:
    names with one key read as the same name ("Ed1tor", "EDITOR", "Editor")."""
    from masthead.moderation.core import name_key as key

    return key(name)


def email_bans_carry(*, old_email: str, new_email: str, now=None):
    """An account's e-mail address changed: the bans on the old address bar the new one too."""
    from masthead.moderation.services import email_bans_carry as carry

    return carry(old_email=old_email, new_email=new_email, now=now)


def reader_mentions_erase(*, comment_ids, account_id: int, quoted) -> None:
    """An account is being deleted: moderation's records of its comments and bans stop quoting
    its names and addresses (`quoted`)."""
    from masthead.moderation.services import reader_mentions_erase as erase

    erase(comment_ids=comment_ids, account_id=account_id, quoted=quoted)


def holds_guests(article=None) -> bool:
    """Whether comments by guests (and by accounts whose address is not confirmed yet) wait for
    a moderator on `article`, or by default on the site when there is none."""
    from masthead.moderation.models import ModerationMode
    from masthead.moderation.services.assessing import mode_for, moderation_settings_for

    return mode_for(article, moderation_settings_for(article)) == ModerationMode.PRE_GUESTS
