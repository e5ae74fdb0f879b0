"""How French writes numbers, percentages, sizes and dates, as CLDR `fr` does: « 2,9 »,
« 1 485 », « 82 % », « 1,5 Mo », « vendredi 4 décembre 2026 », « ven. 04/12 ».

One module per language (`format_en.py` has the same names); `prodtui.i18n` picks the one
of the interface language, so that the screens, the exports and the messages agree.
Written by hand rather than through Babel, which costs tens of milliseconds at start-up;
tests/test_french.py checks the output equals Babel's CLDR data over many values.
"""

from __future__ import annotations

import unicodedata
from datetime import date, datetime
from decimal import ROUND_HALF_EVEN, Decimal

# The narrow no-break space: groups thousands (1 485) and stands before « % » (CLDR puts a
# plain no-break space there; one space for every sign, as the French rule asks).
NARROW_SPACE = "\u202f"
DECIMAL_SIGN = ","
GROUP_SIGN = NARROW_SPACE
PERCENT_SIGN = NARROW_SPACE + "%"
WEEKDAYS = ("lundi", "mardi", "mercredi", "jeudi", "vendredi", "samedi", "dimanche")
SHORT_WEEKDAYS = ("lun.", "mar.", "mer.", "jeu.", "ven.", "sam.", "dim.")
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
# Words whose h is aspirated: no elision before them (« de haut en bas », « le handicap »).
_ASPIRATED_H = (
    *("hache", "haine", "hall", "handicap", "hangar", "hasard", "hâte", "haut", "hausse"),
    *("héros", "hibou", "hiérarchi", "hollandais", "honte", "hors", "housse", "hurl"),
)


def grouped(value: float | Decimal, places: int, group: str, decimal_sign: str) -> str:
    """`value` rounded half to even at `places` decimals (as CLDR does, on the decimal
    written by Python: 2.675 → 2.68), its thousands grouped with `group`."""
    rounded = Decimal(str(value)).quantize(Decimal(1).scaleb(-places), ROUND_HALF_EVEN)
    # A value that rounds to zero is written without a sign (CLDR would write « -0,0 »).
    sign, text = ("-", f"{-rounded:f}") if rounded < 0 else ("", f"{abs(rounded):f}")
    whole, _, fraction = text.partition(".")
    groups = [whole[max(0, end - 3) : end] for end in range(len(whole), 0, -3)]
    return sign + group.join(reversed(groups)) + (decimal_sign + fraction if fraction else "")


def number(value: float | Decimal, places: int = 1, *, signed: bool = False) -> str:
    """`2,9`, `1 485,0`; with `signed`, `+0,3` (zero is written without a sign)."""
    text = grouped(value, places, GROUP_SIGN, DECIMAL_SIGN)
    return f"+{text}" if signed and text[0] != "-" and text.strip("0" + DECIMAL_SIGN) else text


def percent(ratio: float, places: int = 0) -> str:
    """`0.82` → `82 %`."""
    return number(Decimal(str(ratio)).scaleb(2), places) + PERCENT_SIGN  # 0.145 → 14,5 exactly


def megabytes(size: int) -> str:
    """A size in bytes as megabytes with one decimal: `1,5`."""
    return number(size / 1_048_576, 1)


def file_size(size: int) -> str:
    """`512 o`, `1,5 Ko`, `12,0 Mo`: as a file manager shows it."""
    value = float(size)
    for index, unit in enumerate(SIZE_UNITS):
        if value < 1024 or index == len(SIZE_UNITS) - 1:
            return f"{number(value, 0 if index == 0 else 1)}\u00a0{unit}"
        value /= 1024
    raise AssertionError("unreachable")


def day(when: date, *, short: bool = False, year: bool = False) -> str:
    """`vendredi 4 décembre 2026`; short, `ven. 04/12` (as narrow as a table column
    wants), or `ven. 04/12/2026` with the year (CLDR's `full` date, `MEd` and `yMEd`
    skeletons)."""
    if short:
        text = f"{SHORT_WEEKDAYS[when.weekday()]} {when.day:02d}/{when.month:02d}"
        return f"{text}/{when.year}" if year else text
    return f"{WEEKDAYS[when.weekday()]} {when.day} {MONTHS[when.month - 1]} {when.year}"


def numeric_day(when: date) -> str:
    """`04/12/2026` (CLDR's short date)."""
    return f"{when.day:02d}/{when.month:02d}/{when.year}"


def moment(when: datetime) -> str:
    """`04/12/2026 14:05`: a date and time in a table (CLDR's short date and time)."""
    return f"{numeric_day(when)} {when.hour:02d}:{when.minute:02d}"


def elides(word: str) -> bool:
    """Whether the article elides before `word`: `qu'usager`, `d'éviter`, `d'homologuer`,
    but `de haut`."""
    decomposed = unicodedata.normalize("NFKD", word[:1]).lower()
    if decomposed[:1] == "h":
        return not word.lower().startswith(_ASPIRATED_H) and len(word) > 1
    return bool(decomposed) and decomposed[0] in _VOWELS
