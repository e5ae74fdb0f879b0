"""Every message exists in French and in English, and every key the code uses exists."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

import pytest

from prodtui.domain.errors import ProdtuiError
from prodtui.i18n import (
    catalogue,
    error_message,
    format_day,
    plural_form,
    set_language,
    t,
    tn,
)

SOURCE = Path(__file__).resolve().parent.parent / "src" / "prodtui"


def test_french_and_english_have_the_same_keys() -> None:
    french, english = set(catalogue("fr")), set(catalogue("en"))
    assert french - english == set(), "missing in English"
    assert english - french == set(), "missing in French"


def test_placeholders_match_between_languages() -> None:
    for key, french in catalogue("fr").items():
        english = catalogue("en")[key]
        assert set(re.findall(r"{(\w+)}", french)) == set(re.findall(r"{(\w+)}", english)), key


def test_every_literal_key_used_in_the_code_exists() -> None:
    keys = set(catalogue("fr"))
    used: set[str] = set()
    pattern = re.compile(
        r"""(?:\bt\(|Binding\([^)]*?,\s*[^,]*?,\s*|Error\()\s*["']([a-z_]+(?:\.[a-z_]+)+)["']"""
    )
    # tn("key", count) reads key.one and key.other.
    plural = re.compile(r"""\btn\(\s*["']([a-z_]+(?:\.[a-z_]+)+)["']""")
    for path in SOURCE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        used |= set(pattern.findall(text))
        used |= {f"{key}.{form}" for key in plural.findall(text) for form in ("one", "other")}
    used = {key for key in used if not re.search(r"\.(toml|csv|json|md|py|sql|db)$", key)}
    assert used, "the pattern found nothing: it is broken"
    # An error's key with a count may name key.one and key.other (see error_message).
    missing = {key for key in used - keys if not {f"{key}.one", f"{key}.other"} <= keys}
    assert missing == set()


def test_dates_read_naturally() -> None:
    set_language("fr")
    assert format_day(date(2026, 11, 28)) == "samedi 28 novembre 2026"
    assert format_day(date(2026, 12, 4), short=True) == "ven. 4/12"
    set_language("en")
    assert format_day(date(2026, 11, 28)) == "Saturday 28 November 2026"
    assert t("nav.today") == "Today"
    set_language("fr")
    assert t("nav.today") == "Aujourd'hui"


def test_counts_read_as_singular_or_plural() -> None:
    set_language("en")
    try:
        assert tn("search.count", 1) == "1 result"
        assert tn("search.count", 10) == "10 results"
        assert tn("search.count", 0) == "0 results"
        assert tn("raci.title_count", 1).startswith("RACI · 1 activity ·")
        assert tn("raci.title_count", 10).startswith("RACI · 10 activities ·")
        assert tn("today.inbox_count", 1) == "1 capture to triage"
        assert tn("today.inbox_count", 7) == "7 captures to triage"
        assert "(s)" not in tn("review.pending", 1) and "(ies)" not in tn("raci.title_count", 2)
    finally:
        set_language("fr")
    assert tn("search.count", 0) == "0 résultat"
    assert tn("search.count", 1) == "1 résultat"
    assert tn("search.count", 2) == "2 résultats"
    assert [plural_form(n, "fr") for n in (0, 1, 2)] == ["one", "one", "other"]
    assert [plural_form(n, "en") for n in (0, 1, 2)] == ["other", "one", "other"]


def test_no_parenthesised_plural_is_left_in_english() -> None:
    """Counts read "1 result" and "2 results", never "result(s)"."""
    left = {key for key, text in catalogue("en").items() if re.search(r"\w\((s|es|ies)\)", text)}
    assert left == set(), left


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        (
            "fr",
            [
                "1 brouillon non enregistré retrouvé",
                "2 brouillons non enregistrés retrouvés",
                "✓ 1 scénario valide",
                "✓ 2 scénarios valides",
                "Recette : 2 campagnes, 1 cas de test",
                "Import refusé : 1 problème, rien n'a été écrit.",
            ],
        ),
        (
            "en",
            [
                "1 unsaved draft found",
                "2 unsaved drafts found",
                "✓ 1 valid scenario",
                "✓ 2 valid scenarios",
                "Acceptance · 2 campaigns · 1 test case",
                "Import refused: 1 problem found; nothing was written.",
            ],
        ),
    ],
)
def test_converted_messages_agree_with_their_count(language: str, expected: list[str]) -> None:
    set_language(language)
    try:
        title = t(
            "recette.title",
            campaigns=tn("recette.campaigns", 2),
            cases=tn("recette.test_cases", 1),
        )
        assert [
            tn("drafts.title", 1),
            tn("drafts.title", 2),
            tn("story.scenarios", 1),
            tn("story.scenarios", 2),
            title,
            error_message(ProdtuiError("story.import_refused", count=1)),
        ] == expected
    finally:
        set_language("fr")
