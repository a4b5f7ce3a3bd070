import re

from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import MinValueValidator, validate_email
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, HelpPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from masthead.moderation.core.lexicon import unmatchable_additions
from masthead.moderation.core.signals import unreadable_domain_entries


class ModerationMode(models.TextChoices):
    POST = "post", _("Publish unless the filter holds it (post-moderation)")
    PRE_ALL = "pre_all", _("Hold every comment for review")
    PRE_GUESTS = "pre_guests", _("Hold comments by guests (without an account)")
    PRE_FIRST = "pre_first", _("Hold a reader's first comment")


class Strictness(models.TextChoices):
    LENIENT = "lenient", _("Lenient: hold only clear spam and abuse")
    BALANCED = "balanced", _("Balanced")
    STRICT = "strict", _("Strict: hold anything doubtful")


class AbuseAction(models.TextChoices):
    HOLD = "hold", _("Hold for review")
    SPAM = "spam", _("Mark as spam (never shown)")


class RetrainingProgressPanel(HelpPanel):
    """Says, beside "retrain after", how many decisions the first retraining still needs: until
    then no number set there makes the filter learn."""

    class BoundPanel(HelpPanel.BoundPanel):
        def __init__(self, **kwargs):
            from masthead.moderation.selectors import retraining_progress

            super().__init__(**kwargs)
            progress = retraining_progress()
            self.content = (
                ""
                if progress.ready
                else format_html(
                    "<p>{} Only decisions that teach the filter count: approvals, spam marks, "
                    "removals as abuse and bans.</p>",
                    progress.summary,
                )
            )


UNREADABLE_DOMAINS = _(
    "Not a site: {lines}. Put one site per line, as a domain (gov.uk) or an address "
    "(https://www.gov.uk/)."
)
UNREADABLE_RECIPIENTS = _("Not an e-mail address: {lines}. Put one address per line.")
NOT_A_NOTE = _(
    "{lines} starts with # but is not a note: to keep a line as a note for the other moderators, "
    "put a space after the # (“# like this”)."
)
UNMATCHABLE_ADDITIONS = _(
    "Would never match a comment: {lines}. The filter reads words in Latin letters and digits "
    "(accents are ignored); a line of symbols only, or in another script, finds nothing."
)


# A note in a list setting: "# " (any indent), or a # alone on its line.
NOTE = re.compile(r"\s*#(?:\s|$)")


def _hashed(entries: list[str]) -> list[str]:
    return [entry for entry in entries if entry.startswith("#")]


def _not_hashed(entries: list[str]) -> list[str]:
    return [entry for entry in entries if not entry.startswith("#")]


def _quoted(lines: list[str]) -> str:
    return ", ".join(f"“{line}”" for line in lines)


def _is_email(text: str) -> bool:
    try:
        validate_email(text)
    except ValidationError:
        return False
    return True


