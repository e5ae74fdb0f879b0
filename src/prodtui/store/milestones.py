"""The team's own milestones (mises en production, comités, démos): versioned and audited."""

from __future__ import annotations

from datetime import date

from prodtui.domain.roadmap import Milestone
from prodtui.store.base import Repository


class MilestoneRepository(Repository[Milestone]):
    table = "milestones"
    model = Milestone

    def all(self) -> list[Milestone]:
        """Every milestone, in date order."""
        rows = self.ws.rows("SELECT * FROM milestones ORDER BY day, id")
        return [Milestone.model_validate(row) for row in rows]

    def between(self, first: date, last: date) -> list[Milestone]:
        rows = self.ws.rows(
            "SELECT * FROM milestones WHERE day BETWEEN ? AND ? ORDER BY day, id",
            [first.isoformat(), last.isoformat()],
        )
        return [Milestone.model_validate(row) for row in rows]

    def create(self, milestone: Milestone) -> Milestone:
        return self._insert(milestone.edit(id=None, version=0))

    def save(self, milestone: Milestone) -> Milestone:
        """Save an edited milestone if nobody saved it since it was read (else
        ConflictError)."""
        return self._update(milestone)

    def delete(self, milestone_id: int, version: int | None = None) -> Milestone:
        return self._delete(milestone_id, version)
