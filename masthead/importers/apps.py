from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """Other systems' exports in (WordPress WXR, Disqus XML) and comments out as JSON.

    An app without models, for its management commands: it reads files and writes through the
    publishing and discussion services, which know nothing of it.
    """

    name = "masthead.importers"
    label = "importers"
    verbose_name = "Importers"
