"""Whom an insult in the lexicon is aimed at: a reader, the article's author, or no one here.

An insult aimed at someone in the conversation is a personal attack ("you are a moron", "you
idiot", "what a moron you are", "the author is a clown", "@dave you idiot"); the same word
about a public figure, an institution or people in general is sharp debate ("the minister is an
idiot", "these clowns couldn't run a bath", "only an idiot would believe this") and is left to
the rest of the pipeline. The forms are read in normalised text (lower case, apostrophes kept),
within one sentence:

* a predicate about "you": "you are / you're / are you / you must be / you sound like" then at
  most "all" or "both", a few adverbs, a determiner and adjectives ("you are a complete idiot",
  "you are all idiots", "you are just another idiot", "are you stupid?"); not "you are right
  that the minister is an idiot", "you are voting for clowns";
* a vocative: "you" then only words that insult ("you absolute moron", "you stupid cunt"), an
  @name ("@dave, moron", "@dave you idiot"), or a retort ("shut up, idiot", "nice try, clown");
  after "you," or "@name," only an insult that ends its clause ("thank you, idiot", not "thank
  you, idiots in Westminster never learn", "@dave, idiots like Smith ...");
* after the insult: "what a moron you are", "idiots like you", "how stupid are you?"; not
  "fools like you and me";
* the author or another commenter named by role: "the author is a moron", "whoever wrote this
  is an idiot", "the idiot who wrote this should be fired", "OP is a clown"; not "the clown who
  wrote that policy". Not an @name either ("@BorisJohnson is a clown"): the site has no
  @-mentions, so a handle spoken of is as likely a public figure's as a reader's; an @name
  spoken to ("@dave you idiot") is a vocative;
* a second insult joined to a targeted one: "you are an idiot and a moron".

An insult read as a verb ("you were fooled", "you are trolling"), denied ("I'm not calling you
stupid", "nobody thinks you are a fool") or reported ("you look like an idiot, said the
minister") is aimed at no one.
"""

from __future__ import annotations

import re
from collections.abc import Callable

__all__ = ["AUTHOR", "READER", "insult_target"]

READER = "reader"
AUTHOR = "author"


def _words(text: str) -> frozenset[str]:
    return frozenset(text.split())


