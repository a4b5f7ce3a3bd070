from django.apps import AppConfig


class DiscussionConfig(AppConfig):
    name = "masthead.discussion"
    label = "discussion"
    verbose_name = "Discussion"

    def ready(self):
        from masthead import clock

        clock.register(
            clock.PeriodicJob(
                "deliver comment digests",
                60,
                "masthead.discussion.services.subscriptions_deliver_due",
            )
        )
