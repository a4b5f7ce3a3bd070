from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "masthead.discussion"
    label = "discussion"
    verbose_name = "Discussion"

    def ready(self):
        from django.db.models.signals import post_save

        from masthead import clock
        from masthead.discussion.forms import FORM_STARTED_MARKER, form_started_token
        from masthead.discussion.models import DiscussionSettings
        from masthead.publishing.page_cache import edit_saved, register_marker

        register_marker(FORM_STARTED_MARKER, lambda request: form_started_token())
        # The invitation, closing threads, page size...: every cached article shows them.
        post_save.connect(
            edit_saved, sender=DiscussionSettings, dispatch_uid="masthead-content-discussion"
        )

        clock.register(
            clock.PeriodicJob(
                "deliver comment digests",
                60,
                "masthead.discussion.services.subscriptions_deliver_due",
            )
        )
        clock.register(
            clock.PeriodicJob(
                "forget old changes of comment scores",
                3600,
                "masthead.discussion.services.vote_changes_prune",
            )
        )
