"""The publishing app's part of the Wagtail admin."""

from django.db import models
from django.shortcuts import redirect
from django.utils import formats, timezone
from django.utils.html import escape, format_html
from wagtail import hooks
from wagtail.admin import messages
from wagtail.admin.compare import FieldComparison, TextDiff, register_comparison_class
from wagtail.admin.forms.models import register_form_field_override
from wagtail.admin.staticfiles import versioned_static
from wagtail.images import get_image_model
from wagtail.models import Page

from masthead.publishing.author_chooser import author_chooser_viewset
from masthead.publishing.bulk_actions import (
    MoveBulkActionClearOfRoutes,
    PublishBulkActionLeavingUnbylinedDrafts,
)
from masthead.publishing.image_chooser import ImageChooser


class DateTimeFieldComparison(FieldComparison):
    """Dates compared and shown as editors see and set them: to the minute, in the site's time
    zone. A page's row keeps a date to the microsecond and a revision to the millisecond, so an
    untouched publish date showed as changed ("08:37:45.528708" → "08:37:45.528000") whenever
    the live version was compared with a later draft."""

    def has_changed(self):
        return self._shown(self.val_a) != self._shown(self.val_b)

    def htmldiff(self):
        before, after = self._shown(self.val_a), self._shown(self.val_b)
        if before == after:
            return escape(before)
        return TextDiff([("deletion", before), ("addition", after)]).to_html()

    @staticmethod
    def _shown(value) -> str:
        if value is None:
            return ""
        if timezone.is_aware(value):
            value = timezone.localtime(value)
        return formats.date_format(value, "j M Y, H:i")


register_comparison_class(models.DateTimeField, comparison_class=DateTimeFieldComparison)
# Every image field of the admin (a featured image, an author's photo, the site's logo), in place
# of Wagtail's chooser, which wagtail.images registers when it loads.
register_form_field_override(
    models.ForeignKey, to=get_image_model(), override={"widget": ImageChooser}
)


@hooks.register("register_admin_viewset")
def register_author_chooser():
    return author_chooser_viewset


# In place of Wagtail's "Publish" and "Move" (same action types): registered after
# wagtail.admin's, which comes later in INSTALLED_APPS, so the registry keeps these.
hooks.register("register_bulk_action", PublishBulkActionLeavingUnbylinedDrafts, order=1)
hooks.register("register_bulk_action", MoveBulkActionClearOfRoutes, order=1)


@hooks.register("after_copy_page")
def copy_section_pins(request, page, new_page):
    from masthead.publishing.services import section_copy_pins

    section_copy_pins(original=page, copy=new_page)


@hooks.register("before_move_page")
def refuse_a_move_behind_a_route(request, page_to_move, destination):
    """Wagtail checks only that no page under the destination has the slug; a page whose slug
    is one of the destination's own addresses (an article "feed" into a section, a section
    "tags" under the front page) would be hidden behind that address."""
    from masthead.publishing.forms import MOVE_BEHIND_A_ROUTE
    from masthead.publishing.selectors import slug_route_clash

    refusal = slug_route_clash(
        parent=destination, slug=page_to_move.slug, page=page_to_move, message=MOVE_BEHIND_A_ROUTE
    )
    if not refusal:
        return None
    messages.error(request, refusal)
    return redirect("wagtailadmin_pages:move", page_to_move.id)


@hooks.register("after_create_page")
def remember_a_page_autosave_created(request, page):
    """Autosave's requests ask for JSON; "Save draft", "Publish" and "Submit" are the form's
    own submission, for a page."""
    if not request.accepts("text/html") and not page.live:
        from masthead.publishing.autosaved_drafts import autosaved_draft_record

        autosaved_draft_record(page=page)


@hooks.register("before_create_page")
def take_the_address_of_an_untouched_autosaved_draft(request, parent_page, page_class):
    if request.method != "POST" or not request.POST.get("slug"):
        return None
    from masthead.publishing.autosaved_drafts import autosaved_draft_slug_release

    autosaved_draft_slug_release(parent=parent_page, slug=request.POST["slug"], now=timezone.now())
    return None


