"""The retraining API: fit, evaluate, save/load, promotion check."""

import numpy as np

from masthead.moderation.core import LinearModel, load_models
from masthead.moderation.core.features import FeatureConfig
from masthead.moderation.core.train import evaluate, fit, should_promote

SMALL = FeatureConfig(n_features=2**14)  # tiny fits stay fast

SPAM = [
    "win a free prize now, call 0800 123 456",
    "earn $500 a day from home, visit cash-now.xyz",
    "check out my channel and subscribe",
    "cheap pills without prescription at pharma.top",
    "congratulations you won a gift card, claim now",
    "make money fast online, message me on whatsapp",
] * 3
HAM = [
    "the minister should resign over this",
    "great reporting, thank you",
    "I disagree with the editorial about taxes",
    "the council has cut bus routes again",
    "this policy will hurt renters",
    "where is the evidence for this claim?",
] * 3


def test_fit_evaluate_save_load(tmp_path):
    texts = SPAM + HAM
    labels = [1] * len(SPAM) + [0] * len(HAM)
    model = fit(texts, labels, [1.0] * len(texts), name="spam", threshold=0.5, config=SMALL)
    metrics = evaluate(model, texts, labels)
    assert metrics["roc_auc"] > 0.95
    assert metrics["f1"] > 0.9
    assert set(metrics) >= {"roc_auc", "f1", "macro_f1", "precision", "recall", "accuracy"}
    path = tmp_path / "spam.npz"
    model.save(path)
    again = LinearModel.load(path)
    assert abs(again.predict_proba(SPAM[0]) - model.predict_proba(SPAM[0])) < 1e-3
    assert again.meta["name"] == "spam"
    # np.load without pickle: the file holds only arrays
    with np.load(path, allow_pickle=False) as data:
        assert "config" in data and "intercept" in data


def test_site_examples_with_higher_weight_change_the_model():
    texts = SPAM + HAM + ["join our reading club on thursday"]
    labels = [1] * len(SPAM) + [0] * len(HAM) + [1]
    light = fit(texts, labels, [1.0] * len(texts), threshold=0.5, config=SMALL)
    heavy = fit(texts, labels, [1.0] * (len(texts) - 1) + [20.0], threshold=0.5, config=SMALL)
    probe = "join our reading club on thursday"
    assert heavy.predict_proba(probe) > light.predict_proba(probe)


def test_should_promote_compares_on_held_out_decisions():
    current = load_models().spam
    texts = ["earn $90 an hour from home, visit jobs.xyz", "the budget is a disgrace"]
    labels = [1, 0]
    ok, metrics = should_promote(current, current, texts, labels)
    assert ok
    assert metrics["new"] == metrics["current"]


def test_adapt_moves_the_starter_towards_site_decisions_without_the_corpus():
    from masthead.moderation.core.train import adapt

    base = load_models().spam
    site = "Join the residents association meeting on Thursday at the library, all welcome"
    texts = [site, site.replace("Thursday", "Friday"), "the budget is a disgrace", "great piece"]
    labels = [1, 1, 0, 0]
    adapted = adapt(base, texts, labels, [5.0] * 4, prior=1.0, max_iter=50)
    assert adapted.predict_proba(site) > base.predict_proba(site)
    assert adapted.meta["site_examples"] == 4
    # an unrelated text barely moves
    other = "The minister resigned after the report was published."
    assert abs(adapted.predict_proba(other) - base.predict_proba(other)) < 0.2


def test_nb_scaling_is_folded_into_an_ordinary_linear_model(tmp_path):
    from sklearn.linear_model import LogisticRegression

    from masthead.moderation.core.features import featurise
    from masthead.moderation.core.train import SEED, nb_ratios

    texts = SPAM + HAM
    labels = np.array([1] * len(SPAM) + [0] * len(HAM))
    w = np.ones(len(texts))
    model = fit(texts, labels, w, name="abuse", threshold=0.5, config=SMALL, c=3.0, nb=True)
    assert model.meta["nb"] is True
    plain = fit(texts, labels, w, name="abuse", threshold=0.5, config=SMALL, c=3.0)
    assert plain.meta["nb"] is False and plain.meta["calibration"] is None
    assert not np.allclose(model.weights, plain.weights)
    # the same as a logistic regression on NB-scaled features
    x = featurise(texts, SMALL)
    r = nb_ratios(x, labels, w)
    ref = LogisticRegression(
        C=3.0, solver="liblinear", class_weight="balanced", max_iter=1000, random_state=SEED
    ).fit(x.multiply(r).tocsr(), labels)
    # NB-scaled log-odds are Platt-calibrated on out-of-fold predictions: logit = a * z + b
    a, b = model.meta["calibration"]
    assert a > 0
    z = ref.decision_function(x.multiply(r).tocsr())
    expected = 1.0 / (1.0 + np.exp(-(a * z + b)))
    assert np.allclose(model.predict_many(texts), expected, atol=1e-4)
    # and it saves and loads like any other model
    model.save(tmp_path / "abuse.npz")
    again = LinearModel.load(tmp_path / "abuse.npz")
    assert np.allclose(again.predict_many(texts), expected, atol=2e-3)
    assert again.meta["nb"] is True


