"""The weekly review: weeks, scores and trends, the store, and the screen with its keys."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from prodtui.domain.errors import ConflictError
from prodtui.domain.review import (
    QUESTIONS,
    BadWeek,
    HealthReview,
    ReviewAnswer,
    ReviewQuestion,
    Trend,
    parse_week,
    shift_week,
    trend,
    week_of,
    weeks_until,
)
from prodtui.store import Workspace, open_workspace
from prodtui.ui.screens.dialogs import ConflictScreen
from prodtui.ui.screens.review import ReviewScreen
from prodtui.ui.widgets.key_bar import KeyBar
from tests.conftest import TODAY, AppFactory, found, id_of, wait_until

YES, PARTLY, NO = ReviewAnswer.YES, ReviewAnswer.PARTLY, ReviewAnswer.NO
ROLES = ReviewQuestion.ROLES


def test_weeks_are_iso_labels_across_years() -> None:
    assert week_of(TODAY) == "2026-W48"
    assert parse_week("2026-W48") == date(2026, 11, 23)
    assert week_of(date(2027, 1, 1)) == "2026-W53"  # 2026 has 53 ISO weeks
    assert shift_week("2026-W53", 1) == "2027-W01"
    assert weeks_until("2027-W01", 3) == ["2026-W52", "2026-W53", "2027-W01"]
    for bad in ("2025-W53", "2026-48", "hello"):
        with pytest.raises(BadWeek):
            parse_week(bad)


def test_trend_compares_the_newer_half_with_the_older() -> None:
    assert trend([NO, NO, YES, YES]) is Trend.BETTER
    assert trend([YES, YES, PARTLY, YES]) is Trend.WORSE
    assert trend([YES, NO, NO, YES]) is Trend.SAME
    assert trend([NO, None, PARTLY, None]) is Trend.BETTER  # missed weeks are skipped
    assert trend([PARTLY, YES, NO]) is Trend.WORSE  # three answers: newest against oldest
    assert trend([None, None, None, YES]) is None
    assert trend([]) is None
    assert [a.score for a in (YES, PARTLY, NO)] == [2, 1, 0]


def _answer(ws: Workspace, week: str, answers: dict[ReviewQuestion, ReviewAnswer]) -> None:
    for question, answer in answers.items():
        ws.reviews.answer(week, question, answer)


def test_history_marks_and_trend_on_hand_built_weeks(workspace: Workspace) -> None:
    ws = workspace
    for week, answer in [("2026-W44", NO), ("2026-W45", NO), ("2026-W47", YES), ("2026-W48", YES)]:
        ws.reviews.answer(week, ROLES, answer, comment=f"semaine {week}")
    ws.reviews.answer("2026-W46", ReviewQuestion.PRACTICES, PARTLY)
    marks = ws.reviews.marks(weeks_until("2026-W48", 5))
    assert marks[ROLES] == [NO, NO, None, YES, YES]
    assert marks[ReviewQuestion.PRACTICES] == [None, None, PARTLY, None, None]
    assert marks[ReviewQuestion.TEAM_FLOW] == [None] * 5
    assert ws.reviews.trend(ROLES, "2026-W48") is Trend.BETTER  # W45 no against W48 yes
    assert ws.reviews.trend(ROLES, "2026-W45") is Trend.SAME
    assert ws.reviews.trends("2026-W48")[ReviewQuestion.PRACTICES] is None
    # History pages newest first.
    first = ws.reviews.history(ROLES, limit=3)
    assert [r.week for r in first] == ["2026-W48", "2026-W47", "2026-W45"]
    rest = ws.reviews.history(ROLES, before=first[-1].week, limit=3)
    assert [(r.week, r.answer, r.comment) for r in rest] == [("2026-W44", NO, "semaine 2026-W44")]


def test_answers_are_upserted_audited_and_pending_until_all_five(workspace: Workspace) -> None:
    ws = workspace
    assert ws.reviews.pending(TODAY)
    first = ws.reviews.answer("2026-W48", ROLES, PARTLY, comment="Qui valide les courriels ?")
    again = ws.reviews.answer("2026-W48", ROLES, YES)
    assert again.id == first.id and again.version == 2
    assert again.comment == "Qui valide les courriels ?"  # kept when none is given
    _answer(ws, "2026-W48", {q: NO for q in QUESTIONS[1:4]})
    assert ws.reviews.pending(TODAY)
    ws.reviews.answer("2026-W48", QUESTIONS[4], YES)
    assert not ws.reviews.pending(TODAY)
    assert ws.reviews.pending(date(2026, 11, 30))  # a new week starts unanswered
    trail = ws.audit.history("health_reviews", id_of(first))
    assert [(e.field, e.old, e.new) for e in trail][:1] == [("answer", "partly", "yes")]
    # A stale copy is a conflict, never an overwrite.
    with pytest.raises(ConflictError):
        ws.reviews.save(first.edit(answer=NO))
    # Two sessions answering the same new question: the second sees a conflict.
    stranger = HealthReview(week="2026-W47", question=ROLES, answer=NO)
    ws.reviews.save(stranger)
    with pytest.raises(ConflictError):
        ws.reviews.save(stranger)


async def test_answering_the_week_with_keys_and_reading_back_the_file(
    make_app: AppFactory, workspace: Workspace, tmp_path: Path
) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ReviewScreen())
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        assert screen.week == "2026-W48"
        assert "5" in str(screen.query_one("#review-status").render())
        # o and y both mean yes; an answer stays on its question, down goes on.
        await pilot.press("o", "down", "p", "down", "n", "down", "y", "down", "p")
        await pilot.pause()
        assert "faite" in str(screen.query_one("#review-status").render())
        # A comment on the second question: typed, kept as a draft, then saved.
        await pilot.press("up", "up", "up", "c")
        await pilot.pause()
        field = screen.query_one("#review-comment", Input)
        assert field.has_focus
        await pilot.press(*"Deux jours perdus")
        key = "review:2026-W48:team_flow"

        def draft() -> str | None:
            kept = workspace.drafts.get(key)
            return kept.content if kept else None

        await wait_until(pilot, lambda: draft() == "Deux jours perdus")  # past the debounce
        assert found(workspace.drafts.get(key)).content == "Deux jours perdus"
        await pilot.press("enter")
        await pilot.pause()
        assert workspace.drafts.get(key) is None
        assert screen.query_one(DataTable).has_focus
        # The previous week was missed: fill it in.
        await pilot.press("left_square_bracket", "up", "n")
        await pilot.pause()
        assert screen.week == "2026-W47"
        await pilot.press("right_square_bracket", "right_square_bracket")
        await pilot.pause()
        assert screen.week == "2026-W48"  # not into the future
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ReviewScreen)
    rows = (
        sqlite3.connect(workspace.path)
        .execute("SELECT week, question, answer, comment FROM health_reviews ORDER BY week, id")
        .fetchall()
    )
    assert rows == [
        ("2026-W47", "roles", "no", ""),
        ("2026-W48", "roles", "yes", ""),
        ("2026-W48", "team_flow", "partly", "Deux jours perdus"),
        ("2026-W48", "practices", "no", ""),
        ("2026-W48", "security_roadmap", "yes", ""),
        ("2026-W48", "stories_recette", "partly", ""),
    ]


async def test_an_answer_keeps_the_selection_so_the_comment_goes_to_that_question(
    make_app: AppFactory, workspace: Workspace
) -> None:
    """The trap: `n` used to move on, so the `c` right after commented the next question."""
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ReviewScreen())
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        await pilot.press("down", "n")
        await pilot.pause()
        assert screen.selected() is QUESTIONS[1]
        await pilot.press("c", *"Attente de la DNUM", "enter")
        await pilot.pause()
        week = workspace.reviews.week("2026-W48")
        assert list(week) == [QUESTIONS[1]]
        assert (week[QUESTIONS[1]].answer, week[QUESTIONS[1]].comment) == (
            NO,
            "Attente de la DNUM",
        )
        assert "Attente de la DNUM" in str(screen.query_one("#review-detail").render())


async def test_escape_saves_the_comment_as_in_the_stand_up(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.reviews.answer("2026-W48", ROLES, PARTLY, comment="Qui valide")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ReviewScreen())
        await pilot.pause()
        screen = app.screen
        await pilot.press("c", *" les courriels ?")
        await pilot.pause()
        bar = " ".join(str(part.render()) for part in screen.query_one(KeyBar).query(Static))
        assert "Échap Enregistrer" in bar, bar  # the key bar says what escape does
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)  # escape left the field only
        assert screen.query_one(DataTable).has_focus
        assert workspace.reviews.week("2026-W48")[ROLES].comment == "Qui valide les courriels ?"
        assert workspace.drafts.get("review:2026-W48:roles") is None
        # Opened and left untouched: nothing written, no new version.
        version = workspace.reviews.week("2026-W48")[ROLES].version
        await pilot.press("c", "escape")
        await pilot.pause()
        assert workspace.reviews.week("2026-W48")[ROLES].version == version
        assert screen.query_one(DataTable).has_focus


async def test_a_comment_waits_for_an_answer_and_escape_keeps_it(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ReviewScreen())
        await pilot.pause()
        screen = app.screen
        await pilot.press("c", *"Rien", "enter")
        await pilot.pause()
        assert workspace.reviews.week("2026-W48") == {}
        assert found(workspace.drafts.get("review:2026-W48:roles")).content == "Rien"
        await pilot.press("escape")  # no answer yet: the comment stays a draft
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)  # escape left the field only
        assert workspace.reviews.week("2026-W48") == {}
        assert found(workspace.drafts.get("review:2026-W48:roles")).content == "Rien"
        await pilot.press("y", "c")
        await pilot.pause()
        assert screen.query_one("#review-comment", Input).value == "Rien"  # the draft
        await pilot.press("enter")
        await pilot.pause()
        assert workspace.reviews.week("2026-W48")[ROLES].comment == "Rien"


async def test_history_shows_marks_and_trend(
    make_app: AppFactory, workspace: Workspace, tmp_path: Path
) -> None:
    for week, answer in [("2026-W45", NO), ("2026-W46", NO), ("2026-W47", YES), ("2026-W48", YES)]:
        workspace.reviews.answer(week, ROLES, answer)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ReviewScreen())
        await pilot.pause()
        table = app.screen.query_one(DataTable)
        cells = [str(c) for c in table.get_row_at(0)]
        assert cells[2] == "· · · · ○ ○ ● ●"
        assert cells[3] == "↗ mieux"
        assert str(table.get_row_at(1)[3]) == "—"


def test_a_reopened_workspace_keeps_the_answers(tmp_path: Path) -> None:
    ws = open_workspace(tmp_path / "w.db")
    ws.reviews.answer("2026-W48", ROLES, PARTLY, comment="à suivre")
    ws.close()
    again = open_workspace(tmp_path / "w.db")
    try:
        assert again.reviews.week("2026-W48")[ROLES].comment == "à suivre"
    finally:
        again.close()


def test_an_answer_saved_after_another_sessions_answer_is_a_conflict(
    workspace: Workspace,
) -> None:
    seen = workspace.reviews.answer("2026-W48", ROLES, PARTLY, comment="à revoir")
    other = open_workspace(workspace.path, author="Léa")
    try:
        other.reviews.answer("2026-W48", ROLES, NO, comment="Personne ne tranche")
    finally:
        other.close()
    with pytest.raises(ConflictError) as conflict:
        workspace.reviews.answer("2026-W48", ROLES, YES, seen=seen)
    assert conflict.value.theirs.answer is NO
    # An unanswered question the other session answered meanwhile is a conflict too.
    other = open_workspace(workspace.path, author="Léa")
    other.reviews.answer("2026-W48", QUESTIONS[1], YES)
    other.close()
    with pytest.raises(ConflictError):
        workspace.reviews.answer("2026-W48", QUESTIONS[1], NO, seen=None)
    assert workspace.reviews.week("2026-W48")[ROLES].comment == "Personne ne tranche"


async def test_a_comment_conflict_shows_both_and_keeps_mine(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.reviews.answer("2026-W48", ROLES, PARTLY, comment="Qui valide")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ReviewScreen())
        await pilot.pause()
        screen = app.screen
        await pilot.press("c")
        await pilot.pause()
        field = screen.query_one("#review-comment", Input)
        await pilot.press(*" les courriels ?")  # the cursor is at the end: appended
        assert field.value == "Qui valide les courriels ?"
        # Saved by another session while the comment is typed, and shown by the watch on
        # the file: the save still compares with the answer the comment started from.
        other = open_workspace(workspace.path, author="Léa")
        other.reviews.answer("2026-W48", ROLES, NO, comment="Personne")
        other.close()
        app._watch_workspace()
        assert field.value == "Qui valide les courriels ?", "the refresh kept the typing"
        await pilot.press("enter")
        await pilot.pause()
        conflict = app.screen
        assert isinstance(conflict, ConflictScreen) and conflict.theirs is not None
        assert conflict.theirs["Commentaire"] == "Personne"
        assert conflict.mine["Commentaire"] == "Qui valide les courriels ?"
        await pilot.press("m")
        await pilot.pause()
        assert app.screen is screen and screen.query_one(DataTable).has_focus
        # A key answer over an answer saved meanwhile asks too; theirs is kept.
        other = open_workspace(workspace.path, author="Léa")
        other.reviews.answer("2026-W48", ROLES, YES)
        other.close()
        await pilot.press("n")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("t")
        await pilot.pause()
    saved = workspace.reviews.week("2026-W48")[ROLES]
    assert (saved.answer, saved.comment) == (YES, "Qui valide les courriels ?")
    assert workspace.drafts.get("review:2026-W48:roles") is None


async def test_the_title_says_the_iso_year_and_plurals_read_right(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ReviewScreen(week="2026-W01"))
        await pilot.pause()
        title = str(app.screen.query_one("#review-title").render())
        assert "semaine 1 de 2026" in title and "lun. 29/12" in title  # starts in December 2025
        status = str(app.screen.query_one("#review-status").render())
        assert "5 questions sans réponse" in status
        for key in ("y", "down", "y", "down", "y", "down", "y"):
            await pilot.press(key)
        await pilot.pause()
        status = str(app.screen.query_one("#review-status").render())
        assert "1 question sans réponse" in status
