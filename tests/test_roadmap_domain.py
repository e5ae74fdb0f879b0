"""The roadmap's rules, pure: its window, its lanes and the warnings read from plain data
and a date (month ends, leap years, the homologation's validity as the tracker defines it)."""

from __future__ import annotations

from datetime import date, timedelta
from itertools import pairwise
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from prodtui.domain.homologation import (
    HomologationDecision,
    HomologationStep,
    Opinion,
    StepStatus,
    add_months,
)
from prodtui.domain.roadmap import (
    CampaignPlan,
    EpicPlan,
    Lane,
    MeasurePlan,
    Milestone,
    MilestoneKind,
    RoadmapData,
    RowKind,
    SprintPlan,
    TargetKind,
    WarningKind,
    Window,
    Zoom,
    default_window,
    lanes,
    parse_month,
    renewal_opens,
    roadmap_warnings,
)

TODAY = date(2026, 11, 27)
days = st.dates(min_value=date(2000, 1, 1), max_value=date(2090, 12, 31))


def decision(
    decided_on: date, months: int = 12, opinion: Opinion = Opinion.FAVOURABLE
) -> HomologationDecision:
    return HomologationDecision(
        id=1,
        authority_name="Nathalie Perrin",
        opinion=opinion,
        decided_on=decided_on,
        validity_months=months,
    )


def milestone(
    day: date, kind: MilestoneKind = MilestoneKind.RELEASE, name: str = "MEP 1.6.0"
) -> Milestone:
    return Milestone(id=1, name=name, day=day, kind=kind)


def measure(code: str = "PROT-03", **more: Any) -> MeasurePlan:
    fields: dict[str, Any] = {"indispensable": True, "status": "todo", "due": None, "story_id": 3}
    return MeasurePlan(1, code, "Authentifier fortement les agents", **(fields | more))


def kinds(data: RoadmapData, today: date = TODAY) -> list[WarningKind]:
    return [w.kind for w in roadmap_warnings(data, today)]


# --- the window ---------------------------------------------------------------------------


@given(days)
def test_the_default_window_holds_three_past_months_today_and_twelve_ahead(today: date) -> None:
    window = default_window(today)
    assert window.months == 16
    assert window.start == add_months(today.replace(day=1), -3)
    assert window.start <= today <= window.end
    periods = window.periods()
    assert len(periods) == 16
    assert periods[3].contains(today)
    # Periods follow each other day after day, month ends and 29 February included.
    for before, after in pairwise(periods):
        assert after.start == before.end + timedelta(days=1)
    assert periods[-1].end == window.end
    assert (window.end + timedelta(days=1)).day == 1


@given(days, st.integers(min_value=1, max_value=120))
def test_quarters_cover_the_window(first: date, months: int) -> None:
    window = Window(first.replace(day=1), months)
    quarters = window.periods(Zoom.QUARTER)
    assert quarters[0].start <= window.start and quarters[-1].end >= window.end
    assert all(q.start.month in (1, 4, 7, 10) and q.start.day == 1 for q in quarters)
    assert all(
        after.start == before.end + timedelta(days=1) for before, after in pairwise(quarters)
    )


def test_a_leap_february_is_a_month_of_29_days() -> None:
    february = Window(date(2028, 2, 1), 1).periods()[0]
    assert february.end == date(2028, 2, 29)
    assert Window(date(2027, 2, 1), 1).end == date(2027, 2, 28)


def test_a_window_starts_on_the_first_and_lasts_1_to_120_months() -> None:
    with pytest.raises(ValueError):
        Window(date(2027, 1, 2))
    with pytest.raises(ValueError):
        Window(date(2027, 1, 1), 0)
    with pytest.raises(ValueError):
        Window(date(2027, 1, 1), 121)
    assert Window(date(2027, 11, 1), 3).shifted(2).start == date(2028, 1, 1)


@pytest.mark.parametrize(
    "text, expected",
    [("2027-01", date(2027, 1, 1)), ("2027-12", date(2027, 12, 1)), (" 2027-3 ", date(2027, 3, 1))],
)
def test_a_month_is_written_yyyy_mm(text: str, expected: date) -> None:
    assert parse_month(text) == expected


@pytest.mark.parametrize("text", ["2027-13", "2027-00", "27-01", "janvier", "2027-01-15", ""])
def test_anything_else_is_not_a_month(text: str) -> None:
    assert parse_month(text) is None


# --- milestones ---------------------------------------------------------------------------


def test_a_milestone_needs_a_name_kept_on_one_line() -> None:
    with pytest.raises(ValidationError):
        Milestone(name="  \n ", day=TODAY)
    named = Milestone(name=" Comité \n de pilotage ", day=TODAY, kind="committee")
    assert named.name == "Comité de pilotage" and named.kind is MilestoneKind.COMMITTEE
    assert "\x1b" not in Milestone(name="MEP \x1b[31m", day=TODAY).name


# --- lanes --------------------------------------------------------------------------------