def test_nb_ratios_favour_the_separating_columns():
    import scipy.sparse as sp

    from masthead.moderation.core.train import nb_ratios

    x = sp.csr_matrix(np.array([[1.0, 1.0, 0.0], [1.0, 1.0, 0.0], [0.0, 1.0, 1.0], [0, 1, 1]]))
    y = np.array([1, 1, 0, 0])
    r = nb_ratios(x, y, np.ones(4))
    assert r[0] > 0 > r[2]
    assert abs(r[1]) < 1e-9


def test_threshold_choice_by_cross_validation():
    import pytest

    texts = SPAM + HAM
    labels = [1] * len(SPAM) + [0] * len(HAM)
    for how in ("cv", "cv_macro"):
        model = fit(texts, labels, name="spam", threshold=how, config=SMALL)
        assert 0.2 <= model.threshold <= 0.8
    with pytest.raises(ValueError):
        fit(texts, labels, name="spam", threshold="best", config=SMALL)


def test_word_trigrams_are_optional_features():
    from masthead.moderation.core import normalise
    from masthead.moderation.core.features import analyse

    n = normalise("check out my channel now")
    plain, _ = analyse(n, SMALL)
    tri, _ = analyse(n, FeatureConfig(n_features=2**14, word_ngrams=3))
    assert "t check out my" not in plain and "b check out" in plain
    assert "t check out my" in tri


def _write_labelled_sets(root):
    """A miniature copy of the labelled sets' layout, in our own words."""
    spam = [
        "Check out my channel for free gift cards {}",
        "Earn $500 a day from home, click http://cash{}.example",
        "WIN a free phone now! Text WIN to 8{}123",
        "subscribe to me and I subscribe back {}",
    ]
    ham = [
        "This song reminds me of summer {}",
        "The bridge vote was closer than I expected {}",
        "See you at the library on Thursday {}",
        "The ferry was late again this morning {}",
    ]
    youtube = root / "youtube-spam-collection"
    youtube.mkdir(parents=True)
    with (youtube / "Youtube01-Test.csv").open("w", encoding="utf-8") as fh:
        fh.write("COMMENT_ID,AUTHOR,DATE,CONTENT,CLASS\n")
        for i in range(15):
            for j, text in enumerate(spam):
                fh.write(f'y{i}{j},a,2014-01-01,"{text.format(i)}",1\n')
            for j, text in enumerate(ham):
                fh.write(f'h{i}{j},a,2014-01-01,"{text.format(i)}",0\n')
    sms = root / "sms-spam-collection"
    sms.mkdir()
    with (sms / "SMSSpamCollection.tsv").open("w", encoding="utf-8") as fh:
        for i in range(15):
            fh.write(f"spam\t{spam[2].format(i)}\nham\t{ham[2].format(i)}\n")
    davidson = root / "davidson-hate-offensive"
    davidson.mkdir()
    abusive = ["you filthy vermin {}", "shut up you idiot {}"]
    with (davidson / "labeled_data.csv").open("w", encoding="utf-8") as fh:
        fh.write(",count,hate_speech,offensive_language,neither,class,tweet\n")
        for i in range(15):
            fh.write(f'{i},3,2,1,0,0,"{abusive[0].format(i)}"\n')
            fh.write(f'{i},3,0,3,0,1,"{abusive[1].format(i)}"\n')
            fh.write(f'{i},3,0,0,3,2,"{ham[1].format(i)}"\n')


def test_the_starter_build_command_is_reproducible_and_gives_working_models(tmp_path, capsys):
    from masthead.moderation.core.train import main

    _write_labelled_sets(tmp_path / "data")
    for out in ("first", "second"):
        assert main(["--data", str(tmp_path / "data"), "--out", str(tmp_path / out)]) == 0
    for name in ("spam.npz", "abuse.npz"):
        assert (tmp_path / "first" / name).read_bytes() == (tmp_path / "second" / name).read_bytes()
    assert '"spam"' in capsys.readouterr().out

    models = load_models(tmp_path / "first")
    assert models.spam.predict_proba("Earn $900 a day from home, click http://cash.example") > 0.5
    assert models.spam.predict_proba("The ferry was late again tonight") < 0.5
    assert models.abuse.predict_proba("you filthy vermin") > models.abuse.predict_proba(
        "the bridge vote was closer than expected"
    )


def test_refit_records_how_many_site_decisions_it_learnt_from(monkeypatch):
    from masthead.moderation.core import train

    def corpus(data_dir, kind):
        return SPAM + HAM, [1] * len(SPAM) + [0] * len(HAM), [1.0] * (len(SPAM) + len(HAM))

    monkeypatch.setattr(train, "starter_corpus", corpus)
    site = ["join our reading club on thursday", "the ferry timetable is better now"] * 3
    model = train.refit("spam", site, [1, 0] * 3, data_dir="unused")
    assert model.meta["site_examples"] == 6
    assert model.site_examples == 6
    assert "6 site examples" in model.meta["trained_on"]
