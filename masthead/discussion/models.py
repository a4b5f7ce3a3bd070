import hashlib

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

ARTICLE_MODEL = "publishing.ArticlePage"


class CommentStatus(models.TextChoices):
    PUBLISHED = "published", _("Published")
    PENDING = "pending", _("Awaiting moderation")
    SPAM = "spam", _("Spam")
    REMOVED = "removed", _("Removed by a moderator")


class Comment(models.Model):
    """A reader's comment on an article. Replies point at their parent and at the thread's top."""

    article = models.ForeignKey(ARTICLE_MODEL, on_delete=models.CASCADE, related_name="comments")
    parent = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="children"
    )
    # The top-level comment this one hangs under (None for top-level comments): a page of the
    # thread loads all descendants of its top-level comments in one query through it.
    root = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.CASCADE, related_name="descendants"
    )
    # When a reply to a comment at the deepest level is attached beside it, the comment it
    # answers is kept here and shown as "in reply to Name".
    replied_to = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    depth = models.PositiveSmallIntegerField(default=0)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )
    author_name = models.CharField(max_length=80)
    author_email = models.EmailField(blank=True, help_text=_("Never shown to readers."))
    author_url = models.URLField(blank=True, max_length=300)
    # The guest's signed cookie identity (or "u<id>" for an account): who may edit this comment.
    reader_key = models.CharField(max_length=64, db_index=True)
    ip_hash = models.CharField(max_length=64, blank=True, db_index=True)

    body = models.TextField(help_text=_("As written, in Markdown."))
    body_html = models.TextField(help_text=_("Rendered and sanitised."))
    anchor = models.ForeignKey(
        "discussion.PassageAnchor",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="comments",
    )

    status = models.CharField(
        max_length=12, choices=CommentStatus.choices, default=CommentStatus.PUBLISHED
    )
    created = models.DateTimeField(db_index=True)
    edited = models.DateTimeField(null=True, blank=True)
    deleted = models.DateTimeField(
        null=True, blank=True, help_text=_("When its author deleted it.")
    )

    up = models.PositiveIntegerField(default=0)
    down = models.PositiveIntegerField(default=0)
    # The comment's id in the file it was imported from: running the import again skips it.
    import_id = models.CharField(max_length=64, blank=True, default="")
    # Votes brought along by an import (a net score), kept apart so that new votes add to it.
    imported_score = models.IntegerField(default=0)
    score = models.IntegerField(default=0, help_text=_("Imported score + up − down."))
    # A moderator's pick, shown to readers above the thread ("Editors' picks"); cleared when the
    # comment is removed, marked spam or deleted by its author.
    featured_at = models.DateTimeField(null=True, blank=True)
    featured_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        ordering = ["created", "id"]
        indexes = [
            models.Index(fields=["article", "status", "created"], name="comment_thread_time"),
            models.Index(
                fields=["article", "status", "score", "created"], name="comment_thread_score"
            ),
            # A page of top-level comments walks one of these in sort order and stops after
            # the page, so its cost does not grow with the thread.
            models.Index(fields=["article", "parent", "created", "id"], name="comment_top_time"),
            models.Index(
                fields=["article", "parent", "score", "created", "id"], name="comment_top_score"
            ),
            models.Index(fields=["reader_key", "created"], name="comment_reader_time"),
            models.Index(fields=["author_email"], name="comment_author_email"),
            models.Index(fields=["ip_hash", "created"], name="comment_address_time"),
            # The moderators' queues (held, spam, removed), oldest or newest first, and counts.
            models.Index(fields=["status", "created"], name="comment_status_time"),
            # The commented passages of an article, without walking its thread.
            models.Index(fields=["article", "anchor"], name="comment_article_anchor"),
            # A reader's comments on their account page, newest first, a page at a time.
            models.Index(fields=["user", "created", "id"], name="comment_account_time"),
            # The few featured comments of a thread, found without walking the thread.
            models.Index(
                fields=["article", "-featured_at"],
                condition=Q(featured_at__isnull=False),
                name="comment_featured",
            ),
        ]
        constraints = [
            models.UniqueConstraint(
                fields=["article", "import_id"],
                condition=~Q(import_id=""),
                name="one_comment_per_imported_id",
            )
        ]

    def __str__(self):
        return f"{self.author_name}: {self.body[:60]}"

    @property
    def is_top_level(self) -> bool:
        return self.parent_id is None

    @property
    def is_visible(self) -> bool:
        return self.status == CommentStatus.PUBLISHED

    @property
    def is_featured(self) -> bool:
        """Picked by a moderator and shown to every reader (a pick hidden by readers' reports
        is kept, and shows again if a moderator approves the comment)."""
        return self.featured_at is not None and self.is_visible and self.deleted is None


