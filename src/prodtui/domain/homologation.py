"""The homologation decision and its expiry countdown.

A decision (authority, opinion, date, validity of 6, 12, 24 or 36 months) gives the
expiry date, the last day the homologation is valid: the day before the decision date
plus the validity, so that a validity of one year lasts exactly one year (decided on
2 January 2026 for 12 months: valid until 1 January 2027 included). The date plus the
validity falls on the same day of the month, or on the month's last day when that day
does not exist (31 August + 6 months → 28 February, so valid until 27 February).

An unfavourable opinion grants nothing: the service is not homologated, the decision has
no expiry and no countdown (`HomologationDecision.granted`), whatever validity was typed.
Renewing takes months, so the countdown of a granted homologation warns early:

- more than 180 days left: ``ok``;
- 180 days or less: ``plan`` (start preparing the renewal);
- 90 days or less: ``soon``;
- 30 days or less: ``urgent``;
- the expiry day itself counts as the last valid day (0 days left, ``urgent``); the day
  after, the homologation has ``expired``.

The current decision is the one decided last (the latest ``decided_on``; on the same day,
the one recorded last). The steps of the homologation come from
``sample_data/homologation_steps.toml`` and are the workspace's own once loaded: their
title, status (todo → in progress → done → todo with one key), date and notes are edited
freely.
"""

from __future__ import annotations

import calendar
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator

from prodtui.domain.base import CleanLine, CleanText, Record
from prodtui.domain.items import MAX_TEXT

VALIDITY_MONTHS: tuple[int, ...] = (6, 12, 24, 36)

PLAN_DAYS = 180
SOON_DAYS = 90
URGENT_DAYS = 30


def add_months(day: date, months: int) -> date:
    """`day` plus `months` calendar months, clamped to the end of the target month."""
    index = day.month - 1 + months
    year, month = day.year + index // 12, index % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


def expiry_date(decided_on: date, validity_months: int) -> date:
    """The last day the homologation is valid: the day before `decided_on` plus the
    validity (a year decided on 2 January ends on 1 January, included)."""
    if validity_months not in VALIDITY_MONTHS:
        raise ValueError(f"validity must be one of {VALIDITY_MONTHS} months")
    return add_months(decided_on, validity_months) - timedelta(days=1)


class ExpiryLevel(StrEnum):
    OK = "ok"
    PLAN = "plan"
    SOON = "soon"
    URGENT = "urgent"
    EXPIRED = "expired"

    @property
    def label_key(self) -> str:
        return f"homologation.expiry.{self.value}"

    @property
    def countdown_key(self) -> str:
        """The tracker's sentence at this level: `homologation.countdown.<value>`."""
        return f"homologation.countdown.{self.value}"

    @property
    def today_key(self) -> str:
        """The Today tile's line at this level: `today.expiry.<value>`."""
        return f"today.expiry.{self.value}"


@dataclass(frozen=True, slots=True)
class Countdown:
    expires_on: date
    days_left: int
    """Days from today to the expiry date; negative once expired."""
    level: ExpiryLevel


def countdown(expires_on: date, today: date) -> Countdown:
    days = (expires_on - today).days
    if days < 0:
        level = ExpiryLevel.EXPIRED
    elif days <= URGENT_DAYS:
        level = ExpiryLevel.URGENT
    elif days <= SOON_DAYS:
        level = ExpiryLevel.SOON
    elif days <= PLAN_DAYS:
        level = ExpiryLevel.PLAN
    else:
        level = ExpiryLevel.OK
    return Countdown(expires_on, days, level)


# --- Steps and decisions -----------------------------------------------------------------

MAX_TITLE = 200
MAX_NAME = 120

Validity = Literal[6, 12, 24, 36]
Day = date  # the step's field is named `date`, which hides the type inside the class


class StepStatus(StrEnum):
    TODO = "todo"
    IN_PROGRESS = "in_progress"
    DONE = "done"

    @property
    def label_key(self) -> str:
        return f"homologation.step_status.{self.value}"

    def next(self) -> StepStatus:
        """todo → in_progress → done → todo."""
        order = tuple(StepStatus)
        return order[(order.index(self) + 1) % len(order)]


class Opinion(StrEnum):
    FAVOURABLE = "favourable"
    RESERVATIONS = "reservations"
    UNFAVOURABLE = "unfavourable"

    @property
    def label_key(self) -> str:
        return f"homologation.opinion.{self.value}"


def _one_line(value: object) -> object:
    return " ".join(value.split()) if isinstance(value, str) else value


class HomologationStep(Record):
    position: int = Field(ge=0)
    key: str | None = None
    """The step's key in the shipped referential (`strategie`, `audit`…); None for a step
    of the team's own."""
    title: CleanLine = Field(min_length=1, max_length=MAX_TITLE)
    status: StepStatus = StepStatus.TODO
    date: Day | None = None
    notes: CleanText = Field("", max_length=MAX_TEXT)

    _title_on_one_line = field_validator("title", mode="before")(_one_line)


class HomologationDecision(Record):
    """The approving authority's decision. A granted one (favourable, with or without
    reservations) is valid until `expires_on`, included; an unfavourable one grants
    nothing, so it has neither expiry nor countdown."""

    authority_name: CleanText = Field(min_length=1, max_length=MAX_NAME)
    authority_role: CleanText = Field("", max_length=MAX_TITLE)
    opinion: Opinion
    decided_on: date
    validity_months: Validity

    _names_on_one_line = field_validator("authority_name", "authority_role", mode="before")(
        _one_line
    )

    @property
    def granted(self) -> bool:
        """Whether the service is homologated by this decision."""
        return self.opinion is not Opinion.UNFAVOURABLE

    @property
    def expires_on(self) -> date | None:
        """The last valid day; None when the homologation was refused."""
        return expiry_date(self.decided_on, self.validity_months) if self.granted else None

    def countdown(self, today: date) -> Countdown | None:
        """Days left and warning level; None when the homologation was refused."""
        expires = self.expires_on
        return countdown(expires, today) if expires is not None else None


def current_decision(decisions: Iterable[HomologationDecision]) -> HomologationDecision | None:
    """The decision in force: the latest `decided_on`, then the last recorded that day."""
    return max(decisions, key=lambda d: (d.decided_on, d.id or 0), default=None)
