"""La recette: campaigns, test cases, the append-only execution log, command runs, and the
pure rules the guided runner and the reports share (progress, next case, re-run, pass rate).
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date, datetime
from enum import StrEnum
from typing import Annotated, Any, ClassVar

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PlainSerializer,
    ValidationInfo,
    model_validator,
)

from prodtui.domain.base import CleanLine, CleanText, Record, clean_text
from prodtui.domain.items import MAX_TEXT

# Re-exported: the statuses and rates are the recette's, kept apart for the first frame.
from prodtui.domain.recette_status import (  # noqa: F401 (re-exported)
    COMMENT_REQUIRED,
    JUDGED,
    RATE_PLACES,
    RERUN_STATUSES,
    ExecutionStatus,
    Progress,
    is_done,
    pass_rate,
    progress,
    shown_rate,
)

MAX_TITLE = 300
MAX_COMMENT = MAX_TEXT
OUTPUT_TAIL_CHARS = 20_000
"""How much of a command's output is kept: its end, where test runners print the summary."""


class CampaignState(StrEnum):
    PLANNED = "planned"
    IN_PROGRESS = "in_progress"
    FINISHED = "finished"
    ARCHIVED = "archived"

    @property
    def label_key(self) -> str:
        """The catalogue key of its label: `recette.state.<value>`."""
        return f"recette.state.{self.value}"


READ_ONLY_STATES = frozenset({CampaignState.FINISHED, CampaignState.ARCHIVED})


class Importance(StrEnum):
    HIGH = "high"
    MEDIUM = "medium"
    LOW = "low"

    @property
    def label_key(self) -> str:
        """The catalogue key of its label: `recette.importance.<value>`."""
        return f"recette.importance.{self.value}"

    @property
    def short_key(self) -> str:
        """Its short form in a table: `recette.importance_short.<value>`."""
        return f"recette.importance_short.{self.value}"


# -- stored shapes of lists ---------------------------------------------------------------


def _split_tags(value: Any) -> Any:
    if isinstance(value, str):
        value = value.split(",")
    if isinstance(value, list | tuple | set | frozenset):
        tags: list[str] = []
        for tag in value:
            for part in str(tag).split(","):  # a comma inside a tag would split it when read
                part = clean_text(part).strip()
                if part and part not in tags:
                    tags.append(part)
        return tags
    return value


Tags = Annotated[
    list[str],
    BeforeValidator(_split_tags),
    # Stored as `a,b` (the demo and the CSV exports use that form).
    PlainSerializer(lambda tags: ",".join(tags), return_type=str, when_used="json"),
]


def _json_value(value: Any) -> Any:
    if isinstance(value, str | bytes):
        return json.loads(value)
    return value


def _json_text(value: Any) -> str | None:
    return None if value is None else json.dumps(value, ensure_ascii=False, sort_keys=True)


CaseIds = Annotated[
    list[int] | None,
    BeforeValidator(_json_value),
    PlainSerializer(_json_text, when_used="json"),
]
Snapshot = Annotated[
    dict[str, Any],
    BeforeValidator(_json_value),
    PlainSerializer(_json_text, when_used="json"),
]


# -- campaigns and cases ------------------------------------------------------------------


class Campaign(Record):
    name: CleanLine = Field(min_length=1, max_length=200)
    release: CleanText = Field("", max_length=100)
    sprint_id: int | None = None
    start_date: date | None = None
    end_date: date | None = None
    state: CampaignState = CampaignState.PLANNED
    command: CleanText | None = Field(None, max_length=2_000)
    """The automated suite, `{report}` standing for the JUnit file it must write."""
    pass_number: int = Field(1, ge=1)
    """The current pass: 1, then one more each time failed cases are prepared for a re-run."""
    pass_cases: CaseIds = None
    """The case ids the current pass replays; None for every case."""
    frozen_cases: CaseIds = None
    """Once finished or archived, the case ids of its pass when it was closed: cases written
    later change neither its scope nor its counts. None while it is open."""

    @model_validator(mode="after")
    def _dates_in_order(self) -> Campaign:
        if self.start_date and self.end_date and self.end_date < self.start_date:
            raise ValueError("recette.campaign_dates")  # a catalogue key, said by the interface
        return self

    @property
    def read_only(self) -> bool:
        """A finished or archived campaign keeps its results as they were signed off."""
        return self.state in READ_ONLY_STATES

    @property
    def scope_cases(self) -> list[int] | None:
        """The case ids its scope is limited to: those frozen when it was closed, else those
        of its current pass; None for every case."""
        return self.frozen_cases if self.frozen_cases is not None else self.pass_cases


