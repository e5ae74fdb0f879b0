"""The roadmap: one time line of epics, sprints, recette campaigns, the homologation, the
security measures and the team's own milestones, and the warnings read from it.

Pure: the workspace hands plain data in (`RoadmapData`), with today's date; the lanes and
the warnings come out. Nothing here reads a file or a clock.

The time line is cut by month (or by quarter when zoomed out). By default it shows the
past 3 months, the current one and the next 12: 16 months from the first day of the
month three months before today's.

The warnings, each naming the record to fix (`Target`):

- ``release_after_expiry``: an epic's target date or a milestone, from today on, falls
  after the last valid day of the homologation in force (as the tracker defines it:
  `HomologationDecision.expires_on`, the expiry day itself still valid);
- ``renewal_not_planned``: the homologation is in its renewal window (180 days or less
  left, or expired: the tracker's countdown past ``ok``) and no homologation step is dated
  after the decision, the renewal is planned on no date;
- ``measure_after_release``: an indispensable measure neither done nor set aside as not
  applicable is due after the next planned mise en production (the first ``release``
  milestone from today on);
- ``measures_unplanned``: the roadmap's blind spots, indispensable measures neither done
  nor set aside and planned in no story, as one warning;
- ``sprint_over_capacity``: a sprint not yet ended holds more points (its stories not
  abandoned) than its capacity (a capacity of 0 is "not given": no warning);
- ``campaign_after_release``: an open campaign (planned or in progress) ends after the
  mise en production it validates, the ``release`` milestone whose name holds the
  campaign's release (« 1.5.0 » validates « Mise en production 1.5.0 »).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, timedelta
from enum import StrEnum

from pydantic import Field, field_validator

from prodtui.domain.base import CleanLine, Record
from prodtui.domain.homologation import (
    PLAN_DAYS,
    ExpiryLevel,
    HomologationDecision,
    HomologationStep,
    add_months,
    current_decision,
)

PAST_MONTHS = 3
FUTURE_MONTHS = 12
DEFAULT_MONTHS = PAST_MONTHS + 1 + FUTURE_MONTHS
"""The months shown by default: the past 3, the current one and the next 12."""
MAX_NAME = 200
MAX_MONTHS = 120

# --- Milestones ---------------------------------------------------------------------------


class MilestoneKind(StrEnum):
    RELEASE = "release"
    """A mise en production."""
    COMMITTEE = "committee"
    DEMO = "demo"
    OTHER = "other"

    @property
    def label_key(self) -> str:
        return f"roadmap.kind.{self.value}"


class Milestone(Record):
    """A date of the team's own: a mise en production, a comité, a démo…"""

    name: CleanLine = Field(min_length=1, max_length=MAX_NAME)
    day: date
    kind: MilestoneKind = MilestoneKind.OTHER

    @field_validator("name", mode="before")
    @classmethod
    def _name_on_one_line(cls, value: object) -> object:
        # Before the length check, so a name of spaces is refused as empty.
        return " ".join(value.split()) if isinstance(value, str) else value


# --- The time line ------------------------------------------------------------------------


class Zoom(StrEnum):
    MONTH = "month"
    QUARTER = "quarter"


def month_start(day: date) -> date:
    return day.replace(day=1)


