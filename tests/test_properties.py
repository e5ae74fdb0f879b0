"""Any text through the parsers, checks and round trips: control characters, brackets,
markup, right-to-left and wide text, very long lines. Nothing raises but the documented
user errors, and a round trip gives back the (cleaned) text exactly."""

from __future__ import annotations

import io
import sqlite3
import tempfile
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, assume, given, settings
from hypothesis import strategies as st
from pydantic import ValidationError

from prodtui.app.workspace_dump import dump_workspace, restore_workspace
from prodtui.domain.capture import parse_capture
from prodtui.domain.items import Item
from prodtui.domain.people import Person
from prodtui.domain.risks import Criterion, Risk
from prodtui.domain.search import MAX_TERMS, search_phrases
from prodtui.domain.stories import FIBONACCI, Epic, Priority, Sprint, Story, StoryStatus
from prodtui.domain.text import has_unsafe, safe_line
from prodtui.exchange.gherkin import check_gherkin
from prodtui.exchange.stories_csv import parse_stories_csv, stories_to_csv
from prodtui.store import Workspace, open_workspace
from prodtui.store.search import match_expression
from prodtui.store.table_copy import data_tables

PIECES = st.sampled_from(
    [
        "\x1b[2J",
        "\x1b]52;c;eA==\x07",
        "\x9b31m",
        "\x85",
        "\u202e",
        "\u2066",
        "\x00",
        "\x7f",
        "\x0b",
        "\x1c",
        "\r\n",
        "\r",
        "\n",
        "\t",
        "\u2028",
        "[b]",
        "[/]",
        "[link=https://x]",
        "$x",
        "'",
        '"',
        ",",
        ";",
        "=",
        "@",
        "#US-3",
        "本番",
        "مرحبا",
        "é",
        "x" * 3_000,
    ]
)
TEXT = st.lists(st.one_of(st.text(max_size=12), PIECES), max_size=8).map("".join)
"""Arbitrary text (never a lone surrogate), with hostile pieces mixed in."""
LINE = TEXT.map(lambda text: text[:150].strip()).filter(bool)
"""A name or title: one-line fields are read back without their outer spaces."""
FEW = settings(max_examples=60, deadline=None)


# --- The capture parser ----------------------------------------------------------------------


@FEW
@given(line=TEXT, today=st.dates(date(2000, 1, 1), date(2100, 12, 31)))
def test_the_capture_parser_takes_any_line(line: str, today: date) -> None:
    parsed = parse_capture(line, today)
    # Nothing is cut, nothing unsafe kept: only a leading marker or kind word is taken off.
    assert safe_line(line).strip().endswith(parsed.text)
    for value in (parsed.text, parsed.owner or "", parsed.story_key or ""):
        assert not has_unsafe(value, multiline=False)
    try:
        item = Item(
            kind=parsed.kind, text=parsed.text, owner=parsed.owner, due_date=parsed.due_date
        )
    except ValidationError as error:  # the documented refusals: empty, or over the limit
        assert {problem["type"] for problem in error.errors()} <= {
            "string_too_short",
            "string_too_long",
        }
    else:
        assert item.text == parsed.text


# --- The Gherkin check -----------------------------------------------------------------------


@FEW
@given(text=TEXT, language=st.sampled_from(["fr", "en", "de", "xx"]))
def test_the_gherkin_check_takes_any_text(text: str, language: str) -> None:
    check = check_gherkin(text, language)
    assert check.ok or check.errors
    assert all(error.line >= 1 and not has_unsafe(error.message) for error in check.errors)


# --- The stories CSV round trip --------------------------------------------------------------


