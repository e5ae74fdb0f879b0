"""The quick-capture syntax: examples, then properties over any input."""

from __future__ import annotations

from datetime import date

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from prodtui.domain.capture import clean_line, parse_capture, parse_due_date
from prodtui.domain.items import MAX_TEXT, Item, ItemKind
from tests.conftest import TODAY  # a Friday


@pytest.mark.parametrize(
    ("line", "kind", "text"),
    [
        ("! la recette est bloquée", ItemKind.BLOCKER, "la recette est bloquée"),
        ("> on livre jeudi", ItemKind.DECISION, "on livre jeudi"),
        ("+ appeler la DSI", ItemKind.ACTION, "appeler la DSI"),
        ("? qui valide l'homologation", ItemKind.QUESTION, "qui valide l'homologation"),
        ("* tutoriel vidéo", ItemKind.IDEA, "tutoriel vidéo"),
        ("~ fin du contrat d'hébergement", ItemKind.RISK, "fin du contrat d'hébergement"),
        ("- simple note", ItemKind.NOTE, "simple note"),
        ("simple note", ItemKind.NOTE, "simple note"),
        ("Décision : on garde le formulaire", ItemKind.DECISION, "on garde le formulaire"),
        ("bloquant: pas d'accès", ItemKind.BLOCKER, "pas d'accès"),
        ("risk: contract ends", ItemKind.RISK, "contract ends"),
        ("Lundi: réunion", ItemKind.NOTE, "Lundi: réunion"),
    ],
)
def test_kinds(line: str, kind: ItemKind, text: str) -> None:
    parsed = parse_capture(line, TODAY)
    assert (parsed.kind, parsed.text) == (kind, text)


@pytest.mark.parametrize(
    ("words", "expected"),
    [
        ("demain", date(2026, 11, 28)),
        ("aujourd'hui", TODAY),
        ("aujourd’hui", TODAY),
        ("après-demain", date(2026, 11, 29)),
        ("tomorrow", date(2026, 11, 28)),
        ("lundi", date(2026, 11, 30)),
        ("vendredi", date(2026, 12, 4)),  # said on a Friday: next week
        ("Samedi", date(2026, 11, 28)),
        ("2026-12-05", date(2026, 12, 5)),
        ("05/12", date(2026, 12, 5)),
        ("15/01", date(2027, 1, 15)),  # past this year: next year
        ("27/11", TODAY),
        ("3/2/2027", date(2027, 2, 3)),
    ],
)
def test_due_dates(words: str, expected: date) -> None:
    assert parse_capture(f"+ faire la chose {words}", TODAY).due_date == expected
    assert parse_due_date(words, TODAY) == expected


@pytest.mark.parametrize("words", ["2026-02-30", "31/04", "2026-13-01", "30/02/2027"])
def test_impossible_dates_are_reported_and_kept_in_the_text(words: str) -> None:
    parsed = parse_capture(f"+ livrer le {words}", TODAY)
    assert parsed.due_date is None
    assert parsed.problems == ["capture.bad_date"]
    assert words in parsed.text


def test_owner_and_story() -> None:
    parsed = parse_capture("+ relire #us-42 avec @marie.dupont demain", TODAY)
    assert parsed.owner == "marie.dupont"
    assert parsed.story_key == "US-42"
    assert parsed.due_date == date(2026, 11, 28)
    assert parse_capture("écrire à contact@beta.gouv.fr", TODAY).owner is None


def test_pasted_lines_and_control_characters_become_one_clean_line() -> None:
    parsed = parse_capture("+ première ligne\r\ndeuxième\tligne\x1b[31m\x07\x9b2J\u202eabc", TODAY)
    assert parsed.text == "première ligne deuxième ligne␛[31m␇\ufffd2J\ufffdabc"
    assert parsed.kind is ItemKind.ACTION


def test_wide_characters_and_emoji_are_kept() -> None:
    parsed = parse_capture("> 🚀 mise en production 本番 @zoé", TODAY)
    assert parsed.text == "🚀 mise en production 本番 @zoé"
    assert parsed.owner == "zoé"


def test_very_long_text_is_never_cut_but_refused_by_the_item() -> None:
    parsed = parse_capture("a" * (MAX_TEXT + 5), TODAY)
    assert len(parsed.text) == MAX_TEXT + 5
    with pytest.raises(ValidationError, match="at most 10000"):
        Item(text=parsed.text)


@given(st.text(max_size=300), st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 1, 1)))
def test_any_line_parses_without_error(line: str, today: date) -> None:
    parsed = parse_capture(line, today)
    assert parsed.text == parsed.text.strip()
    assert "\n" not in parsed.text and "\r" not in parsed.text
    # Nothing typed is dropped but the kind marker (and control characters).
    assert parsed.text in clean_line(line)
    if parsed.due_date is not None:
        assert parsed.due_date >= today or parsed.problems == []


@given(
    st.sampled_from(["!", ">", "+", "?", "*", "~", "-"]),
    st.text(alphabet=st.characters(blacklist_categories=("Cc", "Cs")), min_size=1, max_size=80),
)
def test_markers_always_give_their_kind(marker: str, rest: str) -> None:
    parsed = parse_capture(marker + rest, TODAY)
    assert parsed.kind is not ItemKind.NOTE or marker == "-"
    assert parsed.text == clean_line(rest)


@given(st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31)))
def test_iso_dates_round_trip(day: date) -> None:
    assert parse_capture(f"+ échéance {day.isoformat()}", TODAY).due_date == day


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("2026-11-20", date(2026, 11, 20)),
        ("20/11", date(2026, 11, 20)),
        ("15/12", date(2025, 12, 15)),  # in the future this year: last year's
        ("3/2/2024", date(2024, 2, 3)),
        ("hier", date(2026, 11, 26)),
        ("aujourd'hui", TODAY),
        ("lundi", date(2026, 11, 23)),
        ("vendredi", TODAY),
        ("31/02", None),
        ("n'importe quoi", None),
        ("", None),
    ],
)
def test_days_looked_back_at(text: str, expected: date | None) -> None:
    from prodtui.domain.capture import parse_day

    assert parse_day(text, TODAY) == expected
