"""French typography and grammar by rule, and one glossary.

Every catalogue message is rendered with sample values in both languages and checked:
elision before a vowel, the narrow no-break space before « : ; ! ? % » and inside « » in
French and never in English, the decimal comma. The number and date formatters are checked against
Babel's CLDR data (the reference: prodtui writes them by hand to keep the start quick).
"""

from __future__ import annotations

import ast
import re
import string
from datetime import date, datetime, timedelta
from pathlib import Path

import pytest
from babel import Locale
from babel.dates import format_date, format_datetime, format_skeleton
from babel.numbers import format_decimal
from hypothesis import given
from hypothesis import strategies as st

from prodtui.i18n import catalogue, elide, formats, translate
from prodtui.i18n.glossary import HINT_FORBIDDEN, TERMS

SOURCE = Path(__file__).resolve().parent.parent / "src" / "prodtui"
NARROW = "\u202f"
BABEL = {"fr": "fr_FR", "en": "en_GB"}
# A value starting with a vowel for every placeholder: « de {x} » must come out « d'usager ».
SAMPLE = "usager"


def rendered(language: str) -> dict[str, str]:
    """Every message of `language`, its placeholders filled with SAMPLE."""
    out = {}
    for key in catalogue(language):
        names = {name for _, name, _, _ in string.Formatter().parse(catalogue(language)[key])}
        params = {name: SAMPLE for name in names if name}
        out[key] = translate(language, key, **params)
    return out


# -- grammar and typography of every message ------------------------------------------------


def test_french_elides_before_a_vowel_in_every_message() -> None:
    wrong = [
        f"{key}: {text}"
        for key, text in rendered("fr").items()
        if re.search(rf"(?<![\w'’-])(de|que|le|la|ne) ({SAMPLE}|[aeiouéèêàâîôû])", text, re.I)
    ]
    assert wrong == []


def test_the_story_sentence_elides() -> None:
    sentence = translate("fr", "story.form", persona="aidant", want="voir", so_that="éviter")
    assert sentence == "En tant qu'aidant, je veux voir afin d'éviter."
    assert translate("fr", "story.form", persona="agent", want="x", so_that="homologuer") == (
        "En tant qu'agent, je veux x afin d'homologuer."
    )
    # An aspirated h keeps its article; English never elides.
    assert elide("afin de {x}", {"x": "hausser le ton"}, "fr") == "afin de {x}"
    assert translate("en", "story.form", persona="aidant", want="x", so_that="y").startswith("As ")


# A sign after a word, a number or a closing mark, in French: a narrow no-break space first.
_AFTER = r"[^\s·•—–→]"


@pytest.mark.parametrize("sign", [":", ";", "!", "?", "%"])
def test_french_puts_a_narrow_no_break_space_before_high_signs(sign: str) -> None:
    wrong = []
    for key, text in rendered("fr").items():
        plain = re.sub(r"\w+://\S+", "", text)  # an address keeps its colon
        if re.search(rf"(?<={_AFTER})[ \u00a0]{re.escape(sign)}", plain) or re.search(
            rf"{_AFTER}{re.escape(sign)}(?=\s|$)(?![ {NARROW}]»)",
            plain,  # « Scénario: » is a keyword
        ):
            wrong.append(f"{key}: {text!r}")
    assert wrong == []


def test_french_guillemets_hold_their_text_with_no_break_spaces() -> None:
    wrong = [
        f"{key}: {text!r}"
        for key, text in rendered("fr").items()
        if re.search(r"«(?!\u202f)|(?<!\u202f)»", text)
    ]
    assert wrong == []


def test_english_has_no_space_before_colons_and_no_narrow_space() -> None:
    wrong = [
        f"{key}: {text!r}"
        for key, text in rendered("en").items()
        if NARROW in text or re.search(rf"(?<={_AFTER}) [:;%]", text)
    ]
    assert wrong == []


def test_french_writes_a_decimal_comma() -> None:
    wrong = [
        f"{key}: {text}"
        for key, text in catalogue("fr").items()
        if re.search(r"(?<![\w.])\d+\.\d+(?![\w.])", text)
    ]
    assert wrong == []
    assert formats("fr").number(2.9) == "2,9" and formats("fr").percent(0.765, 1) == "76,5\u202f%"
    assert formats("fr").number(195_000, 0) == "195\u202f000"
    assert formats("en").number(195_000, 0) == "195,000" and formats("en").percent(0.82) == "82%"


def test_no_hand_made_number_or_date_formatting_in_the_code() -> None:
    # `{x:.1f}`, strftime, a comma put by hand, `{x}%` (a SQL `LIKE "%{x}%"` is no number).
    pattern = re.compile(
        r":\+?,?\.\d+f\}|\.strftime\(|replace\(\"\.\", \",\"\)|(?<!%)\{[^}]*\} ?%\""
    )
    found = []
    for path in SOURCE.rglob("*.py"):
        if path.parent.name == "locales" and path.name.startswith("format_"):
            continue
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1):
            if pattern.search(line):
                found.append(f"{path.relative_to(SOURCE)}:{number}: {line.strip()}")
    assert found == []


