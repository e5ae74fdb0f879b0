"""Stand-up rules on real files: carried blockers, suggestions, one day at a time."""

from __future__ import annotations

import sqlite3
from datetime import date, timedelta
from pathlib import Path

import pytest

from prodtui.domain.errors import ConflictError
from prodtui.domain.items import Item, ItemKind, ItemStatus
from prodtui.domain.people import Person, Role
from prodtui.domain.standup import (
    StandupEntry,
    StandupTimer,
    mood_symbol,
    next_workday,
    previous_workday,
)
from prodtui.store import Workspace, open_workspace
from prodtui.store.migrations import split_statements
from tests.conftest import found, id_of

MONDAY = date(2026, 11, 23)


@pytest.fixture
def team(workspace: Workspace) -> list[Person]:
    return [
        workspace.people.add(Person(name="Léa Martin", role=Role.DEV)),
        workspace.people.add(Person(name="Karim Benali", role=Role.DESIGN)),
        workspace.people.add(Person(name="Sophie Durand", role=Role.BUSINESS)),
    ]


def test_a_blocker_is_carried_with_its_age_until_resolved(
    workspace: Workspace, team: list[Person]
) -> None:
    repo = workspace.standups
    blocker = repo.raise_blocker(MONDAY, team[0], "Pas d'accès à la base de recette")
    tuesday, wednesday, thursday = (MONDAY + timedelta(days=n) for n in (1, 2, 3))
    for day, age in ((MONDAY, 0), (tuesday, 1), (wednesday, 2)):
        [shown] = repo.day(day).blockers
        assert shown.id == blocker.id and shown.age_on(day) == age
    assert repo.day(MONDAY - timedelta(days=1)).blockers == [], "not before it was raised"
    repo.resolve(blocker, thursday)
    assert repo.day(thursday).blockers == []
    assert [b.id for b in repo.day(wednesday).blockers] == [blocker.id], "history stays true"
    resolved = workspace.items.get(id_of(blocker))
    assert resolved.status is ItemStatus.DONE and resolved.resolved_on == thursday


def test_blockers_are_listed_under_their_person(workspace: Workspace, team: list[Person]) -> None:
    workspace.standups.raise_blocker(MONDAY, team[1], "Maquettes pas validées")
    day = workspace.standups.day(MONDAY)
    by_name = {p.person.name: [b.text for b in p.blockers] for p in day.people}
    assert by_name == {
        "Léa Martin": [],
        "Karim Benali": ["Maquettes pas validées"],
        "Sophie Durand": [],
    }


def test_yesterday_is_suggested_from_the_last_today(
    workspace: Workspace, team: list[Person]
) -> None:
    repo = workspace.standups
    friday = MONDAY - timedelta(days=3)
    repo.save_entry(friday, StandupEntry(person_id=team[0].id, today="Finir le formulaire"))
    repo.save_entry(friday, StandupEntry(person_id=team[1].id, yesterday="x", today=""))
    day = repo.day(MONDAY)
    assert day.standup is None, "looking at a day writes nothing"
    suggested = {p.person.name: p.suggested_yesterday for p in day.people}
    assert suggested["Léa Martin"] == "Finir le formulaire"
    assert suggested["Karim Benali"] == ""
    draft = day.people[0].draft_entry()
    assert draft.yesterday == "Finir le formulaire" and draft.id is None
    assert workspace.standups.find(MONDAY) is None


def test_saving_an_entry_creates_the_day_once(workspace: Workspace, team: list[Person]) -> None:
    repo = workspace.standups
    first = repo.save_entry(MONDAY, StandupEntry(person_id=team[0].id, today="A", mood=4))
    second = repo.save_entry(MONDAY, StandupEntry(person_id=team[1].id, absent=True))
    assert first.standup_id == second.standup_id
    edited = repo.save_entry(MONDAY, first.model_copy(update={"today": "B"}))
    assert edited.version == 2
    with pytest.raises(ConflictError):
        repo.save_entry(MONDAY, first.model_copy(update={"today": "C"}))
    day = repo.day(MONDAY)
    assert [p.person.name for p in day.absent] == ["Karim Benali"]
    assert len(day.present) == 2


def test_an_inactive_person_still_shows_on_days_they_spoke(
    workspace: Workspace, team: list[Person]
) -> None:
    repo = workspace.standups
    repo.save_entry(MONDAY, StandupEntry(person_id=team[2].id, today="Comité"))
    workspace.people.save(team[2].model_copy(update={"active": False}))
    assert "Sophie Durand" in [p.person.name for p in repo.day(MONDAY).people]
    assert "Sophie Durand" not in [p.person.name for p in repo.day(MONDAY + timedelta(1)).people]


def test_decisions_and_actions_of_the_day(workspace: Workspace, team: list[Person]) -> None:
    items = workspace.items
    items.add(Item(text="On livre jeudi", kind=ItemKind.DECISION, raised_on=MONDAY))
    tuesday, last_week = MONDAY + timedelta(days=1), MONDAY - timedelta(days=7)
    action = ItemKind.ACTION
    items.add(Item(text="Écrire le CR", kind=action, raised_on=MONDAY, due_date=tuesday))
    late = items.add(
        Item(text="Relancer la DSI", kind=action, raised_on=last_week, due_date=last_week)
    )
    items.add(Item(text="Ancienne décision", kind=ItemKind.DECISION, raised_on=last_week))
    day = workspace.standups.day(MONDAY)
    assert [d.text for d in day.decisions] == ["On livre jeudi"]
    assert [a.text for a in day.actions] == ["Relancer la DSI", "Écrire le CR"]
    assert day.actions[0].is_late(MONDAY)
    items.set_done(late, True)
    assert [a.text for a in workspace.standups.day(MONDAY).actions] == ["Écrire le CR"]


