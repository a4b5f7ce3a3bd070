"""The page listing's bulk "Publish", article by article, and bulk "Move", which refuses a page
whose slug the destination answers itself."""

from django.contrib import messages as django_messages
from django.template.loader import render_to_string
from django.template.response import TemplateResponse
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.admin.views.pages.bulk_actions import MoveBulkAction, PublishBulkAction

from masthead.publishing import selectors
from masthead.publishing.forms import MOVE_BEHIND_A_ROUTE


class PublishBulkActionLeavingUnbylinedDrafts(PublishBulkAction):
    """Wagtail publishes the selected pages in one transaction, and ArticlePage.publish refuses
    an article with no author in its byline: one such article cancelled the whole batch. Here
    those articles are set aside as Wagtail sets aside the pages the editor may not publish: the
    confirmation page names them, the others are published (Wagtail's own message counts them)
    and a message lists the ones left as drafts, each with a link to its editor and the reason.
    Aliases are set aside too: one goes live with the page it copies, and Wagtail's action,
    which saves a revision of a page that has none, fails on it with a server error.
    Registered under Wagtail's action type "publish", in its place (see wagtail_hooks)."""

    template_name = "publishing/admin/confirm_bulk_publish.html"

    def __init__(self, request, model):
        super().__init__(request, model)
        self.left_as_drafts = []

    def get_actionable_objects(self):
        pages, set_aside = super().get_actionable_objects()
        aliases = [page for page in pages if page.alias_of_id]
        pages = [page for page in pages if not page.alias_of_id]
        without_author = selectors.articles_without_author(pages)
        self.left_as_drafts = list(without_author)
        refused = {article.pk for article in without_author}
        publishable = [page for page in pages if page.pk not in refused]
        return publishable, {
            **set_aside,
            "aliases": aliases,
            "articles_without_author": without_author,
        }

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        # Only if the editor ticks "publish subpages", which the page offers for these.
        selected = {article.pk for article in context["articles_without_author"]}
        context["subpages_without_author"] = [
            article
            for article in selectors.articles_without_author(
                selectors.draft_descendants(item["item"] for item in context["items"])
            )
            if article.pk not in selected
        ]
        return context

    def get_execution_context(self):
        return {**super().get_execution_context(), "left_as_drafts": self.left_as_drafts}

    @classmethod
    def execute_action(
        cls, objects, include_descendants=False, user=None, left_as_drafts=None, **kwargs
    ):
        """Wagtail's, but the draft subpages with no author in their byline stay drafts and are
        added to `left_as_drafts`."""
        num_parent_objects, _ = super().execute_action(objects, user=user, **kwargs)
        if not include_descendants:
            return num_parent_objects, 0
        drafts = list(selectors.draft_descendants(objects).defer_streamfields().specific())
        without_author = selectors.articles_without_author(drafts)
        refused = {article.pk for article in without_author}
        num_child_objects = 0
        for draft in drafts:
            if user is not None and not draft.permissions_for_user(user).can_publish():
                continue
            if draft.pk in refused:
                if left_as_drafts is not None:
                    left_as_drafts.append(draft)
                continue
            (draft.get_latest_revision() or draft.save_revision(user=user)).publish(user=user)
            num_child_objects += 1
        return num_parent_objects, num_child_objects

    def form_valid(self, form):
        response = super().form_valid(form)
        if self.left_as_drafts:
            django_messages.warning(self.request, self.left_as_drafts_message())
        return response

    def left_as_drafts_message(self) -> str:
        articles = list({article.pk: article for article in self.left_as_drafts}.values())
        reason = ngettext(
            "This article was not published: add an author to its byline, then publish it.",
            "These %(count)d articles were not published: add an author to the byline of "
            "each, then publish them.",
            len(articles),
        ) % {"count": len(articles)}
        links = render_to_string(
            "publishing/admin/bulk_publish_articles.html",
            {"articles": articles, "in_this_tab": True},
        )
        return messages.render(reason, None, detail=links)


class MoveBulkActionClearOfRoutes(MoveBulkAction):
    """Wagtail's bulk "Move" checks that no page under the destination has a moved page's slug,
    not that the destination does not answer that address itself (a section's feed/, the front
    page's tags/): such a page is set aside, named on the confirmation page with the fix, as
    refuse_a_move_behind_a_route does for one page. Registered under Wagtail's action type
    "move", in its place (see wagtail_hooks)."""

    template_name = "publishing/admin/confirm_bulk_move.html"

    def get_actionable_objects(self):
        pages, set_aside = super().get_actionable_objects()
        if self.cleaned_form is None:
            return pages, set_aside
        destination = self.cleaned_form.cleaned_data["chooser"]
        behind = [
            {"item": page, "refusal": refusal}
            for page in pages
            if (
                refusal := selectors.slug_route_clash(
                    parent=destination, slug=page.slug, page=page, message=MOVE_BEHIND_A_ROUTE
                )
            )
        ]
        refused = {entry["item"].pk for entry in behind}
        movable = [page for page in pages if page.pk not in refused]
        return movable, {**set_aside, "pages_behind_a_route": behind}

    def prepare_action(self, pages, pages_without_access):
        if pages_without_access.get("pages_behind_a_route"):
            self.destination = self.cleaned_form.cleaned_data["chooser"]
            return TemplateResponse(
                self.request,
                self.template_name,
                {"destination": self.destination, **self.get_context_data()},
            )
        return super().prepare_action(pages, pages_without_access)