def test_lanes_keep_what_touches_the_window_in_date_order() -> None:
    window = default_window(TODAY)
    inside, before = date(2026, 12, 14), window.start - timedelta(days=1)
    data = RoadmapData(
        epics=[
            EpicPlan(1, "Dépôt", date(2026, 10, 5), date(2026, 11, 1), date(2027, 1, 15), 8, 13),
            EpicPlan(2, "Ancienne", date(2020, 1, 1), date(2020, 2, 1), None, 5, 5),
            EpicPlan(3, "Sans sprint", None, None, None, 0, 3),
        ],
        sprints=[SprintPlan(4, "Sprint 16", inside, inside + timedelta(days=13), 24, 30)],
        campaigns=[CampaignPlan(5, "Recette v1.6", "1.6.0", None, None, "planned")],
        measures=[
            measure(due=inside),
            measure("GOUV-09", due=before),
            measure("RES-02", due=None, story_id=None),
        ],
        milestones=[milestone(date(2027, 3, 1)), milestone(before, name="Passé")],
    )
    shown = lanes(data, window)
    assert [row.title for row in shown[Lane.EPICS]] == ["Dépôt"]
    epic = shown[Lane.EPICS][0]
    assert epic.progress == (8, 13) and epic.mark == date(2027, 1, 15)
    assert epic.end == date(2027, 1, 15)  # the bar reaches its target date
    assert shown[Lane.CAMPAIGNS] == []  # a campaign with no dates is on no time line
    security = shown[Lane.SECURITY]
    assert [row.kind for row in security] == [RowKind.MEASURE, RowKind.BLIND_SPOTS]
    assert security[1].count == 1 and security[1].target.code == "RES-02"
    assert [row.title for row in shown[Lane.MILESTONES]] == ["MEP 1.6.0"]


def test_the_homologation_lane_shows_validity_renewal_window_expiry_and_steps() -> None:
    data = RoadmapData(
        decisions=[decision(date(2026, 1, 9))],
        steps=[
            HomologationStep(id=7, position=1, title="Audit", date=date(2026, 12, 17)),
            HomologationStep(id=8, position=2, title="Sans date"),
        ],
    )
    rows = lanes(data, default_window(TODAY))[Lane.HOMOLOGATION]
    by_kind = {row.kind: row for row in rows}
    assert by_kind[RowKind.VALIDITY].end == date(2027, 1, 8)
    assert by_kind[RowKind.RENEWAL_WINDOW].start == date(2027, 1, 8) - timedelta(days=180)
    assert by_kind[RowKind.EXPIRY].start == date(2027, 1, 8)
    assert by_kind[RowKind.STEP].title == "Audit"
    assert len(rows) == 4
    # A refused homologation has no validity to draw.
    refused = RoadmapData(decisions=[decision(date(2026, 1, 9), opinion=Opinion.UNFAVOURABLE)])
    assert lanes(refused, default_window(TODAY))[Lane.HOMOLOGATION] == []


# --- warnings -----------------------------------------------------------------------------


@given(decided=days, months=st.sampled_from([6, 12, 24, 36]), offset=st.integers(-3, 3))
def test_a_milestone_after_the_last_valid_day_is_a_warning(
    decided: date, months: int, offset: int
) -> None:
    granted = decision(decided, months)
    expires = granted.expires_on
    assert expires is not None
    day = expires + timedelta(days=offset)
    today = min(day, decided)
    data = RoadmapData(decisions=[granted], milestones=[milestone(day, MilestoneKind.COMMITTEE)])
    after = WarningKind.RELEASE_AFTER_EXPIRY in kinds(data, today)
    # The expiry day itself is still valid, as the tracker counts it.
    assert after is (day > expires)


def test_an_epic_target_after_expiry_is_a_warning_not_a_past_one() -> None:
    granted = decision(date(2026, 1, 9))  # valid until 8 January 2027
    late = EpicPlan(1, "Instruction", None, None, date(2027, 2, 1), 0, 0)
    renewal = HomologationStep(position=1, title="Audit", date=date(2026, 12, 17))
    data = RoadmapData(decisions=[granted], epics=[late], steps=[renewal])
    (warning,) = roadmap_warnings(data, TODAY)
    assert warning.kind is WarningKind.RELEASE_AFTER_EXPIRY
    assert warning.target.kind is TargetKind.EPIC and warning.other_day == date(2027, 1, 8)
    # A target date already past is history, not a plan to fix.
    assert WarningKind.RELEASE_AFTER_EXPIRY not in kinds(data, date(2027, 2, 2))


@given(decided=days, months=st.sampled_from([6, 12, 24, 36]), before=st.integers(-5, 400))
def test_the_renewal_must_be_dated_from_180_days_before_expiry(
    decided: date, months: int, before: int
) -> None:
    granted = decision(decided, months)
    expires = granted.expires_on
    assert expires is not None
    today = max(expires - timedelta(days=before), decided)
    undated = RoadmapData(decisions=[granted], steps=[HomologationStep(position=1, title="Audit")])
    warned = WarningKind.RENEWAL_NOT_PLANNED in kinds(undated, today)
    assert warned is (today >= renewal_opens(expires))
    # A step dated after the decision plans the renewal: no warning.
    step = HomologationStep(position=1, title="Audit", date=decided + timedelta(days=1))
    dated = RoadmapData(decisions=[granted], steps=[step])
    assert WarningKind.RENEWAL_NOT_PLANNED not in kinds(dated, today)