class CampaignListing(BaseModel):
    """A campaign as the lists show it: no scope (a closed campaign's frozen case ids are
    thousands), so listing campaigns costs nothing however many were closed. Not a
    `Campaign`: it cannot be saved; an action on it reads the campaign again by id."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: int
    version: int
    created_at: datetime | None = None
    """With the id, tells this campaign from one created later under a freed id."""
    name: CleanLine = Field(min_length=1, max_length=200)
    release: CleanText = Field("", max_length=100)
    state: CampaignState = CampaignState.PLANNED
    pass_number: int = Field(1, ge=1)

    COLUMNS: ClassVar[str] = "id, version, created_at, name, release, state, pass_number"
    """What `CampaignRepository.listing` selects: never `pass_cases` nor `frozen_cases`."""

    @property
    def read_only(self) -> bool:
        return self.state in READ_ONLY_STATES


CASE_KEY = re.compile(r"(?<![A-Za-z0-9])TC[-_](\d{1,9})(?![0-9])", re.IGNORECASE)
"""`TC-12` (or `TC_12`, as a Python test function can be named) inside a longer text."""


def case_number(text: str) -> int | None:
    """The number of the first test case key in `text`, if any."""
    match = CASE_KEY.search(text or "")
    return int(match.group(1)) if match else None


class TestCase(Record):
    __test__: ClassVar[bool] = False  # not a pytest class, whatever its name

    number: int | None = Field(None, ge=1)
    """`TC-<number>`, given by the store on creation."""
    title: CleanLine = Field(min_length=1, max_length=MAX_TITLE)
    steps: CleanText = Field("", max_length=50_000)
    expected: CleanText = Field("", max_length=50_000)
    story_id: int | None = None
    tags: Tags = []
    importance: Importance = Importance.MEDIUM
    automated: bool = False
    needs_review: bool = False
    """Set when the story's acceptance criteria changed after the case was written."""
    automation_key: CleanLine | None = Field(None, max_length=2_000)
    """`classname::name` of the automated test this case was created from (JUnit import)."""

    @property
    def key(self) -> str:
        return f"TC-{self.number}" if self.number is not None else "TC-?"

    def snapshot(self) -> dict[str, Any]:
        """The frozen copy stored with each execution (same fields as the demo's)."""
        return self.model_dump(mode="json", include=set(CASE_SNAPSHOT_FIELDS))


CASE_SNAPSHOT_FIELDS = (
    "id",
    "number",
    "title",
    "steps",
    "expected",
    "story_id",
    "tags",
    "importance",
    "automated",
    "needs_review",
    "version",
)


# -- the execution log --------------------------------------------------------------------


def comment_missing(status: ExecutionStatus | str, comment: str) -> bool:
    return ExecutionStatus(status) in COMMENT_REQUIRED and not (comment or "").strip()


class Execution(BaseModel):
    """One result, never changed once written: a correction is a new result."""

    model_config = ConfigDict(frozen=True, defer_build=True)

    id: int | None = None
    campaign_id: int
    case_id: int
    status: ExecutionStatus
    comment: CleanText = Field("", max_length=MAX_COMMENT)
    tester: CleanText = Field("", max_length=200)
    duration_s: float | None = Field(None, ge=0)
    automated: bool = False
    case_snapshot: Snapshot
    pass_number: int = Field(1, ge=1)
    created_at: datetime | None = None

    @model_validator(mode="after")
    def _comment_when_not_ok(self, info: ValidationInfo) -> Execution:
        # Rows already in the log are read back as they are: history is never refused.
        stored = bool(info.context and info.context.get("stored"))
        if not stored and comment_missing(self.status, self.comment):
            raise ValueError("recette.comment_required")  # a catalogue key
        return self

    @property
    def case(self) -> TestCase:
        """The case as it was when this result was recorded."""
        return TestCase.model_validate(self.case_snapshot)

    @property
    def case_key(self) -> str:
        number = self.case_snapshot.get("number")
        return f"TC-{number}" if number is not None else "TC-?"


class RunState(StrEnum):
    """Where a run of an automated suite stands, as the workspace records it."""

    RUNNING = "running"
    STOPPED = "stopped"
    """Stopped on purpose: `k`, or the user chose to stop it when quitting."""
    FINISHED = "finished"
    """Ended by itself; no report was imported (none written, or refused)."""
    IMPORTED = "imported"
    """Ended by itself and its JUnit report was imported."""
    INTERRUPTED = "interrupted"
    """Cut short: prodtui was closed by a signal, or died, while it ran."""


