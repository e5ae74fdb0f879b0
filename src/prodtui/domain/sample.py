"""Sample data shipped as TOML: the demo workspace and the default referentials.

The models read the files strictly (an unknown key is an error) and check every
cross-reference (an item's owner, a story's epic, a case's story…) before anything is
written. Dates in the demo are offsets from `today`, so the demo always looks current.
The helpers here are pure: the store reads the files and writes the rows.
"""

from __future__ import annotations

import math
import tomllib
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Annotated, Any, Literal, TypeVar

from pydantic import BaseModel, ConfigDict, Field, ValidationError, model_validator

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.items import MAX_TEXT, ItemKind, ItemStatus
from prodtui.domain.people import Role

# The vocabularies of the schema's CHECK constraints, kept as literals here so the sample
# models do not depend on domain modules that do not exist yet.
MeasureCategory = Literal["gouvernance", "protection", "defense", "resilience"]
MeasurePriority = Literal["P1", "P2", "P3"]
MeasureState = Literal["todo", "ignored", "partial", "done", "not_applicable"]
StoryStatus = Literal["idea", "refining", "ready", "in_progress", "in_recette", "done", "abandoned"]
StoryPriority = Literal["must", "should", "could", "wont"]
Importance = Literal["high", "medium", "low"]
CampaignState = Literal["planned", "in_progress", "finished", "archived"]
ExecutionStatus = Literal[
    "pass", "fail", "blocked", "skipped", "not_testable", "settled", "not_run"
]
RiskCriterion = Literal["availability", "integrity", "confidentiality", "traceability"]
StepState = Literal["todo", "in_progress", "done"]
Opinion = Literal["favourable", "reservations", "unfavourable"]
HealthAnswer = Literal["yes", "partly", "no"]

CATEGORY_PREFIXES: dict[str, str] = {
    "gouvernance": "GOUV",
    "protection": "PROT",
    "defense": "DEF",
    "resilience": "RES",
}

Text = Annotated[str, Field(min_length=1, max_length=MAX_TEXT)]
Name = Annotated[str, Field(min_length=1, max_length=120)]
Key = Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$", max_length=40)]
ClockTime = Annotated[str, Field(pattern=r"^([01]\d|2[0-3]):[0-5]\d$")]
PastOffset = Annotated[int, Field(le=0, ge=-3660)]
Offset = Annotated[int, Field(ge=-3660, le=3660)]


class SampleDataError(ProdtuiError):
    """A shipped sample file does not parse or does not validate."""

    def __init__(self, file: str, problems: list[str]) -> None:
        super().__init__("sample.invalid", file=file, problems="; ".join(problems))
        self.file = file
        self.problems = problems


