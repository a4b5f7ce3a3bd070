"""Page editor panels about an article's discussion."""

from django.contrib.auth import get_user_model
from wagtail.admin.panels import Panel

from masthead.discussion.selectors import comment_settings_override


class CommentSettingsOverrideNotice(Panel):
    """Tells the editor, beside the article's comment settings, that moderators have set their
    own, which win over the page's until a moderator clears them: the fields below still save,
    and apply again then. Shown only while there is such an override."""

    class BoundPanel(Panel.BoundPanel):
        template_name = "discussion/admin/comment_settings_override_notice.html"

        def __init__(self, **kwargs):
            super().__init__(**kwargs)
            self.override = comment_settings_override(self.instance) if self.instance else None

        def is_shown(self):
            return self.override is not None and super().is_shown()

        def get_context_data(self, parent_context=None):
            context = super().get_context_data(parent_context)
            modes = dict(self.instance._meta.get_field("comment_moderation").flatchoices)
            context["override"] = self.override
            context["override_by"] = (
                get_user_model().objects.filter(pk=self.override.by_id).first()
                if self.override.by_id
                else None
            )
            context["override_open"] = self.override.comments_open
            context["override_mode"] = modes.get(
                self.override.comment_moderation, self.override.comment_moderation
            )
            return context
