"""The homologation decision and its expiry countdown.

A decision (authority, opinion, date, validity of 6, 12, 24 or 36 months) gives the
expiry date: the decision date plus the validity, on the same day of the month, or the
month's last day when that day does not exist (31 August + 6 months → 28 February).
Renewing takes months, so the countdown warns early:

- more than 180 days left: ``ok``;
- 180 days or less: ``plan`` (start preparing the renewal);
- 90 days or less: ``soon``;
- 30 days or less: ``urgent``;
- the expiry day itself counts as the last valid day (0 days left, ``urgent``); the day
  after, the homologation has ``expired``.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

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
    """The last day the homologation is valid."""
    if validity_months not in VALIDITY_MONTHS:
        raise ValueError(f"validity must be one of {VALIDITY_MONTHS} months")
    return add_months(decided_on, validity_months)


class ExpiryLevel(StrEnum):
    OK = "ok"
    PLAN = "plan"
    SOON = "soon"
    URGENT = "urgent"
    EXPIRED = "expired"

    @property
    def label_key(self) -> str:
        return f"homologation.expiry.{self.value}"


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
