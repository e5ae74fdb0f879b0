"""Every list table shares its width by content: the column of free text takes what the
others leave and ends in "…" when cut, the short columns stay whole, no line is wider
than the screen, at 80×24 and 120×40, with hostile text (10 kB, CJK, right to left,
markup). The table keeps the whole text of a cell: only its drawing is cut."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from textual.app import App, ComposeResult
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input

from prodtui.domain.people import Person
from prodtui.domain.risks import Criterion, Risk
from prodtui.domain.standup import StandupEntry
from prodtui.domain.stories import Epic, Sprint, Story
from prodtui.exchange.evidence import fingerprint
from prodtui.store import Workspace
from prodtui.ui.screens.review import ReviewScreen
from prodtui.ui.screens.risks import RisksScreen
from prodtui.ui.screens.security import MeasureFormScreen
from prodtui.ui.screens.standup_search import StandupSearchScreen
from prodtui.ui.screens.story_dialogs import HistoryScreen, PlanScreen
from prodtui.ui.screens.team import TeamScreen
from prodtui.ui.widgets.fitted_table import Ending, FittedTable, Row
from tests.conftest import TODAY, AppFactory, found, wait_until

SIZES = ((80, 24), (120, 40))
HOSTILE = {
    "long": ("Le service doit rester ouvert aux usagers " * 250)[:10_000],
    "cjk": "行政手続きの電子化と本人確認の仕組み" * 12,
    "rtl": "שירות ציבורי دائرة الخدمات العامة " * 12,
    "markup": "[bold]gras[/bold] [link=https://x.fr]lien[/] $variable [/] " * 10,
}


def first_words(text: str) -> str:
    """The text's start as drawn (no markup read), for finding its row."""
    return text[:4]


def drawn(table: DataTable[Any]) -> list[list[str]]:
    """The table's lines as drawn, each split into its columns' cells (stripped)."""
    strips = table.render_lines(Region(0, 0, *table.outer_size))
    assert all(strip.cell_length <= table.app.size.width for strip in strips)
    widths = [column.get_render_width(table) for column in table.ordered_columns]
    rows = []
    for strip in strips:
        cells, x = [], 0
        for width in widths:
            cells.append(strip.crop(x, x + width).text.strip())
            x += width
        rows.append(cells)
    return rows


async def check_table(
    pilot: Pilot[int], table: DataTable[Any], long: str, short: list[str]
) -> None:
    """At each size: nothing scrolls sideways, no line is wider than the screen, the cell
    holding `long` ends in "…", and its row holds every `short` text whole in a cell."""
    app = pilot.app
    assert isinstance(table, FittedTable)
    flex = [key for key, _label in table.labels].index(table.flex)
    for width, height in SIZES:
        await pilot.resize_terminal(width, height)

        def resized(w: int = width) -> bool:
            return app.size.width == w and table.size.width > 0

        await wait_until(pilot, resized)
        await wait_until(
            pilot, lambda: table.virtual_size.width <= table.scrollable_content_region.width
        )
        await pilot.pause()
        assert table.region.right <= width
        lines = drawn(table)
        start = first_words(long)
        rows = [cells for cells in lines if start in cells[flex]]
        assert rows, (start, lines)
        assert rows[0][flex].endswith("…"), rows[0]
        assert not [cell for i, cell in enumerate(rows[0]) if i != flex and cell.endswith("…")]
        for text in short:
            assert text in rows[0], (text, rows[0])


async def opened(pilot: Pilot[int], screen: Screen[Any], table_id: str) -> DataTable[Any]:
    await pilot.app.push_screen(screen)
    await wait_until(pilot, lambda: pilot.app.screen is screen)
    table = screen.query_one(table_id, DataTable)
    await wait_until(pilot, lambda: table.row_count > 0)
    return table


