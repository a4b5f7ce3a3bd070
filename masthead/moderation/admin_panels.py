from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component

from masthead.moderation import selectors


class CommentQueuesPanel(Component):
    """The dashboard's "Comments" panel: what waits in each moderation queue, one click away."""

    name = "comment_queues"
    template_name = "moderation/admin/home_panel.html"
    order = 150  # above Wagtail's workflow and recent-edits panels

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        counts = selectors.queue_counts()
        queue_url = reverse("moderation_queue")
        context["queues"] = [
            (label, counts[key], f"{queue_url}?{urlencode({'queue': key})}")
            for key, label in selectors.QUEUES.items()
        ]
        context["queue_url"] = queue_url
        return context
