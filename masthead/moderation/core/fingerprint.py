"""Near-duplicate fingerprints: 64-bit SimHash over normalised character shingles.

``fingerprint`` returns a *signed* 64-bit integer so it fits a Django ``BigIntegerField``
(PostgreSQL ``bigint``) as it is. ``similarity`` is 1 - Hamming distance / 64: identical texts
give 1.0, unrelated texts about 0.5, and a copy with a few words changed 0.85 or more.
Because the text is normalised first, ``Goog-l-e`` and ``Google`` give the same shingles.
"""

from __future__ import annotations

import hashlib

import numpy as np

from .normalise import Normalised, normalise

__all__ = ["MIN_TOKENS", "fingerprint", "hamming", "similarity"]

SHINGLE = 4
#: below this many words a text is too short for its fingerprint to mean much
MIN_TOKENS = 5
_MASK64 = (1 << 64) - 1


def _shingles(n: Normalised) -> list[str]:
    compact = " ".join(n.tokens)  # words only: punctuation and symbols do not count
    if len(compact) <= SHINGLE:
        return [compact] if compact else []
    return [compact[i : i + SHINGLE] for i in range(len(compact) - SHINGLE + 1)]


def fingerprint(text: str | Normalised) -> int:
    """64-bit SimHash of a comment (signed, for a database ``bigint``)."""
    n = text if isinstance(text, Normalised) else normalise(text)
    shingles = _shingles(n)
    if not shingles:
        return 0
    digests = b"".join(
        hashlib.blake2b(s.encode("utf-8"), digest_size=8).digest() for s in set(shingles)
    )
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1)
    votes = bits.sum(axis=0, dtype=np.int64) * 2 - bits.shape[0]
    value = 0
    for bit in (votes > 0).tolist():
        value = (value << 1) | int(bit)
    return value - (1 << 64) if value >= 1 << 63 else value


def hamming(a: int, b: int) -> int:
    return ((a ^ b) & _MASK64).bit_count()


def similarity(a: int, b: int) -> float:
    """Share of equal bits between two fingerprints (1.0 = same text)."""
    return 1.0 - hamming(a, b) / 64.0
