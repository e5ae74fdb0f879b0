"""The backlog on real files: numbering, order, filters, pages, sprints, status reasons."""

from __future__ import annotations

from datetime import date

import pytest

from prodtui.domain.errors import ConflictError
from prodtui.domain.items import Item, ItemKind
from prodtui.domain.stories import (
    Epic,
    Priority,
    Sprint,
    Story,
    StoryStatus,
    definition_of_ready,
)
from prodtui.store import Workspace
from prodtui.store.stories import StoryFilter
from tests.conftest import id_of


@pytest.fixture
def backlog(workspace: Workspace) -> list[Story]:
    epic = workspace.epics.add(Epic(title="Dépôt de demande"))
    return [
        workspace.stories.add(
            Story(title=title, priority=priority, epic_id=epic.id if n < 2 else None)
        )
        for n, (title, priority) in enumerate(
            [
                ("Déposer une demande", Priority.MUST),
                ("Joindre un justificatif", Priority.SHOULD),
                ("Suivre sa demande", Priority.MUST),
                ("Exporter en PDF", Priority.COULD),
            ]
        )
    ]


def keys(stories: list[Story]) -> list[str]:
    return [s.key for s in stories]


def test_new_stories_are_numbered_and_appended(backlog: list[Story]) -> None:
    assert keys(backlog) == ["US-1", "US-2", "US-3", "US-4"]
    assert [s.rank for s in backlog] == sorted(s.rank for s in backlog)


def test_filters_combine_and_count(workspace: Workspace, backlog: list[Story]) -> None:
    repo = workspace.stories
    assert keys(repo.page(StoryFilter(priority=Priority.MUST))) == ["US-1", "US-3"]
    assert keys(repo.page(StoryFilter(text="demande"))) == ["US-1", "US-3"]
    assert keys(repo.page(StoryFilter(text="us-4"))) == ["US-4"]
    assert repo.count(StoryFilter(epic_id=backlog[0].epic_id, priority=Priority.MUST)) == 1
    assert repo.count(StoryFilter(text="100%")) == 0


def test_reordering_under_a_filter_is_persisted(workspace: Workspace, backlog: list[Story]) -> None:
    repo = workspace.stories
    must = StoryFilter(priority=Priority.MUST)
    repo.move(backlog[2], must, -1)  # US-3 just above US-1, its only visible neighbour
    assert keys(repo.page()) == ["US-3", "US-1", "US-2", "US-4"]
    repo.move(repo.get(id_of(backlog[3])), None, -2)  # to the top
    assert keys(repo.page()) == ["US-4", "US-3", "US-1", "US-2"]
    repo.move(repo.get(id_of(backlog[3])), None, 2)  # to the bottom
    assert keys(repo.page()) == ["US-3", "US-1", "US-2", "US-4"]
    repo.move(repo.get(id_of(backlog[2])), None, -1)  # already first: nothing moves
    assert keys(repo.page()) == ["US-3", "US-1", "US-2", "US-4"]
    repo.move(repo.get(id_of(backlog[2])), must, 1)  # below US-1, before US-2
    assert keys(repo.page()) == ["US-1", "US-3", "US-2", "US-4"]
    assert repo.position(id_of(backlog[0])) == 0
    assert repo.position(id_of(backlog[1]), must) is None


def test_ranks_too_close_are_spread_out_before_a_move(
    workspace: Workspace, backlog: list[Story]
) -> None:
    repo = workspace.stories
    first = repo.get(id_of(backlog[0]))
    repo.save(repo.get(id_of(backlog[1])).edit(rank=first.rank + 1e-9))
    repo.move(repo.get(id_of(backlog[2])), None, -1)  # between US-1 and US-2: no room left
    assert keys(repo.page()) == ["US-1", "US-3", "US-2", "US-4"]
    assert len({s.rank for s in repo.page()}) == 4


def test_pages(workspace: Workspace) -> None:
    for n in range(250):
        workspace.stories.add(Story(title=f"Story {n}"))
    assert [s.title for s in workspace.stories.page(offset=240, limit=20)] == [
        f"Story {n}" for n in range(240, 250)
    ]


def test_status_with_a_reason_is_audited(workspace: Workspace, backlog: list[Story]) -> None:
    story = workspace.stories.set_status(backlog[0], StoryStatus.READY, reason="urgence COMEX")
    assert story.status is StoryStatus.READY
    history = {(h.field, h.new) for h in workspace.audit.history("stories", id_of(story))}
    assert ("status", "ready") in history and ("status_reason", "urgence COMEX") in history
    with pytest.raises(ConflictError):
        workspace.stories.save(backlog[0].edit(title="ancienne version"))


def test_definition_of_ready(workspace: Workspace, backlog: list[Story]) -> None:
    story = backlog[0].edit(persona="aidant", want="déposer", so_that="obtenir un répit", points=13)
    checks = {c.key: c.ok for c in definition_of_ready(story, valid_scenarios=1, open_blockers=0)}
    assert checks == {
        "dor.form": True,
        "dor.scenario": True,
        "dor.estimated": True,
        "dor.small": False,
        "dor.no_blocker": True,
    }
    workspace.items.add(Item(text="API en panne #US-1", kind=ItemKind.BLOCKER, story_key="US-1"))
    assert workspace.stories.open_blockers(backlog[0]) == 1
    assert [i.text for i in workspace.stories.linked_items(backlog[0])] == ["API en panne #US-1"]


def test_sprint_load(workspace: Workspace, backlog: list[Story]) -> None:
    sprint = workspace.sprints.add(
        Sprint(
            name="Sprint 12", start_date=date(2026, 11, 23), end_date=date(2026, 12, 4), capacity=20
        )
    )
    workspace.stories.save(backlog[0].edit(sprint_id=sprint.id, points=8))
    workspace.stories.save(backlog[1].edit(sprint_id=sprint.id, points=5, status=StoryStatus.DONE))
    [load] = workspace.sprints.loads()
    assert (load.committed, load.done, load.stories) == (13, 5, 2)
    with pytest.raises(ValueError):
        Sprint(name="x", start_date=date(2026, 12, 4), end_date=date(2026, 11, 23))


def test_points_follow_the_fibonacci_scale() -> None:
    with pytest.raises(ValueError):
        Story(title="x", points=4)
