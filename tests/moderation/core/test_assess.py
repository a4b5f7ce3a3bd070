"""assess(): the decision, its scores and reasons, and every knob the site can turn."""

import json
from pathlib import Path

import pytest

from masthead.moderation.core import (
    Context,
    Draft,
    History,
    LabelledFingerprint,
    Settings,
    assess,
    fingerprint,
    load_models,
    thresholds,
)

BENCH = Path(__file__).resolve().parents[3] / "bench" / "moderation" / "data"

MODEL_PAGE_SCAM = (
    "Goog-l-e is paying $97 per ho-u-r ♥♥♥ for working from home... I've made $8O,000 last "
    "month and I never had a job before. Just open this site http://home-job-today.xyz/start"
)
HEATED = [
    "The government is spending $97 billion in tax cuts while food banks run out of tins.",
    "What a fucking mess. Every single promise broken within six months.",
    "Netanyahu is clinging to power to stay out of a courtroom.",
    "The IDF has killed aid workers, journalists and children in numbers no strike can explain.",
    "Russian forces bombed a maternity hospital and then claimed it was staged. Sickening.",
    "Oh yes, I'm sure the billionaire who owns the newspaper has our best interests at heart.",
    "These clowns couldn't run a bath, never mind a country.",
    "AP fact-checked the speech and half the numbers were wrong: https://apnews.com/hub/x",
]


def rows(name):
    with (BENCH / f"{name}.jsonl").open(encoding="utf-8") as fh:
        return [json.loads(line) for line in fh]


def test_starter_models_are_committed_and_small():
    models = load_models()
    assert models.spam is not None and models.abuse is not None
    total = sum(p.stat().st_size for p in Path(models.path).glob("*.npz"))
    assert total < 3 * 1024 * 1024
    assert load_models() is models  # cached once per process


def test_model_page_scam_is_never_published():
    for strictness in ("lenient", "balanced", "strict"):
        v = assess(Draft(MODEL_PAGE_SCAM), Context(settings=Settings(strictness=strictness)))
        assert v.action in ("spam", "hold"), (strictness, v)
    v = assess(Draft(MODEL_PAGE_SCAM))
    assert v.action == "spam"
    text = " | ".join(v.reasons)
    assert "obfuscated words: Goog-l-e → google" in text
    assert "earnings claim" in text
    assert "link to an unknown domain: home-job-today.xyz" in text
    assert "work from home pitch" in text


@pytest.mark.parametrize(
    "body",
    [
        "Google is paying $97 per hour for working from home",  # the scam without its link
        "go to earnfast (dot) org",  # a spelled-out domain, the link that dodges link counts
    ],
)
def test_the_model_page_scams_shorter_shapes_are_not_published(body):
    # The starter model learned its spam from SMS and YouTube; on a news site its confidence that
    # these read like ordinary comments must not outweigh the rules that name the scam.
    assert assess(Draft(body)).action != "publish"


@pytest.mark.parametrize(
    "body, reason",
    [
        ("Buy cheap Viagra online no prescription needed, fast delivery to UK", "drugs for sale"),
        ("Order generic Cialis today, discreet delivery.", "drugs for sale"),
        ("She earned \u20a48O,OOO in 3 months from home, ask me how", "earnings claim"),
        ("She earned £80,000 in 3 months from home, ask me how", "work from home pitch"),
    ],
)
def test_a_pitch_with_neither_link_nor_number_is_not_published(body, reason):
    v = assess(Draft(body))
    assert v.action != "publish", v
    assert any(r.startswith(reason) for r in v.reasons), v


@pytest.mark.parametrize(
    "body",
    [
        "People buy Viagra online without a prescription and end up in A&E.",
        "The NHS waiting list is a joke, ask me how I know.",
        "Teachers earn less now than in 2010. Ask me how I know.",
    ],
)
def test_drugs_and_ask_me_how_in_debate_are_published(body):
    v = assess(Draft(body))
    assert v.action == "publish", v


