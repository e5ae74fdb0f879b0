"""The Today dashboard: one snapshot per tile, and the rules the tiles show.

The store fills these models with a few aggregate queries; the rules here (ages, the
sprint's burn-down) need no I/O; the homologation's are those of its decision.
"""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, ConfigDict

from prodtui.domain.homologation import HomologationDecision
from prodtui.domain.items import ItemKind
from prodtui.domain.recette_status import ExecutionStatus, Progress
from prodtui.domain.text import CleanLine


class Tile(BaseModel):
    model_config = ConfigDict(frozen=True, defer_build=True)


# -- stand-up --------------------------------------------------------------------------------


class StandupTile(Tile):
    """Today's stand-up: who spoke, who is away, who has not spoken yet."""

    day: date
    spoke: list[CleanLine] = []
    absent: list[CleanLine] = []
    waiting: list[CleanLine] = []

    @property
    def held(self) -> bool:
        """A day exists once someone's entry is saved (absences count: someone noted them)."""
        return bool(self.spoke or self.absent)

    @property
    def team(self) -> int:
        return len(self.spoke) + len(self.absent) + len(self.waiting)


# -- captures --------------------------------------------------------------------------------


class TileItem(Tile):
    """One capture as a tile lists it."""

    id: int
    kind: ItemKind
    text: CleanLine
    owner: CleanLine | None = None
    day: date | None = None
    """The day that matters on the tile: raised on (blockers), due on (actions)."""


class BlockersTile(Tile):
    count: int = 0
    oldest: list[TileItem] = []
    """The oldest open blockers first: the ones that have waited longest."""

    @staticmethod
    def age(item: TileItem, today: date) -> int:
        """Days since the blocker was raised (0 on its first day)."""
        return max((today - item.day).days, 0) if item.day else 0


class ActionsTile(Tile):
    """Open actions due today or before."""

    count: int = 0
    late: int = 0
    first: list[TileItem] = []
    """The most overdue first."""

    @property
    def due_today(self) -> int:
        return self.count - self.late


class InboxTile(Tile):
    count: int = 0
    newest: list[TileItem] = []


# -- sprint ----------------------------------------------------------------------------------


def working_days(start: date, end: date) -> list[date]:
    """Monday to Friday from `start` to `end`, both included."""
    days = []
    day = start
    while day <= end:
        if day.weekday() < 5:
            days.append(day)
        day += timedelta(days=1)
    return days


def burndown(days: list[date], committed: int, done: list[tuple[date, int]]) -> list[int]:
    """Work remaining at the end of each of `days`: `committed` minus what was done by then.

    `done` holds (day finished, work) pairs; work finished before the first day (a story
    closed while the sprint was planned) counts from the first day on.
    """
    remaining = []
    for day in days:
        finished = sum(work for when, work in done if when <= day)
        remaining.append(max(committed - finished, 0))
    return remaining


class SprintTile(Tile):
    """The sprint running today: committed against done, and its burn-down so far."""

    id: int
    name: CleanLine
    start: date
    end: date
    today: date
    committed_points: int = 0
    done_points: int = 0
    committed_stories: int = 0
    done_stories: int = 0
    unestimated: int = 0
    """Stories of the sprint without points (they count as stories, not as points)."""
    done_on: list[tuple[date, int]] = []
    """(day finished, points) of each finished story, for the burn-down."""

    @property
    def in_points(self) -> bool:
        """Points when the sprint has any, else stories: a team that does not estimate
        still sees its progress."""
        return self.committed_points > 0

    @property
    def committed(self) -> int:
        return self.committed_points if self.in_points else self.committed_stories

    @property
    def done(self) -> int:
        return self.done_points if self.in_points else self.done_stories

    @property
    def remaining(self) -> int:
        return max(self.committed - self.done, 0)

    @property
    def days(self) -> list[date]:
        """The working days of the sprint; the whole sprint is drawn, the future empty."""
        return working_days(self.start, self.end)

    @property
    def elapsed(self) -> list[date]:
        return [day for day in self.days if day <= self.today]

    @property
    def series(self) -> list[int]:
        """Remaining work at the end of each working day so far."""
        elapsed = self.elapsed
        if not elapsed:
            return []
        # A story done now counts by the last day drawn, whatever its trail says (done on a
        # Saturday, or a date after today from a clock ahead).
        last = elapsed[-1]
        done = [(min(day, last), work if self.in_points else 1) for day, work in self.done_on]
        return burndown(elapsed, self.committed, done)

    @property
    def ideal(self) -> int:
        """What would remain today on a straight line from committed to zero at the end."""
        total, gone = len(self.days), len(self.elapsed)
        if not total:
            return 0
        return round(self.committed * (1 - gone / total))

    @property
    def behind(self) -> bool:
        return self.remaining > self.ideal

    @property
    def days_left(self) -> int:
        """Working days after today until the end of the sprint."""
        return len(self.days) - len(self.elapsed)


# -- campaign --------------------------------------------------------------------------------


class CampaignTile(Tile):
    """The campaign in progress: its current pass."""

    id: int
    name: CleanLine
    release: CleanLine = ""
    pass_number: int = 1
    progress: Progress

    @property
    def failed(self) -> int:
        return self.progress.counts.get(ExecutionStatus.FAIL, 0)

    @property
    def blocked(self) -> int:
        return self.progress.counts.get(ExecutionStatus.BLOCKED, 0)

    @property
    def left(self) -> int:
        return self.progress.remaining


# -- security --------------------------------------------------------------------------------


class SecurityTile(Tile):
    score: float | None = None
    """None when no measure applies (or none is there yet)."""
    measures: int = 0
    applicable: int = 0
    done: int = 0
    partial: int = 0
    late: int = 0
    roadmap_warnings: int = 0
    """The warnings of the roadmap (`domain.roadmap.roadmap_warnings`)."""
    homologation: HomologationDecision | None = None
    """The decision in force (`domain.homologation.current_decision`): whether it grants
    the homologation, until when and how urgently to renew are its own rules."""


# -- the whole screen ------------------------------------------------------------------------


class TodaySnapshot(Tile):
    today: date
    standup: StandupTile
    blockers: BlockersTile
    actions: ActionsTile
    inbox: InboxTile
    sprint: SprintTile | None = None
    campaign: CampaignTile | None = None
    security: SecurityTile
    has_stories: bool = True
    has_campaigns: bool = True
    """Whether the backlog and the recette hold anything: an empty tile then says what to
    do first (write a story, create a campaign) rather than that nothing is running."""
