"""Two sessions on one workspace file, where the first conflict path left something
behind: "keep mine" that cannot apply onto theirs, a save onto a record the other session
deleted, the reason typed with a story's status, a name added twice at once, and merging
by hand a text typed in a prompt or a form. Each time both texts survive where the user
can reach them, and the user is told what happened."""

from __future__ import annotations

from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static, TextArea

from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.items import Item
from prodtui.domain.people import Person
from prodtui.domain.recette import TestCase
from prodtui.domain.responsibilities import Party, RaciRole, Responsibility
from prodtui.domain.stories import Epic, Story, StoryStatus
from prodtui.store import Workspace, open_workspace
from prodtui.store.base import DeletedElsewhere
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.dialogs import ConflictScreen, PromptScreen
from prodtui.ui.screens.item_editor import ItemEditorScreen
from prodtui.ui.screens.responsibilities import ResponsibilitiesScreen
from prodtui.ui.screens.runner import CaseFormScreen
from prodtui.ui.screens.story_dialogs import PlanScreen
from prodtui.ui.screens.team import TeamScreen
from prodtui.ui.screens.test_cases import TestCasesScreen
from prodtui.ui.widgets.lazy_table import LazyTable
from tests.conftest import id_of
from tests.test_app import messages
from tests.test_two_sessions_records import (
    answer_prompt,
    discarded,
    open_screen,
    save_and_see_conflict,
    two_sessions,
)


def said(app: ProdtuiApp) -> str:
    return " ".join(messages(app))


def add_row(ws: Workspace) -> None:
    ws.responsibilities.add(Responsibility(activity="Déployer"))


def add_item(ws: Workspace) -> None:
    ws.items.add(Item(text="Appeler la DSI"))


# -- 1. "keep mine" that cannot apply onto theirs ---------------------------------------------


async def test_keeping_mine_that_cannot_apply_puts_it_in_the_history(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_row) as (alice, bruno, app, pilot):
        [row] = bruno.responsibilities.all()
        await open_screen(pilot, ResponsibilitiesScreen())
        screen = app.screen
        assert isinstance(screen, ResponsibilitiesScreen)
        screen.query_one(DataTable).move_cursor(row=0, column=2)  # the business column
        alice.responsibilities.set_role(row, Party.DNUM, RaciRole.A)  # A taken meanwhile
        screen.action_set("A")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        app.clear_notifications()
        await pilot.press("m")  # mine: a second A on the row, which cannot be
        await pilot.pause()
        assert isinstance(app.screen, ResponsibilitiesScreen), "never a crash"
        assert "historique" in said(app), "the toast says where mine went"
        assert bruno.responsibilities.get(id_of(row)).dnum is RaciRole.A, "theirs stands"
        [kept] = discarded(bruno, "responsibilities", id_of(row))
        assert '"A"' in kept and "Déployer" in kept, "mine, whole, in the history"


# -- 2. a save onto a record deleted by the other session --------------------------------------


async def test_a_capture_deleted_elsewhere_can_be_recreated(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_item) as (alice, bruno, app, pilot):
        item = bruno.items.get(1)
        await open_screen(pilot, ItemEditorScreen(item))
        app.screen.query_one("#item-text", TextArea).text = "Appeler la DSI mardi"
        alice.items.delete(id_of(item))
        await save_and_see_conflict(pilot)
        side = str(app.screen.query(Static).results(Static).__next__().render())
        assert "supprimé" in side, "the dialog says the record was deleted"
        await pilot.press("m")  # recreate mine
        await pilot.pause()
        assert not isinstance(app.screen, ItemEditorScreen | ConflictScreen)
        back = bruno.items.get(id_of(item))
        assert back.text == "Appeler la DSI mardi", "mine is back, with its number"
        assert "recréée" in said(app)
        assert not bruno.drafts.all(), "the editor's drafts have served"