@pytest.mark.parametrize("body", HEATED)
def test_heated_political_comments_are_published(body):
    v = assess(Draft(body))
    assert v.action == "publish", v


def test_a_sample_of_the_bench_sets():
    legit = rows("legit_political")[::10]
    bad = rows("scam_abuse")[::5]
    assert [r["text"] for r in legit if assess(Draft(r["text"])).action != "publish"] == []
    assert [r["text"] for r in bad if assess(Draft(r["text"])).action == "publish"] == []


ISSUE_INSULT = "You are a complete idiot and a moron, the author should be ashamed"


@pytest.mark.parametrize("strictness", ["balanced", "strict"])
def test_an_insult_aimed_at_a_reader_is_held_for_review_naming_every_insult(strictness):
    v = assess(Draft(ISSUE_INSULT), Context(settings=Settings(strictness=strictness)))
    assert v.action == "hold"
    assert "insult aimed at a reader: idiot" in v.reasons
    assert "insult aimed at a reader: moron" in v.reasons


def test_lenient_publishes_a_plain_insult_at_a_reader_and_shows_it_below_the_threshold():
    v = assess(Draft(ISSUE_INSULT), Context(settings=Settings(strictness="lenient")))
    assert v.action == "publish"
    assert "insult aimed at a reader: moron (below the hold threshold)" in v.reasons


def test_lenient_holds_an_insult_at_a_reader_when_the_abuse_model_agrees():
    assert (
        assess(Draft("You fucking moron"), Context(settings=Settings(strictness="lenient"))).action
        == "hold"
    )


def test_an_insult_aimed_at_the_author_is_held_and_says_so():
    v = assess(Draft("Whoever wrote this article is a total moron"))
    assert v.action == "hold"
    assert "insult aimed at the article's author: moron" in v.reasons


@pytest.mark.parametrize("strictness", ["balanced", "strict"])
@pytest.mark.parametrize(
    "body",
    [
        "You are wrong about the budget and you know it.",
        "Are you kidding me? This is a disgrace.",
        "You're right, the Chancellor is an idiot and this budget proves it.",
        "Do you honestly think these clowns will fix the NHS?",
        "You are defending a minister who lied to Parliament. Have some self-respect.",
        # people in power, spoken to from afar
        "Listen up, you idiots in Westminster: the NHS is on its knees.",
        "You idiots in government: the NHS is on its knees.",
        "You morons at the BBC should be ashamed of that coverage.",
        "You fools in charge have wrecked the railways.",
    ],
)
def test_heated_comments_that_address_a_reader_are_published(body, strictness):
    v = assess(Draft(body), Context(settings=Settings(strictness=strictness)))
    assert v.action == "publish", v


@pytest.mark.parametrize("strictness", ["balanced", "strict"])
@pytest.mark.parametrize(
    "body, aimed_at_a_reader",
    [
        ("Sit down, Boris, you clown.", False),
        ("Boris, you clown, resign.", False),
        ("Mr Johnson, you absolute idiot, the rules were yours.", False),
        ("Sit down, Dave, you clown.", True),  # a name the story does not have
        ("Sit down, you clown.", True),
        ("Boris is fine. Dave, you idiot, read the article.", True),
    ],
)
def test_a_person_the_story_names_spoken_to_by_name_is_not_a_reader(
    body, aimed_at_a_reader, strictness
):
    story_names = frozenset({"boris", "johnson", "downing", "street"})
    v = assess(
        Draft(body, story_names=story_names), Context(settings=Settings(strictness=strictness))
    )
    assert (v.action == "hold") is aimed_at_a_reader, v


