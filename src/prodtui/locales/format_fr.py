"""How French writes numbers, percentages, sizes and dates: « 2,9 », « 82 % »,
« 1,5 Mo », « samedi 28 novembre 2026 ».

One module per language (`format_en.py` has the same names); `prodtui.i18n` picks the one
of the interface language, so that the screens, the exports and the messages agree.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

# A narrow no-break space before the percent sign, as French typography wants: it never
# breaks the line between the number and its sign.
PERCENT_SIGN = "\u202f%"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
MONTHS = (
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
)
SIZE_UNITS = ("o", "Ko", "Mo", "Go")
_VOWELS = "aeiouy"


def number(value: float, places: int = 1, *, signed: bool = False) -> str:
    """`2,9`; with `signed`, `+0,3` (zero is written without a sign)."""
    text = f"{value:+.{places}f}" if signed and value else f"{value:.{places}f}"
    return text.replace(".", ",")


def percent(ratio: float, places: int = 0) -> str:
    """`0.82` → `82 %`."""
    return number(ratio * 100, places) + PERCENT_SIGN


def megabytes(size: int) -> str:
    """A size in bytes as megabytes with one decimal: `1,5`."""
    return number(size / 1_048_576, 1)


def file_size(size: int) -> str:
    """`512 o`, `1,5 Ko`, `12,0 Mo`: as a file manager shows it."""
    value = float(size)
    for index, unit in enumerate(SIZE_UNITS):
        if value < 1024 or index == len(SIZE_UNITS) - 1:
            return f"{number(value, 0 if index == 0 else 1)} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def day(when: date, *, short: bool = False) -> str:
    """`samedi 28 novembre 2026`, or `sam. 28/11` when short."""
    weekday = WEEKDAYS[when.weekday()]
    if short:
        return f"{weekday[:3]}. {when.day}/{when.month}"
    return f"{weekday} {when.day} {MONTHS[when.month - 1]} {when.year}"


def moment(when: datetime) -> str:
    """`04/12/2026 14:05`: a date and time in a table."""
    return when.strftime("%d/%m/%Y %H:%M")


def elides(word: str) -> bool:
    """Whether the article elides before `word`: `qu'usager`, `d'éviter`."""
    decomposed = unicodedata.normalize("NFKD", word[:1]).lower()
    return bool(decomposed) and decomposed[0] in _VOWELS
