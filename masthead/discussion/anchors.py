"""Finding a quoted passage in an article, before and after the article is edited."""

import html
import re
import unicodedata
from dataclasses import dataclass

from django.core.cache import cache
from django.utils.html import strip_tags

WHITESPACE = re.compile(r"\s+")
TAG = re.compile(r"<[^>]*>")
# The editor writes "<h2>Results</h2><p>The council": a browser's selection reads a space there.
BLOCK_BREAK = re.compile(
    r"</?(?:p|h[1-6]|li|ul|ol|blockquote|pre|div|figure|figcaption|dl|dt|dd)\b[^>]*>|<br\b[^>]*>",
    re.I,
)
FEEDBACK_SPAN = re.compile(r"<span[^>]*\bdata-feedback\b[^>]*>(.*?)</span>", re.S | re.I)
QUOTE_MAX_LENGTH = 1000
CONTEXT_LENGTH = 48
# Within a word: an apostrophe between letters ("council's", "l’Ouest"); a point or a comma
# between digits ("86,000", "3.5"). discussion.js widens a reader's selection by the same rules.
APOSTROPHES = "'’"
NUMBER_SEPARATORS = ".,"
# Scripts written without spaces between words (Chinese, Japanese, Thai, Lao, Khmer, Burmese):
# there a run of letters is a clause, not a word, and a selection is taken as it is.
UNSPACED = re.compile(
    "[\u0e00-\u0eff\u1000-\u109f\u1780-\u17ff\u19e0-\u19ff\u3040-\u30ff\u31f0-\u31ff"
    "\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff66-\uff9f\U00020000-\U0003ffff]"
)


def squeeze(text: str) -> str:
    return WHITESPACE.sub(" ", text).strip()


def _block_texts(article):
    for block in article.body:
        if block.block_type == "paragraph":
            yield block.value.source
        elif block.block_type == "pull_quote":
            yield html.escape(block.value["quote"])
        elif block.block_type == "table":
            # Each cell's text apart, as a selection across cells reads ("07:00 07:40").
            yield TAG.sub(" ", str(block.value))
        elif block.block_type == "grid_table" and block.value:
            # Caption, then the cells row by row, as the page shows them.
            cells = [block.value.get("table_caption") or ""]
            cells += [cell or "" for row in block.value.get("data") or [] for cell in row]
            yield " ".join(html.escape(str(cell)) for cell in cells)


def article_text(article) -> str:
    """The article's readable text, whitespace squeezed, as a browser would select it."""
    # Keyed on the live revision too: an edit scheduled to go live is the latest revision while
    # the old text is still live, and stays the latest once it goes live.
    # ("text2": paragraphs are now words apart; text cached before that joined them.)
    key = (
        f"discussion:article-text2:{article.pk}:{article.live_revision_id}"
        f":{article.latest_revision_id}"
    )
    text = cache.get(key)
    if text is None:
        text = squeeze(" ".join(_readable(source) for source in _block_texts(article)))
        cache.set(key, text, 24 * 3600)
    return text


def _readable(source: str) -> str:
    return html.unescape(strip_tags(BLOCK_BREAK.sub(" ", source)))


def feedback_passages(article) -> list[str]:
    """Passages editors marked as open for feedback (the rich-text "Feedback" feature)."""
    passages = []
    for source in _block_texts(article):
        for inner in FEEDBACK_SPAN.findall(source):
            passage = squeeze(_readable(inner))
            if passage:
                passages.append(passage)
    return passages


@dataclass(frozen=True)
class Location:
    found: bool
    start: int = -1


def locate(text: str, *, quote: str, prefix: str = "", suffix: str = "") -> Location:
    """Where the quote is in the text; with several matches, the one whose context fits best."""
    quote = squeeze(quote)
    if not quote:
        return Location(False)
    starts = [match.start() for match in re.finditer(re.escape(quote), text)]
    if not starts:
        lowered = text.lower()
        starts = [match.start() for match in re.finditer(re.escape(quote.lower()), lowered)]
    if not starts:
        return Location(False)
    # Only as much context as a browser sends and an anchor stores counts: a request may send
    # megabytes, which compared at every match took a minute of CPU.
    prefix = squeeze(prefix[-4 * CONTEXT_LENGTH :])[-CONTEXT_LENGTH:]
    suffix = squeeze(suffix[: 4 * CONTEXT_LENGTH])[:CONTEXT_LENGTH]

    def context_fit(start: int) -> int:
        # The context is compared without the space between it and the quote, which squeezing
        # (or a form) takes off its end: kept in the text, no context would ever line up.
        before = text[max(0, start - len(prefix) - 1) : start].rstrip()
        after = text[start + len(quote) : start + len(quote) + len(suffix) + 1].lstrip()
        return _common_suffix(before, prefix) + _common_prefix(after, suffix)

    return Location(True, max(starts, key=context_fit))


def _common_prefix(a: str, b: str) -> int:
    count = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        count += 1
    return count


def _common_suffix(a: str, b: str) -> int:
    return _common_prefix(a[::-1], b[::-1])


def context_around(text: str, start: int, quote: str) -> tuple[str, str]:
    """The prefix and suffix stored with a new anchor."""
    prefix = text[max(0, start - CONTEXT_LENGTH) : start]
    suffix = text[start + len(quote) : start + len(quote) + CONTEXT_LENGTH]
    return prefix, suffix


def whole_words(text: str, start: int, end: int) -> tuple[int, int]:
    """The span text[start:end] widened to whole words: one that starts or ends inside a word
    takes the rest of it. Letters of every script (accented ones too) and digits make words;
    punctuation at either end stays as it was, and the next word is never taken."""
    while _inside_word(text, start):
        start -= 1
    while _inside_word(text, end):
        end += 1
    return start, end


def _inside_word(text: str, at: int) -> bool:
    """Whether the boundary between text[at - 1] and text[at] falls inside a word."""
    if at <= 0 or at >= len(text):
        return False
    if _letter(text[at - 1]) and _letter(text[at]):
        return True
    return _joins(text, at) or _joins(text, at - 1)


def _joins(text: str, at: int) -> bool:
    """Whether text[at] is an apostrophe or a number's separator inside a word."""
    if at <= 0 or at + 1 >= len(text):
        return False
    before, mark, after = text[at - 1], text[at], text[at + 1]
    if mark in APOSTROPHES:
        return _letter(before) and _letter(after)
    if mark in NUMBER_SEPARATORS:
        return _digit(before) and _digit(after)
    return False


def _letter(char: str) -> bool:
    # Letters, combining marks (a decomposed "é") and numbers: \p{L}, \p{M}, \p{N} in discussion.js.
    return unicodedata.category(char)[0] in "LMN" and not UNSPACED.match(char)


def _digit(char: str) -> bool:
    return unicodedata.category(char) == "Nd"
