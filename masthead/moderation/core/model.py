"""Linear text models stored as plain numpy arrays (``.npz``), and their loading.

A model file holds only arrays and JSON strings (loaded with ``allow_pickle=False``, so loading
runs no code):

* ``weights``  float16, one per hashed feature (or ``index`` int32 + ``value`` float16 when
  most weights are zero);
* ``intercept`` float64;
* ``config``   JSON of :class:`FeatureConfig` (hashing and n-gram parameters);
* ``meta``     JSON: name, format version, decision threshold, training sets, metrics.

``load_models()`` reads the starter models shipped in ``masthead/moderation/starter`` (or a
directory given by the caller, e.g. a retrained model under MASTHEAD_HOME) once per process.
"""

from __future__ import annotations

import functools
import json
import math
import re
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from .features import FeatureConfig, vectorise
from .normalise import Normalised, normalise

__all__ = ["STARTER_DIR", "LinearModel", "Models", "load_model", "load_models"]

FORMAT_VERSION = 1
STARTER_DIR = Path(__file__).resolve().parent.parent / "starter"
SPAM_FILE = "spam.npz"
ABUSE_FILE = "abuse.npz"


_SITE_EXAMPLES_RE = re.compile(r"\+ (\d+) site examples")


def _sigmoid(z: float) -> float:
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


@dataclass
class LinearModel:
    """Logistic regression over hashed features: p = sigmoid(x . w + b)."""

    weights: np.ndarray  # float32, shape (n_features,)
    intercept: float
    config: FeatureConfig
    meta: dict[str, Any] = field(default_factory=dict)

    @property
    def threshold(self) -> float:
        return float(self.meta.get("threshold", 0.5))

    @property
    def name(self) -> str:
        return str(self.meta.get("name", "model"))

    @property
    def site_examples(self) -> int:
        """How many of the site's own moderator decisions the model was retrained on (0 for a
        starter model). Model files written by ``refit`` before it recorded the number carry it
        only in ``trained_on`` ("starter spam corpus + 300 site examples")."""
        n = self.meta.get("site_examples")
        if n is None:
            trained_on = self.meta.get("trained_on")
            if not isinstance(trained_on, str) or "site examples" not in trained_on:
                return 0
            found = _SITE_EXAMPLES_RE.search(trained_on)
            return int(found.group(1)) if found else 0
        try:
            return max(int(n), 0)
        except (TypeError, ValueError):
            return 0

    def logit(self, text: str | Normalised) -> float:
        n = text if isinstance(text, Normalised) else normalise(text)
        return self.logit_vector(*vectorise(n, self.config))

    def logit_vector(self, idx: np.ndarray, val: np.ndarray) -> float:
        """Log-odds from an already hashed text (``features.vectorise`` with this config)."""
        return float(val @ self.weights[idx]) + self.intercept

    def proba_vector(self, idx: np.ndarray, val: np.ndarray) -> float:
        return _sigmoid(self.logit_vector(idx, val))

    def predict_proba(self, text: str | Normalised) -> float:
        return _sigmoid(self.logit(text))

    def predict_many(self, texts: list[str] | list[Normalised]) -> np.ndarray:
        return np.array([self.predict_proba(t) for t in texts])

    # --- storage ---------------------------------------------------------------------------

    def save(self, path: str | Path) -> None:
        w16 = self.weights.astype(np.float16)
        meta = {**self.meta, "format": FORMAT_VERSION}
        arrays: dict[str, np.ndarray] = {
            "intercept": np.array(self.intercept, dtype=np.float64),
            "config": np.array(self.config.to_json()),
            "meta": np.array(json.dumps(meta, sort_keys=True)),
        }
        nz = np.flatnonzero(w16)
        if len(nz) * 3 < len(w16):
            arrays["index"] = nz.astype(np.int32)
            arrays["value"] = w16[nz]
            arrays["size"] = np.array(len(w16), dtype=np.int64)
        else:
            arrays["weights"] = w16
        path = Path(path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("wb") as fh:
            np.savez_compressed(fh, **arrays)

    @classmethod
    def load(cls, path: str | Path) -> LinearModel:
        with np.load(Path(path), allow_pickle=False) as data:
            config = FeatureConfig.from_json(str(data["config"]))
            meta = json.loads(str(data["meta"]))
            if int(meta.get("format", 0)) > FORMAT_VERSION:
                raise ValueError(f"{path}: model format {meta['format']} is newer than this code")
            if "weights" in data:
                weights = data["weights"].astype(np.float32)
            else:
                weights = np.zeros(int(data["size"]), dtype=np.float32)
                weights[data["index"]] = data["value"].astype(np.float32)
            intercept = float(data["intercept"])
        if len(weights) != config.n_features:
            raise ValueError(f"{path}: {len(weights)} weights for {config.n_features} features")
        return cls(weights=weights, intercept=intercept, config=config, meta=meta)


@dataclass
class Models:
    """The learned models ``assess`` uses. Either may be ``None`` (rules only)."""

    spam: LinearModel | None
    abuse: LinearModel | None
    path: str = ""

    def info(self) -> dict[str, Any]:
        return {
            "path": self.path,
            "spam": self.spam.meta if self.spam else None,
            "abuse": self.abuse.meta if self.abuse else None,
        }


def load_model(path: str | Path) -> LinearModel:
    return LinearModel.load(path)


@functools.lru_cache(maxsize=4)
def _load_dir(path: str) -> Models:
    folder = Path(path)
    spam = folder / SPAM_FILE
    abuse = folder / ABUSE_FILE
    if not spam.exists() and not abuse.exists():
        raise FileNotFoundError(f"no {SPAM_FILE} or {ABUSE_FILE} in {folder}")
    return Models(
        spam=LinearModel.load(spam) if spam.exists() else None,
        abuse=LinearModel.load(abuse) if abuse.exists() else None,
        path=str(folder),
    )


def load_models(path: str | Path | None = None) -> Models:
    """Load (once per process and directory) ``spam.npz`` and ``abuse.npz`` from ``path``.

    ``None`` means the committed starter models. A directory holding only one of the two files
    uses ``None`` for the other; call ``load_models.cache_clear()`` after replacing a file.
    """
    return _load_dir(str(Path(path).resolve() if path else STARTER_DIR))


load_models.cache_clear = _load_dir.cache_clear  # type: ignore[attr-defined]
