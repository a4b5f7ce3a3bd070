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
  you, idiots in Westminster never learn", "@dave, idiots like Smith ..."); nor one that
  places its "you" in a seat of power ("you idiots in Westminster", "you morons at the BBC");
* after the insult: "what a moron you are", "idiots like you", "how stupid are you?"; not
  "fools like you and me";
* the author or another commenter named by role: "the author is a moron", "whoever wrote this
  is an idiot", "the idiot who wrote this should be fired", "OP is a clown"; not "the clown who
  wrote that policy". Not an @name either ("@BorisJohnson is a clown"): the site has no
  @-mentions, so a handle spoken of is as likely a public figure's as a reader's; an @name
  spoken to ("@dave you idiot") is a vocative;
* a second insult joined to a targeted one: "you are an idiot and a moron".

An insult read as a verb ("you were fooled", "you are trolling"), denied ("I'm not calling you
stupid", "nobody thinks you are a fool"), what a third party thinks or says of voters ("the
government thinks you are stupid", "the PM says you are all idiots") or someone else's words
('"you clown," the Speaker said', 'Johnson told an MP "you are a clown"', "you look like an
idiot, said the minister") is aimed at no one. Only a denial in the present counts: "never
thought you were such a moron", "I didn't think you were stupid until now" and "don't you think
you are an idiot?" are aimed; and only a speaker in particular: "you're an idiot, says everyone
who reads your comments", "..., tells me all I need to know", "everyone here thinks you are a
moron", "my wife thinks you are an idiot" are aimed too.
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
    r"(?<![a-z'])(?P<neg>not|never|don't|dont|do not|doesn't|doesnt|didn't|didnt|did not|won't|"
    r"wouldn't|would not|nobody|no one|no-one|noone)(?P<between>(?:\s+[a-z'-]+){0,3}?)\s+"
    r"(?P<verb>call|calls|calling|called|say|says|saying|said|think|thinks|thought|believe|"
    r"believes|believed|mean|means|meant|suggest|suggests|suggesting|suggested|imply|implies|"
    r"implying|implied|claim|claims|claiming|claimed|accuse|accusing|accused)(?:\s+that)?\s+$"
)
# "never thought you were such a moron", "I didn't think you were stupid until now", "I wouldn't
# have thought": a belief the reader has just overturned, which asserts the insult
_BELIEF_VERBS = frozenset(["think", "thinks", "thought", "believe", "believes", "believed"])
_PAST_BELIEF_RE = re.compile(r"^(?:thought|believed)$|^(?:didn't|didnt|did not)$|\bhave\b")
# "don't you think you are an idiot?": a question that puts the insult, not a denial
_ASKED = _words("you u ya everyone everybody anyone anybody they we people he she")

_SAYING = (
    r"(?:said|says|say|told|tells|asked|asks|replied|replies|shouted|shouts|yelled|yells|"
    r"screamed|snapped|retorted|added|adds|wrote|writes|tweeted|tweets|posted|declared|called)"
)
_SPEAKER_ADVERB = r"(?:then|once|later|also|just|reportedly|allegedly|famously|angrily)"
# Not someone else speaking: "..., says everyone who reads your comments", "..., tells me all I
# need to know", '"you idiot," I said'.
_NOT_A_SPEAKER = _words(
    """
    i we me us you u everyone everybody anyone anybody all people it this that everything
    something enough nothing much more lot
    """
)
# Someone else's words after the insult: closed quotation marks and a verb of saying, with or
# without a speaker before it ('"you idiot," she said', '"you are a stupid man," trump told the
# reporter'); or, without quotation marks, a speaker after the verb ("..., said the minister").
_QUOTED_BY_RE = re.compile(
    r"(?:[\"\u201d\u00bb]|'(?![a-z]))\s*,?\s*"
    r"(?:(?P<speaker>[a-z@][\w'@-]*(?:\s+[\w'@-]+){0,3}?)\s+)?"
    r"(?:" + _SPEAKER_ADVERB + r"\s+)?" + _SAYING + r"\b(?:\s+(?P<then>[a-z@][\w'@-]*))?"
)
_SAID_BY_RE = re.compile(r",\s*" + _SAYING + r"\s+(?P<speaker>[a-z@][\w'@-]*(?:\s+[\w'@-]+)?)")
_OPENING_QUOTE_RE = re.compile(r"(?:^|(?<=[\s(\[:,]))[\"\u201c\u201e\u00ab']")
_CLOSING_QUOTES = {'"': '"', "\u201c": "\u201d", "\u201e": "\u201c\u201d", "\u00ab": "\u00bb"}
_QUOTE_CLOSED_RE = re.compile(r"'(?![a-z])")
# A quotation opened after someone else's verb of saying: 'johnson once told an mp "you are a
# clown"', 'the pm said: "you are all idiots"'
_SAYS_BEFORE_QUOTE_RE = re.compile(
    r"(?<![\w'@-])(?P<speaker>[a-z@][\w'@-]*)(?:\s+"
    + _SPEAKER_ADVERB
    + r")?\s+"
    + _SAYING
    + r"(?:\s+(?:to\s+)?[\w'@-]+){0,3}?\s*[,:]?\s*$"
)
# "the government thinks you are stupid", "the adverts assume you are a moron", "the pm says you
# are all idiots": what a third party makes of voters, not the writer's insult
_THINKING = (
    r"(?:think|thinks|thought|say|says|said|assume|assumes|assumed|believe|believes|believed|"
    r"reckon|reckons|imagine|imagines|suppose|supposes|presume|presumes|expect|expects|figure|"
    r"figures|claim|claims|insist|insists)(?:\s+that)?\s+$"
)
_THIRD_PARTY_RE = re.compile(
    r"(?<![\w'@-])(?P<subject>[a-z@][\w'@-]*)"
    r"(?:\s+(?:must|clearly|obviously|really|genuinely|apparently|honestly|seriously|still|"
    r"actually|always|just|probably|evidently|surely|presumably|all|do|does|must have|seem to|"
    r"seems to))*\s+" + _THINKING
)
_THIRD_PARTY_VERB_RE = re.compile(r"(?<![\w'-])" + _THINKING)
# Not a third party: the writer ("i think", "we all think"), everyone ("everyone here thinks"),
# the reader ("don't you think"), or no subject at all ("never thought")
_NOT_A_THIRD_PARTY = _words(
    """
    i we you u ya everyone everybody anyone anybody nobody people us all here else who that
    and or but so never not don't dont doesn't doesnt didn't didnt no ever one
    """
)
# "everyone with a brain thinks you", "even my wife thinks you": the writer's view by proxy
_WRITER_OR_EVERYONE = _words("i we us you u everyone everybody anyone anybody my")
_NOT_A_QUOTED_SPEAKER = _NOT_A_SPEAKER | _NOT_A_THIRD_PARTY
# an addressee right before a comma: "thank you, ...", "@dave, ..."
_ADDRESSEE_COMMA_RE = re.compile(
    r"(?:(?<![a-z'])(?:you|u|ya|y'all|yall|lot|people|guys|all|two)|@[a-z0-9_]+)\s*,"
)
_CLAUSE_ENDS_RE = re.compile(r"\s*(?:[^\w\s]|$)")
_JOINED_RE = re.compile(r"^\s*(?:,|and|or|&|, and|, or)" + _DETERMINER + _ADJECTIVES)
# "you idiots in Westminster", "you morons at the BBC": people in power, spoken to from afar
_ELSEWHERE_RE = re.compile(r"\s+(?:in|at|from|of|running)\s+(?:the\s+)?(?P<where>[a-z]+)\b")
_SEATS_OF_POWER = _words(
    "westminster whitehall holyrood stormont brussels washington downing charge power office "
    "government governments parliament congress senate cabinet council councils ministry "
    "treasury regime administration bbc police army military media establishment tories labour "
    "party headquarters hq"
)
# "Boris, you clown", "Mr Johnson, you idiot": the name the "you" is said to
_NAMED_BEFORE_RE = re.compile(r"(?<![\w'-])(?P<name>[a-z][\w'-]*)\s*,\s*$")
_WHAT_A_RE = re.compile(r"\b(?:what|such)\s+(?:a|an)\b")
# A reply that is nothing but an insult ("Idiot.", "What an absolute clown!") answers the comment
# it replies to; the text before the insult is read with a space in front (see _ADJECTIVES).
_BARE_BEFORE_RE = re.compile(r"^\W*(?:\s+(?:what|such))?" + _DETERMINER + _ADJECTIVES)
_BARE_AFTER_RE = re.compile(r"\W*")
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
    """Whether the words before "you" deny the insult: "I'm not calling you", "I never said",
    "I don't think you're"; not "never thought you were", "I didn't think", "don't you think"."""
    found = _DENIAL_RE.search(anchor.string, 0, anchor.start())
    if not found:
        return False
    between = found.group("between").split()
    if between and between[0] in _ASKED:
        return False
    return found.group("verb") not in _BELIEF_VERBS or not any(
        _PAST_BELIEF_RE.search(part) for part in (found.group("verb"), found.group("neg"), *between)
    )


def _someone_elses_view(anchor: re.Match[str]) -> bool:
    """Whether "you" is what a third party thinks or says of voters: "the government thinks
    you", "the adverts assume you", "the minister must think that you"."""
    at = anchor.start()
    if not _THIRD_PARTY_VERB_RE.search(anchor.string, max(0, at - 20), at):
        return False  # the cheap look: no verb of thinking or saying right before the "you"
    found = _THIRD_PARTY_RE.search(anchor.string, max(0, at - 120), at)
    if not found:
        return False
    subject = found.group("subject")
    if subject in _NOT_A_THIRD_PARTY or subject.endswith("ly"):  # "frankly think you are"
        return False
    before = anchor.string[max(0, found.start() - 40) : found.start()].split()[-3:]
    return not any(w in _WRITER_OR_EVERYONE for w in before)


def _aimed_here(anchor: re.Match[str]) -> bool:
    """Whether the "you" that anchors the insult is the writer's own word to a reader."""
    return not (_denied(anchor) or _someone_elses_view(anchor))


def _someone_speaks(words: str | None) -> bool:
    return not words or not any(w in _NOT_A_SPEAKER for w in words.split())


def _open_quote(before: str) -> re.Match[str] | None:
    """The quotation mark the insult stands inside, if any (the last one opened)."""
    openings = list(_OPENING_QUOTE_RE.finditer(before))
    if not openings:
        return None
    opening = openings[-1]
    rest = before[opening.end() :]
    mark = opening.group(0)
    if mark == "'":
        return None if _QUOTE_CLOSED_RE.search(rest) else opening
    return None if any(c in rest for c in _CLOSING_QUOTES[mark]) else opening


def _quoted(before: str, after: str) -> bool:
    """Whether the insult is someone else's words: in quotation marks with a speaker after
    ('"you clown," the speaker said') or before ('johnson told an mp "you are a clown"'), or
    followed by a verb of saying and a speaker ("..., said the minister to the reporter")."""
    said_by = _SAID_BY_RE.search(after)
    if said_by and _someone_speaks(said_by.group("speaker")):
        return True
    opening = _open_quote(before)
    if not opening:
        return False
    for quoted in _QUOTED_BY_RE.finditer(after):
        # '"you idiot," says everyone': no one in particular
        if _someone_speaks(quoted.group("speaker") or quoted.group("then")):
            return True
    says = _SAYS_BEFORE_QUOTE_RE.search(before, 0, opening.start())
    return bool(says) and says.group("speaker") not in _NOT_A_QUOTED_SPEAKER


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
    replying: bool = False,
    story_names: frozenset[str] = frozenset(),
) -> str:
    """READER, AUTHOR or "" for the insult at text[start:end] (an entry of the lexicon).
    `previous`: where the last targeted insult before it ends, and its target; one joined to
    it by "and" or a comma has the same ("you are an idiot and a moron"). `replying`: the text
    answers another reader's comment. `story_names`: the names the article has; "Boris, you
    clown" speaks to one of them, not to a reader."""
    if _as_verb(matched, term):
        return ""
    if (
        replying
        and term not in _ADJECTIVE_INSULTS  # "Stupid." may describe the plan the comment praised
        and _BARE_BEFORE_RE.match(" " + text[:start])
        and _BARE_AFTER_RE.fullmatch(text, end)
    ):
        return READER
    before, after = _sentence_around(text, start, end)
    if _quoted(before, after):
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
        lambda m: not (term == "loser" and m.group("det") == "the") and _aimed_here(m),
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
        if (elsewhere := _ELSEWHERE_RE.match(after)) and elsewhere["where"] in _SEATS_OF_POWER:
            return False
        named = _NAMED_BEFORE_RE.search(before, 0, m.start())
        if named and named["name"] in story_names:
            return False
        return _aimed_here(m)

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
