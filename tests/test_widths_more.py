"""Text uses the width, continued: a wrapped line never starts with the sign French
typography keeps after a no-break space, the homologation tracker's notes end in "…"
when cut, the Gherkin area wraps its long lines, the runner's key bar names « Soldé » at
120 columns, and a stand-up without a team says how to add a person."""

from __future__ import annotations

from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.widgets import DataTable, Input, Static

from prodtui.domain.people import Person, Role
from prodtui.domain.recette import Campaign, TestCase
from prodtui.domain.stories import Story
from prodtui.i18n import set_language, t
from prodtui.store import Workspace
from prodtui.ui.screens.capture import CaptureScreen
from prodtui.ui.screens.homologation import HomologationScreen
from prodtui.ui.screens.recette import RecetteScreen
from prodtui.ui.screens.runner import RunnerScreen
from prodtui.ui.screens.standup import StandupScreen
from prodtui.ui.screens.stories import StoriesScreen
from prodtui.ui.screens.story_editor import GherkinArea, StoryEditorScreen
from prodtui.ui.screens.team import TeamScreen
from prodtui.ui.text import lines, plain
from tests.conftest import TODAY, AppFactory, wait_until
from tests.test_key_bar import bar_text

SIGNS = (":", ";", "!", "?", "%")
NARROW = "\u202f"


def drawn_lines(widget: Static) -> list[str]:
    """The widget's lines as drawn, border and padding stripped."""
    strips = widget.render_lines(Region(0, 0, *widget.outer_size))
    return [strip.text.strip("│╭╮╰╯─ ") for strip in strips]


def laid_out(widget: Static) -> bool:
    """Whether the widget is as high as its text now needs."""
    size = widget.content_size
    return size.height == widget.get_content_height(size, widget.app.size, size.width)


class _Preview(App[None]):
    def __init__(self, text: str) -> None:
        super().__init__()
        self.text = text

    def compose(self) -> ComposeResult:
        yield Static(lines([plain(self.text), plain(self.text)]), id="preview")


async def test_a_wrapped_line_never_starts_with_the_sign_after_a_narrow_space() -> None:
    text = f"Pas encore entendus{NARROW}: Claire, Hélène{NARROW}; réussite 82{NARROW}% atteinte"
    # From 11 columns "entendus :" fits on a line; narrower, the word itself is folded.
    wrapped_at_sign = 0
    for width in range(11, 60):
        app = _Preview(text)
        async with app.run_test(size=(width, 20)):
            rows = [row for row in drawn_lines(app.query_one(Static)) if row]
        assert not [row for row in rows if row.startswith(SIGNS)], (width, rows)
        # The wrap point fell on a sign: the sign ends a line, its word with it.
        wrapped_at_sign += any(row.endswith(tuple(NARROW + sign for sign in SIGNS)) for row in rows)
        assert " ".join(rows).replace(f"{NARROW} ", NARROW).count("82\u202f%") == 2
    assert wrapped_at_sign


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_a_hint_wraps_after_its_dots_never_between_a_key_and_its_action(
    language: str,
) -> None:
    set_language(language)
    try:
        hint = t("security.hint")
    finally:
        set_language("fr")
    actions = [part.split(":", 1)[1].strip() for part in hint.split(" · ")]
    for width in range(20, 120):
        app = _Preview(hint)
        async with app.run_test(size=(width, 30)):
            rows = [row.strip() for row in drawn_lines(app.query_one(Static)) if row.strip()]
        assert not [row for row in rows if row.startswith("·")], (width, rows)
        # A line never ends on a key waiting for its action: « h : » then « homologation ».
        assert not [row for row in rows if row.endswith(":")], (width, rows)
        starts = [row.split(" ", 1)[0] for row in rows]
        assert not set(starts) & {action.split()[0] for action in actions}, (width, rows)


async def test_the_capture_preview_keeps_the_colon_with_its_word(make_app: AppFactory) -> None:
    """The preview names the owner typed, then « Date impossible : gardée… »: owners of
    every length move the wrap point over the colon, which moves with its words."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("ctrl+n")
        await wait_until(pilot, lambda: isinstance(app.screen, CaptureScreen))
        field = app.screen.query_one("#capture-input", Input)
        preview = app.screen.query_one("#capture-preview", Static)
        wrapped_at_sign = False
        for length in range(1, 50):
            owner = "x" * length
            field.value = f"+ relancer @{owner} 31/02"
            shown = f"@{owner} "
            await wait_until(pilot, lambda: shown in str(preview.render()))  # noqa: B023
            await wait_until(pilot, lambda: laid_out(preview))
            rows = [row for row in drawn_lines(preview) if row]
            assert not [row for row in rows if row.startswith(SIGNS)], (length, rows)
            # Parts joined by « · »: the colon stays with its word and with what follows.
            wrapped_at_sign |= any(row.startswith(f"impossible{NARROW}: gardée") for row in rows)
        assert wrapped_at_sign


def table_rows(table: DataTable[Any]) -> list[str]:
    """The table's lines as drawn, scroll bar aside."""
    strips = table.render_lines(Region(0, 0, *table.scrollable_content_region.size))
    return [strip.text.rstrip() for strip in strips]


