"""User stories, epics and sprints, and the rules that judge a story ready."""

from __future__ import annotations

from datetime import date
from enum import StrEnum

from pydantic import BaseModel, Field, field_validator, model_validator

from prodtui.domain.base import CleanLine, CleanText, Record
from prodtui.domain.items import MAX_TEXT

FIBONACCI = (0, 1, 2, 3, 5, 8, 13, 21)
MAX_READY_POINTS = 8


class StoryStatus(StrEnum):
    IDEA = "idea"
    REFINING = "refining"
    READY = "ready"
    IN_PROGRESS = "in_progress"
    IN_RECETTE = "in_recette"
    DONE = "done"
    ABANDONED = "abandoned"

    @property
    def label_key(self) -> str:
        """The catalogue key of its label: `story.status.<value>`."""
        return f"story.status.{self.value}"


WORKFLOW = (
    StoryStatus.IDEA,
    StoryStatus.REFINING,
    StoryStatus.READY,
    StoryStatus.IN_PROGRESS,
    StoryStatus.IN_RECETTE,
    StoryStatus.DONE,
    StoryStatus.ABANDONED,
)


class Priority(StrEnum):
    """MoSCoW."""

    MUST = "must"
    SHOULD = "should"
    COULD = "could"
    WONT = "wont"

    @property
    def label_key(self) -> str:
        """The catalogue key of its label: `story.priority.<value>`."""
        return f"story.priority.{self.value}"

    @property
    def short_key(self) -> str:
        """Its one-letter form in a table: `story.priority_short.<value>`."""
        return f"story.priority_short.{self.value}"


class Epic(Record):
    title: CleanLine = Field(min_length=1, max_length=200)
    description: CleanText = Field("", max_length=MAX_TEXT)
    target_date: date | None = None
    """The day the epic (a release) is expected to be delivered: shown on the roadmap."""


class Sprint(Record):
    name: CleanLine = Field(min_length=1, max_length=120)
    start_date: date
    end_date: date
    capacity: int = Field(0, ge=0, le=10_000)

    @model_validator(mode="after")
    def _dates_in_order(self) -> Sprint:
        if self.end_date < self.start_date:
            raise ValueError("story.sprint_dates")  # a catalogue key: said in the user's words
        return self

    def contains(self, day: date) -> bool:
        return self.start_date <= day <= self.end_date


class Story(Record):
    number: int | None = Field(None, ge=1)
    """`US-<number>`, given by the store on creation."""
    title: CleanLine = Field(min_length=1, max_length=300)
    persona: CleanLine = Field("", max_length=300)
    want: CleanText = Field("", max_length=MAX_TEXT)
    so_that: CleanText = Field("", max_length=MAX_TEXT)
    description: CleanText = Field("", max_length=50_000)
    acceptance: CleanText = Field("", max_length=50_000)
    """Acceptance criteria in Gherkin."""
    status: StoryStatus = StoryStatus.IDEA
    priority: Priority | None = None
    points: int | None = None
    epic_id: int | None = None
    sprint_id: int | None = None
    rank: float = 0
    """Backlog order; a move puts a story halfway between its new neighbours."""

    @field_validator("points")
    @classmethod
    def _fibonacci(cls, points: int | None) -> int | None:
        if points is not None and points not in FIBONACCI:
            raise ValueError(f"points must be one of {', '.join(map(str, FIBONACCI))}")
        return points

    @property
    def key(self) -> str:
        return f"US-{self.number}" if self.number is not None else "US-?"


class ReadinessCheck(BaseModel):
    """One point of the Definition of Ready: a message key and whether it holds."""

    key: str
    ok: bool


def definition_of_ready(
    story: Story, *, valid_scenarios: int, open_blockers: int
) -> list[ReadinessCheck]:
    """The Definition of Ready for `story`. The caller counts the scenarios that parse and
    the open blockers linked to the story (the domain does no parsing and no I/O)."""
    return [
        ReadinessCheck(key="dor.form", ok=bool(story.persona and story.want and story.so_that)),
        ReadinessCheck(key="dor.scenario", ok=valid_scenarios > 0),
        ReadinessCheck(key="dor.estimated", ok=story.points is not None),
        ReadinessCheck(
            key="dor.small", ok=story.points is not None and story.points <= MAX_READY_POINTS
        ),
        ReadinessCheck(key="dor.no_blocker", ok=open_blockers == 0),
    ]
