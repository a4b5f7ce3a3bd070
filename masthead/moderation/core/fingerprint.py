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
#: you for writing it" / "Thanks for writing this, great article") and comments in one mould
#: ("I think the timetable at the harbour works well for us") share most of their shingles
SHORT_TOKENS = 15

# Fixed seeds: stored fingerprints must stay comparable across processes and releases.
_seeds = np.random.default_rng(20261130)
_MULTIPLIERS = _seeds.integers(1, 2**63, PERMUTATIONS, dtype=np.uint64) | np.uint64(1)
_OFFSETS = _seeds.integers(0, 2**63, PERMUTATIONS, dtype=np.uint64)
_SLOT_BITS = np.uint64(48)  # keep the top 16 bits of each multiply-shift hash
_SHINGLE_BASE = np.uint64(0x100000001B3)

_QUOTED_PASSAGE = re.compile(r'"([^"\n]{8,})"|“([^”\n]{8,})”|«([^»\n]{8,})»')


def _shingle_hashes(tokens: Sequence[str]) -> np.ndarray:
    """A 64-bit hash of each 4-character shingle of the words (with repeats), computed at once."""
    compact = " ".join(tokens)  # words only: punctuation and symbols do not count
    if not compact:
        return np.zeros(0, dtype=np.uint64)
    codes = np.frombuffer(compact.ljust(SHINGLE, "\0").encode("utf-32-le"), dtype=np.uint32)
    codes = codes.astype(np.uint64)
    windows = len(codes) - SHINGLE + 1
    h = np.zeros(windows, dtype=np.uint64)
    for offset in range(SHINGLE):  # wrapping modulo 2**64 on purpose
        h = h * _SHINGLE_BASE + codes[offset : offset + windows]
    # splitmix64's finaliser: neighbouring shingles get unrelated hashes
    h ^= h >> np.uint64(30)
    h *= np.uint64(0xBF58476D1CE4E5B9)
    h ^= h >> np.uint64(27)
    h *= np.uint64(0x94D049BB133111EB)
    h ^= h >> np.uint64(31)
    return h


def fingerprint(text: str | Normalised) -> bytes:
    """MinHash of a comment (``PERMUTATIONS`` 16-bit slots; empty text gives ``b""``)."""
    n = text if isinstance(text, Normalised) else normalise(text)
    hashes = _shingle_hashes(n.tokens)
    if not len(hashes):
        return b""
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
