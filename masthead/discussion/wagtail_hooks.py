from wagtail import hooks
from wagtail.admin.rich_text.converters.html_to_contentstate import InlineStyleElementHandler
from wagtail.admin.rich_text.editors.draftail import features as draftail_features

FEEDBACK_FEATURE = "feedback"
FEEDBACK_STYLE = "FEEDBACK"


@hooks.register("register_rich_text_features")
def register_feedback_feature(features):
    """Editors mark passages open for reader feedback; readers see a bubble inviting comments there."""
    features.register_editor_plugin(
        "draftail",
        FEEDBACK_FEATURE,
        draftail_features.InlineStyleFeature(
            {
                "type": FEEDBACK_STYLE,
                "label": "💬",
                "description": "Open this passage for reader feedback",
                "style": {"backgroundColor": "#e9f1e0", "borderBottom": "2px dotted #1f7a3d"},
            }
        ),
    )
    features.register_converter_rule(
        "contentstate",
        FEEDBACK_FEATURE,
        {
            "from_database_format": {
                "span[data-feedback]": InlineStyleElementHandler(FEEDBACK_STYLE)
            },
            "to_database_format": {
                "style_map": {
                    FEEDBACK_STYLE: {"element": "span", "props": {"data-feedback": "true"}}
                }
            },
        },
    )


@hooks.register("before_delete_page")
def warn_that_deleting_an_article_deletes_its_comments(request, page):
    """Readers' comments go with the article (and so do the moderators' decisions on them):
    say so on the confirmation page, and point at unpublishing, which keeps them."""
    if request.method != "GET":
        return None
    from django.contrib import messages

    from masthead.discussion.models import Comment

    count = Comment.objects.filter(article_id=page.pk, deleted__isnull=True).count()
    if count:
        messages.warning(
            request,
            f"This article has {count} reader comment{'s' if count != 1 else ''}: deleting it "
            "deletes them too, with the moderators' decisions on them. Unpublish it instead to "
            "take it off the site and keep them.",
        )
    return None
