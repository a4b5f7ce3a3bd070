from django.apps import AppConfig


class ImportersConfig(AppConfig):
    """Other systems' exports in (WordPress WXR, Disqus XML) and comments out as JSON.

    Its management commands read files and write through the publishing and discussion
    services, which know nothing of it; its one model records which article came from which
    post, so that an import run again finds what it brought before.
    """

    name = "masthead.importers"
    label = "importers"
    verbose_name = "Importers"
