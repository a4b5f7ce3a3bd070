"""SimHash fingerprints for near-duplicates."""

from masthead.moderation.core import fingerprint, similarity

SCAM = (
    "Google is paying $97 per hour for working from home. I made $80,000 last month, "
    "visit http://work-at-home.top to start today"
)


def test_identical_and_obfuscated_copies_match():
    assert similarity(fingerprint(SCAM), fingerprint(SCAM)) == 1.0
    disguised = SCAM.replace("Google", "Goog-l-e").replace("hour", "ho-u-r")
    assert similarity(fingerprint(SCAM), fingerprint(disguised)) == 1.0


def test_near_copy_is_close_and_unrelated_text_is_not():
    edited = SCAM.replace("$80,000", "$75,000").replace("today", "now!")
    assert similarity(fingerprint(SCAM), fingerprint(edited)) >= 0.85
    other = "The minister should resign over the contracts scandal, it is a disgrace."
    assert similarity(fingerprint(SCAM), fingerprint(other)) < 0.7


def test_fingerprint_fits_a_signed_bigint_and_is_stable():
    fp = fingerprint(SCAM)
    assert -(2**63) <= fp < 2**63
    assert fp == fingerprint(SCAM)
    assert fingerprint("") == 0


def test_fingerprint_value_is_pinned():
    # Stored fingerprints must stay comparable across releases: changing the algorithm (or the
    # normaliser in a way that changes this) needs a data migration of stored fingerprints.
    assert fingerprint("Google is paying $97 per hour for working from home") == 7190685867516455468
    assert fingerprint("Goog-l-e is paying $97 per ho-u-r ♥♥♥ for working from home") == (
        7190685867516455468
    )
