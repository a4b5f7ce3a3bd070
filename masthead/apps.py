from django.apps import AppConfig


class MastheadConfig(AppConfig):
    """The project itself: site-wide templates, static files and the `demo`, `serve` commands."""

    name = "masthead"
    verbose_name = "Masthead"
