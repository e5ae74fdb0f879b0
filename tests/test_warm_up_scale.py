"""What reads long at ten times the large workspace is read off the event loop, or cheaply.

The warm-up builds the main screens one per message, and reads each one's data in the
next; a key pressed meanwhile waits for the message under way. The recette's progress is
counted in a thread worker on a connection of its own; the roadmap's epics, the backlog's
names and the stand-up's blockers are read by cheaper queries, which must find the same
rows as before.
Small scales here (tests/test_scale.py); the timings are in benchmarks/README.md.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import date, timedelta
from pathlib import Path

import pytest

from prodtui.domain.items import Item, ItemKind
from prodtui.domain.roadmap import Window
from prodtui.domain.stories import Epic, Sprint, Story
from prodtui.sample.large import generate_large_workspace
from prodtui.store import Workspace, open_workspace
from prodtui.ui import warm_up
from prodtui.ui.app import PREBUILT, ProdtuiApp
from prodtui.ui.background import PENDING
from prodtui.ui.screens import recette as recette_screen
from prodtui.ui.screens.recette import RecetteScreen
from prodtui.ui.screens.standup import StandupScreen
from tests.conftest import TODAY, AppFactory, found, id_of, wait_until

SCALE = 0.02
# The statements as they were before: the references the cheaper ones must agree with.
OLD_EPICS = (
    "SELECT e.id, e.title, e.target_date,"
    " min(sp.start_date) AS first_day, max(sp.end_date) AS last_day,"
    " coalesce(sum(CASE WHEN s.status = 'done' THEN s.points END), 0) AS done,"
    " coalesce(sum(CASE WHEN s.status <> 'abandoned' THEN s.points END), 0) AS planned"
    " FROM epics AS e LEFT JOIN stories AS s ON s.epic_id = e.id"
    " LEFT JOIN sprints AS sp ON sp.id = s.sprint_id"
    " GROUP BY e.id HAVING (min(sp.start_date) <= ?2 AND max(sp.end_date) >= ?1)"
    " OR e.target_date BETWEEN ?1 AND ?2 ORDER BY e.id"
)
OLD_RESOLVED = "kind = 'blocker' AND resolved_on = ?1 ORDER BY raised_on, id"
OLD_ACTIONS = (
    "kind = 'action' AND (raised_on = ?1 OR (status = 'open' AND raised_on < ?1"
    " AND due_date IS NOT NULL AND due_date <= ?1)) ORDER BY due_date IS NULL, due_date, id"
)


@pytest.fixture
def large(tmp_path: Path) -> Iterator[Workspace]:
    path = generate_large_workspace(tmp_path / "large.db", scale=SCALE)
    ws = open_workspace(path, author="Camille")
    yield ws
    ws.close()


def warmed(app: ProdtuiApp) -> bool:
    warm_up = app._warm_up
    built = all(f"prebuilt-{mode}" in app._installed_screens for mode in PREBUILT)
    return built and warm_up is not None and not warm_up.steps and not warm_up.busy


def progress_cells(screen: RecetteScreen, index: int) -> list[str]:
    """The progress, rate, failed and blocked cells of a row, as text."""
    return [str(cell) for cell in screen.table.cells_at(index)[4:]]


# -- the recette ---------------------------------------------------------------------------


async def test_the_recette_shows_its_rows_then_the_progress_counted_in_a_worker(
    make_app: AppFactory, large: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # The small workspace counts on the spot; counted as a large one would be.
    monkeypatch.setattr(recette_screen, "PROGRESS_ON_THE_SPOT", 0)
    app = make_app(ws=large)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, RecetteScreen))
        screen = app.screen
        assert isinstance(screen, RecetteScreen)
        statements: list[str] = []
        large.conn.set_trace_callback(statements.append)
        try:
            # Reloaded and drawn in one go: no worker can answer before the loop runs again.
            screen.refresh_data()
            first = [progress_cells(screen, i) for i in range(screen.table.row_count)]
        finally:
            large.conn.set_trace_callback(None)
        assert first and all(cells == [PENDING] * 4 for cells in first), "a placeholder first"
        assert not [s for s in statements if "json_each" in s], "no pass counted on the loop"
        expected = large.executions.progress_by_campaign(screen.campaigns)
        await wait_until(pilot, lambda: progress_cells(screen, 0)[0] != PENDING)
        for index, campaign in enumerate(screen.campaigns):
            progress = expected[campaign.id]
            failed = progress.counts.get(recette_screen.ExecutionStatus.FAIL, 0)
            cells = progress_cells(screen, index)
            assert cells[0] == f"{progress.done}/{progress.total}", campaign.name
            assert cells[2] == str(failed), campaign.name


async def test_a_small_recette_counts_its_progress_on_the_spot(
    make_app: AppFactory, large: Workspace
) -> None:
    """Up to PROGRESS_ON_THE_SPOT cases, no placeholder flashes: read as the page is."""
    app = make_app(ws=large)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, RecetteScreen))
        screen = app.screen
        assert isinstance(screen, RecetteScreen)
        assert PENDING not in progress_cells(screen, 0)
        assert not screen.workers, "no worker for a small workspace"


# -- the warm-up and the stand-up ------------------------------------------------------------


async def test_the_warm_up_reads_the_standup_day_once_in_a_step_of_its_own(
    make_app: AppFactory, large: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    day = large.standups.day(TODAY)
    statements: list[str] = []
    steps: list[str] = []
    data_before_read: list[object] = []
    build, read, step = warm_up.prebuild, warm_up.load_data, warm_up.WarmUp.step

    async def one_step(self: warm_up.WarmUp) -> None:
        steps.append("step")
        await step(self)

    async def prebuild(app: ProdtuiApp, mode: str, make: object) -> object:
        steps.append(f"build {mode}")
        return await build(app, mode, make)  # type: ignore[arg-type]

    def load_data(app: ProdtuiApp, screen: object) -> None:
        steps.append(f"read {type(screen).__name__}")
        if isinstance(screen, StandupScreen):
            data_before_read.append(screen.data)
        read(app, screen)  # type: ignore[arg-type]

    monkeypatch.setattr(warm_up.WarmUp, "step", one_step)
    monkeypatch.setattr(warm_up, "prebuild", prebuild)
    monkeypatch.setattr(warm_up, "load_data", load_data)
    large.conn.set_trace_callback(statements.append)
    app = make_app(ws=large, warm_up=True)
    day_reads = ("PARTITION BY coalesce(resolved_on",)  # the day's blockers: one per read
    try:
        async with app.run_test(size=(120, 40)) as pilot:
            await wait_until(pilot, lambda: warmed(app))
            built = app.get_screen("prebuilt-standup")
            assert isinstance(built, StandupScreen)
            # Built in one step, read in the next: the build did not read the day.
            at = steps.index("build standup")
            assert steps[at + 1 : at + 3] == ["step", "read StandupScreen"], steps
            assert data_before_read == [None]
            reads = [s for s in statements if any(read in s for read in day_reads)]
            assert len(reads) == 1, reads  # the day, read once
            await pilot.press("2")
            await wait_until(pilot, lambda: app.screen is built)
            await pilot.pause()
            assert [b.id for b in found(built.data).blockers] == [b.id for b in day.blockers]
            assert built.section("blockers").row_count == len(day.blockers) > 0
            assert built.people_table.row_count == len(day.people)
            # The first visit shows what the warm-up read: nothing read again.
            again = [s for s in statements if any(read in s for read in day_reads)]
            assert again == reads
    finally:
        large.conn.set_trace_callback(None)


async def test_a_read_ahead_that_fails_is_made_again_on_the_visit(
    make_app: AppFactory, large: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    """The warm-up goes on past it (the other screens are built), and the first visit
    reads the day, rather than showing an empty screen as up to date."""
    real = StandupScreen.refresh_data
    failed: list[bool] = []

    def once_failing(screen: StandupScreen) -> None:
        if not failed:
            failed.append(True)
            raise RuntimeError("lecture impossible")
        real(screen)

    monkeypatch.setattr(StandupScreen, "refresh_data", once_failing)
    app = make_app(ws=large, warm_up=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: warmed(app))
        assert failed and app.is_running
        built = app.get_screen("prebuilt-standup")
        assert isinstance(built, StandupScreen) and built.data is None
        await pilot.press("2")
        await wait_until(pilot, lambda: app.screen is built)
        await wait_until(pilot, lambda: built.data is not None)
        assert built.people_table.row_count == len(large.standups.day(TODAY).people)


def test_the_day_s_blockers_are_index_searches(large: Workspace) -> None:
    """Never every blocker of the workspace's history (`items_blockers_resolved`)."""
    statements: list[str] = []
    large.conn.set_trace_callback(statements.append)
    try:
        large.standups.day(TODAY)
    finally:
        large.conn.set_trace_callback(None)
    [query] = [s for s in statements if "PARTITION BY coalesce(resolved_on" in s]
    plan = " / ".join(row[3] for row in large.conn.execute(f"EXPLAIN QUERY PLAN {query}"))
    assert plan.count("USING COVERING INDEX items_blockers_resolved") == 3, plan
    assert "SCAN items" not in plan, plan


