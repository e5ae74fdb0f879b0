"""What a stories import gives back, and the readers shared by the CSV and `.feature` imports:
status and priority accepted as codes or as French or English labels, points, keys.

Messages and labels come from the catalogue (`story_file.*`), in the interface language; a
file is read in either language, whatever the interface's.
"""

from __future__ import annotations

import re
import unicodedata
from collections.abc import Iterable
from functools import cache
from typing import Annotated, Any

from pydantic import BaseModel, TypeAdapter, ValidationError

from prodtui.domain.stories import FIBONACCI, Epic, Priority, Sprint, Story, StoryStatus
from prodtui.domain.text import safe_line
from prodtui.i18n import LANGUAGES, refusal, t, translate

STATUS_KEYS: dict[StoryStatus, str] = {
    StoryStatus.IDEA: "story_file.status.idea",
    StoryStatus.REFINING: "story_file.status.refining",
    StoryStatus.READY: "story_file.status.ready",
    StoryStatus.IN_PROGRESS: "story_file.status.in_progress",
    StoryStatus.IN_RECETTE: "story_file.status.in_recette",
    StoryStatus.DONE: "story_file.status.done",
    StoryStatus.ABANDONED: "story_file.status.abandoned",
}
"""A status as a file names it (the interface's labels are `story.status.*`)."""
PRIORITY_KEYS: dict[Priority, str] = {
    Priority.MUST: "story_file.priority.must",
    Priority.SHOULD: "story_file.priority.should",
    Priority.COULD: "story_file.priority.could",
    Priority.WONT: "story_file.priority.wont",
}
"""A priority as a file names it (the interface's labels are `story.priority.*`)."""
FIELD_KEYS = {
    "key": "story_file.field.key",
    "title": "story_file.field.title",
    "persona": "story_file.field.persona",
    "want": "story_file.field.want",
    "so_that": "story_file.field.so_that",
    "status": "story_file.field.status",
    "priority": "story_file.field.priority",
    "points": "story_file.field.points",
    "epic": "story_file.field.epic",
    "sprint": "story_file.field.sprint",
    "description": "story_file.field.description",
    "acceptance": "story_file.field.acceptance",
}
_KEY = re.compile(r"^(?:US[-\s_]?)?(\d{1,9})$", re.IGNORECASE)


class ImportProblem(BaseModel):
    position: str
    """`stories.csv:row 4`, `US-12-x.feature:7`."""
    message: str
    field: str | None = None


class ImportedStory(BaseModel):
    story: Story
    """No id; `number` is the key read from the file (None when absent); epic and sprint
    ids are unset: the store resolves `epic_name` and `sprint_name`."""
    epic_name: str | None = None
    sprint_name: str | None = None
    position: str


class StoryImport(BaseModel):
    stories: list[ImportedStory] = []
    """The records that read well, in file order (a partial import, if the user asks)."""
    problems: list[ImportProblem] = []

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def importable(self) -> list[ImportedStory]:
        """What to write: everything, or nothing while any record is bad."""
        return [] if self.problems else list(self.stories)

    @classmethod
    def merged(cls, imports: Iterable[StoryImport]) -> StoryImport:
        """Several files as one import (a folder of `.feature` files), keys checked across."""
        whole = cls()
        for part in imports:
            whole.stories += part.stories
            whole.problems += part.problems
        whole.problems += duplicate_keys(whole.stories)
        return whole


FeatureImport = StoryImport
StoriesImport = StoryImport


def message(key: str, /, **params: Any) -> str:
    """The catalogue message `key` (a `story_file.error.*` key) in the interface language."""
    # A value quoted back from the file is shown with its control characters as
    # placeholders, like the text it would have become.
    shown = {name: safe_line(v) if isinstance(v, str) else v for name, v in params.items()}
    return t(key, **shown)


def field_label(name: str) -> str:
    return t(FIELD_KEYS[name]) if name in FIELD_KEYS else name


