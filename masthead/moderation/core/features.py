"""Hashed text features shared by training and prediction.

Features are computed on :func:`normalise`'d text, so obfuscated spellings share features with
the plain ones:

* character n-grams inside word boundaries (``char_wb``, 1..5 by default);
* word unigrams and bigrams (and trigrams with ``word_ngrams=3``);
* a handful of shape tokens (has a link, a phone-like number, a money amount, length bucket,
  share of capitals in the raw text, obfuscation seen, ...).

Every feature string is hashed (CRC-32 of its UTF-8 bytes, modulo ``n_features``) into a fixed
number of columns, so no vocabulary is stored; character and word counts are log-scaled and
L2-normalised block by block. The configuration travels with the model file so that a model is always applied
with the features it was trained on.
"""

from __future__ import annotations

import itertools
import json
import math
import re
from collections import Counter
from collections.abc import Iterable, Sequence
from dataclasses import asdict, dataclass
from zlib import crc32

import numpy as np
import scipy.sparse as sp

from .normalise import Normalised, normalise

__all__ = ["FeatureConfig", "analyse", "featurise", "vectorise"]

FEATURES_VERSION = 1

_PHONE_RE = re.compile(r"(?:\+|\b0)\d[\d ().-]{7,}\d|\b\d{5,}\b")
_MONEY_RE = re.compile(r"[$€£¥]\s?\d|\b\d[\d,.]{0,20}\s?(?:k|usd|dollars?|euros?|pounds?|gbp)\b")
_NUMBER_RE = re.compile(r"\d")
_URL_TOKEN_RE = re.compile(r"\b(?:https?://|www\.)\S+")


@dataclass(frozen=True)
class FeatureConfig:
    """How text becomes a hashed vector; stored inside every model file."""

    n_features: int = 2**18
    char_min: int = 1
    char_max: int = 5
    word_ngrams: int = 2
    max_token_chars: int = 24
    char_weight: float = 1.0
    word_weight: float = 1.0
    shape_weight: float = 0.3
    concept_weight: float = 0.6
    version: int = FEATURES_VERSION

    def to_json(self) -> str:
        return json.dumps(asdict(self), sort_keys=True)

    @classmethod
    def from_json(cls, data: str) -> FeatureConfig:
        return cls(**json.loads(data))


# Word families that spam of every kind shares (SMS prize spam and YouTube channel promotion
# alike): they let a model trained on one kind of spam recognise another.
CONCEPTS: dict[str, frozenset[str]] = {
    "cta": frozenset(
        [
            "call",
            "text",
            "txt",
            "reply",
            "send",
            "visit",
            "click",
            "subscribe",
            "sub",
            "subs",
            "subscribers",
            "follow",
            "join",
            "share",
            "download",
            "register",
            "apply",
            "contact",
            "message",
            "dm",
            "whatsapp",
            "telegram",
            "signup",
            "go",
            "watch",
            "check",
            "view",
        ]
    ),
    "prize": frozenset(
        [
            "win",
            "won",
            "winner",
            "winning",
            "prize",
            "prizes",
            "free",
            "claim",
            "reward",
            "rewards",
            "bonus",
            "award",
            "gift",
            "voucher",
            "vouchers",
            "offer",
            "guaranteed",
            "selected",
            "congratulations",
            "congrats",
            "lucky",
            "cash",
        ]
    ),
    "earn": frozenset(
        [
            "earn",
            "earning",
            "earnings",
            "money",
            "income",
            "paid",
            "paying",
            "pays",
            "salary",
            "profit",
            "rich",
            "dollars",
            "investment",
            "invest",
            "bitcoin",
            "crypto",
            "hour",
            "per",
            "month",
            "week",
            "day",
        ]
    ),
    "my": frozenset(["my", "mine", "our"]),
    "promo": frozenset(
        [
            "channel",
            "video",
            "videos",
            "page",
            "music",
            "song",
            "songs",
            "blog",
            "website",
            "site",
            "band",
            "playlist",
            "youtube",
            "cover",
            "covers",
            "account",
            "profile",
        ]
    ),
    "urgent": frozenset(
        ["now", "today", "urgent", "limited", "expires", "hurry", "immediately", "asap", "only"]
    ),
    "please": frozenset(["please", "plz", "pls", "plase", "pleas"]),
}
_CTA_OBJECTS = frozenset(["out", "my", "me", "us", "our", "this", "now"])


