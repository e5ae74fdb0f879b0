"""What is typed in a form dialog is a draft until saved: the cases at its edges."""

from __future__ import annotations

import json
from typing import TypeVar

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, Select

from prodtui.domain.risks import Criterion, Risk
from prodtui.store import Workspace
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.dialogs import ConfirmScreen, record_key
from prodtui.ui.screens.drafts import DraftsScreen
from prodtui.ui.screens.risks import RiskFormScreen
from prodtui.ui.screens.security import MeasureFormScreen
from tests.conftest import AppFactory, wait_until


def a_risk(workspace: Workspace, title: str) -> Risk:
    return workspace.risks.create(
        Risk(title=title, criterion=Criterion.CONFIDENTIALITY, likelihood=2, severity=3)
    )


FormT = TypeVar("FormT", RiskFormScreen, MeasureFormScreen)


async def open_form(pilot: Pilot[int], form: FormT) -> FormT:
    """The form over whatever is shown (the drafts found at start-up left for later)."""
    app = pilot.app
    assert isinstance(app, ProdtuiApp)
    if app.workspace.drafts.all():  # offered once the first screen is drawn
        await wait_until(
            pilot, lambda: isinstance(app.screen, DraftsScreen) and app.screen.is_mounted
        )
        await pilot.press("escape")
        await wait_until(pilot, lambda: not isinstance(app.screen, DraftsScreen))
    await app.push_screen(form)
    await pilot.pause()
    return form


async def test_a_key_sent_with_ctrl_q_is_in_the_draft(
    make_app: AppFactory, workspace: Workspace
) -> None:
    risk = a_risk(workspace, "Fuite de données")
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, RiskFormScreen(risk))
        form.query_one("#rf-treatment", Input).focus()
        await pilot.press(*"chiffrer")
        written = [json.dumps({"rf-treatment": "chiffrer"})]
        await wait_until(pilot, lambda: [d.content for d in workspace.drafts.all()] == written)
        # The last key and ctrl+q in one burst: the field takes the key before the quit,
        # but the form hears of the change only after.
        for event in (events.Key("s", "s"), events.Key("ctrl+q", None)):
            app.post_message(event)
        await wait_until(pilot, lambda: not app.is_running)
    draft = workspace.drafts.get(f"form:{record_key('risk', risk)}")
    assert draft is not None and json.loads(draft.content) == {"rf-treatment": "chiffrers"}


async def test_a_deleted_records_draft_never_reaches_the_record_given_its_id(
    make_app: AppFactory, workspace: Workspace
) -> None:
    risk = a_risk(workspace, "Fuite de données")
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await open_form(pilot, RiskFormScreen(risk))
        app.focused.insert_text_at_cursor(" par export")  # type: ignore[union-attr]
        await pilot.press("ctrl+q")
    workspace.risks.delete(risk.id)  # type: ignore[arg-type]
    other = a_risk(workspace, "Panne du datacenter")
    assert other.id == risk.id, "SQLite gives the freed id again"
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, RiskFormScreen(other))
        assert form.query_one("#rf-title", Input).value == "Panne du datacenter"


async def test_a_restored_field_is_typed_on_at_its_end(
    make_app: AppFactory, workspace: Workspace
) -> None:
    risk = a_risk(workspace, "Fuite")
    workspace.drafts.save(
        f"form:{record_key('risk', risk)}", json.dumps({"rf-title": "Fuite de données"})
    )
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, RiskFormScreen(risk))
        title = form.query_one("#rf-title", Input)
        title.focus()
        await pilot.press("!")
        assert title.value == "Fuite de données!"


async def test_choices_and_commands_are_not_typed_text(
    make_app: AppFactory, workspace: Workspace
) -> None:
    risk = a_risk(workspace, "Fuite")
    workspace.measures.import_shipped()
    entry = workspace.measures.entries()[0]
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        form = await open_form(pilot, RiskFormScreen(risk))
        form.query_one("#rf-criterion", Select).value = Criterion.INTEGRITY
        await pilot.pause(0.4)  # past the debounce; what must not happen: a fixed pause
        assert workspace.drafts.all() == [], "a choice alone is no text to keep"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen), "but it is a change"
        await pilot.press("o")
        await pilot.pause()

        measure_form = await open_form(pilot, MeasureFormScreen(entry))
        measure_form.query_one("#mf-file", Input).value = "/tmp/pv-de-recette.pdf"
        await pilot.pause(0.4)  # past the debounce; what must not happen: a fixed pause
        assert workspace.drafts.all() == []
        await pilot.press("escape")  # a path to add a file changes nothing of the measure
        await pilot.pause()
        assert app.screen is not measure_form and not isinstance(app.screen, ConfirmScreen)


async def test_every_text_field_of_the_story_editor_is_a_draft(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.ui.screens.story_editor import StoryEditorScreen

    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await pilot.press("3", "n")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, StoryEditorScreen)
        for field, text in (("title", "Titre"), ("persona", "aidant"), ("want", "un rappel")):
            editor.query_one(f"#story-{field}", Input).focus()
            await pilot.press(*text)

        def kept() -> dict[str, str]:
            return {draft.key.rsplit(":", 1)[-1]: draft.content for draft in workspace.drafts.all()}

        typed = {"title": "Titre", "persona": "aidant", "want": "un rappel"}
        # Written a quarter of a second after the last key (on a loaded machine, perhaps
        # also in part before it).
        await wait_until(pilot, lambda: kept() == typed)
    assert kept() == typed


async def test_fields_filled_as_the_editor_opens_are_not_drafts(
    make_app: AppFactory, workspace: Workspace
) -> None:
    """Opening a capture with an owner and a story, then typing in one field only: that
    field alone is a draft (the others, filled as the editor mounted, would be offered
    back after a crash as if typed)."""
    from prodtui.domain.items import Item, ItemKind
    from prodtui.ui.screens.item_editor import ItemEditorScreen

    item = workspace.items.add(
        Item(text="Relancer l'hébergeur", kind=ItemKind.ACTION, owner="Inès", story_key="US-3")
    )
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = ItemEditorScreen(item)
        await app.push_screen(editor)
        await pilot.pause(0.4)  # past the drafts' quiet time: nothing to write yet
        await pilot.pause()
        assert workspace.drafts.all() == []
        editor.query_one("#item-owner", Input).focus()
        await pilot.press("end", *" Moreau")
        await wait_until(pilot, lambda: len(workspace.drafts.all()) == 1)
        await pilot.pause(0.4)
        drafts = workspace.drafts.all()
        assert [(d.key, d.content) for d in drafts] == [(f"item:{item.id}:owner", "Inès Moreau")]
