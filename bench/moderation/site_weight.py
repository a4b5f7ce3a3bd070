"""How much should a site-retrained spam model count in ``assess``? (simulation)

    .venv/bin/python bench/moderation/site_weight.py            # choose: YouTube-train folds only
    .venv/bin/python bench/moderation/site_weight.py --test     # then score once on YouTube-test

The starter is out of domain on purpose: a spam model fitted on all of SMS (no YouTube). The
site is YouTube: its moderators' decisions are rows of the YouTube *training* portion (the same
stratified 80/20 split, seed 42, as ``run.py``). The site retrains as the product does:

* ``refit``: the starter corpus (here SMS, weight 1) + the site's decisions at
  ``DEFAULT_SITE_WEIGHT`` (5), the same liblinear fit as ``train.fit``;
* ``adapt``: ``train.adapt(starter, site, weights=SITE_WEIGHT, prior=ADAPT_PRIOR)``.

Choosing (default): 5 stratified folds of YouTube-train; the site's decisions are drawn from
four folds (50 or 200 of them, stratified, three draws each, or all ~1,250), the fifth fold is
scored. "product" rows use ``decision.model_weight`` for the model's number of decisions.
Testing (``--test``): the site's decisions are drawn from all of YouTube-train (50 and 200:
three draws; all 1,564) and YouTube-test is scored once.

Scores are ``assess(Draft(text))`` as in ``run.py``'s pipeline rows (a guest's first comment,
default settings, no abuse model). So that every weight is scored on the same runs, ``assess``
runs once per text and model with the model's weight at 0, recording the rule log-odds and the
model's probability; the spam score at weight ``m`` is then
``sigmoid(z_rules + m * clip(logit(p_model)))``, exactly what ``assess`` computes. Reported: ROC
AUC of that score; the product's decision at balanced strictness (held = hold or spam): spam F1,
recall and the share of ham held. Also the hand-written sets (``data/*.jsonl``) with the full
product (``assess`` with the starter abuse model) and the site models fitted on all of
YouTube-train, at each weight.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import math
import sys
import time
from pathlib import Path

import numpy as np
import scipy.sparse as sp
from sklearn.metrics import f1_score, recall_score, roc_auc_score
from sklearn.model_selection import StratifiedKFold

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(Path(__file__).resolve().parent))

from run import read_jsonl, split  # noqa: E402

from masthead.moderation.core import (  # noqa: E402
    Draft,
    LinearModel,
    Models,
    assess,
    decision,
    load_models,
)
from masthead.moderation.core import datasets as ds  # noqa: E402
from masthead.moderation.core.features import FeatureConfig, featurise  # noqa: E402
from masthead.moderation.core.normalise import normalise  # noqa: E402
from masthead.moderation.core.train import (  # noqa: E402
    DEFAULT_SITE_WEIGHT,
    SPAM_C,
    _fit_linear,
    adapt,
    fit,
)

WEIGHTS = (0.3, 0.45, 0.6, 0.8)
SIZES = (50, 200, None)  # None: every decision available
DRAWS = 3
ADAPT_PRIOR = 1.0


@contextlib.contextmanager
def patched(**values):
    old = {k: getattr(decision, k) for k in values}
    for k, v in values.items():
        setattr(decision, k, v)
    try:
        yield
    finally:
        for k, v in old.items():
            setattr(decision, k, v)


def decompose(
    model: LinearModel | None, texts: list[str]
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """(rule log-odds, the model's probability, held whatever the score) per text."""
    seen: dict[str, float] = {}
    real_logit, real_sigmoid = decision._logit, decision._sigmoid

    def logit(p: float) -> float:
        seen["p"] = p
        return real_logit(p)

    def sigmoid(z: float) -> float:
        seen["z"] = z
        return real_sigmoid(z)

    zr, pm, hard = [], [], []
    with patched(model_weight=lambda _model: 0.0, _logit=logit, _sigmoid=sigmoid):
        for t in texts:
            seen.clear()
            v = assess(Draft(t), models=Models(spam=model, abuse=None))
            zr.append(seen["z"])
            pm.append(seen.get("p", 0.5))
            hard.append(v.action != "publish" and real_sigmoid(seen["z"]) < 0.70)
    return np.array(zr), np.array(pm), np.array(hard)


def spam_score(zr: np.ndarray, pm: np.ndarray, weight: float) -> np.ndarray:
    p = np.clip(pm, 1e-6, 1 - 1e-6)
    lo = np.clip(
        np.log(p / (1 - p)) - decision.MODEL_CENTRE, decision.MODEL_MIN, decision.MODEL_MAX
    )
    return 1.0 / (1.0 + np.exp(-(zr + weight * lo)))


def metrics(y, zr, pm, hard, weight) -> dict[str, float]:
    s = spam_score(zr, pm, weight)
    held = (s >= 0.70) | hard
    return {
        "auc": float(roc_auc_score(y, s)),
        "f1_bal": float(f1_score(y, held)),
        "recall_bal": float(recall_score(y, held)),
        "ham_held": float(held[y == 0].mean()),
    }


class Site:
    """Retrains the SMS starter on a sample of YouTube rows, as the product does."""

    def __init__(self, data_dir: Path):
        cfg = FeatureConfig()
        sms = ds.read_sms(data_dir)
        self.sms_x = featurise([normalise(e.text) for e in sms], cfg)
        self.sms_y = np.array([e.label for e in sms])
        self.starter = fit([e.text for e in sms], self.sms_y, name="spam", threshold=0.5)

    def refit(self, texts, x_site, labels) -> LinearModel:
        x = sp.vstack([self.sms_x, x_site]).tocsr()
        y = np.concatenate([self.sms_y, labels])
        w = np.concatenate([np.ones(len(self.sms_y)), np.full(len(labels), DEFAULT_SITE_WEIGHT)])
        coef, b = _fit_linear(x, y, w, SPAM_C, False)
        return LinearModel(np.asarray(coef, np.float32), b, FeatureConfig(), {"name": "spam"})

    def adapt(self, texts, labels) -> LinearModel:
        n = len(labels)
        return adapt(self.starter, texts, labels, [DEFAULT_SITE_WEIGHT] * n, prior=ADAPT_PRIOR)


def draws(pool_idx, y_pool, size, rng_seed):
    """Stratified samples of ``size`` from ``pool_idx`` (all of it once if ``size`` is None)."""
    if size is None or size >= len(pool_idx):
        return [np.asarray(pool_idx)]
    out = []
    for d in range(DRAWS):
        rng = np.random.default_rng(rng_seed * 100 + d)
        pos = np.asarray(pool_idx)[y_pool == 1]
        neg = np.asarray(pool_idx)[y_pool == 0]
        k = round(size * len(pos) / len(pool_idx))
        out.append(
            np.concatenate(
                [rng.choice(pos, k, replace=False), rng.choice(neg, size - k, replace=False)]
            )
        )
    return out


def run(data_dir: Path, test: bool) -> dict:
    site = Site(data_dir)
    yt_tr, yt_te = split(ds.read_youtube(data_dir))
    texts = [e.text for e in yt_tr]
    y = np.array([e.label for e in yt_tr])
    x = featurise([normalise(t) for t in texts], FeatureConfig())
    if test:
        splits = [(np.arange(len(y)), None)]
        score_texts = [e.text for e in yt_te]
        score_y = np.array([e.label for e in yt_te])
    else:
        splits = list(StratifiedKFold(5, shuffle=True, random_state=42).split(np.zeros(len(y)), y))
    res: dict[str, dict[str, list[dict]]] = {}

    def add(key, m):
        res.setdefault(key, []).append(m)

    for k, (pool, scored) in enumerate(splits):
        if scored is None:
            st, sy = score_texts, score_y
        else:
            st, sy = [texts[i] for i in scored], y[scored]
        zr, pm, hard = decompose(site.starter, st)
        for wt in WEIGHTS:
            add(f"starter|-|{wt}", metrics(sy, zr, pm, hard, wt))
        for size in SIZES:
            for d, idx in enumerate(draws(pool, y[pool], size, k + 1)):
                ts, ls = [texts[i] for i in idx], y[idx]
                for kind in ("refit", "adapt"):
                    model = site.refit(ts, x[idx], ls) if kind == "refit" else site.adapt(ts, ls)
                    _, pm2, _ = decompose(model, st)
                    for wt in WEIGHTS:
                        add(f"{kind}|{size or 'all'}|{wt}", metrics(sy, zr, pm2, hard, wt))
                    # what the product gives a model retrained on this many decisions
                    wt = decision.model_weight(
                        LinearModel(model.weights, 0.0, model.config, {"site_examples": len(idx)})
                    )
                    add(f"{kind}|{size or 'all'}|product", metrics(sy, zr, pm2, hard, wt))
                print(
                    f"  fold {k} size {size} draw {d} done ({time.time() - T0:.0f} s)", flush=True
                )
    return res


def handwritten(data_dir: Path) -> dict:
    """The product's own hand-written checks with site models fitted on all of YouTube-train."""
    site = Site(data_dir)
    yt_tr, _ = split(ds.read_youtube(data_dir))
    texts = [e.text for e in yt_tr]
    y = np.array([e.label for e in yt_tr])
    x = featurise([normalise(t) for t in texts], FeatureConfig())
    shipped = load_models()
    cand = {
        "SMS starter": site.starter,
        "SMS starter refit on YouTube-train": site.refit(texts, x, y),
        "SMS starter adapted on YouTube-train": site.adapt(texts, y),
        "shipped starter adapted on YouTube-train": adapt(
            shipped.spam, texts, y, [DEFAULT_SITE_WEIGHT] * len(y), prior=ADAPT_PRIOR
        ),
    }
    sets = {
        n: [r["text"] for r in read_jsonl(n)]
        for n in ("legit_political", "dev_legit", "scam_abuse", "dev_bad")
    }
    out = {}
    for name, model in cand.items():
        for wt in WEIGHTS:
            row = {}
            with patched(model_weight=lambda _model, wt=wt: wt):
                for s, ts in sets.items():
                    acts = [
                        assess(Draft(t), models=Models(spam=model, abuse=shipped.abuse)).action
                        for t in ts
                    ]
                    bad = s in ("scam_abuse", "dev_bad")
                    row[s] = sum((a == "publish") if bad else (a != "publish") for a in acts)
            out[f"{name}|{wt}"] = row
            print(f"  {name} @ {wt}: {row}", flush=True)
    return out


def summary(res: dict) -> None:
    print(
        f"{'model':<8} {'n':>5} {'w':>5}  {'AUC mean':>8} {'sd':>6}  {'F1@bal':>6} {'recall':>6} {'ham held':>8}"
    )
    for key, ms in res.items():
        kind, size, wt = key.split("|")
        a = np.array([m["auc"] for m in ms])
        sd = a.std(ddof=1) if len(a) > 1 else math.nan
        f = np.mean([m["f1_bal"] for m in ms])
        r = np.mean([m["recall_bal"] for m in ms])
        h = np.mean([m["ham_held"] for m in ms])
        print(f"{kind:<8} {size:>5} {wt:>5}  {a.mean():8.4f} {sd:6.4f}  {f:6.3f} {r:6.3f} {h:8.4f}")


def main() -> int:
    global T0
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", default="/work/shared/data/moderation")
    parser.add_argument("--test", action="store_true", help="score YouTube-test (once, at the end)")
    parser.add_argument("--handwritten", action="store_true", help="the hand-written sets only")
    parser.add_argument("--out", default="")
    args = parser.parse_args()
    T0 = time.time()
    data = Path(args.data)
    if args.handwritten:
        result = handwritten(data)
    else:
        result = run(data, args.test)
        summary(result)
    if args.out:
        Path(args.out).write_text(json.dumps(result, indent=1))
    print(f"({time.time() - T0:.0f} s)")
    return 0


T0 = 0.0

if __name__ == "__main__":
    raise SystemExit(main())