@pytest.mark.parametrize("strictness", ["balanced", "strict"])
@pytest.mark.parametrize(
    "body",
    [
        # an insult denied or reported
        "I'm not calling you stupid, but the data says otherwise.",
        "I never said you were stupid. I said the policy is.",
        "I don't think you're an idiot, I think you're misinformed.",
        "Nobody here thinks you are a fool for asking.",
        "You look like an idiot in that hat, said the minister to the reporter.",
        # "you," then an insult about someone else
        "I agree with you, stupid policies like this never work.",
        "Thank you, idiots in Westminster never learn.",
        "I'm with you, idiots run this council.",
        "Good on you, pathetic as this government is.",
        "@dave, idiots like Smith should never be in charge.",
        # no retort, no author, no reader
        "Whatever idiot designed this roundabout should be sacked.",
        "Cope, idiots, the vote is lost.",
        "The clown who wrote that policy should resign.",
        "The fool who wrote this bill has never used a bus.",
        "Only fools like you and me still pay the licence fee.",
        "@BorisJohnson is a clown and always was.",
    ],
)
def test_an_insult_denied_reported_or_about_someone_else_is_published(body, strictness):
    v = assess(Draft(body), Context(settings=Settings(strictness=strictness)))
    assert v.action == "publish", v


@pytest.mark.parametrize("strictness", ["balanced", "strict"])
@pytest.mark.parametrize(
    "body",
    [
        # what a government, an advert or a politician thinks of voters
        "The government thinks you are stupid.",
        "Westminster thinks you're stupid enough to swallow this.",
        "The adverts assume you are a moron.",
        "The minister must think you are all idiots.",
        "The PM says you are all idiots.",
        "The Tories clearly think that you are fools.",
        # a public figure's words, quoted
        '"You are a stupid man," Trump told the reporter.',
        '"You\'re an idiot," the minister shouted at a heckler.',
        '"You clown," the Speaker said to the member.',
        "\u201cYou clown,\u201d the Speaker said to the member.",
        'Johnson once told an MP "you are a clown". Typical.',
        "Johnson once told an MP: \u201cyou are a clown\u201d. Typical.",
        '"You idiot," Trump told me.',
    ],
)
def test_someone_else_calling_voters_or_a_heckler_names_is_political_debate(body, strictness):
    v = assess(Draft(body), Context(settings=Settings(strictness=strictness)))
    assert v.action == "publish", v


@pytest.mark.parametrize("strictness", ["balanced", "strict"])
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        # surprise at what the reader turned out to be is no denial
        ("Never thought you were such a moron.", "insult aimed at a reader: moron"),
        ("I didn't think you were stupid until now.", "insult aimed at a reader: stupid"),
        ("I wouldn't have thought you were such an idiot.", "insult aimed at a reader: idiot"),
        ("Don't you think you are an idiot?", "insult aimed at a reader: idiot"),
        # a verb of saying after the comma, with no quotation and no one else speaking
        (
            "You're an idiot, says everyone who reads your comments.",
            "insult aimed at a reader: idiot",
        ),
        ("You're a clown, tells me all I need to know.", "insult aimed at a reader: clown"),
        # the writer's own view, or everyone's
        ("I think you are an idiot.", "insult aimed at a reader: idiot"),
        ("Everyone here thinks you are a moron.", "insult aimed at a reader: moron"),
        ("We all think you're a clown.", "insult aimed at a reader: clown"),
        ('As I said, "you are an idiot".', "insult aimed at a reader: idiot"),
        ("My wife thinks you are an idiot.", "insult aimed at a reader: idiot"),
        ('"You idiot," says everyone.', "insult aimed at a reader: idiot"),
        ('You are an idiot and "experts" say otherwise.', "insult aimed at a reader: idiot"),
    ],
)
def test_an_insult_at_a_reader_dressed_as_a_denial_or_a_quote_is_held(body, reason, strictness):
    v = assess(Draft(body), Context(settings=Settings(strictness=strictness)))
    assert v.action == "hold", v
    assert reason in v.reasons


@pytest.mark.parametrize("strictness", ["balanced", "strict"])
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("You are all idiots.", "insult aimed at a reader: idiot"),
        ("You are both morons.", "insult aimed at a reader: moron"),
        ("You're all clowns.", "insult aimed at a reader: clown"),
        ("You are just another idiot.", "insult aimed at a reader: idiot"),
        ("You are all such morons", "insult aimed at a reader: moron"),
        # readers spoken to where they are
        ("You idiots in the comments never read the article.", "insult aimed at a reader: idiot"),
        ("You idiots in this thread, read it again.", "insult aimed at a reader: idiot"),
        ("You morons at the back, keep up.", "insult aimed at a reader: moron"),
    ],
)
def test_an_insult_at_a_group_of_readers_is_held(body, reason, strictness):
    v = assess(Draft(body), Context(settings=Settings(strictness=strictness)))
    assert v.action == "hold", v
    assert reason in v.reasons


