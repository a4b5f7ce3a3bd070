"""Wagtail's page chooser, with its title column named as the pages it lists name it: an
article's title is its headline (the article editor's field says "Headline"), so a chooser of
articles (a pin, the front page's lead story, a gift's article) says "Headline", not "Title".
Wagtail has no setting for the label: its views are served at their own addresses, ahead of
Wagtail's (see masthead.urls)."""

from django.urls import path
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import never_cache
from wagtail.admin.auth import require_admin_access
from wagtail.admin.views import chooser
from wagtail.coreutils import resolve_model_string

# A chooser's title column for each page type whose editor names the title otherwise.
TITLE_LABELS = {"publishing.articlepage": _("Headline")}


def title_label(request) -> str | None:
    """The label of the title column for the page type(s) this chooser lists, None for Wagtail's."""
    page_types = [name for name in request.GET.get("page_type", "").split(",") if name]
    try:
        models = {resolve_model_string(name)._meta.label_lower for name in page_types}
    except (ValueError, LookupError):
        return None  # Wagtail answers 404
    labels = {TITLE_LABELS.get(model) for model in models}
    return labels.pop() if len(labels) == 1 else None


class LabelledTitleMixin:
    @property
    def columns(self):
        columns, label = super().columns, title_label(self.request)
        for column in columns:
            if label and column.name == "title":
                column.label = label
        return columns


class BrowseView(LabelledTitleMixin, chooser.BrowseView):
    pass


class SearchView(LabelledTitleMixin, chooser.SearchView):
    pass


def admin_view(view):
    """`view` guarded and not cached, as Wagtail has its admin's views."""
    return never_cache(require_admin_access(view.as_view()))


urlpatterns = [
    path("choose-page/", admin_view(BrowseView)),
    path("choose-page/<int:parent_page_id>/", admin_view(BrowseView)),
    path("choose-page/search/", admin_view(SearchView)),
]