async def test_a_capture_deleted_elsewhere_let_go_is_in_its_history(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_item) as (alice, bruno, app, pilot):
        item = bruno.items.get(1)
        await open_screen(pilot, ItemEditorScreen(item))
        app.screen.query_one("#item-text", TextArea).text = "Appeler la DSI mardi"
        alice.items.delete(id_of(item))
        await save_and_see_conflict(pilot)
        await pilot.press("escape")  # let it go
        await pilot.pause()
        assert not isinstance(app.screen, ItemEditorScreen | ConflictScreen)
        assert bruno.items.count(inbox_only=False) == 0, "it stays deleted"
        [kept] = discarded(bruno, "items", id_of(item))
        assert "Appeler la DSI mardi" in kept
        assert "historique" in said(app)


async def test_a_single_key_on_a_row_deleted_elsewhere_can_recreate_it(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_row) as (alice, bruno, app, pilot):
        [row] = bruno.responsibilities.all()
        await open_screen(pilot, ResponsibilitiesScreen())
        screen = app.screen
        assert isinstance(screen, ResponsibilitiesScreen)
        screen.query_one(DataTable).move_cursor(row=0, column=1)
        alice.responsibilities.delete(id_of(row))
        screen.action_set("R")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        assert not app.screen.merge, "a key is no text: nothing to merge"
        await pilot.press("m")
        await pilot.pause()
        [back] = bruno.responsibilities.all()
        assert back.activity == "Déployer" and back.role(Party.DNUM) is RaciRole.R


async def test_a_record_that_cannot_come_back_goes_to_the_history(tmp_path: Path) -> None:
    def prepare(ws: Workspace) -> None:
        ws.test_cases.add(TestCase(title="Payer", automation_key="tests.payer"))

    async with two_sessions(tmp_path, prepare) as (alice, bruno, app, pilot):
        [case_id] = bruno.test_cases.ids()
        case = bruno.test_cases.get(case_id)
        await open_screen(pilot, CaseFormScreen(case))
        app.screen.query_one("#case-steps", TextArea).text = "étapes selon Bruno"
        # Alice deletes it and writes another case run by the same automated test.
        alice.test_cases.delete(case)
        alice.test_cases.add(TestCase(title="Payer (Alice)", automation_key="tests.payer"))
        await save_and_see_conflict(pilot)
        await pilot.press("m")  # recreate mine: the automated test is another case's now
        await pilot.pause()
        assert not isinstance(app.screen, CaseFormScreen | ConflictScreen), "never a crash"
        assert "ne peut pas être recréée" in said(app)
        assert any("étapes selon Bruno" in text for text in discarded(bruno, "test_cases", 1))