@pytest.mark.parametrize("strictness", ["balanced", "strict"])
def test_the_bench_targeted_insults_are_held_never_spammed(strictness):
    ctx = Context(settings=Settings(strictness=strictness))
    actions = {r["text"]: assess(Draft(r["text"]), ctx).action for r in rows("targeted_insults")}
    assert set(actions.values()) == {"hold"}, actions


@pytest.mark.parametrize("strictness", ["balanced", "strict"])
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        # the apostrophe phones and word processors type
        ("You\u2019re an idiot.", "insult aimed at a reader: idiot"),
        ("You\u2019re a moron.", "insult aimed at a reader: moron"),
        ("The author\u2019s a clown.", "insult aimed at the article's author: clown"),
        ("You\u2019ve been an idiot all along.", "insult aimed at a reader: idiot"),
        ("You\u02bcre a moron.", "insult aimed at a reader: moron"),
    ],
)
def test_an_insult_typed_with_a_curly_apostrophe_is_held(body, reason, strictness):
    v = assess(Draft(body), Context(settings=Settings(strictness=strictness)))
    assert v.action == "hold", v
    assert reason in v.reasons


def test_racist_abuse_is_held_not_spammed_and_the_slur_is_masked():
    v = assess(Draft("Go back to Africa you n1gger, nobody wants you here"))
    assert v.action == "hold"
    assert "slur: n****r" in v.reasons
    assert not any("nigger" in r or "n1gger" in r for r in v.reasons)  # masked everywhere
    assert any(r.startswith("obfuscated words: n") for r in v.reasons)
    assert v.scores["abuse"] == 1.0


@pytest.mark.parametrize(
    "body", ["What a r e t a r d", "you are a r e t a r d", "you r e t a r d I think"]
)
def test_a_spaced_out_insult_next_to_a_one_letter_word_is_held_like_the_plain_word(body):
    v = assess(Draft(body))
    assert v.action == "hold", v
    text = " | ".join(v.reasons)
    assert "severe insult" in text and "r****d" in text
    assert "retard" not in text.replace(" ", "").lower()  # masked in every reason


@pytest.mark.parametrize("body", ["I s a w it coming", "a w e s o m e reporting", "a b c"])
def test_spaced_out_ordinary_words_next_to_a_one_letter_word_are_published(body):
    assert assess(Draft(body)).action == "publish"


@pytest.mark.parametrize("body", ["I s a w a n i g g e r", "i s a w a f a g g o t s today"])
def test_a_slur_ending_a_run_of_spaced_letters_is_held_on_every_strictness(body):
    for strictness in ("lenient", "balanced", "strict"):
        v = assess(Draft(body), Context(settings=Settings(strictness=strictness)))
        assert v.action == "hold", (strictness, v)
        assert any(reason.startswith("slur: ") for reason in v.reasons), v.reasons


def test_a_severe_insult_ending_a_run_of_spaced_letters_counts_as_the_plain_word_does():
    """Plain, "I saw a retard" is held on strict only (not aimed at a reader); spelt out too."""
    for body in ("I s a w a r e t a r d", "I saw a retard"):
        actions = [
            assess(Draft(body), Context(settings=Settings(strictness=strictness))).action
            for strictness in ("lenient", "balanced", "strict")
        ]
        assert actions == ["publish", "publish", "hold"], body
    text = " | ".join(assess(Draft("I s a w a r e t a r d")).reasons)
    assert "severe insult" in text and "r****d" in text
    assert "retard" not in text.replace(" ", "").replace("*", "").lower()


