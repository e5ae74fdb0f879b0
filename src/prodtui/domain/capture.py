"""The quick-capture line syntax, shared by the overlay and `prodtui capture`.

A line may start with a marker giving its kind (`!` blocker, `>` decision, `+` action,
`?` question, `*` idea, `~` risk, `-` note) or with a word such as `action:`; it may
name an owner (`@marie`), a story (`#US-12`) and a due date (`demain`, `vendredi`,
`2026-12-05`, `05/12`). The text is kept as typed, minus the kind marker: nothing the
user wrote is dropped.
"""

from __future__ import annotations

import re
import unicodedata
from datetime import date, timedelta

from pydantic import BaseModel

from prodtui.domain.items import ItemKind
from prodtui.domain.text import safe_line

MARKERS: dict[str, ItemKind] = {
    "!": ItemKind.BLOCKER,
    ">": ItemKind.DECISION,
    "+": ItemKind.ACTION,
    "?": ItemKind.QUESTION,
    "*": ItemKind.IDEA,
    "~": ItemKind.RISK,
    "-": ItemKind.NOTE,
}

# Accent-folded, lower-case words accepted before a colon, in French and English.
KIND_WORDS: dict[str, ItemKind] = {
    "note": ItemKind.NOTE,
    "action": ItemKind.ACTION,
    "todo": ItemKind.ACTION,
    "blocker": ItemKind.BLOCKER,
    "bloquant": ItemKind.BLOCKER,
    "blocage": ItemKind.BLOCKER,
    "decision": ItemKind.DECISION,
    "question": ItemKind.QUESTION,
    "idee": ItemKind.IDEA,
    "idea": ItemKind.IDEA,
    "risque": ItemKind.RISK,
    "risk": ItemKind.RISK,
}

WEEKDAYS: dict[str, int] = {
    "lundi": 0,
    "mardi": 1,
    "mercredi": 2,
    "jeudi": 3,
    "vendredi": 4,
    "samedi": 5,
    "dimanche": 6,
    "monday": 0,
    "tuesday": 1,
    "wednesday": 2,
    "thursday": 3,
    "friday": 4,
    "saturday": 5,
    "sunday": 6,
}

RELATIVE_DAYS: dict[str, int] = {
    "aujourd'hui": 0,
    "aujourdhui": 0,
    "today": 0,
    "demain": 1,
    "tomorrow": 1,
    "apres-demain": 2,
}


_KIND_WORD = re.compile(r"^\s*([^\W\d_]+)\s*:\s*", re.UNICODE)
_OWNER = re.compile(r"(?<![\w@])@([^\W\d_][\w.\-']*)", re.UNICODE)
_STORY = re.compile(r"(?<!\w)#(US-\d{1,7})\b", re.IGNORECASE)
_ISO = re.compile(r"(?<![\w/-])(\d{4})-(\d{1,2})-(\d{1,2})(?![\w/-])")
_FRENCH = re.compile(r"(?<![\w/-])(\d{1,2})/(\d{1,2})(?:/(\d{4}))?(?![\w/-])")
_WORD = re.compile(r"[\w'’\-]+", re.UNICODE)


def fold(text: str) -> str:
    """Lower-case and strip accents, so `Décision` and `decision` compare equal."""
    decomposed = unicodedata.normalize("NFKD", text.casefold().replace("’", "'"))
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def clean_line(text: str) -> str:
    """One line of text: pasted line breaks become spaces, control characters are shown
    as placeholders (`prodtui.domain.text`), outer spaces go."""
    return safe_line(text).strip()


class ParsedCapture(BaseModel):
    kind: ItemKind = ItemKind.NOTE
    text: str
    owner: str | None = None
    story_key: str | None = None
    due_date: date | None = None
    problems: list[str] = []
    """Message keys for parts that looked meant but could not be understood."""


def parse_capture(line: str, today: date) -> ParsedCapture:
    """Read one captured line; never raises, whatever the input. The text is never cut:
    a line over the limit is refused when the item is validated, with the limit said."""
    text = clean_line(line)
    kind = ItemKind.NOTE
    if text and text[0] in MARKERS:
        kind = MARKERS[text[0]]
        text = text[1:].lstrip()
    elif match := _KIND_WORD.match(text):
        word = fold(match.group(1))
        if word in KIND_WORDS:
            kind = KIND_WORDS[word]
            text = text[match.end() :]
    owner_match = _OWNER.search(text)
    story_match = _STORY.search(text)
    due_date, problems = _find_due_date(text, today)
    return ParsedCapture(
        kind=kind,
        text=text,
        owner=owner_match.group(1) if owner_match else None,
        story_key=story_match.group(1).upper() if story_match else None,
        due_date=due_date,
        problems=problems,
    )


def parse_due_date(text: str, today: date) -> date | None:
    """A due date typed alone in a form field (`vendredi`, `2026-12-05`, `05/12`)."""
    found, _ = _find_due_date(clean_line(text), today)
    return found


PAST_DAYS: dict[str, int] = {"hier": 1, "yesterday": 1, "avant-hier": 2}


def parse_day(text: str, today: date) -> date | None:
    """A day looked back at (stand-up history): `2026-11-20`, `20/11`, `20/11/2026`,
    `hier`, `lundi` (the last one). Without a year, the latest such day up to today."""
    text = clean_line(text)
    folded = fold(text)
    if folded in PAST_DAYS:
        return today - timedelta(days=PAST_DAYS[folded])
    if folded in WEEKDAYS:
        return today - timedelta(days=(today.weekday() - WEEKDAYS[folded]) % 7)
    if match := _FRENCH.fullmatch(text):
        day, month = int(match.group(1)), int(match.group(2))
        if match.group(3):
            return _safe_date(int(match.group(3)), month, day)
        found = _safe_date(today.year, month, day)
        if found and found > today:
            found = _safe_date(today.year - 1, month, day)
        return found
    if _ISO.fullmatch(text) or folded in RELATIVE_DAYS:
        return parse_due_date(text, today)
    return None


def _find_due_date(text: str, today: date) -> tuple[date | None, list[str]]:
    if match := _ISO.search(text):
        year, month, day = (int(g) for g in match.groups())
        found = _safe_date(year, month, day)
        return (found, []) if found else (None, ["capture.bad_date"])
    if match := _FRENCH.search(text):
        day, month = int(match.group(1)), int(match.group(2))
        if match.group(3):
            found = _safe_date(int(match.group(3)), month, day)
        else:
            # Without a year, the next such day from today on.
            found = _safe_date(today.year, month, day)
            if found and found < today:
                found = _safe_date(today.year + 1, month, day)
        return (found, []) if found else (None, ["capture.bad_date"])
    for word in _WORD.findall(text):
        folded = fold(word)
        if folded in RELATIVE_DAYS:
            return today + timedelta(days=RELATIVE_DAYS[folded]), []
        if folded in WEEKDAYS:
            # A weekday is the next one to come, never today: "vendredi" said on a
            # Friday means a week later.
            ahead = (WEEKDAYS[folded] - today.weekday() - 1) % 7 + 1
            return today + timedelta(days=ahead), []
    return None, []


def _safe_date(year: int, month: int, day: int) -> date | None:
    try:
        return date(year, month, day)
    except ValueError:
        return None
