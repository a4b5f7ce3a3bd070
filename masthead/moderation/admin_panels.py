from django.urls import reverse
from django.utils.http import urlencode
from wagtail.admin.ui.components import Component

from masthead.moderation import selectors

# The picks are not a queue to work through: the panel shows them apart from those that are.
PICKS_QUEUE = "featured"


class CommentQueuesPanel(Component):
    """The dashboard's "Comments" panel: what waits in each moderation queue, one click away,
    and apart from them how many editors' picks readers see."""

    name = "comment_queues"
    template_name = "moderation/admin/home_panel.html"
    order = 150  # above Wagtail's workflow and recent-edits panels

    def get_context_data(self, parent_context):
        context = super().get_context_data(parent_context)
        counts = selectors.queue_counts()
        queue_url = reverse("moderation_queue")

        def url(key):
            return f"{queue_url}?{urlencode({'queue': key})}"

        context["queues"] = [
            (label, counts[key], url(key))
            for key, label in selectors.QUEUES.items()
            if key != PICKS_QUEUE
        ]
        context["picks"] = {"count": counts[PICKS_QUEUE], "url": url(PICKS_QUEUE)}
        context["queue_url"] = queue_url
        return context
