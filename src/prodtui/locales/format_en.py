"""How English writes numbers, percentages, sizes and dates, as CLDR `en_GB` does: "2.9",
"1,485", "82%", "1.5 MB", "Friday, 4 December 2026", "Fri 04/12".

The same names as `format_fr.py`; `prodtui.i18n` picks the module of the interface
language. tests/test_french.py checks the output equals Babel's CLDR data.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import Decimal

from prodtui.locales.format_fr import grouped

DECIMAL_SIGN = "."
GROUP_SIGN = ","
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


def number(value: float | Decimal, places: int = 1, *, signed: bool = False) -> str:
    """`2.9`, `1,485.0`; with `signed`, `+0.3` (zero is written without a sign)."""
    text = grouped(value, places, GROUP_SIGN, DECIMAL_SIGN)
    return f"+{text}" if signed and text[0] != "-" and text.strip("0" + DECIMAL_SIGN) else text


def percent(ratio: float, places: int = 0) -> str:
    """`0.82` → `82%`."""
    return number(Decimal(str(ratio)).scaleb(2), places) + PERCENT_SIGN  # 0.145 → 14,5 exactly


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


def day(when: date, *, short: bool = False, year: bool = False) -> str:
    """`Friday, 4 December 2026`; short, `Fri 04/12`, or `Fri, 04/12/2026` with the year
    (CLDR's `full` date, `MEd` and `yMEd` skeletons)."""
    weekday = WEEKDAYS[when.weekday()]
    if short:
        if year:
            return f"{weekday[:3]}, {when.day:02d}/{when.month:02d}/{when.year}"
        return f"{weekday[:3]} {when.day:02d}/{when.month:02d}"
    return f"{weekday}, {when.day} {MONTHS[when.month - 1]} {when.year}"


def numeric_day(when: date) -> str:
    """`04/12/2026` (CLDR's short date)."""
    return f"{when.day:02d}/{when.month:02d}/{when.year}"


def moment(when: datetime) -> str:
    """`04/12/2026, 14:05`: a date and time in a table (CLDR's short date and time)."""
    return f"{numeric_day(when)}, {when.hour:02d}:{when.minute:02d}"


def elides(word: str) -> bool:
    """Whether `a` becomes `an` before `word`: `an admin`."""
    decomposed = unicodedata.normalize("NFKD", word[:1]).lower()
    return bool(decomposed) and decomposed[0] in _VOWELS
