"""Wording a French reader checks: records named in French, plurals that agree."""

from __future__ import annotations

import pytest

from prodtui.domain.errors import NotFoundError
from prodtui.i18n import ENTITY_KEYS, error_message, set_language, tn, translate

NARROW = "\u202f"


@pytest.fixture(autouse=True)
def french() -> None:
    set_language("fr")


def test_a_record_not_found_is_named_in_french_not_by_its_table() -> None:
    assert error_message(NotFoundError("stories", 12)) == (
        f"Élément introuvable (une story, n° 12){NARROW}: il a peut-être été supprimé ailleurs."
    )
    assert "measures" not in error_message(NotFoundError("measures", 3))


def test_every_table_a_repository_names_has_its_french_name() -> None:
    for key in ENTITY_KEYS.values():
        assert translate("fr", key).startswith(("un ", "une ")), key
        assert translate("en", key).startswith(("a ", "an ")), key


@pytest.mark.parametrize(
    ("key", "count", "expected"),
    [
        ("story.title", 1, f"Backlog{NARROW}: 1 story"),
        ("story.title", 26, f"Backlog{NARROW}: 26 stories"),
        ("story.count", 0, "0 story"),
        ("story.exported", 1, "1 story exportée vers x.md"),
    ],
)
def test_story_counts_agree(key: str, count: int, expected: str) -> None:
    assert tn(key, count, path="x.md") == expected