@pytest.mark.parametrize(
    "body",
    [
        "I s a w a cat",
        "I s a w a c a t",
        "the F B I and the C I A",
        "N A T O and the E U",
        "I s a w a r a c c o o n",  # a word ending in a slur, spelt out
        "I s a w a t y c o o n",
        "P a k i s t a n",  # a word starting with one
        "I s a w a n i d i o t",  # "an idiot": not after "a" or "I" alone
    ],
)
def test_ordinary_spaced_letters_are_not_read_as_a_slur(body):
    for strictness in ("lenient", "balanced", "strict"):
        v = assess(Draft(body), Context(settings=Settings(strictness=strictness)))
        assert v.action == "publish", (strictness, v)


@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("you f4gg0ts", "obfuscated words: f4**0*s → f*****s"),
        ("you f.a.g.g.o.t.s", "obfuscated words: f.*.*.*.*.*.s → f*****s"),
        ("you n i g g e r s", "obfuscated words: n * * * * * s → n*****s"),
        ("you n\u0456gger", "obfuscated words: n\u0456***r (look-alike letters) → n****r"),
        ("What a r e t a r d", "obfuscated words: a r * * * * d → a r****d"),
    ],
)
def test_an_obfuscated_slur_is_shown_masked_with_its_disguise_visible(body, reason):
    v = assess(Draft(body))
    assert reason in v.reasons, v.reasons


def test_an_obfuscated_ordinary_word_is_shown_as_written_and_look_alikes_are_named():
    v = assess(Draft("G\u043e\u043egle is paying"))
    assert "obfuscated words: G\u043e\u043egle (look-alike letters) → google" in v.reasons


def test_abuse_can_be_sent_to_spam_when_the_site_says_so():
    ctx = Context(settings=Settings(abuse_action="spam"))
    assert assess(Draft("Send the n1ggers home"), ctx).action == "spam"


def test_honeypot_means_spam():
    v = assess(Draft("Great article, thanks!", honeypot="http://x.example"))
    assert v.action == "spam"
    assert v.reasons[0].startswith("honeypot")


def test_too_fast_form_counts_against_the_comment():
    slow = assess(Draft("Nice article, see my site http://my-site.top", seconds_to_submit=40))
    fast = assess(Draft("Nice article, see my site http://my-site.top", seconds_to_submit=0.8))
    assert fast.scores["spam"] > slow.scores["spam"]
    assert any("0.8s" in r for r in fast.reasons)


def test_rate_over_the_limit_is_held():
    body = "I agree with the previous comment about the budget."
    assert assess(Draft(body), Context(recent_by_reader=2, rate_limit="5/m")).action == "publish"
    v = assess(Draft(body), Context(recent_by_reader=6, rate_limit="5/m"))
    assert v.action == "hold"
    assert v.scores["rate_ratio"] == pytest.approx(1.2)
    assert "posting rate over the limit" in v.reasons[0]
    # an operator who raises the limit raises the threshold too
    assert assess(Draft(body), Context(recent_by_ip=6, rate_limit="30/m")).action == "publish"


def test_readers_sharing_an_address_get_the_address_allowance():
    body = "The new steps are much better for prams, thank you for covering this."
    # an office behind one address: six comments from colleagues, the first from this reader
    shared = assess(Draft(body), Context(recent_by_ip=6, rate_limit="5/m"))
    assert shared.action == "publish"
    flood = assess(Draft(body), Context(recent_by_ip=15, rate_limit="5/m"))
    assert flood.action == "hold"
    assert "15 from this IP address (limit 15 per 60s for one address)" in flood.reasons[0]


