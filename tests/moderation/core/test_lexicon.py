"""The abuse lexicon: slurs in disguise, dehumanising language, threats, targeted insults."""

import time

import pytest

from masthead.moderation.core import (
    Context,
    Draft,
    Lexicon,
    Settings,
    assess,
    load_lexicon,
    mask,
    normalise,
)
from masthead.moderation.core.lexicon import site_term, unmatchable_additions


def hits(text, lexicon=None):
    lex = lexicon or load_lexicon()
    return [(h.category, h.term) for h in lex.match(normalise(text))]


@pytest.mark.parametrize(
    "text",
    [
        "you are a n1gger",
        "N-i-g-g-e-r go home",
        "n*gger",
        "niiiigger",
        "nig ger",
        "n!gg3r",
        "п1gger",  # Cyrillic п
        "niggur",
    ],
)
def test_n_word_in_disguise(text):
    assert ("slur", "nigger") in hits(text)


@pytest.mark.parametrize(
    ("text", "term"),
    [("filthy ch1nks", "chink"), ("he is a f4ggot", "faggot"), ("sp1cs", "spic"), ("k!ke", "kike")],
)
def test_other_slurs(text, term):
    assert ("slur", term) in hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "Niger and Nigeria signed the deal",
        "the chinks in the armour are showing",
        "spicy food",
        "he gave a snigger",
        "a raccoon in the garden",
        "a bigger digger",
    ],
)
def test_innocent_words_are_not_slurs(text):
    assert not [h for h in hits(text) if h[0] == "slur"]


@pytest.mark.parametrize(
    "text",
    [
        "Americans are a cancer on the planet.",
        "The English are a plague on Scotland.",
        "Turks are vermin.",
        "Catholics are parasites.",
        "The Irish breed like rats.",
    ],
)
def test_dehumanising_language_about_any_nationality_or_faith(text):
    assert any(category == "dehumanising" for category, _ in hits(text)), hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "The English cricket team were animals in the field today.",
        "American cancer patients pay far more for the same drugs.",
        "The French government are parasites on the farmers' subsidies.",
        "English is a plague of irregular spellings.",
    ],
)
def test_a_nationalitys_team_government_or_language_is_not_its_people(text):
    assert not any(category == "dehumanising" for category, _ in hits(text)), hits(text)


def test_dehumanising_language_needs_a_group():
    assert ("dehumanising", "vermin") in hits("Muslims are vermin")
    assert ("dehumanising", "parasites") in hits("immigrants are parasites")
    assert hits("The Chinese government are parasites") == []
    assert hits("refugees are treated like animals") == []
    assert hits("the rats have left the sinking ship") == []


@pytest.mark.parametrize(
    "text",
    [
        "Muslims are a cancer.",
        "Immigrants are a cancer on this country.",
        "Gypsies are nothing but a plague.",
        "Refugees are a disease spreading through our towns.",
        "Those Jews are a tumour on Europe.",
        "a plague of migrants on our streets",
    ],
)
def test_a_group_called_an_illness_is_dehumanised(text):
    assert any(category == "dehumanising" for category, _ in hits(text)), hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "Immigrants are more likely to catch the disease because of crowded housing.",
        "Refugees fleeing the plague in their home towns deserve our help.",
        "Muslim women are dying of cancer because screening is not offered in their language.",
        "Black patients are more likely to die of cancer.",
        "Jews are the victims of a plague of attacks on their schools.",
        "Immigrants are cancer patients too, and wait as long as anyone.",
        "Those tumours should be removed as early as possible.",
        "Corruption is a cancer on this country.",
    ],
)
def test_an_illness_that_people_suffer_is_not_dehumanising(text):
    assert not any(category == "dehumanising" for category, _ in hits(text)), hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "Jews control the media.",
        "The Jews secretly run the banks and the government.",
        "Zionists control the world's money.",
        "Muslims are trying to replace us.",
        "Immigrants are here to replace white people.",
        "Trans people are groomers.",
        "The trans lobby are all groomers.",
        "Gays are grooming our children.",
    ],
)
def test_hateful_myths_about_a_group_are_held(text):
    assert any(category == "trope" for category, _ in hits(text)), hits(text)
    assert assess(Draft(text)).action == "hold"