def _shape_tokens(n: Normalised) -> list[str]:
    out: list[str] = []
    text = n.text
    if n.urls:
        out.append("#url")
        out.append("#url2" if len(n.urls) > 1 else "#url1")
    if n.emails:
        out.append("#email")
    if _PHONE_RE.search(text):
        out.append("#phone")
    if _MONEY_RE.search(text):
        out.append("#money")
    length = len(n.tokens)
    out.append("#len" + str(min(int(np.log2(length + 1)), 8)))
    letters = [c for c in n.raw if c.isalpha()]
    if len(letters) >= 8:
        caps = sum(c.isupper() for c in letters) / len(letters)
        out.append("#caps" + str(min(int(caps * 4), 3)))
    digits = len(_NUMBER_RE.findall(text))
    if digits:
        out.append("#digits" + str(min(int(np.log2(digits + 1)), 4)))
    if n.obfuscation:
        out.append("#obf")
    if n.symbol_runs:
        out.append("#symrun")
    return out


def _concept_tokens(toks: Sequence[str]) -> list[str]:
    out: list[str] = []
    for name, words in CONCEPTS.items():
        k = sum(t in words for t in toks)
        if k:
            out.append(f"#c_{name}{min(k, 3)}")
    for a, b in itertools.pairwise(toks):
        if a in CONCEPTS["my"] and b in CONCEPTS["promo"]:
            out.append("#c_mypromo")
        if a in CONCEPTS["cta"] and b in _CTA_OBJECTS:
            out.append("#c_ctaobj")
    return out


def _block(counts: Counter[str], weight: float, keys: list[str], vals: list[np.ndarray]) -> None:
    if not counts or weight <= 0:
        return
    v = np.log1p(np.fromiter(counts.values(), dtype=np.float64, count=len(counts)))
    v *= weight / (math.sqrt(float(v @ v)) or 1.0)
    keys.extend(counts)
    vals.append(v)


def analyse(n: Normalised, config: FeatureConfig) -> tuple[list[str], np.ndarray]:
    """The feature strings of one normalised text and their values (before hashing).

    Character and word blocks are log-scaled and L2-normalised separately, then weighted;
    shape and concept tokens get a fixed value each.
    """
    text = n.text
    if "://" in text or "www." in text:
        text = _URL_TOKEN_RE.sub(lambda m: " " + " ".join(re.split(r"[/.?=&:]+", m.group(0))), text)
    lo, hi, cap = config.char_min, config.char_max, config.max_token_chars
    grams: list[str] = []
    for word in text.split():
        padded = " " + word[:cap] + " "
        size = len(padded)
        grams += [
            padded[i : i + k] for k in range(lo, min(hi, size) + 1) for i in range(size - k + 1)
        ]
    toks = n.tokens
    words = ["w " + t for t in toks]
    if config.word_ngrams >= 2:
        words += ["b " + a + " " + b for a, b in itertools.pairwise(toks)]
    if config.word_ngrams >= 3:
        words += ["t " + " ".join(toks[i : i + 3]) for i in range(len(toks) - 2)]
    keys: list[str] = []
    vals: list[np.ndarray] = []
    _block(Counter(grams), config.char_weight, keys, vals)
    _block(Counter(words), config.word_weight, keys, vals)
    extra: list[str] = []
    if config.shape_weight:
        shape = _shape_tokens(n)
        extra += shape
        vals.append(np.full(len(shape), config.shape_weight))
    if config.concept_weight:
        concepts = _concept_tokens(toks)
        extra += concepts
        vals.append(np.full(len(concepts), config.concept_weight))
    keys += extra
    return keys, (np.concatenate(vals) if vals else np.zeros(0))


def vectorise(n: Normalised, config: FeatureConfig) -> tuple[np.ndarray, np.ndarray]:
    """Column indices and values of one text: CRC-32 of each feature string, modulo n_features.

    Indices may repeat (hash collisions); their values add up.
    """
    keys, values = analyse(n, config)
    idx = np.fromiter((crc32(k.encode("utf-8")) for k in keys), dtype=np.int64, count=len(keys))
    return idx % config.n_features, values


def featurise(
    texts: Iterable[str | Normalised] | Sequence[str | Normalised], config: FeatureConfig
) -> sp.csr_matrix:
    """Hash a batch of texts (raw strings or :class:`Normalised`) into a CSR matrix."""
    indptr = [0]
    cols: list[np.ndarray] = []
    data: list[np.ndarray] = []
    for t in texts:
        idx, val = vectorise(t if isinstance(t, Normalised) else normalise(t), config)
        cols.append(idx)
        data.append(val)
        indptr.append(indptr[-1] + len(idx))
    x = sp.csr_matrix(
        (
            np.concatenate(data) if data else np.zeros(0),
            np.concatenate(cols) if cols else np.zeros(0, dtype=np.int64),
            np.asarray(indptr),
        ),
        shape=(len(indptr) - 1, config.n_features),
    )
    x.sum_duplicates()
    return x