class CommentVote(models.Model):
    """One reader's vote on one comment; a second vote replaces the first."""

    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="votes")
    reader_key = models.CharField(max_length=64)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.CASCADE
    )
    ip_hash = models.CharField(max_length=64, blank=True)
    value = models.SmallIntegerField(choices=[(1, "up"), (-1, "down")])
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["comment", "reader_key"], name="one_vote_per_reader"),
            models.UniqueConstraint(
                fields=["comment", "user"],
                condition=Q(user__isnull=False),
                name="one_vote_per_account",
            ),
        ]
        indexes = [
            models.Index(fields=["comment", "ip_hash"], name="vote_comment_address"),
            # A guest's votes, to tell whether they took part in a thread (see has_own_view).
            models.Index(fields=["reader_key"], name="vote_reader"),
        ]

    def __str__(self):
        return f"{self.value:+d} on {self.comment_id} by {self.reader_key}"


class VoteChange(models.Model):
    """How much a vote moved a top-level comment's score (cast, changed or taken back), kept
    for a day or so: a reader paging through the most voted comments goes on in the order of
    the moment they started (see selectors.threads.ranked_at), whatever votes came since."""

    article = models.ForeignKey(
        ARTICLE_MODEL, on_delete=models.CASCADE, related_name="+", db_index=False
    )
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    delta = models.SmallIntegerField()
    created = models.DateTimeField(db_index=True)

    class Meta:
        indexes = [
            # The changes to an article's scores since a reader started paging, newest last.
            models.Index(fields=["article", "id"], name="vote_change_article"),
        ]

    def __str__(self):
        return f"{self.delta:+d} on {self.comment_id}"


class ThreadStats(models.Model):
    """Per-article counters kept with every write, so a page view never counts comments, and the
    moderators' override of the article's comment settings.

    `version` changes whenever anything readers see in the thread changes; it is part of the
    cache key of the rendered thread and the ETag of the live-update poll.

    The override lives here, not on the page: the page's own settings are an editor's, published
    from Wagtail revisions, and an editor's next publish would undo a moderator's change written
    there. A page view reads this row anyway, so the override costs it no query.
    """

    article = models.OneToOneField(
        ARTICLE_MODEL, on_delete=models.CASCADE, primary_key=True, related_name="thread_stats"
    )
    published_count = models.PositiveIntegerField(default=0)
    top_level_count = models.PositiveIntegerField(default=0)
    latest_comment_id = models.BigIntegerField(default=0)
    # Featured comments readers see: a page looks them up only when there are some.
    featured_count = models.PositiveIntegerField(default=0)
    version = models.PositiveBigIntegerField(default=0)
    # How many of `version`'s changes were votes, which the site's comments feed does not show:
    # it is kept under `version` less this (selectors.comments_version), so a vote does not
    # throw it away.
    votes_version = models.PositiveBigIntegerField(default=0)
    # A moderator's say, which wins over the article's own settings until a moderator clears it:
    # None in `override_comments_open` is no override (the article's own settings apply).
    override_comments_open = models.BooleanField(null=True, blank=True)
    # The mode with the override on: "" follows the site's, as on the article.
    override_comment_moderation = models.CharField(max_length=12, blank=True, default="")
    override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    override_at = models.DateTimeField(null=True, blank=True)

    def __str__(self):
        return f"{self.article_id}: {self.published_count} comments"


class PassageAnchor(models.Model):
    """A passage of an article that comments are attached to (inline feedback).

    The quote is stored with a little text on either side, so the passage can be found again
    after the article is edited; when it cannot, the comments say "passage since edited".
    """

    article = models.ForeignKey(
        ARTICLE_MODEL, on_delete=models.CASCADE, related_name="passage_anchors"
    )
    quote = models.TextField()
    prefix = models.CharField(max_length=64, blank=True)
    suffix = models.CharField(max_length=64, blank=True)
    # sha256 of quote and context: the same passage gets one anchor (a long quote cannot be indexed).
    fingerprint = models.CharField(max_length=64)
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "fingerprint"], name="one_anchor_per_passage"
            )
        ]

    def __str__(self):
        return self.quote[:80]

    @staticmethod
    def fingerprint_of(quote: str, prefix: str, suffix: str) -> str:
        return hashlib.sha256("\x1f".join((prefix, quote, suffix)).encode()).hexdigest()


class SubscriptionKind(models.TextChoices):
    ALL = "all", _("New follow-up comments")
    REPLIES = "replies", _("New replies to your comments")