@pytest.mark.parametrize(
    "text",
    [
        "Jews run the food bank on Thursdays, and everyone is welcome.",
        "Jewish people own the corner shop my family has used for forty years.",
        "Women run the council's planning department now.",
        "The Murdochs control the media in this country and it shows.",
        "Billionaires control the media.",
        "Robots are trying to replace us in the warehouse.",
        "Trans people are groomed for abuse far more often than anyone admits.",
        "The groomers in Rochdale were jailed for twenty years.",
        "Immigrants replace the workers who retired, and the care homes stay open.",
    ],
)
def test_what_is_not_a_hateful_myth(text):
    assert not any(category == "trope" for category, _ in hits(text)), hits(text)


@pytest.mark.parametrize(
    "text",
    [
        "I will kill you",
        "traitors should be hanged",
        "the journalist who wrote this should be hanged",
        "kill them all",
        "kys",
        "I know where you live",
        "he deserves a bullet in the head",
    ],
)
def test_threats(text):
    assert any(cat == "threat" for cat, _ in hits(text))


@pytest.mark.parametrize(
    "text",
    [
        "this bill should be killed",
        "the plan will be killed in committee",
        "this policy will kill thousands of jobs",
        "Kill the bill",
    ],
)
def test_not_threats(text):
    assert not any(cat == "threat" for cat, _ in hits(text))


def test_insults_count_when_aimed_at_a_reader():
    assert ("insult", "idiot") in hits("You are an idiot")
    assert hits("Trump is an idiot") == []
    assert hits("You said something stupid") == []
    assert ("insult", "stupid") in hits("you're so stupid")
    found = load_lexicon().match(normalise("you stupid cunt"))
    severe = [h for h in found if h.category == "insult_severe"]
    assert severe and severe[0].targeted


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("You are a complete idiot and a moron", "insult aimed at a reader: moron"),
        ("you idiot", "insult aimed at a reader: idiot"),
        ("What a moron you are.", "insult aimed at a reader: moron"),
        ("Are you an idiot?", "insult aimed at a reader: idiot"),
        ("How stupid are you?", "insult aimed at a reader: stupid"),
        ("Idiots like you shouldn't vote", "insult aimed at a reader: idiot"),
        ("Shut up, idiot.", "insult aimed at a reader: idiot"),
        ("Nice try, clown.", "insult aimed at a reader: clown"),
        ("You're being a complete moron about this", "insult aimed at a reader: moron"),
        ("You lying, cheating moron", "insult aimed at a reader: moron"),
        ("@dave you idiot", "insult aimed at a reader: idiot"),
        ("@dave, moron", "insult aimed at a reader: moron"),
        ("Thank you, idiot.", "insult aimed at a reader: idiot"),
        ("Nobody asked you, moron", "insult aimed at a reader: moron"),
        ("I can't believe you are such an idiot", "insult aimed at a reader: idiot"),
        ("You are all idiots.", "insult aimed at a reader: idiot"),
        ("You are, all of you, clowns", "insult aimed at a reader: clown"),
        ("You are just another idiot.", "insult aimed at a reader: idiot"),
        ("Whoever wrote this rubbish is an idiot", "insult aimed at the article's author: idiot"),
        (
            "The moron who wrote this article is a clown",
            "insult aimed at the article's author: moron",
        ),
        ("OP is a clown", "insult aimed at a reader: clown"),
        ("The commenter above is a moron", "insult aimed at a reader: moron"),
        ("The author is a moron", "insult aimed at the article's author: moron"),
        ("Whoever wrote this is a clown", "insult aimed at the article's author: clown"),
        ("The idiot who wrote this should be fired", "insult aimed at the article's author: idiot"),
    ],
)
def test_an_insult_aimed_at_someone_in_the_conversation_says_at_whom(text, reason):
    found = load_lexicon().match(normalise(text))
    assert reason in [hit.describe() for hit in found if hit.category == "insult"]