class CommandRun(BaseModel):
    """One run of a campaign's automated suite."""

    model_config = ConfigDict(defer_build=True)

    id: int | None = None
    campaign_id: int
    command: CleanText = Field(min_length=1, max_length=2_000)
    started_at: datetime
    ended_at: datetime | None = None
    exit_code: int | None = None
    output_tail: CleanText = ""
    state: RunState = RunState.FINISHED
    log_path: CleanLine | None = Field(None, max_length=4_096)
    """The file holding its whole output, beside the workspace."""
    owner_pid: int | None = None
    """The process id of the prodtui that runs it: a run left `running` by a process that
    is gone was cut short."""
    notice_pending: bool = False
    """The user has not been told yet how it ended (it ended while prodtui was closing)."""

    @property
    def running(self) -> bool:
        return self.ended_at is None

    @property
    def duration_s(self) -> float | None:
        if self.ended_at is None:
            return None
        return (self.ended_at - self.started_at).total_seconds()


_ANSI = re.compile(r"\x1b(?:\[[0-?]*[ -/]*[@-~]|\][^\x07\x1b]*(?:\x07|\x1b\\)|[@-Z\\-_])")


def output_tail(text: str, limit: int = OUTPUT_TAIL_CHARS) -> str:
    """The end of a command's output as stored: colours and other escape sequences removed
    (they would repaint the terminal when shown), cut at a line start."""
    text = clean_text(_ANSI.sub("", text))
    if len(text) <= limit:
        return text
    tail = text[-limit:]
    newline = tail.find("\n")
    return tail[newline + 1 :] if 0 <= newline < len(tail) - 1 else tail


# -- automated results (a JUnit report, already parsed) -------------------------------------


class AutomatedResult(BaseModel):
    """One `<testcase>` of a report, mapped to a status; `key` is `TC-n` when the report
    names a case, else the case is found (or created) by `automation_key`."""

    model_config = ConfigDict(defer_build=True)

    position: str
    """Where it is in the report, to point at it in a message."""
    name: CleanLine
    classname: CleanLine = ""
    case_number: int | None = None
    status: ExecutionStatus
    comment: CleanText = ""
    duration_s: float | None = Field(None, ge=0)

    @property
    def automation_key(self) -> str:
        return f"{self.classname}::{self.name}"

    @property
    def key(self) -> str | None:
        return f"TC-{self.case_number}" if self.case_number is not None else None


SEVERITY = (
    ExecutionStatus.FAIL,
    ExecutionStatus.BLOCKED,
    ExecutionStatus.PASS,
    ExecutionStatus.NOT_RUN,
)


def combine(results: Sequence[AutomatedResult]) -> tuple[ExecutionStatus, str, float | None]:
    """Several automated tests naming the same case give one result: the worst status
    (a failure anywhere fails the case), their comments, their total time."""
    status = min(
        (r.status for r in results),
        key=lambda s: SEVERITY.index(s) if s in SEVERITY else len(SEVERITY),
    )
    if len(results) == 1:
        comment = results[0].comment
    else:
        comment = "\n".join(f"{r.name}: {r.comment}" for r in results if r.comment)
        # Each comment may carry a traceback: together they must still fit one result.
        if len(comment) > MAX_COMMENT:
            comment = comment[: MAX_COMMENT - 1] + "…"
    durations = [r.duration_s for r in results if r.duration_s is not None]
    return status, comment, (round(sum(durations), 3) if durations else None)


# -- the runner and the summaries ---------------------------------------------------------


def next_case(
    scope: Sequence[int], results: Mapping[int, ExecutionStatus], after: int | None = None
) -> int | None:
    """The next case to run: the first one not done after `after` (the case just recorded),
    going round to the start; from the start when resuming. None when all are done."""
    start = scope.index(after) + 1 if after is not None and after in scope else 0
    for case_id in (*scope[start:], *scope[:start]):
        if not is_done(results.get(case_id)):
            return case_id
    return None


def rerun_selection(
    scope: Sequence[int],
    results: Mapping[int, ExecutionStatus],
    statuses: Iterable[ExecutionStatus] = RERUN_STATUSES,
) -> list[int]:
    """The cases of the next pass, in run order: those whose latest result (over the whole
    campaign) is in `statuses` — failures and blocks by default."""
    wanted = frozenset(statuses)
    return [case_id for case_id in scope if results.get(case_id) in wanted]


class RunnerPlan(BaseModel):
    """Where a campaign's current pass stands: what the guided runner needs."""

    model_config = ConfigDict(defer_build=True)

    pass_number: int
    scope: list[int]
    """Case ids of the pass, in run order."""
    results: dict[int, ExecutionStatus]
    """The latest status of each case run in this pass."""

    @property
    def progress(self) -> Progress:
        return progress(self.scope, self.results)

    def next_case(self, after: int | None = None) -> int | None:
        return next_case(self.scope, self.results, after)