@FEW
@given(
    st.lists(
        st.builds(
            Story,
            number=st.integers(1, 10_000),
            title=LINE,
            persona=LINE | st.just(""),
            want=LINE | st.just(""),
            so_that=LINE | st.just(""),
            description=TEXT,
            acceptance=TEXT,
            status=st.sampled_from(list(StoryStatus)),
            priority=st.none() | st.sampled_from(list(Priority)),
            points=st.none() | st.sampled_from(FIBONACCI),
            epic_id=st.none() | st.just(1),
            sprint_id=st.none() | st.just(2),
        ),
        min_size=1,
        max_size=3,
        unique_by=lambda story: story.number,
    ),
    LINE,
    LINE,
)
def test_stories_survive_a_csv_round_trip(stories: list[Story], epic: str, sprint: str) -> None:
    epics = {1: Epic(id=1, title=epic)}
    sprints = {
        2: Sprint(id=2, name=sprint[:120], start_date=date(2026, 1, 5), end_date=date(2026, 1, 16))
    }
    result = parse_stories_csv(stories_to_csv(stories, epics, sprints), "s.csv")
    assert result.ok, result.problems
    fields = {"number", "title", "persona", "want", "so_that", "description", "acceptance"}
    fields |= {"status", "priority", "points"}
    for got, want in zip(result.stories, stories, strict=True):
        assert got.story.model_dump(include=fields) == want.model_dump(include=fields)
        assert got.epic_name == (epics[1].title if want.epic_id else None)
        assert got.sprint_name == (sprints[2].name if want.sprint_id else None)
        assert not has_unsafe(got.story.title + got.story.description)


# --- The JSON round trip ---------------------------------------------------------------------


def table_rows(path: Path) -> dict[str, list[tuple[object, ...]]]:
    conn = sqlite3.connect(path)
    try:
        return {
            shape.name: conn.execute(
                f'SELECT * FROM "{shape.name}" ORDER BY {shape.order_by}'
            ).fetchall()
            for shape in data_tables(conn)
        }
    finally:
        conn.close()


@settings(max_examples=25, deadline=None)
@given(title=LINE, body=TEXT, name=LINE.map(lambda name: name[:120]), owner=LINE)
def test_a_workspace_of_any_text_survives_a_json_round_trip(
    title: str, body: str, name: str, owner: str
) -> None:
    assume(" ".join(title.split()))
    with tempfile.TemporaryDirectory() as folder:
        source, target = Path(folder) / "source.db", Path(folder) / "target.db"
        ws = open_workspace(source, author="Camille")
        try:
            epic = ws.epics.add(Epic(title=title[:200], description=body[:10_000]))
            ws.stories.add(Story(title=title, description=body, acceptance=body, epic_id=epic.id))
            ws.items.add(Item(text=body[:10_000] or "x", owner=owner))
            ws.people.add(Person(name=name))
            ws.risks.create(
                Risk(
                    title=title[:200],
                    criterion=Criterion.INTEGRITY,
                    likelihood=2,
                    severity=3,
                    treatment=body[:10_000],
                    owner=owner[:120],
                )
            )
            dump = io.StringIO()
            dump_workspace(ws, dump)
        finally:
            ws.close()
        (Path(folder) / "dump.json").write_text(dump.getvalue(), encoding="utf-8")
        restore_workspace(Path(folder) / "dump.json", target)
        assert table_rows(target) == table_rows(source)


# --- The search query builder ----------------------------------------------------------------


@pytest.fixture
def searched(workspace: Workspace) -> Workspace:
    for title in ("Déposer un dossier [brouillon", "l'accès \x1b[2J au cœur", "本番 مرحبا"):
        workspace.stories.add(Story(title=title, description="US-12 * AND OR NOT : ( ) ^"))
    return workspace


@settings(
    max_examples=100, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=TEXT)
def test_the_search_takes_any_query(searched: Workspace, query: str) -> None:
    phrases = search_phrases(query)
    assert len(phrases) <= MAX_TERMS
    assert all(phrase and all(c.isalnum() or c == " " for c in phrase) for phrase in phrases)
    assert (match_expression(query) is None) == (not phrases)
    hits = searched.search.search(query)
    assert len(hits) <= 3 and searched.search.count(query) >= len(hits)
