"""The abuse lexicon: slurs, dehumanising language aimed at groups, threats, targeted insults.

The word lists live in ``masthead/moderation/starter/lexicon.tsv`` (editable; a site adds its own
terms through ``Settings.lexicon_additions``). Terms are matched on normalised text in their word
forms and obvious misspellings: leet digits and ``*`` masks are accepted for every term, and slurs
of six letters or more also match with their vowels swapped ("niggur"). Repeated letters are
accepted ("niiigger"), but a doubled letter stays doubled, so "Niger" is not the n-word.

Threats are regular expressions in this module; they need a target (you, him, them, ...) or a
call for violence ("should be hanged") and skip inanimate subjects ("this bill should be killed").
Wishes for and calls to violence ("I hope someone beats you to death", "someone should shoot the
councillor", "Hang the traitors.") need a person as the object: a pronoun or a noun for people,
so "shoot a film", "kill the bill" and reporting ("the soldiers who shot protesters") pass.
"""

from __future__ import annotations

import functools
import itertools
import re
import unicodedata
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from .normalise import Normalised, normalise, one_letter_words_apart
from .targets import AUTHOR, insult_target

__all__ = [
    "AbuseHit",
    "Lexicon",
    "load_lexicon",
    "mask",
    "mask_as_written",
    "site_term",
    "site_terms_as_written",
    "unmatchable_additions",
]

DEFAULT_LEXICON = Path(__file__).resolve().parent.parent / "starter" / "lexicon.tsv"

CATEGORIES = ("slur", "dehumanising", "group", "insult_severe", "insult", "profanity")

_LEET_CLASS = {
    "a": "a@4",
    "b": "b8",
    "e": "e3",
    "g": "g9",
    "i": "i1!l|",
    "l": "l1|i",
    "o": "o0",
    "s": "s$5",
    "t": "t7+",
    "u": "uv",
    "z": "z2",
}
_VOWELS = "aeiou"
_ANY_VOWEL = "aeiou@4310!"
_MASK = "*#"
_SUFFIX = r"(?:s|es|z|ed|ing|a|ah|az)?"
_LEFT = r"(?<![a-z0-9*#@$])"
_RIGHT = r"(?![a-z0-9*#])"


def mask(term: str) -> str:
    """Mask a slur for display in a reason: first and last letters kept ("n****r")."""
    if len(term) <= 2:
        return term[0] + "*" * (len(term) - 1)
    return term[0] + "*" * (len(term) - 2) + term[-1]


def mask_as_written(written: str, reading: str) -> str:
    """A slur as a comment disguised it, masked so that the disguise shows: separators, digits
    and symbols standing for letters, look-alike letters stay; the other letters are masked
    but for the first and last of each word of `reading` (the fixed form, words apart):
    "f.a.g.g.o.t.s" -> "f.*.*.*.*.*.s", "f4gg0ts" -> "f4**0*s", "a r e t a r d" (read "a
    retard") -> "a r * * * * d"."""
    kept: set[int] = set()
    at = 0
    for word in reading.split():
        kept.update((at, at + len(word) - 1))
        at += len(word)
    letters = [i for i, char in enumerate(written) if char.isalnum() or char in "@$"]
    kept_at = {letters[k] for k in kept if k < len(letters)} | set(letters[-1:])
    return "".join(
        "*" if i in letters and i not in kept_at and char.isascii() and char.isalpha() else char
        for i, char in enumerate(written)
    )


def _term_regex(term: str, *, swap_vowels: bool) -> str:
    term = term.lower().strip()
    parts: list[str] = []
    i = 0
    first = True
    while i < len(term):
        ch = term[i]
        if ch == " " or ch == "-":
            parts.append(r"[\s\-_.*]*")
            i += 1
            first = True
            continue
        j = i
        while j < len(term) and term[j] == ch:
            j += 1
        run = j - i
        cls = _ANY_VOWEL if swap_vowels and ch in _VOWELS and not first else _LEET_CLASS.get(ch, ch)
        if not first:
            cls += _MASK  # a masked letter: n*gger
        quant = "+" if run == 1 else "{" + str(run) + ",}"
        parts.append("[" + re.escape(cls) + "]" + quant)
        first = False
        i = j
    return "".join(parts)


# A term read at the end of a spaced-out run (Lexicon.spaced_run_reading): at least this
# long, as one_letter_words_apart asks, and of a category that insults or demeans.
MIN_SPACED_TERM = 4
SPACED_RUN_CATEGORIES = frozenset(["slur", "site", "insult_severe", "insult", "dehumanising"])


@dataclass(frozen=True)
class AbuseHit:
    # slur | dehumanising | trope | xenophobic | threat | insult_severe | insult | profanity | site
    category: str
    term: str  # the lexicon entry (or the name of the threat pattern)
    matched: str  # the text that matched
    targeted: bool = False
    aimed_at: str = ""  # an insult's target in the conversation: targets.READER or AUTHOR

    def describe(self, written: Mapping[str, str] | None = None) -> str:
        """The reason a moderator reads. `written`: the site's terms as its moderators wrote
        them (site_terms_as_written); a site term missing from it is masked like a slur."""
        if self.category == "slur":
            return f"slur: {mask(self.term)}"
        if self.category == "site":
            return f"blocked term: {(written or {}).get(self.term) or mask(self.term)}"
        if self.category == "dehumanising":
            if self.targeted:
                return f"dehumanising language aimed at a reader: {self.matched}"
            return f"dehumanising language about a group: {self.matched}"
        if self.category == "trope":
            return f"hateful myth about a group: {self.matched}"
        if self.category == "xenophobic":
            return f"telling people to go back where they came from: {self.matched}"
        if self.category == "threat":
            return f"threat of violence: {self.matched}"
        if self.category == "insult_severe":
            who = f"aimed at {self._whom()}" if self.targeted else "not aimed at a reader"
            return f"severe insult ({who}): {mask(self.term)}"
        if self.category == "insult":
            return f"insult aimed at {self._whom()}: {self.term}"
        return f"strong language: {self.term}"

    def _whom(self) -> str:
        return "the article's author" if self.aimed_at == AUTHOR else "a reader"


# --- threats ----------------------------------------------------------------------------------