class Subscription(models.Model):
    """A reader's wish to hear of new comments on an article, confirmed by e-mail (double opt-in)."""

    article = models.ForeignKey(
        ARTICLE_MODEL, on_delete=models.CASCADE, related_name="comment_subscriptions"
    )
    email = models.EmailField()
    kind = models.CharField(max_length=10, choices=SubscriptionKind.choices)
    # The account that asked for it, when a signed-in reader did: its "Your account" page lists
    # it, and deleting the account erases it. The address alone cannot say whose it is: an
    # account's address may not be confirmed yet. A subscription is confirmed by its own e-mail,
    # signed in or not, unless the account asked at its confirmed address from the follow form,
    # the comment form's "Notify of" or the API (subscription_follow): that address is proven
    # already, and an active subscription confirmed there without an account becomes its.
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.CASCADE,
        related_name="comment_subscriptions",
    )
    # Links in e-mails are derived from the id and `created` with SECRET_KEY (subscription_links),
    # so nothing here can make one. Subscriptions from before kept their random link token; only
    # its SHA-256 is stored, so links already sent still work until the reader subscribes again.
    legacy_token_hash = models.CharField(
        max_length=64, null=True, blank=True, unique=True, editable=False
    )
    created = models.DateTimeField(auto_now_add=True)
    confirmed = models.DateTimeField(null=True, blank=True)
    unsubscribed = models.DateTimeField(null=True, blank=True)
    last_notified = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["article", "email", "kind"], name="one_subscription_per_kind"
            )
        ]

    def __str__(self):
        return f"{self.email} → {self.article_id} ({self.kind})"

    @property
    def is_active(self) -> bool:
        return self.confirmed is not None and self.unsubscribed is None


class PendingNotification(models.Model):
    """A comment a subscriber has not yet been told about (gathered into the next digest)."""

    subscription = models.ForeignKey(Subscription, on_delete=models.CASCADE, related_name="pending")
    comment = models.ForeignKey(Comment, on_delete=models.CASCADE, related_name="+")
    created = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["subscription", "comment"], name="one_notification_per_comment"
            )
        ]

    def __str__(self):
        return f"comment {self.comment_id} for subscription {self.subscription_id}"


class SortOrder(models.TextChoices):
    NEWEST = "newest", _("Newest")
    OLDEST = "oldest", _("Oldest")
    MOST_VOTED = "most_voted", _("Most voted")


@register_setting(icon="comment")
class DiscussionSettings(BaseSiteSetting):
    """How the comment section behaves on this site (editable in Settings → Discussion)."""

    invitation = models.CharField(
        max_length=200,
        default="Would love your thoughts, please comment.",
        help_text=_("The placeholder of the comment box."),
    )
    max_depth = models.PositiveSmallIntegerField(
        default=5,
        help_text=_(
            "How deep replies nest; a reply deeper than this is attached beside its parent."
        ),
    )
    page_size = models.PositiveSmallIntegerField(
        default=20, help_text=_("Top-level comments per page.")
    )
    default_sort = models.CharField(
        max_length=12, choices=SortOrder.choices, default=SortOrder.NEWEST
    )
    edit_window_minutes = models.PositiveSmallIntegerField(
        default=15, help_text=_("How long authors may edit or delete their comment.")
    )
    close_after_days = models.PositiveSmallIntegerField(
        null=True,
        blank=True,
        help_text=_("Close comments this many days after publishing (empty: never)."),
    )
    guest_votes_per_address = models.PositiveSmallIntegerField(
        default=5,
        help_text=_(
            "How many guests behind one network address may vote on the same comment "
            "(an office or a mobile network shares one address)."
        ),
    )

    panels = [
        FieldPanel("invitation"),
        MultiFieldPanel(
            [FieldPanel("max_depth"), FieldPanel("page_size"), FieldPanel("default_sort")],
            heading=_("Threads"),
        ),
        MultiFieldPanel(
            [FieldPanel("edit_window_minutes"), FieldPanel("close_after_days")],
            heading=_("Editing and closing"),
        ),
        FieldPanel("guest_votes_per_address"),
    ]

    class Meta:
        verbose_name = _("discussion")

    def clean(self):
        from django.core.exceptions import ValidationError

        errors = {}
        if not 1 <= self.max_depth <= 20:
            errors["max_depth"] = _("Choose a depth between 1 and 20.")
        if not 1 <= self.page_size <= 200:
            errors["page_size"] = _("Choose between 1 and 200 comments per page.")
        if errors:
            raise ValidationError(errors)
