"""The risks of the service: listed gravest first, created, edited and deleted with audit."""

from __future__ import annotations

from prodtui.domain.risks import Risk
from prodtui.store.base import Repository


class RiskRepository(Repository[Risk]):
    table = "risks"
    model = Risk

    def list(self) -> list[Risk]:
        """Every risk, gravest first: the level follows likelihood × severity, so ordering
        by that product orders by level; then the more severe, then the oldest."""
        rows = self.ws.rows(
            "SELECT * FROM risks ORDER BY likelihood * severity DESC, severity DESC, id"
        )
        return [Risk.model_validate(row) for row in rows]

    def count(self) -> int:
        return int(self.ws.conn.execute("SELECT count(*) FROM risks").fetchone()[0])

    def create(self, risk: Risk) -> Risk:
        return self._insert(risk.edit(id=None, version=0))

    def save(self, risk: Risk) -> Risk:
        """Save an edited risk if nobody saved it since it was read (else ConflictError)."""
        return self._update(risk)

    def delete(self, risk_id: int, version: int | None = None) -> Risk:
        """Delete a risk; with the version the user saw, refused (ConflictError) when
        another session saved it since."""
        return self._delete(risk_id, version)
