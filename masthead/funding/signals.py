"""Signals only invalidate caches: a campaign or the funding settings changed, so every goal bar
is read again. Money moving invalidates them from the ledger service itself."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from masthead.funding.models import Campaign, FundingSettings


@receiver([post_save, post_delete], sender=Campaign)
@receiver([post_save, post_delete], sender=FundingSettings)
def _funding_changed(sender, created=False, **kwargs):
    from masthead.funding.services.ledger import funding_caches_invalidate

    if sender is FundingSettings and created:
        # Made with its defaults (FundingSettings.for_site) by the first page rendered for a
        # site: nothing readers see changed, and that page must not be cached under a dead key.
        return
    transaction.on_commit(funding_caches_invalidate)