def test_near_duplicate_of_moderator_labelled_spam_is_held_at_once():
    original = "Message me for an amazing opportunity, my cousin explains it all on his page"
    copy = "Message me for an amazing opportunity!! my cousin explains it all on his page"
    assert assess(Draft(copy)).action == "publish"
    labelled = [LabelledFingerprint(fingerprint(original), "spam")]
    v = assess(Draft(copy), Context(labelled_fingerprints=labelled))
    assert v.action in ("hold", "spam")
    assert v.scores["labelled_similarity"] >= 0.8
    assert any("moderator marked spam" in r for r in v.reasons)
    # tuples work too, and an approved near-copy lowers the spam score
    ham = assess(
        Draft(MODEL_PAGE_SCAM),
        Context(labelled_fingerprints=[(fingerprint(MODEL_PAGE_SCAM), "ham")]),
    )
    assert ham.scores["spam"] < assess(Draft(MODEL_PAGE_SCAM)).scores["spam"]


def test_moderator_labelled_abuse_holds_near_copies():
    body = "People like you are the reason this comment section is unreadable, honestly"
    v = assess(Draft(body), Context(labelled_fingerprints=[(fingerprint(body), "abuse")]))
    assert v.action == "hold"


def test_near_duplicate_of_recent_published_comment_adds_evidence():
    body = "Everyone should read this and share it with ten friends before it gets deleted"
    alone = assess(Draft(body))
    dup = assess(Draft(body), Context(recent_fingerprints=[fingerprint(body)]))
    assert dup.scores["spam"] > alone.scores["spam"]
    assert dup.scores["duplicate_similarity"] == 1.0


def test_strictness_changes_the_outcome():
    # a first comment linking to a domain outside the allow-list: held on balanced and strict
    for body in (
        "Our local paper has the full story https://www.valley-gazette.com/council-vote",
        "Interesting, more on this at http://my-analysis-blog.net/post",
    ):
        score = assess(Draft(body)).scores["spam"]
        assert 0.5 < score < 0.9, (body, score)
        for s in ("lenient", "balanced", "strict", 0.0, 0.25, 1.0):
            th = thresholds(s)
            expected = "hold" if th["spam_hold"] <= score < th["spam_spam"] else "publish"
            action = assess(Draft(body), Context(settings=Settings(strictness=s))).action
            assert action == expected, (body, s, score)
        assert assess(Draft(body)).action == "hold"
        assert assess(Draft(body), Context(settings=Settings(strictness=1.0))).action == "hold"
    # the same comment scores the same; only where the site draws the line moves
    borderline = "Interesting, more on this at http://my-analysis-blog.net/post"
    assert assess(Draft(borderline), Context(settings=Settings(strictness="lenient"))).action == (
        "publish"
    )
    t = thresholds(0.25)
    assert thresholds("lenient")["spam_hold"] > t["spam_hold"] > thresholds("balanced")["spam_hold"]
    with pytest.raises(ValueError):
        thresholds("paranoid")


def test_allow_and_block_lists():
    body = "Our local paper has the full story https://www.valley-gazette.com/council-vote"
    held = assess(Draft(body))
    assert held.action == "hold"
    assert "link to an unknown domain: valley-gazette.com" in held.reasons
    ok = assess(Draft(body), Context(settings=Settings(allow_domains=["valley-gazette.com"])))
    assert ok.action == "publish"
    blocked = assess(
        Draft("Read https://www.bbc.co.uk/news/x"),
        Context(settings=Settings(block_domains=["bbc.co.uk"])),
    )
    assert blocked.action == "spam"
    assert "blocked domain: bbc.co.uk" in blocked.reasons[0]


def test_a_first_comment_citing_only_allowed_sites_is_not_suspect_for_its_links():
    body = "The flood plan is at https://www.valley-gazette.com/flood-plan, worth reading."
    allowed = Context(settings=Settings(allow_domains=["valley-gazette.com"]))
    verdict = assess(Draft(body), allowed)
    assert "first comment, with a link" not in verdict.reasons
    also_unknown = assess(Draft(body + " More at http://my-analysis-blog.net/post"), allowed)
    assert "first comment, with a link" in also_unknown.reasons


def test_lexicon_additions():
    body = "The councillor is a total gobshite"
    assert assess(Draft(body)).action == "publish"
    v = assess(Draft(body), Context(settings=Settings(lexicon_additions=["gobshite"])))
    assert v.action == "hold"
    assert "blocked term: gobshite" in v.reasons  # the site's moderators wrote it


