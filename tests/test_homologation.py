"""The homologation tracker: expiry dates and warnings at every boundary, the steps shipped
in sample_data, the decision form and the countdown on screen."""

from __future__ import annotations

import sqlite3
import tomllib
from datetime import date, timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError
from textual.pilot import Pilot
from textual.widgets import DataTable, Input, OptionList, Select, Static

from prodtui.domain.errors import ConflictError
from prodtui.domain.homologation import (
    Countdown,
    ExpiryLevel,
    HomologationDecision,
    HomologationStep,
    Opinion,
    StepStatus,
    add_months,
    countdown,
    current_decision,
    expiry_date,
)
from prodtui.domain.security import MeasureStatus
from prodtui.homologation_text import countdown_text
from prodtui.resources import sample_file
from prodtui.store import Workspace, open_workspace
from prodtui.store.migrations import migration_scripts, split_statements
from prodtui.ui.screens.dialogs import ConfirmScreen
from prodtui.ui.screens.drafts import DraftsScreen
from prodtui.ui.screens.homologation import (
    DecisionFormScreen,
    HomologationScreen,
    StepFormScreen,
)
from tests.conftest import TODAY, AppFactory, found, id_of, wait_until
from tests.test_palette_and_help import palette_lines

SHIPPED_TITLES = [
    s["title"] for s in tomllib.loads(sample_file("homologation_steps.toml"))["steps"]
]


def decision(decided_on: date, months: int = 12, **more) -> HomologationDecision:
    return HomologationDecision(
        authority_name=more.pop("authority_name", "Nathalie Perrin"),
        authority_role=more.pop("authority_role", "Directrice de programme"),
        opinion=more.pop("opinion", Opinion.FAVOURABLE),
        decided_on=decided_on,
        validity_months=months,
        **more,
    )


# --- expiry dates and warning levels ---------------------------------------------------------


@pytest.mark.parametrize(
    "days_left, level",
    [
        (181, ExpiryLevel.OK),
        (180, ExpiryLevel.PLAN),
        (91, ExpiryLevel.PLAN),
        (90, ExpiryLevel.SOON),
        (31, ExpiryLevel.SOON),
        (30, ExpiryLevel.URGENT),
        (1, ExpiryLevel.URGENT),
        (0, ExpiryLevel.URGENT),
        (-1, ExpiryLevel.EXPIRED),
        (-400, ExpiryLevel.EXPIRED),
    ],
)
def test_warning_level_at_each_boundary(days_left: int, level: ExpiryLevel) -> None:
    expires = date(2027, 1, 15)
    left = countdown(expires, expires - timedelta(days=days_left))
    assert left == Countdown(expires, days_left, level)


@pytest.mark.parametrize(
    "decided, months, expires",
    [
        # The day before the date plus the validity: one year lasts one year exactly.
        (date(2026, 1, 2), 12, date(2027, 1, 1)),
        (date(2026, 1, 1), 12, date(2026, 12, 31)),
        (date(2025, 8, 31), 6, date(2026, 2, 27)),  # no 31 February: the month's last day
        (date(2023, 8, 31), 6, date(2024, 2, 28)),  # a leap year has its 29th
        (date(2024, 2, 29), 12, date(2025, 2, 27)),
        (date(2024, 2, 29), 24, date(2026, 2, 27)),
        (date(2024, 2, 29), 36, date(2027, 2, 27)),
        (date(2026, 11, 27), 6, date(2027, 5, 26)),
        (date(2026, 8, 1), 6, date(2027, 1, 31)),  # across the year end
        (date(2026, 3, 31), 6, date(2026, 9, 29)),
        (date(2026, 3, 1), 6, date(2026, 8, 31)),
    ],
)
def test_expiry_date(decided: date, months: int, expires: date) -> None:
    assert expiry_date(decided, months) == expires
    assert decision(decided, months).expires_on == expires


def test_add_months_and_refused_validities() -> None:
    assert add_months(date(2024, 2, 29), 48) == date(2028, 2, 29)
    assert add_months(date(2026, 1, 31), 1) == date(2026, 2, 28)
    with pytest.raises(ValueError):
        expiry_date(date(2026, 1, 1), 18)
    with pytest.raises(ValidationError):
        decision(date(2026, 1, 1), 18)


