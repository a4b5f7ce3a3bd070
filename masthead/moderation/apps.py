from django.apps import AppConfig


class ModerationConfig(AppConfig):
    name = "masthead.moderation"
    label = "moderation"
    verbose_name = "Moderation"

    def ready(self):
        from masthead import clock

        clock.register(
            clock.PeriodicJob(
                "alert moderators to held comments",
                60,
                "masthead.moderation.services.moderator_alerts_send",
            )
        )
        clock.register(
            clock.PeriodicJob(
                "delete old spam", 6 * 3600, "masthead.moderation.services.spam_purge"
            )
        )
