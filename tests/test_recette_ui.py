"""The recette screen and the guided runner, driven with the real keys."""

from __future__ import annotations

import pytest
from textual.widgets import Input, TextArea

from prodtui.domain.recette import Campaign, CampaignState, ExecutionStatus, TestCase
from prodtui.store import Workspace
from prodtui.store.recette import ExecutionFilter
from prodtui.ui.screens.dialogs import PromptScreen
from prodtui.ui.screens.recette import RecetteScreen
from prodtui.ui.screens.runner import RunnerScreen
from tests.conftest import AppFactory, found, id_of, wait_until


@pytest.fixture
def campaign(workspace: Workspace) -> Campaign:
    for title in ("Se connecter", "Déposer une demande", "Joindre une pièce", "Suivre sa demande"):
        workspace.test_cases.add(TestCase(title=title, steps=f"1. {title}", expected="Ça marche"))
    return workspace.campaigns.add(Campaign(name="Recette v2", release="2.0"))


async def open_runner(pilot) -> RunnerScreen:
    await pilot.press("4")
    await pilot.pause()
    assert isinstance(pilot.app.screen, RecetteScreen)
    await pilot.press("r")
    await pilot.pause()
    runner = pilot.app.screen
    assert isinstance(runner, RunnerScreen)
    return runner


async def test_a_full_manual_run_with_the_keys(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    app = make_app('author = "Camille Testeuse"\n')
    async with app.run_test(size=(110, 32)) as pilot:
        runner = await open_runner(pilot)
        clock = [100.0]
        runner.now = lambda: clock[0]
        runner.show_next(None)
        assert "TC-1" in str(runner.query_one("#runner-title").render())
        clock[0] += 42
        await pilot.press("p")
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen), "a failure needs the actual result"
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen), "an empty comment is refused"
        await pilot.press(*"Le bouton Envoyer ne répond pas", "enter")
        await pilot.pause()
        await pilot.press("b")
        await pilot.pause()
        await pilot.press(*"Pièce refusée par l'antivirus", "enter")
        await pilot.press("s")
        await pilot.pause()
        assert "4 / 4" in str(runner.query_one("#runner-counts").render())
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, RecetteScreen)
    log = workspace.executions.log(ExecutionFilter(campaign_id=campaign.id), limit=10)
    assert [(e.case.title, e.status) for e in reversed(log)] == [
        ("Se connecter", ExecutionStatus.PASS),
        ("Déposer une demande", ExecutionStatus.FAIL),
        ("Joindre une pièce", ExecutionStatus.BLOCKED),
        ("Suivre sa demande", ExecutionStatus.SKIPPED),
    ]
    first = log[-1]
    assert first.tester == "Camille Testeuse" and first.duration_s == 42
    assert log[-2].comment == "Le bouton Envoyer ne répond pas"
    assert workspace.campaigns.get(id_of(campaign)).state is CampaignState.IN_PROGRESS