_VIOLENT = (
    r"kill|murder|shoot|stab|hang|lynch|behead|decapitate|rape|strangle|choke|slit|burn|gas|"
    r"torture|execute|bomb|nuke|exterminate|slaughter|gut|skin|beat|smash|bash|punch|hurt|cut"
)
_VIOLENT_PP = (
    r"killed|murdered|shot|stabbed|hanged|hung|lynched|beheaded|decapitated|raped|strangled|"
    r"gassed|burned|burnt|tortured|executed|exterminated|slaughtered|gutted|beaten|"
    r"strung up|put down|wiped out|wiped off the face of the earth|lined up and shot|"
    r"shot dead|burned alive|burnt alive|thrown off a roof|thrown off a bridge"
)
_TARGET = (
    r"you|u|ya|yall|y'all|him|her|them|they|he|she|your|you all|every one of you|"
    r"all of you|all of them|every one of them|these people|those people|that guy|this guy|"
    r"the lot of them|each of them|them all"
)
# participles that also apply to bills, plans and ideas ("the bill should be killed")
_THINGS_TOO = frozenset(
    [
        "killed",
        "burned",
        "burnt",
        "strangled",
        "beaten",
        "put",
        "down",
        "wiped",
        "out",
        "gutted",
        "executed",
        "slaughtered",
    ]
)
_INANIMATE = frozenset(
    [
        "bill",
        "law",
        "laws",
        "policy",
        "policies",
        "plan",
        "plans",
        "idea",
        "ideas",
        "proposal",
        "proposals",
        "project",
        "deal",
        "deals",
        "program",
        "programme",
        "scheme",
        "motion",
        "amendment",
        "story",
        "article",
        "campaign",
        "budget",
        "tax",
        "taxes",
        "pipeline",
        "treaty",
        "reform",
        "reforms",
        "legislation",
        "act",
        "measure",
        "measures",
        "vote",
        "votes",
        "rule",
        "rules",
        "idea",
        "this",
        "that",
        "it",
        "which",
        "mandate",
        "ban",
        "tariff",
        "tariffs",
        "subsidy",
        "subsidies",
    ]
)
_THREAT_RES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "promise",
        re.compile(
            r"\b(?:i|we|i'll|we'll|ill|imma|ima)\s*(?:'ll|will|shall|am going to|'m going to|"
            r"m going to|are going to|'re going to|re going to|gonna|gon|want to|wanna|"
            r"would love to|am gonna|'m gonna|m gonna|will personally|'d like to|d like to)?\s+"
            r"(?:\w+\s+){0,2}?(?P<verb>" + _VIOLENT + r")\s+(?:" + _TARGET + r")\b"
        ),
    ),
    (
        "call",
        re.compile(
            r"\b(?:should|must|ought to|deserves? to|deserved to|needs? to|have to|has to|"
            r"will|gonna|going to)\s+(?:all\s+|just\s+)?be\s+(?P<pp>" + _VIOLENT_PP + r")\b"
        ),
    ),
    (
        "incite",
        re.compile(
            r"\b(?P<verb>" + _VIOLENT + r")\s+(?:them|'?em|em|all of them|every one of them|"
            r"the lot of them|every last one|them all)\b(?:\s+all)?"
        ),
    ),
    (
        "self-harm",
        re.compile(
            r"\b(?:kys|kill (?:yo)?urself|kill yourselves|go die|go and die|drink bleach|"
            r"neck yourself|rope yourself|hang yourself|hope (?:you|u|he|she|they) (?:die|dies|"
            r"get cancer|gets cancer|get raped|gets raped|burn|burns|rot|rots|choke|chokes))\b"
        ),
    ),
    (
        "intimidation",
        re.compile(
            r"\b(?:i know where (?:you|u) live|watch your back|you(?:'re| are| r) next\b|"
            r"(?:put|putting) a bullet (?:in|through|between)|bullet (?:in|between) (?:your|his|"
            r"her|their) (?:head|eyes)|you(?:'ll| will) (?:die|be dead)|"
            r"see you in hell soon|i(?:'ll| will) find (?:you|u) and|"
            r"(?:deserves?|deserved|needs?|earned|gets?|getting) a bullet|"
            r"bullet (?:in|through|between) (?:the|your|his|her|their) (?:head|brain|skull|eyes))"
        ),
    ),
)