# Words that cannot stand between "you are" and the insult: they start another clause or
# another noun phrase ("you are right that the minister is an idiot", "you are voting for
# clowns", "you are not an idiot").
_STOPWORDS = _words(
    """
    a an the this that these those my your his her its our their some any every each no all both
    another other i me you he him she it we us they them someone anyone everyone nobody people
    of for to with by from at in on about as like than into over under against behind between
    is are was were be been am s re has have had do does did will would can could should might
    must may shall and or but if because that who whom whose which when while unless until
    not never nothing none right wrong correct true there here
    """
)
# -ing words that insult rather than say what someone does ("you lying moron")
_INSULTING_ING = _words(
    """
    fucking fuckin f*cking f**king effing freaking frigging bleeding flaming lying cheating
    thieving whining snivelling sniveling drooling blithering raving mouth-breathing
    """
)
# Words that may stand between a bare "you" and the insult: only those that insult or
# intensify, so "you elected idiots" and "you said something stupid" are not vocatives.
_VOCATIVE_WORDS = _words(
    """
    absolute complete total utter proper real right bloody fucking fuckin f*cking effing
    freaking frigging bleeding flaming damn damned goddamn little big fat old sad silly stupid
    dumb ignorant pathetic worthless useless brainless clueless gormless spineless witless
    mindless hopeless shameless thick dense deluded brainwashed lying cheating thieving whining
    snivelling sniveling drooling blithering raving smug arrogant nasty vile filthy dirty
    disgusting miserable lousy typical traitorous treacherous sorry insufferable obnoxious
    uneducated illiterate braindead brain-dead gullible naive pompous self-righteous
    """
)
_YOU = r"(?:you|u|ya|y'all|yall|you lot|you people|you guys|you all|you two|all of you)"
_YOU_VERB = (
    r"(?:'re|'ve been|'ll always be|\s+(?:(?:really|truly|clearly|obviously|honestly|just|still|"
    r"always|sure|certainly)\s+)?(?:are|r|re|were|was|must be|have been|have always been|"
    r"will always be|seem|seem like|seem to be|sound like|look like|act like|are acting like))"
)
_PREDICATE = r"(?:\b" + _YOU + _YOU_VERB + r"|\b(?:youre|ur)|\b(?:are|r|were)\s+" + _YOU + r")"
_ROLE = (
    r"(?:^\s*op|(?:the|this|that|your)\s+(?:author|writer|journalist|reporter|columnist|"
    r"(?:previous |last |other |above )?(?:commenter|commentator|poster)(?: above| below)?)"
    r"(?:\s+(?:of|behind)\s+(?:this|the)\s+(?:article|piece|column|story|op-ed|editorial|blog))?"
    r"|(?:whoever|the (?:person|guy|idiot|clown) who)\s+wrote\s+(?:this|that)"
    r"(?:\s+(?:article|piece|column|story|post|op-ed|editorial|blog|rubbish|drivel|garbage|"
    r"nonsense|tripe))?"
    r"|the op)"
)
_WRITER_RE = re.compile(r"\b(?:author|writer|journalist|reporter|columnist|wrote)\b")
_ADVERBS = (
    r"(?:\s+(?:so|such|just|really|truly|clearly|obviously|simply|basically|literally|actually|"
    r"totally|completely|nothing but|being|even|also|quite|rather|always|still))*"
)
_ROLE_IS = r"(?:is|'s|s|was|must be|seems|seems like|seems to be|sounds like|looks like)" + _ADVERBS
_RETORT = (
    r"(?:shut up|shut it|get lost|grow up|go away|piss off|sod off|bugger off|nice try|"
    r"try again|learn to read|read it again|read the article|wake up|calm down|sit down|"
    r"keep up|get a life|get a clue|cry more|stay mad|seethe|yeah right|"
    r"@[a-z0-9_]+)"
)


def _one_of(words: frozenset[str]) -> str:
    return "(?:" + "|".join(re.escape(w) for w in sorted(words, key=len, reverse=True)) + ")"


