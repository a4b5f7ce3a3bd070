from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _


class CommentVerdict(models.Model):
    """What the filter decided about a comment, and why (one row per assessment: post or edit)."""

    ACTIONS = [("publish", _("Publish")), ("hold", _("Hold for review")), ("spam", _("Spam"))]

    comment = models.ForeignKey(
        "discussion.Comment", on_delete=models.CASCADE, related_name="verdicts"
    )
    action = models.CharField(max_length=10, choices=ACTIONS)
    scores = models.JSONField(default=dict)
    reasons = models.JSONField(default=list)
    created = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["-created", "-id"]

    def __str__(self):
        return f"{self.action}: {', '.join(self.reasons) or 'no concerns'}"