# Wishes for and calls to violence against a person or a group ("I hope someone beats you to
# death", "someone should shoot the councillor", "Hang the traitors."). The verbs are split: those
# that only ever mean violence done to a person, and those that also mean winning or cutting
# ("beat the Tories", "smash the record"), which count only with what makes them violent
# ("beat him to death", "beat the shit out of them").
_DEADLY = (
    r"kill|murder|shoot|stab|hang|lynch|behead|decapitate|rape|strangle|execute|torture|"
    r"slaughter|exterminate|assassinate|gas|knife|string up"
)
_DEADLY_3RD = (
    r"kills|murders|shoots|stabs|hangs|lynches|beheads|decapitates|rapes|strangles|executes|"
    r"tortures|slaughters|exterminates|assassinates|gasses|knifes|strings up"
)
_ROUGH = (
    r"beat|beats|bash|bashes|smash|smashes|kick|kicks|punch|punches|burn|burns|run over|runs over"
)
_ROUGH_HOW = (
    r"(?:to death|to a pulp|senseless|black and blue|within an inch of \w+ li[fv]es?|"
    r"(?:the )?(?:shit|hell|crap|life) out of|up\b(?!\s+(?:north|in|at|on|the)\b))"
)
# the people a call for violence is aimed at, when not a pronoun ("the councillor", "those
# traitors", "every one of these journalists")
# Verbs of _VIOLENT that also mean winning, cutting or harming by policy ("we will beat them at the
# polls", "cut them some slack", "this will hurt them"): in "promise" and "incite" they count only
# with what makes them violent.
_CONTEST_VERBS = frozenset(["beat", "smash", "bash", "cut", "burn", "gut", "skin", "hurt"])
_MADE_VIOLENT_RE = re.compile(
    r"\s*(?:all\s+)?(?:" + _ROUGH_HOW + r"|alive|with (?:a|an|my|the|his|her|their|your) \w+)"
)
_PERSON_NOUN = (
    r"traitors?|councill?ors?|mayors?|ministers?|mps?|politicians?|president|pm|prime minister|"
    r"senators?|congressm[ae]n|judges?|journalists?|reporters?|editors?|writers?|authors?|hacks|"
    r"protest[eo]rs?|immigrants?|migrants?|refugees?|asylum seekers?|foreigners?|muslims?|jews?|"
    r"christians?|gays?|lesbians?|trans people|leftists?|lefties|liberals?|libtards?|tories|tory|"
    r"conservatives?|democrats?|republicans?|socialists?|communists?|commies|fascists?|nazis?|"
    r"cops?|officers?|police|coppers|bankers?|landlords?|billionaires?|rich|elites?|"
    r"paedos?|pedos?|paedophiles?|pedophiles?|rapists?|scum|bastards?|people|men|women|man|woman|"
    r"guys?|bloke|kids?|children|family|families|lot|mob|voters?|supporters?|fans|"
    r"moderators?|mods|neighbou?rs?|teachers?|doctors?|nurses?|whoever \w+|anyone who|"
    r"everyone who|anybody who|everybody who"
)
# "her" only where it is not "her film", "her bill"
_OBJECT_PRONOUN = (
    r"you|u|ya|yall|y'all|him|them|'?em|you all|every one of you|all of you|all of them|"
    r"every one of them|every last one of them|these people|those people|that guy|this guy|"
    r"the lot of them|each of them|them all|"
    r"her(?=\s*(?:$|[,.!?;:]|\s(?:and|now|dead|already|too|for|in|with|if|before|right)\b))"
)
_PERSON = (
    r"(?:" + _OBJECT_PRONOUN + r"|whoever\s+\w+|anyone who|everyone who|anybody who|"
    r"everybody who|(?:the|that|this|these|those|every|each|all|all the|all of the|all those|"
    r"all these|every one of (?:the|these|those)|our|your|their|his|her|my)\s+"
    r"(?:[a-z'-]+\s+){0,2}?(?:" + _PERSON_NOUN + r"))"
)
_WHO_ELSE = (
    r"someone|somebody|some one|anyone|anybody|people|we|you|y'all|yall|they|the people|a mob|"
    r"the mob|you lot|some(?:one|body) with (?:a|some) \w+"
)
_VIOLENCE_AGAINST = (
    r"(?:(?:" + _DEADLY + r"|" + _DEADLY_3RD + r")\s+" + _PERSON + r"|(?:" + _ROUGH + r")\s+"
    r"(?:" + _PERSON + r")\s+" + _ROUGH_HOW + r"|(?:run|runs)\s+" + _PERSON + r"\s+over)\b"
)
_CALLS_FOR_VIOLENCE: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        # "I hope someone beats you to death", "I wish somebody would shoot him"
        "wish",
        re.compile(
            r"\b(?:hope|hoping|wish|pray|praying)\s+(?:that\s+)?(?:" + _WHO_ELSE + r"|he|she|"
            r"it)\s+(?:will\s+|would\s+|'ll\s+|ll\s+|finally\s+|eventually\s+|soon\s+|just\s+)*"
            + _VIOLENCE_AGAINST
        ),
    ),
    (
        # "I hope you get shot", "hope the journalist gets stabbed"
        "wish",
        re.compile(
            r"\b(?:hope|hoping|wish|pray|praying)\s+(?:that\s+)?" + _PERSON + r"\s+(?:all\s+)?"
            r"(?:gets?|get|getting|are|is)\s+(?:shot|stabbed|killed|murdered|raped|lynched|hanged|"
            r"hung|beheaded|strangled|tortured|executed|gassed|beaten to death|run over|"
            r"blown up|burned alive|burnt alive)\b"
        ),
    ),
    (
        # "someone should shoot the councillor", "we need to hang every one of them"
        "call to violence",
        re.compile(
            r"\b(?:" + _WHO_ELSE + r")\s+(?:really\s+|just\s+|seriously\s+|all\s+)?"
            r"(?:should|must|needs? to|need to|ought to|oughta|has to|have to|gotta|got to|"
            r"are going to|is going to|will|would|could)\s+(?:just\s+|really\s+|finally\s+|"
            r"go\s+(?:and\s+)?|get\s+(?:round|around)\s+to\s+)?" + _VIOLENCE_AGAINST
        ),
    ),
    (
        # "Hang the traitors.", "Shoot every last one of those protesters": an order, at the
        # start of a sentence
        "call to violence",
        re.compile(
            r"(?:^|[.!?;:\n]\s*|\b(?:just|so|now|please|let's|lets|go)\s+)"
            r"(?:" + _DEADLY + r")\s+(?:(?:every last one of|all of|each of|every one of)\s+)?"
            r"(?:the|those|these|all|all the|every|each)\s+(?:[a-z'-]+\s+){0,2}?"
            r"(?:" + _PERSON_NOUN + r")\b"
        ),
    ),
    (
        # "I know where the councillor who voted for this lives", "make him bleed": the
        # pronoun-only "I know where you live" above misses a target named by a noun, and
        # "bleed" is followed by what makes it money, not blood ("make them bleed cash")
        "intimidation",
        re.compile(
            r"\b(?:i|we)\s+(?:\w+\s+)?(?:know|find out|found out) where\s+(?:" + _PERSON + r"|he|"
            r"she|they|"
            r"(?:the|that|this)\s+(?:[a-z'-]+\s+){1,2}?who)"
            r"(?:\s+[a-z'-]+){0,6}?\s+(?:lives?|sleeps?|go(?:es)? to school)\b"
            # a person named by title and name: "I know where councillor Evans lives"
            r"|\b(?:i|we)\s+(?:\w+\s+)?know where\s+(?:mr|mrs|ms|miss|dr|" + _PERSON_NOUN + r")"
            r"\.?\s+[a-z'-]+\s+(?:lives|sleeps)\b"
            r"|\b(?:make|makes|making|made)\s+" + _PERSON + r"\s+bleed\b(?!\s+(?:money|cash|"
            r"dry|red|out|votes|voters|customers|jobs|talent|support|members|subscribers|readers|"
            r"points|funds|millions|billions))"
        ),
    ),
    (
        # "I will burn his house down", "someone should torch their car": arson aimed at a
        # person's home or belongings (reporting, "the fire burned his house", is past tense)
        "arson",
        re.compile(
            r"\b(?:i|we|ill|someone|somebody|people|you)\b(?:['\w]*\s+){0,4}?"
            r"(?:burn|torch|firebomb|petrol[- ]?bomb|set fire to|set alight)\s+(?:down\s+)?"
            r"(?:your|ur|his|her|their|(?:the\s+)?[a-z-]+'s)\s+(?:house|home|flat|place|car|"
            r"office|shop)\b"
            # "I hope your house burns down"
            r"|\b(?:hope|hoping|wish)\s+(?:that\s+)?(?:your|ur|his|her|their|(?:the\s+)?[a-z-]+'s)"
            r"\s+(?:house|home|flat|place|car|office|shop)\s+(?:burns (?:down|to the ground)|"
            r"gets (?:burned|burnt|torched)|goes up in flames)\b"
        ),
    ),
    (
        # "he deserves to die", "you should just die": not "this bill deserves to die"
        "death wish",
        re.compile(
            r"\b(?:deserves?|deserved|needs?|ought|has|have)\s+to\s+die\b"
            r"(?!\s+(?:in (?:prison|jail|a cell|obscurity|poverty|disgrace|office|peace|his sleep|"
            r"her sleep)|behind bars|alone|poor|penniless|a natural death|a slow political))"
            r"|\b(?:you|u|he|she|they|them)\s+(?:all\s+)?(?:should|must)\s+(?:just\s+|all\s+)?"
            r"(?:die|drop dead)\b(?!\s+(?:in (?:prison|jail|office|peace)|of shame))"
        ),
    ),
    (
        # "should be taken out back and shot", "put them against a wall"
        "call to violence",
        re.compile(
            r"\b(?:taken|dragged|marched|led) out(?: back| the back)? and (?:shot|hanged|hung|"
            r"beaten|executed)\b|\b(?:put|stood|stand|line|lined)\s+(?:(?:" + _TARGET + r")\s+)?"
            r"(?:up\s+)?against (?:a|the) wall\b|\bstring (?:them|'?em|him|her|you) up\b|"
            r"\b(?:i|we)(?:'ll| will|'m going to| am going to|'re going to| are going to| gonna|"
            r"ll)\s+(?:find|hunt|track)\s+(?:you|u|him|her|them)\s+(?:down\b|and\b)"
        ),
    ),
)
# Calls for and wishes of violence against a person named ("Someone should shoot Starmer", "I
# hope somebody stabs Farage", "Hang Johnson!"). A name is a capitalised word in what the reader
# wrote, so these run on the raw text. They stay narrow, because names of places, parties and
# programmes are capitalised too: the verb must be one that only means violence done to a person
# (not "kill Obamacare" but see _NOT_A_NAMED_PERSON; not "execute", "beat", "gas"), in an order or
# a call (sentence start, after a modal or "someone"), and the name must end the clause or be
# followed by words that keep it the target ("Police shoot Black men" and "stab Labour in the
# back" are not threats).
_AT_NAME_BASE = (
    r"kill|murder|shoot|stab|hang|lynch|behead|decapitate|assassinate|strangle|rape|knife|"
    r"string up|gun down|shoot down"
)
_AT_NAME_3RD = (
    r"kills|murders|shoots|stabs|hangs|lynches|beheads|decapitates|assassinates|strangles|"
    r"rapes|knifes|strings up|guns down"
)
_AT_NAME_PP = r"shot|stabbed|killed|murdered|hanged|hung|lynched|beheaded|assassinated|strangled"
_NAME = r"(?P<name>[A-Z][A-Za-z-]+(?:\s+[A-Z][A-Za-z-]+)?)"
_NAME_ENDS = (
    r"(?!['\u2019]s\b|[A-Za-z-]|(?i:,?\s*(?:they|the crowd|the mob|rioters|protesters|"
    r"people|some) (?:chanted|shouted|screamed|yelled|sang)))(?=\s*(?:$|[.!?,;:)\n]|(?i:\s(?:now|already|dead|too|today|"
    r"tonight|tomorrow|for|on sight|in (?:the|his|her) (?:head|face|street)|immediately|then|"
    r"and (?:be done|all|his|her|their)|with (?:a|an) \w+|before|soon|asap)\b)))"
)
_AT_A_NAMED_PERSON: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "call to violence",
        re.compile(
            r"(?i:(?:^|[.!?;:\n]\s*|\b(?:should|must|let's|lets|just|please|go|"
            r"(?:someone|somebody|anyone|anybody|people|we|you|y'all|they)\s+(?:\w+\s+)?"
            r"(?:needs? to|has to|have to|ought to|gotta|got to|gonna|is going to|are going to|"
            r"will|'ll|would|could)|finally)\s+)(?:" + _AT_NAME_BASE + r"))\s+" + _NAME + _NAME_ENDS
        ),
    ),
    (
        "wish",
        re.compile(
            r"(?i:\b(?:someone|somebody|anyone|anybody|some one)\s+(?:\w+\s+){0,2}?"
            r"(?:" + _AT_NAME_3RD + r"))\s+" + _NAME + _NAME_ENDS
        ),
    ),
    (
        "wish",
        re.compile(
            r"(?i:\b(?:hope|hoping|wish|pray|praying)\s+(?:that\s+)?)" + _NAME + r"(?i:\s+"
            r"(?:gets?|is|will be|would be)\s+(?:" + _AT_NAME_PP + r"))\b"
            r"(?i:(?!\s+(?:politically|off|down|at the|in the (?:polls|election|vote|press)|"
            r"electorally|by (?:voters|the voters|the electorate))))"
        ),
    ),
)
_WHITESPACE_RUN = re.compile(r"\s{2,}")