async def test_the_homologation_notes_end_in_an_ellipsis_when_cut(
    make_app: AppFactory, workspace: Workspace
) -> None:
    """The Notes column was cut at the table's edge with no "…" (the table scrolled
    sideways); it now takes the width the other columns leave, cut with "…"."""
    repo = workspace.homologation
    repo.load_shipped_steps()
    first = repo.steps()[0]
    notes = "Même périmètre que la première homologation, plus l'outil des agents du Cher"
    repo.save_step(first.edit(notes=notes, date=TODAY))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("5", "h")
        await wait_until(pilot, lambda: isinstance(app.screen, HomologationScreen))
        table = app.screen.query_one("#hom-steps", DataTable)
        await wait_until(pilot, lambda: table.row_count == 10)
        for width, height in ((80, 24), (60, 20), (160, 30)):
            await pilot.resize_terminal(width, height)
            await wait_until(pilot, lambda: table.size.width == app.size.width)
            await pilot.pause()
            rows = table_rows(table)
            assert rows[0].split()[-1] == "Notes", rows[0]
            assert table.virtual_size.width <= table.scrollable_content_region.width
            if width < 160:
                assert rows[1].endswith("…") and notes[:8] in rows[1], rows[1]
            else:
                assert rows[1].endswith(notes), rows[1]
            # Every step's title is there, whole or cut with "…".
            for step, row in zip(repo.steps(), rows[1:], strict=False):
                parts = [part.strip() for part in row.split("  ")]
                assert step.title in parts or any(
                    part.endswith("…") and step.title.startswith(part[:-1]) for part in parts
                ), row


LONG_STEP = "  Quandd il envoie sa demande complète avec le justificatif de domicile et l'avis"


async def test_the_gherkin_area_wraps_long_lines_and_marks_the_first_row(
    make_app: AppFactory, workspace: Workspace
) -> None:
    """At 80×24 the area is half the screen wide: a long step wraps instead of being cut
    at its edge; a faulty line's ✗ is on its number, on its first row only."""
    criteria = "Scénario: Dépôt complet\n  Étant donné un aidant connecté\n" + LONG_STEP
    workspace.stories.add(Story(title="Déposer une demande", acceptance=criteria))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("3")
        await wait_until(pilot, lambda: isinstance(app.screen, StoriesScreen))
        await pilot.press("e")
        await wait_until(pilot, lambda: isinstance(app.screen, StoryEditorScreen))
        area = app.screen.query_one("#story-acceptance", GherkinArea)
        await wait_until(pilot, lambda: 3 in area.error_lines)
        area.scroll_to(y=0, animate=False)
        await pilot.pause()
        # Every row of the wrapped text, those below the fold too.
        rows = [area.render_line(y).text for y in range(area.wrapped_document.height)]
        gutter = area.gutter_width
        text_rows = [row[gutter:].rstrip() for row in rows]
        assert area.wrapped_document.height > 3, "the long step wraps"
        first = next(i for i, row in enumerate(text_rows) if "Quandd" in row)
        shown = " ".join(row.strip() for row in text_rows[first:] if row.strip())
        assert " ".join(LONG_STEP.split()) in shown, text_rows
        assert rows[0][:gutter].strip() == "1"
        assert rows[first][:gutter].strip() == "3✗"
        assert rows[first + 1][:gutter].strip() == "", "no number on a continued row"
        assert area.virtual_size.width <= area.size.width, "no sideways scrolling"


@pytest.mark.parametrize(
    ("language", "settled"), [("fr", "o Soldé"), ("en", "o Settled")], ids=["fr", "en"]
)
async def test_the_runner_key_bar_names_settled_at_120_columns(
    make_app: AppFactory, workspace: Workspace, language: str, settled: str
) -> None:
    workspace.test_cases.add(TestCase(title="Déposer", steps="1. Déposer", expected="Reçu"))
    workspace.campaigns.add(Campaign(name="Recette v2", release="2.0"))
    set_language(language)
    app = make_app()
    async with app.run_test(size=(120, 30)) as pilot:
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, RecetteScreen))
        await pilot.press("r")
        await wait_until(pilot, lambda: isinstance(app.screen, RunnerScreen))
        await wait_until(pilot, lambda: settled in bar_text(app))
        shown = bar_text(app)
        # The results first, the one that settles a failure among them.
        assert shown.index(settled) < shown.index("x ")


async def test_a_stand_up_without_a_team_says_how_to_add_someone(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.screen, StandupScreen))
        screen = app.screen
        message = screen.query_one("#standup-empty", Static)
        await wait_until(pilot, lambda: message.region.height > 0)
        assert not screen.query_one("#standup-people").display, "no empty table"
        assert "L'équipe est vide" in " ".join(drawn_lines(message))
        assert "p pour ajouter une personne" in " ".join(drawn_lines(message))
        # The key it names opens the team, where a person is added; back, the table.
        await pilot.press("p")
        await wait_until(pilot, lambda: isinstance(app.screen, TeamScreen))
        workspace.people.add(Person(name="Léa Martin", role=Role.DEV))
        await pilot.press("escape")
        await wait_until(pilot, lambda: app.screen is screen)
        await wait_until(pilot, lambda: screen.query_one("#standup-people").display)
        assert not message.display
