"""Stories as CSV for spreadsheet users, and back.

Exports escape formula injection (OWASP): a cell starting with `= + - @`, a tab or a carriage
return, after any apostrophes, gets one more leading apostrophe, which the import removes,
so that a round trip gives back the text exactly. Status and priority are written as codes
and read as codes or French or English labels; `;` and tab separated files (French Excel)
are read too.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable, Iterator

from pydantic import ValidationError

from prodtui.domain.stories import Epic, Sprint, Story
from prodtui.exchange.story_import import (
    ImportedStory,
    ImportProblem,
    StoryImport,
    duplicate_keys,
    message,
    normalise,
    read_key,
    read_name,
    read_points,
    read_priority,
    read_status,
    validation_problems,
)
from prodtui.i18n import tn

COLUMNS = (
    "key",
    "title",
    "persona",
    "want",
    "so_that",
    "status",
    "priority",
    "points",
    "epic",
    "sprint",
    "description",
    "acceptance",
)
# Headers a French spreadsheet user may have typed instead of the codes.
_ALIASES = {
    "cle": "key",
    "titre": "title",
    "en_tant_que": "persona",
    "as_a": "persona",
    "je_veux": "want",
    "i_want": "want",
    "afin_de": "so_that",
    "statut": "status",
    "priorite": "priority",
    "epopee": "epic",
    "criteres": "acceptance",
    "criteres_dacceptation": "acceptance",
    "acceptance_criteria": "acceptance",
}
_DANGEROUS = re.compile(r"^'*[=+\-@\t\r]")
_ESCAPED = re.compile(r"^'+[=+\-@\t\r]")
_SINGLE_LINE = ("title", "persona", "want", "so_that")
PROGRESS_EVERY = 1000


def escape_cell(value: str) -> str:
    """What a spreadsheet would not run as a formula."""
    return f"'{value}" if _DANGEROUS.match(value) else value


def unescape_cell(value: str) -> str:
    return value[1:] if _ESCAPED.match(value) else value


def stories_to_csv(stories: list[Story], epics: dict[int, Epic], sprints: dict[int, Sprint]) -> str:
    """The stories in backlog order; epics and sprints by name."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\n")
    writer.writerow(COLUMNS)
    for story in stories:
        epic = epics.get(story.epic_id) if story.epic_id is not None else None
        sprint = sprints.get(story.sprint_id) if story.sprint_id is not None else None
        row = (
            story.key if story.number is not None else "",
            story.title,
            story.persona,
            story.want,
            story.so_that,
            story.status.value,
            story.priority.value if story.priority else "",
            "" if story.points is None else str(story.points),
            epic.title if epic else "",
            sprint.name if sprint else "",
            story.description,
            story.acceptance,
        )
        writer.writerow([escape_cell(cell) for cell in row])
    return buffer.getvalue()


def parse_stories_csv(
    text: str, source: str, progress: Callable[[int], None] | None = None
) -> StoryImport:
    """Every row read and checked; every bad one reported as `source:row n` (the header is
    row 1, as in a spreadsheet). Never raises. `progress` is told the rows read so far,
    every PROGRESS_EVERY rows."""
    try:
        return _parse(text, source, progress)
    except Exception as error:  # an import reports, it does not crash
        detail = str(error)[:80] or type(error).__name__
        problem = ImportProblem(
            position=source, message=message("story_file.error.unreadable", detail=detail)
        )
        return StoryImport(problems=[problem])


def _rows(text: str) -> Iterator[tuple[int, list[str] | None, str]]:
    """(row number, cells or None if unreadable, error) for each record."""
    first_line = text.split("\n", 1)[0]
    delimiter = max((",", ";", "\t"), key=first_line.count)
    reader = csv.reader(io.StringIO(text, newline=""), delimiter=delimiter, strict=True)
    number = 0
    while True:
        number += 1
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            yield number, None, str(error)
            return  # the reader cannot resynchronise after a broken quote
        yield number, cells, ""


