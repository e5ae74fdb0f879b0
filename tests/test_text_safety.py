"""Text safety: what a terminal would act on never gets in, and never gets out."""

from __future__ import annotations

import importlib
import pkgutil
import typing
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel

import prodtui.domain
from prodtui.domain.capture import parse_capture
from prodtui.domain.search import parse_snippet
from prodtui.domain.stories import Story
from prodtui.domain.text import (
    PLACEHOLDER,
    clean_line,
    clean_text,
    for_terminal,
    has_unsafe,
    safe_line,
    safe_text,
)
from prodtui.store import open_workspace
from tests.conftest import TODAY
from tests.hostile import CONTROL, ESCAPES, HOSTILE


def test_each_kind_of_unsafe_character_has_a_visible_placeholder() -> None:
    assert safe_text("a\x1b[2Jb") == "a␛[2Jb"
    assert safe_text("bell\x07 nul\x00 del\x7f") == "bell␇ nul␀ del␡"
    assert safe_text("csi\x9b2J nel\x85") == f"csi{PLACEHOLDER}2J nel{PLACEHOLDER}"
    assert safe_text("\u202eevil\u2066x\u2069") == f"{PLACEHOLDER}evil{PLACEHOLDER}x{PLACEHOLDER}"


def test_multi_line_text_keeps_its_lines_and_tabs_a_line_keeps_neither() -> None:
    assert safe_text("un\r\ndeux\rtrois\n\tquatre") == "un\ndeux\ntrois\n\tquatre"
    assert safe_line("un\r\ndeux\rtrois\n\tquatre") == "un deux trois  quatre"


def test_what_people_write_is_left_alone() -> None:
    for text in ("[bold]x[/] $var", "本番 🚀 👩‍💻", "مرحبا שלום", "l’œuvre « citée »", "é\u0301"):
        assert safe_text(text) == text and safe_line(text) == text
        assert not has_unsafe(text)


def test_output_escapes_carriage_returns_too() -> None:
    # A bare CR would let a line overwrite the one before it in a terminal.
    assert for_terminal("ok\rFAUX\n\tsuite") == "ok␍FAUX\n\tsuite"


@given(st.text())
def test_nothing_unsafe_survives_and_nothing_is_dropped(text: str) -> None:
    cleaned = safe_text(text)
    assert not has_unsafe(cleaned)
    assert CONTROL.search(cleaned.replace("\n", "").replace("\t", "")) is None
    assert len(cleaned) == len(text.replace("\r\n", "\n"))
    line = safe_line(text)
    assert CONTROL.search(line) is None and "\n" not in line
    assert CONTROL.search(for_terminal(text).replace("\n", "").replace("\t", "")) is None


def test_models_store_placeholders_not_escapes() -> None:
    story = Story(number=1, title=f"Budget {ESCAPES}", description=HOSTILE)
    assert CONTROL.search(story.title) is None
    assert "\n" not in story.title
    assert "␛]52;c;" in story.title
    assert "[bold]gras[/]" in story.description


def test_search_snippet_marks_still_point_at_the_words() -> None:
    text, marks = parse_snippet("avant \x1b[2J \x02rouge\x03 \u202eaprès")
    assert text == f"avant ␛[2J rouge {PLACEHOLDER}après"
    assert [text[a:b] for a, b in marks] == ["rouge"]


# Text fields that hold no free text: identifiers built by the app, message keys, choices
# checked by a pattern. Every other text field of a domain model is cleaned on the way in.
NOT_FREE_TEXT = {
    ("AuditEntry", "entity"),
    ("AuditEntry", "field"),
    ("ParsedCapture", "problems"),
    ("ParsedCapture", "text"),  # made by clean_line, then stored through Item
    ("ParsedCapture", "owner"),
    ("ParsedCapture", "story_key"),
    ("Draft", "key"),
    ("HomologationStep", "key"),
    ("ReadinessCheck", "key"),
    ("SearchHit", "key"),
    ("SearchHit", "snippet"),  # cleaned by parse_snippet, which keeps the marks in place
    ("AutomatedResult", "position"),
    ("TestCase", "tags"),  # split and cleaned by its own validator
    ("Execution", "case_snapshot"),
}


def _text_fields() -> list[tuple[str, str, list[typing.Any]]]:
    fields = []
    for module in pkgutil.iter_modules(prodtui.domain.__path__):
        # The shipped demo and referentials: stored through the records' own models.
        if module.name == "sample":
            continue
        loaded = importlib.import_module(f"prodtui.domain.{module.name}")
        for value in vars(loaded).values():
            if not (isinstance(value, type) and issubclass(value, BaseModel)):
                continue
            if value.__module__ != loaded.__name__:
                continue
            for name, field in value.model_fields.items():
                annotation = field.annotation
                if annotation is str or str in typing.get_args(annotation):
                    fields.append((value.__name__, name, field.metadata))
                elif typing.get_origin(annotation) is list:
                    # list[CleanLine]: the validator sits on the item type.
                    [item] = typing.get_args(annotation)
                    if item is str or typing.get_origin(item) is typing.Annotated:
                        fields.append(
                            (value.__name__, name, list(getattr(item, "__metadata__", [])))
                        )
    return fields


@pytest.mark.parametrize(("model", "name", "metadata"), _text_fields())
def test_every_free_text_field_is_cleaned(
    model: str, name: str, metadata: list[typing.Any]
) -> None:
    if (model, name) in NOT_FREE_TEXT or any(getattr(m, "pattern", None) for m in metadata):
        return
    validators = {getattr(m, "func", None) for m in metadata}
    assert validators & {clean_text, clean_line}, (
        f"{model}.{name} takes any text: annotate it CleanText or CleanLine"
    )


@pytest.mark.parametrize("source", ["settings", "environment"])
def test_the_audit_author_is_one_safe_line(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, source: str
) -> None:
    hostile = "Camille\x1b[2J\x9b\u202e"
    monkeypatch.setenv("USER", hostile)
    workspace = open_workspace(tmp_path / "ws.db", author=hostile if source == "settings" else "")
    item = workspace.items.capture(parse_capture("note", TODAY), source="cli")
    [entry] = workspace.audit.history("items", item.id or 0)
    raw = workspace.rows("SELECT author FROM audit_log")[0]["author"]
    workspace.close()
    assert raw == entry.author == f"Camille␛[2J{PLACEHOLDER}{PLACEHOLDER}"
