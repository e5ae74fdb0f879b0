"""The backlog and the story editor driven with the real keys."""

from __future__ import annotations

from datetime import date

import pytest
from textual.widgets import DataTable, Input, OptionList, Select, Static, TextArea

from prodtui.domain.capture import parse_capture
from prodtui.domain.stories import Epic, Priority, Sprint, Story, StoryStatus
from prodtui.store import Workspace
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.dialogs import ConfirmScreen, PromptScreen
from prodtui.ui.screens.stories import StoriesScreen
from prodtui.ui.screens.story_editor import StoryEditorScreen
from tests.conftest import TODAY, AppFactory, found, id_of, wait_until

GOOD_CRITERIA = """\
Scénario: Dépôt complet
  Étant donné un aidant connecté
  Quand il envoie sa demande
  Alors il reçoit un accusé de réception
"""


@pytest.fixture
def backlog(workspace: Workspace) -> list[Story]:
    epic = workspace.epics.add(Epic(title="Dépôt"))
    workspace.sprints.add(
        Sprint(
            name="Sprint 12", start_date=date(2026, 11, 23), end_date=date(2026, 12, 4), capacity=10
        )
    )
    return [
        workspace.stories.add(Story(title=title, epic_id=epic.id, priority=Priority.MUST))
        for title in ("Déposer une demande", "Joindre un justificatif", "Suivre sa demande")
    ]


async def open_stories(pilot) -> StoriesScreen:
    await pilot.press("3")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StoriesScreen)
    return screen