# -- the formatters against CLDR (Babel) -----------------------------------------------------


def _cldr_number(value: float, places: int, language: str) -> str:
    pattern = "#,##0" + ("." + "0" * places if places else "")
    return format_decimal(value, format=pattern, locale=BABEL[language])


@pytest.mark.parametrize("language", ["fr", "en"])
@given(
    value=st.floats(min_value=-1e12, max_value=1e12, allow_nan=False)
    | st.integers(-(10**9), 10**9),
    places=st.integers(0, 3),
)
def test_numbers_are_written_as_cldr_writes_them(language: str, value: float, places: int) -> None:
    expected = _cldr_number(value, places, language)
    if expected.lstrip("-").strip("0.,") == "":
        expected = expected.lstrip("-")  # prodtui writes no sign on a value rounded to zero
    assert formats(language).number(value, places) == expected


@pytest.mark.parametrize("language", ["fr", "en"])
@given(ratio=st.floats(min_value=0, max_value=10, allow_nan=False), places=st.integers(0, 2))
def test_percentages_are_written_as_cldr_writes_them(
    language: str, ratio: float, places: int
) -> None:
    pattern = Locale.parse(BABEL[language]).percent_formats[None].pattern
    pattern = pattern.replace("#,##0", "#,##0" + ("." + "0" * places if places else ""))
    expected = format_decimal(ratio, format=pattern, locale=BABEL[language])
    # CLDR fr puts a no-break space before « % »; prodtui puts the narrow one, as before
    # every other high sign (the French rule this test checks above).
    assert formats(language).percent(ratio, places) == expected.replace("\u00a0%", NARROW + "%")


DAYS = [date(2024, 1, 1) + timedelta(days=step * 7 + step % 7) for step in range(120)]


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("day", DAYS, ids=str)
def test_dates_are_written_as_cldr_writes_them(language: str, day: date) -> None:
    locale, written = BABEL[language], formats(language)
    assert written.day(day) == format_date(day, "full", locale=locale)
    assert written.day(day, short=True) == format_skeleton("MEd", day, locale=locale)
    assert written.day(day, short=True, year=True) == format_skeleton("yMEd", day, locale=locale)
    assert written.numeric_day(day) == format_date(day, "short", locale=locale)
    moment = datetime.combine(day, datetime.min.time()) + timedelta(hours=14, minutes=5)
    assert written.moment(moment) == format_datetime(moment, "short", locale=locale)


# -- one glossary, one way of writing hints --------------------------------------------------


@pytest.mark.parametrize("term", TERMS, ids=lambda term: term.concept)
def test_the_catalogue_uses_the_glossary(term: object) -> None:
    from prodtui.i18n.glossary import Term

    assert isinstance(term, Term)
    french = catalogue("fr")
    for key in term.keys:
        assert term.french.lower() in french[key].lower(), (key, french[key])
    wrong = [
        f"{key}: {text}"
        for key, text in french.items()
        for pattern in term.forbidden
        if re.search(pattern, text)
    ]
    assert wrong == []


def _hints(language: str) -> dict[str, str]:
    return {key: text for key, text in catalogue(language).items() if "hint" in key}


_KEY = (
    r"(Ctrl\+\S+|Maj\+\S+|Échap|Entrée|Tab|Suppr|Espace|Esc|Enter|Shift\+\S+|Del|Space|[a-zA-Z?/])"
)


@pytest.mark.parametrize("language", ["fr", "en"])
def test_every_hint_is_written_key_colon_action(language: str) -> None:
    wrong = []
    for key, text in _hints(language).items():
        if language == "fr":
            wrong += [f"{key}: {text}" for pattern in HINT_FORBIDDEN if re.search(pattern, text)]
        else:
            wrong += [f"{key}: {text}" for pattern in (r"\bctrl\+", r"\besc\b", r"\benter\b")]
            wrong = [line for line in wrong if re.search(r"\bctrl\+|\besc\b|\benter\b", line)]
        for segment in text.split(" · "):
            if (
                re.match(rf"{_KEY}( ou {_KEY}| or {_KEY})? [a-zà-ÿ]", segment)
                and ":" not in segment
            ):
                wrong.append(f"{key}: {segment}")
    assert wrong == []


def test_the_glossary_is_documented() -> None:
    doc = (SOURCE.parent.parent / "docs" / "glossary.md").read_text(encoding="utf-8")
    assert all(term.french in doc for term in TERMS)
    assert ast.parse((SOURCE / "i18n" / "glossary.py").read_text(encoding="utf-8"))
