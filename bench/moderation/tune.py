"""Validation runs behind the recipe choices (training portions only; no test split is read).

    .venv/bin/python bench/moderation/tune.py [--data /work/shared/data/moderation] [--only X]

Every number here comes from the *training* portion (80%, stratified, seed 42: the same split
as ``run.py``) of each set; the 20% test splits that ``run.py`` reports are never featurised.

* ``abuse``: OLID-train 5-fold CV ROC AUC (folds seed 7) of the hashed-feature recipe with and
  without NB scaling, several C values and n-gram settings; Davidson 5-fold CV of the shipped
  recipe, and the Davidson-trained fold models scored on OLID-train (how well the shipped kind
  of model carries over to OLID-like text).
* ``spam``: YouTube-train and SMS-train 5-fold CV ROC AUC (folds seeds 1 and 2, averaged),
  SMS-train -> YouTube-train and back for the learned model alone, and for the pipeline's spam
  score (``assess`` with the SMS-train model as the spam model): the validation set for the
  cross-set target and the rule changes.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
import time
from pathlib import Path

import numpy as np
from sklearn.metrics import roc_auc_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import split  # noqa: E402

from masthead.moderation.core import Draft, Models, assess, normalise  # noqa: E402
from masthead.moderation.core import datasets as ds  # noqa: E402
from masthead.moderation.core.features import FeatureConfig, featurise  # noqa: E402
from masthead.moderation.core.train import _fit_linear, fit  # noqa: E402


def cv_auc(x, y, w, c, nb, seeds=(7,)):
    aucs = []
    for seed in seeds:
        oof = np.zeros(len(y))
        for a, b in StratifiedKFold(5, shuffle=True, random_state=seed).split(x, y):
            coef, b0 = _fit_linear(x[a], y[a], w[a], c, nb)
            oof[b] = x[b] @ coef + b0
        aucs.append(roc_auc_score(y, oof))
    return float(np.mean(aucs))


def abuse(data_dir: Path) -> None:
    print("# abuse: OLID-train 5-fold CV ROC AUC")
    tr, _ = split(ds.read_olid(data_dir))
    normed = [normalise(e.text) for e in tr]
    y = np.array([e.label for e in tr])
    w = np.ones(len(y))
    base = FeatureConfig()
    grid = [
        ("char 1-5 + words 1-2, no NB", base, 1.0, False),
        ("char 1-5 + words 1-2, no NB", base, 3.0, False),
        ("char 1-5 + words 1-2, no NB", base, 10.0, False),
        ("char 1-5 + words 1-2, NB", base, 1.0, True),
        ("char 1-5 + words 1-2, NB", base, 3.0, True),
        ("char 1-5 + words 1-2, NB", base, 10.0, True),
        ("char 1-5 + words 1-3, NB", dataclasses.replace(base, word_ngrams=3), 3.0, True),
        ("char 2-5 + words 1-2, NB", dataclasses.replace(base, char_min=2), 3.0, True),
    ]
    cache = {}
    for name, cfg, c, nb in grid:
        if cfg not in cache:
            cache[cfg] = featurise(normed, cfg)
        print(f"  {name:<34} C={c:<4} auc={cv_auc(cache[cfg], y, w, c, nb):.4f}", flush=True)
    print("# abuse: Davidson (shipped corpus, hate weighted up) 5-fold CV, and -> OLID-train")
    dav = ds.read_davidson(data_dir)
    xd = featurise([normalise(e.text) for e in dav], base)
    yd = np.array([e.label for e in dav])
    wd = np.array([1.0 + 2.0 * e.weight for e in dav])
    xo = cache[base]
    for nb in (False, True):
        aucs, olid = [], []
        for a, b in StratifiedKFold(5, shuffle=True, random_state=7).split(xd, yd):
            coef, b0 = _fit_linear(xd[a], yd[a], wd[a], 3.0, nb)
            aucs.append(roc_auc_score(yd[b], xd[b] @ coef + b0))
            olid.append(roc_auc_score(y, xo @ coef + b0))
        print(
            f"  Davidson NB={nb!s:<5} C=3  Davidson CV auc={np.mean(aucs):.4f}  "
            f"-> OLID-train auc={np.mean(olid):.4f}",
            flush=True,
        )


def spam(data_dir: Path) -> None:
    print("# spam: CV on the training portions, and cross-set training portion -> training portion")
    yt_tr, _ = split(ds.read_youtube(data_dir))
    sms_tr, _ = split(ds.read_sms(data_dir))
    n1 = [normalise(e.text) for e in yt_tr]
    n2 = [normalise(e.text) for e in sms_tr]
    y1 = np.array([e.label for e in yt_tr])
    y2 = np.array([e.label for e in sms_tr])
    base = FeatureConfig()
    for c, nb in ((10.0, False), (30.0, False), (100.0, False), (30.0, True)):
        x1, x2 = featurise(n1, base), featurise(n2, base)
        w1, w2 = np.ones(len(y1)), np.ones(len(y2))
        a1 = cv_auc(x1, y1, w1, c, nb, seeds=(1, 2))
        a2 = cv_auc(x2, y2, w2, c, nb, seeds=(1, 2))
        coef, b0 = _fit_linear(x2, y2, w2, c, nb)
        c21 = roc_auc_score(y1, x1 @ coef + b0)
        coef, b0 = _fit_linear(x1, y1, w1, c, nb)
        c12 = roc_auc_score(y2, x2 @ coef + b0)
        print(
            f"  C={c:<5} NB={nb!s:<5} YouTube CV={a1:.4f} SMS CV={a2:.4f} "
            f"SMS->YouTube={c21:.4f} YouTube->SMS={c12:.4f}",
            flush=True,
        )
    m_sms = fit([e.text for e in sms_tr], y2, name="spam", threshold=0.5)
    models = Models(spam=m_sms, abuse=None)
    p = [assess(Draft(e.text), models=models).scores["spam"] for e in yt_tr]
    print(
        f"  pipeline spam score, SMS-train model -> YouTube-train: auc={roc_auc_score(y1, p):.4f}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="/work/shared/data/moderation")
    parser.add_argument("--only", choices=["abuse", "spam"])
    args = parser.parse_args()
    t0 = time.time()
    if args.only != "spam":
        abuse(Path(args.data))
    if args.only != "abuse":
        spam(Path(args.data))
    print(f"({time.time() - t0:.0f} s)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