@pytest.mark.parametrize(
    "text",
    [
        "The minister is an idiot",
        "These clowns couldn't run a bath, never mind a country.",
        "Only an idiot would believe this",
        "I agree with you, Starmer is a fool",
        "You are right that the minister is an idiot",
        "You're right, the Chancellor is an idiot and this budget proves it.",
        "You are voting for clowns",
        "You are defending idiots",
        "You are not an idiot, so stop acting like one",
        "You know he's an idiot",
        "Do you honestly think these clowns will fix the NHS?",
        "You'd be a fool to believe them.",
        "You fool nobody with this.",  # the verb
        "You were fooled by the spin.",
        "Pensioners, you are the losers in this budget.",  # on the losing side
        "This photo op is a clown show",
        "I'm not calling you stupid, but the data says otherwise.",
        "I never said you were stupid.",
        "I don't think you're an idiot, I think you're misinformed.",
        "Nobody here thinks you are a fool for asking.",
        "I'm not saying that you are stupid",
        "You look like an idiot in that hat, said the minister to the reporter.",
        '"You idiot," she said.',
        "I agree with you, stupid policies like this never work.",
        "Thank you, idiots in Westminster never learn.",
        "You guys, idiots in charge never learn",
        "@dave, idiots like Smith should never be in charge.",
        "Whatever idiot designed this roundabout should be sacked.",
        "Cope, idiots, the vote is lost.",
        "The clown who wrote that policy should resign.",
        "The fool who wrote this bill has never used a bus.",
        "Only fools like you and me still pay the licence fee.",
        "You're all right, the minister is an idiot",
        "You are all voting for clowns",
        # the site has no @-mentions: a handle spoken of may be a public figure's
        "@BorisJohnson is a clown and always was.",
        "@dave is an idiot",
    ],
)
def test_an_insult_at_a_public_figure_or_no_one_here_is_not_aimed_at_a_reader(text):
    assert not [cat for cat, _term in hits(text) if cat.startswith("insult")]


def test_a_severe_insult_after_a_threat_is_aimed_at_the_reader_addressed():
    found = load_lexicon().match(normalise("I will find you and kill you, you traitorous bitch"))
    assert [hit.describe() for hit in found if hit.category == "insult_severe"] == [
        "severe insult (aimed at a reader): b***h"
    ]


def test_profanity_is_information_only():
    assert hits("this is fucking bullshit") == [
        ("profanity", "fucking"),
        ("profanity", "bullshit"),
    ] or {c for c, _ in hits("this is fucking bullshit")} == {"profanity"}


def test_site_additions():
    lex = load_lexicon().with_additions(["smeghead"])
    assert ("site", "smeghead") in hits("what a sm3ghead", lex)
    assert hits("what a smeghead") == []


def held_on_this_site(text, additions):
    return assess(Draft(text), Context(settings=Settings(lexicon_additions=additions)))


@pytest.mark.parametrize(
    ("addition", "comment"),
    [
        # accents: the comment loses its accents, and now so does the addition
        ("crétin", "You are such a crétin."),
        ("crétin", "You are such a cretin."),
        ("zorbléx", "zorbléx is here"),
        ("zorblex", "zorbléx is here"),
        # hyphens and punctuation: read as the words a comment is scanned for
        ("banana-brain", "what a banana-brain"),
        ("banana-brain", "what a banana brain"),
        ("banana brain", "what a banana-brain"),
        ("zorb-lex", "you zorb-lex"),
        ("Zorblax!", "zorblax everywhere"),
        ("Zorblax!", "ZORBLAX!!!"),
        # longer than three words: scanned for too
        ("the great zorb lex conspiracy", "it is the great zorb lex conspiracy again"),
    ],
)
def test_a_site_addition_holds_what_it_says_in_a_comment(addition, comment):
    verdict = held_on_this_site(comment, [addition])
    assert verdict.action == "hold"
    assert f"blocked term: {addition}" in verdict.reasons  # as the site's moderators wrote it


