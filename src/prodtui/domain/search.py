"""Global search: what a hit is, and how the user's raw text becomes search terms."""

from __future__ import annotations

import re
import unicodedata
from datetime import date
from enum import StrEnum

from pydantic import BaseModel

from prodtui.domain.text import CleanLine, safe_line

# Where snippet() marks the matched words: control characters, which CleanText keeps out
# of every stored text (as placeholders), so they cannot collide with what the user wrote.
MARK_START = "\x02"
MARK_END = "\x03"

# Letters and digits of any script; everything else (quotes, `*`, `-`, `:`, brackets,
# underscores…) separates words, as in the index's unicode61 tokenizer.
_TERM = re.compile(r"[^\W_]+")
MAX_TERMS = 12
# The word being typed matches as a prefix from this many characters on: a one-letter
# prefix would read the whole vocabulary.
PREFIX_MIN = 2
# unicode61 folds accents but not the ligatures: the index holds them spelt out (migration
# 5), and so must the query, so "coeur" and "cœur" find each other.
LIGATURES = str.maketrans({"œ": "oe", "Œ": "OE", "æ": "ae", "Æ": "AE"})


class SearchKind(StrEnum):
    STORY = "story"
    CAPTURE = "capture"
    STANDUP = "standup"
    EXECUTION = "execution"
    MEASURE = "measure"
    RISK = "risk"
    MILESTONE = "milestone"

    @property
    def label_key(self) -> str:
        return f"search.kind.{self.value}"


class SearchHit(BaseModel):
    """One result: what it is, how the user names it, and the matched words in context."""

    kind: SearchKind
    ref: int
    """The id of the row in its own table (story, item, stand-up entry, execution…)."""
    key: str
    """US-12, #45, TC-3, PROT-03, the day of a stand-up entry; "" when there is none."""
    title: CleanLine
    snippet: str
    """Plain text around the match; `marks` says which parts matched."""
    marks: list[tuple[int, int]] = []
    rank: float
    """bm25: lower is better."""
    day: date | None = None
    person_id: int | None = None
    case_id: int | None = None

    def marked(self, start: str, end: str) -> str:
        """The snippet with each matched part between `start` and `end`."""
        parts: list[str] = []
        position = 0
        for first, last in self.marks:
            parts += [self.snippet[position:first], start, self.snippet[first:last], end]
            position = last
        parts.append(self.snippet[position:])
        return "".join(parts)


def search_phrases(query: str) -> list[str]:
    """The phrases of a raw query, at most MAX_TERMS: each run of text between spaces
    gives one, its letters and digits kept in order ("US-12" → "US 12", l'accès →
    "l accès"), so a key or an elision matches as typed; œ and æ are spelt oe, ae."""
    phrases = []
    for chunk in unicodedata.normalize("NFC", query).translate(LIGATURES).split():
        words = _TERM.findall(chunk)
        if words:
            phrases.append(" ".join(words))
    return phrases[:MAX_TERMS]


def prefix_last(query: str, phrases: list[str]) -> bool:
    """Whether the last word is still being typed (no space after it) and long enough."""
    if not phrases or query[-1:].isspace():
        return False
    return len(phrases[-1].rsplit(" ", 1)[-1]) >= PREFIX_MIN


def parse_snippet(raw: str) -> tuple[str, list[tuple[int, int]]]:
    """Split a snippet with MARK_START / MARK_END into plain text and matched spans."""
    text: list[str] = []
    marks: list[tuple[int, int]] = []
    length = 0
    start: int | None = None
    for char in raw:
        if char == MARK_START:
            start = length
        elif char == MARK_END:
            if start is not None and length > start:
                marks.append((start, length))
            start = None
        else:
            text.append(char)
            length += 1
    # The snippet's white space is already one space each: what is left to make safe is
    # replaced one character for one, so the marks still point at the matched words.
    return safe_line("".join(text)), marks
