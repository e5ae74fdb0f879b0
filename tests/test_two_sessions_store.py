"""Two sessions on one workspace file, at the store: a write based on what is no longer
current is a conflict carrying both versions, never a crash, and the version the user
does not keep stays readable in the audit log."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from prodtui.domain.errors import ConflictError
from prodtui.domain.people import Person
from prodtui.domain.standup import StandupEntry
from prodtui.domain.stories import Story
from prodtui.store import Workspace, open_workspace
from prodtui.store.base import DISCARDED
from tests.conftest import TODAY


@pytest.fixture
def sessions(tmp_path: Path) -> Iterator[tuple[Workspace, Workspace]]:
    path = tmp_path / "shared.db"
    first = open_workspace(path, author="Alice")
    second = open_workspace(path, author="Bruno")
    yield first, second
    first.close()
    second.close()


def test_a_first_entry_written_by_both_is_a_conflict_not_a_crash(
    sessions: tuple[Workspace, Workspace],
) -> None:
    alice, bruno = sessions
    person = alice.people.add(Person(name="Chloé"))
    # Both open Chloé's entry before either saved it: neither has an id.
    alice.standups.save_entry(TODAY, StandupEntry(person_id=person.id, today="version d'Alice"))
    with pytest.raises(ConflictError) as raised:
        bruno.standups.save_entry(
            TODAY, StandupEntry(person_id=person.id, today="version de Bruno")
        )
    mine, theirs = raised.value.mine, raised.value.theirs
    assert mine is not None and isinstance(theirs, StandupEntry)
    assert (mine.today, theirs.today) == ("version de Bruno", "version d'Alice")
    [entry] = [p.entry for p in bruno.standups.day(TODAY).people if p.entry]
    assert entry.today == "version d'Alice"


def test_keeping_theirs_keeps_mine_in_the_audit_log(
    sessions: tuple[Workspace, Workspace],
) -> None:
    alice, bruno = sessions
    story = alice.stories.add(Story(title="Déposer une demande"))
    seen_by_bruno = bruno.stories.get(story.id or 0)
    alice.stories.save(story.edit(want="la version d'Alice"))
    with pytest.raises(ConflictError) as raised:
        bruno.stories.save(seen_by_bruno.edit(want="la version de Bruno"))
    mine = raised.value.mine
    assert mine is not None  # None only when the refused write was a delete
    bruno.stories.keep_discarded(mine)
    assert bruno.stories.get(story.id or 0).want == "la version d'Alice"
    [discarded] = [e for e in bruno.audit.history("stories", story.id or 0) if e.field == DISCARDED]
    assert discarded.author == "Bruno"
    assert "la version de Bruno" in (discarded.old or "")


def test_a_conflict_message_names_the_record_in_words() -> None:
    from prodtui.i18n import error_message

    refused = ConflictError("risks", None, Story(title="x"))
    assert error_message(refused) == (
        "Cet élément a été modifié entre-temps dans une autre session (un risque)."
    )