class SampleModel(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


# --- The referentials ----------------------------------------------------------------


class MeasureDefinition(SampleModel):
    code: str = Field(pattern=r"^[A-Z]{2,5}-\d{2,3}$")
    category: MeasureCategory
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Text
    priority: MeasurePriority
    indispensable: bool

    @model_validator(mode="after")
    def _code_matches_category(self) -> MeasureDefinition:
        prefix = CATEGORY_PREFIXES[self.category]
        if not self.code.startswith(prefix + "-"):
            raise ValueError(f"code {self.code} should start with {prefix}- for {self.category}")
        return self


class MeasureReferential(SampleModel):
    measures: list[MeasureDefinition] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_codes(self) -> MeasureReferential:
        _require_unique("measure code", (m.code for m in self.measures))
        return self

    def by_category(self) -> dict[str, list[MeasureDefinition]]:
        grouped: dict[str, list[MeasureDefinition]] = {c: [] for c in CATEGORY_PREFIXES}
        for measure in self.measures:
            grouped[measure.category].append(measure)
        return grouped


class HomologationStepDefinition(SampleModel):
    key: Key
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: Text


class HomologationReferential(SampleModel):
    steps: list[HomologationStepDefinition] = Field(min_length=1)

    @model_validator(mode="after")
    def _unique_keys(self) -> HomologationReferential:
        _require_unique("homologation step", (s.key for s in self.steps))
        return self


# --- The demo workspace ----------------------------------------------------------------


class SampleMeta(SampleModel):
    name: Name
    service: Text
    organisation: str = ""


class SamplePerson(SampleModel):
    name: Name
    role: Role
    active: bool = True


class SampleItem(SampleModel):
    kind: ItemKind
    text: Text
    status: ItemStatus = ItemStatus.OPEN
    owner: Name | None = None
    story: int | None = Field(default=None, ge=1)
    day_offset: PastOffset
    time: ClockTime = "10:00"
    due_offset: Offset | None = None
    resolved_offset: PastOffset | None = None
    # Most demo captures have been triaged; the inbox ones say `triaged = false`.
    triaged: bool = True
    source: Literal["tui", "cli", "import"] = "tui"

    @model_validator(mode="after")
    def _resolution(self) -> SampleItem:
        if self.resolved_offset is not None:
            if self.status is not ItemStatus.DONE:
                raise ValueError("resolved_offset is only for items whose status is done")
            if self.resolved_offset < self.day_offset:
                raise ValueError("an item cannot be resolved before it was captured")
        return self


class SampleStandupEntry(SampleModel):
    person: Name
    yesterday: str = ""
    today: str = ""
    mood: int | None = Field(default=None, ge=1, le=5)
    absent: bool = False

    @model_validator(mode="after")
    def _absent_is_empty(self) -> SampleStandupEntry:
        if self.absent and (self.yesterday or self.today or self.mood):
            raise ValueError("an absent person has no yesterday, today or mood")
        return self


class SampleStandup(SampleModel):
    # Counted in working days (Monday to Friday): 0 is today, or the last working day.
    workday_offset: PastOffset
    notes: str = ""
    entries: list[SampleStandupEntry] = []

    @model_validator(mode="after")
    def _one_entry_per_person(self) -> SampleStandup:
        _require_unique("stand-up entry for", (e.person for e in self.entries))
        return self


class SampleEpic(SampleModel):
    key: Key
    title: Annotated[str, Field(min_length=1, max_length=200)]
    description: str = ""
    target_offset: Offset | None = None
    """Its target date on the roadmap, in days from today."""


class SampleMilestone(SampleModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    kind: Literal["release", "committee", "demo", "other"] = "other"
    day_offset: Offset


class SampleSprint(SampleModel):
    key: Key
    name: Annotated[str, Field(min_length=1, max_length=200)]
    # Weeks from the Monday of the current week; a sprint runs Monday to Sunday, so the
    # sprint with start_week <= 0 < start_week + weeks contains today whatever the day.
    start_week: Annotated[int, Field(ge=-520, le=520)]
    weeks: int = Field(default=2, ge=1, le=8)
    capacity: int = Field(default=0, ge=0)


class SampleStory(SampleModel):
    number: int = Field(ge=1)
    title: Annotated[str, Field(min_length=1, max_length=200)]
    # The three parts of "En tant que <persona>, je veux <want> afin de <so_that>",
    # stored without the lead words.
    persona: str = ""
    want: str = ""
    so_that: str = ""
    description: str = ""
    acceptance: str = ""
    status: StoryStatus = "idea"
    priority: StoryPriority | None = None
    points: int | None = Field(default=None, ge=0, le=100)
    epic: Key | None = None
    sprint: Key | None = None
    day_offset: PastOffset = -30


class SampleTestCase(SampleModel):
    number: int = Field(ge=1)
    title: Annotated[str, Field(min_length=1, max_length=200)]
    steps: str = ""
    expected: str = ""
    story: int | None = Field(default=None, ge=1)
    tags: list[Key] = []
    importance: Importance = "medium"
    automated: bool = False
    day_offset: PastOffset = -60


class SampleExecution(SampleModel):
    case: int = Field(ge=1)
    status: ExecutionStatus
    comment: str = ""
    # Missing tester, day or automated flag: the campaign's defaults, or the case's flag.
    tester: Name | None = None
    day_offset: PastOffset | None = None
    time: ClockTime | None = None
    duration_s: float | None = Field(default=None, ge=0)
    automated: bool | None = None


class SampleCommandRun(SampleModel):
    command: Text
    day_offset: PastOffset
    time: ClockTime = "18:00"
    duration_s: float = Field(default=60, ge=0)
    exit_code: int | None = None
    output_tail: str = ""


class SampleCampaign(SampleModel):
    name: Annotated[str, Field(min_length=1, max_length=200)]
    release: str = ""
    sprint: Key | None = None
    start_offset: Offset | None = None
    end_offset: Offset | None = None
    state: CampaignState = "planned"
    command: str | None = None
    tester: Name | None = None
    day_offset: PastOffset | None = None
    executions: list[SampleExecution] = []
    command_runs: list[SampleCommandRun] = []

    @model_validator(mode="after")
    def _dates_in_order(self) -> SampleCampaign:
        if (
            self.start_offset is not None
            and self.end_offset is not None
            and self.end_offset < self.start_offset
        ):
            raise ValueError("end_offset is before start_offset")
        for execution in self.executions:
            if (execution.tester or self.tester) is None:
                raise ValueError(f"execution of TC-{execution.case}: no tester, and no default")
            if execution.day_offset is None and self.day_offset is None:
                raise ValueError(f"execution of TC-{execution.case}: no day, and no default")
        return self


class SampleMeasureStatus(SampleModel):
    code: str
    status: MeasureState
    owner: Name | None = None
    due_offset: Offset | None = None
    how: str = ""
    evidence: str = ""
    comment: str = ""
    justification: str = ""
    story: int | None = Field(default=None, ge=1)

    @model_validator(mode="after")
    def _justified(self) -> SampleMeasureStatus:
        if self.status == "not_applicable" and not self.justification.strip():
            raise ValueError("a measure that does not apply needs a justification")
        return self


class SampleRisk(SampleModel):
    title: Annotated[str, Field(min_length=1, max_length=200)]
    criterion: RiskCriterion
    likelihood: int = Field(ge=1, le=4)
    severity: int = Field(ge=1, le=4)
    treatment: str = ""
    owner: Name | None = None


class SampleHealthReview(SampleModel):
    # Weeks back from the current week; stored as the ISO week label (`2026-W48`).
    week_offset: PastOffset
    answers: dict[Key, HealthAnswer] = Field(min_length=1)
    comments: dict[Key, str] = {}

    @model_validator(mode="after")
    def _comments_answer_something(self) -> SampleHealthReview:
        stray = sorted(set(self.comments) - set(self.answers))
        if stray:
            raise ValueError(f"comments on unanswered questions: {', '.join(stray)}")
        return self


RaciLetter = Literal["R", "A", "C", "I"]


class SampleResponsibility(SampleModel):
    """A row of the RACI table, in the order of the file."""

    activity: Annotated[str, Field(min_length=1, max_length=200)]
    dnum: RaciLetter | None = None
    metier: RaciLetter | None = None
    rssi: RaciLetter | None = None
    other: RaciLetter | None = None
    other_party: Annotated[str, Field(max_length=40)] = ""

    @model_validator(mode="after")
    def _raci_rules(self) -> SampleResponsibility:
        if self.other is not None and not self.other_party.strip():
            raise ValueError(f"{self.activity}: a letter for the other party needs its name")
        if [self.dnum, self.metier, self.rssi, self.other].count("A") > 1:
            raise ValueError(f"{self.activity}: more than one A")
        return self


class SampleHomologationStep(SampleModel):
    step: Key
    status: StepState = "todo"
    day_offset: Offset | None = None
    notes: str = ""


class SampleHomologationDecision(SampleModel):
    authority_name: Name
    authority_role: str = ""
    opinion: Opinion
    decided_offset: PastOffset
    validity_months: Literal[6, 12, 24, 36]


class SampleHomologation(SampleModel):
    steps: list[SampleHomologationStep] = []
    decisions: list[SampleHomologationDecision] = []

    @model_validator(mode="after")
    def _unique_steps(self) -> SampleHomologation:
        _require_unique("homologation step", (s.step for s in self.steps))
        return self


class DemoWorkspace(SampleModel):
    """The whole demo file; references between sections are checked here."""

    meta: SampleMeta
    people: list[SamplePerson] = Field(min_length=1)
    epics: list[SampleEpic] = []
    sprints: list[SampleSprint] = []
    stories: list[SampleStory] = []
    test_cases: list[SampleTestCase] = []
    campaigns: list[SampleCampaign] = []
    items: list[SampleItem] = []
    standups: list[SampleStandup] = []
    measure_status: list[SampleMeasureStatus] = []
    risks: list[SampleRisk] = []
    health_reviews: list[SampleHealthReview] = []
    responsibilities: list[SampleResponsibility] = []
    homologation: SampleHomologation = Field(default_factory=SampleHomologation)
    milestones: list[SampleMilestone] = []

    @model_validator(mode="after")
    def _references(self) -> DemoWorkspace:
        _require_unique("person", (p.name for p in self.people))
        _require_unique("epic", (e.key for e in self.epics))
        _require_unique("sprint", (s.key for s in self.sprints))
        _require_unique("story number", (s.number for s in self.stories))
        _require_unique("test case number", (c.number for c in self.test_cases))
        _require_unique("campaign", (c.name for c in self.campaigns))
        _require_unique("stand-up day", (s.workday_offset for s in self.standups))
        _require_unique("health review week", (h.week_offset for h in self.health_reviews))
        _require_unique("measure status", (m.code for m in self.measure_status))

        people = {p.name for p in self.people}
        epics = {e.key for e in self.epics}
        sprints = {s.key for s in self.sprints}
        stories = {s.number for s in self.stories}
        cases = {c.number for c in self.test_cases}
        problems: list[str] = []

        def check(where: str, value: Any, known: set[Any], what: str) -> None:
            if value is not None and value not in known:
                problems.append(f"{where}: unknown {what} {value!r}")

        for story in self.stories:
            check(f"story US-{story.number}", story.epic, epics, "epic")
            check(f"story US-{story.number}", story.sprint, sprints, "sprint")
        for case in self.test_cases:
            check(f"test case TC-{case.number}", case.story, stories, "story")
        for campaign in self.campaigns:
            check(f"campaign {campaign.name}", campaign.sprint, sprints, "sprint")
            check(f"campaign {campaign.name}", campaign.tester, people, "person")
            for execution in campaign.executions:
                check(f"campaign {campaign.name}", execution.case, cases, "test case")
                check(f"campaign {campaign.name}", execution.tester, people, "person")
        for n, item in enumerate(self.items):
            check(f"items[{n}]", item.owner, people, "person")
            check(f"items[{n}]", item.story, stories, "story")
        for standup in self.standups:
            for entry in standup.entries:
                check(f"stand-up {standup.workday_offset}", entry.person, people, "person")
        for status in self.measure_status:
            check(f"measure {status.code}", status.owner, people, "person")
            check(f"measure {status.code}", status.story, stories, "story")
        for risk in self.risks:
            check(f"risk {risk.title!r}", risk.owner, people, "person")
        if problems:
            raise ValueError("; ".join(problems))
        return self

    def check_referentials(
        self, measures: MeasureReferential, steps: HomologationReferential
    ) -> None:
        """The demo names measures and steps by the codes of the other two files."""
        codes = {m.code for m in measures.measures}
        keys = {s.key for s in steps.steps}
        problems = [
            f"measure_status: unknown measure {s.code!r}"
            for s in self.measure_status
            if s.code not in codes
        ] + [
            f"homologation.steps: unknown step {s.step!r}"
            for s in self.homologation.steps
            if s.step not in keys
        ]
        if problems:
            raise SampleDataError("demo.toml", problems)


ModelT = TypeVar("ModelT", bound=BaseModel)


def parse_sample(model: type[ModelT], text: str, file: str) -> ModelT:
    """Parse and validate one sample file's text; every problem names where it is."""
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise SampleDataError(file, [str(error)]) from error
    try:
        return model.model_validate(data)
    except ValidationError as error:
        raise SampleDataError(file, [_describe(e) for e in error.errors()]) from error


def _describe(error: Any) -> str:
    where = ""
    for part in error["loc"]:
        where += f"[{part}]" if isinstance(part, int) else f".{part}" if where else str(part)
    return f"{where or '(file)'}: {error['msg']}"


def _require_unique(what: str, values: Iterable[Any]) -> None:
    repeated = sorted(str(v) for v, n in Counter(values).items() if n > 1)
    if repeated:
        raise ValueError(f"{what} given more than once: {', '.join(repeated)}")


# --- Dates relative to today ------------------------------------------------------------


def shift(today: date, days: int) -> date:
    return today + timedelta(days=days)


def working_day(today: date, offset: int) -> date:
    """The working day (Monday to Friday) `offset` working days from today.

    Offset 0 is today, or the last working day before it on a weekend.
    """
    day = today
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    step = timedelta(days=1 if offset > 0 else -1)
    for _ in range(abs(offset)):
        day += step
        while day.weekday() >= 5:
            day += step
    return day


def working_days_until(today: date, count: int) -> list[date]:
    """The last `count` working days up to today (or the last one before it), oldest first."""
    days: list[date] = []
    day = working_day(today, 0)
    one = timedelta(days=1)
    while len(days) < count:
        days.append(day)
        day -= one
        while day.weekday() >= 5:
            day -= one
    days.reverse()
    return days


def week_monday(today: date, week_offset: int = 0) -> date:
    """The Monday of the week `week_offset` weeks from the current one."""
    return today - timedelta(days=today.weekday()) + timedelta(weeks=week_offset)


def iso_week(day: date) -> str:
    """The ISO 8601 week label of a day, such as `2026-W48`; it sorts in time order."""
    year, week, _ = day.isocalendar()
    return f"{year}-W{week:02d}"


def add_months(day: date, months: int) -> date:
    """Same day `months` later, clamped to the end of shorter months."""
    month_index = day.month - 1 + months
    year, month = day.year + month_index // 12, month_index % 12 + 1
    for last in (31, 30, 29, 28):
        try:
            return date(year, month, min(day.day, last))
        except ValueError:
            continue
    raise AssertionError("unreachable")  # pragma: no cover


# --- The size of the generated large workspace ----------------------------------------

LARGE_PEOPLE = 15
LARGE_ENTRIES_PER_STANDUP = 14  # out of 15: on any day someone has no entry
LARGE_WORKDAYS_PER_SPRINT = 10
LARGE_HEALTH_QUESTIONS = 5


@dataclass(frozen=True)
class LargeWorkspaceCounts:
    """Row counts of the large benchmark workspace (benchmarks/README.md) at a given scale."""

    people: int
    standups: int
    standup_entries: int
    sprints: int
    epics: int
    campaigns: int
    stories: int
    test_cases: int
    executions: int
    items: int
    audit_log: int
    health_reviews: int
    risks: int


def large_counts(scale: float = 1.0) -> LargeWorkspaceCounts:
    """Scale 1.0 is ten years of one team; smaller scales shrink every growing table."""
    if not (0 < scale <= 10) or math.isnan(scale):
        raise ValueError("scale must be in (0, 10]")

    def scaled(full: int, least: int = 1) -> int:
        return max(least, round(full * scale))

    standups = scaled(2_500, least=LARGE_WORKDAYS_PER_SPRINT)
    sprints = math.ceil(standups / LARGE_WORKDAYS_PER_SPRINT)
    epics = max(1, sprints // 6)
    stories = scaled(10_000, least=sprints)
    test_cases = scaled(2_000, least=sprints)
    items = scaled(20_000)
    # Each creation of a person, epic, sprint, story, case, campaign or item is audited;
    # status changes make up the rest of the trail.
    creations = LARGE_PEOPLE + epics + 2 * sprints + stories + test_cases + items
    return LargeWorkspaceCounts(
        people=LARGE_PEOPLE,
        standups=standups,
        standup_entries=standups * LARGE_ENTRIES_PER_STANDUP,
        sprints=sprints,
        epics=epics,
        campaigns=sprints,
        stories=stories,
        test_cases=test_cases,
        executions=scaled(200_000, least=sprints),
        items=items,
        audit_log=max(scaled(100_000), creations),
        health_reviews=math.ceil(standups / 5) * LARGE_HEALTH_QUESTIONS,
        risks=scaled(25, least=4),
    )
