"""The shell driven with the real keys through Textual's Pilot."""

from __future__ import annotations

import tomllib
from pathlib import Path

import pytest
from textual import events
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from prodtui.domain.items import Item, ItemKind, ItemStatus
from prodtui.i18n import set_language, t
from prodtui.store import Workspace, open_workspace
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.keys import binding_label
from prodtui.ui.screens.capture import CaptureScreen
from prodtui.ui.screens.drafts import DraftsScreen
from prodtui.ui.screens.help import HelpScreen
from prodtui.ui.screens.item_editor import ItemEditorScreen
from prodtui.ui.widgets.lazy_table import LazyTable
from tests.conftest import TODAY, AppFactory, found, id_of, wait_until
from tests.test_palette_and_help import palette_lines


def messages(app: ProdtuiApp) -> list[str]:
    return [n.message for n in app._notifications]


async def drafts_offered(pilot: Pilot[int]) -> None:
    """Until the drafts left behind are offered: once the first screen is drawn."""
    app = pilot.app
    await wait_until(pilot, lambda: isinstance(app.screen, DraftsScreen) and app.screen.is_mounted)


async def test_number_keys_and_i_reach_every_screen(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        assert app.current_mode == "today"
        for key, mode in [
            ("2", "standup"),
            ("3", "stories"),
            ("4", "recette"),
            ("5", "security"),
            ("i", "inbox"),
            ("1", "today"),
        ]:
            await pilot.press(key)
            await pilot.pause()
            assert app.current_mode == mode


async def test_the_palette_goes_to_a_screen_by_name(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        # Enter picks the first hit: once the search has listed them all.
        await palette_lines(pilot, "sécurité", "Sécurité")
        await pilot.press("enter")
        await wait_until(pilot, lambda: app.current_mode == "security")
        assert app.current_mode == "security"


async def test_capture_saves_and_returns_to_the_same_place(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, CaptureScreen)
        await pilot.press(*"+ envoyer le compte-rendu @lea demain #US-4")
        await pilot.press("enter")
        await pilot.pause()
        assert app.current_mode == "inbox"
        assert isinstance(app.focused, LazyTable)
        [item] = workspace.items.inbox()
        assert item.kind is ItemKind.ACTION
        assert item.owner == "lea" and item.story_key == "US-4"
        assert found(item.due_date).isoformat() == "2026-11-28"
        assert workspace.drafts.all() == []
        assert app.screen.query_one(LazyTable).row_count == 1
        assert any("#1 action" in m for m in messages(app))


async def test_capture_from_inside_an_editor_keeps_text_focus_and_cursor(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.items.add(Item(text="Relire la note de cadrage"))
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("i")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        editor = app.screen
        assert isinstance(editor, ItemEditorScreen)
        area = app.focused
        assert isinstance(area, TextArea)
        await pilot.press("end", *" v2", "home", "right", "right")
        cursor = area.cursor_location
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert isinstance(app.screen, CaptureScreen)
        await pilot.press(*"! pas d'accès à la préprod")
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is editor
        assert app.focused is area
        assert area.cursor_location == cursor
        assert area.text == "Relire la note de cadrage v2"
        assert [i.kind for i in workspace.items.inbox()] == [ItemKind.BLOCKER, ItemKind.NOTE]


async def test_the_saved_toast_shows_over_the_overlay_which_then_closes(
    make_app: AppFactory, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    # Long enough that the check below comes first however loaded the machine.
    monkeypatch.setattr(CaptureScreen, "CLOSE_DELAY", 1.0)
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n", *"+ relancer la DSI", "enter")
        assert isinstance(app.screen, CaptureScreen), "still open under the toast"
        assert any("#1 action" in m for m in messages(app))
        assert workspace.items.count(inbox_only=False) == 1, "saved already"
        await wait_until(pilot, lambda: not isinstance(app.screen, CaptureScreen))
        assert not isinstance(app.screen, CaptureScreen)


async def test_keys_typed_as_the_overlay_closes_go_to_the_editor_below(
    make_app: AppFactory, workspace: Workspace, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(CaptureScreen, "CLOSE_DELAY", 30)  # only a key closes it here
    workspace.items.add(Item(text="Note"))
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("i", "e")
        await pilot.pause()
        editor = app.screen
        area = app.focused
        assert isinstance(editor, ItemEditorScreen) and isinstance(area, TextArea)
        await pilot.press("end", "ctrl+n", *"+ relancer")
        # Enter and the next keys in the queue at once, as when typed fast on a busy app.
        for key, character in [("enter", "\r"), ("space", " "), ("d", "d"), ("e", "e")]:
            app.post_message(events.Key(key, character))
        await pilot.pause()
        assert not isinstance(app.screen, CaptureScreen), "closed by the first key after"
        assert area.text == "Note de"
        await pilot.press("ctrl+n", *"+ relancer", "enter")
        await pilot.pause()
        assert isinstance(app.screen, CaptureScreen), "closing, not closed yet"
        await pilot.press(*" cadrage", "ctrl+n")
        await pilot.pause()
        assert area.text == "Note de cadrage", "every key reached the editor, none was lost"
        assert isinstance(app.screen, CaptureScreen), "ctrl+n opened a new capture"
        assert app.screen.query_one(Input).value == ""
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is editor and app.focused is area
        assert [i.text for i in workspace.items.inbox()] == ["relancer", "relancer", "Note"]


def burst(text: str) -> list[events.Key]:
    names = {" ": "space", "+": "plus"}
    return [events.Key(names.get(c, c), c) for c in text]


async def test_a_burst_of_keys_saves_the_line_typed_before_enter_and_nothing_is_lost(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.items.add(Item(text="Note"))
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("i", "e", "end")
        await pilot.pause()
        area = app.focused
        assert isinstance(area, TextArea)
        # Everything in the queue at once, as a paste of keys over a slow SSH link.
        keys = [events.Key("ctrl+n", None), *burst("+ relancer"), events.Key("enter", "\r")]
        for event in [*keys, *burst(" suite"), events.Paste(" et fin")]:
            app.post_message(event)
        await wait_until(pilot, lambda: area.text == "Note suite et fin")
        assert not isinstance(app.screen, CaptureScreen)
        assert workspace.items.inbox()[0].text == "relancer"
        assert area.text == "Note suite et fin"


async def test_escape_keeps_the_capture_as_a_draft(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        await pilot.press(*"> on garde le parcours actuel")
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, CaptureScreen)
        assert workspace.items.count(inbox_only=False) == 0
        assert found(workspace.drafts.get("capture")).content == "> on garde le parcours actuel"
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert app.screen.query_one(Input).value == "> on garde le parcours actuel"
        await pilot.press("enter")
        await pilot.pause()
        assert workspace.items.inbox()[0].kind is ItemKind.DECISION
        assert workspace.drafts.get("capture") is None


async def test_typing_writes_a_draft_before_anything_is_saved(tmp_path: Path, make_app) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n")
        await pilot.press(*"+ ne pas perdre ceci")

        def on_disk() -> str | None:
            # Another process looking at the file, as after a kill -9, finds the text.
            other = open_workspace(tmp_path / "workspace.db", read_only=True)
            try:
                draft = other.drafts.get("capture")
                return draft.content if draft else None
            finally:
                other.close()

        await wait_until(pilot, lambda: on_disk() == "+ ne pas perdre ceci")
        assert on_disk() == "+ ne pas perdre ceci"


async def test_drafts_left_by_a_crash_are_offered_back(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.drafts.save("capture", "+ rappeler le RSSI", "Capture rapide")
    app = make_app()
    async with app.run_test() as pilot:
        await drafts_offered(pilot)
        assert "1 brouillon" in str(app.screen.query_one(".dialog-title").render())
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, CaptureScreen)
        assert app.screen.query_one(Input).value == "+ rappeler le RSSI"


async def test_inbox_triage_keys(make_app: AppFactory, workspace: Workspace) -> None:
    for text in ("premier", "deuxième", "troisième"):
        workspace.items.add(Item(text=text))
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("i")
        await pilot.pause()
        table = app.screen.query_one(LazyTable)
        assert table.row_count == 3
        await pilot.press("k")  # newest first: "troisième" becomes an action
        await pilot.press("x")
        await pilot.pause()
        third = workspace.items.get(3)
        assert third.kind is ItemKind.ACTION and third.status is ItemStatus.DONE
        await pilot.press("down", "d")
        await pilot.pause()
        assert table.row_count == 2
        assert workspace.items.count(inbox_only=False) == 2
        await pilot.press("u")
        await pilot.pause()
        assert workspace.items.get(2).text == "deuxième"
        await pilot.press("t")
        await pilot.pause()
        assert table.row_count == 2 and workspace.items.get(2).triaged
        await pilot.press("a")
        await pilot.pause()
        assert table.row_count == 3
        await pilot.press("slash", *"prem", "enter")
        await pilot.pause()
        assert table.row_count == 1


async def test_a_capture_changed_elsewhere_since_listed_is_not_deleted(
    make_app: AppFactory, workspace: Workspace
) -> None:
    item = workspace.items.add(Item(text="relancer la DSI"))
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("i")
        await pilot.pause()
        # Another session edits it while the inbox lists the old text.
        other = open_workspace(workspace.path, author="Bob")
        other.items.save(item.model_copy(update={"text": "relancer la DSI lundi"}))
        other.close()
        await pilot.press("d")
        await pilot.pause()
        assert any("modifié entre-temps" in str(message) for message in messages(app))
        assert workspace.items.get(id_of(item)).text == "relancer la DSI lundi"
        await pilot.press("d")  # now listed as it is: deleted, with undo
        await pilot.pause()
        assert workspace.items.count(inbox_only=False) == 0


async def test_the_inbox_reaches_every_capture_and_keeps_the_cursor_on_its_item(
    make_app: AppFactory, workspace: Workspace
) -> None:
    with workspace.transaction():
        for n in range(1, 1201):
            workspace.items.add(Item(text=f"capture {n}"))
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("i")
        await pilot.pause()
        table: LazyTable[Item] = app.screen.query_one(LazyTable)
        assert table.row_count == 1200
        await pilot.press("end")
        assert found(table.item(table.cursor)).text == "capture 1", "the oldest, past any page"
        assert "capture 1 " in table.render_line(table.size.height - 1).text + " "
        await pilot.press("up", "t")  # triaged: it leaves the inbox, the cursor stays put
        await pilot.pause()
        assert workspace.items.get(2).triaged and table.row_count == 1199
        await pilot.press("a")  # every capture: the cursor follows capture 1 to its row
        await pilot.pause()
        assert table.row_count == 1200
        assert found(table.item(table.cursor)).text == "capture 1"


async def test_editing_an_item_with_a_bad_date_explains_and_keeps_the_text(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.items.add(Item(text="Planifier la démo"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i", "e")
        await pilot.pause()
        app.screen.query_one("#item-due", Input).value = "31/02"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ItemEditorScreen)
        assert "31/02" in str(app.screen.query_one("#item-error").render())
        app.screen.query_one("#item-due", Input).value = "vendredi"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, ItemEditorScreen)
        assert workspace.items.get(1).due_date.isoformat() == "2026-12-04"


async def test_a_conflicting_save_shows_both_versions(
    tmp_path: Path, make_app, workspace: Workspace
) -> None:
    workspace.items.add(Item(text="Version d'origine"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i", "e")
        await pilot.pause()
        other = open_workspace(tmp_path / "workspace.db", author="Bob")
        theirs = other.items.get(1)
        other.items.save(theirs.model_copy(update={"text": "Version de Bob"}))
        other.close()
        area = app.screen.query_one(TextArea)
        area.text = "Ma version"
        await pilot.press("ctrl+s")
        await pilot.pause()
        shown = " ".join(str(s.render()) for s in app.screen.query(".conflict-side"))
        assert "Version de Bob" in shown and "Ma version" in shown
        assert workspace.items.get(1).text == "Version de Bob"
        await pilot.press("m")
        await pilot.pause()
        assert workspace.items.get(1).text == "Ma version"
        history = [h.new for h in workspace.audit.history("items", 1)]
        assert "Version de Bob" in history and "Ma version" in history


async def test_help_lists_every_active_binding(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=(120, 50)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        below = app.screen
        await pilot.press("f1")
        await pilot.pause()
        assert isinstance(app.screen, HelpScreen)
        text = str(app.screen.query_one("#help-keys").render())
        for active in below.active_bindings.values():
            binding = active.binding
            if binding.id:  # declared with a catalogue key, shown translated
                assert t(binding.description) in text and binding.id in text
            else:  # the widgets' own moving keys, translated when we know them
                assert (binding_label(binding) or binding.action) in text
        for binding_id in ("go.today", "capture", "inbox.triage", "inbox.delete", "quit"):
            assert binding_id in text
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is below


async def test_the_chosen_theme_is_remembered(tmp_path: Path, make_app) -> None:
    app = make_app('author = "Camille"\n')
    async with app.run_test() as pilot:
        app.theme = "textual-light"
        await pilot.pause()
    saved = tomllib.loads((tmp_path / "config.toml").read_text(encoding="utf-8"))
    assert saved["theme"] == "textual-light" and saved["author"] == "Camille"
    again = make_app()
    async with again.run_test() as pilot:
        assert again.theme == "textual-light"


async def test_invalid_settings_are_reported_and_the_file_left_alone(
    tmp_path: Path, make_app
) -> None:
    text = 'author = "Camille"\nlanguage = 12\n'
    app = make_app(text)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert any("config.toml:2" in m for m in messages(app))
        app.theme = "textual-light"
        await pilot.pause()
    assert (tmp_path / "config.toml").read_text(encoding="utf-8") == text


async def test_the_keymap_rebinds_keys_and_warns_about_unknown_ids(make_app: AppFactory) -> None:
    app = make_app('[keymap]\ncapture = "ctrl+k"\n"go.inbox" = "j"\nnope = "x"\n')
    async with app.run_test() as pilot:
        await pilot.pause()
        assert any("nope" in m for m in messages(app))
        await pilot.press("j")
        await pilot.pause()
        assert app.current_mode == "inbox"
        await pilot.press("ctrl+k")
        await pilot.pause()
        assert isinstance(app.screen, CaptureScreen)


async def test_another_sessions_commit_refreshes_the_screen(tmp_path: Path, make_app) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("i")
        await pilot.pause()
        assert app.screen.query_one(LazyTable).row_count == 0
        other = open_workspace(tmp_path / "workspace.db")
        other.items.add(Item(text="capturé depuis le shell"))
        other.close()
        await wait_until(pilot, lambda: app.screen.query_one(LazyTable).row_count == 1)
        assert app.screen.query_one(LazyTable).row_count == 1


async def test_read_only_workspace_shows_a_banner_and_refuses_capture(
    tmp_path: Path, make_app
) -> None:
    ws = open_workspace(tmp_path / "workspace.db", read_only=True)
    app = make_app(ws=ws)
    async with app.run_test() as pilot:
        await pilot.pause()
        assert app.screen.query(".read-only-banner")
        await pilot.press("ctrl+n")
        await pilot.pause()
        assert not isinstance(app.screen, CaptureScreen)
        assert any("lecture seule" in m for m in messages(app))
    ws.close()


async def test_english_on_request(make_app: AppFactory) -> None:
    set_language("en")
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.pause()
        assert "Inbox" in str(app.screen.query_one("#tile-inbox").border_title)
        assert "Quick capture" in [
            binding_label(b.binding) for b in app.screen.active_bindings.values()
        ]


async def test_every_screen_fits_80_by_24(make_app: AppFactory, workspace: Workspace) -> None:
    for n in range(30):
        text = f"action {n} " + "très long texte " * 10
        workspace.items.add(
            Item(text=text, kind=ItemKind.ACTION, due_date="2026-11-20", owner="Marie Dupont")
        )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        for key in "12345i":
            await pilot.press(key)
            await pilot.pause()
            assert app.screen.query_one("KeyBar").region.bottom == 24
        await pilot.press("ctrl+n")
        await pilot.pause()
        box = app.screen.query_one("#capture-box").region
        assert box.right <= 80 and box.bottom <= 24


async def test_an_unexpected_error_is_logged_and_told_in_one_line(
    make_app: AppFactory, monkeypatch: pytest.MonkeyPatch, isolated_home: Path
) -> None:
    from prodtui.ui.screens.inbox import InboxScreen

    def broken(self: InboxScreen) -> None:
        raise RuntimeError("panne simulée")

    monkeypatch.setattr(InboxScreen, "action_toggle_all", broken)
    app = make_app()
    with pytest.raises(RuntimeError):
        async with app.run_test() as pilot:
            await pilot.press("i", "a")
            await pilot.pause()
    assert app.return_code == 1
    message = app.crash_message
    assert "prodtui.log" in message and "Traceback" not in message
    log = next(isolated_home.rglob("prodtui.log")).read_text(encoding="utf-8")
    assert "panne simulée" in log and "Traceback" in log


async def test_quitting_right_after_typing_keeps_the_text(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test() as pilot:
        await pilot.press("ctrl+n", *"+ dernière idée", "ctrl+q")
        await pilot.pause()
    assert found(workspace.drafts.get("capture")).content == "+ dernière idée"


async def test_story_and_standup_drafts_reopen_their_editor(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.domain.people import Person
    from prodtui.domain.stories import Story
    from prodtui.ui.screens.standup_entry import EntryEditorScreen
    from prodtui.ui.screens.story_editor import StoryEditorScreen

    person = workspace.people.add(Person(name="Léa"))
    workspace.drafts.save(f"standup:2026-11-27:{person.id}:today", "Recette du dépôt", "Léa")
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await drafts_offered(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, EntryEditorScreen))
        assert isinstance(app.screen, EntryEditorScreen)
        assert app.screen.query_one("#entry-today", TextArea).text == "Recette du dépôt"
        await pilot.press("escape")
        await pilot.pause()
    assert found(workspace.standups.day(TODAY).people[0].entry).today == "Recette du dépôt"

    story = workspace.stories.add(Story(title="Déposer"))
    workspace.drafts.save(f"story:{story.id}:acceptance", "Scénario: à moitié écrit", "US-1")
    app = make_app()
    async with app.run_test(size=(140, 50)) as pilot:
        await drafts_offered(pilot)
        await pilot.press("enter")
        await wait_until(pilot, lambda: isinstance(app.screen, StoryEditorScreen))
        assert isinstance(app.screen, StoryEditorScreen)
        assert (
            app.screen.query_one("#story-acceptance", TextArea).text == "Scénario: à moitié écrit"
        )
