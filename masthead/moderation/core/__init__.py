"""Masthead comment moderation: the pure-Python core (no Django).

Needs only numpy, scipy and scikit-learn (scikit-learn only to *train*; assessing a comment
uses numpy). Importing this package loads nothing; the models and the lexicon are read on first
use and cached for the life of the process.

Public API
==========

Normalisation and fingerprints
------------------------------
``normalise(text) -> Normalised``
    NFKC, invisible characters stripped, look-alike letters mapped, split words re-joined
    (``Goog-l-e``, ``ho-u-r``, ``G.o.o.g.l.e``, ``p a y``), digits in words (``h0ur``) and
    letters in numbers (``$8O``) fixed, repeats squeezed, lower-cased. ``Normalised`` keeps
    ``raw``, ``text``, ``tokens``, ``deobfuscated`` [(original, fixed)], ``urls`` and the
    counts ``zero_width``, ``confusables``, ``symbol_runs``, ``decorative``, ``leet``,
    ``rejoined``, ``squeezed`` (``obfuscation`` adds up the tricks). Invisible characters that
    hide nothing (a byte-order mark at either end, variation selectors and joiners inside emoji)
    are counted in ``zero_width`` and ``harmless_invisible`` but not as obfuscation
    (``hidden_invisible`` is the rest). ``alternative_text`` reads a spaced-out run with a
    one-letter word at either end set apart ("what a r e t a r d" -> "what a retard"); the
    lexicon and the abuse model read it as well as ``text``.
``name_advertises(name) -> bool``
    Whether an author's name carries a link or a domain (spelt out too: "example dot com"), an
    e-mail address, a phone number, a messenger or a handle on one, or a sales pitch (what
    ``assess`` counts against a comment whose name does).
``name_abuse(name, settings=None) -> list[str]``
    Why a name may not be shown (slurs masked): a slur, a site's blocked term, dehumanising
    language aimed at a group, a threat, or a severe insult aimed at someone; whole words only.
``name_key(name) -> str``
    A name as it reads, case, accents, spacing, punctuation and look-alike letters aside: two
    names with one key read as the same name.
``fingerprint(text) -> bytes``
    MinHash (128 16-bit slots, 256 bytes) of the normalised text's 4-character shingles.
``similarity(a, b) -> float`` / ``similarities(a, many) -> ndarray``
    share of equal slots, an estimate of the shingles' Jaccard similarity (1.0 identical,
    0.0-0.2 unrelated comments; 0.4+ is "near-duplicate" for a comment of 15 words or more).
``own_words(body, parent) -> str``
    the reply without the "> " lines and quoted passages it copies from its parent.

Assessing a comment
-------------------
``assess(draft, context=None, *, models=None) -> Verdict``
    ``Verdict.action`` is "publish", "hold" or "spam"; ``Verdict.scores`` a JSON-ready
    ``dict[str, float]`` (``spam``, ``spam_model``, ``abuse``, ``abuse_model``,
    ``abuse_rules``, ``links``, ``obfuscation``, ``rate_ratio``, ``trust``, ...);
    ``Verdict.reasons`` human-readable strings (slurs masked: "slur: n****r", with the
    disguise left visible in "obfuscated words: n.1.*.*.*.r → n****r"; a site's own
    lexicon additions as its moderators wrote them: "blocked term: Banana-Brain!");
    ``Verdict.fingerprint`` the comment's fingerprint (store it for near-duplicate look-ups).
``Draft(body, author_name="", author_email="", author_url="", is_guest=True, honeypot="",
seconds_to_submit=None, form_token_forged=False, parent_body="")``
    ``parent_body``: the text of the comment it replies to; what it quotes of it is not part
    of its fingerprint.
``Context(history=History(), recent_by_reader=0, recent_by_ip=0, rate_limit=None,
recent_fingerprints=(), labelled_fingerprints=(), settings=Settings())``
    ``rate_limit`` is the configured limit ("5/m", "10/h", ``RateLimit`` or (count, seconds));
    ``recent_by_*`` count this reader's / this IP hash's comments inside that window.
    ``recent_fingerprints``: fingerprints of recently published comments;
    ``labelled_fingerprints``: ``LabelledFingerprint(fp, "spam"|"abuse"|"ham")`` (or tuples)
    from recent moderator decisions: a near-identical comment follows the decision at once.
``History(approved=0, spam=0, removed=0, is_first_comment=True)``
``Settings(strictness="balanced", allow_domains=(), block_domains=(), use_default_allow=True,
lexicon_additions=(), abuse_action="hold", min_seconds_to_submit=3.0, near_duplicate=0.4,
near_duplicate_short=0.9)``
    ``strictness``: "lenient" | "balanced" | "strict" or a float 0..1 (``thresholds()``).

Models
------
``load_models(path=None) -> Models``
    ``spam.npz`` and ``abuse.npz`` from ``path`` (default: the committed starter in
    ``masthead/moderation/starter``), cached per process; ``load_models.cache_clear()``.
``LinearModel.predict_proba(text)``, ``.save(path)``, ``LinearModel.load(path)``
``LinearModel.site_examples``
    How many of the site's own decisions the model was retrained on (0: a starter). ``assess``
    trusts a retrained model more: ``decision.model_weight(model)``, 0.3 for a starter, rising
    to 0.6 at 200 site decisions.

Training (``masthead.moderation.core.train``; needs scikit-learn)
------------------------------------------------------------------
``build_starter(data_dir, out_dir)`` / ``python -m masthead.moderation.core.train --data DIR
--out DIR``; ``fit(texts, labels, weights=None, *, name="spam", nb=None) -> LinearModel``
(``nb=True``: naive-Bayes feature scaling, Platt-calibrated, still a plain linear model);
``starter_corpus(data_dir, kind)``; ``refit(kind, site_texts, site_labels, *, data_dir,
site_weight=5.0)`` (starter corpus + site examples, where the corpus is on the server);
``adapt(current_model, site_texts, site_labels, weights=None, *, prior=1.0)`` (site examples
only, the current weights as a prior: no corpus needed); ``evaluate(model, texts, labels) ->
dict`` (roc_auc, f1, macro_f1, precision, recall, accuracy); ``should_promote(new, current,
texts, labels) -> (bool, metrics)``.

Typical Django-side flow
------------------------
1. On submit: build ``Draft`` from the form, ``Context`` from the DB (history counts, comments by
   this reader / IP hash inside the rate window, ``settings.RATE_LIMIT``, fingerprints of recent
   published comments and of recent moderator decisions, the site's moderation settings), call
   ``assess(draft, context, models=load_models(path_or_None))``, store ``verdict.action``,
   ``verdict.scores``, ``verdict.reasons`` and ``verdict.fingerprint`` with the comment.
2. On a moderator decision: store (fingerprint, "spam"|"abuse"|"ham"); it is passed back in
   ``Context.labelled_fingerprints`` from then on, so near-copies follow it at once.
3. Every N decisions: ``adapt`` (or ``refit``) the spam/abuse model, ``should_promote`` on the
   site's most recent held-out decisions, ``model.save(MASTHEAD_HOME/.../spam.npz)``, and
   ``load_models.cache_clear()`` in each process (or pass the new directory).

"""

from __future__ import annotations

from .decision import (
    STRICTNESS,
    Context,
    Draft,
    History,
    LabelledFingerprint,
    Settings,
    Verdict,
    assess,
    name_abuse,
    thresholds,
)
from .fingerprint import fingerprint, own_words, similarities, similarity
from .lexicon import Lexicon, load_lexicon, mask
from .model import STARTER_DIR, LinearModel, Models, load_model, load_models
from .normalise import Normalised, normalise
from .signals import RateLimit, name_advertises, name_key, parse_rate

__all__ = [
    "STARTER_DIR",
    "STRICTNESS",
    "Context",
    "Draft",
    "History",
    "LabelledFingerprint",
    "Lexicon",
    "LinearModel",
    "Models",
    "Normalised",
    "RateLimit",
    "Settings",
    "Verdict",
    "assess",
    "fingerprint",
    "load_lexicon",
    "load_model",
    "load_models",
    "mask",
    "name_abuse",
    "name_advertises",
    "name_key",
    "normalise",
    "own_words",
    "parse_rate",
    "similarities",
    "similarity",
    "thresholds",
]
