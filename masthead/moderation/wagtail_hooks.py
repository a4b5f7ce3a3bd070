from django.urls import path, reverse
from wagtail import hooks
from wagtail.admin.menu import MenuItem

from masthead.moderation import admin_views
from masthead.moderation.admin_panels import CommentQueuesPanel


@hooks.register("register_admin_urls")
def moderation_urls():
    return [
        path("moderation/", admin_views.queue, name="moderation_queue"),
        path(
            "moderation/comment/<int:comment_id>/<str:action>/",
            admin_views.act,
            name="moderation_act",
        ),
        path("moderation/bulk/", admin_views.bulk, name="moderation_bulk"),
        path("moderation/decisions/", admin_views.log, name="moderation_log"),
        path(
            "moderation/decisions/<int:decision_id>/undo/", admin_views.undo, name="moderation_undo"
        ),
        path(
            "moderation/decisions/batch/<uuid:batch>/undo/",
            admin_views.undo_batch,
            name="moderation_undo_batch",
        ),
        path("moderation/bans/", admin_views.bans, name="moderation_bans"),
        path(
            "moderation/bans/<int:ban_id>/lift/", admin_views.lift_ban, name="moderation_lift_ban"
        ),
        path(
            "moderation/bans/<int:ban_id>/reinstate/",
            admin_views.reinstate_ban,
            name="moderation_reinstate_ban",
        ),
        path(
            "moderation/bans/<int:ban_id>/undo-ban-again/",
            admin_views.undo_ban_again,
            name="moderation_undo_ban_again",
        ),
        path(
            "moderation/article/<int:article_id>/comments/",
            admin_views.article_comments,
            name="moderation_article_comments",
        ),
        path("moderation/filter/", admin_views.filter_quality, name="moderation_filter"),
        path("moderation/filter/retrain/", admin_views.retrain, name="moderation_retrain"),
    ]


class ModerationMenuItem(MenuItem):
    def is_shown(self, request):
        return request.user.has_perm(admin_views.PERMISSION)


@hooks.register("register_admin_menu_item")
def moderation_menu_item():
    return ModerationMenuItem(
        "Comments", reverse("moderation_queue"), icon_name="comment", order=250
    )


@hooks.register("register_permissions")
def moderation_permissions():
    from django.contrib.auth.models import Permission

    return Permission.objects.filter(
        content_type__app_label="moderation", codename="moderate_comments"
    )


@hooks.register("construct_homepage_panels")
def comment_queues_panel(request, panels):
    if request.user.has_perm(admin_views.PERMISSION):
        panels.append(CommentQueuesPanel())


@hooks.register("register_log_actions")
def moderation_log_actions(actions):
    from wagtail.log_actions import LogFormatter

    from masthead.moderation.services.articles import (
        COMMENT_SETTINGS_CHANGED,
        comment_settings_words,
    )

    @actions.register_action(COMMENT_SETTINGS_CHANGED)
    class CommentSettingsChanged(LogFormatter):
        label = "Change comment settings (moderator)"

        def format_message(self, log_entry):
            after = comment_settings_words(log_entry.data.get("after", {}))
            if log_entry.data.get("cleared"):
                return f"Moderators' comment settings cleared; the page's own apply: {after}"
            return f"Comment settings set by a moderator, over the page's own: {after}"