@register_setting(icon="warning")
class ModerationSettings(BaseSiteSetting):
    """How comments are moderated on this site (Settings → Moderation)."""

    mode = models.CharField(
        max_length=12, choices=ModerationMode.choices, default=ModerationMode.POST
    )
    strictness = models.CharField(
        max_length=10, choices=Strictness.choices, default=Strictness.BALANCED
    )
    abuse_action = models.CharField(
        max_length=6,
        choices=AbuseAction.choices,
        default=AbuseAction.HOLD,
        help_text=_(
            "What happens to comments the filter finds abusive. By default a moderator decides."
        ),
    )
    allow_domains = models.TextField(
        blank=True,
        help_text=_(
            "Sites readers may link to freely, one per line: gov.uk on one line, "
            "our-partner.org on the next. A line starting with “# ” (a space after the #) is a "
            "note for the other moderators: it is kept and never matched."
        ),
    )
    block_domains = models.TextField(
        blank=True,
        help_text=_(
            "Sites whose links mark a comment as spam, one per line. A line starting with “# ” "
            "(a space after the #) is a note for the other moderators: it is kept and never matched."
        ),
    )
    lexicon_additions = models.TextField(
        blank=True,
        help_text=_(
            "Words that hold a comment for review, one per line, besides the built-in list of "
            "slurs. A line starting with “# ” (a space after the #) is a note for the other "
            "moderators: it is kept and never matched. “#word”, without the space, is a hashtag "
            "term: comments with #word are held."
        ),
    )
    report_threshold = models.PositiveSmallIntegerField(
        default=3,
        validators=[MinValueValidator(1)],
        help_text=_(
            "Reports from this many different readers hide a comment until a moderator looks. "
            "A comment a moderator approved stays shown; its reports put it in the Reported queue, "
            "and once this many readers report it again after the approval, the moderators are "
            "alerted too (once per approval, if e-mail alerts are on)."
        ),
    )
    retrain_after = models.PositiveSmallIntegerField(
        default=50,
        validators=[MinValueValidator(1)],
        help_text=_("Retrain the filter after this many new moderator decisions."),
    )
    alert_moderators = models.BooleanField(
        default=True,
        verbose_name=_("E-mail moderators when comments wait for review"),
        help_text=_(
            "At most one message every 10 minutes, listing every comment held since the last one."
        ),
    )
    alert_recipients = models.TextField(
        blank=True,
        help_text=_(
            "Addresses to alert, one per line. Empty: every active user who may moderate "
            "comments. A line starting with “# ” (a space after the #) is a note for the other "
            "moderators: it is kept and never mailed."
        ),
    )

    panels = [
        MultiFieldPanel(
            [FieldPanel("mode"), FieldPanel("strictness"), FieldPanel("abuse_action")],
            heading=_("Rules"),
        ),
        MultiFieldPanel(
            [FieldPanel("allow_domains"), FieldPanel("block_domains")], heading=_("Links")
        ),
        FieldPanel("lexicon_additions"),
        MultiFieldPanel(
            [
                FieldPanel("report_threshold"),
                FieldPanel("retrain_after"),
                RetrainingProgressPanel(),
            ],
            heading=_("Readers and learning"),
        ),
        MultiFieldPanel(
            [FieldPanel("alert_moderators"), FieldPanel("alert_recipients")],
            heading=_("Alerts"),
        ),
    ]

    class Meta:
        verbose_name = _("moderation")

    def clean(self):
        # A line the filter cannot read would be ignored without a word: say which, and keep it.
        errors = {}
        for name in ("allow_domains", "block_domains"):
            entries = self.lines(getattr(self, name))
            unreadable = unreadable_domain_entries(_not_hashed(entries))
            if unreadable:
                errors[name] = [UNREADABLE_DOMAINS.format(lines=_quoted(unreadable))]
            if _hashed(entries):  # no site starts with #: a note missing its space
                errors.setdefault(name, []).append(
                    NOT_A_NOTE.format(lines=_quoted(_hashed(entries)))
                )
        # A hashtag is a word a site may hold comments for ("#scamcoin"): it is an entry.
        unmatchable = unmatchable_additions(self.lines(self.lexicon_additions))
        if unmatchable:
            errors["lexicon_additions"] = UNMATCHABLE_ADDITIONS.format(lines=_quoted(unmatchable))
        recipients = self.lines(self.alert_recipients)
        unreadable = [line for line in _not_hashed(recipients) if not _is_email(line)]
        if unreadable:
            errors["alert_recipients"] = [UNREADABLE_RECIPIENTS.format(lines=_quoted(unreadable))]
        if _hashed(recipients):  # maybe an address set aside: never guess, ask
            errors.setdefault("alert_recipients", []).append(
                NOT_A_NOTE.format(lines=_quoted(_hashed(recipients)))
            )
        if errors:
            raise ValidationError(errors)

    @staticmethod
    def lines(text: str) -> list[str]:
        """The entries of a list setting, one per line. A line whose first character is a lone #
        (then a space, or nothing) is a note for the other moderators: it stays in the setting
        as written and is never matched. "#word" is an entry: a hashtag in the lexicon."""
        return [
            line.strip()
            for line in (text or "").splitlines()
            if line.strip() and not NOTE.match(line)
        ]


class CommentVerdict(models.Model):
    """What the filter decided about a comment, and why (one row per assessment: post or edit)."""

    ACTIONS = [("publish", _("Publish")), ("hold", _("Hold for review")), ("spam", _("Spam"))]

    comment = models.ForeignKey(
        "discussion.Comment", on_delete=models.CASCADE, related_name="verdicts"
    )
    action = models.CharField(max_length=10, choices=ACTIONS)
    # The filter's own action, before the moderation mode held a comment it would publish: its
    # quality is judged on this, not on the mode's holds.
    filter_action = models.CharField(max_length=10, choices=ACTIONS, blank=True)
    # The text judged: its author may edit the comment after (empty: from before it was kept).
    body = models.TextField(blank=True)
    scores = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    # The reasons as one case-folded text, for the queue's reason filter: searched as JSON, they
    # would match the JSON's quotes and commas, and non-ASCII text is escaped in it on SQLite.
    reasons_text = models.TextField(blank=True, editable=False)
    # MinHash of the normalised text (less what it quotes of its parent): near-duplicates of
    # recent comments and of moderated ones. Empty: nothing to compare.
    fingerprint = models.BinaryField(default=b"", blank=True)
    # The ban that made the comment spam (its author was banned): undoing the decision that
    # made the ban puts the comment back for review.
    ban = models.ForeignKey(
        "Ban", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]
        indexes = [models.Index(fields=["created"], name="verdict_created")]

    def __str__(self):
        return f"{self.action}: {', '.join(self.reasons) or 'no concerns'}"

    @staticmethod
    def searchable(reasons) -> str:
        """`reasons_text` for these reasons (the queue's filter case-folds what it looks for)."""
        return "\n".join(str(reason) for reason in reasons).casefold()