async def test_a_change_made_while_the_standup_was_read_ahead_shows_on_the_visit(
    make_app: AppFactory, large: Workspace
) -> None:
    app = make_app(ws=large, warm_up=True)
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(pilot, lambda: warmed(app))
        other = open_workspace(large.path)
        other.items.add(
            Item(text="Serveur de recette tombé", kind=ItemKind.BLOCKER, raised_on=TODAY)
        )
        other.close()
        await pilot.press("2")
        await wait_until(pilot, lambda: isinstance(app.screen, StandupScreen))
        screen = app.screen
        assert isinstance(screen, StandupScreen)
        await wait_until(
            pilot,
            lambda: any(b.text == "Serveur de recette tombé" for b in found(screen.data).blockers),
        )


# -- the cheaper queries find the same rows ---------------------------------------------------


def old_items(ws: Workspace, where: str, day: date) -> list[Item]:
    rows = ws.rows(f"SELECT * FROM items WHERE {where} LIMIT 200", [day.isoformat()])
    return [Item.model_validate(row) for row in rows]


def test_the_standup_day_reads_the_same_blockers_and_actions(large: Workspace) -> None:
    blocker = large.items.add(
        Item(text="Accès VPN", kind=ItemKind.BLOCKER, raised_on=TODAY - timedelta(days=3))
    )
    large.standups.resolve(blocker, TODAY - timedelta(days=1))  # open before, not after
    for offset in range(-5, 40):
        day = TODAY - timedelta(days=offset)
        read = large.standups.day(day)
        assert read.blockers == large.standups.blockers_on(day), day
        assert read.resolved == old_items(large, OLD_RESOLVED, day), day
        assert read.actions == old_items(large, OLD_ACTIONS, day), day
    before = large.standups.day(TODAY - timedelta(days=2))
    assert id_of(blocker) in [b.id for b in before.blockers]
    assert id_of(blocker) in [b.id for b in large.standups.day(TODAY - timedelta(days=1)).resolved]