@pytest.mark.parametrize(
    ("addition", "comment"),
    [
        ("idiot", "He is an idiot."),
        ("cretin", "a cretin wrote this"),
        ("scumbag", "that scumbag minister"),
        ("Idiot", "what idiots"),
    ],
)
def test_a_site_addition_of_a_built_in_word_takes_the_sites_meaning(addition, comment):
    """The built-in insult counts only when aimed at a reader; the site wants it held always."""
    assert held_on_this_site(comment, []).action == "publish"
    verdict = held_on_this_site(comment, [addition])
    assert verdict.action == "hold"
    assert any(r.startswith("blocked term: ") for r in verdict.reasons)


def test_a_site_addition_of_a_slur_keeps_the_slur_and_its_exceptions():
    lex = load_lexicon().with_additions(["chink", "nigger"])
    assert ("slur", "nigger") in hits("n1gger", lex)
    assert not [h for h in hits("the chinks in the armour are showing", lex) if h[0] != "profanity"]


def test_reasons_show_the_sites_own_terms_as_written_and_keep_built_in_slurs_masked():
    """Moderators typed their additions and must see which of them matched; the built-in slurs
    stay masked, also when the site adds one of them or a plural of one."""
    additions = ["Banana-Brain!", "nigger", "niggers"]
    verdict = held_on_this_site("what a banana brain, you n1gger", additions)
    assert "blocked term: Banana-Brain!" in verdict.reasons
    assert "slur: n****r" in verdict.reasons
    assert not [r for r in verdict.reasons if "nigger" in r]
    assert not [r for r in held_on_this_site("niggers", additions).reasons if "nigger" in r]
    # the same word broken up to slip past the filter is shown as written too
    broken = held_on_this_site("you total b-a-n-a-n-a-b-r-a-i-n", ["bananabrain"])
    assert "blocked term: bananabrain" in broken.reasons
    assert any("→ bananabrain" in r for r in broken.reasons), broken.reasons


def test_site_terms_are_read_as_comments_are():
    assert site_term("Crétin") == "cretin"
    assert site_term("  Banana-Brain! ") == "banana brain"
    assert site_term("sh1thead") == "shithead"
    assert site_term("♥♥") == ""


def test_additions_that_could_never_match_are_named():
    lines = ["crétin", "banana-brain", "!!!", "♥", "Путин", "日本", "1488"]
    assert unmatchable_additions(lines) == ["!!!", "♥", "Путин", "日本"]


def test_custom_lexicon():
    lex = Lexicon([("slur", "zorg", ()), ("group", "martians", ()), ("dehumanising", "bugs", ())])
    assert ("slur", "zorg") in hits("z0rgs everywhere", lex)
    assert ("dehumanising", "bugs") in hits("martians are bugs", lex)


def test_mask():
    assert mask("nigger") == "n****r"
    assert mask("kike") == "k**e"
    assert mask("fa") == "f*"


@pytest.mark.parametrize(
    "text",
    [
        "Go back to Africa, you filthy ape.",
        "Go back to your own country, you people are ruining this town.",
        "Send them all back where they came from, subhuman scum.",
        "People like them are vermin and parasites, they should be driven out before they breed.",
        "These savages breed like rats and should be deported.",
        "All these cockroaches are flooding our town.",
        "You subhuman piece of filth.",
    ],
)
def test_racist_abuse_without_a_named_group_or_slur_is_held(text):
    from masthead.moderation.core import Draft, assess

    verdict = assess(Draft(text))
    assert verdict.action == "hold"
    assert verdict.scores["abuse"] >= 0.9


