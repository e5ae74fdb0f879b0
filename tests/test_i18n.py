"""Every message exists in French and in English, and every key the code uses exists."""

from __future__ import annotations

import ast
import re
from datetime import date
from pathlib import Path

import pytest

from prodtui.domain.errors import ProdtuiError
from prodtui.i18n import (
    LANGUAGES,
    MissingMessage,
    catalogue,
    elides,
    error_message,
    file_size,
    format_day,
    megabytes,
    number,
    percent,
    plural_form,
    set_language,
    t,
    tn,
)
from prodtui.i18n.keys import enum_keys

SOURCE = Path(__file__).resolve().parent.parent / "src" / "prodtui"


def test_french_and_english_have_the_same_keys() -> None:
    french, english = set(catalogue("fr")), set(catalogue("en"))
    assert french - english == set(), "missing in English"
    assert english - french == set(), "missing in French"


def test_placeholders_match_between_languages() -> None:
    for key, french in catalogue("fr").items():
        english = catalogue("en")[key]
        assert set(re.findall(r"{(\w+)}", french)) == set(re.findall(r"{(\w+)}", english)), key


# A catalogue key as the code writes it: `story.status.ready`, `search.count`.
KEY = re.compile(r"^[a-z][a-z0-9_]*(?:\.[a-z0-9_]+)+$")
FILE_NAME = re.compile(r"\.(?:toml|csv|json|md|py|sql|db|tcss|feature)$")
KEY_CALLS = {"t": 0, "tn": 0, "translate": 1, "message": 0}
"""Functions that take a message key, and the position of the key among their arguments."""


def _sources() -> list[tuple[Path, ast.Module]]:
    return [
        (path, ast.parse(path.read_text(encoding="utf-8"), str(path)))
        for path in sorted(SOURCE.rglob("*.py"))
        if "locales" not in path.relative_to(SOURCE).parts
    ]


def _name(call: ast.Call) -> str:
    func = call.func
    return func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")


def _binding_ids(tree: ast.Module) -> set[str]:
    """Binding ids (`id="inbox.edit"`) look like keys but name key bindings."""
    return {
        str(keyword.value.value)
        for call in ast.walk(tree)
        if isinstance(call, ast.Call) and _name(call) == "Binding"
        for keyword in call.keywords
        if keyword.arg == "id" and isinstance(keyword.value, ast.Constant)
    }


def _strings() -> dict[str, str]:
    """Every string constant of the code, with where it is first written."""
    found: dict[str, str] = {}
    for path, tree in _sources():
        for node in ast.walk(tree):
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                found.setdefault(node.value, f"{path.relative_to(SOURCE)}:{node.lineno}")
    return found


def _written_keys() -> dict[str, str]:
    """The strings shaped like a key of the catalogue's namespaces (file names aside)."""
    spaces = {key.split(".")[0] for key in catalogue("fr")}
    return {
        text: where
        for text, where in _strings().items()
        if KEY.match(text) and not FILE_NAME.search(text) and text.split(".")[0] in spaces
    }


def _call_keys() -> dict[str, str]:
    """The keys given to a function that takes one (`t`, `tn`, `message`, an error's
    constructor), whatever their namespace: a new namespace must exist too."""
    found: dict[str, str] = {}
    for path, tree in _sources():
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call):
                continue
            name = _name(call)
            takes_key = name in KEY_CALLS or name.endswith(("Error", "Refused", "__init__"))
            position = KEY_CALLS.get(name, 0)
            if not takes_key or len(call.args) <= position:
                continue
            key = call.args[position]
            text = key.value if isinstance(key, ast.Constant) else None
            if isinstance(text, str) and KEY.match(text) and not FILE_NAME.search(text):
                found.setdefault(text, f"{path.relative_to(SOURCE)}:{call.lineno}")
    return found


def _exists(key: str, keys: set[str]) -> bool:
    # tn("key", n) and an error's key with a count read key.one and key.other.
    return key in keys or {f"{key}.one", f"{key}.other"} <= keys


def test_every_key_written_in_the_code_exists() -> None:
    keys = set(catalogue("fr"))
    written = _written_keys()
    assert len(written) > 500, "the scan found almost nothing: it is broken"
    written |= _call_keys()
    # Binding ids (`id="inbox.edit"`) have the shape of keys but name key bindings.
    ids = set().union(*(_binding_ids(tree) for _, tree in _sources()))
    missing = {
        key: where for key, where in written.items() if key not in ids and not _exists(key, keys)
    }
    assert missing == {}