def quarter_start(day: date) -> date:
    return date(day.year, 3 * ((day.month - 1) // 3) + 1, 1)


@dataclass(frozen=True, slots=True)
class Period:
    """One column of the time line: a month or a quarter, both days included."""

    start: date
    end: date

    def contains(self, day: date) -> bool:
        return self.start <= day <= self.end

    @property
    def quarter(self) -> int:
        return (self.start.month - 1) // 3 + 1


@dataclass(frozen=True, slots=True)
class Window:
    """The months shown: from the first day of `first`'s month, `months` months long."""

    first: date
    months: int = DEFAULT_MONTHS

    def __post_init__(self) -> None:
        if self.first.day != 1:
            raise ValueError("a window starts on the first day of a month")
        if not 1 <= self.months <= MAX_MONTHS:
            raise ValueError(f"a window is 1 to {MAX_MONTHS} months long")

    @property
    def start(self) -> date:
        return self.first

    @property
    def end(self) -> date:
        """The last day shown, included."""
        return add_months(self.first, self.months) - timedelta(days=1)

    def periods(self, zoom: Zoom = Zoom.MONTH) -> list[Period]:
        """The columns: each month, or each quarter touching the window."""
        if zoom is Zoom.MONTH:
            starts = [add_months(self.first, i) for i in range(self.months)]
            return [Period(s, add_months(s, 1) - timedelta(days=1)) for s in starts]
        periods, start = [], quarter_start(self.first)
        while start <= self.end:
            following = add_months(start, 3)
            periods.append(Period(start, following - timedelta(days=1)))
            start = following
        return periods

    def shifted(self, months: int) -> Window:
        return Window(add_months(self.first, months), self.months)

    def overlaps(self, start: date, end: date) -> bool:
        return start <= self.end and end >= self.start


def default_window(today: date, months: int | None = None) -> Window:
    """The past 3 months, the current one and the next 12."""
    first = add_months(month_start(today), -PAST_MONTHS)
    return Window(first, months or DEFAULT_MONTHS)


# --- What the workspace hands in ----------------------------------------------------------


@dataclass(frozen=True, slots=True)
class EpicPlan:
    id: int
    title: str
    start: date | None
    """The first day of its first sprint (None: none of its stories is in a sprint)."""
    end: date | None
    """The last day of its last sprint."""
    target: date | None
    points_done: int
    points_planned: int


@dataclass(frozen=True, slots=True)
class SprintPlan:
    id: int
    name: str
    start: date
    end: date
    capacity: int
    committed: int
    """Points of its stories, abandoned ones aside."""


@dataclass(frozen=True, slots=True)
class CampaignPlan:
    id: int
    name: str
    release: str
    start: date | None
    end: date | None
    state: str
    """A `CampaignState` value: planned, in_progress, finished, archived."""

    @property
    def open(self) -> bool:
        return self.state in ("planned", "in_progress")


@dataclass(frozen=True, slots=True)
class MeasurePlan:
    id: int
    code: str
    title: str
    indispensable: bool
    status: str
    """A `MeasureStatus` value."""
    due: date | None
    story_id: int | None

    @property
    def closed(self) -> bool:
        return self.status in ("done", "not_applicable")


@dataclass(slots=True)
class RoadmapData:
    epics: list[EpicPlan] = field(default_factory=list)
    sprints: list[SprintPlan] = field(default_factory=list)
    campaigns: list[CampaignPlan] = field(default_factory=list)
    measures: list[MeasurePlan] = field(default_factory=list)
    milestones: list[Milestone] = field(default_factory=list)
    decisions: list[HomologationDecision] = field(default_factory=list)
    steps: list[HomologationStep] = field(default_factory=list)

    @property
    def decision(self) -> HomologationDecision | None:
        return current_decision(self.decisions)


# --- Lanes --------------------------------------------------------------------------------


class Lane(StrEnum):
    EPICS = "epics"
    SPRINTS = "sprints"
    CAMPAIGNS = "campaigns"
    HOMOLOGATION = "homologation"
    SECURITY = "security"
    MILESTONES = "milestones"

    @property
    def label_key(self) -> str:
        return f"roadmap.lane.{self.value}"


LANES: tuple[Lane, ...] = tuple(Lane)


class TargetKind(StrEnum):
    """Where an item of the roadmap, or a warning, is opened."""

    EPIC = "epic"
    SPRINT = "sprint"
    CAMPAIGN = "campaign"
    MEASURE = "measure"
    MEASURES = "measures"
    """The security checklist, on the first of several measures."""
    HOMOLOGATION = "homologation"
    MILESTONE = "milestone"


@dataclass(frozen=True, slots=True)
class Target:
    kind: TargetKind
    id: int | None = None
    code: str = ""
    """A measure's code (the security screen finds a measure by it)."""


class RowKind(StrEnum):
    """What a row of a lane shows; fixed rows have a label in the catalogue."""

    EPIC = "epic"
    SPRINT = "sprint"
    CAMPAIGN = "campaign"
    VALIDITY = "validity"
    RENEWAL_WINDOW = "renewal_window"
    EXPIRY = "expiry"
    STEP = "step"
    MEASURE = "measure"
    BLIND_SPOTS = "blind_spots"
    MILESTONE = "milestone"


@dataclass(frozen=True, slots=True)
class Row:
    """One row of a lane: a bar from `start` to `end` (one day for a date)."""

    lane: Lane
    kind: RowKind
    title: str
    """The record's own text (a name, a title, a measure's code and title); "" for a fixed
    row, named by its kind."""
    start: date | None
    end: date | None
    target: Target
    state: str = ""
    """The record's state where it has one (a campaign's, a step's, a measure's status,
    a milestone's kind)."""
    progress: tuple[int, int] | None = None
    """Points done and planned (epics)."""
    mark: date | None = None
    """A date marked on the bar: an epic's target date."""
    count: int = 0
    """How many records the row stands for (the blind spots)."""

    @property
    def point(self) -> bool:
        """A date rather than a span."""
        return self.start is not None and self.start == self.end and self.kind in POINT_KINDS

    def dates(self) -> list[date]:
        return [d for d in (self.start, self.end, self.mark) if d is not None]


POINT_KINDS = frozenset({RowKind.EXPIRY, RowKind.STEP, RowKind.MEASURE, RowKind.MILESTONE})


def _shown(window: Window, start: date | None, end: date | None, *more: date | None) -> bool:
    spans = [(start, end or start)] + [(d, d) for d in more]
    return any(s is not None and e is not None and window.overlaps(s, e) for s, e in spans)


def blind_spots(measures: list[MeasurePlan]) -> list[MeasurePlan]:
    """Indispensable measures neither done nor set aside, planned in no story."""
    return [m for m in measures if m.indispensable and not m.closed and m.story_id is None]


def lanes(data: RoadmapData, window: Window) -> dict[Lane, list[Row]]:
    """Every lane's rows touching `window`, in date order (blind spots: one row, always)."""
    rows: dict[Lane, list[Row]] = {lane: [] for lane in LANES}
    for epic in data.epics:
        if _shown(window, epic.start, epic.end, epic.target):
            start = epic.start or epic.target
            end = epic.end or epic.target
            rows[Lane.EPICS].append(
                Row(
                    Lane.EPICS,
                    RowKind.EPIC,
                    epic.title,
                    start,
                    max(d for d in (end, epic.target) if d is not None) if end else None,
                    Target(TargetKind.EPIC, epic.id),
                    progress=(epic.points_done, epic.points_planned),
                    mark=epic.target,
                )
            )
    for sprint in data.sprints:
        if window.overlaps(sprint.start, sprint.end):
            rows[Lane.SPRINTS].append(
                Row(
                    Lane.SPRINTS,
                    RowKind.SPRINT,
                    sprint.name,
                    sprint.start,
                    sprint.end,
                    Target(TargetKind.SPRINT, sprint.id),
                    progress=(sprint.committed, sprint.capacity),
                )
            )
    for campaign in data.campaigns:
        start = campaign.start or campaign.end
        if _shown(window, start, campaign.end or start):
            rows[Lane.CAMPAIGNS].append(
                Row(
                    Lane.CAMPAIGNS,
                    RowKind.CAMPAIGN,
                    campaign.name,
                    start,
                    campaign.end or start,
                    Target(TargetKind.CAMPAIGN, campaign.id),
                    state=campaign.state,
                )
            )
    rows[Lane.HOMOLOGATION] = _homologation_rows(data, window)
    for measure in data.measures:
        if measure.due is not None and window.overlaps(measure.due, measure.due):
            rows[Lane.SECURITY].append(
                Row(
                    Lane.SECURITY,
                    RowKind.MEASURE,
                    f"{measure.code} {measure.title}",
                    measure.due,
                    measure.due,
                    Target(TargetKind.MEASURE, measure.id, measure.code),
                    state=measure.status,
                )
            )
    unplanned = blind_spots(data.measures)
    if unplanned:
        rows[Lane.SECURITY].append(
            Row(
                Lane.SECURITY,
                RowKind.BLIND_SPOTS,
                "",
                None,
                None,
                Target(TargetKind.MEASURES, unplanned[0].id, unplanned[0].code),
                count=len(unplanned),
            )
        )
    for milestone in data.milestones:
        if window.overlaps(milestone.day, milestone.day):
            rows[Lane.MILESTONES].append(
                Row(
                    Lane.MILESTONES,
                    RowKind.MILESTONE,
                    milestone.name,
                    milestone.day,
                    milestone.day,
                    Target(TargetKind.MILESTONE, milestone.id),
                    state=milestone.kind.value,
                )
            )
    for lane in LANES:
        rows[lane].sort(key=lambda row: (row.start is None, row.start or date.max, row.title))
    return rows


def _homologation_rows(data: RoadmapData, window: Window) -> list[Row]:
    decision = data.decision
    target = Target(TargetKind.HOMOLOGATION)
    rows: list[Row] = []
    expires = decision.expires_on if decision is not None else None
    if decision is not None and expires is not None:
        opens = renewal_opens(expires)
        if window.overlaps(decision.decided_on, expires):
            rows.append(
                Row(Lane.HOMOLOGATION, RowKind.VALIDITY, "", decision.decided_on, expires, target)
            )
        if window.overlaps(opens, expires):
            rows.append(Row(Lane.HOMOLOGATION, RowKind.RENEWAL_WINDOW, "", opens, expires, target))
        if window.overlaps(expires, expires):
            rows.append(Row(Lane.HOMOLOGATION, RowKind.EXPIRY, "", expires, expires, target))
    for step in data.steps:
        if step.date is not None and window.overlaps(step.date, step.date):
            rows.append(
                Row(
                    Lane.HOMOLOGATION,
                    RowKind.STEP,
                    step.title,
                    step.date,
                    step.date,
                    Target(TargetKind.HOMOLOGATION, step.id),
                    state=step.status.value,
                )
            )
    return rows


def renewal_opens(expires_on: date) -> date:
    """The first day of the renewal window: the tracker's ``plan`` level starts when 180
    days or less are left."""
    return expires_on - timedelta(days=PLAN_DAYS)


# --- Warnings -----------------------------------------------------------------------------


class WarningKind(StrEnum):
    RELEASE_AFTER_EXPIRY = "release_after_expiry"
    RENEWAL_NOT_PLANNED = "renewal_not_planned"
    MEASURE_AFTER_RELEASE = "measure_after_release"
    MEASURES_UNPLANNED = "measures_unplanned"
    SPRINT_OVER_CAPACITY = "sprint_over_capacity"
    CAMPAIGN_AFTER_RELEASE = "campaign_after_release"


@dataclass(frozen=True, slots=True)
class RoadmapWarning:
    """A constraint the roadmap breaks: why (its kind and the facts), and what to open."""

    kind: WarningKind
    target: Target
    subject: str
    """The record at fault, as the user named it (an epic's title, a measure's code…)."""
    day: date | None = None
    """The date at fault (the release, the due date, the end of the campaign)."""
    other: str = ""
    """The record it collides with (the mise en production), when there is one."""
    other_day: date | None = None
    """Its date (the expiry, the release)."""
    count: int = 0
    """Points committed (sprints), measures (blind spots)."""
    limit: int = 0
    """The sprint's capacity."""


def next_release(milestones: list[Milestone], today: date) -> Milestone | None:
    """The first mise en production from today on."""
    upcoming = [m for m in milestones if m.kind is MilestoneKind.RELEASE and m.day >= today]
    return min(upcoming, key=lambda m: (m.day, m.id or 0), default=None)


def validated_release(campaign: CampaignPlan, milestones: list[Milestone]) -> Milestone | None:
    """The mise en production a campaign validates: the first release milestone whose name
    holds the campaign's release, accents and case as typed aside from case."""
    release = campaign.release.strip().casefold()
    if not release:
        return None
    matching = [
        m for m in milestones if m.kind is MilestoneKind.RELEASE and release in m.name.casefold()
    ]
    return min(matching, key=lambda m: (m.day, m.id or 0), default=None)


def roadmap_warnings(data: RoadmapData, today: date) -> list[RoadmapWarning]:
    """Every warning, most urgent first (by the date at fault; undated ones last)."""
    found: list[RoadmapWarning] = []
    decision = data.decision
    expires = decision.expires_on if decision is not None else None
    if decision is not None and expires is not None:
        for epic in data.epics:
            if epic.target is not None and epic.target >= today and epic.target > expires:
                found.append(
                    RoadmapWarning(
                        WarningKind.RELEASE_AFTER_EXPIRY,
                        Target(TargetKind.EPIC, epic.id),
                        epic.title,
                        epic.target,
                        other_day=expires,
                    )
                )
        for milestone in data.milestones:
            if milestone.day >= today and milestone.day > expires:
                found.append(
                    RoadmapWarning(
                        WarningKind.RELEASE_AFTER_EXPIRY,
                        Target(TargetKind.MILESTONE, milestone.id),
                        milestone.name,
                        milestone.day,
                        other_day=expires,
                    )
                )
        level = decision.countdown(today)
        renewal_dated = any(
            step.date is not None and step.date > decision.decided_on for step in data.steps
        )
        if level is not None and level.level is not ExpiryLevel.OK and not renewal_dated:
            found.append(
                RoadmapWarning(
                    WarningKind.RENEWAL_NOT_PLANNED,
                    Target(TargetKind.HOMOLOGATION),
                    "",
                    expires,
                    count=level.days_left,
                )
            )
    release = next_release(data.milestones, today)
    for measure in data.measures:
        if not measure.indispensable or measure.closed or measure.due is None:
            continue
        if release is not None and measure.due > release.day:
            found.append(
                RoadmapWarning(
                    WarningKind.MEASURE_AFTER_RELEASE,
                    Target(TargetKind.MEASURE, measure.id, measure.code),
                    measure.code,
                    measure.due,
                    other=release.name,
                    other_day=release.day,
                )
            )
    unplanned = blind_spots(data.measures)
    if unplanned:
        found.append(
            RoadmapWarning(
                WarningKind.MEASURES_UNPLANNED,
                Target(TargetKind.MEASURES, unplanned[0].id, unplanned[0].code),
                ", ".join(m.code for m in unplanned),
                count=len(unplanned),
            )
        )
    for sprint in data.sprints:
        if sprint.end >= today and 0 < sprint.capacity < sprint.committed:
            found.append(
                RoadmapWarning(
                    WarningKind.SPRINT_OVER_CAPACITY,
                    Target(TargetKind.SPRINT, sprint.id),
                    sprint.name,
                    sprint.start,
                    count=sprint.committed,
                    limit=sprint.capacity,
                )
            )
    for campaign in data.campaigns:
        if not campaign.open or campaign.end is None:
            continue
        validated = validated_release(campaign, data.milestones)
        if validated is not None and campaign.end > validated.day:
            found.append(
                RoadmapWarning(
                    WarningKind.CAMPAIGN_AFTER_RELEASE,
                    Target(TargetKind.CAMPAIGN, campaign.id),
                    campaign.name,
                    campaign.end,
                    other=validated.name,
                    other_day=validated.day,
                )
            )
    found.sort(key=lambda w: (w.day is None, w.day or date.max, w.kind.value, w.subject))
    return found


def parse_month(text: str) -> date | None:
    """The first day of a month written `YYYY-MM` (`2027-01`); None when it is not one."""
    parts = text.strip().split("-")
    if len(parts) != 2 or not all(p.isdigit() for p in parts) or len(parts[0]) != 4:
        return None
    year, month = int(parts[0]), int(parts[1])
    return date(year, month, 1) if 1 <= month <= 12 and year >= 1 else None
