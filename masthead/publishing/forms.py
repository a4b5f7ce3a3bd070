"""The page editors' forms."""

from datetime import timedelta

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.text import slugify
from wagtail.admin.forms import WagtailAdminPageForm
from wagtail.admin.forms.pages import CopyForm
from wagtail.admin.staticfiles import versioned_static
from wagtail.admin.widgets import AdminPageChooser

PIN_OUTSIDE_SECTION = "“{article}” is in {section}: a section pins its own articles only."
PIN_TWICE = "“{article}” is pinned already, above."
BYLINE_AUTHOR_MISSING = (
    "Choose an author, or delete this entry: an article is published with at least one name "
    "in its byline."
)
BYLINE_EMPTY = "Add an author: an article is published with at least one name in its byline."
SLUG_NAMES_A_ROUTE = (
    "“{slug}” is taken by {parent}’s own address ({path}): readers would get that instead of "
    "this page. Choose another slug, such as “{suggestion}”."
)
MOVE_BEHIND_A_ROUTE = (
    "“{title}” was not moved: its slug “{slug}” is taken by {parent}’s own address ({path}), "
    "where readers would get that instead of this page. Change its slug first (Promote tab of "
    "its editor), to “{suggestion}” for instance, then move it."
)


class PageChooserOpeningAt(AdminPageChooser):
    """A page chooser that opens at `opening_page_id` while nothing is chosen (once a page is,
    Wagtail opens it at that page's parent). Left to itself, Wagtail opens it at the common
    ancestor of every page of the type: the root of the tree on a site without one yet, one
    section while only that one has any, the front page otherwise. It has no setting for this
    (wagtail#3322), and its script ignores the parent it is given while nothing is chosen."""

    js_constructor = "PageChooserOpeningAt"

    def __init__(self, *args, opening_page_id: int | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        self.opening_page_id = opening_page_id

    def get_js_init_options(self, id_, name, value_data):
        options = super().get_js_init_options(id_, name, value_data)
        if self.opening_page_id is not None:
            options["openingPageId"] = self.opening_page_id
        return options

    @property
    def media(self):
        # One list, so that this script comes after Wagtail's, whose class it extends (added as
        # a second list, Django may put it first).
        wagtail_scripts = [
            "wagtailadmin/js/page-chooser-modal.js",
            "wagtailadmin/js/page-chooser.js",
        ]
        return forms.Media(
            js=[
                *(versioned_static(path) for path in wagtail_scripts),
                "publishing/page-chooser-opening-at.js",
            ]
        )


class PageFormClearOfParentRoutes(WagtailAdminPageForm):
    """The editor of a page whose slug may not name one of its parent's own addresses (see
    SlugClearOfParentRoutesMixin, which checks it when the page is saved in any other way)."""

    def clean(self):
        from masthead.publishing.selectors import slug_route_clash  # the models import this form

        cleaned_data = super().clean()
        slug = cleaned_data.get("slug")
        if slug and "slug" not in self.errors:
            clash = slug_route_clash(parent=self.parent_page, slug=slug, page=self.instance)
            if clash:
                self.add_error("slug", clash)
        return cleaned_data


class CopyFormClearOfParentRoutes(CopyForm):
    """Wagtail's "Copy" form, refusing a slug that names one of the new parent's own
    addresses (a section's feed/, the front page's tags/): the copy would be hidden behind it."""

    def clean(self):
        from masthead.publishing.selectors import slug_route_clash

        cleaned_data = super().clean()
        slug = cleaned_data.get("new_slug")
        parent = cleaned_data.get("new_parent_page") or self.page.get_parent()
        if slug and "new_slug" not in self.errors:
            clash = slug_route_clash(parent=parent, slug=slug)
            if clash:
                self.add_error("new_slug", clash)
        return cleaned_data


class ArticlePageForm(PageFormClearOfParentRoutes):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        byline = self.formsets["article_authors"]
        byline.error_messages["too_few_forms"] = BYLINE_EMPTY
        # Set before the formset makes its forms (when first read), as SectionPageForm does.
        byline.form = byline_entry_form(byline.form)

    def clean(self):
        """A new article whose address follows its headline takes the next free one ("…-2")
        when a sibling holds it. Autosave creates a draft as soon as an article has a headline,
        so a second story under the same headline was refused ("slug already in use"), its
        autosave paused. An address chosen by hand, or one readers have seen (the
        article was published once), is never changed behind the editor's back."""
        from masthead.publishing.selectors import free_child_slug  # the models import this form

        slug, title = self.cleaned_data.get("slug"), self.cleaned_data.get("title")
        allow_unicode = getattr(settings, "WAGTAIL_ALLOW_UNICODE_SLUGS", True)
        if (
            slug
            and title
            and self.parent_page is not None
            and self.instance.last_published_at is None
            and slug == slugify(title, allow_unicode=allow_unicode)
        ):
            self.cleaned_data["slug"] = free_child_slug(
                parent=self.parent_page, slug=slug, page=self.instance
            )
        return super().clean()

    def clean_first_published_at(self):
        """The publish date's widget shows minutes: an untouched date comes back without its
        seconds. Keep the stored moment then, so that saving does not move the date readers and
        search engines see, nor list it as changed when revisions are compared."""
        submitted = self.cleaned_data.get("first_published_at")
        stored = self.instance.first_published_at
        if submitted and stored and submitted == stored.replace(second=0, microsecond=0):
            return stored
        # A future date does not delay anything: the article goes live now, dated (and leading
        # the front page) as of that day. Editors who meant an embargo want the schedule.
        if submitted and submitted > timezone.now() + timedelta(minutes=1):
            raise ValidationError(
                "The publish date cannot be in the future: publishing now would show this "
                "article at once, dated that day. To publish it later, use “Set schedule” "
                "(Publish menu) instead, and leave this date empty."
            )
        return submitted


def byline_entry_form(entry_form):
    """The form of one byline entry: a draft (autosave, "Save draft") may leave a new entry's
    author empty, as Wagtail lets a draft leave other fields for later. The byline's first slot
    is there from the start (min_num=1): requiring its author paused autosave on every new
    article until one was chosen. Such an entry is left out of the draft, not saved empty;
    publishing still requires its author."""

    class BylineEntryForm(entry_form):
        def __init__(self, *args, **kwargs):
            super().__init__(*args, **kwargs)
            self.fields["author"].error_messages["required"] = BYLINE_AUTHOR_MISSING

        def defer_required_fields(self):
            if self.is_deferred_validation:
                return
            super().defer_required_fields()
            # An entry already saved keeps its author required (it would be saved without one).
            if self.is_new_entry and self.fields["author"].required:
                self.fields["author"].required = False
                self.deferred_required_fields.append("author")  # restored by Wagtail

        @property
        def is_new_entry(self) -> bool:
            return self.instance.pk is None

        def has_changed(self):
            # Unchanged, so not saved: the entry's hidden position is filled in from the start.
            # After an autosave the slot is one of the formset's "initial" forms, still unsaved.
            if self.is_deferred_validation and self.is_new_entry and not self["author"].data:
                return False
            return super().has_changed()

    return BylineEntryForm


def open_chooser_at(field, page_id: int | None) -> None:
    """Have `field`'s page chooser open at this page while nothing is chosen."""
    field.widget = PageChooserOpeningAt(
        target_models=field.widget.target_models, opening_page_id=page_id
    )


class HomePageForm(WagtailAdminPageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # The lead story's chooser opens at the front page itself, above every section.
        open_chooser_at(self.fields["lead_article"], self.instance.pk)


class SectionPageForm(PageFormClearOfParentRoutes):
    def __init__(self, *args, **kwargs):
        section = kwargs.get("instance")
        if section is not None and section.pk is not None:
            # The editor shows, and publishes, only the pins still valid.
            section.drop_pins_of_other_sections()
        super().__init__(*args, **kwargs)
        # A pin's chooser opens at this section, among its own articles. The inline's forms,
        # the blank one "Add" copies among them, are made by the formset from its form class:
        # this form's own subclass of it (its forms are not made yet).
        pins = self.formsets["pinned_articles"]
        section_id = self.instance.pk

        class PinForm(pins.form):
            def __init__(self, *args, **kwargs):
                super().__init__(*args, **kwargs)
                open_chooser_at(self.fields["article"], section_id)

        pins.form = PinForm

    def clean(self):
        """Each pinned article is one of this section's, pinned once. An article of another
        section would show in this one's listing (its own does not list it), and one pinned
        twice would be listed once anyway; the editor is told which, and keeps the rest."""
        cleaned_data = super().clean()
        section, pinned = self.instance, set()
        for form in self.formsets["pinned_articles"].forms:
            if not form.is_valid() or form.cleaned_data.get("DELETE"):
                continue
            article = form.cleaned_data.get("article")
            if article is None:
                continue
            if section.pk is None or not article.is_descendant_of(section):
                form.add_error(
                    "article",
                    PIN_OUTSIDE_SECTION.format(
                        article=article.title, section=article.get_parent().title
                    ),
                )
            elif article.pk in pinned:
                form.add_error("article", PIN_TWICE.format(article=article.title))
            pinned.add(article.pk)
        return cleaned_data
