"""Data migrations of moderation's stored values."""

import importlib
from datetime import timedelta

import pytest
from django.apps import apps
from django.utils import timezone

from masthead.moderation import core
from masthead.moderation.models import CommentVerdict, Decision
from masthead.moderation.services import comment_mark_spam

pytestmark = pytest.mark.django_db


def test_fingerprints_are_recomputed_for_the_rows_still_compared(post, moderator):
    migration = importlib.import_module("masthead.moderation.migrations.0023_minhash_fingerprints")
    parent = post("A first comment about the harbour works and the new footbridge, well done.")
    quoted = "> A first comment about the harbour works and the new footbridge, well done."
    reply = post(
        f"{quoted}\n\nAgreed, and the ramps are much better for wheelchairs than before.",
        parent_id=parent.pk,
        email="reply@example.com",
    )
    comment_mark_spam(comment=reply, moderator=moderator)
    old = post("A comment from long ago, before the fingerprints changed their format.")
    CommentVerdict.objects.filter(comment=old).update(created=timezone.now() - timedelta(days=30))
    CommentVerdict.objects.update(fingerprint=b"")  # as the schema change leaves them
    Decision.objects.update(fingerprint=b"")

    migration.recompute_fingerprints(apps, None)

    own = core.fingerprint("Agreed, and the ramps are much better for wheelchairs than before.")
    assert bytes(CommentVerdict.objects.get(comment=reply).fingerprint) == own
    assert bytes(Decision.objects.get(comment=reply).fingerprint) == own
    assert bytes(CommentVerdict.objects.get(comment=parent).fingerprint) == core.fingerprint(
        parent.body
    )
    assert bytes(CommentVerdict.objects.get(comment=old).fingerprint) == b""  # never read again
