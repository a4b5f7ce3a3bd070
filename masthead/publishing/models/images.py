from django.db import models
from django.utils.translation import gettext_lazy as _
from wagtail.images.models import AbstractImage, AbstractRendition


class CreditedImage(AbstractImage):
    """A photo with the credit and default caption a newsroom prints beside it."""

    credit = models.CharField(
        _("credit"),
        max_length=255,
        blank=True,
        help_text=_("Photographer or agency, e.g. “Jane Doe / Agency”."),
    )
    caption = models.CharField(
        _("default caption"),
        max_length=500,
        blank=True,
        help_text=_("Used wherever the image appears without a caption of its own."),
    )

    admin_form_fields = (
        "title",
        "file",
        "description",
        "caption",
        "credit",
        "collection",
        "tags",
        "focal_point_x",
        "focal_point_y",
        "focal_point_width",
        "focal_point_height",
    )

    class Meta(AbstractImage.Meta):
        verbose_name = _("image")
        verbose_name_plural = _("images")
        permissions = [("choose_image", "Can choose image")]


class CreditedRendition(AbstractRendition):
    image = models.ForeignKey(CreditedImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)