def test_renaming_a_person_follows_their_items(workspace: Workspace, team: list[Person]) -> None:
    blocker = workspace.standups.raise_blocker(MONDAY, team[0], "Bloquée")
    workspace.people.save(team[0].model_copy(update={"name": "Léa Martin-Roux"}))
    assert workspace.items.get(id_of(blocker)).owner == "Léa Martin-Roux"
    assert [b.text for b in workspace.standups.day(MONDAY).people[0].blockers] == ["Bloquée"]


def test_reordering_the_team(workspace: Workspace, team: list[Person]) -> None:
    order = workspace.people.move(team[2], -1)
    assert [p.name for p in order] == ["Léa Martin", "Sophie Durand", "Karim Benali"]
    order = workspace.people.move(order[0], -5)
    assert order[0].name == "Léa Martin"
    order = workspace.people.move(order[0], +2)
    assert [p.name for p in order] == ["Sophie Durand", "Karim Benali", "Léa Martin"]


def test_mood_trend_is_per_week_without_names(workspace: Workspace, team: list[Person]) -> None:
    repo = workspace.standups
    for week, moods in enumerate([(2, 4), (3, 5), (5, 5)]):
        day = MONDAY - timedelta(weeks=2 - week)
        for person, mood in zip(team, moods, strict=False):
            repo.save_entry(day, StandupEntry(person_id=person.id, mood=mood))
    assert repo.mood_trend(MONDAY + timedelta(days=4), weeks=4) == [3.0, 4.0, 5.0]


def test_history_search(workspace: Workspace, team: list[Person]) -> None:
    repo = workspace.standups
    repo.save_entry(MONDAY, StandupEntry(person_id=team[0].id, today="Corriger le PDF d'export"))
    karim = StandupEntry(person_id=team[1].id, yesterday="Atelier export 50%")
    repo.save_entry(MONDAY + timedelta(1), karim)
    repo.raise_blocker(MONDAY, team[1], "Export bloqué par le proxy")
    hits = repo.search("export")
    newest = hits[0]
    assert (newest.day, newest.person, newest.field) == (
        MONDAY + timedelta(1),
        "Karim Benali",
        "yesterday",
    )
    assert len(hits) == 3
    assert [h.field for h in repo.search("export", person=team[1])] == ["yesterday", "blocker"]
    assert len(repo.search("export", end=MONDAY)) == 2
    assert [h.text for h in repo.search("50%")] == ["Atelier export 50%"]


def test_workdays_and_moods() -> None:
    friday = date(2026, 11, 27)
    assert next_workday(friday) == date(2026, 11, 30)
    assert previous_workday(date(2026, 11, 30)) == friday
    assert [mood_symbol(m) for m in (1, 2, 3, 4, 5, None)] == ["☈", "☂", "☁", "☼", "☀", "·"]
    from rich.cells import cell_len

    assert all(cell_len(mood_symbol(m)) == 1 for m in range(1, 6))


def test_timer_counts_total_and_speakers() -> None:
    timer = StandupTimer(speakers=3, timebox=60)
    assert not timer.started
    timer.toggle(100.0)
    assert timer.total(130.0) == 30
    timer.next_speaker(150.0)
    assert timer.speaker == 1 and timer.speaker_time(150.0) == 0
    assert not timer.over_timebox(200.0) and timer.over_timebox(211.0)
    timer.toggle(220.0)  # pause
    assert timer.total(999.0) == 120 and timer.speaker_time(999.0) == 70
    timer.next_speaker(1000.0)
    timer.next_speaker(1010.0)
    assert timer.speaker == 2, "stays on the last speaker"


def test_migration_turns_typed_blockers_into_items(tmp_path: Path) -> None:
    """A workspace at version 1 with free-text blockers keeps them as blocker items."""
    from prodtui.store.migrations import migration_scripts

    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for statement in split_statements(migration_scripts()[0][1]):
        conn.execute(statement)
    conn.execute("PRAGMA user_version = 1")
    stamp = "2026-11-20T09:30:00.000"
    conn.execute(
        "INSERT INTO people (name, created_at, updated_at) VALUES ('Léa', ?, ?)", [stamp, stamp]
    )
    conn.execute(
        "INSERT INTO standups (day, created_at, updated_at) VALUES ('2026-11-20', ?, ?)",
        [stamp, stamp],
    )
    conn.execute(
        "INSERT INTO standup_entries (standup_id, person_id, today, blockers, created_at,"
        " updated_at) VALUES (1, 1, 'Tests', 'VPN en panne', ?, ?)",
        [stamp, stamp],
    )
    conn.close()
    ws = open_workspace(path)
    [blocker] = ws.standups.blockers_on(date(2026, 11, 25))
    assert (blocker.text, blocker.owner, blocker.raised_on) == (
        "VPN en panne",
        "Léa",
        date(2026, 11, 20),
    )
    assert found(ws.standups.day(date(2026, 11, 20)).people[0].entry).today == "Tests"
    ws.close()
