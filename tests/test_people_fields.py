"""People typed by hand (a risk's owner, a capture's owner in its editor) are matched to
the team as `@ines` in a capture is: suggested as typed, saved under the member's name,
case and accents aside; a name outside the team is kept as typed and said so."""

from __future__ import annotations

from typing import Any

from textual.pilot import Pilot
from textual.widgets import Input

from prodtui.domain.capture import parse_capture
from prodtui.domain.people import Person
from prodtui.store import Workspace
from prodtui.ui.screens.item_editor import ItemEditorScreen
from prodtui.ui.screens.risks import RiskFormScreen, RisksScreen
from prodtui.ui.widgets.people import suggest_name
from tests.conftest import TODAY, AppFactory, id_of

TEAM = ["Inès Dupont", "Marc Lefèvre", "Ingrid Martin"]


def with_team(ws: Workspace) -> None:
    for name in TEAM:
        ws.people.add(Person(name=name))


def test_a_name_is_suggested_from_its_start_case_and_accents_aside() -> None:
    assert suggest_name(TEAM, "ine") == "Inès Dupont"
    assert suggest_name(TEAM, "INES d") == "Inès Dupont"
    assert suggest_name(TEAM, "marc lef") == "Marc Lefèvre"
    assert suggest_name(TEAM, "in") == "Inès Dupont"  # the first in the team's order
    assert suggest_name(TEAM, "ing") == "Ingrid Martin"
    assert suggest_name(TEAM, "dupont") is None  # from the start only: the shown rest lines up
    assert suggest_name(TEAM, "Inès Dupont") is None  # nothing left to complete
    assert suggest_name(TEAM, " ") is None


async def fill_risk(pilot: Pilot[Any], owner_keys: tuple[str, ...]) -> RiskFormScreen:
    await pilot.press("n")
    await pilot.pause()
    form = pilot.app.screen
    assert isinstance(form, RiskFormScreen)
    await pilot.press(*"Fuite de données", "tab", "tab", "2", "tab", "3", "tab", "tab")
    await pilot.pause()
    assert form.query_one("#rf-owner", Input).has_focus
    await pilot.press(*owner_keys)
    await pilot.pause()
    return form


async def test_a_risk_owner_typed_by_hand_is_matched_to_the_team(
    make_app: AppFactory, workspace: Workspace
) -> None:
    with_team(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(RisksScreen())
        await pilot.pause()
        form = await fill_risk(pilot, tuple("ines"))
        field = form.query_one("#rf-owner", Input)
        assert field._suggestion == "Inès Dupont"  # shown after the cursor
        note = str(form.query_one("#rf-owner-note").render())
        assert note == "Équipe\u202f: Inès Dupont"
        await pilot.press("ctrl+s")
        await pilot.pause()
        (saved,) = workspace.risks.list()
        assert saved.owner == "Inès Dupont"
        # A second risk: "mar" and right arrow accept the suggestion.
        form = await fill_risk(pilot, ("m", "a", "r", "right"))
        assert form.query_one("#rf-owner", Input).value == "Marc Lefèvre"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert {r.owner for r in workspace.risks.list()} == {"Inès Dupont", "Marc Lefèvre"}


async def test_an_owner_outside_the_team_is_kept_as_typed_and_said_so(
    make_app: AppFactory, workspace: Workspace
) -> None:
    with_team(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = RisksScreen()
        await app.push_screen(screen)
        await pilot.pause()
        form = await fill_risk(pilot, tuple("Prestataire TMA"))
        assert "hors équipe" in str(form.query_one("#rf-owner-note").render()).lower()
        await pilot.press("ctrl+s")
        await pilot.pause()
        (saved,) = workspace.risks.list()
        assert saved.owner == "Prestataire TMA"
        assert "Prestataire TMA (hors équipe)" in str(screen.query_one("#risks-treatment").render())


async def test_a_captures_owner_in_its_editor_is_matched_as_at_ines_is(
    make_app: AppFactory, workspace: Workspace
) -> None:
    with_team(workspace)
    by_handle = workspace.items.capture(parse_capture("action: relancer l'hébergeur @ines", TODAY))
    assert by_handle.owner == "Inès Dupont"  # the capture line's rule
    typed = workspace.items.capture(parse_capture("action: préparer le comité", TODAY))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = ItemEditorScreen(typed)
        await app.push_screen(editor)
        await pilot.pause()
        field = editor.query_one("#item-owner", Input)
        field.focus()
        await pilot.pause()
        await pilot.press(*"INES")
        await pilot.pause()
        assert "Inès Dupont" in str(editor.query_one("#item-owner-note").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert workspace.items.get(id_of(typed)).owner == "Inès Dupont"
        # Free text still goes in as typed.
        editor = ItemEditorScreen(workspace.items.get(id_of(typed)))
        await app.push_screen(editor)
        await pilot.pause()
        editor.query_one("#item-owner", Input).value = "la DNUM"
        await pilot.pause()
        assert "hors équipe" in str(editor.query_one("#item-owner-note").render()).lower()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert workspace.items.get(id_of(typed)).owner == "la DNUM"