@pytest.mark.parametrize("kind", sorted(HOSTILE))
async def test_the_risks_table(make_app: AppFactory, workspace: Workspace, kind: str) -> None:
    title = HOSTILE[kind][:200]
    workspace.risks.create(
        Risk(
            title=title,
            criterion=Criterion.AVAILABILITY,
            likelihood=3,
            severity=4,
            owner="Camille",
        )
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await opened(pilot, RisksScreen(), "#risks-table")
        await check_table(pilot, table, title, ["Camille", "Disponibilité"])
        # The cell keeps the whole title; the cursor stays on its row after a refresh.
        assert str(table.get_row_at(0)[1]) == " ".join(title.split())


@pytest.mark.parametrize("kind", sorted(HOSTILE))
async def test_the_team_table(make_app: AppFactory, workspace: Workspace, kind: str) -> None:
    name = " ".join(HOSTILE[kind].split())[:120]
    workspace.people.add(Person(name="Léa"))
    workspace.people.add(Person(name=name))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await opened(pilot, TeamScreen(), "#team-table")
        await check_table(pilot, table, name, ["2", "✓"])
        await pilot.press("down")
        await pilot.press("shift+up")  # moved up: reloaded, the cursor follows the person
        await wait_until(pilot, lambda: str(table.get_row_at(0)[1]) == name)
        assert table.cursor_row == 0


@pytest.mark.parametrize("kind", sorted(HOSTILE))
async def test_the_story_history_table(
    make_app: AppFactory, workspace: Workspace, kind: str
) -> None:
    story = workspace.stories.add(Story(title="Déposer une demande"))
    story = workspace.stories.save(story.edit(description=HOSTILE[kind]))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await opened(pilot, HistoryScreen(story), "#history-table")
        await check_table(pilot, table, " ".join(HOSTILE[kind].split()), ["Camille"])


@pytest.mark.parametrize("kind", sorted(HOSTILE))
async def test_the_plan_tables(make_app: AppFactory, workspace: Workspace, kind: str) -> None:
    workspace.epics.add(Epic(title="Accueil", description=HOSTILE[kind]))
    name = " ".join(HOSTILE[kind].split())[:120]
    workspace.sprints.add(
        Sprint(name=name, start_date=TODAY, end_date=TODAY + timedelta(days=13), capacity=10)
    )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        epics = await opened(pilot, PlanScreen(), "#plan-epics")
        await check_table(pilot, epics, " ".join(HOSTILE[kind].split()), ["Accueil"])
        sprints = app.screen.query_one("#plan-sprints", DataTable)
        await check_table(pilot, sprints, name, ["0 / 10 pts"])


@pytest.mark.parametrize("kind", sorted(HOSTILE))
async def test_the_standup_search_table(
    make_app: AppFactory, workspace: Workspace, kind: str
) -> None:
    person = workspace.people.add(Person(name="Bruno"))
    text = ("repère " + HOSTILE[kind])[:10_000]
    workspace.standups.save_entry(TODAY, StandupEntry(person_id=found(person.id), today=text))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = StandupSearchScreen()
        await app.push_screen(screen)
        await wait_until(pilot, lambda: app.screen is screen)
        screen.query_one("#standup-search-text", Input).value = "repère"
        table = screen.query_one("#standup-search-results", DataTable)
        await wait_until(pilot, lambda: table.row_count == 1)
        await check_table(pilot, table, "repère", ["Bruno"])


async def test_the_review_table(make_app: AppFactory) -> None:
    """Its rows are the catalogue's questions: they fit whole, nothing scrolls sideways."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        table = await opened(pilot, ReviewScreen(), "#review-table")
        await pilot.press("down", "down")
        for width, height in SIZES:
            await pilot.resize_terminal(width, height)

            def resized(w: int = width) -> bool:
                return table.size.width == w

            await wait_until(pilot, resized)
            await pilot.pause()
            lines = drawn(table)
            assert all(not cell.endswith("…") for cells in lines for cell in cells)
            assert table.virtual_size.width <= table.scrollable_content_region.width
            assert len(lines) >= 1 + table.row_count
            assert table.cursor_row == 2
        await pilot.press("y")  # answered: reloaded, the cursor stays on its row
        await wait_until(pilot, lambda: "oui" in str(table.get_row_at(2)[1]))
        assert table.cursor_row == 2


@pytest.mark.parametrize("kind", ["cjk", "rtl", "markup"])
async def test_the_evidence_files_table(
    make_app: AppFactory, workspace: Workspace, tmp_path: Path, kind: str
) -> None:
    # A path holds at most 255 bytes a name: the hostile text over a few folders.
    folder = tmp_path
    for n in range(3):
        folder /= f"{n}{HOSTILE[kind][:40].replace('/', '-')}"
    folder.mkdir(parents=True)
    proof = folder / "pv.txt"
    proof.write_text("PV de recette", encoding="utf-8")
    workspace.measures.import_shipped(today=TODAY)
    entry = found(workspace.measures.entry("GOUV-01"))
    workspace.measures.record_file(entry.state, fingerprint(str(proof)))
    entry = found(workspace.measures.entry("GOUV-01"))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        form = MeasureFormScreen(entry)
        await app.push_screen(form)
        await wait_until(pilot, lambda: app.screen is form)
        table = form.query_one("#mf-files", DataTable)
        await wait_until(pilot, lambda: table.row_count == 1 and table.display)
        await app.workers.wait_for_complete()
        await check_table(pilot, table, str(tmp_path)[:4], [fingerprint(str(proof)).sha256[:12]])


class _Table(App[None]):
    def __init__(self, rows: list[Row]) -> None:
        super().__init__()
        self.rows = rows

    def compose(self) -> ComposeResult:
        yield FittedTable([("name", "Nom"), ("role", "Rôle")], flex="name", id="t")

    def on_mount(self) -> None:
        self.query_one(FittedTable).fill(self.rows)


async def test_a_kept_end_stays_whole_and_a_long_other_column_is_cut() -> None:
    """The review's roadmap mark stays whole when its question is cut; a long text in
    another column takes at most half the table, cut with "…" too."""
    app = _Table(
        [
            ([Ending("Sécurité dans la feuille de route " * 3, "⚠ 5"), "Dev"], "a"),
            (["Léa", HOSTILE["cjk"]], "b"),
        ]
    )
    async with app.run_test(size=(40, 10)) as pilot:
        table = app.query_one(FittedTable)
        await wait_until(pilot, lambda: table.row_count == 2 and table.size.width == 40)
        await pilot.pause()
        _header, first, second = drawn(table)[:3]
        assert first[0].endswith("… ⚠ 5") and first[0].startswith("Sécurité"), first
        assert second[1].endswith("…") and second[0] == "Léa", second
        name, role = (column.get_render_width(table) for column in table.ordered_columns)
        assert role <= 20 + 2 and name + role <= 40
        assert str(table.get_row_at(1)[1]) == HOSTILE["cjk"]  # the whole text kept


async def test_the_demo_sprints_keep_their_dates_whole_at_80_columns(
    make_app: AppFactory, tmp_path: Path
) -> None:
    """Too narrow for every sprint column whole: the done count gives up cells first."""
    from prodtui.sample.demo import build_demo_workspace
    from prodtui.store import open_workspace

    demo = open_workspace(build_demo_workspace(tmp_path / "demo.db", today=TODAY), author="C")
    try:
        app = make_app(ws=demo)
        async with app.run_test(size=(80, 24)) as pilot:
            await opened(pilot, PlanScreen(), "#plan-epics")
            table = app.screen.query_one("#plan-sprints", DataTable)
            await wait_until(pilot, lambda: table.row_count > 0)
            await pilot.pause()
            for sprint, dates, load, _done in drawn(table)[1 : 1 + table.row_count]:
                assert sprint.startswith("Sprint 1") and "→" in dates, (sprint, dates)
                assert not dates.endswith("…") and load.endswith(("pts", "⚠")), dates
    finally:
        demo.close()
