"""The image form of the admin (WAGTAILIMAGES_IMAGE_FORM_BASE). Apart from forms.py: Wagtail's
image forms read the image model when imported, which forms.py, imported by the models, cannot."""

from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm


class CreditedImageForm(BaseImageForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        # Wagtail's "Description" is what the site prints as the image's alt text; editors
        # coming from WordPress look for that name, and nothing said what the field was for.
        if "description" in self.fields:
            self.fields["description"].label = _("Alt text (description)")
            self.fields["description"].help_text = _(
                "What the image shows, for readers who cannot see it: screen readers read it "
                "out, and browsers show it when the image does not load."
            )
