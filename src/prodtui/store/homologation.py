"""The homologation tracker: its steps, the authority's decisions and the countdown.

Steps start as a copy of `sample_data/homologation_steps.toml` (`load_shipped_steps`), and
are the workspace's own from then on. Decisions are kept, never overwritten: the one in
force is the latest (`domain.homologation.current_decision`).
"""

from __future__ import annotations

from datetime import date
from typing import TYPE_CHECKING

from prodtui.domain.homologation import (
    Countdown,
    HomologationDecision,
    HomologationStep,
    current_decision,
)
from prodtui.resources import sample_file
from prodtui.store.base import OrderedRepository, Repository

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

SHIPPED_STEPS = "homologation_steps.toml"


class _DecisionTable(Repository[HomologationDecision]):
    table = "homologation_decisions"
    model = HomologationDecision


class HomologationRepository(OrderedRepository[HomologationStep]):
    """Steps are this repository's records; decisions go through `record_decision`."""

    table = "homologation_steps"
    model = HomologationStep

    def __init__(self, workspace: Workspace) -> None:
        super().__init__(workspace)
        self._decisions = _DecisionTable(workspace)

    # -- steps ------------------------------------------------------------------------------

    def steps(self) -> list[HomologationStep]:
        return self.ordered()

    def step_count(self) -> int:
        return int(self.ws.conn.execute("SELECT count(*) FROM homologation_steps").fetchone()[0])

    def load_shipped_steps(self) -> int:
        """Copy the shipped steps into a workspace that never had any; returns how many
        were added (0 when the workspace has or had steps: they are never duplicated, and
        steps the team deleted do not come back)."""
        # Imported here: the sample models are many, and Today reads this repository at
        # start-up without ever loading steps.
        from prodtui.domain.sample import HomologationReferential, parse_sample

        referential = parse_sample(
            HomologationReferential, sample_file(SHIPPED_STEPS), SHIPPED_STEPS
        )
        with self.ws.transaction():
            # Counted inside the write lock: two sessions opening at once load them once.
            if self.step_count() or self.ws.audit.ever_written(self.table):
                return 0
            for position, step in enumerate(referential.steps, start=1):
                self._insert(HomologationStep(position=position, key=step.key, title=step.title))
        return len(referential.steps)

    def save_step(self, step: HomologationStep) -> HomologationStep:
        """Save an edited step if nobody saved it since it was read (else ConflictError)."""
        return self._update(step)

    def add_step(self, step: HomologationStep) -> HomologationStep:
        """A step of the team's own, after the others."""
        return self._append(step.edit(key=None))

    def delete_step(self, step_id: int, version: int | None = None) -> HomologationStep:
        """Delete a step; with the version the user saw, refused (ConflictError) when
        another session saved it since."""
        return self._delete(step_id, version)

    def move_step(self, step: HomologationStep, offset: int) -> list[HomologationStep]:
        """Move a step up (-1) or down (+1), renumbering the positions (each audited)."""
        return self._move(step, offset)

    def cycle_status(self, step: HomologationStep) -> HomologationStep:
        """todo → in progress → done → todo."""
        return self._update(step.edit(status=step.status.next()))

    # -- decisions --------------------------------------------------------------------------

    def decisions(self) -> list[HomologationDecision]:
        """Every decision recorded, the one in force first."""
        rows = self.ws.rows(
            "SELECT * FROM homologation_decisions ORDER BY decided_on DESC, id DESC"
        )
        return [HomologationDecision.model_validate(row) for row in rows]

    def current_decision(self) -> HomologationDecision | None:
        """The decision in force (`domain.homologation.current_decision`)."""
        return current_decision(self.decisions())

    @property
    def table_of_decisions(self) -> str:
        """Where decisions are kept (the audit log names them by it)."""
        return self._decisions.table

    def record_decision(self, decision: HomologationDecision) -> HomologationDecision:
        """A new decision (audited); earlier ones stay in the record."""
        return self._decisions._insert(decision.edit(id=None, version=0))

    def countdown(self, today: date) -> Countdown | None:
        """Days left before the decision in force expires, and the warning level; None
        when no decision was ever recorded or the one in force refused the homologation.
        Cheap enough for the Today screen: a workspace holds a handful of decisions."""
        decision = self.current_decision()
        return decision.countdown(today) if decision else None
