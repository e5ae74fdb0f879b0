"""Every message exists in French and in English, and every key the code uses exists."""

from __future__ import annotations

import re
from datetime import date
from pathlib import Path

from prodtui.i18n import catalogue, format_day, set_language, t

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
    for path in SOURCE.rglob("*.py"):
        used |= set(pattern.findall(path.read_text(encoding="utf-8")))
    used = {key for key in used if not re.search(r"\.(toml|csv|json|md|py|sql|db)$", key)}
    assert used, "the pattern found nothing: it is broken"
    assert used - keys == set()


def test_dates_read_naturally() -> None:
    set_language("fr")
    assert format_day(date(2026, 11, 28)) == "samedi 28 novembre 2026"
    assert format_day(date(2026, 12, 4), short=True) == "ven. 4/12"
    set_language("en")
    assert format_day(date(2026, 11, 28)) == "Saturday 28 November 2026"
    assert t("nav.today") == "Today"
    set_language("fr")
    assert t("nav.today") == "Aujourd'hui"
