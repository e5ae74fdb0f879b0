"""Keys typed ahead, as a slow SSH link delivers them: all at once, queued before the app
has handled the first. Each test posts a whole burst, then looks where every key went."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from prodtui.domain.items import Item
from prodtui.domain.people import Person, Role
from prodtui.store import Workspace
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.homologation import HomologationScreen
from prodtui.ui.screens.item_editor import ItemEditorScreen
from prodtui.ui.screens.standup import StandupScreen
from prodtui.ui.screens.standup_entry import EntryEditorScreen
from tests.conftest import TODAY, AppFactory, wait_until
from tests.test_homologation import open_tracker

NAMES = {" ": "space", "+": "plus", "/": "slash"}


def typed(text: str) -> list[events.Key]:
    return [events.Key(NAMES.get(c, c), c) for c in text]


def key(name: str) -> events.Key:
    """A new event each time: one event object is delivered once."""
    return events.Key(name, {"enter": "\r", "tab": "\t"}.get(name))


def send(app: ProdtuiApp, *keys: events.Key | list[events.Key]) -> None:
    for item in keys:
        for event in item if isinstance(item, list) else [item]:
            app.post_message(event)


async def settled(pilot: Pilot[int], done: Callable[[], bool], limit: float = 10) -> None:
    """Wait until the burst has been handled (`done`), on a machine however busy."""
    app = pilot.app
    assert isinstance(app, ProdtuiApp)
    await wait_until(pilot, lambda: done() and not app.type_ahead.held, timeout=limit)
    await pilot.pause()


async def test_a_form_opened_by_a_key_gets_the_keys_typed_after_it(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(pilot)
        # `n` opens the form. Neither `e` (edit) nor `d` (decide) may act on the tracker
        # before it is open, each Tab moves on before the next letters, and ctrl+s saves
        # only once the last field has them all.
        send(
            app,
            key("n"),
            typed("Revue avec le DPD"),
            key("tab"),
            typed("15/01/2027"),
            key("tab"),
            typed("AIPD"),
            key("ctrl+s"),
        )
        await settled(pilot, lambda: workspace.homologation.step_count() == 11)
        assert isinstance(app.screen, HomologationScreen)
        added = workspace.homologation.steps()[-1]
        assert (added.title, added.date, added.notes) == (
            "Revue avec le DPD",
            date(2027, 1, 15),
            "AIPD",
        )
        assert workspace.homologation.current_decision() is None


async def test_the_next_person_gets_what_is_typed_after_pagedown(
    make_app: AppFactory, workspace: Workspace
) -> None:
    for name in ("Léa", "Karim", "Sophie"):
        workspace.people.add(Person(name=name, role=Role.DEV))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert isinstance(app.screen, StandupScreen)
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, EntryEditorScreen)
        # pagedown saves Léa's entry and opens Karim's; escape closes his, saved.
        send(app, typed("Recette"), key("pagedown"), typed("Maquettes"), key("escape"))
        await settled(pilot, lambda: isinstance(app.screen, StandupScreen))
    said = {
        line.person.name: line.entry.yesterday
        for line in workspace.standups.day(TODAY).people
        if line.entry is not None
    }
    assert said == {"Léa": "Recette", "Karim": "Maquettes"}


async def test_keys_after_a_filter_or_a_row_opened_go_to_the_list_or_the_editor(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.items.add(Item(text="relancer la DSI"))
    workspace.items.add(Item(text="Note"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        # The filter's Enter gives the focus back to the list (through messages): `e`
        # then edits the one capture left, and the keys after it reach the editor.
        send(app, typed("/rel"), key("enter"), key("e"), key("end"), typed(" lundi"))
        await settled(pilot, lambda: getattr(app.focused, "text", "").endswith("lundi"))
        assert isinstance(app.screen, ItemEditorScreen)
        area = app.focused
        assert isinstance(area, TextArea) and area.text == "relancer la DSI lundi"


async def test_text_for_the_focused_field_is_never_held(
    make_app: AppFactory, workspace: Workspace
) -> None:
    """A key the field takes itself cannot move on: typing stays immediate."""
    workspace.items.add(Item(text="Note"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        moves_on = app.type_ahead.may_move_on
        assert moves_on(key("n")) and moves_on(key("tab")), "on the Today screen"
        await pilot.press("i", "e")
        await pilot.pause()
        assert isinstance(app.focused, TextArea)
        assert not moves_on(key("a")) and not moves_on(key("enter")), "a new line"
        assert moves_on(key("tab")) and moves_on(key("ctrl+s"))
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.focused, Input)
        assert not moves_on(key("a")) and moves_on(key("enter"))
        assert not moves_on(events.Paste("du texte"))


async def test_keys_after_enter_on_a_row_go_to_the_editor_it_opens(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.items.add(Item(text="Note"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        send(app, key("enter"), key("end"), typed(" suite"))
        await settled(pilot, lambda: getattr(app.focused, "text", "").endswith("suite"))
        assert isinstance(app.screen, ItemEditorScreen)
        area = app.focused
        assert isinstance(area, TextArea) and area.text == "Note suite"


async def test_keys_after_a_choice_that_opens_a_prompt_go_to_the_prompt(
    make_app: AppFactory, workspace: Workspace
) -> None:
    """The status dialog's result opens the readiness prompt from its callback (run after
    the dialog is gone): the reason typed at once goes there, first letter included."""
    from prodtui.domain.stories import Story
    from prodtui.ui.screens.dialogs import PromptScreen

    workspace.stories.add(Story(title="Sans scénario"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("3")
        await pilot.pause()
        send(app, key("s"), key("down"), key("down"), key("enter"), typed("urgent"))
        await settled(pilot, lambda: getattr(app.focused, "value", "") == "urgent")
        assert isinstance(app.screen, PromptScreen)
        field = app.focused
        assert isinstance(field, Input) and field.value == "urgent"
