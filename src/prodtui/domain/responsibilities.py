"""Responsibilities: a small RACI table of who does what between the parties of a
public digital service.

Each row is an activity ("Décider de la feuille de route", "Signer l'homologation"…)
with one letter, or none, per party:

- R (responsible): does the work;
- A (accountable): decides and answers for it — at most one party per activity;
- C (consulted): asked before;
- I (informed): told after.

The parties are fixed columns for DNUM, the business side (métier) and the security
officer (RSSI) — the three every service has — plus one *other* party named on each row
(the DPO for GDPR questions, the hosting provider, the homologation authority…). Four
one-letter columns and a short name keep the table readable in 80 columns, where a
column per possible party would not fit, and a free name per row covers the rest.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Self

from pydantic import Field, field_validator, model_validator

from prodtui.domain.base import CleanText, Record
from prodtui.domain.errors import ProdtuiError

MAX_ACTIVITY = 200
MAX_PARTY = 40


class RaciRole(StrEnum):
    R = "R"
    A = "A"
    C = "C"
    I = "I"  # noqa: E741 - the letter is the name

    @property
    def label_key(self) -> str:
        return f"raci.role.{self.value}"


ROLE_CYCLE: tuple[RaciRole | None, ...] = (None, RaciRole.R, RaciRole.A, RaciRole.C, RaciRole.I)
"""The one-key cycle of a cell: empty → R → A → C → I → empty."""


class Party(StrEnum):
    """The columns; values are the column names in the workspace."""

    DNUM = "dnum"
    METIER = "metier"
    RSSI = "rssi"
    OTHER = "other"

    @property
    def label_key(self) -> str:
        return f"raci.party.{self.value}"


PARTIES: tuple[Party, ...] = tuple(Party)


class OneAccountableOnly(ProdtuiError):
    """Two parties would be accountable (A) for the same activity."""

    def __init__(self, activity: str) -> None:
        super().__init__("raci.one_accountable", activity=activity)


class OtherPartyUnnamed(ProdtuiError):
    """A letter for the other party of a row that does not name it."""

    def __init__(self, activity: str) -> None:
        super().__init__("raci.other_unnamed", activity=activity)


class Responsibility(Record):
    activity: CleanText = Field(min_length=1, max_length=MAX_ACTIVITY)
    position: int = 0
    dnum: RaciRole | None = None
    metier: RaciRole | None = None
    rssi: RaciRole | None = None
    other: RaciRole | None = None
    other_party: CleanText = Field(default="", max_length=MAX_PARTY)

    @field_validator("activity", "other_party")
    @classmethod
    def _one_line(cls, value: str) -> str:
        return " ".join(value.split())

    @field_validator("activity")
    @classmethod
    def _not_blank(cls, value: str) -> str:
        if not value:
            raise ValueError("an activity needs a name")
        return value

    @model_validator(mode="after")
    def _rules(self) -> Self:
        # ProdtuiErrors are not ValueErrors: pydantic lets them through, and the user
        # reads the rule itself rather than a validation report.
        if self.other is not None and not self.other_party:
            raise OtherPartyUnnamed(self.activity)
        if sum(self.role(party) is RaciRole.A for party in PARTIES) > 1:
            raise OneAccountableOnly(self.activity)
        return self

    def role(self, party: Party) -> RaciRole | None:
        value: RaciRole | None = getattr(self, party.value)
        return value

    def with_role(self, party: Party, role: RaciRole | None) -> Self:
        """A copy with `party` set to `role`; OneAccountableOnly if another party is A."""
        return self.edit(**{party.value: role})

    def accountable(self) -> Party | None:
        return next((p for p in PARTIES if self.role(p) is RaciRole.A), None)


def next_role(role: RaciRole | None) -> RaciRole | None:
    return ROLE_CYCLE[(ROLE_CYCLE.index(role) + 1) % len(ROLE_CYCLE)]