def _one_space_per_gap(raw: str) -> str:
    """The comment as written, each run of spaces and line breaks as one character (a line break
    if it held one), which the patterns above read the same whatever its length. Their start (a
    punctuation mark or line break, then any gap) was tried at each of thousands of blank lines,
    reading on over all the others: half a minute for one comment, while the transaction that
    posts it held the database."""
    return _WHITESPACE_RUN.sub(lambda gap: "\n" if "\n" in gap.group() else " ", raw)


# capitalised words after those verbs that are no person: "kill Obamacare", "shoot Monday"
_NOT_A_NAMED_PERSON = frozenset(
    [
        "i",
        "the",
        "this",
        "that",
        "these",
        "those",
        "it",
        "him",
        "her",
        "them",
        "you",
        "we",
        "they",
        "he",
        "she",
        "me",
        "us",
        "god",
        "christmas",
        "easter",
        "monday",
        "tuesday",
        "wednesday",
        "thursday",
        "friday",
        "saturday",
        "sunday",
        "january",
        "february",
        "march",
        "april",
        "may",
        "june",
        "july",
        "august",
        "september",
        "october",
        "november",
        "december",
        "obamacare",
        "medicare",
        "medicaid",
        "brexit",
        "ulez",
        "hs2",
        "dei",
        "esg",
        "net",
        "zero",
        "netzero",
        "nato",
        "nhs",
        "bbc",
        "labour",
        "tories",
        "tory",
        "conservatives",
        "reform",
        "greens",
        "snp",
        "lib",
        "dems",
        "democrats",
        "republicans",
        "gop",
        "maga",
        "liberals",
        "ukip",
        "plaid",
        "likud",
        "hamas",
        "hezbollah",
        "russia",
        "ukraine",
        "israel",
        "gaza",
        "america",
        "britain",
        "england",
        "scotland",
        "wales",
        "ireland",
        "europe",
        "china",
        "iran",
        "france",
        "germany",
        "india",
        "pakistan",
        "washington",
        "westminster",
        "brussels",
        "parliament",
        "congress",
    ]
)