def test_a_step_dated_before_the_decision_belongs_to_the_last_cycle() -> None:
    granted = decision(date(2026, 1, 9))
    old = HomologationStep(
        position=1, title="Audit", status=StepStatus.DONE, date=date(2025, 12, 1)
    )
    data = RoadmapData(decisions=[granted], steps=[old])
    (warning,) = roadmap_warnings(data, TODAY)
    assert warning.kind is WarningKind.RENEWAL_NOT_PLANNED
    assert warning.count == (date(2027, 1, 8) - TODAY).days
    assert warning.target.kind is TargetKind.HOMOLOGATION


def test_an_indispensable_measure_due_after_the_next_release() -> None:
    release = milestone(date(2026, 12, 20))
    data = RoadmapData(
        milestones=[release, milestone(date(2027, 3, 1), name="MEP 1.7.0")],
        measures=[
            measure(due=date(2026, 12, 30)),
            measure("GOUV-04", due=date(2026, 12, 30), indispensable=False),
            measure("DEF-05", due=date(2026, 12, 30), status="done"),
            measure("RES-02", due=date(2026, 12, 20)),
        ],
    )
    (warning,) = roadmap_warnings(data, TODAY)
    assert warning.kind is WarningKind.MEASURE_AFTER_RELEASE
    assert warning.subject == "PROT-03" and warning.other_day == date(2026, 12, 20)
    assert warning.target.code == "PROT-03"
    # Once that release is past, the next one counts.
    assert kinds(data, date(2026, 12, 21)) == []


def test_blind_spots_are_one_warning() -> None:
    data = RoadmapData(
        measures=[
            measure("PROT-03", story_id=None),
            measure("RES-02", story_id=None, status="partial"),
            measure("DEF-05", story_id=None, status="not_applicable"),
            measure("GOUV-04", story_id=None, indispensable=False),
            measure("GOUV-09", story_id=4),
        ]
    )
    (warning,) = roadmap_warnings(data, TODAY)
    assert warning.kind is WarningKind.MEASURES_UNPLANNED
    assert warning.count == 2 and warning.subject == "PROT-03, RES-02"
    assert warning.target.kind is TargetKind.MEASURES


@pytest.mark.parametrize(
    "capacity, committed, end, warned",
    [
        (24, 25, TODAY, True),
        (24, 24, TODAY, False),
        (0, 40, TODAY, False),  # no capacity given
        (24, 30, TODAY - timedelta(days=1), False),  # ended: history
    ],
)
def test_a_sprint_committed_beyond_its_capacity(
    capacity: int, committed: int, end: date, warned: bool
) -> None:
    sprint = SprintPlan(1, "Sprint 16", end - timedelta(days=13), end, capacity, committed)
    assert (kinds(RoadmapData(sprints=[sprint])) == [WarningKind.SPRINT_OVER_CAPACITY]) is warned


@pytest.mark.parametrize(
    "release, state, end, warned",
    [
        ("1.6.0", "planned", date(2026, 12, 22), True),
        ("1.6.0", "in_progress", date(2026, 12, 20), False),  # ends on the day: in time
        ("1.6.0", "finished", date(2026, 12, 22), False),
        ("1.7.0", "planned", date(2026, 12, 22), False),  # validates another release
        ("", "planned", date(2026, 12, 22), False),
    ],
)
def test_a_campaign_ending_after_the_release_it_validates(
    release: str, state: str, end: date, warned: bool
) -> None:
    campaign = CampaignPlan(1, "Recette", release, date(2026, 12, 10), end, state)
    data = RoadmapData(
        campaigns=[campaign], milestones=[milestone(date(2026, 12, 20), name="MEP 1.6.0")]
    )
    assert (kinds(data) == [WarningKind.CAMPAIGN_AFTER_RELEASE]) is warned


def test_warnings_come_by_date_undated_last() -> None:
    granted = decision(date(2026, 1, 9))
    data = RoadmapData(
        decisions=[granted],
        steps=[HomologationStep(position=1, title="Audit", date=date(2026, 12, 1))],
        milestones=[milestone(date(2027, 2, 3), MilestoneKind.COMMITTEE, "Comité")],
        sprints=[SprintPlan(1, "Sprint 15", date(2026, 11, 30), date(2026, 12, 13), 26, 28)],
        measures=[measure(story_id=None)],
    )
    assert kinds(data) == [
        WarningKind.SPRINT_OVER_CAPACITY,
        WarningKind.RELEASE_AFTER_EXPIRY,
        WarningKind.MEASURES_UNPLANNED,
    ]
