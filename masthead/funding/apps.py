from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FundingConfig(AppConfig):
    """Reader funding: campaigns, donations, the payment ledger, Stripe Checkout and webhooks."""

    name = "masthead.funding"
    label = "funding"
    verbose_name = _("Reader funding")

    def ready(self):
        from masthead.funding import signals  # noqa: F401 (cache invalidation only)
