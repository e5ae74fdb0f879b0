"""`u` takes back a one-key change, through the versioned store: a record saved meanwhile in
another session shows both versions rather than being overwritten."""

from __future__ import annotations

from datetime import date

import pytest
from textual.pilot import Pilot
from textual.widgets import Static

from prodtui.domain.items import Item, ItemKind, ItemStatus
from prodtui.domain.recette import Campaign, CampaignState, ExecutionStatus, TestCase
from prodtui.domain.stories import Story, StoryStatus
from prodtui.store import Workspace, open_workspace
from prodtui.store.recette import ExecutionFilter
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.dialogs import ConflictScreen, PromptScreen
from prodtui.ui.screens.runner import RunnerScreen
from tests.conftest import AppFactory, found, id_of, wait_until


def messages(app: ProdtuiApp) -> list[str]:
    return [n.message for n in app._notifications]


async def press(pilot: Pilot[int], app: ProdtuiApp, *keys: str) -> str:
    """Press `keys` and return the last toast they brought."""
    app.clear_notifications()
    await pilot.press(*keys)
    await wait_until(pilot, lambda: bool(messages(app)))
    return messages(app)[-1]


# -- the inbox --------------------------------------------------------------------------------


async def test_each_inbox_key_is_taken_back_with_u_and_says_so(
    make_app: AppFactory, workspace: Workspace
) -> None:
    item = workspace.items.add(Item(text="relancer la DSI"))
    resolved = item.id or 0
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        said = await press(pilot, app, "x")
        assert said == "#1 fait · u pour annuler"
        assert workspace.items.get(resolved).status is ItemStatus.DONE
        said = await press(pilot, app, "u")
        assert said == "Annulé — #1 rouvert"
        back = workspace.items.get(resolved)
        assert back.status is ItemStatus.OPEN and back.resolved_on is None

        said = await press(pilot, app, "k")
        assert said == "#1\u202f: action · u pour annuler"
        await press(pilot, app, "u")
        assert workspace.items.get(resolved).kind is ItemKind.NOTE

        said = await press(pilot, app, "t")
        assert said.startswith("#1 classé\u202f: il quitte la boîte de réception")
        assert said.endswith(" · u pour annuler")
        said = await press(pilot, app, "u")
        assert said == "Annulé — #1 remis à trier"
        assert not workspace.items.get(resolved).triaged

        said = await press(pilot, app, "d")
        assert said == "#1 supprimé · u pour annuler"
        said = await press(pilot, app, "u")
        assert said == "Annulé — #1 restauré"
        assert workspace.items.get(resolved).text == "relancer la DSI"

        said = await press(pilot, app, "u")
        assert said == "Rien à annuler."


async def test_undoing_done_gives_back_the_day_it_was_resolved(
    make_app: AppFactory, workspace: Workspace
) -> None:
    item = workspace.items.add(Item(text="appeler le RSSI"))
    done = workspace.items.set_done(item, True, day=date(2026, 11, 2))  # resolved weeks ago
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i", "a")  # every capture, the done ones too
        await pilot.pause()
        assert await press(pilot, app, "x") == "#1 rouvert · u pour annuler"
        await press(pilot, app, "u")
    again = workspace.items.get(item.id or 0)
    assert again.status is ItemStatus.DONE
    assert again.resolved_on == date(2026, 11, 2) == done.resolved_on


async def test_an_undo_over_a_change_made_elsewhere_shows_both_versions(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.items.add(Item(text="préparer le comité"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("i")
        await pilot.pause()
        await press(pilot, app, "k")  # a note becomes an action
        other = open_workspace(workspace.path, author="Bob")
        other.items.save(other.items.get(1).edit(text="préparer le comité (Bob)"))
        other.close()
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictScreen))
        await pilot.press("t")  # theirs: the undo is not applied, their text stands
        await pilot.pause()
        kept = workspace.items.get(1)
        assert (kept.kind, kept.text) == (ItemKind.ACTION, "préparer le comité (Bob)")

        await press(pilot, app, "k")  # an action becomes a blocker
        other = open_workspace(workspace.path, author="Bob")
        other.items.save(other.items.get(1).edit(owner="Bob"))
        other.close()
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictScreen))
        await pilot.press("m")  # mine: the undo applied to their version
        await wait_until(pilot, lambda: workspace.items.get(1).kind is ItemKind.ACTION)
        kept = workspace.items.get(1)
        assert (kept.owner, kept.text) == ("Bob", "préparer le comité (Bob)")


# -- the recette runner -----------------------------------------------------------------------


@pytest.fixture
def campaign(workspace: Workspace) -> Campaign:
    story = workspace.stories.add(Story(title="Déposer une demande", status=StoryStatus.DONE))
    for title in ("Se connecter", "Déposer une demande", "Suivre sa demande"):
        linked = story.id if title == "Déposer une demande" else None
        workspace.test_cases.add(TestCase(title=title, steps=f"1. {title}", story_id=linked))
    return workspace.campaigns.add(Campaign(name="Recette v2"))


async def open_runner(pilot: Pilot[int]) -> RunnerScreen:
    await pilot.press("4")
    await pilot.pause()
    await pilot.press("r")
    await wait_until(pilot, lambda: isinstance(pilot.app.screen, RunnerScreen))
    runner = pilot.app.screen
    assert isinstance(runner, RunnerScreen)
    return runner


def title(runner: RunnerScreen) -> str:
    return str(runner.query_one("#runner-title", Static).render())


