"""Every overlay and dialog on the demo at 80×24 and 60×20 (issue 18): the snapshots catch
layout drift; the Pilot tests below them state the rule itself: the dialog fits in the
terminal, its keys hint and its error line are on screen, its title shows as it opens and
the focused field is in view, not under the hint."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
from textual.geometry import Region
from textual.pilot import Pilot
from textual.screen import Screen
from textual.widget import Widget
from textual.widgets import Static

from prodtui.app.suite_run import SuiteRun
from prodtui.config import load_settings
from prodtui.i18n import set_language
from prodtui.store import Workspace
from prodtui.ui.app import ProdtuiApp
from tests.conftest import TODAY, AppFactory, wait_until

SIZES = [(80, 24), (60, 20)]
SIZE_IDS = ["80x24", "60x20"]

# Dialog → the keys that open it on the demo, and the screen class they open.
DIALOGS: dict[str, tuple[list[str], str]] = {
    "capture": (["ctrl+n"], "CaptureScreen"),
    "palette": (["ctrl+p"], "Palette"),
    "help": (["f1"], "HelpScreen"),
    "search": (["ctrl+f", *"dépôt"], "SearchScreen"),
    "confirm": (["i", "e", "x", "escape"], "ConfirmScreen"),
    "item_editor": (["i", "e"], "ItemEditorScreen"),
    "standup_entry": (["2", "e"], "EntryEditorScreen"),
    "standup_search": (["2", "slash"], "StandupSearchScreen"),
    "story_status": (["3", "s"], "StatusScreen"),
    "story_filter": (["3", "f"], "FilterScreen"),
    "story_history": (["3", "h"], "HistoryScreen"),
    "story_plan": (["3", "m"], "PlanScreen"),
    "sprint_form": (["3", "m", "tab", "n"], "SprintFormScreen"),
    "story_exchange": (["3", "x"], "ExchangeScreen"),
    "case_form": (["4", "t"], "CaseFormScreen"),
    "campaign_form": (["4", "n"], "CampaignFormScreen"),
    "log_filter": (["4", "l", "f"], "LogFilterScreen"),
    "risk_form": (["5", "r", "n"], "RiskFormScreen"),
    "measure_form": (["5", "e"], "MeasureFormScreen"),
    "step_form": (["5", "h", "n"], "StepFormScreen"),
    "decision_form": (["5", "h", "d"], "DecisionFormScreen"),
    "milestone_form": (["6", "n"], "MilestoneFormScreen"),
}
ENGLISH = ["capture", "help", "story_filter"]

# Forms with a save hint and an error line, to check at 60×20.
FORMS = [
    "item_editor",
    "standup_entry",
    "sprint_form",
    "case_form",
    "campaign_form",
    "log_filter",
    "risk_form",
    "measure_form",
    "step_form",
    "decision_form",
    "milestone_form",
]


def opened(screen: str) -> Callable[[Pilot[int]], Awaitable[None]]:
    """Wait for `screen` to be on top and drawn with its data."""

    async def wait(pilot: Pilot[int]) -> None:
        app = pilot.app
        await wait_until(pilot, lambda: type(app.screen).__name__ == screen)
        if screen == "SearchScreen":
            await wait_until(
                pilot, lambda: "résultat" in status_text(app) or "result" in status_text(app)
            )
        if screen == "StandupSearchScreen":
            await wait_until(
                pilot,
                lambda: bool(str(app.screen.query_one("#standup-search-status", Static).render())),
            )
        await pilot.pause()
        await pilot.pause()

    return wait


def status_text(app: object) -> str:
    texts = [str(s.render()) for s in app.screen.query(Static).results(Static)]  # type: ignore[attr-defined]
    return " ".join(texts)


def keys_then(keys: list[str], screen: str) -> Callable[[Pilot[int]], Awaitable[None]]:
    async def run(pilot: Pilot[int]) -> None:
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
            await pilot.pause()
        await opened(screen)(pilot)

    return run


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("dialog", list(DIALOGS))
def test_dialog_fr(
    snap_compare, make_app: AppFactory, demo: Workspace, dialog: str, size: tuple[int, int]
) -> None:
    keys, screen = DIALOGS[dialog]
    assert snap_compare(make_app(ws=demo), run_before=keys_then(keys, screen), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("dialog", ENGLISH)
def test_dialog_en(
    snap_compare, make_app: AppFactory, demo: Workspace, dialog: str, size: tuple[int, int]
) -> None:
    set_language("en")
    keys, screen = DIALOGS[dialog]
    assert snap_compare(make_app(ws=demo), run_before=keys_then(keys, screen), terminal_size=size)


def push(make: Callable[[Pilot[int]], Screen[Any]]) -> Callable[[Pilot[int]], Awaitable[None]]:
    """Open a dialog that needs a state keys cannot reach quickly (another session's save,
    a suite running)."""

    async def run(pilot: Pilot[int]) -> None:
        await pilot.pause()
        screen = make(pilot)
        await pilot.app.push_screen(screen)
        await opened(type(screen).__name__)(pilot)

    return run


def conflict(pilot: Pilot[int]) -> Screen[Any]:
    from prodtui.ui.screens.dialogs import ConflictScreen

    mine = {
        "Titre": "Déposer une demande de répit en ligne",
        "Statut": "En cours",
        "Critères d'acceptation": "Étant donné un aidant connecté, quand il dépose sa "
        "demande complète, alors il reçoit un accusé de réception par courriel",
    }
    theirs = mine | {"Statut": "En recette", "Titre": "Déposer une demande de répit"}
    return ConflictScreen(mine, theirs, merge=True)


def quit_while_running(pilot: Pilot[int]) -> Screen[Any]:
    from prodtui.ui.screens.automated_run import QuitWhileRunningScreen

    app: ProdtuiApp = pilot.app  # type: ignore[assignment]
    campaign = app.workspace.campaigns.all()[0]
    return QuitWhileRunningScreen(SuiteRun(app.workspace, campaign, keep_lines=10))


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
@pytest.mark.parametrize("dialog", ["conflict", "quit_while_running"])
def test_pushed_dialog(
    snap_compare, make_app: AppFactory, demo: Workspace, dialog: str, size: tuple[int, int]
) -> None:
    make = conflict if dialog == "conflict" else quit_while_running
    assert snap_compare(make_app(ws=demo), run_before=push(make), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_drafts(snap_compare, make_app: AppFactory, demo: Workspace, size: tuple[int, int]) -> None:
    """The drafts offered back at start (after a crash)."""
    # One draft: two saved in the same second come back in either order (no tie-break).
    demo.drafts.save("capture", "+ relancer l'hébergeur sur le certificat @ines vendredi")
    assert snap_compare(make_app(ws=demo), run_before=opened("DraftsScreen"), terminal_size=size)


@pytest.mark.parametrize("size", SIZES, ids=SIZE_IDS)
def test_setup(snap_compare, tmp_path: Path, workspace: Workspace, size: tuple[int, int]) -> None:
    """The first-start questions, on a new workspace."""
    config = tmp_path / "config.toml"
    app = ProdtuiApp(workspace, load_settings(config), config, today=lambda: TODAY, setup=True)
    assert snap_compare(app, run_before=opened("SetupScreen"), terminal_size=size)


# -- the rule, stated directly ---------------------------------------------------------------


def inside(widget: Widget, screen: Region) -> bool:
    return widget.region.area > 0 and screen.contains_region(widget.region)


@pytest.mark.parametrize("form", FORMS)
async def test_a_form_fits_with_its_hint_and_error_line_on_screen(
    make_app: AppFactory, demo: Workspace, form: str
) -> None:
    """At 60×20 the dialog fits in the terminal, opens on its title, and keeps its save hint
    in view; a save refused shows its error line on screen."""
    app = make_app(ws=demo)
    keys, screen = DIALOGS[form]
    async with app.run_test(size=(60, 20)) as pilot:
        await keys_then(keys, screen)(pilot)
        whole = Region(0, 0, 60, 20)
        box = app.screen.query(".dialog").first()
        assert whole.contains_region(box.region)
        title = app.screen.query_one(".dialog-title")
        assert inside(title, whole), "the title scrolled out of sight as the form opened"
        hint = box.query(".dialog-hint").last()
        assert inside(hint, whole)
        assert "Ctrl+S" in str(hint.render()) or "Échap" in str(hint.render())
        error = box.query_one(".dialog-error", Static)
        error.update("Une erreur de saisie")
        await pilot.pause()
        assert inside(error, whole) or form in CSS_ONLY, "the error line is below the fold"


# Dialogs whose module belongs to another part of the code: the keys hint is docked by the
# stylesheet alone; their error line is in a docked footer once their compose wraps it.
CSS_ONLY = {"milestone_form"}


async def test_the_focused_field_stays_above_the_hint(
    make_app: AppFactory, demo: Workspace
) -> None:
    """Tabbing down a form taller than the terminal scrolls each field into view, above the
    keys hint docked at the bottom."""
    app = make_app(ws=demo)
    async with app.run_test(size=(60, 20)) as pilot:
        await keys_then(*DIALOGS["case_form"])(pilot)
        box = app.screen.query(".dialog").first()
        footer = box.query_one(".dialog-footer")
        assert box.max_scroll_y > 0, "the case form is taller than 20 lines"
        for _ in range(5):
            await pilot.press("tab")
            await pilot.pause()
            focused = app.focused
            assert focused is not None

            def above_the_footer(field: Widget = focused) -> bool:
                return field.region.bottom <= footer.region.y

            await wait_until(pilot, above_the_footer)
            assert focused.region.y >= box.region.y


@pytest.mark.parametrize("dialog", ["capture", "help", "search", "story_filter", "drafts"])
async def test_a_dialog_is_never_wider_than_the_terminal(
    make_app: AppFactory, demo: Workspace, dialog: str
) -> None:
    if dialog == "drafts":
        demo.drafts.save("capture", "+ relancer l'hébergeur")
    app = make_app(ws=demo)
    async with app.run_test(size=(60, 20)) as pilot:
        if dialog == "drafts":
            await opened("DraftsScreen")(pilot)
        else:
            await keys_then(*DIALOGS[dialog])(pilot)
        box = app.screen.query("#capture-box, .dialog").first()
        assert Region(0, 0, 60, 20).contains_region(box.region)