async def test_leave_and_resume_where_it_stopped(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    app = make_app()
    async with app.run_test(size=(110, 32)) as pilot:
        await open_runner(pilot)
        await pilot.press("p", "p", "escape")
        await pilot.pause()
        runner = await open_runner(pilot)
        assert "TC-3" in str(runner.query_one("#runner-title").render())


async def test_rerun_failed_only(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    app = make_app()
    async with app.run_test(size=(110, 32)) as pilot:
        await open_runner(pilot)
        await pilot.press("p", "f")
        await pilot.pause()
        app.screen.query_one(Input).value = "KO"
        await pilot.press("enter", "p", "p", "escape")
        await pilot.pause()
        await pilot.press("R")
        await pilot.pause()
        assert workspace.campaigns.get(id_of(campaign)).pass_number == 2
        runner = await open_runner(pilot)
        assert "TC-2" in str(runner.query_one("#runner-title").render())
        assert "0 / 1" in str(runner.query_one("#runner-counts").render())


async def test_new_campaign_and_case_from_the_screen(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.domain.stories import Story

    workspace.stories.add(Story(title="Payer en ligne"))
    app = make_app()
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("n", *"Recette v3", "tab", *"3.0", "tab", *"2026-12-01", "ctrl+s")
        await pilot.pause()
        await pilot.press("t")
        await pilot.pause()
        await pilot.press(*"Payer en ligne")
        app.screen.query_one("#case-story", Input).value = "US-1"
        app.screen.query_one("#case-tags", Input).value = "paiement, critique"
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#cf-end", Input).value = "31/02/2026"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "31/02/2026" in str(app.screen.query_one("#cf-error").render())
    [campaign] = workspace.campaigns.all()
    assert (campaign.name, campaign.release, str(campaign.start_date)) == (
        "Recette v3",
        "3.0",
        "2026-12-01",
    )
    case = found(workspace.test_cases.by_key("TC-1"))
    assert case.title == "Payer en ligne" and case.story_id == 1
    assert case.tags == ["paiement", "critique"]


async def test_a_finished_campaign_cannot_be_run(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    workspace.campaigns.set_state(campaign, CampaignState.FINISHED)
    app = make_app()
    async with app.run_test(size=(110, 32)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, RecetteScreen)
    assert workspace.executions.count() == 0


async def test_a_failure_reopens_its_story_and_raises_a_blocker(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.domain.items import ItemKind
    from prodtui.domain.stories import Story, StoryStatus
    from prodtui.ui.screens.stories import StoriesScreen

    story = workspace.stories.add(Story(title="Payer en ligne", status=StoryStatus.IN_RECETTE))
    workspace.test_cases.add(TestCase(title="Paiement accepté", story_id=story.id))
    workspace.campaigns.add(Campaign(name="Recette v4"))
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await open_runner(pilot)
        await pilot.press("f", *"Erreur 500 au paiement", "enter", "escape")
        await pilot.pause()
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, StoriesScreen)
        preview = str(app.screen.query_one("#stories-preview-text").render())
        assert "TC-1" in preview and "en échec" in preview
    reopened = workspace.stories.get(id_of(story))
    assert reopened.status is StoryStatus.IN_PROGRESS
    [blocker] = workspace.items.search(inbox_only=False)
    assert blocker.kind is ItemKind.BLOCKER and blocker.story_key == "US-1"
    assert "Erreur 500" in blocker.text
    reasons = [
        h.new
        for h in workspace.audit.history("stories", id_of(story))
        if h.field == "status_reason"
    ]
    assert reasons == ["TC-1 en échec dans «\u202fRecette v4\u202f»"]


async def test_the_setting_can_keep_stories_as_they_are(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.domain.stories import Story, StoryStatus

    story = workspace.stories.add(Story(title="Payer", status=StoryStatus.IN_RECETTE))
    workspace.test_cases.add(TestCase(title="Paiement", story_id=story.id))
    workspace.campaigns.add(Campaign(name="Recette v5"))
    app = make_app("recette_failure_reopens_story = false\n")
    async with app.run_test(size=(140, 40)) as pilot:
        await open_runner(pilot)
        await pilot.press("f", *"KO", "enter")
        await pilot.pause()
    assert workspace.stories.get(id_of(story)).status is StoryStatus.IN_RECETTE
    assert workspace.items.count(inbox_only=False) == 0


async def test_the_execution_log_filters_and_shows_a_case_history(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    from prodtui.ui.screens.execution_log import ExecutionLogScreen
    from prodtui.ui.widgets.lazy_table import LazyTable

    cases = workspace.test_cases.page()
    other = workspace.campaigns.add(Campaign(name="Recette v1"))
    workspace.executions.record(other, cases[0], ExecutionStatus.FAIL, "KO en v1")
    workspace.executions.record(campaign, cases[0], ExecutionStatus.PASS)
    workspace.executions.record(campaign, cases[1], ExecutionStatus.BLOCKED, "pas d'accès")
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("l")  # the first campaign listed
        await pilot.pause()
        log = app.screen
        assert isinstance(log, ExecutionLogScreen)
        table = log.query_one(LazyTable)
        shown = table.row_count
        assert shown in (1, 2)
        await pilot.press("ctrl+r")
        await pilot.pause()
        assert table.row_count == 3
        await pilot.press("end", "h")  # the oldest row: TC-1 in v1; its history everywhere
        await pilot.pause()
        assert table.row_count == 2
        await pilot.press("f")
        await pilot.pause()
        app.screen.query_one("#lf-case", Input).value = "TC-9"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "TC-9" in str(app.screen.query_one("#lf-error").render())
        app.screen.query_one("#lf-case", Input).value = ""
        app.screen.query_one("#lf-tester", Input).value = "Camille"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert table.row_count == 3
    assert workspace.executions.count() == 3, "reading the log changes nothing"


SUITE = """
def test_ok():
    assert True

def test_TC_1_login():
    assert 1 + 1 == 3

def test_skipped():
    import pytest
    pytest.skip("later")
"""


async def run_suite(app, pilot, command: str):
    from prodtui.ui.screens.automated_run import AutomatedRunScreen

    await pilot.press("4")
    await pilot.pause()
    await pilot.press("a")
    await pilot.pause()
    app.screen.query_one(Input).value = command
    await pilot.press("enter")
    await pilot.pause()
    screen = app.screen
    assert isinstance(screen, AutomatedRunScreen)
    return screen


async def test_an_automated_suite_streams_and_its_report_is_imported(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign, tmp_path
) -> None:
    import sys

    (tmp_path / "test_suite.py").write_text(SUITE, encoding="utf-8")
    suite = tmp_path / "test_suite.py"
    command = f"{sys.executable} -m pytest -q -p no:cacheprovider {suite} --junitxml={{report}}"
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await run_suite(app, pilot, command)
        await wait_until(pilot, lambda: screen.finished, timeout=60)
        assert screen.finished
        assert "1 failed" in "\n".join(screen.query_one("#auto-log").lines)
        assert "code de sortie 1" in screen.status_text
    [run] = workspace.command_runs.of_campaign(campaign)
    assert run.exit_code == 1 and "1 failed" in run.output_tail
    statuses = {e.case.title: e.status for e in workspace.executions.log(limit=10)}
    assert statuses["Se connecter"] is ExecutionStatus.FAIL  # TC-1, named in the test
    assert ExecutionStatus.PASS in statuses.values()


async def test_a_missing_command_is_reported(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await run_suite(app, pilot, "commande-qui-n-existe-pas --junitxml={report}")
        await wait_until(pilot, lambda: screen.finished)
        assert "introuvable" in screen.status_text
    assert workspace.executions.count() == 0


async def test_a_hanging_command_can_be_stopped(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        screen = await run_suite(app, pilot, "echo start; sleep 60")
        await pilot.pause(0.3)  # what must not happen: a fixed pause is right
        assert not screen.finished
        await pilot.press("k")
        await wait_until(pilot, lambda: screen.finished)
        assert screen.finished and "Arrêtée" in screen.status_text
    [run] = workspace.command_runs.of_campaign(campaign)
    assert run.ended_at is not None and "start" in run.output_tail


async def test_cases_generated_from_a_story_then_flagged_when_criteria_change(
    make_app: AppFactory,
    workspace: Workspace,
    tmp_path,
    monkeypatch,
) -> None:
    from prodtui.domain.stories import Story

    criteria = (
        "Plan du scénario: Dépôt par <canal>\n"
        "  Étant donné un aidant\n  Quand il dépose par <canal>\n  Alors la demande est reçue\n"
        "  Exemples:\n    | canal |\n    | web |\n    | courrier |\n"
    )
    story = workspace.stories.add(Story(title="Déposer", acceptance=criteria))
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("3", "g")
        await pilot.pause()
        titles = [c.title for c in workspace.test_cases.page()]
        assert len(titles) == 2 and any("web" in title for title in titles)
        await pilot.press("e")
        await pilot.pause()
        area = app.screen.query_one("#story-acceptance", TextArea)
        area.text = criteria.replace("la demande est reçue", "un accusé part")
        await pilot.press("ctrl+s")
        await pilot.pause()
    assert all(case.needs_review for case in workspace.test_cases.page())
    assert workspace.stories.get(id_of(story)).acceptance != criteria

    monkeypatch.setenv("HOME", str(tmp_path))
    campaign = workspace.campaigns.add(Campaign(name="Recette v9"))
    workspace.executions.record(campaign, workspace.test_cases.page()[0], ExecutionStatus.PASS)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("4", "w")
        await pilot.pause()
        app.screen.query_one(Input).value = str(tmp_path / "rapport.md")
        await pilot.press("enter")
        await pilot.pause()
    report = (tmp_path / "rapport.md").read_text(encoding="utf-8")
    assert "Recette v9" in report and "100" in report


async def test_test_cases_are_listed_edited_and_marked_reviewed(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    from prodtui.ui.screens.test_cases import TestCasesScreen
    from prodtui.ui.widgets.lazy_table import LazyTable

    first = workspace.test_cases.page()[0]
    workspace.test_cases.save(first.edit(needs_review=True))
    app = make_app()
    async with app.run_test(size=(120, 36)) as pilot:
        await pilot.press("4", "k")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, TestCasesScreen)
        assert screen.query_one(LazyTable).row_count == 4
        await pilot.press("v")
        await pilot.pause()
        assert not workspace.test_cases.get(id_of(first)).needs_review
        await pilot.press("down", "e")
        await pilot.pause()
        app.screen.query_one("#case-title", Input).value = "Déposer une demande complète"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
    assert found(workspace.test_cases.by_key("TC-2")).title == "Déposer une demande complète"


async def test_the_report_is_written_in_a_worker_and_said_where(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign, tmp_path
) -> None:
    """`w` on a campaign: the report is read on a connection of its own and written off
    the event loop (a campaign of 20,000 results takes seconds); the toast says where."""
    from prodtui.app.recette import campaign_report

    app = make_app()
    target = tmp_path / "rapport.md"
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4")
        await wait_until(pilot, lambda: isinstance(app.screen, RecetteScreen))
        await pilot.press("w")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await wait_until(pilot, lambda: target.exists())
        await wait_until(
            pilot, lambda: any(str(target) in str(n.message) for n in app._notifications)
        )
    assert target.read_text(encoding="utf-8") == campaign_report(workspace, campaign)