class DecisionAction(models.TextChoices):
    APPROVE = "approve", _("Approved")
    SPAM = "spam", _("Marked as spam")
    REMOVE = "remove", _("Removed")
    BAN = "ban", _("Removed and banned the author")
    HIDE = "hide", _("Hidden after reader reports")
    FEATURE = "feature", _("Featured")
    UNFEATURE = "unfeature", _("No longer featured")
    # A comment its author posted while banned, put back for review when the ban was undone.
    RELEASE = "release", _("Back for review")


# Decisions made without a moderator, besides readers' reports hiding a comment: the note each
# leaves, and what the log names as having made it. A decision without a moderator and without
# one of these notes was made by a moderator whose account has since been deleted.
ENDED_BY_EDIT = "its author edited it"
IMPORTED = "imported with the comment"
DEMO_PICK = "a sample pick of the demo"
MADE_WITHOUT_MODERATOR = {
    ENDED_BY_EDIT: "its author's edit",
    IMPORTED: "an import",
    DEMO_PICK: "the demo",
}


class Decision(models.Model):
    """A moderator's action on a comment: the log, the way back (undo), and a training label
    (featuring and unfeaturing are logged and undone alike, but never labelled)."""

    LABELS = [
        ("ham", _("acceptable")),
        ("spam", _("spam")),
        ("abuse", _("abuse")),
        ("", _("no label")),
    ]

    comment = models.ForeignKey(
        "discussion.Comment", on_delete=models.CASCADE, related_name="decisions"
    )
    action = models.CharField(max_length=10, choices=DecisionAction.choices)
    moderator = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    previous_status = models.CharField(max_length=12)
    new_status = models.CharField(max_length=12)
    note = models.CharField(max_length=200, blank=True)
    # The text the moderator decided on, which the filter learns from: its author may edit the
    # comment after (a spammer, to something harmless).
    body = models.TextField(blank=True)
    label = models.CharField(max_length=5, choices=LABELS, blank=True)
    fingerprint = models.BinaryField(default=b"", blank=True)
    created = models.DateTimeField(default=timezone.now, db_index=True)
    undone = models.DateTimeField(null=True, blank=True)
    undone_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    # Shared by the decisions of one bulk action, so that it can be undone in one step.
    batch = models.UUIDField(null=True, blank=True, editable=False, db_index=True)

    class Meta:
        ordering = ["-created", "-id"]
        permissions = [("moderate_comments", "Can moderate readers' comments")]

    def __str__(self):
        return f"{self.get_action_display()} comment {self.comment_id}"

    @property
    def summary(self) -> str:
        """The action as the log words it: a ban says whether the comment went to spam, and
        approving a comment already published only dismissed its readers' reports."""
        if self.action == DecisionAction.BAN and self.new_status == "spam":
            return str(_("Marked as spam and banned the author"))
        if self.dismissed_reports_only:
            return str(_("Reports dismissed"))
        return self.get_action_display()

    @property
    def dismissed_reports_only(self) -> bool:
        """An approval of a comment already published: its status stayed, its reports closed."""
        return self.action == DecisionAction.APPROVE and self.previous_status == self.new_status

    @property
    def made_by(self) -> str:
        """Who the log names: the moderator, or what acted without one (whose account is gone)."""
        if self.moderator is not None:
            return self.moderator.get_username()
        if self.action == DecisionAction.HIDE:
            return "readers' reports"
        return MADE_WITHOUT_MODERATOR.get(self.note, "a deleted account")


class BanKind(models.TextChoices):
    ACCOUNT = "account", _("Reader account")
    EMAIL = "email", _("E-mail address")
    ADDRESS = "address", _("Network address (hashed)")


