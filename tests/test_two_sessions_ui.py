"""Two app instances on one workspace file: the second to save sees both versions, and
whichever it keeps, the other stays where the user can reach it."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input, TextArea

from prodtui.config import load_settings
from prodtui.domain.people import Person
from prodtui.domain.standup import StandupEntry
from prodtui.domain.stories import Story
from prodtui.store import Workspace, open_workspace
from prodtui.store.base import DISCARDED
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.dialogs import ConflictScreen
from prodtui.ui.screens.standup_entry import EntryEditorScreen
from prodtui.ui.screens.story_editor import StoryEditorScreen
from tests.conftest import TODAY
from tests.test_app import messages

SIZE = (140, 50)


def session(path: Path, author: str, tmp_path: Path) -> tuple[Workspace, ProdtuiApp]:
    workspace = open_workspace(path, author=author)
    config = tmp_path / f"{author}.toml"
    app = ProdtuiApp(workspace, load_settings(config), config, today=lambda: TODAY)
    return workspace, app


async def test_keeping_theirs_keeps_mine_in_the_history(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    alice, alice_app = session(path, "Alice", tmp_path)
    story = alice.stories.add(Story(title="Déposer une demande", want="déposer"))
    bruno, bruno_app = session(path, "Bruno", tmp_path)
    async with (
        alice_app.run_test(size=SIZE) as alice_pilot,
        bruno_app.run_test(size=SIZE, notifications=True) as bruno_pilot,
    ):
        for pilot in (alice_pilot, bruno_pilot):
            await pilot.press("3", "e")
            await pilot.pause()
            assert isinstance(pilot.app.screen, StoryEditorScreen)
        for pilot, text in (
            (alice_pilot, "la version d'Alice"),
            (bruno_pilot, "celle de Bruno"),
        ):
            pilot.app.screen.query_one("#story-want", Input).value = text
        await alice_pilot.press("ctrl+s")
        await alice_pilot.pause()
        await bruno_pilot.press("ctrl+s")
        await bruno_pilot.pause()
        assert isinstance(bruno_app.screen, ConflictScreen), "the loser sees the conflict"
        await bruno_pilot.press("escape")  # keep theirs
        await bruno_pilot.pause()
        assert any("historique" in m for m in messages(bruno_app))
        await bruno_pilot.press("h")  # the story's history, where the user can reach it
        await bruno_pilot.pause()
        table = bruno_app.screen.query_one("#history-table", DataTable)
        rows = [" ".join(str(c) for c in table.get_row_at(i)) for i in range(table.row_count)]
        assert any("version écartée" in row and "celle de Bruno" in row for row in rows)
    assert bruno.stories.get(story.id or 0).want == "la version d'Alice"
    history = bruno.audit.history("stories", story.id or 0)
    [discarded] = [entry for entry in history if entry.field == DISCARDED]
    assert discarded.author == "Bruno" and "celle de Bruno" in (discarded.old or "")
    alice.close()
    bruno.close()


async def test_merging_by_hand_puts_both_texts_in_the_editor(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    alice, _ = session(path, "Alice", tmp_path)
    story = alice.stories.add(Story(title="Déposer", description="Contexte commun"))
    bruno, bruno_app = session(path, "Bruno", tmp_path)
    async with bruno_app.run_test(size=SIZE) as pilot:
        await pilot.press("3", "e")
        await pilot.pause()
        editor = bruno_app.screen
        assert isinstance(editor, StoryEditorScreen)
        editor.query_one("#story-description", TextArea).text = "Contexte selon Bruno"
        # Alice saves from her own session meanwhile.
        alice.stories.save(alice.stories.get(story.id or 0).edit(description="Selon Alice"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(bruno_app.screen, ConflictScreen)
        await pilot.press("f")
        await pilot.pause()
        assert bruno_app.screen is editor
        merged = editor.query_one("#story-description", TextArea).text
        assert merged.startswith("Contexte selon Bruno") and merged.endswith("Selon Alice")
        await pilot.press("ctrl+s")
        await pilot.pause()
    saved = bruno.stories.get(story.id or 0)
    assert "Contexte selon Bruno" in saved.description and "Selon Alice" in saved.description
    alice.close()
    bruno.close()


async def test_a_first_entry_saved_by_both_is_a_conflict_not_a_crash(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    alice, _ = session(path, "Alice", tmp_path)
    person = alice.people.add(Person(name="Chloé Martin"))
    bruno, bruno_app = session(path, "Bruno", tmp_path)
    async with bruno_app.run_test(size=SIZE) as pilot:
        await pilot.press("2", "enter")
        await pilot.pause()
        assert isinstance(bruno_app.screen, EntryEditorScreen)
        bruno_app.screen.query_one("#entry-today", TextArea).text = "selon Bruno"
        alice.standups.save_entry(TODAY, StandupEntry(person_id=person.id, today="selon Alice"))
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(bruno_app.screen, ConflictScreen)
        await pilot.press("m")  # keep mine
        await pilot.pause()
    [entry] = [p.entry for p in bruno.standups.day(TODAY).people if p.entry]
    assert entry.today == "selon Bruno"
    history = bruno.audit.history("standup_entries", entry.id or 0)
    assert any(e.old == "selon Alice" for e in history), "theirs stays in the history"
    alice.close()
    bruno.close()
