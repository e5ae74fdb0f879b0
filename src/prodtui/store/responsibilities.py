"""The RACI table: activities in the user's order, one letter per party, audited."""

from __future__ import annotations

from prodtui.domain.responsibilities import Party, RaciRole, Responsibility
from prodtui.store.base import OrderedRepository


class ResponsibilityRepository(OrderedRepository[Responsibility]):
    table = "responsibilities"
    model = Responsibility

    def all(self) -> list[Responsibility]:
        """Every activity in the table's order (a RACI table holds tens of rows)."""
        return self.ordered()

    def count(self) -> int:
        return int(self.ws.conn.execute("SELECT count(*) FROM responsibilities").fetchone()[0])

    def add(self, responsibility: Responsibility) -> Responsibility:
        """A new activity at the bottom of the table."""
        return self._append(responsibility)

    def save(self, responsibility: Responsibility) -> Responsibility:
        """Save an edited row if nobody saved it since it was read (else ConflictError)."""
        return self._update(responsibility)

    def set_role(
        self, responsibility: Responsibility, party: Party, role: RaciRole | None
    ) -> Responsibility:
        """One cell; a second A on the row raises OneAccountableOnly, and nothing is
        written."""
        return self._update(responsibility.with_role(party, role))

    def delete(self, responsibility_id: int, version: int | None = None) -> Responsibility:
        """Delete a row; with the version the user saw, refused (ConflictError) when
        another session changed it since."""
        return self._delete(responsibility_id, version)

    def move(self, responsibility: Responsibility, offset: int) -> list[Responsibility]:
        """Move a row up (-1) or down (+1), renumbering the positions (each audited)."""
        return self._move(responsibility, offset)