def _parse(text: str, source: str, progress: Callable[[int], None] | None) -> StoryImport:
    text = text.removeprefix("\ufeff")
    if not text.strip():
        return StoryImport(
            problems=[ImportProblem(position=source, message=message("story_file.error.empty"))]
        )
    rows = _rows(text)
    _, header, error = next(rows)
    columns, problems = _columns(header or [], f"{source}:row 1")
    if header is None:
        problems = [ImportProblem(position=f"{source}:row 1", message=error)]
    result = StoryImport(problems=problems)
    if problems:
        return result
    for number, cells, error in rows:
        if progress is not None and number % PROGRESS_EVERY == 0:
            progress(number)
        position = f"{source}:row {number}"
        if cells is None:
            problem = ImportProblem(
                position=position, message=message("story_file.error.unreadable", detail=error)
            )
            result.problems.append(problem)
            continue
        if not any(cell.strip() for cell in cells):
            continue  # spreadsheets leave empty rows behind
        imported, row_problems = _record(columns, cells, position)
        result.problems += row_problems
        if imported is not None:
            result.stories.append(imported)
    result.problems += duplicate_keys(result.stories)
    return result


def _columns(header: list[str], position: str) -> tuple[list[str], list[ImportProblem]]:
    columns: list[str] = []
    problems = []
    for name in header:
        code = normalise(unescape_cell(name))
        code = _ALIASES.get(code, code)
        if code not in COLUMNS:
            text = message(
                "story_file.error.unknown_column", name=name.strip(), choices=", ".join(COLUMNS)
            )
            problems.append(ImportProblem(position=position, message=text))
        elif code in columns:
            problems.append(
                ImportProblem(
                    position=position,
                    message=message("story_file.error.duplicate_column", name=code),
                )
            )
        columns.append(code)
    if "title" not in columns:
        # A header-less file starts with a story: say what is missing, not every column.
        key = (
            "story_file.error.no_title_column"
            if any(c in COLUMNS for c in columns)
            else "story_file.error.no_header"
        )
        return columns, [ImportProblem(position=position, message=message(key))]
    return columns, problems


def _record(
    columns: list[str], cells: list[str], position: str
) -> tuple[ImportedStory | None, list[ImportProblem]]:
    problems = []
    if len(cells) > len(columns):
        extra = cells[len(columns) :]
        if any(cell.strip() for cell in extra):
            text = tn("story_file.error.extra_cells", len(extra))
            problems.append(ImportProblem(position=position, message=text))
    raw = {column: unescape_cell(cell) for column, cell in zip(columns, cells, strict=False)}
    values: dict = {
        name: raw.get(name, "").strip() if name in _SINGLE_LINE else raw.get(name, "")
        for name in ("title", "persona", "want", "so_that", "description", "acceptance")
    }
    readers = {
        "number": ("key", read_key),
        "status": ("status", read_status),
        "priority": ("priority", read_priority),
        "points": ("points", read_points),
    }
    for name, (column, reader) in readers.items():
        try:
            values[name] = reader(raw.get(column, ""))
        except ValueError as error:
            problems.append(ImportProblem(position=position, message=str(error), field=column))
    # Epics and sprints are named, not written, here: their names are checked now, with
    # the rest, so that nothing is refused once writing has begun.
    names: dict[str, str | None] = {}
    for column in ("epic", "sprint"):
        names[column], found = read_name(column, raw.get(column, ""), position)
        problems += found
    try:
        story = Story.model_validate(values)
    except ValidationError as error:
        problems += [
            problem
            for problem in validation_problems(error, position)
            if problem.field not in readers  # already reported in the user's words
        ]
        return None, problems
    if problems:
        return None, problems
    imported = ImportedStory(
        story=story, epic_name=names["epic"], sprint_name=names["sprint"], position=position
    )
    return imported, []