class Ban(models.Model):
    """A reader who may not comment: by account, e-mail or (hashed) network address."""

    kind = models.CharField(max_length=8, choices=BanKind.choices)
    value = models.CharField(
        max_length=254, help_text=_("Account id, e-mail (lower case) or address hash.")
    )
    reason = models.CharField(max_length=200, blank=True)
    created = models.DateTimeField(default=timezone.now)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    expires = models.DateTimeField(null=True, blank=True, help_text=_("Empty: for good."))
    lifted = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.ForeignKey(
        Decision, null=True, blank=True, on_delete=models.SET_NULL, related_name="bans"
    )
    # Made by "Ban again" (undoing a lift): the lifted ban it makes again. The decisions log lists
    # it as a moderator's action of its own, which can be undone.
    reinstates = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    legacy_address = models.BooleanField(
        default=False,
        help_text=_(
            "An address ban made before IPv6 bans covered the whole /64 network: it may hold the "
            "hash of one full address, which bans that address only."
        ),
    )

    class Meta:
        ordering = ["-created"]
        indexes = [models.Index(fields=["kind", "value"], name="ban_lookup")]

    def __str__(self):
        return f"{self.get_kind_display()} {self.value}"

    @classmethod
    def active_q(cls, now) -> Q:
        return Q(lifted__isnull=True) & (Q(expires__isnull=True) | Q(expires__gt=now))


class ReportReason(models.TextChoices):
    SPAM = "spam", _("Spam or advertising")
    ABUSE = "abuse", _("Abusive, hateful or threatening")
    OFF_TOPIC = "off_topic", _("Off-topic")
    OTHER = "other", _("Something else")


class Report(models.Model):
    """A reader flags a comment; enough distinct readers hide it until a moderator decides (one a
    moderator approved stays shown, in the reported queue)."""

    comment = models.ForeignKey(
        "discussion.Comment", on_delete=models.CASCADE, related_name="reports"
    )
    reason = models.CharField(max_length=10, choices=ReportReason.choices)
    note = models.CharField(max_length=300, blank=True)
    reader_key = models.CharField(max_length=64)
    ip_hash = models.CharField(max_length=64, blank=True)
    created = models.DateTimeField(default=timezone.now)
    resolved = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader_key"], name="one_report_per_reader")
        ]
        indexes = [
            models.Index(fields=["resolved", "created"], name="report_open"),
            models.Index(fields=["reader_key"], name="report_reader"),
        ]

    def __str__(self):
        return f"{self.get_reason_display()} on comment {self.comment_id}"


class FilterVersion(models.Model):
    """A retraining of the site's filter from moderator decisions, promoted or not."""

    created = models.DateTimeField(default=timezone.now)
    directory = models.CharField(
        max_length=200, blank=True, help_text=_("Under MASTHEAD_HOME; empty: not kept.")
    )
    trained_on = models.PositiveIntegerField(
        default=0, help_text=_("Site decisions used for training.")
    )
    held_out = models.PositiveIntegerField(
        default=0, help_text=_("Recent decisions kept aside to judge it.")
    )
    metrics = models.JSONField(
        default=dict, help_text=_("Before/after scores on the held-out decisions.")
    )
    promoted = models.BooleanField(default=False)
    # A run refused (too few decisions) or that skipped both models learnt nothing: the decisions
    # it saw still count towards the next retraining, and the quality is not split at it.
    judged = models.BooleanField(
        default=False,
        help_text=_("A new model was trained and judged on the held-out decisions."),
    )
    is_current = models.BooleanField(default=False)

    class Meta:
        ordering = ["-created"]
        constraints = [
            models.UniqueConstraint(
                fields=["is_current"], condition=Q(is_current=True), name="one_current_filter"
            )
        ]

    def __str__(self):
        return f"filter of {self.created:%Y-%m-%d %H:%M} ({'promoted' if self.promoted else 'refused'})"


class ModeratorAlert(models.Model):
    """An e-mail that told a site's moderators which comments were waiting for review."""

    site = models.ForeignKey("wagtailcore.Site", on_delete=models.CASCADE, related_name="+")
    sent = models.DateTimeField(default=timezone.now)
    recipients = models.PositiveSmallIntegerField(default=0)
    comments = models.ManyToManyField("discussion.Comment", related_name="moderator_alerts")

    class Meta:
        ordering = ["-sent", "-id"]
        indexes = [models.Index(fields=["site", "sent"], name="alert_site_sent")]

    def __str__(self):
        return f"alert of {self.sent:%Y-%m-%d %H:%M} to {self.recipients} moderators"
