"""Security risks: the criterion a risk hits, its likelihood and severity, and its level.

Likelihood and severity are each rated 1 to 4 (1 unlikely / minor, 4 near certain /
critical). The level comes from their product, so both ratings weigh the same:

- 1–2: ``low``; 3–4: ``medium``; 6–9: ``high``; 12–16: ``critical``.

Drawn as the matrix shown on the risks screen (severity up, likelihood across)::

    severity 4 │ medium   high     critical critical
    severity 3 │ medium   high     high     critical
    severity 2 │ low      medium   high     high
    severity 1 │ low      low      medium   medium
               └─────────────────────────────────────
                 1        2        3        4   likelihood

A risk is "critical" only when one rating is at its maximum and the other at least 3; a
very severe but unlikely risk (4 × 1) stays "medium", as does a likely but minor one.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Iterable
from enum import StrEnum

from pydantic import Field, field_validator

from prodtui.domain.base import CleanLine, CleanText, Record
from prodtui.domain.items import MAX_TEXT

SCALE: tuple[int, ...] = (1, 2, 3, 4)
MAX_TITLE = 200
MAX_OWNER = 120


class Criterion(StrEnum):
    """The security criterion (DICT) a risk threatens."""

    AVAILABILITY = "availability"
    INTEGRITY = "integrity"
    CONFIDENTIALITY = "confidentiality"
    TRACEABILITY = "traceability"

    @property
    def label_key(self) -> str:
        return f"risks.criterion.{self.value}"


class RiskLevel(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def label_key(self) -> str:
        return f"risks.level.{self.value}"

    @property
    def rank(self) -> int:
        """0 for low up to 3 for critical: the order in which risks are listed (reversed)."""
        return LEVELS.index(self)


LEVELS: tuple[RiskLevel, ...] = tuple(RiskLevel)


def risk_level(likelihood: int, severity: int) -> RiskLevel:
    """The level of a risk rated `likelihood` × `severity` (each 1–4), as in the matrix
    of the module docstring."""
    if likelihood not in SCALE or severity not in SCALE:
        raise ValueError("likelihood and severity are rated from 1 to 4")
    product = likelihood * severity
    if product <= 2:
        return RiskLevel.LOW
    if product <= 4:
        return RiskLevel.MEDIUM
    if product <= 9:
        return RiskLevel.HIGH
    return RiskLevel.CRITICAL


class Risk(Record):
    title: CleanLine = Field(min_length=1, max_length=MAX_TITLE)
    criterion: Criterion
    likelihood: int = Field(ge=1, le=4)
    severity: int = Field(ge=1, le=4)
    treatment: CleanText = Field("", max_length=MAX_TEXT)
    owner: CleanLine | None = Field(None, max_length=MAX_OWNER)

    @field_validator("title", mode="before")
    @classmethod
    def _title_on_one_line(cls, value: object) -> object:
        # Before the length check, so a title of spaces is refused as empty.
        return " ".join(value.split()) if isinstance(value, str) else value

    @field_validator("owner", mode="before")
    @classmethod
    def _blank_owner_is_none(cls, value: object) -> object:
        if isinstance(value, str):
            return value.strip() or None
        return value

    @property
    def level(self) -> RiskLevel:
        return risk_level(self.likelihood, self.severity)

    @property
    def weight(self) -> int:
        """likelihood × severity: orders risks of the same level."""
        return self.likelihood * self.severity


def matrix_counts(risks: Iterable[Risk]) -> Counter[tuple[int, int]]:
    """How many risks sit in each cell, keyed (likelihood, severity)."""
    return Counter((risk.likelihood, risk.severity) for risk in risks)
