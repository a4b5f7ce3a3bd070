"""Moderation's writes and the verdict itself."""

from masthead.moderation.services.alerts import moderator_alert_send, moderator_alerts_send
from masthead.moderation.services.articles import (
    article_comments_override_clear,
    article_comments_set,
)
from masthead.moderation.services.assessing import submission_assess, verdict_record
from masthead.moderation.services.decisions import (
    AlreadyDecided,
    ModerationOutcome,
    ModerationRefused,
    ban_lift,
    ban_reinstate,
    ban_reinstate_undo,
    comment_approve,
    comment_mark_spam,
    comment_remove,
    comments_moderate,
    decision_batch_undo,
    decision_undo,
    reader_ban,
)
from masthead.moderation.services.featuring import comment_feature, comment_unfeature
from masthead.moderation.services.readers import email_bans_carry, reader_mentions_erase
from masthead.moderation.services.reports import ReportRefused, comment_report
from masthead.moderation.services.spam import spam_purge
from masthead.moderation.services.training import filter_retrain, filter_retrain_if_due

__all__ = [
    "AlreadyDecided",
    "ModerationOutcome",
    "ModerationRefused",
    "ReportRefused",
    "article_comments_override_clear",
    "article_comments_set",
    "ban_lift",
    "ban_reinstate",
    "ban_reinstate_undo",
    "comment_approve",
    "comment_feature",
    "comment_mark_spam",
    "comment_remove",
    "comment_report",
    "comment_unfeature",
    "comments_moderate",
    "decision_batch_undo",
    "decision_undo",
    "email_bans_carry",
    "filter_retrain",
    "filter_retrain_if_due",
    "moderator_alert_send",
    "moderator_alerts_send",
    "reader_ban",
    "reader_mentions_erase",
    "spam_purge",
    "submission_assess",
    "verdict_record",
]