# subjects of "deserves to die" that are not people ("this bill deserves to die")
_NOT_A_PERSON = _INANIMATE | frozenset(
    [
        "government",
        "regime",
        "party",
        "industry",
        "company",
        "newspaper",
        "paper",
        "show",
        "series",
        "franchise",
        "brand",
        "era",
        "movement",
        "myth",
        "lie",
        "narrative",
        "dream",
        "practice",
        "tradition",
        "system",
        "monarchy",
        "institution",
        "ideology",
        "project",
        "league",
        "format",
        "channel",
        "website",
        "site",
        "app",
        "coalition",
        "union",
        "empire",
    ]
)

# --- targets ----------------------------------------------------------------------------------

_INSTITUTIONS = frozenset(
    [
        "government",
        "governments",
        "regime",
        "regimes",
        "army",
        "armies",
        "military",
        "soldiers",
        "troops",
        "forces",
        "state",
        "states",
        "officials",
        "authorities",
        "leaders",
        "leadership",
        "politicians",
        "president",
        "police",
        "party",
        "parties",
        "embassy",
        "ministry",
        "media",
        "elite",
        "elites",
        "companies",
        "banks",
        "team",
        "navy",
        "airforce",
        "generals",
        "establishment",
        "administration",
        "parliament",
        "congress",
        "senate",
        "courts",
        "judges",
    ]
)
_VICTIM_CONTEXT = re.compile(
    r"\b(?:treated|treat|treating|treats|caged|herded|hunted|called|calling|call|labelled|labeled|"
    r"branded|described|portrayed|dehumanised|dehumanized)\s+(?:\w+\s+){0,2}?(?:like|as)\s*$"
)
_SENTENCE_RE = re.compile(r"[^.!?;\n]+")


_TOKEN_RE = re.compile(r"[a-z0-9@$]+(?:[*#!|+]+[a-z0-9@$]+)*")
_LEET_FOLD = str.maketrans("@4310!|$57+89l2", "aaeioiissttbgiz")
_REPEAT_RE = re.compile(r"(.)\1+")
_VOWEL_TO_GAP = str.maketrans("aeiou", "_____")
_SUFFIXES = ("", "s", "es", "z", "ed", "ing", "a", "ah", "az")


@functools.lru_cache(maxsize=65536)
def _fold(word: str) -> str:
    """Index key: leet digits folded to letters (l and i alike), repeats collapsed."""
    return _REPEAT_RE.sub(r"\1", word.translate(_LEET_FOLD))


def _skeleton(key: str) -> str:
    return key.translate(_VOWEL_TO_GAP)


