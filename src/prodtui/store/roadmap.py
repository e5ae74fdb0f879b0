"""What the roadmap reads: the plain data of `domain.roadmap`, in a few grouped queries.

Two reads: the lanes of a window (what touches its months), and what the warnings need
(what is still ahead of today, whatever window is shown). Both stay small on the large
workspace: sprints and campaigns are filtered by date in SQL, an epic's span and points
come from its stories (index `stories_epic`), and the measures,
milestones and homologation rows are tens.
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING, Any

from prodtui.domain.roadmap import (
    CampaignPlan,
    EpicPlan,
    MeasurePlan,
    RoadmapData,
    RoadmapWarning,
    SprintPlan,
    Window,
    roadmap_warnings,
)

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace


def _day(value: Any) -> date | None:
    return date.fromisoformat(value) if value else None


class RoadmapRepository:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def window(self, window: Window) -> RoadmapData:
        """Every record the lanes of `window` may show (the domain keeps those touching it)."""
        first, last = window.start.isoformat(), window.end.isoformat()
        with self.ws.reading():
            return RoadmapData(
                epics=self._epics(first, last),
                sprints=self._sprints("sp.end_date >= ? AND sp.start_date <= ?", [first, last]),
                campaigns=self._campaigns(
                    "coalesce(end_date, start_date) >= ? AND coalesce(start_date, end_date) <= ?",
                    [first, last],
                ),
                measures=self._measures(),
                milestones=self.ws.milestones.between(window.start, window.end),
                decisions=self.ws.homologation.decisions(),
                steps=self.ws.homologation.steps(),
            )

    def ahead(self, today: date) -> RoadmapData:
        """What the warnings read: epics with a target date, sprints not ended, open
        campaigns and milestones from today on, every measure and homologation row."""
        day = today.isoformat()
        with self.ws.reading():
            return RoadmapData(
                epics=[
                    EpicPlan(r["id"], r["title"], None, None, _day(r["target_date"]), 0, 0)
                    for r in self.ws.rows(
                        "SELECT id, title, target_date FROM epics WHERE target_date >= ?", [day]
                    )
                ],
                sprints=self._sprints("sp.end_date >= ?", [day]),
                campaigns=self._campaigns(
                    "state IN ('planned', 'in_progress') AND end_date IS NOT NULL", []
                ),
                measures=self._measures(),
                milestones=self.ws.milestones.between(today, date.max),
                decisions=self.ws.homologation.decisions(),
                steps=self.ws.homologation.steps(),
            )

    def warnings(self, today: date) -> list[RoadmapWarning]:
        return roadmap_warnings(self.ahead(today), today)

    def warning_count(self, today: date) -> int:
        return len(self.warnings(today))

    # -- the queries ------------------------------------------------------------------------

    def _epics(self, first: str, last: str) -> list[EpicPlan]:
        """The epics whose span (their stories' sprints) or target date touches the window.
        Which ones is found on the index alone (its distinct epic and sprint pairs); only
        those then have their stories read for the points. Grouping every epic's stories
        before keeping a few read all 100,000 stories of ten times the large workspace:
        50 ms on a quiet machine, more than twice that on a busy one, against 8 ms."""
        rows = self.ws.rows(
            "WITH pairs AS (SELECT epic_id, sprint_id FROM stories"
            "  WHERE epic_id IS NOT NULL GROUP BY epic_id, sprint_id),"
            " spans AS (SELECT p.epic_id, min(sp.start_date) AS first_day,"
            "  max(sp.end_date) AS last_day"
            "  FROM pairs AS p JOIN sprints AS sp ON sp.id = p.sprint_id GROUP BY p.epic_id),"
            " shown AS (SELECT e.id FROM epics AS e LEFT JOIN spans ON spans.epic_id = e.id"
            "  WHERE (spans.first_day <= ?2 AND spans.last_day >= ?1)"
            "  OR e.target_date BETWEEN ?1 AND ?2)"
            " SELECT e.id, e.title, e.target_date,"
            " min(sp.start_date) AS first_day, max(sp.end_date) AS last_day,"
            " coalesce(sum(CASE WHEN s.status = 'done' THEN s.points END), 0) AS done,"
            " coalesce(sum(CASE WHEN s.status <> 'abandoned' THEN s.points END), 0) AS planned"
            " FROM epics AS e"
            " LEFT JOIN stories AS s ON s.epic_id = e.id"
            " LEFT JOIN sprints AS sp ON sp.id = s.sprint_id"
            " WHERE e.id IN (SELECT id FROM shown) GROUP BY e.id ORDER BY e.id",
            [first, last],  # ?1 and ?2
        )
        return [
            EpicPlan(
                r["id"],
                r["title"],
                _day(r["first_day"]),
                _day(r["last_day"]),
                _day(r["target_date"]),
                int(r["done"]),
                int(r["planned"]),
            )
            for r in rows
        ]

    def _sprints(self, where: str, params: list[Any]) -> list[SprintPlan]:
        rows = self.ws.rows(
            "SELECT sp.id, sp.name, sp.start_date, sp.end_date, sp.capacity,"
            " coalesce(sum(s.points), 0) AS committed"
            " FROM sprints AS sp"
            " LEFT JOIN stories AS s ON s.sprint_id = sp.id AND s.status <> 'abandoned'"
            f" WHERE {where} GROUP BY sp.id ORDER BY sp.start_date, sp.id",
            params,
        )
        return [
            SprintPlan(
                r["id"],
                r["name"],
                date.fromisoformat(r["start_date"]),
                date.fromisoformat(r["end_date"]),
                int(r["capacity"]),
                int(r["committed"]),
            )
            for r in rows
        ]

    def _campaigns(self, where: str, params: list[Any]) -> list[CampaignPlan]:
        rows = self.ws.rows(
            "SELECT id, name, release, start_date, end_date, state FROM campaigns"
            f" WHERE {where} ORDER BY coalesce(start_date, end_date), id",
            params,
        )
        return [
            CampaignPlan(
                r["id"],
                r["name"],
                r["release"],
                _day(r["start_date"]),
                _day(r["end_date"]),
                r["state"],
            )
            for r in rows
        ]

    def _measures(self) -> list[MeasurePlan]:
        rows = self.ws.rows(
            "SELECT m.id, m.code, m.title, m.indispensable,"
            " coalesce(s.status, 'todo') AS status, s.due_date, s.story_id"
            " FROM measures AS m LEFT JOIN measure_status AS s ON s.measure_id = m.id"
            " ORDER BY m.code"
        )
        return [
            MeasurePlan(
                r["id"],
                r["code"],
                r["title"],
                bool(r["indispensable"]),
                r["status"],
                _day(r["due_date"]),
                r["story_id"],
            )
            for r in rows
        ]