async def test_writing_a_story_end_to_end(make_app: AppFactory, workspace: Workspace) -> None:
    workspace.epics.add(Epic(title="Suivi"))
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_stories(pilot)
        await pilot.press("n")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, StoryEditorScreen)
        await pilot.press(*"Recevoir un rappel avant l'échéance", "tab")
        await pilot.press(
            *"aidant", "tab", *"recevoir un SMS", "tab", *"ne pas oublier mon dossier"
        )
        editor.query_one("#story-points", Select).value = 3
        editor.query_one("#story-priority", Select).value = Priority.SHOULD
        area = editor.query_one("#story-acceptance", TextArea)
        area.focus()
        await pilot.press("ctrl+t")
        # The criteria are checked after a pause in typing.
        await wait_until(pilot, lambda: "✓" in str(editor.query_one("#story-gherkin").render()))
        assert "Scénario" in area.text
        assert "✓" in str(editor.query_one("#story-gherkin").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        assert screen.table.row_count == 1
    [story] = workspace.stories.page()
    assert (story.key, story.title, story.persona, story.want, story.so_that) == (
        "US-1",
        "Recevoir un rappel avant l'échéance",
        "aidant",
        "recevoir un SMS",
        "ne pas oublier mon dossier",
    )
    assert (story.points, story.priority) == (3, Priority.SHOULD)
    assert story.acceptance.startswith("Scénario")
    assert workspace.drafts.all() == []


async def test_gherkin_errors_are_shown_with_their_line(
    make_app: AppFactory, workspace: Workspace, backlog: list[Story]
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await open_stories(pilot)
        await pilot.press("e")
        await pilot.pause()
        area = app.screen.query_one("#story-acceptance", TextArea)

        def gherkin_status() -> str:
            return str(app.screen.query_one("#story-gherkin").render())

        async def checked(mark: str) -> str:
            # The check runs after a pause in typing.
            await wait_until(pilot, lambda: mark in gherkin_status())
            return gherkin_status()

        area.text = GOOD_CRITERIA + "  Quandd il se trompe\n"
        status = await checked("✗")
        assert "5" in status and "✗" in status
        area.text = GOOD_CRITERIA
        assert "✓ 1" in await checked("✓")


async def test_leaving_with_unsaved_changes_asks(
    make_app: AppFactory, workspace: Workspace, backlog: list[Story]
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_stories(pilot)
        await pilot.press("e", "end", *" (v2)", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, StoryEditorScreen), "stays in the editor"
        await pilot.press("escape", "o")
        await pilot.pause()
        assert app.screen is screen
    assert workspace.stories.get(id_of(backlog[0])).title == "Déposer une demande"


async def test_reordering_with_the_keys_is_persisted(
    make_app: AppFactory, workspace: Workspace, backlog: list[Story]
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_stories(pilot)
        await pilot.press("end", "shift+up")  # US-3 above US-2
        await pilot.pause()
        assert found(screen.selected()).key == "US-3"
        await pilot.press("shift+home")
        await pilot.pause()
        assert screen.table.cursor == 0
        await pilot.press("down", "shift+end")
        await pilot.pause()
    assert [s.key for s in workspace.stories.page()] == ["US-3", "US-2", "US-1"]


async def test_filters_are_kept_while_moving(
    make_app: AppFactory, workspace: Workspace, backlog: list[Story]
) -> None:
    workspace.stories.save(workspace.stories.get(id_of(backlog[1])).edit(priority=Priority.COULD))
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_stories(pilot)
        await pilot.press("slash", *"demande", "enter")
        await pilot.pause()
        assert screen.table.row_count == 2
        await pilot.press("down", "shift+up")
        await pilot.pause()
        assert screen.table.row_count == 2 and screen.filter.text == "demande"
        await pilot.press("2", "3")
        await pilot.pause()
        assert screen.table.row_count == 2, "the filter survives leaving the screen"
    assert [s.key for s in workspace.stories.page()] == ["US-3", "US-1", "US-2"]  # US-2 untouched


async def test_ready_with_an_unmet_definition_asks_for_a_reason(
    make_app: AppFactory, workspace: Workspace, backlog: list[Story]
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await open_stories(pilot)
        await pilot.press("s")
        await pilot.pause()
        options = app.screen.query_one(OptionList)
        options.highlighted = 2  # Prête
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen), "a reason is required"
        await pilot.press(*"demande du COMEX", "enter")
        await pilot.pause()
    story = workspace.stories.get(id_of(backlog[0]))
    assert story.status is StoryStatus.READY
    reasons = [
        h.new
        for h in workspace.audit.history("stories", id_of(story))
        if h.field == "status_reason"
    ]
    assert reasons == ["demande du COMEX"]


async def test_ready_story_needs_no_reason(
    make_app: AppFactory, workspace: Workspace, backlog: list[Story]
) -> None:
    workspace.stories.save(
        workspace.stories.get(id_of(backlog[0])).edit(
            persona="aidant", want="déposer", so_that="souffler", points=5, acceptance=GOOD_CRITERIA
        )
    )
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await open_stories(pilot)
        preview = str(app.screen.query_one("#stories-preview-text").render())
        assert preview.count("✓") >= 5
        await pilot.press("s")
        await pilot.pause()
        app.screen.query_one(OptionList).highlighted = 2
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, StoriesScreen)
    assert workspace.stories.get(id_of(backlog[0])).status is StoryStatus.READY


async def test_sprint_view_shows_load_against_capacity(
    make_app: AppFactory, workspace: Workspace, backlog: list[Story]
) -> None:
    sprint = workspace.sprints.all()[0]
    for story, points in zip(backlog, (5, 8), strict=False):
        workspace.stories.save(
            workspace.stories.get(id_of(story)).edit(sprint_id=sprint.id, points=points)
        )
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await open_stories(pilot)
        await pilot.press("m")
        await pilot.pause()
        table = app.screen.query_one("#plan-sprints", DataTable)
        assert "13 / 10 pts ⚠" in str(table.get_row_at(0)[2])
        await pilot.press("n")
        await pilot.pause()
        await pilot.press(*"Paiements", "enter")
        await pilot.pause()
    assert [e.title for e in workspace.epics.all()] == ["Dépôt", "Paiements"]


async def test_ten_thousand_stories_scroll_without_building_rows(
    make_app: AppFactory, workspace: Workspace
) -> None:
    stamp = "2026-11-27T09:00:00.000"
    with workspace.transaction() as db:
        db.table("stories").insert_all(
            {
                "number": n,
                "title": f"Story {n}",
                "rank": n * 1000,
                "created_at": stamp,
                "updated_at": stamp,
            }
            for n in range(1, 10_001)
        )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_stories(pilot)
        table = screen.table
        assert table.row_count == 10_000
        await pilot.press("end")
        await pilot.pause()
        assert found(screen.selected()).key == "US-10000"
        assert len(table._pages) <= 3, "only the pages on screen were fetched"
        await pilot.press("slash", *"99", "enter")
        await pilot.pause()
        assert table.row_count == workspace.stories.count(screen.filter)


def exchange_status(app: ProdtuiApp) -> str:
    return str(app.screen.query_one("#exchange-status").render())


async def test_export_then_import_from_the_screen(
    make_app: AppFactory,
    workspace: Workspace,
    backlog: list[Story],
    tmp_path,
    isolated_home,
) -> None:
    from prodtui.store import open_workspace

    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await open_stories(pilot)
        await pilot.press("x")
        await pilot.pause()
        await pilot.press("down", "down", "enter")  # CSV
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "backlog.csv")
        await pilot.press("enter")
        # Written in a thread, said when done.
        await wait_until(pilot, lambda: "3 stories" in exchange_status(app))
        assert "3 stories" in exchange_status(app)
    assert (tmp_path / "backlog.csv").read_text(encoding="utf-8").startswith("key,title")

    other = open_workspace(tmp_path / "other.db")
    other_app = make_app(ws=other)
    async with other_app.run_test(size=(140, 50)) as pilot:
        await open_stories(pilot)
        await pilot.press("x", "up", "enter")  # import (the last choice)
        await pilot.pause()
        other_app.screen.query_one(Input).value = str(tmp_path / "backlog.csv")
        await pilot.press("enter")
        await wait_until(pilot, lambda: "3 stories créées" in exchange_status(other_app))
        assert "3 stories créées" in exchange_status(other_app)
    assert [s.title for s in other.stories.page()] == [s.title for s in backlog]
    assert [e.title for e in other.epics.all()] == ["Dépôt"]
    other.close()


async def test_markup_like_text_is_shown_as_typed(
    make_app: AppFactory, workspace: Workspace, backlog: list[Story]
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_stories(pilot)
        await pilot.press("slash", *"[b]x[/", "enter")
        await pilot.pause()
        assert "[b]x[/" in str(screen.query_one("#stories-title").render())
        await pilot.press("ctrl+n", *"+ [red]texte[/red] @x", "enter")
        await pilot.pause()
    assert workspace.items.inbox()[0].text == "[red]texte[/red] @x"


async def test_the_preview_follows_the_cursor_and_the_workspace(
    make_app: AppFactory, workspace: Workspace, backlog: list[Story]
) -> None:
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        screen = await open_stories(pilot)
        preview = screen.query_one("#stories-preview-text", Static)

        def shown() -> str:
            return str(preview.render())

        first, second = screen.table.item(0), screen.table.item(1)
        assert first and second and first.key in shown()
        # Written as the cursor moves, so that the frame drawing the cursor draws it too.
        screen.table.cursor = 1
        assert second.key in shown()
        await pilot.press("up")
        assert first.key in shown() and "✗ Aucun bloquant ouvert lié" not in shown()

        # A blocker raised on the story shown: the same row, a new preview.
        workspace.items.capture(parse_capture(f"! en attente du DPO #{first.key}", TODAY))
        app.refresh_screen_data()
        await pilot.pause()
        assert screen.table.cursor == 0
        assert "✗ Aucun bloquant ouvert lié" in shown()


async def test_the_preview_is_whole_on_the_first_visit_after_the_warm_up(
    make_app: AppFactory, workspace: Workspace, backlog: list[Story]
) -> None:
    """The screen is built ahead, its preview written on the first visit: it must take the
    room of all its lines at once, not one line until the cursor moves."""
    from prodtui.ui.app import PREBUILT

    workspace.stories.save(backlog[0].edit(persona="aidant", want="déposer", so_that="être aidé"))
    app = make_app(warm_up=True)
    async with app.run_test(size=(140, 50)) as pilot:
        await wait_until(
            pilot, lambda: all(app.is_screen_installed(f"prebuilt-{mode}") for mode in PREBUILT)
        )
        screen = await open_stories(pilot)
        preview = screen.query_one("#stories-preview-text", Static)

        def whole() -> bool:
            shown = str(preview.render())
            return "aidant" in shown and preview.size.height >= len(shown.splitlines()) > 5

        await wait_until(pilot, whole)
        shown = str(preview.render())
        assert "Déposer une demande" in shown and "aidant" in shown
        assert preview.size.height >= len(shown.splitlines()) > 5
