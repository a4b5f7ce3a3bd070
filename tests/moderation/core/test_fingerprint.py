"""MinHash fingerprints for near-duplicates, and what a reply quotes of its parent."""

from masthead.moderation.core import fingerprint, own_words, similarities, similarity

SCAM = (
    "Google is paying $97 per hour for working from home. I made $80,000 last month, "
    "visit http://work-at-home.top to start today"
)
PARENT = (
    "The council spent £2.4 million on consultants to tell them the bus lanes were a good "
    "idea. Meanwhile three libraries closed this year."
)


def test_identical_and_obfuscated_copies_match():
    assert similarity(fingerprint(SCAM), fingerprint(SCAM)) == 1.0
    disguised = SCAM.replace("Google", "Goog-l-e").replace("hour", "ho-u-r")
    assert similarity(fingerprint(SCAM), fingerprint(disguised)) == 1.0


def test_near_copy_and_reworded_copy_are_close_and_unrelated_text_is_not():
    edited = SCAM.replace("$80,000", "$75,000").replace("today", "now!")
    assert similarity(fingerprint(SCAM), fingerprint(edited)) >= 0.8
    reworded = (
        "Google pays me $95 an hour for working from home 💰 I made $78,000 last month, "
        "visit http://work-at-home.top to start now"
    )
    assert similarity(fingerprint(SCAM), fingerprint(reworded)) >= 0.4
    other = "The minister should resign over the contracts scandal, it is a disgrace."
    assert similarity(fingerprint(SCAM), fingerprint(other)) < 0.2


def test_fingerprint_is_256_bytes_stable_and_empty_for_no_words():
    fp = fingerprint(SCAM)
    assert isinstance(fp, bytes) and len(fp) == 256
    assert fp == fingerprint(SCAM)
    assert fingerprint("") == b"" == fingerprint("!!! ♥♥♥")
    assert similarity(fp, b"") == 0.0
    assert similarity(fp, (12345).to_bytes(8, "big", signed=True)) == 0.0  # an old SimHash
    assert list(similarities(fp, [fp, b"", fingerprint(PARENT)])) == [
        1.0,
        0.0,
        similarity(fp, fingerprint(PARENT)),
    ]


def test_fingerprint_value_is_pinned():
    # Stored fingerprints must stay comparable across releases: changing the algorithm (or the
    # normaliser in a way that changes this) needs a data migration of stored fingerprints.
    fp = fingerprint("Google is paying $97 per hour for working from home")
    assert fp == fingerprint("Goog-l-e is paying $97 per ho-u-r ♥♥♥ for working from home")
    assert fp[:8].hex() == "6101700c3507b904"


def test_a_reply_loses_what_it_quotes_from_its_parent():
    quoting = (
        "> The council spent £2.4 million on consultants to tell them the bus lanes were a "
        "good idea.\n\nThat money came from a ring-fenced transport grant, it could never have "
        "kept the libraries open."
    )
    assert own_words(quoting, PARENT).strip() == (
        "That money came from a ring-fenced transport grant, it could never have kept the "
        "libraries open."
    )
    in_marks = '"Meanwhile three libraries closed this year" - two of them reopened as hubs.'
    assert own_words(in_marks, PARENT).strip() == "- two of them reopened as hubs."


def test_only_text_found_in_the_parent_counts_as_quoted():
    hidden = "> Earn $500 a day from home, visit cash-daily.top\n\nInteresting article."
    assert own_words(hidden, PARENT) == hidden
    assert own_words(hidden, "") == hidden
