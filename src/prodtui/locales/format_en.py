"""How English writes numbers, percentages, sizes and dates: "2.9", "82%", "1.5 MB",
"Saturday 28 November 2026".

The same names as `format_fr.py`; `prodtui.i18n` picks the module of the interface
language.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime

PERCENT_SIGN = "%"
WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
MONTHS = (
    "January",
    "February",
    "March",
    "April",
    "May",
    "June",
    "July",
    "August",
    "September",
    "October",
    "November",
    "December",
)
SIZE_UNITS = ("B", "KB", "MB", "GB")
_VOWELS = "aeio"  # "an admin", but "a user": u is left out on purpose


def number(value: float, places: int = 1, *, signed: bool = False) -> str:
    """`2.9`; with `signed`, `+0.3` (zero is written without a sign)."""
    return f"{value:+.{places}f}" if signed and value else f"{value:.{places}f}"


def percent(ratio: float, places: int = 0) -> str:
    """`0.82` → `82%`."""
    return number(ratio * 100, places) + PERCENT_SIGN


def megabytes(size: int) -> str:
    """A size in bytes as megabytes with one decimal: `1.5`."""
    return number(size / 1_048_576, 1)


def file_size(size: int) -> str:
    """`512 B`, `1.5 KB`, `12.0 MB`: as a file manager shows it."""
    value = float(size)
    for index, unit in enumerate(SIZE_UNITS):
        if value < 1024 or index == len(SIZE_UNITS) - 1:
            return f"{number(value, 0 if index == 0 else 1)} {unit}"
        value /= 1024
    raise AssertionError("unreachable")


def day(when: date, *, short: bool = False) -> str:
    """`Saturday 28 November 2026`, or `Sat 28/11` when short."""
    weekday = WEEKDAYS[when.weekday()]
    if short:
        return f"{weekday[:3]} {when.day}/{when.month}"
    return f"{weekday} {when.day} {MONTHS[when.month - 1]} {when.year}"


def moment(when: datetime) -> str:
    """`04/12/2026 14:05`: a date and time in a table."""
    return when.strftime("%d/%m/%Y %H:%M")


def elides(word: str) -> bool:
    """Whether `a` becomes `an` before `word`: `an admin`."""
    decomposed = unicodedata.normalize("NFKD", word[:1]).lower()
    return bool(decomposed) and decomposed[0] in _VOWELS
