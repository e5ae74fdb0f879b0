"""The RACI table: activities in the user's order, one letter per party, audited."""

from __future__ import annotations

from prodtui.domain.errors import NotFoundError
from prodtui.domain.responsibilities import Party, RaciRole, Responsibility
from prodtui.store.base import Repository


class ResponsibilityRepository(Repository[Responsibility]):
    table = "responsibilities"
    model = Responsibility

    def all(self) -> list[Responsibility]:
        """Every activity in the table's order (a RACI table holds tens of rows)."""
        rows = self.ws.rows("SELECT * FROM responsibilities ORDER BY position, id")
        return [Responsibility.model_validate(row) for row in rows]

    def count(self) -> int:
        return int(self.ws.conn.execute("SELECT count(*) FROM responsibilities").fetchone()[0])

    def add(self, responsibility: Responsibility) -> Responsibility:
        """A new activity at the bottom of the table."""
        with self.ws.transaction():
            last = self.ws.conn.execute(
                "SELECT coalesce(max(position), 0) FROM responsibilities"
            ).fetchone()[0]
            return self._insert(responsibility.edit(id=None, version=0, position=int(last) + 1))

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
        """Move a row up (-1) or down (+1); positions are renumbered 1, 2, 3… and each
        change is audited. Returns the new order."""
        with self.ws.transaction():
            rows = self.all()
            index = next((i for i, r in enumerate(rows) if r.id == responsibility.id), None)
            if index is None:
                raise NotFoundError(self.table, responsibility.id or 0)
            target = min(max(index + offset, 0), len(rows) - 1)
            rows.insert(target, rows.pop(index))
            for position, row in enumerate(rows, start=1):
                if row.position != position:
                    self._update(row.edit(position=position))
        return self.all()