def normalise(text: str) -> str:
    """`À affiner` → `a_affiner`, `Won't have` → `wont_have`: labels compared loosely."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = re.sub(r"['’]", "", plain)
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def _lookup(enum: Any, keys: dict[Any, str], extra: dict[str, str]) -> dict:
    """Codes, the labels of every language and a few synonyms, compared loosely."""
    found = {normalise(member.value): member for member in enum}
    for language in LANGUAGES:
        found |= {normalise(translate(language, key)): member for member, key in keys.items()}
    return found | {name: enum(value) for name, value in extra.items()}


@cache
def _statuses() -> dict[str, StoryStatus]:
    # Built on the first import, not when the store loads this module at start-up.
    return _lookup(
        StoryStatus,
        STATUS_KEYS,
        {"a_raffiner": "refining", "en_test": "in_recette", "in_uat": "in_recette"},
    )


@cache
def _priorities() -> dict[str, Priority]:
    return _lookup(
        Priority,
        PRIORITY_KEYS,
        {
            "m": "must",
            "s": "should",
            "c": "could",
            "w": "wont",
            "won_t": "wont",
            "wont_have_this_time": "wont",
            "doit": "must",
            "devrait": "should",
            "pourrait": "could",
            "exclu": "wont",
        },
    )


def read_status(text: str) -> StoryStatus:
    """A status code or label; an empty cell means the first step of the workflow."""
    if not text.strip():
        return StoryStatus.IDEA
    try:
        return _statuses()[normalise(text)]
    except KeyError:
        choices = ", ".join(t(key) for key in STATUS_KEYS.values())
        refused = message("story_file.error.bad_status", value=text.strip(), choices=choices)
        raise ValueError(refused) from None


def read_priority(text: str) -> Priority | None:
    if not text.strip():
        return None
    try:
        return _priorities()[normalise(text)]
    except KeyError:
        choices = ", ".join(t(key) for key in PRIORITY_KEYS.values())
        refused = message("story_file.error.bad_priority", value=text.strip(), choices=choices)
        raise ValueError(refused) from None


def read_points(text: str) -> int | None:
    """Points as a spreadsheet may write them: `5`, `5.0`, `5,0`."""
    value = text.strip()
    if not value:
        return None
    try:
        number = float(value.replace(",", "."))
    except ValueError:
        number = -1.0
    if number.is_integer() and int(number) in FIBONACCI:
        return int(number)
    choices = ", ".join(map(str, FIBONACCI))
    raise ValueError(message("story_file.error.bad_points", value=value, choices=choices))


def read_key(text: str) -> int | None:
    """`US-12`, `us 12` or `12` → 12; empty → None (the store numbers the story)."""
    value = text.strip()
    if not value:
        return None
    match = _KEY.match(value)
    if not match:
        raise ValueError(message("story_file.error.bad_key", value=value))
    return int(match.group(1))


@cache
def _field_type(model: type[BaseModel], field: str) -> TypeAdapter[Any]:
    info = model.model_fields[field]
    # The field's type with its constraints (length, cleaning), checked on its own.
    return TypeAdapter(Annotated[info.annotation, *info.metadata])  # type: ignore[arg-type]


NAMED = {"epic": (Epic, "title"), "sprint": (Sprint, "name")}
"""The records a story names, and the field their name is checked as."""


def read_name(column: str, text: str, position: str) -> tuple[str | None, list[ImportProblem]]:
    """The epic or sprint a story names, checked and cleaned as that record's own name
    (`column` is `epic` or `sprint`); None when the cell is empty."""
    value = text.strip()
    if not value:
        return None, []
    model, field = NAMED[column]
    try:
        return _field_type(model, field).validate_python(value), []
    except ValidationError as error:
        return None, validation_problems(error, position, field=column)


def validation_problems(
    error: ValidationError, position: str, *, field: str | None = None
) -> list[ImportProblem]:
    """One problem per field pydantic refused, in the user's words; `field` names the
    field when the error is about a lone value."""
    problems = []
    for detail in error.errors():
        name = str(detail.get("loc", ("?",))[0]) if detail.get("loc") else "?"
        name = field or name
        label = field_label(name)
        kind = detail.get("type", "")
        if kind == "string_too_long":
            most = (detail.get("ctx") or {}).get("max_length")
            text = message("story_file.error.too_long", field=label, max=most)
        elif kind in ("string_too_short", "missing"):
            text = message("story_file.error.required", field=label)
        else:
            text = message("story_file.error.invalid", field=label, detail=refusal(detail))
        problems.append(ImportProblem(position=position, message=text, field=name))
    return problems


def duplicate_keys(stories: list[ImportedStory]) -> list[ImportProblem]:
    """Two records claiming the same `US-n` cannot both be imported as that story."""
    seen: dict[int, str] = {}
    problems = []
    for imported in stories:
        number = imported.story.number
        if number is None:
            continue
        if number in seen:
            key, first = imported.story.key, seen[number]
            text = message("story_file.error.duplicate_key", key=key, position=first)
            problems.append(ImportProblem(position=imported.position, message=text, field="key"))
        else:
            seen[number] = imported.position
    return problems
