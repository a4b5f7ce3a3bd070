"""Near-duplicate fingerprints: MinHash over normalised character shingles.

``fingerprint`` returns ``PERMUTATIONS`` 16-bit minimum hashes of the text's 4-character
shingles as bytes (256 bytes, for a ``BinaryField``); ``similarity`` is the share of equal
slots, an estimate of the Jaccard similarity of the two shingle sets: identical texts give 1.0,
unrelated comments 0.0-0.2, and a spam campaign's reworded variants 0.3-0.8 (see
bench/moderation/README.md, "Near-duplicates"). It replaced a 64-bit SimHash whose
similarity of such variants (0.5-0.85) overlapped that of unrelated texts.
Because the text is normalised first, ``Goog-l-e`` and ``Google`` give the same shingles.

``own_words`` drops what a reply quotes from its parent ("> " lines, passages in quotation
marks), so that quoting a comment does not make a reply a near-copy of it. Only text found in
the parent counts as quoted: a spammer cannot hide a campaign's words in a "> " line.
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence

import numpy as np

from .normalise import Normalised, normalise

__all__ = [
    "MIN_TOKENS",
    "SHORT_TOKENS",
    "fingerprint",
    "own_words",
    "similarities",
    "similarity",
]

SHINGLE = 4
PERMUTATIONS = 128
#: below this many words a text is too short for its fingerprint to mean much
MIN_TOKENS = 5
#: below this many words only near-exact copies count: short replies ("Great article, thank
#: you for writing it" / "Thanks for writing this, great article") share most of their shingles
SHORT_TOKENS = 10

# Fixed seeds: stored fingerprints must stay comparable across processes and releases.
_seeds = np.random.default_rng(20261130)
_MULTIPLIERS = _seeds.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_OFFSETS = _seeds.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
_SLOT_BITS = np.uint64(48)  # keep the top 16 bits of each multiply-shift hash

_QUOTED_PASSAGE = re.compile(r'"([^"\n]{8,})"|“([^”\n]{8,})”|«([^»\n]{8,})»')


def _shingles(tokens: Sequence[str]) -> set[str]:
    compact = " ".join(tokens)  # words only: punctuation and symbols do not count
    if len(compact) <= SHINGLE:
        return {compact} if compact else set()
    return {compact[i : i + SHINGLE] for i in range(len(compact) - SHINGLE + 1)}


def fingerprint(text: str | Normalised) -> bytes:
    """MinHash of a comment (``PERMUTATIONS`` 16-bit slots; empty text gives ``b""``)."""
    n = text if isinstance(text, Normalised) else normalise(text)
    shingles = _shingles(n.tokens)
    if not shingles:
        return b""
    digests = b"".join(hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest() for s in shingles)
    hashes = np.frombuffer(digests, dtype=np.uint64)
    # Multiply-shift hashing, wrapping modulo 2**64 on purpose.
    slots = (hashes[:, None] * _MULTIPLIERS + _OFFSETS) >> _SLOT_BITS
    return slots.min(axis=0).astype("<u2").tobytes()


def _slots(fp: bytes) -> np.ndarray:
    return np.frombuffer(fp, dtype="<u2")


def similarity(a: bytes, b: bytes) -> float:
    """Estimated Jaccard similarity of two comments' shingles (1.0 = same text)."""
    if len(a) != PERMUTATIONS * 2 or len(b) != len(a):
        return 0.0  # empty, or not a fingerprint of this kind
    return float(np.mean(_slots(a) == _slots(b)))


def similarities(fp: bytes, others: Sequence[bytes]) -> np.ndarray:
    """``similarity(fp, other)`` for each of ``others``, at once."""
    size = PERMUTATIONS * 2
    if len(fp) != size or not others:
        return np.zeros(len(others))
    valid = np.array([len(o) == size for o in others])
    stacked = np.frombuffer(
        b"".join(o if ok else bytes(size) for o, ok in zip(others, valid, strict=True)),
        dtype="<u2",
    ).reshape(len(others), PERMUTATIONS)
    return np.where(valid, (stacked == _slots(fp)).mean(axis=1), 0.0)


def own_words(body: str, parent: str) -> str:
    """``body`` without the lines and passages it quotes from ``parent``."""
    if not parent:
        return body
    parent_words = f" {' '.join(normalise(parent).tokens)} "

    def copied(passage: str) -> bool:
        words = " ".join(normalise(passage).tokens)
        return bool(words) and f" {words} " in parent_words

    kept = [
        line
        for line in body.splitlines()
        if not (line.lstrip().startswith(">") and copied(line.lstrip().lstrip(">")))
    ]
    return _QUOTED_PASSAGE.sub(
        lambda m: " " if copied(next(g for g in m.groups() if g)) else m.group(0),
        "\n".join(kept),
    )
