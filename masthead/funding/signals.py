"""Signals only invalidate caches: a campaign or the funding settings changed, so every goal bar
is read again. Money moving invalidates them from the ledger service itself."""

from django.db import transaction
from django.db.models.signals import post_delete, post_save
from django.dispatch import receiver

from masthead.funding.models import Campaign, FundingSettings


@receiver([post_save, post_delete], sender=Campaign)
@receiver([post_save, post_delete], sender=FundingSettings)
def _funding_changed(sender, **kwargs):
    from masthead.funding.services.ledger import funding_caches_invalidate

    transaction.on_commit(funding_caches_invalidate)
