from django.urls import path, reverse
from django.utils.translation import ngettext
from wagtail import hooks
from wagtail.admin.rich_text.converters.html_to_contentstate import InlineStyleElementHandler
from wagtail.admin.rich_text.editors.draftail import features as draftail_features
from wagtail.admin.widgets.button import Button, ListingButton

from masthead.discussion import admin_views, selectors

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


@hooks.register("register_admin_urls")
def reader_comments_urls():
    return [
        path(
            "reader-comments/<int:article_id>/",
            admin_views.article_comments,
            name="article_reader_comments",
        )
    ]


def reader_comments_label(counts: selectors.CommentCounts) -> str:
    label = ngettext("%(count)d comment", "%(count)d comments", counts.published) % {
        "count": counts.published
    }
    if counts.waiting:
        label += f" · {counts.waiting} waiting"
    return label


def _is_article(page) -> bool:
    from masthead.publishing.models import ArticlePage

    return isinstance(page, ArticlePage)


@hooks.register("construct_page_listing_buttons")
def add_reader_comments_button(buttons, page, user, context=None):
    """WordPress's comment bubble: the article's comment counts, linking to its comments. Added
    here rather than in register_page_listing_buttons because this hook is given the listing
    (the context's table), whose articles are then counted together."""
    if not _is_article(page) or not admin_views.may_read_reader_comments(user, page):
        return
    buttons.append(
        ListingButton(
            reader_comments_label(_listed_comment_counts(page, context)),
            reverse("article_reader_comments", args=[page.pk]),
            icon_name="comment",
            attrs={"title": f"Readers’ comments on “{page.get_admin_display_title()}”"},
            priority=40,  # before Wagtail's "More options" (50)
        )
    )
    buttons.sort()


def _listed_comment_counts(page, context) -> selectors.CommentCounts:
    """The page's counts, from the counts of every page of its listing taken at the first row
    (one query per listing, not one per row), kept on the request for the rows that follow."""
    context = context or {}
    request, table = context.get("request"), context.get("table")
    known = getattr(request, "_reader_comment_counts", {})
    if page.pk not in known:
        rows = getattr(table, "data", None) or []
        known = {
            **known,
            **selectors.comment_counts_by_article({page.pk, *(row.pk for row in rows)}),
        }
        if request is not None:
            request._reader_comment_counts = known
    return known.get(page.pk, selectors.CommentCounts(0, 0))


@hooks.register("register_page_header_buttons")
def reader_comments_header_button(page, user, view_name, next_url=None):
    if not _is_article(page) or not admin_views.may_read_reader_comments(user, page):
        return
    counts = selectors.article_comment_counts(page.pk)
    yield Button(
        f"Readers’ comments ({reader_comments_label(counts)})",
        reverse("article_reader_comments", args=[page.pk]),
        icon_name="comment",
        priority=12,  # just below "Edit"
    )
