from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "masthead.discussion"
    label = "discussion"
    verbose_name = "Discussion"

    def ready(self):
        from masthead import clock
        from masthead.discussion.forms import FORM_STARTED_MARKER, form_started_token
        from masthead.publishing.page_cache import register_marker

        register_marker(FORM_STARTED_MARKER, lambda request: form_started_token())

        clock.register(
            clock.PeriodicJob(
                "deliver comment digests",
                60,
                "masthead.discussion.services.subscriptions_deliver_due",
            )
        )
