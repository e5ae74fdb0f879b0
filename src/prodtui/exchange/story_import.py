"""What a stories import gives back, and the readers shared by the CSV and `.feature` imports:
status and priority accepted as codes or as French or English labels, points, keys.

Messages follow the interface language (`prodtui.i18n.language()`); the labels live here as
plain dictionaries so that exports and imports agree on them whatever the catalogue says.
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
from prodtui.i18n import language as ui_language

STATUS_LABELS: dict[str, dict[StoryStatus, str]] = {
    "fr": {
        StoryStatus.IDEA: "Idée",
        StoryStatus.REFINING: "À affiner",
        StoryStatus.READY: "Prête",
        StoryStatus.IN_PROGRESS: "En cours",
        StoryStatus.IN_RECETTE: "En recette",
        StoryStatus.DONE: "Terminée",
        StoryStatus.ABANDONED: "Abandonnée",
    },
    "en": {
        StoryStatus.IDEA: "Idea",
        StoryStatus.REFINING: "To refine",
        StoryStatus.READY: "Ready",
        StoryStatus.IN_PROGRESS: "In progress",
        StoryStatus.IN_RECETTE: "In acceptance testing",
        StoryStatus.DONE: "Done",
        StoryStatus.ABANDONED: "Abandoned",
    },
}
PRIORITY_LABELS: dict[str, dict[Priority, str]] = {
    "fr": {
        Priority.MUST: "Indispensable",
        Priority.SHOULD: "Important",
        Priority.COULD: "Souhaitable",
        Priority.WONT: "Pas cette fois",
    },
    "en": {
        Priority.MUST: "Must have",
        Priority.SHOULD: "Should have",
        Priority.COULD: "Could have",
        Priority.WONT: "Won't have",
    },
}
FIELD_LABELS = {
    "fr": {
        "key": "clé",
        "title": "titre",
        "persona": "en tant que",
        "want": "je veux",
        "so_that": "afin de",
        "status": "statut",
        "priority": "priorité",
        "points": "points",
        "epic": "épopée",
        "sprint": "sprint",
        "description": "description",
        "acceptance": "critères d'acceptation",
    },
    "en": {
        "key": "key",
        "title": "title",
        "persona": "as a",
        "want": "I want",
        "so_that": "so that",
        "status": "status",
        "priority": "priority",
        "points": "points",
        "epic": "epic",
        "sprint": "sprint",
        "description": "description",
        "acceptance": "acceptance criteria",
    },
}
_MESSAGES = {
    "fr": {
        "bad_status": "statut inconnu « {value} » ; attendu : {choices}",
        "bad_priority": "priorité inconnue « {value} » ; attendu : {choices}",
        "bad_points": "points « {value} » : attendu l'un de {choices}",
        "bad_key": "clé « {value} » : attendu US-<nombre>",
        "duplicate_key": "{key} apparaît aussi en {position}",
        "too_long": "{field} : trop long ({max} caractères au plus)",
        "required": "{field} : obligatoire",
        "invalid": "{field} : {detail}",
        "no_header": "ligne d'en-tête absente : la première ligne doit nommer les colonnes",
        "no_title_column": "colonne « title » absente de l'en-tête",
        "unknown_column": "colonne inconnue « {name} » ; colonnes possibles : {choices}",
        "duplicate_column": "colonne « {name} » en double",
        "extra_cells": "{count} cellule(s) de plus que de colonnes",
        "unreadable": "illisible : {detail}",
        "no_feature": "aucune ligne « Fonctionnalité: » : rien à importer",
        "empty": "fichier vide : rien à importer",
    },
    "en": {
        "bad_status": "unknown status “{value}”; expected: {choices}",
        "bad_priority": "unknown priority “{value}”; expected: {choices}",
        "bad_points": "points “{value}”: expected one of {choices}",
        "bad_key": "key “{value}”: expected US-<number>",
        "duplicate_key": "{key} also appears at {position}",
        "too_long": "{field}: too long ({max} characters at most)",
        "required": "{field}: required",
        "invalid": "{field}: {detail}",
        "no_header": "no header line: the first line must name the columns",
        "no_title_column": "no “title” column in the header",
        "unknown_column": "unknown column “{name}”; possible columns: {choices}",
        "duplicate_column": "column “{name}” appears twice",
        "extra_cells": "{count} more cell(s) than columns",
        "unreadable": "unreadable: {detail}",
        "no_feature": "no “Feature:” line: nothing to import",
        "empty": "empty file: nothing to import",
    },
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
    # A value quoted back from the file is shown with its control characters as
    # placeholders, like the text it would have become.
    shown = {name: safe_line(v) if isinstance(v, str) else v for name, v in params.items()}
    return _MESSAGES.get(ui_language(), _MESSAGES["fr"])[key].format(**shown)


def labels(table: dict[str, dict[Any, str]]) -> dict[Any, str]:
    return table.get(ui_language(), table["fr"])


def field_label(name: str) -> str:
    return labels(FIELD_LABELS).get(name, name)


def normalise(text: str) -> str:
    """`À affiner` → `a_affiner`, `Won't have` → `wont_have`: labels compared loosely."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    plain = re.sub(r"['’]", "", plain)
    return re.sub(r"[^a-z0-9]+", "_", plain).strip("_")


def _lookup(enum: Any, table: dict[str, dict[Any, str]], extra: dict[str, str]) -> dict:
    found = {normalise(member.value): member for member in enum}
    for language_labels in table.values():
        found |= {normalise(label): member for member, label in language_labels.items()}
    return found | {name: enum(value) for name, value in extra.items()}


_STATUSES = _lookup(
    StoryStatus,
    STATUS_LABELS,
    {"a_raffiner": "refining", "en_test": "in_recette", "in_uat": "in_recette"},
)
_PRIORITIES = _lookup(
    Priority,
    PRIORITY_LABELS,
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
        return _STATUSES[normalise(text)]
    except KeyError:
        choices = ", ".join(labels(STATUS_LABELS).values())
        raise ValueError(message("bad_status", value=text.strip(), choices=choices)) from None


def read_priority(text: str) -> Priority | None:
    if not text.strip():
        return None
    try:
        return _PRIORITIES[normalise(text)]
    except KeyError:
        choices = ", ".join(labels(PRIORITY_LABELS).values())
        raise ValueError(message("bad_priority", value=text.strip(), choices=choices)) from None


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
    raise ValueError(message("bad_points", value=value, choices=choices))


def read_key(text: str) -> int | None:
    """`US-12`, `us 12` or `12` → 12; empty → None (the store numbers the story)."""
    value = text.strip()
    if not value:
        return None
    match = _KEY.match(value)
    if not match:
        raise ValueError(message("bad_key", value=value))
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
            text = message("too_long", field=label, max=(detail.get("ctx") or {}).get("max_length"))
        elif kind in ("string_too_short", "missing"):
            text = message("required", field=label)
        else:
            reason = str(detail.get("msg", "")).removeprefix("Value error, ")
            text = message("invalid", field=label, detail=reason)
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
            text = message("duplicate_key", key=imported.story.key, position=seen[number])
            problems.append(ImportProblem(position=imported.position, message=text, field="key"))
        else:
            seen[number] = imported.position
    return problems