def test_every_enum_member_names_a_message_in_both_languages() -> None:
    for language in LANGUAGES:
        keys = set(catalogue(language))
        missing = {key: where for key, where in enum_keys().items() if key not in keys}
        assert missing == {}, language


def test_every_message_is_used() -> None:
    """No orphan: each message is named by a literal key or by an enum member."""
    used = set(_strings()) | set(enum_keys())
    used |= {f"{key}.{form}" for key in used for form in ("one", "other")}
    assert set(catalogue("fr")) - used == set()


def test_keys_are_never_built_at_the_call() -> None:
    """`t(f"kind.{kind}")` would hide its key from the tests above: keys are literals, or
    come from an enum property or a literal table (`*_KEYS`)."""
    built = []
    for path, tree in _sources():
        if path == SOURCE / "i18n" / "__init__.py":
            continue  # tn adds `.one` or `.other`, the one place a key is completed
        for call in ast.walk(tree):
            if not isinstance(call, ast.Call) or _name(call) not in KEY_CALLS:
                continue
            position = KEY_CALLS[_name(call)]
            if len(call.args) > position:
                key = call.args[position]
                if isinstance(key, (ast.JoinedStr, ast.BinOp)) or (
                    isinstance(key, ast.Call) and _name(key) == "format"
                ):
                    built.append(f"{path.relative_to(SOURCE)}:{call.lineno}")
    assert built == []


def test_a_missing_key_is_an_error_never_shown() -> None:
    with pytest.raises(MissingMessage, match=r"no\.such\.message"):
        t("no.such.message")
    with pytest.raises(KeyError):  # MissingMessage is a KeyError
        tn("no.such.count", 2)


def test_dates_read_naturally() -> None:
    set_language("fr")
    assert format_day(date(2026, 11, 28)) == "samedi 28 novembre 2026"
    assert format_day(date(2026, 12, 4), short=True) == "ven. 04/12"
    assert format_day(date(2026, 12, 4), short=True, year=True) == "ven. 04/12/2026"
    set_language("en")
    assert format_day(date(2026, 11, 28)) == "Saturday, 28 November 2026"
    assert format_day(date(2026, 9, 4), short=True) == "Fri 04/09"
    assert t("nav.today") == "Today"
    set_language("fr")
    assert t("nav.today") == "Aujourd'hui"


def test_numbers_percentages_and_sizes_follow_the_language() -> None:
    set_language("fr")
    assert [number(2.94), number(0.3, signed=True), number(0.0, signed=True)] == [
        "2,9",
        "+0,3",
        "0,0",
    ]
    # French puts a narrow no-break space (U+202F) before the percent sign.
    assert percent(0.82) == "82\u202f%"
    assert [file_size(512), file_size(1536), megabytes(1_572_864)] == [
        "512\u00a0o",
        "1,5\u00a0Ko",
        "1,5",
    ]
    set_language("en")
    try:
        assert [number(2.94), number(-0.3, signed=True), percent(0.82)] == ["2.9", "-0.3", "82%"]
        assert [file_size(512), file_size(1536), megabytes(1_572_864)] == ["512 B", "1.5 KB", "1.5"]
    finally:
        set_language("fr")


def test_articles_elide_before_a_vowel() -> None:
    assert [elides(word, "fr") for word in ("usager", "Élu", "agent", "métier")] == [
        True,
        True,
        True,
        False,
    ]
    assert [elides(word, "en") for word in ("admin", "user", "agent")] == [True, False, True]


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
                "Recette\u202f: 2 campagnes, 1 cas de test",
                "Import refusé\u202f: 1 problème, rien n'a été écrit.",
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


def test_every_validity_a_decision_can_have_is_named() -> None:
    from prodtui.domain.homologation import VALIDITY_MONTHS
    from prodtui.domain.security import suggested_validity
    from prodtui.homologation_text import SUGGESTED_VALIDITY_KEYS, VALIDITY_KEYS

    assert set(VALIDITY_KEYS) == set(VALIDITY_MONTHS)
    suggested = {suggested_validity(score / 10) for score in range(51)}
    assert set(SUGGESTED_VALIDITY_KEYS) == suggested


def test_a_rule_of_the_domain_is_said_in_the_users_words() -> None:
    from pydantic import ValidationError

    from prodtui.domain.stories import Sprint

    with pytest.raises(ValidationError) as refused:
        Sprint(name="S1", start_date=date(2026, 12, 4), end_date=date(2026, 12, 1))
    assert error_message(refused.value) == (
        "Le sprint ne peut pas finir avant de commencer\u202f: corrigez les dates."
    )