def test_the_roadmap_picks_the_same_epics(workspace: Workspace) -> None:
    sprint = {
        month: workspace.sprints.add(
            Sprint(
                name=f"S{month}", start_date=date(2026, month, 1), end_date=date(2026, month, 20)
            )
        )
        for month in (1, 3, 6, 9, 12)
    }
    # Before and after a window with nothing in it: spans it all the same.
    spanning = workspace.epics.add(Epic(title="Refonte"))
    for month in (1, 12):
        workspace.stories.add(
            Story(title=f"Lot {month}", epic_id=spanning.id, sprint_id=sprint[month].id, points=3)
        )
    within = workspace.epics.add(Epic(title="Dépôt"))
    workspace.stories.add(Story(title="Déposer", epic_id=within.id, sprint_id=sprint[3].id))
    workspace.stories.add(Story(title="Sans sprint", epic_id=within.id, points=5))
    workspace.epics.add(Epic(title="Cible seule", target_date=date(2026, 6, 10)))
    workspace.epics.add(Epic(title="Vide"))
    for start, months in ((date(2026, 1, 1), 1), (date(2026, 5, 1), 3), (date(2025, 1, 1), 6)):
        window = Window(start, months)
        first, last = window.start.isoformat(), window.end.isoformat()
        old = [(r["id"], r["done"], r["planned"]) for r in workspace.rows(OLD_EPICS, [first, last])]
        new = [
            (e.id, e.points_done, e.points_planned) for e in workspace.roadmap.window(window).epics
        ]
        assert new == old, window


def test_the_roadmap_of_the_large_workspace_picks_the_same_epics(large: Workspace) -> None:
    for months_back in range(0, 30, 3):
        window = Window(date(TODAY.year - months_back // 12, 1 + months_back % 12, 1), 6)
        bounds = [window.start.isoformat(), window.end.isoformat()]
        old = [row["id"] for row in large.rows(OLD_EPICS, bounds)]
        assert [e.id for e in large.roadmap.window(window).epics] == old, window


def test_the_backlog_names_are_those_of_the_models(large: Workspace) -> None:
    # Written by another program: the names are cleaned as the models clean them.
    large.conn.execute("UPDATE sprints SET name = 'S\x1b[31m1' WHERE id = 1")
    assert large.sprints.names() == {id_of(s): s.name for s in large.sprints.all()}
    assert large.epics.titles() == {id_of(e): e.title for e in large.epics.all()}
    assert "\x1b" not in large.sprints.names()[1]
