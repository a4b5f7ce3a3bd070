"""Near-duplicate detection: reworded spam caught, honest quoting and unrelated comments not.

    .venv/bin/python bench/moderation/near_duplicates.py      # every scheme tried (~1 min)

Pairs, all from the hand-written sets in bench/moderation/data:

* variants: every pair of variants of one campaign in ``reworded_spam.jsonl`` (20 campaigns
  x 4 variants = 120 pairs; 15 rewritten by hand, 5 "spun" by swapping words and numbers);
* quoting: each reply in ``honest_quotes.jsonl`` against the comment it quotes (20), and 1,560
  made-up replies x 2: every comment of ``dev_legit`` quoting another's first sentence, once as
  a "> " line and once in quotation marks, against the comment quoted;
* short: the 10 pairs of short common replies in ``honest_quotes.jsonl``;
* unrelated: every pair of ``legit_political`` + ``dev_legit`` (15,400).

A pair "matches" when the second would count as a near-duplicate of the first. ``run.py`` also
reports the shipped scheme, end to end through ``assess`` (``shipped_rows``).
"""

from __future__ import annotations

import hashlib
import itertools
import json
import re
import sys
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))

from masthead.moderation.core import (  # noqa: E402
    Context,
    Draft,
    LabelledFingerprint,
    Settings,
    assess,
    fingerprint,
    normalise,
    own_words,
    similarity,
)
from masthead.moderation.core.fingerprint import MIN_TOKENS, SHORT_TOKENS  # noqa: E402

DATA = Path(__file__).resolve().parent / "data"


