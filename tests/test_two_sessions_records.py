"""Two sessions on one workspace file, one record type at a time: the other session saves
(or deletes) first, then this one. Nothing crashes, this session sees the conflict (both
versions side by side, or for a single key with no editor a message saying so), and both
texts stay where the user can reach them: in the record or in its history.

"This session" is a running app; "the other" is a second connection to the same file,
which is what another `prodtui` on that file is to the store."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path
from typing import Any

from textual.pilot import Pilot
from textual.screen import Screen
from textual.widgets import DataTable, Input, Static, TextArea

from prodtui.config import load_settings
from prodtui.domain.homologation import HomologationDecision, HomologationStep, Opinion
from prodtui.domain.items import Item, ItemStatus
from prodtui.domain.people import Person
from prodtui.domain.recette import Campaign, ExecutionStatus, TestCase
from prodtui.domain.responsibilities import Party, RaciRole, Responsibility
from prodtui.domain.review import ReviewAnswer
from prodtui.domain.risks import Criterion, Risk
from prodtui.domain.security import Category, Measure
from prodtui.domain.standup import StandupEntry
from prodtui.domain.stories import Epic, Sprint, Story, StoryStatus
from prodtui.exchange.evidence import fingerprint
from prodtui.store import Workspace, open_workspace
from prodtui.store.base import DISCARDED
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.dialogs import ConflictScreen, PromptScreen
from prodtui.ui.screens.homologation import (
    DecisionFormScreen,
    HomologationScreen,
    StepFormScreen,
)
from prodtui.ui.screens.inbox import InboxScreen
from prodtui.ui.screens.item_editor import ItemEditorScreen
from prodtui.ui.screens.recette import RecetteScreen
from prodtui.ui.screens.responsibilities import ResponsibilitiesScreen
from prodtui.ui.screens.review import ReviewScreen
from prodtui.ui.screens.risks import RiskFormScreen, RisksScreen
from prodtui.ui.screens.runner import CampaignFormScreen, CaseFormScreen, RunnerScreen
from prodtui.ui.screens.security import MeasureFormScreen, SecurityScreen
from prodtui.ui.screens.story_dialogs import PlanScreen, SprintFormScreen
from prodtui.ui.screens.team import TeamScreen
from prodtui.ui.screens.test_cases import TestCasesScreen
from tests.conftest import TODAY, id_of, wait_until
from tests.test_app import messages

SIZE = (140, 50)

Sessions = tuple[Workspace, Workspace, ProdtuiApp, Pilot[int]]


@asynccontextmanager
async def two_sessions(
    tmp_path: Path, prepare: Callable[[Workspace], object] = lambda _: None
) -> AsyncIterator[Sessions]:
    """Alice's connection (the other session) and Bruno's running app, on one file."""
    path = tmp_path / "shared.db"
    alice = open_workspace(path, author="Alice")
    prepare(alice)
    bruno = open_workspace(path, author="Bruno")
    config = tmp_path / "bruno.toml"
    app = ProdtuiApp(bruno, load_settings(config), config, today=lambda: TODAY)
    try:
        async with app.run_test(size=SIZE, notifications=True) as pilot:
            yield alice, bruno, app, pilot
    finally:
        alice.close()
        bruno.close()


def discarded(workspace: Workspace, entity: str, record_id: int) -> list[str]:
    """The versions set aside in a conflict, as the record's history shows them."""
    history = workspace.audit.history(entity, record_id)
    return [entry.old or "" for entry in history if entry.field == DISCARDED]


def everything_said(workspace: Workspace, entity: str, record_id: int) -> str:
    """Every value the record's history holds, old and new."""
    history = workspace.audit.history(entity, record_id)
    return " ".join(f"{entry.old or ''} {entry.new or ''}" for entry in history)


async def open_screen(pilot: Pilot[int], screen: Screen[Any]) -> None:
    pilot.app.push_screen(screen)
    await pilot.pause()