@pytest.mark.parametrize(
    "text",
    [
        "The government are parasites bleeding us dry.",
        "Those pigs in parliament voted for their own pay rise.",
        "These animals are endangered and need protecting.",
        "That was a savage critique of the budget.",
        "My neighbour went back to India last year to see family.",
        "I think you are wrong about the monkey sanctuary.",
    ],
)
def test_the_same_words_in_fair_comment_are_published(text):
    from masthead.moderation.core import Draft, assess

    assert assess(Draft(text)).action == "publish"


@pytest.mark.parametrize(
    ("text", "named"),
    [
        (
            "You are a worthless idiot and I hope someone beats you to death, you pathetic moron.",
            "hope someone beats you to death",
        ),
        ("Someone should shoot the councillor.", "someone should shoot the councillor"),
        ("Hang the traitors.", "hang the traitors"),
        ("Just shoot the protesters.", "just shoot the protesters"),
        ("Execute every last one of the traitors!", "execute every last one of the traitors"),
        ("He should be shot.", "should be shot"),
        ("That journalist deserves to die.", "deserves to die"),
        ("People like you deserve to die", "deserve to die"),
        ("you should just die", "you should just die"),
        ("I'll find you and make you pay.", "i'll find you and"),
        ("we're going to hunt you down", "we're going to hunt you down"),
        ("I hope somebody stabs him.", "hope somebody stabs him"),
        ("I hope you get shot", "hope you get shot"),
        ("I hope someone runs him over", "hope someone runs him over"),
        ("I hope they hang the journalist who wrote this", "hope they hang the journalist"),
        ("Someone should kill her.", "someone should kill her"),
        ("Somebody with a rifle should shoot the mayor", "should shoot the mayor"),
        (
            "Somebody needs to string up every one of these politicians",
            "needs to string up every one of these politicians",
        ),
        ("They should all be taken out back and shot.", "taken out back and shot"),
        ("Put them up against a wall.", "put them up against a wall"),
        ("I will beat you to death", "i will beat you"),
        (
            "I know where the councillor who voted for this lives.",
            "i know where the councillor who voted for this lives",
        ),
        ("We know where your kids go to school.", "we know where your kids go to school"),
        (
            "We know where the engineer who signed off these barriers lives.",
            "we know where the engineer who signed off these barriers lives",
        ),
        ("Someone should pay him a visit and make him bleed.", "make him bleed"),
        ("I know where councillor Evans lives.", "i know where councillor evans lives"),
        ("I will burn his house down with him inside it.", "i will burn his house"),
        ("Someone should torch their car.", "someone should torch their car"),
        ("I'm going to torch the councillor's car.", "torch the councillor's car"),
        ("Hope your house burns down with you in it.", "hope your house burns"),
        ("I will find out where you live.", "i will find out where you live"),
        # a person named
        ("Someone should shoot Starmer.", "should shoot Starmer"),
        ("Shoot Starmer", "Shoot Starmer"),
        ("Somebody should just shoot Trump and be done with it", "just shoot Trump"),
        ("Someone needs to kill Keir Starmer", "to kill Keir Starmer"),
        ("I hope somebody stabs Farage", "somebody stabs Farage"),
        ("Hang Johnson for treason!", "Hang Johnson"),
        ("I hope Trump gets shot", "hope Trump gets shot"),
        ("SOMEONE SHOULD SHOOT STARMER", "SHOULD SHOOT STARMER"),
    ],
)
@pytest.mark.parametrize("strictness", ["lenient", "balanced", "strict"])
def test_wishes_and_calls_for_violence_against_people_are_held_for_review(text, named, strictness):
    verdict = assess(Draft(text), Context(settings=Settings(strictness=strictness)))
    assert verdict.action == "hold"  # abuse is reviewed by a person, never deleted unseen
    assert any(r.startswith("threat of violence: ") and named in r for r in verdict.reasons)


