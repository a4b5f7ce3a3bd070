"""Text normalisation for moderation.

The same :func:`normalise` runs when the starter models are trained and when a comment is
assessed, so the learned features always see the same text. The raw text is kept on the result
because obfuscation is itself a signal: the counts (zero-width characters, look-alike letters,
symbol runs, re-joined words, ...) feed the decision.

Steps, in order:

1. invisible characters (zero-width, BOM, soft hyphen, bidi controls, variation selectors) are
   stripped and counted, and so are runs of stacked combining marks ("Zalgo"); those that hide
   nothing (at either end of the text, or inside emoji sequences) are counted apart and are not
   obfuscation;
2. typographic apostrophes and single quotes (’ ‘ ʼ ...) become ``'`` ("you’re" reads as
   "you're"), then Unicode NFKC (full-width letters, mathematical bold, circled letters,
   ligatures);
3. look-alike letters (Cyrillic, Greek, small capitals, ...) are mapped to Latin ones inside
   words that are written in Latin script, and accents are stripped;
4. links and e-mail addresses are protected from the next steps;
5. words split by hyphens, dots, symbols or spaces are re-joined (``Goog-l-e``, ``ho-u-r``,
   ``G.o.o.g.l.e``, ``p a y``, ``p♥a♥y``);
6. digits inside words become letters (``h0ur`` -> ``hour``) and letters inside numbers become
   digits (``$8O`` -> ``$80``);
7. decorative symbols become spaces, the text is lower-cased, characters repeated three times
   or more are squeezed to two, and white space is collapsed.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field

__all__ = ["Normalised", "normalise", "one_letter_words_apart"]

# --- 1. invisible characters -----------------------------------------------------------------

_INVISIBLE = {
    0x00AD,  # soft hyphen
    0x034F,  # combining grapheme joiner
    0x061C,  # arabic letter mark
    0x115F,
    0x1160,
    0x17B4,
    0x17B5,
    0x180E,  # mongolian vowel separator
    0x200B,  # zero width space
    0x200C,  # zero width non-joiner
    0x200D,  # zero width joiner
    0x200E,  # LRM
    0x200F,  # RLM
    0x2060,  # word joiner
    0x2061,
    0x2062,
    0x2063,
    0x2064,
    0x3164,  # hangul filler
    0xFEFF,  # BOM / zero width no-break space
    0xFFA0,
}
_INVISIBLE.update(range(0x202A, 0x202F))  # bidi embeddings and overrides
_INVISIBLE.update(range(0x2066, 0x206A))  # bidi isolates
_INVISIBLE.update(range(0x206A, 0x2070))  # deprecated format characters
_INVISIBLE.update(range(0xFE00, 0xFE10))  # variation selectors
_INVISIBLE.update(range(0xE0000, 0xE0080))  # tag characters
_INVISIBLE.update(range(0xE0100, 0xE01F0))  # variation selectors supplement


def _char_class(codes: set[int]) -> str:
    """A compact regex character class (ranges) for a set of code points."""
    parts: list[str] = []
    ordered = sorted(codes)
    start = prev = ordered[0]
    for c in [*ordered[1:], None]:
        if c is not None and c == prev + 1:
            prev = c
            continue
        parts.append(
            re.escape(chr(start))
            if start == prev
            else f"{re.escape(chr(start))}-{re.escape(chr(prev))}"
        )
        if c is not None:
            start = prev = c
    return "[" + "".join(parts) + "]"


_INVISIBLE_RE = re.compile(_char_class(_INVISIBLE))
_COMBINING_RUN_RE = re.compile(
    r"([\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]{2})"
    r"[\u0300-\u036f\u1ab0-\u1aff\u1dc0-\u1dff\u20d0-\u20ff\ufe20-\ufe2f]+"
)
_NON_ASCII_RE = re.compile(r"[^\x00-\x7f]")
_ASCII_DECORATIVE_RE = re.compile(r"[\^`]")

# --- 2. apostrophes ---------------------------------------------------------------------------

# Phones and word processors type "’" for "'": every rule and the models read "'", so
# "You’re an idiot" must not slip past them. A backtick or an acute accent counts only between
# two letters ("don`t"); elsewhere the backtick stays decoration.
_APOSTROPHE_RE = re.compile(
    r"[\u2018\u2019\u201b\u02bb\u02bc\u02b9\u2032\uff07]|(?<=[^\W\d_])[`\u00b4](?=[^\W\d_])"
)


def _plain_apostrophes(text: str) -> str:
    if text.isascii() and "`" not in text:
        return text
    return _APOSTROPHE_RE.sub("'", text)


# --- 3. look-alike letters -------------------------------------------------------------------

# Cyrillic, Greek and a few other letters that are drawn like Latin ones. NFKC already folds
# full-width, mathematical and circled letters; these are the ones it leaves alone.
_CONFUSABLE_PAIRS = (
    # Cyrillic lower case
    "аa бb вb гr дd еe ёe жx зz иu йu кk лn мm нh оo пn рp сc тt уy фf хx цu чy шw щw ъb ыbl ьb "
    "эe юio яr ѕs іi їi јj һh ԁd ԛq ԝw ґr єe ӏl ѵv ѡw "
    # Cyrillic upper case
    "АA БB ВB ГR ДD ЕE ЁE ЖX ЗZ ИU ЙU КK ЛN МM НH ОO ПN РP СC ТT УY ФF ХX ЦU ЧY ШW ЩW ЪB ЫBl ЬB "
    "ЭE ЮIO ЯR ЅS ІI ЇI ЈJ ҺH ԀD ԚQ ԜW ҐR ЄE ӀI ѴV "
    # Greek lower case
    "αa βb γy δd εe ζz ηn θo ιi κk λl μu νv ξe οo πn ρp σo ςc τt υu φf χx ψw ωw "
    "άa έe ήn ίi όo ύu ώw "
    # Greek upper case
    "ΑA ΒB ΓR ΔA ΕE ΖZ ΗH ΘO ΙI ΚK ΛA ΜM ΝN ΞE ΟO ΠN ΡP ΣE ΤT ΥY ΦF ΧX ΨW ΩO "
    # small capitals and other Latin-looking letters outside ASCII
    "ᴀa ʙb ᴄc ᴅd ᴇe ꜰf ɢg ʜh ɪi ᴊj ᴋk ʟl ᴍm ɴn ᴏo ᴘp ǫq ʀr ꜱs ᴛt ᴜu ᴠv ᴡw ʏy ᴢz "
    "ɑa ɡg ɩi ɭl ɵo ʋu ƅb ƈc ɗd ƒf ɦh ƙk ɱm ɲn ƥp ʂs ƭt ʐz ȷj ℓl "
    # Armenian and Cherokee letters that are used as Latin look-alikes
    "օo ոn սu հh ցg ԛq Ꭺa Ᏼb Ꮯc Ꭰd Ꭼe Ꮐg Ꮋh Ꭵi Ꭻj Ꮶk Ꮮl Ꮇm Ꮲp Ꭱr Ꮪs Ꭲt Ꮩv Ꮃw Ꮍy Ꮓz"
)
CONFUSABLES: dict[str, str] = {}
for _pair in _CONFUSABLE_PAIRS.split():
    CONFUSABLES[_pair[0]] = _pair[1:]
CONFUSABLES["ı"] = "i"

_LATIN_LETTER_RE = re.compile(r"[A-Za-z]")


def _is_foreign_letter(ch: str) -> bool:
    return ch in CONFUSABLES


# --- 5. re-joining split words ---------------------------------------------------------------

_ALNUM = r"[^\W_]"
# words written with a symbol between every few letters: Goog-l-e, ho-u-r, G.o.o.g.l.e, p♥a♥y
_CHAIN_RE = re.compile(
    rf"(?<![^\W_]){_ALNUM}+(?:(?:[^\w\s]{{1,3}}|_){_ALNUM}+){{2,}}(?![^\W_])",
)
# single characters separated by spaces and/or symbols: "p a y", "G . o . o . g", "f r e e"
_SPACED_RE = re.compile(
    rf"(?<![^\W_])[^\W\d_](?:(?:[^\w\n]|_){{1,4}}{_ALNUM}(?![^\W_])){{1,}}"
    rf"(?:[^\w\n]|_){{1,4}}[^\W\d_](?![^\W_])",
)
_SEGMENT_RE = re.compile(_ALNUM + "+")
# texting's one-letter words, "u r a winner", "r u a fan": words, not a word spelt out
_TEXTING_RUN_RE = re.compile(r"(?:[ai] )?(?:u r|r u)(?: [ai])*", re.IGNORECASE)
# short words that are real words, so "up-to-date" and "face-to-face" stay as they are
_COMMON_SHORT = frozenset(
    [
        "a",
        "i",
        "am",
        "an",
        "as",
        "at",
        "be",
        "by",
        "do",
        "go",
        "he",
        "if",
        "in",
        "is",
        "it",
        "me",
        "my",
        "no",
        "of",
        "oh",
        "ok",
        "on",
        "or",
        "so",
        "to",
        "up",
        "us",
        "we",
        "vs",
        "mr",
        "ms",
        "dr",
        "st",
        "uk",
        "eu",
        "un",
        "tv",
    ]
)

# --- 4. links --------------------------------------------------------------------------------

# top-level domains recognised in a bare domain ("example.com") without http:// or www.
_TLDS = (
    "com|net|org|info|biz|io|xyz|top|club|online|site|website|vip|tv|cc|ws|pw|su|ru|cn|uk|de|fr|"
    "nl|eu|ca|au|ly|gl|gd|tk|ml|ga|cf|gq|gov|edu|int|icu|cyou|ch|se|dk|fi|pl|pt|gr|ua|nz|ie|za|"
    "jp|kr|br|mx|(?:co|com|org|gov|ac|net)\\.[a-z]{2}"
)
# top-level domains that are also English words ("lied.money"): only with a path after them
_WORD_TLDS = "live|shop|store|click|link|win|app|dev|ai|news|money|cash|loan|bet|casino|work|life"
# At most eight labels before the top-level domain: unbounded, "a.a.a.a…" made every match
# attempt run to the end of the text (seconds for a 5,000-character comment).
_LABELS = r"\b(?:[a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.){1,8}"
URL_RE = re.compile(
    r"(?:(?:https?|hxxps?|ftp)://|www\.|\b(?:t|wa)\.me/)[^\s<>\"'()]+"
    rf"|{_LABELS}(?:{_TLDS})\b(?:/[^\s<>\"'()]*)?"
    rf"|{_LABELS}(?:{_WORD_TLDS})/[^\s<>\"'()]*",
    re.IGNORECASE,
)
# only stretches of text with a dot inside a word (or "://") can hold a link
_STRETCH_RE = re.compile(r"[^\s<>\"'()\[\]]+")
_LINK_HINT_RE = re.compile(r"[^\W_]\.[^\W_]|://")
EMAIL_RE = re.compile(r"\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b")

# --- 6. digits in words / letters in numbers -------------------------------------------------

_LEET = {"0": "o", "1": "i", "3": "e", "4": "a", "5": "s", "7": "t", "@": "a", "$": "s"}
_LEET_TOKEN_RE = re.compile(r"(?<![\w@$])[A-Za-z0-9@$]*[A-Za-z][A-Za-z0-9@$]*(?![\w@$])")
# "$8O", "8O,OOO": letters among a number's digits (its first group holds a digit)
_NUMBER_LOOKALIKE_RE = re.compile(
    r"(?:(?<=[$€£¥])|(?<![\w.,]))(?=[0-9OoIl]*[0-9])[0-9OoIl]+(?:[,.][0-9OoIl]{3})*"
    r"(?=\s*(?:k|bn|m|usd|dollars|euros|pounds)\b|\b)"
)
_NUMBER_GROUP_RE = re.compile(r"[,.][0-9OoIl]{3}$")
# The lira sign written for a pound sign ("₤80,000"), which NFKC leaves as it is.
_CURRENCY_LOOKALIKES = str.maketrans({"₤": "£"})

# --- 7. symbols and squeezing ----------------------------------------------------------------

_SQUEEZE_RE = re.compile(r"([^\d])\1{2,}", re.DOTALL)
_SPACE_RE = re.compile(r"\s+")
TOKEN_RE = re.compile(r"[^\W_]+(?:'[^\W_]+)?|[$€£¥%]")


def _is_decorative(ch: str) -> bool:
    cat = unicodedata.category(ch)
    # So: ♥ ★ ✔ emoji; Sk: modifier symbols; Co: private use; Cs: stray surrogates
    return cat in ("So", "Sk", "Co", "Cs", "Cn") or (cat == "Sm" and ch not in "+<=>|~-")


@dataclass
class Normalised:
    """The result of :func:`normalise`."""

    raw: str
    text: str
    tokens: list[str]
    deobfuscated: list[tuple[str, str]] = field(default_factory=list)
    zero_width: int = 0
    confusables: int = 0
    symbol_runs: int = 0
    decorative: int = 0
    combining: int = 0
    squeezed: int = 0
    leet: int = 0
    rejoined: int = 0
    urls: list[str] = field(default_factory=list)
    emails: list[str] = field(default_factory=list)
    #: invisible characters that hide nothing: at the very start or end of the text (a
    #: byte-order mark left by an editor or a copy-paste) or inside emoji sequences (a variation
    #: selector after a symbol, a zero-width joiner between two symbols). Counted in
    #: ``zero_width`` too, but not as obfuscation.
    harmless_invisible: int = 0
    #: the text normalised like ``text`` except that leet is not undone (step 6): digits stay
    #: digits, so a domain spelt out in the comment ("easycash4u dot com") keeps its real name.
    text_with_digits: str = ""
    #: the text read with the one-letter words at either end of a spaced-out run set apart
    #: ("what a r e t a r d" -> "what a retard", where ``text`` has "what aretard"); empty when
    #: no run has one. The lexicon reads both.
    alternative_text: str = ""
    #: each spaced-out run of single letters, re-joined and read as ``text`` reads it
    #: ("I s a w a r e t a r d" -> "isawaretard"): the lexicon looks for a slur at its end.
    spaced_runs: list[str] = field(default_factory=list)

    @property
    def hidden_invisible(self) -> int:
        """Invisible characters inside words or between them: the obfuscation trick."""
        return self.zero_width - self.harmless_invisible

    @property
    def obfuscation(self) -> int:
        """How many obfuscation tricks were undone (not counting plain repeats)."""
        return self.rejoined + self.leet + min(self.confusables, 5) + min(self.hidden_invisible, 5)


_EMOJI_VS_RE = re.compile(r"(?<=[^\w\s])[\ufe0e\ufe0f]")
_EMOJI_ZWJ_RE = re.compile(r"(?<=[^\w\s])\u200d(?=[^\w\s])")


def _harmless_invisible(text: str) -> int:
    """Invisible characters at both ends of the text and inside emoji sequences."""
    edge = 0
    i = 0
    while i < len(text) and (text[i].isspace() or ord(text[i]) in _INVISIBLE):
        edge += ord(text[i]) in _INVISIBLE
        i += 1
    j = len(text) - 1
    while j >= i and (text[j].isspace() or ord(text[j]) in _INVISIBLE):
        edge += ord(text[j]) in _INVISIBLE
        j -= 1
    inner = text[i : j + 1]
    if inner and not inner.isascii():
        edge += len(_EMOJI_VS_RE.findall(inner)) + len(_EMOJI_ZWJ_RE.findall(inner))
    return edge


def _strip_invisible(text: str) -> tuple[str, int, int, int]:
    """(text without invisible characters, how many, how many of them harmless, combining)."""
    if text.isascii():
        return text, 0, 0, 0
    zero_width = len(_INVISIBLE_RE.findall(text))
    edge = 0
    if zero_width:
        edge = _harmless_invisible(text)
        text = _INVISIBLE_RE.sub("", text)
    # stacked combining marks (more than two on one base letter) are decoration ("Zalgo")
    combining = 0

    def cut(m: re.Match[str]) -> str:
        nonlocal combining
        combining += len(m.group(0)) - 2
        return m.group(1)

    text = _COMBINING_RUN_RE.sub(cut, text)
    return text, zero_width, edge, combining


def _map_confusables(text: str, deob: list[tuple[str, str]]) -> tuple[str, int]:
    """Map look-alike letters inside words that are (partly) written in Latin script.

    A word written entirely in Cyrillic or Greek is left alone when the text around it is
    mostly in that script too (a Russian or Greek comment is not an obfuscation).
    """
    if not any(ch in CONFUSABLES for ch in text):
        return text, 0
    latin = len(_LATIN_LETTER_RE.findall(text))
    foreign = sum(1 for ch in text if ch in CONFUSABLES)
    mostly_latin = latin >= foreign
    count = 0

    def repl(m: re.Match[str]) -> str:
        nonlocal count
        word = m.group(0)
        if not any(ch in CONFUSABLES for ch in word):
            return word
        if not (mostly_latin or _LATIN_LETTER_RE.search(word)):
            return word
        mapped = "".join(CONFUSABLES.get(ch, ch) for ch in word)
        count += sum(1 for ch in word if ch in CONFUSABLES)
        deob.append((word, mapped.lower()))
        return mapped

    return re.sub(r"[^\W_]+", repl, text), count


def _strip_accents(text: str) -> str:
    if text.isascii():
        return text
    decomposed = unicodedata.normalize("NFKD", text)
    stripped = _NON_ASCII_RE.sub(
        lambda m: "" if unicodedata.combining(m.group(0)) else m.group(0), decomposed
    )
    return unicodedata.normalize("NFC", stripped)


def _protect(text: str) -> tuple[str, list[str], list[str], list[str]]:
    """Replace links and e-mail addresses by placeholders so later steps leave them alone."""
    saved: list[str] = []
    urls: list[str] = []
    emails: list[str] = []

    def keep_email(m: re.Match[str]) -> str:
        emails.append(m.group(0))
        saved.append(m.group(0))
        return f"\x00{len(saved) - 1}\x00"

    def keep_url(m: re.Match[str]) -> str:
        url = m.group(0).rstrip(".,;:!?")
        tail = m.group(0)[len(url) :]
        urls.append(url)
        saved.append(url)
        return f"\x00{len(saved) - 1}\x00{tail}"

    if "@" in text:
        text = EMAIL_RE.sub(keep_email, text)
    if "." in text or "://" in text:

        def links_in(m: re.Match[str]) -> str:
            stretch = m.group(0)
            return URL_RE.sub(keep_url, stretch) if _LINK_HINT_RE.search(stretch) else stretch

        text = _STRETCH_RE.sub(links_in, text)
    return text, saved, urls, emails


def _restore(text: str, saved: list[str]) -> str:
    if not saved:
        return text
    return re.sub("\x00(\\d+)\x00", lambda m: saved[int(m.group(1))], text)


def _is_fragment(seg: str) -> bool:
    return len(seg) == 1 or (len(seg) == 2 and seg.lower() not in _COMMON_SHORT)


def one_letter_words_apart(word: str) -> str:
    """A spaced-out run re-joined, with a one-letter word ("a", "I") at either end set apart:
    "aretard" -> "a retard", "retardi" -> "retard i". "what a r e t a r d" cannot be told from
    "a w e s o m e" without knowing the words, so both readings are kept (``alternative_text``).
    A run with fewer than three other letters is left as it is ("a b c")."""
    lead = word[:1].lower() in ("a", "i") and len(word) >= 4
    trail = word[-1:].lower() in ("a", "i") and len(word) - lead >= 4
    middle = word[lead : len(word) - trail]
    return " ".join(filter(None, (word[:lead], middle, word[len(word) - trail :])))


def _rejoin(text: str, deob: list[tuple[str, str]]) -> tuple[str, str, int, list[str]]:
    """(text with split words re-joined, the same with one-letter words apart, how many, the
    spaced-out runs re-joined)."""
    count = 0
    runs: list[str] = []
    apart: list[tuple[int, int, str]] = []  # (start, end, reading) in the re-joined text
    shift = 0

    def chain(m: re.Match[str]) -> str:
        nonlocal count
        s = m.group(0)
        segs = _SEGMENT_RE.findall(s)
        if sum(seg.isdigit() for seg in segs) * 2 >= len(segs):
            return s  # numbers, dates, times, 1,000,000
        if len(segs) <= 3 and all(len(g) == 1 and g.isupper() for g in segs):
            return s  # acronyms: U.S.A., A/B/C
        if sum(_is_fragment(g) for g in segs) * 2 < len(segs):
            return s  # up-to-date, rock-n-roll, mother-in-law
        joined = "".join(segs)
        count += 1
        deob.append((s, joined.lower()))
        return joined

    def spaced(m: re.Match[str]) -> str:
        nonlocal count, shift
        s = m.group(0)
        segs = _SEGMENT_RE.findall(s)
        if all(g.isdigit() for g in segs):
            return s  # phone numbers are looked at by the signals
        if len(segs) <= 3 and all(g.isupper() for g in segs) and "." in s:
            return s  # U. S. A.
        if _TEXTING_RUN_RE.fullmatch(s):
            return s
        joined = "".join(segs)
        count += 1
        deob.append((s.strip(), joined.lower()))
        runs.append(joined)
        reading = one_letter_words_apart(joined)
        if reading != joined:
            start = m.start() + shift
            apart.append((start, start + len(joined), reading))
        shift += len(joined) - len(s)
        return joined

    text = _CHAIN_RE.sub(chain, text)
    text = _SPACED_RE.sub(spaced, text)
    alternative = text
    for start, end, reading in reversed(apart):
        alternative = alternative[:start] + reading + alternative[end:]
    return text, alternative, count, runs


def _deleet(text: str, deob: list[tuple[str, str]]) -> tuple[str, int]:
    count = 0

    def word(m: re.Match[str]) -> str:
        nonlocal count
        w = m.group(0)
        if w.isalpha():
            return w
        # a digit or @/$ between two letters: h0ur, m0ney, ca$h, b1tch, sh1t
        if not re.search(r"[A-Za-z][0-9@$]+[A-Za-z]", w):
            return w  # covid19, 4chan, 2nd, mp3, f35, g20
        if not all(ch.isalpha() or ch in _LEET for ch in w):
            return w  # b2b, a380x, model numbers
        mapped = "".join(_LEET.get(ch, ch) for ch in w)
        count += 1
        deob.append((w, mapped.lower()))
        return mapped

    def number(m: re.Match[str]) -> str:
        nonlocal count
        w = m.group(0)
        if not any(ch in "OoIl" for ch in w):
            return w
        first = re.split(r"[,.]", w, maxsplit=1)[0]
        if not _NUMBER_GROUP_RE.search(w) and sum(ch.isdigit() for ch in first) * 2 < len(first):
            return w  # "l0l" is a word, not a number
        mapped = w.translate(str.maketrans("OoIl", "0011"))
        count += 1
        deob.append((w, mapped))
        return mapped

    text = _NUMBER_LOOKALIKE_RE.sub(number, text)
    text = _LEET_TOKEN_RE.sub(word, text)
    return text, count


_SENTINEL = "\x01"
_SYMBOL_RUN_RE = re.compile(r"\x01(?:\s*\x01){2,}")


def _symbols(text: str) -> tuple[str, int, int]:
    """Replace decorative symbols by spaces; count them and their runs (3+ in a row)."""
    if text.isascii():
        if not _ASCII_DECORATIVE_RE.search(text):
            return text, 0, 0
        marked = _ASCII_DECORATIVE_RE.sub(_SENTINEL, text)
    else:
        marked = _NON_ASCII_RE.sub(
            lambda m: _SENTINEL if _is_decorative(m.group(0)) else m.group(0), text
        )
        marked = _ASCII_DECORATIVE_RE.sub(_SENTINEL, marked)
    decorative = marked.count(_SENTINEL)
    if not decorative:
        return text, 0, 0
    runs = len(_SYMBOL_RUN_RE.findall(marked))
    return marked.replace(_SENTINEL, " "), decorative, runs


def _finish(s: str, links: list[str]) -> tuple[str, int]:
    """Step 7, and the links put back: (text, how many runs of a repeated character)."""
    s, _, _ = _symbols(s)
    s = s.lower()
    squeezed = len(_SQUEEZE_RE.findall(s))
    s = _SQUEEZE_RE.sub(r"\1\1", s)
    s = _SPACE_RE.sub(" ", s).strip()
    return _restore(s, links), squeezed


def normalise(text: str) -> Normalised:
    """Normalise a comment for matching and for the learned models.

    >>> n = normalise("Goog-l-e is paying $8O per ho-u-r ♥♥♥")
    >>> n.text
    'google is paying $80 per hour'
    >>> n.deobfuscated[0]
    ('Goog-l-e', 'google')
    """
    raw = text or ""
    deob: list[tuple[str, str]] = []
    s, zero_width, harmless_invisible, combining = _strip_invisible(raw)
    s = unicodedata.normalize("NFKC", _plain_apostrophes(s)).translate(_CURRENCY_LOOKALIKES)
    s, confusables = _map_confusables(s, deob)
    s = _strip_accents(s)
    s, saved, urls, emails = _protect(s)
    # symbol runs are counted before words are re-joined (p♥a♥y uses ♥ as a separator)
    _, decorative, symbol_runs = _symbols(s)
    s, alternative, rejoined, runs = _rejoin(s, deob)
    before_leet = s
    s, leet = _deleet(s, deob)
    lowered_links = [u.lower() for u in saved]
    if alternative != before_leet:
        alternative = _finish(_deleet(alternative, [])[0], lowered_links)[0]
    s, squeezed = _finish(s, lowered_links)
    tokens = TOKEN_RE.findall(s)
    return Normalised(
        raw=raw,
        text=s,
        text_with_digits=_finish(before_leet, lowered_links)[0] if leet else s,
        alternative_text=alternative if alternative != before_leet else "",
        spaced_runs=[_finish(_deleet(run, [])[0], [])[0] for run in runs],
        tokens=tokens,
        deobfuscated=deob,
        zero_width=zero_width,
        confusables=confusables,
        symbol_runs=symbol_runs,
        decorative=decorative,
        combining=combining,
        squeezed=squeezed,
        leet=leet,
        rejoined=rejoined,
        urls=urls,
        emails=emails,
        harmless_invisible=harmless_invisible,
    )
