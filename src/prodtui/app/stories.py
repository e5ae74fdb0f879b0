"""Stories to and from files (CSV, .feature, Markdown), for the shell command and the
screen alike: the backlog read through the repositories, the formats of `exchange`."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.stories import Epic, Sprint, Story
from prodtui.exchange.files import STORY_FILE_LIMIT, read_input_file, write_new_text
from prodtui.exchange.stories_csv import parse_stories_csv, stories_to_csv
from prodtui.exchange.stories_feature import export_features, parse_feature
from prodtui.exchange.stories_markdown import stories_markdown
from prodtui.exchange.story_import import ImportProblem, StoryImport
from prodtui.i18n import error_message, language

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

PAGE = 500


def all_stories(
    workspace: Workspace, progress: Callable[[int], None] | None = None
) -> tuple[list[Story], dict[int, Epic], dict[int, Sprint]]:
    """The whole backlog in order, read page by page, with its epics and sprints;
    `progress` is told how many stories were read after each page."""
    stories: list[Story] = []
    while page := workspace.stories.page(offset=len(stories), limit=PAGE):
        stories += page
        if progress is not None:
            progress(len(stories))
    epics = {e.id: e for e in workspace.epics.all() if e.id is not None}
    sprints = {s.id: s for s in workspace.sprints.all() if s.id is not None}
    return stories, epics, sprints


def write_stories(workspace: Workspace, fmt: str, out: Path) -> int:
    """Export in `fmt` (feature, md, csv); returns how many stories were written."""
    return write_story_files(fmt, out, *all_stories(workspace))


def write_story_files(
    fmt: str,
    out: Path,
    stories: list[Story],
    epics: dict[int, Epic],
    sprints: dict[int, Sprint],
    progress: Callable[[int, int], None] | None = None,
) -> int:
    """The file-writing half of an export: no workspace, so it may run in a worker thread.
    `progress` is told the stories written and the stories in all: after each file of a
    .feature export, once at the end of a single-file one."""
    if fmt == "feature":
        export_features(stories, epics, out, language=language(), progress=progress)
    elif fmt == "md":
        write_new_text(out, stories_markdown(stories, epics, sprints))
    elif fmt == "csv":
        write_new_text(out, stories_to_csv(stories, epics, sprints))
    else:
        raise ProdtuiError("story.unknown_format", format=fmt)
    if progress is not None:
        progress(len(stories), len(stories))
    return len(stories)


def read_story_files(
    paths: list[Path], progress: Callable[[int], None] | None = None
) -> StoryImport:
    """Parse .csv and .feature files (folders are searched for .feature files);
    `progress` is told how many CSV rows were read so far, now and then."""
    read = 0

    def counted(rows: int) -> None:
        if progress is not None:
            progress(read + rows)

    results: list[StoryImport] = []
    for path in paths:
        files = sorted(path.rglob("*.feature")) if path.is_dir() else [path]
        for file in files:
            try:
                text = read_input_file(file, STORY_FILE_LIMIT).decode("utf-8-sig")
            except (ProdtuiError, UnicodeDecodeError) as error:
                problem = ImportProblem(position=str(file), message=error_message(error))
                results.append(StoryImport(problems=[problem]))
                continue
            if file.suffix.lower() == ".csv":
                results.append(parse_stories_csv(text, file.name, counted))
                read += len(results[-1].stories)
            else:
                results.append(parse_feature(text, file.name))
    return StoryImport.merged(results)