def test_a_record_deleted_elsewhere_is_recreated_with_its_number(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    alice, bruno = open_workspace(path, author="Alice"), open_workspace(path, author="Bruno")
    story = alice.stories.add(Story(title="Payer"))
    alice.stories.add(Story(title="Déposer"))
    seen = bruno.stories.get(id_of(story))
    alice.stories._delete(id_of(story))
    with pytest.raises(DeletedElsewhere) as raised:
        bruno.stories.save(seen.edit(want="payer en ligne"))
    assert raised.value.recreate is not None
    back = raised.value.recreate(seen.edit(want="payer en ligne"))
    assert (back.key, back.id, back.want) == ("US-1", story.id, "payer en ligne")
    # Its number taken meanwhile: it comes back under the next one.
    alice.stories._delete(id_of(back))
    taken = alice.stories.add(Story(title="Autre", number=1))
    again = bruno.stories.recreate(back)
    assert taken.key == "US-1" and again.key == "US-3"
    alice.close()
    bruno.close()


# -- 3. the reason given with a story's status --------------------------------------------


async def test_keeping_theirs_keeps_the_readiness_reason(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.stories.add(Story(title="Payer"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("s", "down", "down", "enter")  # idea → ready, not ready at all
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen), "the Definition of Ready asks why"
        alice.stories.save(alice.stories.get(1).edit(title="Payer en ligne"))
        await answer_prompt(pilot, "le métier valide demain")
        assert isinstance(app.screen, ConflictScreen)
        assert "le métier valide demain" in app.screen.mine.values(), "shown with mine"
        await pilot.press("escape")  # keep theirs
        await pilot.pause()
        story = bruno.stories.get(1)
        assert story.title == "Payer en ligne" and story.status is StoryStatus.IDEA
        [kept] = discarded(bruno, "stories", 1)
        assert "le métier valide demain" in kept and "ready" in kept


def test_a_status_conflict_carries_its_reason(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    alice, bruno = open_workspace(path, author="Alice"), open_workspace(path, author="Bruno")
    story = alice.stories.add(Story(title="Payer"))
    alice.stories.save(story.edit(title="Payer en ligne"))
    with pytest.raises(ConflictError) as raised:
        bruno.stories.set_status(story, StoryStatus.READY, reason="validé à l'oral")
    assert raised.value.aside == {"status_reason": "validé à l'oral"}
    alice.close()
    bruno.close()


# -- 4. one name added twice at once ---------------------------------------------------------


def test_a_name_added_by_two_sessions_is_one_person(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    alice, bruno = open_workspace(path, author="Alice"), open_workspace(path, author="Bruno")
    alice.people.add(Person(name="Chloé Martin"))
    for name in ("Chloé Martin", "chloe  martin"):
        with pytest.raises(ProdtuiError) as raised:
            bruno.people.add(Person(name=name))
        assert raised.value.key == "team.name_taken"
    other = bruno.people.add(Person(name="Chloé Bernard"))
    with pytest.raises(ProdtuiError):
        bruno.people.save(other.edit(name="Chloe Martin"))  # a rename onto another's name
    assert bruno.people.save(other.edit(name="chloé bernard")).name == "chloé bernard"
    assert [p.name for p in bruno.people.all()] == ["Chloé Martin", "chloé bernard"]
    alice.close()
    bruno.close()


def test_an_epic_added_by_two_sessions_is_one_epic(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    alice, bruno = open_workspace(path, author="Alice"), open_workspace(path, author="Bruno")
    alice.epics.add(Epic(title="Démarches en ligne"))
    with pytest.raises(ProdtuiError) as raised:
        bruno.epics.add(Epic(title="démarches en ligne"))
    assert raised.value.key == "story.epic_taken"
    other = bruno.epics.add(Epic(title="Accueil"))
    with pytest.raises(ProdtuiError):
        bruno.epics.save(other.edit(title="Demarches en ligne"))
    assert bruno.epics.named("DEMARCHES EN LIGNE") is not None
    assert len(bruno.epics.all()) == 2
    alice.close()
    bruno.close()


async def test_a_person_added_meanwhile_is_said_not_doubled(tmp_path: Path) -> None:
    async with two_sessions(tmp_path) as (alice, bruno, app, pilot):
        await open_screen(pilot, TeamScreen())
        await pilot.press("n")
        await pilot.pause()
        alice.people.add(Person(name="Chloé Martin"))
        await answer_prompt(pilot, "Chloé Martin")
        assert "déjà" in said(app), "the second sees that the name exists now"
        assert [p.name for p in bruno.people.all()] == ["Chloé Martin"]


# -- 5. merging by hand a text typed in a prompt or a form ------------------------------------


async def test_a_prompt_in_conflict_reopens_with_both_texts(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_row) as (alice, bruno, app, pilot):
        [row] = bruno.responsibilities.all()
        await open_screen(pilot, ResponsibilitiesScreen())
        screen = app.screen
        assert isinstance(screen, ResponsibilitiesScreen)
        screen.action_edit()
        await pilot.pause()
        alice.responsibilities.save(row.edit(activity="Déployer en recette"))
        await answer_prompt(pilot, "Déployer en production")
        assert isinstance(app.screen, ConflictScreen) and app.screen.merge
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen), "the prompt again, with both texts"
        both = app.screen.query_one(Input).value
        assert both.startswith("Déployer en production") and both.endswith("Déployer en recette")
        await answer_prompt(pilot, "Déployer en recette puis en production")
        assert not isinstance(app.screen, ConflictScreen | PromptScreen)
        saved = bruno.responsibilities.get(id_of(row))
        assert saved.activity == "Déployer en recette puis en production"


async def test_an_epic_renamed_in_conflict_can_be_merged(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.epics.add(Epic(title="Accueil"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        await open_screen(pilot, PlanScreen())
        await pilot.press("e")
        await pilot.pause()
        [epic] = alice.epics.all()
        alice.epics.save(epic.edit(title="Accueil des usagers"))
        await answer_prompt(pilot, "Accueil en ligne")
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen), "the prompt again, with both names"
        await pilot.press("escape")  # the merge left: theirs stands, mine in the history
        await pilot.pause()
        assert bruno.epics.get(id_of(epic)).title == "Accueil des usagers"
        assert any("Accueil en ligne" in text for text in discarded(bruno, "epics", 1))


async def test_a_form_in_conflict_merges_its_text_fields(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.test_cases.add(TestCase(title="Payer"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        case = bruno.test_cases.get(1)
        await open_screen(pilot, CaseFormScreen(case))
        app.screen.query_one("#case-steps", TextArea).text = "étapes selon Bruno"
        alice.test_cases.save(case.edit(steps="étapes selon Alice"))
        await save_and_see_conflict(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictScreen) and dialog.merge, "a text field differs"
        await pilot.press("f")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, CaseFormScreen)
        steps = form.query_one("#case-steps", TextArea).text
        assert steps.startswith("étapes selon Bruno") and steps.endswith("étapes selon Alice")
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = bruno.test_cases.get(1).steps
        assert "étapes selon Bruno" in saved and "étapes selon Alice" in saved


async def test_the_item_editor_merges_by_hand(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_item) as (alice, bruno, app, pilot):
        item = bruno.items.get(1)
        await open_screen(pilot, ItemEditorScreen(item))
        app.screen.query_one("#item-text", TextArea).text = "Appeler la DSI mardi"
        alice.items.save(item.model_copy(update={"text": "Appeler la DSI jeudi"}))
        await save_and_see_conflict(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, ItemEditorScreen)
        await pilot.press("ctrl+s")
        await pilot.pause()
        text = bruno.items.get(1).text
        assert "mardi" in text and "jeudi" in text


async def test_a_single_key_offers_no_merge(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_row) as (alice, bruno, app, pilot):
        [row] = bruno.responsibilities.all()
        await open_screen(pilot, ResponsibilitiesScreen())
        screen = app.screen
        assert isinstance(screen, ResponsibilitiesScreen)
        screen.query_one(DataTable).move_cursor(row=0, column=1)
        alice.responsibilities.save(row.edit(activity="Déployer en recette"))
        screen.action_set("R")
        await pilot.pause()
        dialog = app.screen
        assert isinstance(dialog, ConflictScreen)
        hint = " ".join(str(s.render()) for s in dialog.query(".dialog-hint").results(Static))
        assert "f :" not in hint, "no key offered that does nothing"
        await pilot.press("f")
        await pilot.pause()
        assert app.screen is dialog, "f does nothing here"


async def test_keys_on_a_test_case_deleted_elsewhere_say_so(tmp_path: Path) -> None:
    def prepare(ws: Workspace) -> None:
        ws.test_cases.add(TestCase(title="Payer", needs_review=True))
        ws.test_cases.add(TestCase(title="Déposer"))

    async with two_sessions(tmp_path, prepare) as (alice, _bruno, app, pilot):
        await open_screen(pilot, TestCasesScreen())
        for case_id, key in ((1, "v"), (2, "e")):  # marked reviewed, opened in its form
            alice.test_cases.delete(alice.test_cases.get(case_id))
            app.clear_notifications()
            await pilot.press(key)
            await pilot.pause()
            assert isinstance(app.screen, TestCasesScreen), "never a crash"
            assert "supprimé" in said(app), "the deletion is said"
            table = app.screen.query_one(LazyTable)
            assert table.row_count == 2 - case_id, "the list is read again"
