"""The stand-up screen driven with the real keys."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
from textual.widgets import Input, TextArea

from prodtui.domain.items import Item, ItemKind, ItemStatus
from prodtui.domain.people import Person, Role
from prodtui.domain.standup import StandupEntry
from prodtui.store import Workspace, open_workspace
from prodtui.ui.screens.dialogs import PromptScreen
from prodtui.ui.screens.standup import StandupScreen
from prodtui.ui.screens.standup_entry import EntryEditorScreen
from tests.conftest import TODAY, AppFactory, found

THURSDAY = TODAY - timedelta(days=1)


@pytest.fixture
def team(workspace: Workspace) -> list[Person]:
    return [
        workspace.people.add(Person(name="Léa Martin", role=Role.DEV)),
        workspace.people.add(Person(name="Karim Benali", role=Role.DESIGN)),
        workspace.people.add(Person(name="Sophie Durand", role=Role.BUSINESS)),
    ]


async def open_standup(pilot) -> StandupScreen:
    await pilot.press("2")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, StandupScreen)
    return screen


async def test_filling_a_day_with_the_keys(
    make_app: AppFactory, workspace: Workspace, team: list[Person]
) -> None:
    workspace.standups.save_entry(
        THURSDAY, StandupEntry(person_id=team[0].id, today="Finir l'écran de dépôt")
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        assert screen.day == TODAY
        await pilot.press("enter")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, EntryEditorScreen)
        # "Yesterday" comes pre-filled from Thursday's "today"; the cursor waits in "today".
        assert editor.query_one("#entry-yesterday", TextArea).text == "Finir l'écran de dépôt"
        assert app.focused is editor.query_one("#entry-today", TextArea)
        await pilot.press(*"Recette du dépôt avec Sophie")
        await pilot.press("pagedown")
        await pilot.pause()
        assert isinstance(app.screen, EntryEditorScreen)
        assert app.screen.person.person.name == "Karim Benali"
        await pilot.press(*"Maquettes v2", "tab")
        await pilot.press(*"Ateliers usagers")
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        await pilot.press("down", "a")  # Sophie is absent today
        await pilot.press("up", "plus", "plus")  # Karim's mood: 3 at first, then 4
        await pilot.pause()
    day = workspace.standups.day(TODAY)
    entries = {p.person.name: found(p.entry) for p in day.people}
    assert entries["Léa Martin"].yesterday == "Finir l'écran de dépôt"
    assert entries["Léa Martin"].today == "Recette du dépôt avec Sophie"
    assert (entries["Karim Benali"].yesterday, entries["Karim Benali"].today) == (
        "Maquettes v2",
        "Ateliers usagers",
    )
    assert entries["Karim Benali"].mood == 4
    assert entries["Sophie Durand"].absent
    assert workspace.drafts.all() == []


async def test_a_blocker_carried_three_days_then_resolved(
    make_app: AppFactory, workspace: Workspace, team: list[Person]
) -> None:
    monday = date(2026, 11, 23)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        screen.show_day(monday)
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"Pas d'accès au bac à sable FranceConnect", "enter")
        await pilot.pause()
        blockers = screen.section("blockers")
        for age in (1, 2, 3):
            await pilot.press("right_square_bracket")
            await pilot.pause()
            assert screen.day == monday + timedelta(days=age)
            assert blockers.row_count == 1
            assert str(blockers.cells_at(0)[0]) == f"{age} j"
            assert "!1" in str(screen.people_table.cells_at(0)[3])
        await pilot.press("r")  # from Léa's row: her oldest blocker
        await pilot.pause()
        assert blockers.row_count == 0
        await pilot.press("left_square_bracket")
        await pilot.pause()
        assert blockers.row_count == 1, "still open the day before"
    [item] = workspace.items.search(inbox_only=False)
    assert item.kind is ItemKind.BLOCKER and item.status is ItemStatus.DONE
    assert item.owner == "Léa Martin"
    assert (item.raised_on, item.resolved_on) == (monday, monday + timedelta(days=3))


async def test_resolve_from_the_blockers_list(
    make_app: AppFactory, workspace: Workspace, team: list[Person]
) -> None:
    workspace.standups.raise_blocker(THURSDAY, team[1], "Premier")
    workspace.standups.raise_blocker(TODAY, team[2], "Second")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        screen.section("blockers").focus()
        await pilot.press("down", "r")
        await pilot.pause()
    assert [b.text for b in workspace.standups.blockers_on(TODAY)] == ["Premier"]


async def test_the_timer_counts_each_speaker(
    make_app: AppFactory, workspace: Workspace, team: list[Person]
) -> None:
    app = make_app("standup_timebox_seconds = 60\n")
    clock = [1000.0]
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        screen.now = lambda: clock[0]
        label = screen.query_one("#standup-timer")
        assert "s\u202f:" in str(label.render())
        await pilot.press("s")
        clock[0] += 75
        screen._tick()
        text = str(label.render())
        assert "01:15" in text and "Léa Martin 01:15/01:00" in text
        assert label.has_class("over")
        await pilot.press("v")
        clock[0] += 20
        screen._tick()
        assert "01:35 · Karim Benali 00:20/01:00" in str(label.render())
        assert not label.has_class("over")
        assert screen.people_table.cursor == 1
        assert str(screen.people_table.cells_at(1)[0]).startswith("▶")
        await pilot.press("s")  # pause
        clock[0] += 500
        screen._tick()
        assert "01:35" in str(label.render()) and "⏸" in str(label.render())


async def test_copy_and_save_the_summary(
    make_app: AppFactory,
    workspace: Workspace,
    team: list[Person],
    tmp_path,
    monkeypatch,
) -> None:
    workspace.standups.save_entry(TODAY, StandupEntry(person_id=team[0].id, today="Démo"))
    app = make_app()
    copied: list[str] = []
    monkeypatch.setattr(app, "copy_to_clipboard", copied.append)
    async with app.run_test(size=(120, 40)) as pilot:
        await open_standup(pilot)
        await pilot.press("c")
        assert copied and copied[0].startswith("# Stand-up du vendredi 27 novembre 2026")
        await pilot.press("w")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = str(tmp_path / "cr.md")
        await pilot.press("enter")
        await pilot.pause()
        assert (tmp_path / "cr.md").read_text(encoding="utf-8") == copied[0]
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "cr.md")
        await pilot.press("enter")
        await pilot.pause()
        assert any("existe déjà" in n.message for n in app._notifications)


async def test_go_to_a_date_and_refuse_impossible_ones(
    make_app: AppFactory, workspace: Workspace, team: list[Person]
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        await pilot.press("g")
        await pilot.pause()
        field = app.screen.query_one(Input)
        field.value = "31/02/2026"
        await pilot.press("enter")
        await pilot.pause()
        assert "impossible" in str(app.screen.query_one("#prompt-error").render())
        field.value = "2026-11-02"
        await pilot.press("enter")
        await pilot.pause()
        assert screen.day == date(2026, 11, 2)
        await pilot.press("t")
        assert screen.day == TODAY


async def test_search_history_then_open_the_day(
    make_app: AppFactory, workspace: Workspace, team: list[Person]
) -> None:
    old = date(2026, 10, 6)
    workspace.standups.save_entry(old, StandupEntry(person_id=team[1].id, today="Atelier RGAA"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        await pilot.press("slash")
        await pilot.pause()
        await pilot.press(*"rgaa", "enter", "enter")
        await pilot.pause()
        assert app.screen is screen and screen.day == old
        assert "Atelier RGAA" in str(screen.people_table.cells_at(1)[5])


async def test_team_is_edited_from_the_screen(
    make_app: AppFactory, workspace: Workspace, team: list[Person]
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        await pilot.press("p")
        await pilot.pause()
        await pilot.press("n", *"Nadia Haddad", "enter")
        await pilot.pause()
        await pilot.press("shift+up", "shift+up")  # Nadia speaks second
        await pilot.press("o")  # role: other -> dev
        await pilot.press("down", "down", "x")  # Sophie leaves
        await pilot.press("up", "e", "ctrl+a")
        await pilot.pause()
        app.screen.query_one(Input).value = "Karim B."
        await pilot.press("enter")
        await pilot.pause()
        await pilot.press("escape")
        await pilot.pause()
        assert [p.person.name for p in found(screen.data).people] == [
            "Léa Martin",
            "Nadia Haddad",
            "Karim B.",
        ]
    people = workspace.people.all()
    assert [(p.name, p.role.value, p.active) for p in people] == [
        ("Léa Martin", "dev", True),
        ("Nadia Haddad", "dev", True),
        ("Karim B.", "design", True),
        ("Sophie Durand", "metier", False),
    ]


async def test_long_pasted_and_wide_text_is_kept(
    make_app: AppFactory, workspace: Workspace, team: list[Person]
) -> None:
    long_text = "Relecture du dossier d'homologation 📄 本番 " * 120 + "\nligne 2\x07"
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        screen = await open_standup(pilot)
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#entry-today", TextArea).text = long_text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        table = screen.people_table
        assert "\n" not in str(table.cells_at(0)[5])
        line = table.render_line(1)  # under the header
        assert line.text.rstrip().endswith("…"), "cut to the column, with an ellipsis"
        assert line.cell_length == table.scrollable_content_region.width
    saved = workspace.standups.day(TODAY).people[0].entry
    assert found(saved).today == long_text.strip().replace("\x07", "\u2407"), (
        "all kept, the bell shown as ␇"
    )


async def test_text_over_the_limit_is_refused_with_a_message(
    make_app: AppFactory, workspace: Workspace, team: list[Person]
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_standup(pilot)
        await pilot.press("enter")
        await pilot.pause()
        app.screen.query_one("#entry-today", TextArea).text = "x" * 20_000
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, EntryEditorScreen), "nothing lost: the editor stays"
        assert "10000" in str(app.screen.query_one("#entry-error").render())
    assert workspace.standups.find(TODAY) is None


async def test_captured_decisions_show_for_the_day(
    make_app: AppFactory, workspace: Workspace, team: list[Person]
) -> None:
    workspace.items.add(
        Item(
            text="Relancer la DSI",
            kind=ItemKind.ACTION,
            raised_on=THURSDAY,
            due_date=THURSDAY,
            owner="Karim Benali",
        )
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_standup(pilot)
        await pilot.press("ctrl+n", *"> on publie lundi", "enter")
        await pilot.pause()
        items = screen.section("items")
        rows = [[str(c) for c in items.cells_at(i)] for i in range(items.row_count)]
        assert rows[0][0] == "décision" and rows[0][3] == "on publie lundi"
        assert rows[1][0] == "action" and rows[1][1].startswith("⚠")


async def test_a_blocker_resolved_by_one_key_comes_back_with_u(
    make_app: AppFactory, workspace: Workspace, team: list[Person]
) -> None:
    from prodtui.ui.screens.dialogs import ConflictScreen

    raised = workspace.standups.raise_blocker(THURSDAY, team[0], "Pas d'accès à la recette")
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_standup(pilot)
        await pilot.press("r")
        await pilot.pause()
        said = [n.message for n in app._notifications][-1]
        assert said.startswith("Bloquant levé") and said.endswith(" · u pour annuler")
        assert workspace.items.get(found(raised.id)).status is ItemStatus.DONE
        await pilot.press("u")
        await pilot.pause()
        said = [n.message for n in app._notifications][-1]
        assert said == "Annulé — Bloquant rouvert\u202f: Pas d'accès à la recette"
        again = workspace.items.get(found(raised.id))
        assert (again.status, again.resolved_on) == (ItemStatus.OPEN, None)
        assert screen.section("blockers").row_count == 1

        # Resolved again, then edited in another session: the undo shows both versions.
        await pilot.press("r")
        await pilot.pause()
        other = open_workspace(workspace.path, author="Bob")
        other.items.save(other.items.get(found(raised.id)).edit(text="Accès rétabli lundi"))
        other.close()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("t")
        await pilot.pause()
    kept = workspace.items.get(found(raised.id))
    assert (kept.status, kept.text) == (ItemStatus.DONE, "Accès rétabli lundi")
