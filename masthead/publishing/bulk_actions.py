"""The page listing's bulk "Publish", article by article."""

from django.contrib import messages as django_messages
from django.template.loader import render_to_string
from django.utils.translation import ngettext
from wagtail.admin import messages
from wagtail.admin.views.pages.bulk_actions import PublishBulkAction

from masthead.publishing import selectors


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