# An adjective between the anchor and the insult: any word but those that start another clause
# or noun phrase, a word with an apostrophe ("he's", "don't") or one in -ing that is not an
# insult ("defending", "voting").
_ADJECTIVE = (
    r"(?!" + _one_of(_STOPWORDS) + r"(?![a-z'-]))(?![a-z-]*'[a-z])"
    r"(?!(?!" + _one_of(_INSULTING_ING) + r"(?![a-z'-]))[a-z*#-]*ing(?![a-z'-]))"
    r"[a-z*#@$-]+"
)
_DETERMINER = (
    r"(?:\s+(?P<det>a|an|the|one|such a|such an|some kind of|some sort of|a kind of|a sort of|"
    r"another|some))?"
)
# "you are all idiots", "you're both morons", "you are, every one of you, clowns"
_QUANTIFIER = r"(?:\s*,?\s+(?:all|both|every one of you|each one of you|each of you|all of you),?)?"
_ADJECTIVES = r"(?:\s*,?\s+" + _ADJECTIVE + r"){0,4}\s*,?\s*$"
_PREDICATE_RE = re.compile(_PREDICATE + _QUANTIFIER + _ADVERBS + _DETERMINER + _ADJECTIVES)
_VOCATIVE_RE = re.compile(
    r"(?:" + _YOU + r"|" + _RETORT + r"\s*[,!:]?\s*(?:" + _YOU + r")?)"
    r"(?P<filler>(?:\s*,?\s+" + _one_of(_VOCATIVE_WORDS) + r"(?![a-z'-])){0,3})\s*[,!]?\s*$"
)
_ROLE_RE = re.compile(r"(?P<role>" + _ROLE + r")\s*,?\s*" + _ROLE_IS + _DETERMINER + _ADJECTIVES)
_AFTER_RE = re.compile(
    r"^(?:\s*(?:that|,)?\s*(?:you|u)\s*(?:are|'re|re|r)\s*(?:[,.!?;:)]|$)"
    r"|\s*(?:are|r)\s+(?:you|u)\s*(?:[,.!?;:)]|$|\s+(?:or|really|seriously))"
    # "fools like you and me": the writer is one of them
    r"|\s+(?:like|such as)\s+(?:you|u|yourself|yourselves)\b(?!\s*(?:and|or|&)\s+(?:me|i|us)\b))"
)
# "the idiot who wrote this should be fired", "... wrote this article": the author; not "the
# clown who wrote that policy", "the fool who wrote this bill" (someone else's writing)
_WHO_WROTE_RE = re.compile(
    r"^\s+(?:who|that)\s+wrote\s+(?:this|that)"
    r"(?:\s+(?:article|piece|column|story|post|op-ed|editorial|blog))?"
    r"(?:\s*(?:[^\w\s]|$)|\s+(?:is|was|'s|s|isn't|wasn't|should|shouldn't|must|needs|ought|"
    r"has|had|can|can't|cannot|could|couldn't|will|won't|would|wouldn't|does|doesn't|did|didn't|"
    r"deserves|knows|clearly|obviously|really|probably|certainly|never|just|also)\b)"
)
# "I'm not calling you stupid", "I never said you were", "nobody here thinks you are a fool":
# a negation, at most three words, then a verb of saying or thinking, right before the "you"
_DENIAL_RE = re.compile(
    r"(?<![a-z'])(?:not|never|don't|dont|do not|doesn't|doesnt|didn't|didnt|did not|won't|"
    r"wouldn't|would not|nobody|no one|no-one|noone)(?:\s+[a-z'-]+){0,3}?\s+"
    r"(?:call|calls|calling|called|say|says|saying|said|think|thinks|thought|believe|believes|"
    r"believed|mean|means|meant|suggest|suggests|suggesting|suggested|imply|implies|implying|"
    r"implied|claim|claims|claiming|claimed|accuse|accusing|accused)(?:\s+that)?\s+$"
)
# "..., said the minister to the reporter", '"you idiot," she said': someone else's words
_ATTRIBUTION_RE = re.compile(
    r"[\"'\u201d\u2019]?\s*,\s*[\"'\u201d\u2019]?\s*(?:(?:he|she|they)\s+)?"
    r"(?:said|says|told|tells|asked|asks|replied|replies|shouted|added|wrote|tweeted)\b"
)
# an addressee right before a comma: "thank you, ...", "@dave, ..."
_ADDRESSEE_COMMA_RE = re.compile(
    r"(?:(?<![a-z'])(?:you|u|ya|y'all|yall|lot|people|guys|all|two)|@[a-z0-9_]+)\s*,"
)
_CLAUSE_ENDS_RE = re.compile(r"\s*(?:[^\w\s]|$)")
_JOINED_RE = re.compile(r"^\s*(?:,|and|or|&|, and|, or)" + _DETERMINER + _ADJECTIVES)
_WHAT_A_RE = re.compile(r"\b(?:what|such)\s+(?:a|an)\b")
_ADJECTIVE_INSULTS = frozenset(["stupid", "dumb", "pathetic", "retarded"])
_ALSO_VERBS = frozenset(["fool", "troll", "clown"])
_SENTENCE_END = ".!?;\n"
_WORD_START_RE = re.compile(r"(?<![a-z0-9@_'*#$-])[a-z@]")
# how far back from the insult its anchor ("you are", "the author is") may start, in words
_WORDS_BACK = 10
_WINDOW = 160  # characters read either side of the insult
# A word without which none of the forms before the insult can match (a cheap first look).
_ANCHOR_HINT_RE = re.compile(
    r"(?<![a-z])(?:you|u|ya|y'?all|ur|youre|op|author|writer|journalist|reporter|columnist|"
    r"comment\w*|poster|wrote|shut|get|grow|go|piss|sod|bugger|nice|try|learn|read|wake|calm|"
    r"sit|keep|cry|stay|seethe|yeah)(?![a-z])|@"
)
_AFTER_HINT_RE = re.compile(
    r"\W*(?:that\s+|are\s+|r\s+|like\s+|such as\s+|who\s+|)(?:you|u|wrote)\b"
)