def test_author_history_moves_the_spam_score():
    body = "Interesting, more on this at http://my-analysis-blog.net/post"
    new = assess(Draft(body))
    trusted = assess(Draft(body), Context(history=History(approved=15, is_first_comment=False)))
    spammer = assess(
        Draft(body), Context(history=History(spam=2, removed=1, is_first_comment=False))
    )
    assert trusted.scores["spam"] < new.scores["spam"] < spammer.scores["spam"]
    assert trusted.action == "publish"
    assert spammer.action in ("hold", "spam")
    assert "first comment, with a link" in new.reasons


def test_scores_are_json_ready_and_the_verdict_is_deterministic():
    a = assess(Draft(MODEL_PAGE_SCAM))
    b = assess(Draft(MODEL_PAGE_SCAM))
    assert a == b
    data = json.loads(json.dumps(a.as_dict()))
    assert data["action"] == "spam"
    assert {"spam", "spam_model", "abuse", "abuse_model", "links", "obfuscation"} <= set(a.scores)
    assert all(isinstance(v, float) for v in a.scores.values())


def test_rules_still_work_without_models():
    from masthead.moderation.core import Models

    v = assess(Draft(MODEL_PAGE_SCAM), models=Models(spam=None, abuse=None))
    assert v.action in ("hold", "spam")
    assert "spam_model" not in v.scores


def test_author_name_that_advertises_counts():
    body = "Totally agree with this article"
    plain = assess(Draft(body, author_name="Jane Smith"))
    ad = assess(Draft(body, author_name="WhatsApp +1 415 555 0123 loans"))
    assert ad.scores["spam"] > plain.scores["spam"]
    assert any(r.startswith("author name advertises") for r in ad.reasons)


def test_a_form_sent_without_the_token_its_page_gives_counts_against_the_comment():
    text = "Great read, more of the same at http://my-site.top"
    from_the_page = assess(Draft(text, seconds_to_submit=40))
    scripted = assess(Draft(text, form_token_forged=True))
    assert scripted.scores["spam"] > from_the_page.scores["spam"]
    assert "form sent without the token its page gives (posted by a script)" in scripted.reasons
    assert not [r for r in from_the_page.reasons if "token" in r]


# --- how much the learned spam model counts: the starter vs a model retrained on the site ----


def _constant_spam_model(p, meta):
    """A spam model that gives every text the probability ``p`` (all weights zero)."""
    import math

    import numpy as np

    from masthead.moderation.core import LinearModel

    config = load_models().spam.config
    weights = np.zeros(config.n_features, dtype=np.float32)
    return LinearModel(weights, math.log(p / (1 - p)), config, {"name": "spam", **meta})


BORDERLINE = "Loved this piece. More here: https://www.theguardian.com/politics/2026/nov/30/x"


def _models_with(spam):
    from masthead.moderation.core import Models

    return Models(spam=spam, abuse=None)


def _judged_by(meta, body=BORDERLINE, p=0.98):
    return assess(Draft(body), models=_models_with(_constant_spam_model(p, meta)))


def test_a_model_retrained_on_the_sites_decisions_counts_more_than_the_starter():
    # The same probability from the same kind of model: the starter learnt its spam elsewhere
    # (SMS and YouTube), the retrained model from 1,500 of this site's moderator decisions.
    starter = _judged_by({})
    retrained = _judged_by({"site_examples": 1500})
    assert starter.scores["spam_model"] == retrained.scores["spam_model"] == 0.98
    assert starter.action == "publish", starter
    assert retrained.action == "hold", retrained
    assert retrained.scores["spam"] > starter.scores["spam"]


