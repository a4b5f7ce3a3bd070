from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.admin.panels import FieldPanel
from wagtail.contrib.settings.models import BaseSiteSetting, register_setting

from masthead.text import one_line

NAME_MISSING = _("Give the site a name: readers see it in the header and in e-mails.")


@register_setting(icon="site")
class SiteIdentity(BaseSiteSetting):
    """What the site calls itself in the header, the footer, feeds and social cards."""

    name = models.CharField(_("site name"), max_length=120, default="The Harbour Ledger")
    tagline = models.CharField(
        max_length=255, blank=True, default="Independent news for the coast and beyond"
    )
    about = models.TextField(
        _("about the newsroom"), blank=True, help_text=_("Shown in the footer.")
    )
    twitter_handle = models.CharField(
        max_length=40, blank=True, help_text=_("Without the @; used for Twitter/X cards.")
    )
    publisher_logo = models.ForeignKey(
        "publishing.CreditedImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        help_text=_("Used in NewsArticle metadata; a wide logo at least 600 pixels across."),
    )
    # Not the logo: cropped to a link preview's or a search result's shape, a wide wordmark
    # would show as a fragment of a word, and too small for search engines anyway.
    share_image = models.ForeignKey(
        "publishing.CreditedImage",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
        verbose_name=_("default share image"),
        help_text=_(
            "The picture link previews and search results show for a page without one of its "
            "own: an article without any photo, the front page, a section. At least 1200 pixels "
            "across; it is cropped to wide, 4:3 and square shapes, so keep what matters in the "
            "middle. Empty: such pages are shared without a picture."
        ),
    )

    panels = [
        FieldPanel("name"),
        FieldPanel("tagline"),
        FieldPanel("about"),
        FieldPanel("twitter_handle"),
        FieldPanel("publisher_logo"),
        FieldPanel("share_image"),
    ]

    class Meta:
        verbose_name = _("site identity")

    def clean(self):
        # The name is the subject line of e-mails, which cannot hold a line break: Django
        # refuses to send them all (BadHeaderError).
        name = one_line(self.name)
        if self.name and not name:  # control characters only (an empty one is refused already)
            raise ValidationError({"name": NAME_MISSING})
        self.name = name

    @classmethod
    def name_for(cls, site) -> str:
        """The site's name, on one line (see clean), or the configured default when there is no
        site (e.g. in a task)."""
        return one_line(cls.for_site(site).name if site else settings.WAGTAIL_SITE_NAME)


class ContentVersion(models.Model):
    """A counter bumped whenever anything readers see is published, moved or removed (see page_cache)."""

    value = models.PositiveBigIntegerField(default=0)

    def __str__(self):
        return f"content version {self.value}"