def read_jsonl(name: str) -> list[dict]:
    with (DATA / f"{name}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def _first_sentence(text: str) -> str:
    return re.split(r"(?<=[.!?])\s", text)[0]


@dataclass
class Pairs:
    variants: list[tuple[str, str, str]]  # (first, second, style)
    quoting: list[tuple[str, str]]  # (parent, reply)
    made_up_quoting: list[tuple[str, str]]
    short: list[tuple[str, str]]
    unrelated_texts: list[str]


def pairs() -> Pairs:
    campaigns: dict[str, list[dict]] = {}
    for row in read_jsonl("reworded_spam"):
        campaigns.setdefault(row["campaign"], []).append(row)
    variants = [
        (a["text"], b["text"], a["style"])
        for rows in campaigns.values()
        for a, b in itertools.combinations(rows, 2)
    ]
    honest = read_jsonl("honest_quotes")
    dev = [r["text"] for r in read_jsonl("dev_legit")]
    made_up = []
    for quoted, own in itertools.permutations(dev, 2):
        made_up.append((quoted, f"> {_first_sentence(quoted)}\n\n{own}"))
        made_up.append((quoted, f'"{_first_sentence(quoted)}" {own}'))
    return Pairs(
        variants=variants,
        quoting=[(r["parent"], r["text"]) for r in honest if r["kind"] == "quote_reply"],
        made_up_quoting=made_up,
        short=[(r["parent"], r["text"]) for r in honest if r["kind"] == "short_reply"],
        unrelated_texts=[r["text"] for r in read_jsonl("legit_political")] + dev,
    )


# --- schemes -----------------------------------------------------------------------------------


@dataclass
class Scheme:
    name: str
    #: (text, parent) -> (fingerprint, number of words fingerprinted)
    fingerprint: Callable[[str, str], tuple[object, int]]
    similarity: Callable[[object, object], float]
    cut_off: Callable[[int], float]  # by the number of words; above 1: never a match

    def matches(self, first: str, second: str, parent: str = "") -> bool:
        fa, na = self.fingerprint(first, "")
        fb, nb = self.fingerprint(second, parent)
        words = min(na, nb)
        return self.similarity(fa, fb) >= self.cut_off(words)


def _legacy_simhash(text: str) -> int:
    """The fingerprint before this change: 64-bit SimHash over 4-character shingles."""
    compact = " ".join(normalise(text).tokens)
    shingles = {compact[i : i + 4] for i in range(max(1, len(compact) - 3))} if compact else set()
    if not shingles:
        return 0
    digests = b"".join(hashlib.blake2b(s.encode(), digest_size=8).digest() for s in shingles)
    bits = np.unpackbits(np.frombuffer(digests, dtype=np.uint8).reshape(-1, 8), axis=1)
    votes = bits.sum(axis=0, dtype=np.int64) * 2 - bits.shape[0]
    return int("".join("1" if v > 0 else "0" for v in votes), 2)


def _simhash_similarity(a: int, b: int) -> float:
    return 1.0 - (a ^ b).bit_count() / 64.0


_rng = np.random.default_rng(7)
_A = _rng.integers(1, 2**63, 128, dtype=np.uint64) | np.uint64(1)
_B = _rng.integers(0, 2**63, 128, dtype=np.uint64)


def _word_minhash(text: str) -> np.ndarray:
    words = set(normalise(text).tokens) or {""}
    digests = b"".join(hashlib.blake2b(w.encode(), digest_size=8).digest() for w in words)
    hashes = np.frombuffer(digests, dtype=np.uint64)
    return ((hashes[:, None] * _A + _B) >> np.uint64(48)).min(axis=0)


def _words(text: str) -> int:
    return len(normalise(text).tokens)


def _quotes_out(text: str, parent: str) -> str:
    return own_words(text, parent)


def _from(min_words: int, cut: float, short_cut: float | None = None) -> Callable[[int], float]:
    def cut_off(words: int) -> float:
        if words < min_words:
            return 2.0
        if short_cut is not None and words < SHORT_TOKENS:
            return short_cut
        return cut

    return cut_off


def schemes() -> list[Scheme]:
    def simhash(strip: bool):
        def fp(text: str, parent: str):
            own = _quotes_out(text, parent) if strip else text
            return _legacy_simhash(own), _words(own)

        return fp

    def minhash(strip: bool):
        def fp(text: str, parent: str):
            own = _quotes_out(text, parent) if strip else text
            return fingerprint(own), _words(own)

        return fp

    def words(text: str, parent: str):
        own = _quotes_out(text, parent)
        return _word_minhash(own), _words(own)

    def word_similarity(a, b):
        return float(np.mean(a == b))

    out = [
        Scheme("SimHash, >= 0.85 (before)", simhash(False), _simhash_similarity, _from(5, 0.85)),
        Scheme("SimHash, >= 0.84", simhash(False), _simhash_similarity, _from(5, 0.84)),
        Scheme(
            "SimHash, quotes left out, >= 0.85", simhash(True), _simhash_similarity, _from(5, 0.85)
        ),
        Scheme(
            "SimHash, quotes left out, >= 0.80, 15+ words",
            simhash(True),
            _simhash_similarity,
            _from(15, 0.80),
        ),
        Scheme(
            "MinHash words, quotes left out, >= 0.25, 15+ words",
            words,
            word_similarity,
            _from(15, 0.25),
        ),
        Scheme(
            "MinHash 4-chars, >= 0.4 (quotes kept)",
            minhash(False),
            similarity,
            _from(MIN_TOKENS, 0.4, 0.9),
        ),
        Scheme(
            "MinHash 4-chars, quotes out, >= 0.4 (no length guard)",
            minhash(True),
            similarity,
            _from(MIN_TOKENS, 0.4),
        ),
        Scheme(
            "MinHash 4-chars, quotes out, >= 0.35, < 15 words 0.9",
            minhash(True),
            similarity,
            _from(MIN_TOKENS, 0.35, 0.9),
        ),
        Scheme(
            "MinHash 4-chars, quotes out, >= 0.4, < 15 words 0.9 (shipped)",
            minhash(True),
            similarity,
            _from(MIN_TOKENS, Settings().near_duplicate, Settings().near_duplicate_short),
        ),
    ]
    return out


def measure(scheme: Scheme, data: Pairs) -> dict[str, object]:
    by_style: dict[str, list[bool]] = {}
    for a, b, style in data.variants:
        by_style.setdefault(style, []).append(scheme.matches(a, b))
    caught = [hit for hits in by_style.values() for hit in hits]
    prints = [scheme.fingerprint(t, "") for t in data.unrelated_texts]
    unrelated = sum(
        scheme.similarity(fa, fb) >= scheme.cut_off(min(na, nb))
        for (fa, na), (fb, nb) in itertools.combinations(prints, 2)
    )
    return {
        "variants": f"{sum(caught)}/{len(caught)}",
        "variants_by_style": {s: f"{sum(h)}/{len(h)}" for s, h in by_style.items()},
        "quoting": f"{sum(scheme.matches(p, r, p) for p, r in data.quoting)}/{len(data.quoting)}",
        "made_up_quoting": (
            f"{sum(scheme.matches(p, r, p) for p, r in data.made_up_quoting)}"
            f"/{len(data.made_up_quoting)}"
        ),
        "short": f"{sum(scheme.matches(a, b) for a, b in data.short)}/{len(data.short)}",
        "unrelated": f"{unrelated}/{len(prints) * (len(prints) - 1) // 2}",
    }


def shipped_rows() -> list[tuple[str, str]]:
    """The shipped scheme end to end: ``assess`` with what a site would pass it."""
    data = pairs()
    campaigns: dict[str, list[str]] = {}
    for row in read_jsonl("reworded_spam"):
        campaigns.setdefault(row["campaign"], []).append(row["text"])
    held = total = 0
    for texts in campaigns.values():
        labelled = [LabelledFingerprint(fingerprint(texts[0]), "spam")]
        for text in texts[1:]:
            total += 1
            verdict = assess(Draft(text), Context(labelled_fingerprints=labelled))
            held += any("moderator marked spam" in r for r in verdict.reasons)
    quoting_flagged = 0
    for parent, reply in data.quoting:
        verdict = assess(
            Draft(reply, parent_body=parent),
            Context(recent_fingerprints=[fingerprint(parent)] * 3),
        )
        quoting_flagged += "duplicate_similarity" in verdict.scores and any(
            "near" in r for r in verdict.reasons
        )
    m = measure(schemes()[-1], data)
    return [
        (
            "reworded variant of a campaign a moderator marked spam (first variant marked)",
            f"{held}/{total} held as near-identical",
        ),
        ("variant pairs matched", f"{m['variants']} ({m['variants_by_style']})"),
        (
            "quoting replies flagged (parent among recent, as 3 copies)",
            f"{quoting_flagged}/{len(data.quoting)}",
        ),
        ("made-up quoting replies matched with their parent", str(m["made_up_quoting"])),
        ("short common replies matched", str(m["short"])),
        ("pairs of legitimate comments matched", str(m["unrelated"])),
    ]


def main() -> int:
    data = pairs()
    header = (
        "scheme",
        "variants",
        "rewritten / spun",
        "quoting",
        "made-up quoting",
        "short",
        "unrelated",
    )
    print(" | ".join(header))
    for scheme in schemes():
        m = measure(scheme, data)
        styles = m["variants_by_style"]
        print(
            " | ".join(
                [
                    scheme.name,
                    str(m["variants"]),
                    f"{styles['rewritten']} / {styles['spun']}",
                    str(m["quoting"]),
                    str(m["made_up_quoting"]),
                    str(m["short"]),
                    str(m["unrelated"]),
                ]
            ),
            flush=True,
        )
    for label, value in shipped_rows():
        print(f"{label}: {value}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