class Lexicon:
    """Compiled matchers for one set of lexicon entries.

    Terms are indexed by a folded key (leet undone, repeats collapsed, ``l``/``i`` alike) and,
    for slurs of six letters or more, by their consonant skeleton; each token of a comment (and
    each run of two or three tokens) is looked up there and a candidate is confirmed with the
    term's own regular expression. Masked tokens ("n*gger") are compared with the terms that
    start with the same letter.
    """

    def __init__(self, entries: Iterable[tuple[str, str, tuple[str, ...]]]):
        self.entries: list[tuple[str, str, tuple[str, ...]]] = []
        # key -> [(category, term, pattern, exceptions)]
        self._exact: dict[str, list[tuple[str, str, re.Pattern[str], tuple[str, ...]]]] = {}
        self._skel: dict[str, list[tuple[str, str, re.Pattern[str], tuple[str, ...]]]] = {}
        self._by_first: dict[str, list[tuple[str, str, re.Pattern[str], tuple[str, ...]]]] = {}
        self._multi_first: set[str] = set()
        self._most_words = 1
        # The longest term a spaced-out run can end in (spaced_run_reading), with a plural s.
        self._longest_spaced_term = 0
        for cat, term, exceptions in entries:
            term = " ".join(term.strip().lower().split())
            if not term:
                continue
            self.entries.append((cat, term, exceptions))
            letters = len(term.replace(" ", ""))
            swap = cat in ("slur", "site") and letters >= 6
            pattern = re.compile(_term_regex(term, swap_vowels=swap) + _SUFFIX)
            item = (cat, term, pattern, exceptions)
            key = " ".join(_fold(w) for w in term.split())
            self._exact.setdefault(key, []).append(item)
            if swap:
                self._skel.setdefault(_skeleton(key), []).append(item)
            self._by_first.setdefault(_fold(term[0]), []).append(item)
            if cat in SPACED_RUN_CATEGORIES:
                self._longest_spaced_term = max(self._longest_spaced_term, len(term) + 1)
            if " " in term:
                self._multi_first.add(_fold(term.split()[0]))
                self._most_words = max(self._most_words, len(term.split()))
        self._cached = functools.lru_cache(maxsize=65536)(self._candidates)

    def with_additions(self, additions: Iterable[str]) -> Lexicon:
        """A copy with a site's terms added (category ``site``: treated like slurs).

        Each addition is read as :func:`site_term` reads it, so it matches what it would match
        in a comment. A site's addition of a word the lexicon already has takes the site's
        meaning (held wherever it appears): the built-in entry, an insult that only counts when
        aimed at a reader say, is dropped. A built-in slur is kept: it is held everywhere already.
        """
        terms = tuple(dict.fromkeys(t for t in map(site_term, additions) if t))
        if not terms:
            return self
        return _with_site_terms(self, terms)

    def _replaced_by(self, terms: tuple[str, ...]) -> Lexicon:
        slurs = {term for cat, term, _e in self.entries if cat == "slur"}
        added = set(terms) - slurs
        kept = [e for e in self.entries if e[1] not in added]
        return Lexicon([*kept, *(("site", t, ()) for t in terms if t in added)])

    def _candidates(
        self, word: str
    ) -> tuple[tuple[str, str, re.Pattern[str], tuple[str, ...]], ...]:
        if "*" in word or "#" in word:
            return tuple(self._by_first.get(_fold(word[0]), ()))
        key = _fold(word)
        out: list[tuple[str, str, re.Pattern[str], tuple[str, ...]]] = []
        for sfx in _SUFFIXES:
            if sfx and not key.endswith(sfx):
                continue
            base = key[: len(key) - len(sfx)] if sfx else key
            if not base:
                continue
            out.extend(self._exact.get(base, ()))
            if self._skel and len(base) >= 4:
                out.extend(self._skel.get(_skeleton(base), ()))
        return tuple(out)

    def scan(self, text: str) -> list[tuple[str, str, str, int, int]]:
        """All (category, term, matched, start, end) in normalised text."""
        toks = [(m.group(0), m.start(), m.end()) for m in _TOKEN_RE.finditer(text)]
        hits: list[tuple[str, str, str, int, int]] = []
        seen: set[tuple[str, int]] = set()
        spans: list[tuple[str, int, int]] = list(toks)
        for i, (first, start, _end) in enumerate(toks):
            if _fold(first) in self._multi_first:
                for size in range(2, max(3, self._most_words) + 1):
                    if i + size <= len(toks):
                        part = toks[i : i + size]
                        spans.append((" ".join(t[0] for t in part), start, part[-1][2]))
        # a short fragment joined to its neighbour: "nig ger"
        for a, b in itertools.pairwise(toks):
            if (len(a[0]) <= 3 or len(b[0]) <= 3) and a[0].isalpha() and b[0].isalpha():
                spans.append((a[0] + b[0], a[1], b[2]))
        for word, start, end in spans:
            for cat, term, pattern, exceptions in self._cached(word):
                if (term, start) in seen:
                    continue
                original = text[start:end] if " " in word else word
                if not (pattern.fullmatch(word) or pattern.fullmatch(original)):
                    continue
                masks = sum(word.count(c) for c in _MASK)
                if masks and masks > max(1, len(term) // 3):
                    continue
                if exceptions and _inside_exception(text, start, end, exceptions):
                    continue
                seen.add((term, start))
                hits.append((cat, term, original, start, end))
        return hits

    def find(self, text: str, category: str) -> list[tuple[str, str, int, int]]:
        """All (term, matched, start, end) of one category in normalised text."""
        return [(t, m, s, e) for c, t, m, s, e in self.scan(text) if c == category]

    def match(
        self, n: Normalised, *, replying: bool = False, story_names: frozenset[str] = frozenset()
    ) -> list[AbuseHit]:
        """Every abuse hit in a normalised comment (profanity included, as information), in
        its text and in its reading with one-letter words apart (``alternative_text``).
        ``replying``: the comment answers another reader's; ``story_names``: the names the
        article has (both for insult_target)."""
        out: list[AbuseHit] = []
        seen: set[tuple[str, str]] = set()

        def add(hit: AbuseHit) -> None:
            key = (hit.category, hit.matched if hit.category != "threat" else hit.term)
            if key not in seen:
                seen.add(key)
                out.append(hit)

        for text in filter(None, (n.text, n.alternative_text)):
            self._match_text(text, n.raw, add, replying, story_names)
        for reading in self.spaced_run_readings(n):
            self._match_text(reading, n.raw, add, replying, story_names)
        return out

    def spaced_run_readings(self, n: Normalised) -> list[str]:
        """The text read with a term that ends a spaced-out run set apart (spaced_run_reading):
        "I s a w a r e t a r d, honestly" -> "i saw a retard, honestly"."""
        readings = []
        for run in n.spaced_runs:
            reading = self.spaced_run_reading(run)
            if reading:
                at = re.search(rf"(?<!\w){re.escape(run)}(?!\w)", n.text)
                if at:
                    readings.append(n.text[: at.start()] + reading + n.text[at.end() :])
        return readings

    def spaced_run_reading(self, run: str) -> str | None:
        """A spaced-out run re-joined ("isawaretard") read with a term at its end set apart,
        after a one-letter word: "i saw a retard". Only after "a" or "I", and only a term that
        spans the rest of the run: spelt-out words that end in a slur ("s n i g g e r") or
        begin with one ("P a k i s t a n") are left alone, and the term must be spelt as the
        lexicon has it (or with a plural s): its looser matching of doubled letters would read
        "r a c c o o n" as "ra ccoon". None: no such term."""
        # Only the tails no longer than the longest term can be one: trying every cut of a long
        # run would scan it over and over (quadratic, inside the posting transaction).
        first_cut = max(1, len(run) - self._longest_spaced_term)
        for cut in range(first_cut, len(run) - MIN_SPACED_TERM + 1):
            head, word = run[:cut], run[cut:]
            if head[-1] in "ai" and any(
                cat in SPACED_RUN_CATEGORIES and word in (term, f"{term}s")
                for cat, term, _matched, _start, _end in self.scan(word)
            ):
                return f"{one_letter_words_apart(head)} {word}"
        return None

    def _match_text(
        self,
        text: str,
        raw: str,
        add: Callable[[AbuseHit], None],
        replying: bool,
        story_names: frozenset[str] = frozenset(),
    ) -> None:
        found = self.scan(text)
        for cat, term, matched, _s, _e in found:
            if cat in ("slur", "site"):
                add(AbuseHit(cat, term, matched))
        for name, pattern in _THREAT_RES:
            for m in pattern.finditer(text):
                if name == "call" and m.group("pp") in _THINGS_TOO:
                    # "this bill should be killed": these verbs also apply to things
                    subject = text[max(0, m.start() - 40) : m.start()].split()[-3:]
                    if any(w in _INANIMATE for w in subject):
                        continue
                if (
                    name in ("promise", "incite")
                    and m.group("verb") in _CONTEST_VERBS
                    and not (name == "promise" and m.group("verb") == "hurt")
                    and not _MADE_VIOLENT_RE.match(text, m.end())
                ):
                    continue  # "we will beat them at the polls", "this cut will hurt them"
                add(AbuseHit("threat", name, m.group(0).strip()))
        for name, pattern in _CALLS_FOR_VIOLENCE:
            for m in pattern.finditer(text):
                if name == "death wish" and _subject(text, m.start()) in _NOT_A_PERSON:
                    continue  # "this bill deserves to die"
                add(AbuseHit("threat", name, m.group(0).strip(" .!?;:\n")))
        raw = _one_space_per_gap(unicodedata.normalize("NFKC", raw))
        for name, pattern in _AT_A_NAMED_PERSON:
            for m in pattern.finditer(raw):
                named = m.group("name")
                words = named.lower().split()
                if named.lower() in _NOT_A_NAMED_PERSON or words[0] in _NOT_A_NAMED_PERSON:
                    continue
                add(AbuseHit("threat", name, m.group(0).strip(" .!?;:\n")))
        for hit in self._dehumanising(text, found):
            add(hit)
        for hit in _myths(text, found):
            add(hit)
        for pattern in _GO_BACK_RES:
            for m in pattern.finditer(text):
                add(AbuseHit("xenophobic", "go back", m.group(0).strip()))
        previous: tuple[int, str] | None = None  # "you are an idiot and a moron": both
        for cat, term, matched, start, end in sorted(found, key=lambda hit: hit[3]):
            if cat in ("insult_severe", "insult"):
                aimed_at = insult_target(
                    text,
                    start,
                    end,
                    term,
                    matched,
                    previous,
                    replying=replying,
                    story_names=story_names,
                )
                if aimed_at:
                    previous = (end, aimed_at)
                elif cat == "insult":
                    continue
                add(AbuseHit(cat, term, matched, targeted=bool(aimed_at), aimed_at=aimed_at))
        for cat, term, matched, _s, _e in found:
            if cat == "profanity":
                add(AbuseHit("profanity", term, matched))

    def _dehumanising(
        self, text: str, found: list[tuple[str, str, str, int, int]]
    ) -> list[AbuseHit]:
        groups = [f for f in found if f[0] == "group" and not _institution_follows(text, f[4])]
        dehum = [f for f in found if f[0] == "dehumanising"]
        if not dehum:
            return []
        out: list[AbuseHit] = []
        for _c, term, matched, start, end in dehum:
            before = text[max(0, start - 40) : start]
            # "you filthy ape", "you subhuman": aimed at a person in the thread
            if term in _NEVER_SAID_OF_A_PERSON and _ADDRESSED_RE.search(before):
                out.append(AbuseHit("dehumanising", term, matched, targeted=True))
            # "these savages breed like rats", "those animals should be deported": the dehumanising
            # word itself names the people, and the sentence is about removing or breeding
            elif term not in _ILLNESSES and re.search(
                r"\b(?:these|those|all these|all those|all the)\s+$", before
            ):
                sentence_end = min(
                    [i for i in (text.find(c, end) for c in ".!?;\n") if i >= 0] or [len(text)]
                )
                if _ABOUT_PEOPLE_RE.search(text[end:sentence_end]):
                    out.append(
                        AbuseHit(
                            "dehumanising",
                            term,
                            f"{text[start - len(before.split()[-1]) - 1 : end].strip()}",
                        )
                    )
        if not groups:
            return out
        for _c, term, matched, start, end in dehum:
            sent_start = max(text.rfind(c, 0, start) for c in ".!?;\n") + 1
            sent_end = min(
                [i for i in (text.find(c, end) for c in ".!?;\n") if i >= 0] or [len(text)]
            )
            if _VICTIM_CONTEXT.search(text[sent_start:start]):
                continue
            if term in _ILLNESSES:
                # People catch, flee and die of an illness; a group is dehumanised when it is
                # called one ("Muslims are a cancer") or swarms as one ("a plague of migrants").
                if _ILLNESS_AS_A_KIND_RE.match(text, end):
                    continue  # "cancer patients", "disease rates"
                near = [
                    g
                    for g in groups
                    if sent_start <= g[3] < sent_end
                    and (
                        (g[4] <= start and _CALLED_AN_ILLNESS_RE.fullmatch(text, g[4], start))
                        or (end <= g[3] and _AN_ILLNESS_OF_RE.fullmatch(text, end, g[3]))
                    )
                ]
            else:
                near = [
                    g
                    for g in groups
                    if sent_start <= g[3] < sent_end and _token_distance(text, g[3], start) <= 10
                ]
            if near:
                out.append(AbuseHit("dehumanising", term, f"{near[0][2]} … {matched}"))
        return out


@functools.lru_cache(maxsize=16)
def _with_site_terms(base: Lexicon, terms: tuple[str, ...]) -> Lexicon:
    # assess() asks for the same site's lexicon with every comment: compile it once
    return base._replaced_by(terms)


@functools.lru_cache(maxsize=4096)
def site_term(addition: str) -> str:
    """A site's lexicon addition as the filter matches it: normalised exactly as a comment is
    (accents, look-alikes, leet digits, split letters), then reduced to the words a comment is
    scanned for ("Crétin" -> "cretin", "Banana-Brain!" -> "banana brain"). Empty when nothing in
    it can match: symbols only, or words in a script other than Latin."""
    return " ".join(_TOKEN_RE.findall(normalise(addition or "").text))


@functools.lru_cache(maxsize=16)
def site_terms_as_written(additions: tuple[str, ...]) -> dict[str, str]:
    """Each of a site's terms (as site_term reads it) as its moderators wrote it, for the reasons
    they read: they typed the word, and must see which of their own lines held a comment
    ("blocked term: Banana-Brain!"). The built-in slurs are not theirs to read in full: an
    addition the built-in list reads as a slur is masked as the slurs are. The first of two
    lines read as the same term is the one shown."""
    builtin = load_lexicon()
    written: dict[str, str] = {}
    for addition in additions:
        term = site_term(addition)
        if term and term not in written:
            slur = any(category == "slur" for category, *_rest in builtin.scan(term))
            written[term] = mask(term) if slur else " ".join(addition.split())
    return written


def unmatchable_additions(additions: Iterable[str]) -> list[str]:
    """The lexicon additions that could never hold a comment, not even one that says exactly
    that: symbols only ("!!!", "♥"), or words in a script the lexicon does not read ("Путин")."""
    out: list[str] = []
    for addition in additions:
        term = site_term(addition)
        if not term or not Lexicon([("site", term, ())]).scan(normalise(addition).text):
            out.append(addition)
    return out


# "you filthy ape", "you're vermin", "you people are animals" (the word right before, or one or
# two adjectives between)
_ADDRESSED_RE = re.compile(
    r"\b(?:you|u|ya|you're|youre|you are|ur)(?: people| lot| lot are| people are| all| all are)?"
    r"(?:\s+(?:a|an|just|nothing but|such|such a|filthy|dirty|stinking|disgusting|worthless|bloody|"
    r"fucking|damn|little|dumb|stupid|vile|lousy)){0,3}\s+$"
)
# Dehumanising words that, said to a person, are never fair comment (unlike "parasite" or "pig",
# which readers throw at ministers).
_NEVER_SAID_OF_A_PERSON = frozenset(
    [
        "subhuman",
        "sub human",
        "untermensch",
        "vermin",
        "cockroach",
        "cockroaches",
        "ape",
        "apes",
        "monkey",
        "monkeys",
        "mongrels",
        "savage",
        "savages",
        "orcs",
        "not human",
        "barely human",
    ]
)
# Hateful myths about a group, each told of the groups it is told of: that Jews secretly run the
# world ("Jews control the media"), that a group was brought in to replace the natives ("the great
# replacement"), that gay and trans people prey on children. From the end of the group's word.
_SOME_WORDS = r"(?:\s+(?:[a-z']+)){0,2}?"
_MYTHS = (
    (
        frozenset(["jews", "jewish people", "zionists", "the rothschilds"]),
        re.compile(
            _SOME_WORDS
            + r"\s+(?:control|controls|controlled|run|runs|ran|own|owns|owned|rule|rules|"
            r"are behind|were behind|pull the strings (?:of|in))"
            r"(?:\s+(?:the|our|all|of|every|this|most|much|world's|worlds))*"
            r"\s+(?:media|news|press|banks|banking|money|finance|world|government|governments|"
            r"hollywood|economy|everything|politicians|west|congress|parliament)\b"
        ),
    ),
    (
        None,  # any group
        re.compile(
            _SOME_WORDS
            + r"\s+(?:are|is|were)\s+(?:(?:trying|going|out|here|planning|being brought in|"
            r"brought in|sent|coming)\s+to\s+)?(?:replace|replacing|outbreed|outbreeding)"
            r"\s+(?:us|white people|whites|the natives|natives|our people|the british|the english)\b"
        ),
    ),
    (
        frozenset(
            [
                "gays",
                "gay people",
                "lesbians",
                "homosexuals",
                "trans people",
                "transgender people",
                "the trans lobby",
                "the gay lobby",
                "trans activists",
            ]
        ),
        re.compile(
            _SOME_WORDS + r"\s+(?:(?:are|is)\s+(?:all\s+|just\s+|nothing but\s+)*"
            r"(?:groomers|paedophiles|pedophiles|paedos|pedos|nonces|child abusers)\b|"
            r"(?:groom|grooming|prey on|preying on|are after)\s+(?:our\s+)?(?:kids|children|sons|daughters)\b)"
        ),
    ),
)


def _myths(text: str, found: list[tuple[str, str, str, int, int]]) -> list[AbuseHit]:
    out = []
    for category, term, matched, _start, end in found:
        if category != "group" or _institution_follows(text, end):
            continue
        for groups, told in _MYTHS:
            if groups is not None and term not in groups:
                continue
            if m := told.match(text, end):
                out.append(AbuseHit("trope", term, f"{matched}{m.group(0)}"))
    return out


# Dehumanising only as a metaphor: said of a group, not of what people suffer.
_ILLNESSES = frozenset(["disease", "plague", "cancer", "tumour", "tumor", "pestilence"])
# "muslims are a cancer", "immigrants in this town are nothing but a growing plague", "gypsies,
# a disease": from the end of the group's word to the illness
_CALLED_AN_ILLNESS_RE = re.compile(
    r"(?:\s+(?:in|of|from|across|around)\s+(?:\w+\s+){0,2}?\w+)?"
    r"(?:\s*,|\s+(?:are|is|were|was|be|being|been|become|becomes|became|remain|remains|like|as))"
    r"(?:\s+(?:a|an|the|just|nothing but|nothing more than|no better than|literally|truly|really|"
    r"such a|such an|like a|like an|like)){0,2}(?:\s+[a-z]+)?\s+"
)
# "a plague of migrants", "a swarm of": from the end of the illness to the group's word
_AN_ILLNESS_OF_RE = re.compile(r"\s+of\s+(?:(?:the|these|those|all|[a-z]+)\s+)?")
_ILLNESS_AS_A_KIND_RE = re.compile(
    r"\s+(?:patients?|sufferers?|survivors?|screening|research|rates?|risks?|deaths?|cases?|"
    r"wards?|care|treatments?|services?|drugs?|charit(?:y|ies)|tests?|testing|outbreaks?|"
    r"vaccines?|clinics?|specialists?|doctors?|nurses?|victims?)\b"
)
_ABOUT_PEOPLE_RE = re.compile(
    r"\b(?:breed|breeding|deport|deported|deportation|sent back|send back|go back|kicked out|kick out|"
    r"thrown out|got rid of|get rid of|driven out|wiped out|exterminated|our country|our town|our streets|"
    r"our women|our children|take over|taking over|invad\w*|flood\w*)\b"
)
# Telling people to go back where they (supposedly) came from.
_GO_BACK_RES = (
    re.compile(
        r"\b(?:go|get|fuck off|piss off|crawl|swim|run)\s+back\s+(?:home\s+)?to\s+"
        r"(?:africa|asia|india|pakistan|bangladesh|mexico|china|poland|romania|syria|somalia|"
        r"the jungle|the desert|your (?:own )?(?:country|countries|village|cave|desert|jungle|shithole)|"
        r"wherever (?:you|they) came from|where (?:you|they) (?:came|come) from)\b"
    ),
    re.compile(
        r"\b(?:send|ship|deport|kick)\s+(?:them|em|these people|those people|the lot of them|them all)"
        r"(?:\s+all)?\s+(?:back|home|out)\b(?=.{0,40}\b(?:where|country|came|belong|africa|asia|vermin|scum|animals))"
    ),
    re.compile(r"\bgo back (?:to )?where (?:you|they) (?:came|come) from\b"),
)


_HEDGES = frozenset(["really", "truly", "frankly", "just", "honestly", "simply", "surely", "all"])


def _subject(text: str, start: int) -> str:
    """The word before a verb phrase, hedges skipped: "this bill (really) deserves to die"."""
    words = [w.strip(",'\"") for w in text[max(0, start - 60) : start].split()]
    while words and words[-1] in _HEDGES:
        words.pop()
    return words[-1] if words else ""


def _inside_exception(text: str, start: int, end: int, exceptions: tuple[str, ...]) -> bool:
    for phrase in exceptions:
        for m in re.finditer(re.escape(phrase), text):
            if m.start() <= start and end <= m.end():
                return True
    return False


def _institution_follows(s: str, end: int) -> bool:
    after = s[end : end + 40].split()[:2]
    return any(w.strip(",:'\"") in _INSTITUTIONS for w in after)


def _token_distance(s: str, a: int, b: int) -> int:
    lo, hi = (a, b) if a <= b else (b, a)
    return len(s[lo:hi].split())


def parse_lexicon(text: str) -> list[tuple[str, str, tuple[str, ...]]]:
    entries: list[tuple[str, str, tuple[str, ...]]] = []
    for line in text.splitlines():
        if not line.strip() or line.lstrip().startswith("#"):
            continue
        parts = line.split("\t")
        if len(parts) < 2:
            continue
        cat, term = parts[0].strip(), parts[1].strip()
        if cat not in CATEGORIES:
            continue
        exceptions = tuple(
            p.strip().lower() for p in (parts[2] if len(parts) > 2 else "").split("|") if p.strip()
        )
        entries.append((cat, term, exceptions))
    return entries


@functools.lru_cache(maxsize=8)
def load_lexicon(path: str | None = None) -> Lexicon:
    """Load (once per process) the lexicon file; ``None`` means the shipped one."""
    p = Path(path) if path else DEFAULT_LEXICON
    return Lexicon(parse_lexicon(p.read_text(encoding="utf-8")))