@pytest.mark.parametrize(
    "text",
    [
        # reporting on violence
        "The soldiers who shot protesters must face trial.",
        "He was hanged in 1946.",
        "Police shot the protester in the back and nobody has been charged.",
        "The regime hanged the protesters last year.",
        "The guards were ordered to shoot the prisoners, the inquiry found.",
        "Traitors were executed in the Tower.",
        "Who shot the president in 1963?",
        "Critics say the army should stop shooting protesters.",
        "He deserves to die in prison, not walk free.",
        # the same verbs about things, contests and idioms
        "They went to shoot a film in Belfast.",
        "Someone should shoot a documentary about this.",
        "Someone should shoot her film, it would be great.",
        "The Lords shot down the bill.",
        "Councils struggled to beat the deadline.",
        "Kill the bill!",
        "We need to kill this bill before it passes.",
        "The people should kill the proposal at the ballot box.",
        "I wish someone would kill this zombie policy.",
        "This policy will kill jobs.",
        "This bill deserves to die.",
        "Democracy will die in darkness.",
        "Labour must beat the Tories in the marginals.",
        "I hope they beat him at the next election.",
        "We will beat them at the polls.",
        "England will beat them on Saturday.",
        "I hope we smash the Tories at the ballot box.",
        "Cut them some slack, they've been in office a week.",
        "This tax rise will hurt them more than anyone.",
        "They should hang their heads in shame.",
        "The minister should hang up his boots.",
        "Hang on, the councillor said the opposite.",
        "We should hang the portrait of the mayor in the hall.",
        "Execute the plan.",
        "Burn the budget and start again.",
        "The fire burned his house down last year.",
        "We found out where the money went.",
        "I hope the council's office burns the midnight oil on this.",
        "The council will burn your money on this scheme.",
        "I know where councillor Evans stands on this.",
        "This tariff will make them bleed money.",
        "I know where the councillor stands on this, and where the money went.",
        "I know where the engineer who designed it went wrong: the barrier lives up to nothing.",
        # the same verbs before names that are no target: groups, parties, places, programmes
        "Police shoot Black men at higher rates than white men.",
        "They will stab Labour in the back.",
        "We should kill Obamacare.",
        "Reform will kill Labour.",
        "Let's kill Labour at the polls.",
        "Tariffs would murder Ohio.",
        "The Tories should hang Sunak out to dry.",
        "Someone should shoot Putin's propaganda down.",
        "I hope Starmer gets killed at the polls.",
        "Rioters chanted hang Mike Pence, the committee heard.",
        "Hang Mike Pence, they chanted, as the police fell back.",
    ],
)
def test_violent_words_in_reporting_and_idiom_are_published(text):
    verdict = assess(Draft(text), Context(settings=Settings(strictness="strict")))
    assert not [r for r in verdict.reasons if r.startswith("threat of violence")]
    assert verdict.action == "publish"


def test_a_comment_of_many_blank_lines_is_read_in_a_moment():
    """Each of thousands of line breaks was a new start for the named-person patterns, each
    reading on over all the breaks after it: half a minute for one comment within the length
    limit, while the transaction posting it held the database (every other write waited)."""
    body = "Good piece." + "\n" * 4900 + "Someone should shoot Starmer."
    started = time.perf_counter()
    verdict = assess(Draft(body))
    assert time.perf_counter() - started < 3
    assert any(r.startswith("threat of violence: ") and "Starmer" in r for r in verdict.reasons)


@pytest.mark.parametrize("run", ["anigg" * 500, "ia3" * 833])
def test_a_long_spaced_out_run_is_read_in_a_moment(run):
    """A spaced-out run is re-joined and read for a slur at its end after "a" or "I": each cut
    after an "a" or an "i" scanned the whole rest of the run, seconds for one comment within the
    length limit, inside the transaction posting it."""
    assess(Draft("warm up"))  # the lexicon and the models are loaded once, not timed here
    started = time.perf_counter()
    verdict = assess(Draft(" ".join(run)))
    assert time.perf_counter() - started < 0.5
    assert verdict.action in ("publish", "hold", "spam")