def test_the_expiry_day_is_the_last_valid_day() -> None:
    made = decision(date(2025, 11, 28), 12)
    assert made.countdown(TODAY) == Countdown(TODAY, 0, ExpiryLevel.URGENT)
    assert found(made.countdown(TODAY + timedelta(days=1))).level is ExpiryLevel.EXPIRED
    assert countdown_text(found(made.countdown(TODAY))).startswith("Dernier jour de validité")
    text = countdown_text(found(made.countdown(TODAY + timedelta(days=1))))
    assert text.startswith("Homologation expirée depuis 1 jour ")


def test_the_decision_in_force_is_the_latest() -> None:
    older = decision(date(2024, 1, 10), 36, id=3)
    newer = decision(date(2025, 6, 1), 12, id=1)
    same_day_later = decision(date(2025, 6, 1), 24, id=2)
    assert current_decision([]) is None
    assert current_decision([older, newer]) is newer
    assert current_decision([same_day_later, older, newer]) is same_day_later


def test_a_decision_needs_an_authority_and_a_known_opinion() -> None:
    with pytest.raises(ValidationError):
        decision(date(2026, 1, 1), authority_name="  ")
    with pytest.raises(ValidationError):
        decision(date(2026, 1, 1), opinion="maybe")
    assert decision(date(2026, 1, 1), authority_name=" A \n B ").authority_name == "A B"


def test_step_status_cycles() -> None:
    assert [StepStatus.TODO.next(), StepStatus.IN_PROGRESS.next(), StepStatus.DONE.next()] == [
        StepStatus.IN_PROGRESS,
        StepStatus.DONE,
        StepStatus.TODO,
    ]


# --- the repository ------------------------------------------------------------------------


def test_steps_are_loaded_from_the_sample_data_once(workspace: Workspace) -> None:
    repo = workspace.homologation
    assert repo.steps() == []
    assert repo.load_shipped_steps() == len(SHIPPED_TITLES) == 10
    steps = repo.steps()
    assert [s.title for s in steps] == SHIPPED_TITLES
    assert [s.position for s in steps] == list(range(1, 11))
    assert [s.key for s in steps][:2] == ["strategie", "contexte"]
    assert all(s.status is StepStatus.TODO and s.date is None for s in steps)
    assert repo.load_shipped_steps() == 0
    assert repo.step_count() == 10
    # Edited steps are the workspace's own: loading again changes nothing.
    repo.save_step(steps[0].edit(title="Stratégie", notes="Périmètre validé"))
    assert repo.load_shipped_steps() == 0
    assert repo.steps()[0].title == "Stratégie"