@hooks.register("after_edit_page")
def keep_a_page_a_person_saved(request, page):
    if request.accepts("text/html"):
        from masthead.publishing.autosaved_drafts import autosaved_draft_keep

        autosaved_draft_keep(page=page)


@hooks.register("register_log_actions")
def publishing_log_actions(actions):
    from wagtail.log_actions import LogFormatter

    from masthead.publishing.autosaved_drafts import ABANDONED_DRAFT_DELETED

    @actions.register_action(ABANDONED_DRAFT_DELETED)
    class AbandonedDraftDeleted(LogFormatter):
        label = "Delete abandoned autosaved draft"

        def format_message(self, log_entry):
            days = log_entry.data.get("days")
            return (
                "Deleted: a draft autosave made of a new page, which nobody saved, published "
                f"or touched for {days} days"
            )


# The buttons of the editor's footer other than "Save draft" (Wagtail's EditView reads them).
NOT_A_DRAFT_SAVE = (
    "action-publish",
    "action-submit",
    "action-restart-workflow",
    "action-workflow-action",
    "action-cancel-workflow",
)


@hooks.register("before_edit_page")
def extend_the_editors_recent_draft(request, page):
    """Wagtail overwrites a draft revision only within one opening of the editor (autosave sends
    the revision it made as `overwrite_revision_id`): every reopening, every page load after
    "Save draft", started a revision and a "Draft saved" line of its own, dozens a morning.
    A save from a form loaded from the page's latest revision, when that is this editor's recent
    draft (draft_revision_to_extend), names it for overwriting the same way; Wagtail then keeps
    one revision and groups its log entries into one line of the history."""
    if request.method != "POST" or request.resolver_match.url_name != "edit":
        return None  # reverting keeps its own revision
    if "overwrite_revision_id" in request.POST:
        _forget_a_draft_another_opening_has_saved_since(request, page)
        return None
    if any(action in request.POST for action in NOT_A_DRAFT_SAVE):
        return None
    from masthead.publishing.draft_revisions import draft_revision_to_extend

    stored = Page.objects.select_related("latest_revision").get(pk=page.pk)
    draft = draft_revision_to_extend(page=stored, user=request.user, now=timezone.now())
    # A form loaded from an older revision, or from this one before a save in another tab, is
    # left to Wagtail: autosave reports the conflict, "Save draft" adds a revision.
    if draft is None or request.POST.get("loaded_revision_id") != str(draft.pk):
        return None
    if request.POST.get("loaded_revision_created_at") != draft.created_at.isoformat():
        return None
    request.POST = request.POST.copy()
    request.POST["overwrite_revision_id"] = str(draft.pk)
    return None


def _forget_a_draft_another_opening_has_saved_since(request, page) -> None:
    """Wagtail takes a save naming the latest revision for overwriting as up to date: "two
    sessions cannot have the same autosave revision". Extending a recent draft breaks that: a
    second tab or device of the same editor extends the draft the first one autosaves into. Each
    form knows when its draft was last saved (draft-revision.js keeps `loaded_revision_*` in
    step with its own saves); when the draft was saved since by another opening, the save no
    longer names it, and Wagtail's own check of the loaded revision applies: autosave reports
    "Saving will overwrite a newer version", "Save draft" adds a revision. Nothing is lost."""
    overwrite = request.POST["overwrite_revision_id"]
    if request.POST.get("loaded_revision_id") != overwrite:
        return  # the form does not track its draft's saves (no script): Wagtail's check alone
    latest = Page.objects.filter(pk=page.pk).values_list(
        "latest_revision_id", "latest_revision__created_at"
    )[0]
    if str(latest[0]) != overwrite or latest[1] is None:
        return  # Wagtail refuses an overwrite of anything but the latest revision itself
    if request.POST.get("loaded_revision_created_at") != latest[1].isoformat():
        request.POST = request.POST.copy()
        del request.POST["overwrite_revision_id"]


@hooks.register("insert_editor_js")
def keep_the_drafts_revision_in_the_form():
    return format_html(
        '<script src="{}"></script>', versioned_static("publishing/draft-revision.js")
    )