async def answer_prompt(pilot: Pilot[int], text: str) -> None:
    assert isinstance(pilot.app.screen, PromptScreen)
    pilot.app.screen.query_one(Input).value = text
    await pilot.press("enter")
    await pilot.pause()


async def save_and_see_conflict(pilot: Pilot[int]) -> None:
    await pilot.press("ctrl+s")
    await pilot.pause()
    assert isinstance(pilot.app.screen, ConflictScreen), "the loser sees the conflict"


# -- test case ---------------------------------------------------------------------------------


async def test_test_case_keeping_theirs_keeps_mine_in_the_history(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.test_cases.add(TestCase(title="Payer"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        case = bruno.test_cases.get(bruno.test_cases.ids()[0])
        await open_screen(pilot, CaseFormScreen(case))
        app.screen.query_one("#case-steps", TextArea).text = "étapes selon Bruno"
        alice.test_cases.save(case.edit(steps="étapes selon Alice"))
        await save_and_see_conflict(pilot)
        await pilot.press("escape")  # keep theirs
        await pilot.pause()
        assert not isinstance(app.screen, CaseFormScreen | ConflictScreen)
        assert bruno.test_cases.get(id_of(case)).steps == "étapes selon Alice"
        assert any(
            "étapes selon Bruno" in text for text in discarded(bruno, "test_cases", id_of(case))
        )


async def test_test_case_keeping_mine_keeps_theirs_as_old_values(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.test_cases.add(TestCase(title="Payer"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        case = bruno.test_cases.get(bruno.test_cases.ids()[0])
        await open_screen(pilot, CaseFormScreen(case))
        app.screen.query_one("#case-expected", TextArea).text = "attendu selon Bruno"
        alice.test_cases.save(case.edit(expected="attendu selon Alice"))
        await save_and_see_conflict(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert bruno.test_cases.get(id_of(case)).expected == "attendu selon Bruno"
        assert "attendu selon Alice" in everything_said(bruno, "test_cases", id_of(case))


# -- campaign ----------------------------------------------------------------------------------


async def test_campaign_saved_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.campaigns.add(Campaign(name="Recette 1"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        [campaign] = bruno.campaigns.all()
        await open_screen(pilot, CampaignFormScreen(campaign))
        app.screen.query_one("#cf-release", Input).value = "v2-bruno"
        alice.campaigns.save(campaign.edit(release="v2-alice"))
        await save_and_see_conflict(pilot)
        await pilot.press("t")
        await pilot.pause()
        assert bruno.campaigns.get(id_of(campaign)).release == "v2-alice"
        assert any("v2-bruno" in text for text in discarded(bruno, "campaigns", id_of(campaign)))


# -- execution comment -------------------------------------------------------------------------


async def test_two_results_for_one_case_both_stay_in_the_log(tmp_path: Path) -> None:
    def prepare(ws: Workspace) -> None:
        ws.test_cases.add(TestCase(title="Payer"))
        ws.campaigns.add(Campaign(name="Recette 1"))

    async with two_sessions(tmp_path, prepare) as (alice, bruno, _app, pilot):
        [campaign] = bruno.campaigns.all()
        case = bruno.test_cases.get(bruno.test_cases.ids()[0])
        await open_screen(pilot, RunnerScreen(campaign))
        alice.executions.record(campaign, case, ExecutionStatus.FAIL, "échec vu par Alice")
        await pilot.press("f")
        await pilot.pause()
        await answer_prompt(pilot, "échec vu par Bruno")
        comments = [execution.comment for execution in bruno.executions.log()]
        assert "échec vu par Alice" in comments and "échec vu par Bruno" in comments


# -- sprint and epic ---------------------------------------------------------------------------


async def test_sprint_saved_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    sprint = Sprint(name="S1", start_date=date(2026, 1, 5), end_date=date(2026, 1, 16))
    async with two_sessions(tmp_path, lambda ws: ws.sprints.add(sprint)) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        [saved] = bruno.sprints.all()
        await open_screen(pilot, SprintFormScreen(saved))
        app.screen.query_one("#sprint-name", Input).value = "S1 selon Bruno"
        alice.sprints.save(saved.edit(name="S1 selon Alice"))
        await save_and_see_conflict(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert bruno.sprints.get(id_of(saved)).name == "S1 selon Alice"
        assert any("S1 selon Bruno" in text for text in discarded(bruno, "sprints", id_of(saved)))


async def test_epic_renamed_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.epics.add(Epic(title="Paiement"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        [epic] = bruno.epics.all()
        await open_screen(pilot, PlanScreen())
        app.screen.query_one("#plan-epics", DataTable).focus()
        await pilot.press("e")
        await pilot.pause()
        alice.epics.save(epic.edit(title="Paiement selon Alice"))
        await answer_prompt(pilot, "Paiement selon Bruno")
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        await pilot.press("m")
        await pilot.pause()
        assert bruno.epics.get(id_of(epic)).title == "Paiement selon Bruno"
        assert "Paiement selon Alice" in everything_said(bruno, "epics", id_of(epic))


# -- person ------------------------------------------------------------------------------------


async def test_person_renamed_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.people.add(Person(name="Chloé"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        [person] = bruno.people.all()
        await open_screen(pilot, TeamScreen())
        await pilot.press("e")
        await pilot.pause()
        alice.people.save(person.edit(name="Chloé Martin"))
        await answer_prompt(pilot, "Chloé Durand")
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        await pilot.press("escape")
        await pilot.pause()
        assert bruno.people.get(id_of(person)).name == "Chloé Martin"
        assert any("Chloé Durand" in text for text in discarded(bruno, "people", id_of(person)))


async def test_person_role_changed_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.people.add(Person(name="Chloé"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        [person] = bruno.people.all()
        await open_screen(pilot, TeamScreen())
        alice.people.save(person.edit(name="Chloé Martin"))
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        await pilot.press("m")  # keep mine: my role on their name
        await pilot.pause()
        saved = bruno.people.get(id_of(person))
        assert saved.name == "Chloé Martin" and saved.role != person.role


# -- RACI cell ---------------------------------------------------------------------------------


async def test_raci_cell_set_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(
        tmp_path, lambda ws: ws.responsibilities.add(Responsibility(activity="Déployer"))
    ) as (alice, bruno, app, pilot):
        [row] = bruno.responsibilities.all()
        await open_screen(pilot, ResponsibilitiesScreen())
        screen = app.screen
        assert isinstance(screen, ResponsibilitiesScreen)
        screen.query_one(DataTable).move_cursor(row=0, column=1)
        alice.responsibilities.set_role(row, Party.DNUM, RaciRole.A)
        screen.action_set("R")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        await pilot.press("escape")
        await pilot.pause()
        assert bruno.responsibilities.get(id_of(row)).dnum is RaciRole.A
        assert discarded(bruno, "responsibilities", id_of(row)), "mine is in the history"


async def test_raci_activity_renamed_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(
        tmp_path, lambda ws: ws.responsibilities.add(Responsibility(activity="Déployer"))
    ) as (alice, bruno, app, pilot):
        [row] = bruno.responsibilities.all()
        await open_screen(pilot, ResponsibilitiesScreen())
        screen = app.screen
        assert isinstance(screen, ResponsibilitiesScreen)
        screen.action_edit()
        await pilot.pause()
        alice.responsibilities.save(row.edit(activity="Déployer selon Alice"))
        await answer_prompt(pilot, "Déployer selon Bruno")
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        await pilot.press("m")
        await pilot.pause()
        assert bruno.responsibilities.get(id_of(row)).activity == "Déployer selon Bruno"
        assert "Déployer selon Alice" in everything_said(bruno, "responsibilities", id_of(row))


# -- homologation decision ---------------------------------------------------------------------


async def test_a_decision_recorded_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path) as (alice, bruno, app, pilot):
        await open_screen(pilot, DecisionFormScreen())
        app.screen.query_one("#df-name", Input).value = "Autorité selon Bruno"
        app.screen.query_one("#df-date", Input).value = TODAY.isoformat()
        alice.homologation.record_decision(
            HomologationDecision(
                authority_name="Autorité selon Alice",
                opinion=Opinion.FAVOURABLE,
                decided_on=TODAY,
                validity_months=12,
            )
        )
        await save_and_see_conflict(pilot)
        await pilot.press("escape")  # keep theirs
        await pilot.pause()
        [decision] = bruno.homologation.decisions()
        assert decision.authority_name == "Autorité selon Alice"
        kept = discarded(bruno, "homologation_decisions", id_of(decision))
        assert any("Autorité selon Bruno" in text for text in kept)


async def test_a_decision_kept_as_mine_is_recorded_beside_theirs(tmp_path: Path) -> None:
    async with two_sessions(tmp_path) as (alice, bruno, app, pilot):
        await open_screen(pilot, DecisionFormScreen())
        app.screen.query_one("#df-name", Input).value = "Autorité selon Bruno"
        app.screen.query_one("#df-date", Input).value = TODAY.isoformat()
        alice.homologation.record_decision(
            HomologationDecision(
                authority_name="Autorité selon Alice",
                opinion=Opinion.FAVOURABLE,
                decided_on=TODAY,
                validity_months=12,
            )
        )
        await save_and_see_conflict(pilot)
        await pilot.press("m")
        await pilot.pause()
        names = {decision.authority_name for decision in bruno.homologation.decisions()}
        assert names == {"Autorité selon Alice", "Autorité selon Bruno"}


# -- blocker ---------------------------------------------------------------------------------


def add_blocker(ws: Workspace) -> None:
    person = ws.people.add(Person(name="Chloé"))
    ws.standups.raise_blocker(TODAY, person, "Serveur en panne")


def the_blocker(ws: Workspace) -> Item:
    [blocker] = ws.standups.blockers_on(TODAY)
    return blocker


async def test_blocker_edited_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_blocker) as (alice, bruno, app, pilot):
        blocker = the_blocker(bruno)
        await open_screen(pilot, ItemEditorScreen(blocker))
        app.screen.query_one(TextArea).text = "Serveur en panne selon Bruno"
        alice.items.save(blocker.model_copy(update={"text": "Serveur en panne selon Alice"}))
        await save_and_see_conflict(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert bruno.items.get(id_of(blocker)).text == "Serveur en panne selon Alice"
        kept = discarded(bruno, "items", id_of(blocker))
        assert any("Serveur en panne selon Bruno" in text for text in kept)


async def test_blocker_resolved_after_an_edit_elsewhere_says_so(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_blocker) as (alice, bruno, app, pilot):
        await pilot.press("2")
        await pilot.pause()
        blocker = the_blocker(bruno)
        alice.items.save(blocker.model_copy(update={"text": "Serveur en panne selon Alice"}))
        await pilot.press("r")  # a single key, no editor: the blocker as Bruno last saw it
        await pilot.pause()
        said = " ".join(messages(app))
        assert "session" in said, f"the conflict is said: {said!r}"
        # Nothing was overwritten: Alice's text stands, the blocker still open.
        assert the_blocker(bruno).text == "Serveur en panne selon Alice"


# -- capture (inbox item) ----------------------------------------------------------------------


async def test_capture_edited_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.items.add(Item(text="Appeler la DSI"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        item = bruno.items.get(1)
        await open_screen(pilot, ItemEditorScreen(item))
        app.screen.query_one(TextArea).text = "Appeler la DSI selon Bruno"
        alice.items.save(item.model_copy(update={"text": "Appeler la DSI selon Alice"}))
        await save_and_see_conflict(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert bruno.items.get(1).text == "Appeler la DSI selon Bruno"
        assert "Appeler la DSI selon Alice" in everything_said(bruno, "items", 1)


# -- risk --------------------------------------------------------------------------------------


def add_risk(ws: Workspace) -> None:
    ws.risks.create(Risk(title="Fuite", criterion=Criterion.AVAILABILITY, likelihood=2, severity=3))


async def test_risk_saved_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_risk) as (alice, bruno, app, pilot):
        [risk] = bruno.risks.list()
        await open_screen(pilot, RiskFormScreen(risk))
        app.screen.query_one("#rf-treatment", Input).value = "traitement selon Bruno"
        alice.risks.save(risk.edit(treatment="traitement selon Alice"))
        await save_and_see_conflict(pilot)
        await pilot.press("escape")
        await pilot.pause()
        assert bruno.risks.get(id_of(risk)).treatment == "traitement selon Alice"
        kept = discarded(bruno, "risks", id_of(risk))
        assert any("traitement selon Bruno" in text for text in kept)


async def test_risk_deleted_after_an_edit_elsewhere_is_refused_and_said(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_risk) as (alice, bruno, app, pilot):
        await open_screen(pilot, RisksScreen())
        [risk] = bruno.risks.list()
        alice.risks.save(risk.edit(treatment="traitement selon Alice"))
        await pilot.press("d", "y")
        await pilot.pause()
        assert "session" in " ".join(messages(app)), "the conflict is said"
        assert bruno.risks.get(id_of(risk)).treatment == "traitement selon Alice"


# -- homologation step -------------------------------------------------------------------------


def add_step(ws: Workspace) -> None:
    ws.homologation.add_step(HomologationStep(position=0, title="Audit"))


async def test_step_saved_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_step) as (alice, bruno, app, pilot):
        [step] = bruno.homologation.steps()
        await open_screen(pilot, StepFormScreen(step))
        app.screen.query_one("#sf-notes", Input).value = "notes selon Bruno"
        alice.homologation.save_step(step.edit(notes="notes selon Alice"))
        await save_and_see_conflict(pilot)
        await pilot.press("m")
        await pilot.pause()
        assert bruno.homologation.steps()[0].notes == "notes selon Bruno"
        assert "notes selon Alice" in everything_said(bruno, "homologation_steps", id_of(step))


async def test_step_deleted_after_an_edit_elsewhere_is_refused_and_said(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_step) as (alice, bruno, app, pilot):
        await open_screen(pilot, HomologationScreen())
        [step] = bruno.homologation.steps()
        alice.homologation.save_step(step.edit(notes="notes selon Alice"))
        screen = app.screen
        assert isinstance(screen, HomologationScreen)
        screen.action_delete()
        await pilot.pause()
        await pilot.press("y")
        await pilot.pause()
        assert "session" in " ".join(messages(app)), "the conflict is said"
        assert bruno.homologation.steps()[0].notes == "notes selon Alice"


# -- measure state -----------------------------------------------------------------------------


def add_measure(ws: Workspace) -> None:
    ws.measures.add_custom(
        Measure(code="EQ-1", category=Category.GOUVERNANCE, title="Chiffrer les sauvegardes")
    )


async def test_measure_state_saved_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_measure) as (alice, bruno, app, pilot):
        entry = bruno.measures.entry("EQ-1")
        assert entry is not None
        await open_screen(pilot, MeasureFormScreen(entry))
        app.screen.query_one("#mf-comment", Input).value = "commentaire de Bruno"
        alice.measures.save(entry.state.edit(comment="commentaire d'Alice"))
        await save_and_see_conflict(pilot)
        await pilot.press("escape")
        await pilot.pause()
        state = entry.state
        saved = bruno.measures.entry("EQ-1")
        assert saved is not None and saved.state.comment == "commentaire d'Alice"
        kept = discarded(bruno, "measure_status", id_of(state))
        assert any("commentaire de Bruno" in text for text in kept)


# -- review answer and comment -----------------------------------------------------------------


async def test_review_answer_given_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path) as (alice, bruno, app, pilot):
        await open_screen(pilot, ReviewScreen())
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        question = screen.selected()
        alice.reviews.answer(screen.week, question, ReviewAnswer.YES, "selon Alice")
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        await pilot.press("m")
        await pilot.pause()
        [review] = [r for r in bruno.reviews.history(question) if r.week == screen.week]
        assert review.answer is ReviewAnswer.NO
        assert "selon Alice" in everything_said(bruno, "health_reviews", id_of(review))


async def test_review_comment_saved_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path) as (alice, bruno, app, pilot):
        await open_screen(pilot, ReviewScreen())
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        question = screen.selected()
        await pilot.press("y")
        await pilot.pause()
        screen.query_one(DataTable).move_cursor(row=0)
        await pilot.press("c")
        await pilot.pause()
        [answered] = [r for r in alice.reviews.history(question) if r.week == screen.week]
        alice.reviews.save(answered.edit(comment="commentaire d'Alice"))
        await pilot.press(*"Bruno")
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        await pilot.press("escape")
        await pilot.pause()
        [review] = [r for r in bruno.reviews.history(question) if r.week == screen.week]
        assert review.comment == "commentaire d'Alice"
        kept = discarded(bruno, "health_reviews", id_of(review))
        assert any("Bruno" in text for text in kept)


async def test_a_campaign_created_meanwhile_under_the_same_name_is_a_conflict(
    tmp_path: Path,
) -> None:
    async with two_sessions(tmp_path) as (alice, bruno, app, pilot):
        await open_screen(pilot, CampaignFormScreen(None))
        app.screen.query_one("#cf-name", Input).value = "Recette 2"
        app.screen.query_one("#cf-release", Input).value = "v2-bruno"
        alice.campaigns.add(Campaign(name="Recette 2", release="v2-alice"))
        await save_and_see_conflict(pilot)
        await pilot.press("m")  # keep mine: my fields on their campaign
        await pilot.pause()
        [campaign] = bruno.campaigns.all()
        assert campaign.release == "v2-bruno"
        assert "v2-alice" in everything_said(bruno, "campaigns", id_of(campaign))


# -- evidence file -----------------------------------------------------------------------------


async def test_an_evidence_file_changed_meanwhile_is_not_forgotten(tmp_path: Path) -> None:
    proof = tmp_path / "pv.txt"
    proof.write_text("procès-verbal")

    def prepare(ws: Workspace) -> None:
        add_measure(ws)
        entry = ws.measures.entry("EQ-1")
        assert entry is not None
        ws.measures.record_file(entry.state, fingerprint(str(proof)))

    async with two_sessions(tmp_path, prepare) as (alice, bruno, _app, pilot):
        entry = bruno.measures.entry("EQ-1")
        assert entry is not None
        form = MeasureFormScreen(entry)
        await open_screen(pilot, form)
        proof.write_text("procès-verbal signé")
        alice.measures.record_file(entry.state, fingerprint(str(proof)))  # accepted anew
        form.forget_selected()
        await pilot.pause()
        status = str(form.query_one("#mf-file-status", Static).render())
        assert "session" in status, f"the conflict is said: {status!r}"
        [kept] = bruno.measures.files(entry.state)
        assert kept.size == len("procès-verbal signé".encode())


# -- story (its editor: tests/test_two_sessions_ui.py) -----------------------------------------


async def test_a_status_set_on_a_story_edited_meanwhile_is_a_conflict(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.stories.add(Story(title="Payer"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("s", "down")  # idea → refining
        # Alice renames the story while Bruno has the workflow open.
        alice.stories.save(bruno.stories.get(1).edit(title="Payer en ligne"))
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        await pilot.press("m")  # my status on their title
        await pilot.pause()
        saved = bruno.stories.get(1)
        assert saved.title == "Payer en ligne" and saved.status is StoryStatus.REFINING


# -- RACI row ----------------------------------------------------------------------------------


async def test_raci_row_deleted_after_an_edit_elsewhere_is_refused_and_said(
    tmp_path: Path,
) -> None:
    async with two_sessions(
        tmp_path, lambda ws: ws.responsibilities.add(Responsibility(activity="Déployer"))
    ) as (alice, bruno, app, pilot):
        [row] = bruno.responsibilities.all()
        await open_screen(pilot, ResponsibilitiesScreen())
        alice.responsibilities.save(row.edit(activity="Déployer selon Alice"))
        await pilot.press("d", "y")
        await pilot.pause()
        assert "session" in " ".join(messages(app)), "the conflict is said"
        assert bruno.responsibilities.get(id_of(row)).activity == "Déployer selon Alice"


# -- a save over a record deleted elsewhere ----------------------------------------------------


async def test_saving_a_risk_deleted_elsewhere_offers_to_recreate_it(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, add_risk) as (alice, bruno, app, pilot):
        [risk] = bruno.risks.list()
        await open_screen(pilot, RiskFormScreen(risk))
        app.screen.query_one("#rf-treatment", Input).value = "traitement selon Bruno"
        alice.risks.delete(id_of(risk))
        await save_and_see_conflict(pilot)
        dialog = app.screen
        assert isinstance(dialog, ConflictScreen) and dialog.theirs is None, "shown deleted"
        await pilot.press("m")  # recreate mine
        await pilot.pause()
        assert not isinstance(app.screen, RiskFormScreen | ConflictScreen)
        [back] = bruno.risks.list()
        assert back.id == risk.id and back.treatment == "traitement selon Bruno"


# -- prompts that change a record: a justification, a command ---------------------------------


async def test_a_justification_typed_over_a_measure_saved_meanwhile_is_a_conflict(
    tmp_path: Path,
) -> None:
    async with two_sessions(tmp_path, add_measure) as (alice, bruno, app, pilot):
        await open_screen(pilot, SecurityScreen())
        await pilot.press("a")
        await pilot.pause()
        entry = alice.measures.entry("EQ-1")
        assert entry is not None
        alice.measures.save(entry.state.edit(comment="commentaire d'Alice"))
        await answer_prompt(pilot, "hors périmètre selon Bruno")
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        await pilot.press("escape")  # keep theirs: my justification goes to the history
        await pilot.pause()
        kept = discarded(bruno, "measure_status", id_of(entry.state))
        assert any("hors périmètre selon Bruno" in text for text in kept)


async def test_a_command_typed_over_a_campaign_saved_meanwhile_is_a_conflict(
    tmp_path: Path,
) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.campaigns.add(Campaign(name="Recette 1"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        await open_screen(pilot, RecetteScreen())
        await pilot.press("a")
        await pilot.pause()
        [campaign] = alice.campaigns.all()
        alice.campaigns.save(campaign.edit(release="v2-alice"))
        await answer_prompt(pilot, "make test-bruno")
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        await pilot.press("escape")
        await pilot.pause()
        kept = discarded(bruno, "campaigns", id_of(campaign))
        assert any("make test-bruno" in text for text in kept)


# -- single keys with no editor: the change is refused and said, theirs stands ----------------


async def test_single_keys_on_records_saved_meanwhile_say_so(tmp_path: Path) -> None:
    def prepare(ws: Workspace) -> None:
        add_step(ws)
        ws.campaigns.add(Campaign(name="Recette 1"))
        ws.test_cases.add(TestCase(title="Payer", needs_review=True))
        ws.items.add(Item(text="Appeler la DSI"))

    async with two_sessions(tmp_path, prepare) as (alice, bruno, app, pilot):
        # Each screen, its key, and the other session's save just before the key.
        cases: list[tuple[Screen[Any], str, Callable[[], object]]] = [
            (
                HomologationScreen(),
                "s",
                lambda: alice.homologation.save_step(
                    alice.homologation.steps()[0].edit(notes="notes d'Alice")
                ),
            ),
            (
                RecetteScreen(),
                "c",
                lambda: alice.campaigns.save(alice.campaigns.all()[0].edit(release="v-alice")),
            ),
            (
                TestCasesScreen(),
                "v",
                lambda: alice.test_cases.save(alice.test_cases.get(1).edit(title="Payer (Alice)")),
            ),
            (
                InboxScreen(),
                "x",
                lambda: alice.items.save(
                    alice.items.get(1).model_copy(update={"text": "Appeler (Alice)"})
                ),
            ),
        ]
        for screen, key, other_saves in cases:
            await open_screen(pilot, screen)
            other_saves()
            app.clear_notifications()
            await pilot.press(key)

            # A key right after a screen opens may wait for it to settle (type-ahead):
            # wait for its effect (said, or applied to their version where the key reads
            # the record afresh), however busy the machine, rather than one frame.
            def done(screen: Screen[Any] = screen) -> bool:
                if isinstance(screen, TestCasesScreen):
                    return not bruno.test_cases.get(1).needs_review
                if isinstance(screen, InboxScreen):
                    return bruno.items.get(1).status is ItemStatus.DONE
                return bool(messages(app))

            await wait_until(pilot, done)
            said = " ".join(messages(app))
            if isinstance(screen, TestCasesScreen):
                # Its rows are read as they are drawn: the key applied to their version.
                assert not bruno.test_cases.get(1).needs_review, said
            elif isinstance(screen, InboxScreen):
                # The inbox reads the item when the key is pressed: the same.
                assert bruno.items.get(1).status is ItemStatus.DONE, said
            else:
                assert "session" in said, f"{type(screen).__name__}: the conflict is said"
            await pilot.press("escape")
            await pilot.pause()
    check = open_workspace(tmp_path / "shared.db", author="Chloé")
    assert check.homologation.steps()[0].notes == "notes d'Alice"
    assert check.campaigns.all()[0].release == "v-alice"
    assert check.test_cases.get(1).title == "Payer (Alice)"
    assert check.items.get(1).text == "Appeler (Alice)"
    check.close()


async def test_a_mood_set_over_an_entry_written_meanwhile_says_so(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.people.add(Person(name="Chloé"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        await pilot.press("2")
        await pilot.pause()
        [person] = alice.people.all()
        alice.standups.save_entry(TODAY, StandupEntry(person_id=person.id, today="selon Alice"))
        await pilot.press("plus")
        await pilot.pause()
        said = " ".join(messages(app))
        [entry] = [p.entry for p in bruno.standups.day(TODAY).people if p.entry]
        assert entry.today == "selon Alice", "their text stands"
        assert "session" in said, "the conflict is said"


async def test_two_running_apps_save_one_test_case(tmp_path: Path) -> None:
    """The same with two apps on the file, each with its form open."""
    path = tmp_path / "shared.db"
    setup = open_workspace(path, author="Alice")
    case = setup.test_cases.add(TestCase(title="Payer"))
    setup.close()
    sessions = [open_workspace(path, author=name) for name in ("Alice", "Bruno")]
    apps = [
        ProdtuiApp(
            ws, load_settings(tmp_path / f"{n}.toml"), tmp_path / f"{n}.toml", today=lambda: TODAY
        )
        for n, ws in enumerate(sessions)
    ]
    async with (
        apps[0].run_test(size=SIZE) as alice_pilot,
        apps[1].run_test(size=SIZE, notifications=True) as bruno_pilot,
    ):
        for pilot, ws, text in (
            (alice_pilot, sessions[0], "étapes d'Alice"),
            (bruno_pilot, sessions[1], "étapes de Bruno"),
        ):
            await open_screen(pilot, CaseFormScreen(ws.test_cases.get(id_of(case))))
            pilot.app.screen.query_one("#case-steps", TextArea).text = text
        await alice_pilot.press("ctrl+s")
        await alice_pilot.pause()
        await save_and_see_conflict(bruno_pilot)
        await bruno_pilot.press("t")
        await bruno_pilot.pause()
    bruno = sessions[1]
    assert bruno.test_cases.get(id_of(case)).steps == "étapes d'Alice"
    assert any("étapes de Bruno" in text for text in discarded(bruno, "test_cases", id_of(case)))
    for ws in sessions:
        ws.close()
