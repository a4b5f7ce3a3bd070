"""Wagtail's image chooser, for a form that comes back with something other than an image's id.

A browser's script can send "undefined" for an image (a gallery's photo slot, a featured image):
Wagtail looked it up as a number to show the chosen image again beside the form's errors, and
the editor got a server error (a 500) instead of the form. Used for every image field of the
admin (wagtail_hooks) and by the body's image blocks (blocks.ImageChooserBlock)."""

from wagtail.images.widgets import AdminImageChooser

from masthead.ids import parse_id


class ImageChooser(AdminImageChooser):
    def get_instance(self, value):
        # Shown empty, ready for another choice; the field's own validation says what was wrong.
        if isinstance(value, str) and parse_id(value) is None:
            return None
        return super().get_instance(value)