async def test_a_result_recorded_in_the_runner_is_taken_back_with_its_effects(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    app = make_app()
    async with app.run_test(size=(110, 32)) as pilot:
        runner = await open_runner(pilot)
        said = await press(pilot, app, "p")
        assert said == "TC-1\u202f: réussi · u pour annuler"
        assert workspace.campaigns.get(id_of(campaign)).state is CampaignState.IN_PROGRESS
        await pilot.press("f")  # a failure of a case linked to a done story
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        said = await press(pilot, app, *"Le bouton ne répond pas", "enter")
        assert said == "TC-2\u202f: en échec · u pour annuler"
        story = workspace.stories.by_key("US-1")
        assert found(story).status is StoryStatus.IN_PROGRESS
        assert [i.text for i in workspace.items.open_blockers()] != []
        assert "TC-3" in title(runner)

        said = await press(pilot, app, "u")
        assert said == "Annulé — résultat de TC-2 retiré, le cas est de nouveau à jouer"
        assert "TC-2" in title(runner), "the case is shown again, to be run"
        assert found(workspace.stories.by_key("US-1")).status is StoryStatus.DONE
        assert workspace.items.open_blockers() == []
        assert "1 / 3" in str(runner.query_one("#runner-counts", Static).render())

        await press(pilot, app, "u")
        assert "TC-1" in title(runner)
        assert "0 / 3" in str(runner.query_one("#runner-counts", Static).render())
    # The log keeps every result: each undo is a correction, "not run", saying what it took back.
    log = workspace.executions.log(ExecutionFilter(campaign_id=campaign.id))
    assert [(e.case_key, e.status) for e in reversed(log)] == [
        ("TC-1", ExecutionStatus.PASS),
        ("TC-2", ExecutionStatus.FAIL),
        ("TC-2", ExecutionStatus.NOT_RUN),
        ("TC-1", ExecutionStatus.NOT_RUN),
    ]
    assert log[1].comment == "Résultat «\u202fen échec\u202f» retiré par annulation"


async def test_a_result_followed_by_another_elsewhere_is_not_taken_back(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    app = make_app()
    async with app.run_test(size=(110, 32)) as pilot:
        await open_runner(pilot)
        await press(pilot, app, "p")
        other = open_workspace(workspace.path, author="Bob")
        other.executions.record(id_of(campaign), 1, ExecutionStatus.BLOCKED, "Serveur coupé")
        other.close()
        said = await press(pilot, app, "u")
        assert (
            said == "Un autre résultat a été enregistré depuis pour TC-1\u202f: rien n'est annulé."
        )
    assert workspace.executions.count() == 2


async def test_the_end_of_a_run_shows_only_the_headings_it_has(
    make_app: AppFactory, workspace: Workspace, campaign: Campaign
) -> None:
    app = make_app("recette_failure_reopens_story = false\n")
    async with app.run_test(size=(110, 32)) as pilot:
        runner = await open_runner(pilot)
        await pilot.press("p", "p", "p")
        await wait_until(pilot, lambda: runner.case is None)
        end = str(runner.query_one("#runner-end", Static).render())
        assert "sans échec ni blocage" in title(runner)
        assert end.strip() == ""
        for label in runner.query(".case-part"):
            assert not label.display, "no Étapes nor Résultat attendu heading"

    other = open_workspace(workspace.path)
    other.campaigns.start_pass(other.campaigns.get(id_of(campaign)), None)  # pass 2, every case
    other.close()
    app = make_app("recette_failure_reopens_story = false\n")
    async with app.run_test(size=(110, 32)) as pilot:
        runner = await open_runner(pilot)
        await pilot.press("p", "b")
        await wait_until(pilot, lambda: isinstance(app.screen, PromptScreen))
        await pilot.press(*"Serveur coupé", "enter")
        await wait_until(pilot, lambda: isinstance(app.screen, RunnerScreen))
        await pilot.press("s")
        await wait_until(pilot, lambda: runner.case is None)
        end = str(runner.query_one("#runner-end", Static).render())
        assert "Bloqués (1)" in end and "TC-2 Déposer une demande — Serveur coupé" in end
        assert "Ignorés (1)" in end
        assert "Échecs" not in end and "Non testables" not in end
        assert "R sur la campagne" in title(runner)


# -- responsibilities (RACI) ------------------------------------------------------------------


async def test_a_raci_letter_set_by_one_key_comes_back_with_u(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from textual.widgets import DataTable

    from prodtui.domain.responsibilities import RaciRole, Responsibility
    from prodtui.ui.screens.responsibilities import ResponsibilitiesScreen

    workspace.responsibilities.add(Responsibility(activity="Publier les mises à jour"))
    app = make_app()
    async with app.run_test(size=(100, 30)) as pilot:
        app.push_screen(ResponsibilitiesScreen())
        await wait_until(
            pilot, lambda: isinstance(app.screen, ResponsibilitiesScreen) and app.screen.is_mounted
        )
        app.screen.query_one(DataTable).move_cursor(row=0, column=1)  # DNUM
        said = await press(pilot, app, "a")
        assert said == "Publier les mises à jour · DNUM\u202f: A · u pour annuler"
        assert workspace.responsibilities.all()[0].dnum is RaciRole.A
        said = await press(pilot, app, "u")
        assert said == "Annulé — Publier les mises à jour · DNUM\u202f: —"
        assert workspace.responsibilities.all()[0].dnum is None
