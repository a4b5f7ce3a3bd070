"""Readers for the labelled moderation sets (``/work/shared/data/moderation`` layout).

Each reader returns a list of :class:`Example`. Texts are cleaned of the sets' own markup (HTML
entities and tags in the YouTube and Davidson sets, ``@USER``/``URL`` placeholders in OLID are
kept as they are) but are *not* normalised: :func:`normalise` runs inside the featuriser.
"""

from __future__ import annotations

import csv
import html
import re
from dataclasses import dataclass
from pathlib import Path

__all__ = [
    "Example",
    "read_davidson",
    "read_olid",
    "read_sms",
    "read_youtube",
]

_TAG_RE = re.compile(r"<[^>]+>")
_BR_RE = re.compile(r"<br\s*/?>", re.IGNORECASE)


@dataclass(frozen=True)
class Example:
    text: str
    label: int  # 1 = spam / abusive, 0 = ham / acceptable
    source: str  # "youtube:Psy", "sms", "davidson", "olid"
    weight: float = 1.0
    extra: str = ""  # e.g. the Davidson class or the OLID subtask labels


def clean_html(text: str) -> str:
    """Drop HTML tags (keeping their text) and decode entities."""
    text = _BR_RE.sub("\n", text)
    text = _TAG_RE.sub(" ", text)
    return html.unescape(html.unescape(text)).strip()


def read_youtube(data_dir: str | Path) -> list[Example]:
    folder = Path(data_dir) / "youtube-spam-collection"
    out: list[Example] = []
    for path in sorted(folder.glob("Youtube*.csv")):
        video = path.stem.split("-", 1)[-1]
        with path.open(encoding="utf-8", newline="") as fh:
            for row in csv.DictReader(fh):
                out.append(
                    Example(clean_html(row["CONTENT"]), int(row["CLASS"]), f"youtube:{video}")
                )
    return out


def read_sms(data_dir: str | Path) -> list[Example]:
    path = Path(data_dir) / "sms-spam-collection" / "SMSSpamCollection.tsv"
    out: list[Example] = []
    with path.open(encoding="utf-8") as fh:
        for i, line in enumerate(fh):
            line = line.rstrip("\r\n")
            if not line or (i == 0 and line.startswith("Label\t")):
                continue
            label, _, text = line.partition("\t")
            out.append(Example(text, 1 if label == "spam" else 0, "sms"))
    return out


def read_davidson(data_dir: str | Path) -> list[Example]:
    """Davidson et al. 2017. ``label`` is 1 for hate speech or offensive language.

    ``extra`` holds ``"hate"``, ``"offensive"`` or ``"neither"``; ``weight`` is the share of
    annotators who called the tweet hate speech (used by the trainer as a soft label).
    """
    path = Path(data_dir) / "davidson-hate-offensive" / "labeled_data.csv"
    names = {0: "hate", 1: "offensive", 2: "neither"}
    out: list[Example] = []
    with path.open(encoding="utf-8", newline="") as fh:
        for row in csv.DictReader(fh):
            cls = int(row["class"])
            hate_share = int(row["hate_speech"]) / max(int(row["count"]), 1)
            out.append(
                Example(
                    clean_html(row["tweet"]),
                    0 if cls == 2 else 1,
                    "davidson",
                    weight=hate_share,
                    extra=names[cls],
                )
            )
    return out


def read_olid(data_dir: str | Path) -> list[Example]:
    """OLID v1.0 training file (OffensEval 2019 sub-task A): 1 = OFF, 0 = NOT."""
    path = Path(data_dir) / "olid" / "olid-training-v1.0.tsv"
    out: list[Example] = []
    with path.open(encoding="utf-8", errors="replace", newline="") as fh:
        for i, line in enumerate(fh):
            line = line.rstrip("\r\n")
            if i == 0 or not line:
                continue
            parts = line.split("\t")
            if len(parts) < 5:
                continue
            _id, tweet, a, b, c = parts[:5]
            out.append(Example(tweet, 1 if a == "OFF" else 0, "olid", extra=f"{b}/{c}"))
    return out
