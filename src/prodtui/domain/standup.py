"""The daily stand-up: entries per person, carried blockers, the timer, the mood trend."""

from __future__ import annotations

from datetime import date, timedelta

from pydantic import BaseModel, Field

from prodtui.domain.base import CleanText, Record
from prodtui.domain.items import MAX_TEXT, Item
from prodtui.domain.people import Person

# One terminal cell each, text presentation: they render the same over a plain SSH link.
MOOD_SYMBOLS: dict[int, str] = {1: "☈", 2: "☂", 3: "☁", 4: "☼", 5: "☀"}


def mood_symbol(mood: int | None) -> str:
    return MOOD_SYMBOLS.get(mood or 0, "·")


class Standup(Record):
    day: date
    notes: CleanText = Field("", max_length=MAX_TEXT)


class StandupEntry(Record):
    standup_id: int | None = None
    person_id: int
    yesterday: CleanText = Field("", max_length=MAX_TEXT)
    today: CleanText = Field("", max_length=MAX_TEXT)
    mood: int | None = Field(None, ge=1, le=5)
    absent: bool = False

    @property
    def is_empty(self) -> bool:
        return not (self.yesterday or self.today or self.mood or self.absent)


class PersonDay(BaseModel):
    """One person on one day: what they said, or what they said last time."""

    person: Person
    entry: StandupEntry | None = None
    suggested_yesterday: CleanText = ""
    """Their last "today" before this day: what "yesterday" most likely is."""
    blockers: list[Item] = []

    @property
    def absent(self) -> bool:
        return bool(self.entry and self.entry.absent)

    @property
    def spoke(self) -> bool:
        """Said something: an entry with text, not marked absent (a mood alone is not a
        word)."""
        entry = self.entry
        return entry is not None and not entry.absent and bool(entry.yesterday or entry.today)

    def draft_entry(self) -> StandupEntry:
        """The entry to edit: the saved one, or a new one pre-filled from the suggestion."""
        if self.entry is not None:
            return self.entry
        assert self.person.id is not None
        return StandupEntry(person_id=self.person.id, yesterday=self.suggested_yesterday)


class StandupDay(BaseModel):
    """Everything shown for one day, loaded at once and only for that day."""

    day: date
    standup: Standup | None = None
    people: list[PersonDay] = []
    blockers: list[Item] = []
    """Open on that day, whenever raised: carried over until resolved."""
    resolved: list[Item] = []
    """Blockers resolved that day."""
    decisions: list[Item] = []
    actions: list[Item] = []
    """Raised that day, plus actions still open and due by then."""

    @property
    def present(self) -> list[PersonDay]:
        return [p for p in self.people if not p.absent]

    @property
    def spoke(self) -> list[PersonDay]:
        return [p for p in self.people if p.spoke]

    @property
    def absent(self) -> list[PersonDay]:
        return [p for p in self.people if p.absent]


def previous_workday(day: date) -> date:
    day -= timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    return day


def next_workday(day: date) -> date:
    day += timedelta(days=1)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return day


class StandupTimer:
    """Total time and time per speaker, driven by the caller's clock (seconds)."""

    def __init__(self, speakers: int, timebox: float) -> None:
        self.speakers = speakers
        self.timebox = timebox
        self.speaker = 0
        self._total = 0.0
        self._speaker = 0.0
        self._since: float | None = None

    @property
    def running(self) -> bool:
        return self._since is not None

    @property
    def started(self) -> bool:
        return self.running or self._total > 0

    def toggle(self, now: float) -> None:
        if self._since is None:
            self._since = now
        else:
            self._bank(now)
            self._since = None

    def next_speaker(self, now: float) -> None:
        """Hand over to the next person (starting the clock if needed)."""
        if self._since is None:
            self._since = now
        self._bank(now)
        self._speaker = 0.0
        self.speaker = min(self.speaker + 1, max(self.speakers - 1, 0))

    def set_speaker(self, index: int, now: float) -> None:
        self._bank(now)
        self._speaker = 0.0
        self.speaker = index

    def _bank(self, now: float) -> None:
        if self._since is not None:
            elapsed = max(now - self._since, 0.0)
            self._total += elapsed
            self._speaker += elapsed
            self._since = now

    def total(self, now: float) -> float:
        return self._total + (max(now - self._since, 0.0) if self._since is not None else 0.0)

    def speaker_time(self, now: float) -> float:
        return self._speaker + (max(now - self._since, 0.0) if self._since is not None else 0.0)

    def over_timebox(self, now: float) -> bool:
        return self.speaker_time(now) > self.timebox


def clock(seconds: float) -> str:
    minutes, secs = divmod(int(seconds), 60)
    return f"{minutes:02}:{secs:02}"
