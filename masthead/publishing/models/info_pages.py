from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel, MultiFieldPanel
from wagtail.fields import StreamField
from wagtail.models import Page
from wagtail.search import index

from masthead.publishing.blocks import InfoPageBodyBlock
from masthead.publishing.forms import PageFormClearOfParentRoutes
from masthead.publishing.models.pages import (
    CachedPageMixin,
    ScheduledPublishingMixin,
    SlugClearOfParentRoutesMixin,
)


class InfoPage(ScheduledPublishingMixin, SlugClearOfParentRoutesMixin, CachedPageMixin, Page):
    """One of the newsroom's standing pages: About us, Contact, Privacy policy, Corrections
    policy, Ethics, Terms. No byline, no comments, no appeal for donations."""

    base_form_class = PageFormClearOfParentRoutes

    class SchemaType(models.TextChoices):
        # schema.org's types for such pages, which search engines read from the JSON-LD.
        WEB_PAGE = "WebPage", _("An ordinary page (a policy, the terms)")
        ABOUT_PAGE = "AboutPage", _("About the newsroom")
        CONTACT_PAGE = "ContactPage", _("How to reach the newsroom")

    intro = models.TextField(
        max_length=600,
        blank=True,
        help_text=_("One or two sentences under the title; also the description in search."),
    )
    body = StreamField(InfoPageBodyBlock(), use_json_field=True)
    schema_type = models.CharField(
        _("kind of page"),
        max_length=20,
        choices=SchemaType.choices,
        default=SchemaType.WEB_PAGE,
        help_text=_("Tells search engines what the page is about."),
    )

    content_panels = [*Page.content_panels, FieldPanel("intro"), FieldPanel("body")]
    promote_panels = [
        MultiFieldPanel(
            [
                FieldPanel("slug"),
                FieldPanel("seo_title"),
                FieldPanel("search_description"),
                FieldPanel("schema_type"),
            ],
            heading=_("For search engines"),
        ),
        FieldPanel(
            "show_in_menus",
            heading=_("Show in the footer"),
            help_text=_(
                "A link to this page in every page's footer, in the order of the pages under "
                "the front page."
            ),
        ),
    ]
    parent_page_types = ["publishing.HomePage"]
    subpage_types = []
    search_fields = [
        *Page.search_fields,
        index.SearchField("intro"),
        index.SearchField("body"),
    ]

    class Meta:
        verbose_name = _("information page")

    @property
    def description(self) -> str:
        return self.search_description or self.intro