def _closest(
    pattern: re.Pattern[str],
    before: str,
    starts: list[int],
    fits: Callable[[re.Match[str]], bool],
) -> re.Match[str] | None:
    """The match of `pattern` (which runs to the end of `before`) that starts at the word
    closest to the insult and `fits`: in "I will kill you, you traitorous bitch" the second
    "you", not the first."""
    for at in reversed(starts):
        found = pattern.match(before, at)
        if found and fits(found):
            return found
    return None


def _sentence_around(text: str, start: int, end: int) -> tuple[str, str]:
    """The words of the insult's sentence before and after it, at most _WINDOW characters of
    each: the forms read are a few words long, and a run-on comment full of insults must not
    be read again from its start for each of them."""
    low = max(0, start - _WINDOW)
    begin = max(low, max(text.rfind(c, low, start) for c in _SENTENCE_END) + 1)
    high = min(len(text), end + _WINDOW)
    ends = [i for i in (text.find(c, end, high) for c in _SENTENCE_END) if i >= 0]
    return text[begin:start].lstrip(), text[end : min(ends or [high])]


def _denied(anchor: re.Match[str]) -> bool:
    """Whether the words before "you" deny the insult: "I'm not calling you", "I never said"."""
    return bool(_DENIAL_RE.search(anchor.string, 0, anchor.start()))


def _as_verb(matched: str, term: str) -> bool:
    """Whether the insult word is bent into a verb: "you were fooled", "you are trolling"."""
    word = matched.lower()
    return not term.endswith(("ed", "ing")) and word.endswith(("ed", "ing"))


def insult_target(
    text: str,
    start: int,
    end: int,
    term: str,
    matched: str,
    previous: tuple[int, str] | None = None,
) -> str:
    """READER, AUTHOR or "" for the insult at text[start:end] (an entry of the lexicon).
    `previous`: where the last targeted insult before it ends, and its target; one joined to
    it by "and" or a comma has the same ("you are an idiot and a moron")."""
    if _as_verb(matched, term):
        return ""
    before, after = _sentence_around(text, start, end)
    if _ATTRIBUTION_RE.search(after):
        return ""
    if (
        previous
        and previous[0] >= start - len(before)
        and _JOINED_RE.match(text[previous[0] : start])
    ):
        return previous[1]
    if not _ANCHOR_HINT_RE.search(before) and not _AFTER_HINT_RE.match(after):
        return ""
    starts = [m.start() for m in _WORD_START_RE.finditer(before)][-_WORDS_BACK:]
    role = _closest(_ROLE_RE, before, starts, lambda m: True)
    if role:
        return AUTHOR if _WRITER_RE.search(role.group("role")) else READER
    # "pensioners, you are the losers in this budget": on the losing side, not an insult
    if _closest(
        _PREDICATE_RE,
        before,
        starts,
        lambda m: not (term == "loser" and m.group("det") == "the") and not _denied(m),
    ):
        return READER
    # "you fool nobody", "you troll the comments": a verb after a bare "you"
    verb_follows = term in _ALSO_VERBS and re.match(r"\s*[a-z]", after)
    clause_ends = bool(_CLAUSE_ENDS_RE.match(after))

    def addresses(m: re.Match[str]) -> bool:
        if verb_follows and not m.group("filler").strip():
            return False
        # "thank you, idiots in Westminster never learn": a new clause about someone else
        if _ADDRESSEE_COMMA_RE.search(m.group(0)) and not clause_ends:
            return False
        return not _denied(m)

    if _closest(_VOCATIVE_RE, before, starts, addresses):
        return READER
    if _WHO_WROTE_RE.match(after):
        return AUTHOR
    if _AFTER_RE.match(after) and (
        term not in _ADJECTIVE_INSULTS
        or re.search(r"\bhow\s+$", before)
        or _WHAT_A_RE.search(before)
    ):
        return READER
    return ""
