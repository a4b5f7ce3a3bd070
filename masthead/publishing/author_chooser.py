"""The byline's author chooser: pick an author, or add one without leaving the article.

Authors are pages (each has its page of articles), and Wagtail's page chooser can only browse
and search: it has no "Create" tab. Wagtail's generic chooser has one (ChooserViewSet's creation
form), and works for any model; here it lists author pages and adds a new one as the newsroom
does (publishing.services.author_page_ensure: published under "Our journalists"), so the new
name links to a live author page at once. Registered in wagtail_hooks.
"""

from django import forms
from django.utils.translation import gettext_lazy as _
from wagtail.admin.ui.tables import Column
from wagtail.admin.views.generic import chooser as chooser_views
from wagtail.admin.viewsets.chooser import ChooserViewSet


class AuthorCreationForm(forms.Form):
    name = forms.CharField(
        label=_("Name"),
        max_length=255,
        help_text=_(
            "As the byline shows it. If an author of this name is on the site already, "
            "that author is chosen."
        ),
    )
    role = forms.CharField(
        label=_("Role"),
        max_length=120,
        required=False,
        help_text=_("E.g. “Environment correspondent”."),
    )


class AuthorChooserMixin:
    """Authors listed with their role (two "Sam Jones" are told apart by it). An author may be
    added by whoever may add and publish a page under the authors' list, as Wagtail's page
    permissions say (the generic chooser asks for a model permission, which pages do not use)."""

    @property
    def columns(self):
        return [*super().columns, Column("role", label=_("Role"))]

    def can_create(self):
        from masthead.publishing.selectors import author_index, home_page

        home = home_page()
        if home is None:
            return False
        parent = author_index(home=home) or home
        permissions = parent.permissions_for_user(self.request.user)
        return permissions.can_add_subpage() and permissions.can_publish_subpage()


class AuthorChooseView(AuthorChooserMixin, chooser_views.ChooseView):
    pass


class AuthorChooseResultsView(AuthorChooserMixin, chooser_views.ChooseResultsView):
    pass


class AuthorCreateView(AuthorChooserMixin, chooser_views.CreateView):
    def save_form(self, form):
        from masthead.publishing import services
        from masthead.publishing.selectors import home_page

        # can_create has made sure there is a front page.
        author, _created = services.author_page_ensure(
            home=home_page(), name=form.cleaned_data["name"], role=form.cleaned_data["role"]
        )
        return author


class AuthorChooserViewSet(ChooserViewSet):
    model = "publishing.AuthorPage"
    icon = "user"
    choose_one_text = _("Choose an author")
    choose_another_text = _("Choose another author")
    edit_item_text = _("Edit this author")
    page_title = _("Choose an author")
    creation_form_class = AuthorCreationForm
    creation_tab_label = _("New author")
    create_action_label = _("Add author")
    choose_view_class = AuthorChooseView
    choose_results_view_class = AuthorChooseResultsView
    create_view_class = AuthorCreateView
    # The byline's panel names this chooser's widget; other author fields keep their own.
    register_widget = False

    def get_object_list(self):
        from masthead.publishing.models import AuthorPage

        return AuthorPage.objects.order_by("title")


author_chooser_viewset = AuthorChooserViewSet("author_chooser", url_prefix="publishing/authors")
