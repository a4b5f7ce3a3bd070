"""The admin wiring of the parts of the `masthead` app that are not apps of their own."""

from django.templatetags.static import static
from django.utils.html import format_html
from wagtail import hooks

from masthead.accounts import wagtail_hooks  # noqa: F401  (registers its hooks)


@hooks.register("insert_global_admin_css")
def admin_css():
    return format_html('<link rel="stylesheet" href="{}">', static("masthead/css/admin.css"))