def test_a_model_retrained_on_few_decisions_counts_less_than_one_on_many():
    from masthead.moderation.core.decision import (
        MODEL_WEIGHT,
        SITE_EXAMPLES_FOR_FULL_WEIGHT,
        SITE_MODEL_WEIGHT,
        model_weight,
    )

    scores = [_judged_by({"site_examples": n}).scores["spam"] for n in (0, 20, 50, 200, 1500)]
    assert scores[0] < scores[1] < scores[2] < scores[3] == scores[4]
    assert _judged_by({"site_examples": 20}).action == "publish"
    weight = model_weight(_constant_spam_model(0.5, {"site_examples": 20}))
    assert MODEL_WEIGHT < weight < MODEL_WEIGHT + 0.1 * (SITE_MODEL_WEIGHT - MODEL_WEIGHT) + 1e-9
    full = _constant_spam_model(0.5, {"site_examples": SITE_EXAMPLES_FOR_FULL_WEIGHT})
    assert model_weight(full) == SITE_MODEL_WEIGHT
    assert model_weight(load_models().spam) == MODEL_WEIGHT  # the shipped starter


def test_a_retrained_model_alone_still_cannot_hold_a_comment_on_balanced():
    # However sure the site's own model is, a comment with no other sign of spam is published on
    # the lenient and balanced settings; moderators see it only when the rules agree.
    plain = "The minister should resign."
    for strictness in ("lenient", "balanced"):
        v = assess(
            Draft(plain),
            Context(settings=Settings(strictness=strictness)),
            models=_models_with(_constant_spam_model(0.9999, {"site_examples": 5000})),
        )
        assert v.action == "publish", (strictness, v)


def test_a_model_file_retrained_before_site_examples_were_recorded_counts_as_retrained(
    tmp_path,
):
    from masthead.moderation.core import LinearModel

    # refit used to record the number of site decisions only in its description
    old = _constant_spam_model(0.98, {"trained_on": "starter spam corpus + 1500 site examples"})
    old.save(tmp_path / "spam.npz")
    loaded = LinearModel.load(tmp_path / "spam.npz")
    assert "site_examples" not in loaded.meta
    assert loaded.site_examples == 1500
    v = assess(Draft(BORDERLINE), models=_models_with(loaded))
    assert v.action == "hold"
    assert v.scores["spam"] == _judged_by({"site_examples": 1500}).scores["spam"]
    # and a starter-like description or a damaged count is a starter
    assert _constant_spam_model(0.5, {"trained_on": "YouTube + SMS"}).site_examples == 0
    assert _constant_spam_model(0.5, {"site_examples": "many"}).site_examples == 0


PARENT = "The minister's plan will cut waiting lists by half within a year."


@pytest.mark.parametrize("strictness", ["balanced", "strict"])
@pytest.mark.parametrize(
    ("body", "reason"),
    [
        ("Idiot.", "insult aimed at a reader: idiot"),
        ("Moron!!", "insult aimed at a reader: moron"),
        ("What an idiot.", "insult aimed at a reader: idiot"),
        ("Absolute clown.", "insult aimed at a reader: clown"),
    ],
)
def test_a_reply_that_is_nothing_but_an_insult_is_aimed_at_the_reader_it_answers(
    body, reason, strictness
):
    v = assess(Draft(body, parent_body=PARENT), Context(settings=Settings(strictness=strictness)))
    assert v.action == "hold", v
    assert reason in v.reasons


@pytest.mark.parametrize(
    "body",
    [
        "Idiot.",  # not a reply: about whoever the article is about
        "What a clown show.",
    ],
)
def test_a_bare_insult_that_answers_nobody_is_published(body):
    assert assess(Draft(body)).action == "publish"


@pytest.mark.parametrize(
    "body",
    [
        "Idiotic plan, and the minister knows it.",
        "Stupid.",  # an adjective alone may describe the plan the comment answers
        "The minister is an idiot.",
    ],
)
def test_a_reply_that_calls_something_else_names_is_published(body):
    assert assess(Draft(body, parent_body=PARENT)).action == "publish"


@pytest.mark.parametrize("body", ["U R a m0r0n", "u r such an idiot", "r u a moron or what"])
def test_an_insult_in_texting_shorthand_is_aimed_at_the_reader(body):
    v = assess(Draft(body))
    assert v.action == "hold", v
    assert any(reason.startswith("insult aimed at a reader") for reason in v.reasons)