def test_the_team_adds_moves_and_deletes_its_steps(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    mine, other = open_workspace(path, author="Alice"), open_workspace(path, author="Bob")
    repo = mine.homologation
    repo.load_shipped_steps()
    own = repo.add_step(HomologationStep(position=0, key="audit", title="Revue du PSSI"))
    assert own.key is None, "a step added by the team is its own, whatever it was given"
    assert (own.position, repo.steps()[-1].id) == (11, own.id)

    moved = repo.move_step(own, -1)
    assert [s.id for s in moved][-2:] == [own.id, repo.steps()[-1].id]
    assert [s.position for s in moved] == list(range(1, 12))
    assert any(e.field == "position" for e in mine.audit.history("homologation_steps", id_of(own)))

    # Bob deletes the step as he saw it; Alice edited it meanwhile: it stays.
    seen = other.homologation.get(own.id)  # type: ignore[arg-type]
    repo.save_step(repo.get(own.id).edit(notes="Avec le RSSI"))  # type: ignore[arg-type]
    with pytest.raises(ConflictError):
        other.homologation.delete_step(own.id, seen.version)  # type: ignore[arg-type]
    current = other.homologation.get(own.id)  # type: ignore[arg-type]
    other.homologation.delete_step(own.id, current.version)  # type: ignore[arg-type]
    assert repo.step_count() == 10

    # Steps the team deleted, all of them, do not come back on the next visit.
    for step in repo.steps():
        repo.delete_step(step.id, step.version)  # type: ignore[arg-type]
    assert repo.load_shipped_steps() == 0 and repo.steps() == []
    mine.close()
    other.close()


def test_decisions_and_the_countdown(workspace: Workspace) -> None:
    repo = workspace.homologation
    assert repo.current_decision() is None and repo.countdown(TODAY) is None
    first = repo.record_decision(decision(date(2024, 12, 1), 24))
    repo.record_decision(decision(date(2023, 1, 1), 36))  # recorded late, but older
    assert found(repo.current_decision()).id == first.id
    assert repo.countdown(TODAY) == Countdown(date(2026, 11, 30), 3, ExpiryLevel.URGENT)
    renewed = repo.record_decision(decision(date(2026, 11, 20), 36, opinion=Opinion.RESERVATIONS))
    assert repo.countdown(TODAY) == Countdown(date(2029, 11, 19), 1088, ExpiryLevel.OK)
    assert repo.decisions()[0].id == renewed.id
    assert len(repo.decisions()) == 3
    history = workspace.audit.history("homologation_decisions", id_of(renewed))
    assert history[0].field == "(created)" and "reservations" in found(history[0].new)


# --- the screen ------------------------------------------------------------------------------


async def open_tracker(pilot: Pilot[int]) -> HomologationScreen:
    """From Today, the security screen (`5`), then its homologation tracker (`h`)."""
    await pilot.press("5", "h")
    await pilot.pause()
    screen = pilot.app.screen
    assert isinstance(screen, HomologationScreen)
    return screen


async def test_steps_load_on_first_visit_and_cycle_with_keys(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tracker(pilot)
        table = screen.query_one(DataTable)
        assert table.row_count == 10
        assert [s.title for s in screen.steps] == SHIPPED_TITLES
        assert "Aucune décision" in str(screen.query_one("#hom-countdown").render())

        await pilot.press("down", "s")
        await pilot.pause()
        step = workspace.homologation.steps()[1]
        assert step.status is StepStatus.IN_PROGRESS
        await pilot.press("s")
        await pilot.pause()
        assert workspace.homologation.steps()[1].status is StepStatus.DONE
        await pilot.press("s")
        await pilot.pause()
        assert workspace.homologation.steps()[1].status is StepStatus.TODO
        assert table.cursor_row == 1
        changes = [e.new for e in workspace.audit.history("homologation_steps", id_of(step))]
        assert changes[:3] == ["todo", "done", "in_progress"]

        # Edit the date and notes: a date that cannot exist is refused, then fixed.
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, StepFormScreen)
        form.query_one("#sf-date", Input).value = "31/02"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "31/02" in str(form.query_one("#sf-error").render())
        form.query_one("#sf-date", Input).value = "15/12"
        form.query_one("#sf-notes", Input).value = "Schéma à jour"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        edited = workspace.homologation.steps()[1]
        assert (edited.date, edited.notes) == (date(2026, 12, 15), "Schéma à jour")

    # Coming back later loads nothing more.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(pilot)
        assert workspace.homologation.step_count() == 10


async def test_steps_are_added_moved_and_deleted_with_keys(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tracker(pilot)
        table = screen.query_one(DataTable)

        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, StepFormScreen)
        await pilot.press(*"Revue avec la CNIL", "tab", *"15/01/2027", "tab", *"AIPD jointe")
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen and table.row_count == 11
        added = workspace.homologation.steps()[-1]
        assert (added.title, added.date, added.notes) == (
            "Revue avec la CNIL",
            date(2027, 1, 15),
            "AIPD jointe",
        )
        assert table.cursor_row == 10, "the cursor is on the new step"

        await pilot.press("shift+up", "shift+up")
        await pilot.pause()
        assert [s.id for s in workspace.homologation.steps()].index(added.id) == 8
        assert table.cursor_row == 8, "the cursor follows the step"

        await pilot.press("delete")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("o")
        await pilot.pause()
        assert workspace.homologation.step_count() == 10
        assert added.id not in [s.id for s in workspace.homologation.steps()]


async def test_recording_a_decision_through_the_form(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tracker(pilot)
        await pilot.press("d")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DecisionFormScreen)
        # Nothing is saved without a name and a date, and the form says why.
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "date de la décision" in str(form.query_one("#df-error").render())
        form.query_one("#df-date", Input).value = "hier"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "ne peut pas être vide" in str(form.query_one("#df-error").render())
        assert workspace.homologation.current_decision() is None

        form.query_one("#df-name", Input).focus()
        await pilot.press(*"Nathalie Perrin", "tab", *"Directrice de programme")
        form.query_one("#df-opinion", Select).value = Opinion.RESERVATIONS
        form.query_one("#df-validity", Select).value = 6
        form.query_one("#df-date", Input).value = "31/08/2026"
        await pilot.pause()
        assert "27 février 2027" in str(form.query_one("#df-expiry").render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen), "the steps are all still to do"
        await pilot.press("o")
        await pilot.pause()
        assert app.screen is screen
        saved = found(workspace.homologation.current_decision())
        assert (saved.authority_name, saved.authority_role, saved.opinion) == (
            "Nathalie Perrin",
            "Directrice de programme",
            Opinion.RESERVATIONS,
        )
        assert (saved.decided_on, saved.validity_months) == (date(2026, 8, 31), 6)
        assert saved.expires_on == date(2027, 2, 27)
        banner = screen.query_one("#hom-countdown")
        assert banner.has_class("-plan")  # 27 February 2027 is 92 days ahead
        assert "Favorable avec réserves" in str(screen.query_one("#hom-decision").render())


@pytest.mark.parametrize(
    "decided, level",
    [
        (date(2026, 1, 1), ExpiryLevel.SOON),  # 34 days left
        (date(2025, 11, 27), ExpiryLevel.EXPIRED),  # expired yesterday, 26 November
        (date(2025, 11, 28), ExpiryLevel.URGENT),  # its last day
        (date(2026, 3, 1), ExpiryLevel.PLAN),  # 93 days left
        (date(2026, 11, 1), ExpiryLevel.OK),
    ],
)
async def test_the_countdown_is_styled_by_its_level(
    make_app: AppFactory, workspace: Workspace, decided: date, level: ExpiryLevel
) -> None:
    workspace.homologation.load_shipped_steps()
    workspace.homologation.record_decision(decision(decided, 12))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(pilot)
        banner = app.screen.query_one("#hom-countdown")
        assert banner.has_class(f"-{level.value}")
        assert [c for c in banner.classes if c.startswith("-")] == [f"-{level.value}"]


def test_homologation_screen_snapshot(
    snap_compare, make_app: AppFactory, workspace: Workspace
) -> None:
    repo = workspace.homologation
    repo.load_shipped_steps()
    steps = repo.steps()
    repo.save_step(steps[0].edit(status=StepStatus.DONE, date=date(2026, 9, 18), notes="Périmètre"))
    repo.save_step(steps[1].edit(status=StepStatus.IN_PROGRESS, notes="Schéma à mettre à jour"))
    repo.save_step(steps[4].edit(date=date(2026, 12, 9), notes="Prestataire à confirmer"))
    repo.record_decision(
        HomologationDecision(
            authority_name="Nathalie Perrin-Vasseur",
            authority_role="Directrice de programme",
            opinion=Opinion.RESERVATIONS,
            decided_on=date(2026, 1, 2),
            validity_months=12,
        )
    )
    assert snap_compare(make_app(), press=["5", "h"], terminal_size=(120, 40))


def test_step_model_keeps_titles_on_one_line() -> None:
    assert HomologationStep(position=1, title=" Audit \n de sécurité ").title == "Audit de sécurité"
    with pytest.raises(ValidationError):
        HomologationStep(position=1, title=" ")


@pytest.mark.parametrize(
    ("typed", "screen"),
    [("Risques de sécurité", "RisksScreen"), ("Homologation", "HomologationScreen")],
)
async def test_the_palette_opens_the_security_panels(
    make_app: AppFactory, typed: str, screen: str
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await palette_lines(pilot, typed, typed)
        await pilot.press("enter")
        await wait_until(pilot, lambda: type(app.screen).__name__ == screen)
        assert type(app.screen).__name__ == screen


# --- an unfavourable decision ------------------------------------------------------------------


def test_an_unfavourable_decision_grants_nothing() -> None:
    refused = decision(date(2026, 11, 20), 12, opinion=Opinion.UNFAVOURABLE)
    assert not refused.granted
    assert refused.expires_on is None and refused.countdown(TODAY) is None
    for opinion in (Opinion.FAVOURABLE, Opinion.RESERVATIONS):
        granted = decision(date(2026, 11, 20), 12, opinion=opinion)
        assert granted.granted and granted.expires_on == date(2027, 11, 19)


async def test_the_tracker_says_an_unfavourable_decision_is_a_refusal(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.homologation.load_shipped_steps()
    workspace.homologation.record_decision(
        decision(date(2026, 11, 20), 12, opinion=Opinion.UNFAVOURABLE)
    )
    assert workspace.homologation.countdown(TODAY) is None
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(pilot)
        banner = app.screen.query_one("#hom-countdown")
        shown = str(banner.render())
        assert shown.startswith("REFUSÉE · Homologation refusée le vendredi 20 novembre 2026")
        assert "n'est pas homologué" in shown and "jusqu'au" not in shown
        assert [c for c in banner.classes if c.startswith("-")] == ["-expired"]
        line = str(app.screen.query_one("#hom-decision").render())
        assert "Défavorable · aucune validité" in line and "jusqu'au" not in line


async def test_the_decision_form_has_no_validity_for_an_unfavourable_opinion(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(pilot)
        await pilot.press("d")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DecisionFormScreen)
        form.query_one("#df-name", Input).value = "Nathalie Perrin"
        form.query_one("#df-date", Input).value = "20/11/2026"
        await pilot.pause()
        assert "jusqu'au" in str(form.query_one("#df-expiry").render())
        form.query_one("#df-opinion", Select).value = Opinion.UNFAVOURABLE
        await pilot.pause()
        assert form.query_one("#df-validity", Select).disabled
        preview = str(form.query_one("#df-expiry").render())
        assert "ne sera pas homologué" in preview and "jusqu'au" not in preview
        await pilot.press("ctrl+s")
        await pilot.pause()
        saved = workspace.homologation.current_decision()
        assert saved is not None and saved.opinion is Opinion.UNFAVOURABLE
        assert saved.expires_on is None


# --- prefilled fields keep their text -----------------------------------------------------------


async def test_typing_in_a_prefilled_field_adds_to_its_text(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.homologation.load_shipped_steps()
    workspace.homologation.record_decision(decision(date(2026, 11, 20), 12))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(pilot)
        await pilot.press("e")
        await pilot.pause()
        # The title has the focus: a key typed goes at the end, nothing is replaced.
        await pilot.press("x")
        assert app.screen.query_one("#sf-title", Input).value == f"{SHIPPED_TITLES[0]}x"
        await pilot.press("tab", "tab", "x")
        assert app.screen.query_one("#sf-notes", Input).value == "x"
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen), "changes are not thrown away unasked"
        await pilot.press("o")
        await pilot.pause()
        await pilot.press("d")
        await pilot.pause()
        app.screen.query_one("#df-name", Input).focus()
        await pilot.pause()
        await pilot.press("x")
        assert app.screen.query_one("#df-name", Input).value == "Nathalie Perrinx"


# --- a workspace from before the step keys and the score history --------------------------------


def _version_3_workspace(path: Path) -> None:
    """A workspace as version 3 of the schema left it: steps without keys, measures
    without a score history."""
    conn = sqlite3.connect(path, isolation_level=None)
    for version, script in migration_scripts()[:3]:
        for statement in split_statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
    stamp = "2026-01-05T10:00:00"
    titles = [*SHIPPED_TITLES, "Atelier de la team", SHIPPED_TITLES[0]]
    titles[3] = "Analyse de risques (EBIOS)"  # renamed since: stays the team's own
    conn.executemany(
        "INSERT INTO homologation_steps (position, title, created_at, updated_at)"
        " VALUES (?, ?, ?, ?)",
        [(n, title, stamp, stamp) for n, title in enumerate(titles, start=1)],
    )
    conn.execute(
        "INSERT INTO measures (id, code, category, title, indispensable, created_at,"
        " updated_at) VALUES (1, 'GOU-1', 'gouvernance', 'Désigner un RSSI', 1, ?, ?)",
        [stamp, stamp],
    )
    conn.execute(
        "INSERT INTO measure_status (measure_id, status, created_at, updated_at)"
        " VALUES (1, 'done', ?, ?)",
        [stamp, stamp],
    )
    conn.close()


def test_an_upgraded_workspace_gets_its_step_keys_and_a_score_history(tmp_path: Path) -> None:
    path = tmp_path / "old.db"
    _version_3_workspace(path)
    ws = open_workspace(path, author="test")
    try:
        keys = [(step.title, step.key) for step in ws.homologation.steps()]
        shipped = tomllib.loads(sample_file("homologation_steps.toml"))["steps"]
        expected = [(s["title"], s["key"]) for s in shipped]
        expected[3] = ("Analyse de risques (EBIOS)", None)
        assert keys == [*expected, ("Atelier de la team", None), (SHIPPED_TITLES[0], None)]
        # The score history starts with today's score on the first read.
        assert [(p.day, p.overall) for p in ws.measures.history(today=TODAY)] == [(TODAY, 5.0)]
        assert len(ws.measures.history(today=TODAY + timedelta(days=1))) == 1
    finally:
        ws.close()


def test_editing_what_weighs_in_the_score_records_it(workspace: Workspace) -> None:
    yesterday = TODAY - timedelta(days=1)
    workspace.measures.import_referential(
        '[[measures]]\ncode = "GOU-1"\ncategory = "gouvernance"\ntitle = "RSSI"\n'
        '[[measures]]\ncode = "GOU-2"\ncategory = "gouvernance"\ntitle = "Charte"\n',
        "test.toml",
        today=yesterday,
    )
    done = workspace.measures.entry("GOU-1")
    assert done is not None
    workspace.measures.set_status(done.state, MeasureStatus.DONE, today=yesterday)
    assert [(p.day, p.overall) for p in workspace.measures.history()] == [(yesterday, 2.5)]
    todo = workspace.measures.entry("GOU-2")
    assert todo is not None
    # A title changes nothing to the score, so nothing is recorded…
    workspace.measures.save_measure(todo.measure.edit(title="Charte SSI"), today=TODAY)
    assert len(workspace.measures.history()) == 1
    # …but the open measure becoming indispensable weighs double: 5 × 1 / 3.
    edited = workspace.measures.entry("GOU-2")
    assert edited is not None
    workspace.measures.save_measure(edited.measure.edit(indispensable=True), today=TODAY)
    assert [(p.day, p.overall) for p in workspace.measures.history()] == [
        (yesterday, 2.5),
        (TODAY, 1.7),
    ]


# --- what is typed in a form -------------------------------------------------------------------


async def test_a_form_asks_before_throwing_changes_away(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        tracker = await open_tracker(pilot)
        await pilot.press("e", "escape")  # nothing changed: it just closes
        await pilot.pause()
        assert app.screen is tracker
        await pilot.press("e", "end", *" v2", "escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")  # keep editing: the text is still there
        await pilot.pause()
        form = app.screen
        assert isinstance(form, StepFormScreen)
        assert form.query_one("#sf-title", Input).value == f"{SHIPPED_TITLES[0]} v2"
        await pilot.press("escape", "o")
        await pilot.pause()
        assert app.screen is tracker
        assert workspace.homologation.steps()[0].title == SHIPPED_TITLES[0]


async def test_what_is_typed_in_a_form_is_a_draft_until_saved(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(pilot)
        await pilot.press("n", *"Point RGPD", "tab", "tab", *"AIPD à relire")

        def draft_text() -> str:
            draft = workspace.drafts.get("form:step:new")
            return draft.content if draft else ""

        await wait_until(pilot, lambda: "AIPD à relire" in draft_text())  # past the debounce
        draft = workspace.drafts.get("form:step:new")
        assert draft is not None and "AIPD à relire" in draft.content
        # Quit with the form open, within the debounce: the last keys are written too.
        await pilot.press(*" par le DPD", "ctrl+q")
    draft = workspace.drafts.get("form:step:new")
    assert draft is not None and "AIPD à relire par le DPD" in draft.content

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await wait_until(
            pilot, lambda: isinstance(app.screen, DraftsScreen) and app.screen.is_mounted
        )
        offered = app.screen
        assert isinstance(offered, DraftsScreen), "offered back at start-up"
        listed = str(offered.query_one(OptionList).get_option_at_index(0).prompt)
        assert "Point RGPD · AIPD à relire par le DPD" in listed and "{" not in listed
        await pilot.press("escape")  # decide later
        await open_tracker(pilot)
        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, StepFormScreen)
        assert form.query_one("#sf-title", Input).value == "Point RGPD"
        assert form.query_one("#sf-notes", Input).value == "AIPD à relire par le DPD"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert workspace.homologation.steps()[-1].notes == "AIPD à relire par le DPD"
    assert workspace.drafts.get("form:step:new") is None, "saved: the draft has served"


# --- one key, and a way back -----------------------------------------------------------------


def confirm_text(screen: ConfirmScreen) -> str:
    return str(screen.query_one(".dialog-title", Static).render())


async def test_a_step_status_changed_by_one_key_comes_back_with_u(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.homologation.load_shipped_steps()
    first = workspace.homologation.steps()[0]
    workspace.homologation.save_step(first.edit(status=StepStatus.DONE))
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        screen = await open_tracker(pilot)
        await pilot.press("s")  # Faite becomes À faire: one key
        await pilot.pause()
        assert workspace.homologation.steps()[0].status is StepStatus.TODO
        said = [n.message for n in app._notifications]
        assert said[-1] == f"Étape «\u202f{first.title}\u202f»\u202f: À faire · u pour annuler"
        await pilot.press("u")
        await pilot.pause()
        assert workspace.homologation.steps()[0].status is StepStatus.DONE
        said = [n.message for n in app._notifications]
        assert said[-1] == f"Annulé — Étape «\u202f{first.title}\u202f»\u202f: Faite"
        assert screen.query_one(DataTable).cursor_row == 0


async def test_an_undo_over_a_step_saved_elsewhere_shows_both(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.ui.screens.dialogs import ConflictScreen

    workspace.homologation.load_shipped_steps()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await open_tracker(pilot)
        await pilot.press("s")  # À faire → En cours
        await pilot.pause()
        other = open_workspace(workspace.path, author="Bob")
        other.homologation.save_step(other.homologation.steps()[0].edit(notes="vu avec le RSSI"))
        other.close()
        await pilot.press("u")
        await wait_until(pilot, lambda: isinstance(app.screen, ConflictScreen))
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("m")  # mine: the undo on their version, their notes kept
        await wait_until(pilot, lambda: not isinstance(app.screen, ConflictScreen))
    step = workspace.homologation.steps()[0]
    assert (step.status, step.notes) == (StepStatus.TODO, "vu avec le RSSI")


async def test_a_decision_recorded_while_steps_are_open_names_them_and_asks(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.homologation.load_shipped_steps()
    for step in workspace.homologation.steps()[:8]:
        workspace.homologation.save_step(step.edit(status=StepStatus.DONE))
    ninth = workspace.homologation.steps()[8]
    workspace.homologation.save_step(ninth.edit(status=StepStatus.IN_PROGRESS))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tracker(pilot)
        await pilot.press("d")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DecisionFormScreen)
        form.query_one("#df-name", Input).value = "Nathalie Perrin"
        form.query_one("#df-date", Input).value = "hier"
        await pilot.press("ctrl+s")
        await pilot.pause()
        question = app.screen
        assert isinstance(question, ConfirmScreen)
        text = confirm_text(question)
        assert text.startswith("2 étapes ne sont pas faites\u202f:")
        assert f"• {SHIPPED_TITLES[8]} (En cours)" in text
        assert f"• {SHIPPED_TITLES[9]} (À faire)" in text
        assert SHIPPED_TITLES[0] not in text
        assert text.endswith("Enregistrer la décision quand même\u202f?")
        await pilot.press("n")  # not now: the form stays, nothing recorded
        await pilot.pause()
        assert app.screen is form
        assert workspace.homologation.current_decision() is None
        await pilot.press("ctrl+s")
        await pilot.pause()
        await pilot.press("o")
        await pilot.pause()
        assert app.screen is screen
        assert found(workspace.homologation.current_decision()).authority_name == "Nathalie Perrin"


async def test_a_decision_asks_nothing_when_every_step_is_done_or_it_refuses(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.homologation.load_shipped_steps()
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = await open_tracker(pilot)
        await pilot.press("d")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, DecisionFormScreen)
        form.query_one("#df-name", Input).value = "Nathalie Perrin"
        form.query_one("#df-date", Input).value = "hier"
        form.query_one("#df-opinion", Select).value = Opinion.UNFAVOURABLE
        await pilot.pause()
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen, "a refusal grants nothing: nothing to ask"
        for step in workspace.homologation.steps():
            workspace.homologation.save_step(step.edit(status=StepStatus.DONE))
        await pilot.press("d")
        await pilot.pause()
        again = pilot.app.screen
        assert isinstance(again, DecisionFormScreen)
        again.query_one("#df-date", Input).value = "aujourd'hui"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert app.screen is screen
    assert found(workspace.homologation.current_decision()).opinion is Opinion.FAVOURABLE


def test_many_open_steps_are_named_up_to_a_few(workspace: Workspace) -> None:
    from prodtui.ui.screens.homologation import open_steps_question

    workspace.homologation.load_shipped_steps()
    lines = found(open_steps_question(workspace.homologation.steps())).splitlines()
    assert lines[0] == "10 étapes ne sont pas faites\u202f:"
    assert len([line for line in lines if line.startswith("• ")]) == 7
    assert lines[-2] == "… et 3 autres"
