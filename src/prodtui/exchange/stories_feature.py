"""Stories as Gherkin `.feature` files, one per story, and back.

The file layout, so that an export reads back as the same story:

    # language: fr
    # épopée: Démarches en ligne
    @US-12 @must @points-5 @status-ready
    Fonctionnalité: US-12 Déposer un dossier
      En tant qu'usager
      je veux déposer mon dossier en ligne
      afin d'éviter le guichet

      <description, Markdown>

      Scénario: …

- Continuation lines of a multi-line persona / want / so that are indented two more spaces.
- A description line Gherkin would misread (`#`, `@`, `Scénario:`…, `En tant que`, `\\`)
  is written with a leading backslash, removed on import.
- Criteria that do not check (`check_gherkin`) are written as `#| ` comment lines, so the
  file stays valid for Cucumber tools and the draft comes back on import.
- The sprint is not in the file; the epic is the `# épopée:` comment.
"""

from __future__ import annotations

import os
import re
import tempfile
import textwrap
import unicodedata
from collections.abc import Callable
from pathlib import Path

from pydantic import ValidationError

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.stories import Epic, Priority, Story
from prodtui.exchange.gherkin import (
    FALLBACK_LANGUAGES,
    check_gherkin,
    criteria_body,
    dialect_keywords,
    feature_keyword,
    is_dialect,
    parse_gherkin,
)
from prodtui.exchange.story_import import (
    ImportedStory,
    ImportProblem,
    StoryImport,
    message,
    read_key,
    read_name,
    read_points,
    read_priority,
    read_status,
    validation_problems,
)
from prodtui.i18n import LANGUAGES, elides, translate

# The user-story form, line by line: (key, key before a vowel, placeholder).
FORM_KEYS = (
    ("story_form.as", "story_form.as_elided", "persona"),
    ("story_form.want", "story_form.want", "want"),
    ("story_form.so_that", "story_form.so_that_elided", "so_that"),
)
_PERSONA_HEADS = ("en tant que ", "en tant qu'", "en tant qu’", "as an ", "as a ")
_WANT_HEADS = ("je veux ", "je souhaite ", "i want ", "i would like ")
_SO_THAT_HEADS = ("afin de ", "afin d'", "afin d’", "pour ", "so that ", "in order to ")
_ONE_LINE_FORM = re.compile(
    r"^(?:en tant qu(?:e |['’])|as an? )(?P<persona>.+?),? (?:je veux|i want) (?P<want>.+?),? "
    r"(?:afin (?:de |d['’])|so that )(?P<so_that>.+)$",
    re.IGNORECASE,
)
_NAME_KEY = re.compile(r"^US-(\d{1,9})(?:\s*[:—–-]\s*|\s+|$)", re.IGNORECASE)
_EPIC_COMMENT = re.compile(r"^\s*#\s*(?:épopée|epopee|epic)\s*:\s*(.*?)\s*$", re.IGNORECASE)
_DRAFT = "#|"
_TAG_VALUE = re.compile(r"^@(?P<name>[^-_:=]+)[-_:=](?P<value>.+)$")


def story_to_feature(story: Story, epic: Epic | None, language: str = "fr") -> str:
    """The story as a `.feature` file; `language` is that of the user-story wording and of
    the file when the criteria do not say otherwise."""
    language = language if is_dialect(language) else "fr"
    form_language = _form_language(language)
    criteria = story.acceptance
    body, file_language, draft = "", language, []
    if criteria.strip():
        if check_gherkin(criteria, language).ok:
            body, file_language = criteria_body(criteria, language)
        if not body or all(line.startswith(_DRAFT) for line in body.split("\n")):
            # Criteria that do not parse (or that look like such a draft) travel as comments.
            draft = (body or textwrap.dedent(criteria).strip("\n").rstrip()).split("\n")
            body = ""
    lines = [f"# language: {file_language}"]
    if epic is not None:
        lines.append(f"# {translate(form_language, 'feature.epic')}: {_one_line(epic.title)}")
    lines.append(" ".join(_tags(story)))
    name = " ".join(story.title.splitlines()).strip()
    key = f"{story.key} " if story.number is not None else ""
    if key and name.startswith((":", "—", "–", "-")):
        key = f"{story.key} - "  # the import takes one separator after the key
    lines.append(f"{feature_keyword(file_language)}: {key}{name}")
    keywords = dialect_keywords(file_language)
    form = _form(story, form_language, keywords)
    lines += [f"  {line}" for line in form]  # blank continuation lines keep their indent
    if story.description.strip():
        if form:
            lines.append("")
        for line in story.description.strip("\n").split("\n"):
            lines.append(f"  {_escape(line, keywords)}" if line.strip() else "")
    if body:
        lines += ["", textwrap.indent(body, "  ")]
    elif draft:
        lines += ["", *(f"  {_DRAFT} {line}" if line else f"  {_DRAFT}" for line in draft)]
    return "\n".join(lines) + "\n"


def export_features(
    stories: list[Story],
    epics: dict[int, Epic],
    folder: Path,
    *,
    language: str = "fr",
    overwrite: bool = False,
    progress: Callable[[int, int], None] | None = None,
) -> list[Path]:
    """One file per story in one folder per epic. All files are written or none; an
    existing file is refused unless `overwrite`. Raises ProdtuiError (`export.*` keys).
    `progress` is told the files written and the files in all, after each one."""
    plan = _plan(stories, epics, folder, language)
    if folder.exists() and not folder.is_dir():
        raise ProdtuiError("export.exists", path=str(folder))  # a file where the folder goes
    existing = [path for path, _ in plan if path.exists()]
    if existing and not overwrite:
        raise ProdtuiError("export.exists", path=str(existing[0]))
    temporaries: list[tuple[str, Path]] = []
    created: list[Path] = []
    try:
        for path, text in plan:
            created += _make_dirs(path.parent)
            fd, temporary = tempfile.mkstemp(prefix=f".{path.name}.", dir=path.parent)
            temporaries.append((temporary, path))
            with os.fdopen(fd, "w", encoding="utf-8") as handle:
                handle.write(text)
            if progress is not None:
                progress(len(temporaries), len(plan))
        # Only once every file is fully written do they take their names.
        for temporary, path in temporaries:
            os.replace(temporary, path)
    except OSError as error:
        for temporary, _ in temporaries:
            Path(temporary).unlink(missing_ok=True)
        for directory in reversed(created):
            if directory.exists() and not any(directory.iterdir()):
                directory.rmdir()
        raise ProdtuiError(
            "export.failed", path=str(folder), reason=error.strerror or str(error)
        ) from error
    return [path for path, _ in plan]


def parse_feature(text: str, source: str) -> StoryImport:
    """The story of one `.feature` file. Every problem is reported with `source:line`;
    never raises."""
    try:
        return _parse_feature(text, source)
    except Exception as error:  # an import reports, it does not crash
        detail = str(error)[:80] or type(error).__name__
        return StoryImport(
            problems=[
                ImportProblem(
                    position=source, message=message("story_file.error.unreadable", detail=detail)
                )
            ]
        )


def slugify(text: str, limit: int = 60) -> str:
    """`Démarches en ligne !` → `demarches-en-ligne`: a file name safe everywhere."""
    decomposed = unicodedata.normalize("NFKD", text)
    plain = "".join(c for c in decomposed if not unicodedata.combining(c)).lower()
    slug = re.sub(r"[^a-z0-9]+", "-", plain).strip("-")
    return slug[:limit].rstrip("-")


def _one_line(text: str) -> str:
    return " ".join(text.split())


def _dedent(text: str, most: int) -> list[str]:
    """Lines less their common indent, at most `most` (what the export adds, so that an
    indented description comes back indented); unlike textwrap, blank lines keep any extra
    indent (a blank continuation line of the user-story form)."""
    lines = text.split("\n")
    indents = [len(line) - len(line.lstrip()) for line in lines if line.strip()]
    base = min([*indents, most])
    return [line[base:] if len(line) - len(line.lstrip()) >= base else "" for line in lines]


def _tags(story: Story) -> list[str]:
    tags = [f"@{story.key}"] if story.number is not None else []
    if story.priority is not None:
        tags.append(f"@{story.priority.value}")
    if story.points is not None:
        tags.append(f"@points-{story.points}")
    return [*tags, f"@status-{story.status.value}"]


def _form_language(language: str) -> str:
    """The language of the user-story form and of the file's words: English for a
    Gherkin dialect the catalogue does not speak."""
    return language if language in LANGUAGES else "en"


def _form(story: Story, language: str, keywords: tuple[str, ...]) -> list[str]:
    values = (story.persona, story.want, story.so_that)
    if not any(values):
        return []
    lines = []
    for (key, elided_key, name), value in zip(FORM_KEYS, values, strict=True):
        first, *rest = value.split("\n")
        head = translate(language, elided_key if elides(first, language) else key, **{name: first})
        lines.append(head if first else head.rstrip())
        lines += [f"  {_escape(line, keywords)}" for line in rest]
    return lines


def _significant(line: str, keywords: tuple[str, ...]) -> bool:
    """A line Gherkin or the form reader would not take as plain description text."""
    stripped = line.lstrip()
    lowered = stripped.lower()
    return (
        stripped.startswith(("\\", "#", "@"))
        or any(stripped.startswith(f"{keyword}:") for keyword in keywords)
        or lowered.startswith(_PERSONA_HEADS)
        or any(lowered.strip() == head.strip() for head in _PERSONA_HEADS)
    )


def _escape(line: str, keywords: tuple[str, ...]) -> str:
    if not _significant(line, keywords):
        return line
    indent = len(line) - len(line.lstrip())
    return f"{line[:indent]}\\{line[indent:]}"


def _unescape(line: str) -> str:
    indent = len(line) - len(line.lstrip())
    return line[:indent] + line[indent + 1 :] if line[indent:].startswith("\\") else line


def _plan(
    stories: list[Story], epics: dict[int, Epic], folder: Path, language: str
) -> list[tuple[Path, str]]:
    no_epic = translate(_form_language(language), "feature.no_epic")
    folders: dict[int | None, str] = {None: no_epic}
    for epic_id, named in sorted(epics.items()):
        name = slugify(named.title) or f"epic-{epic_id}"
        # Two epics with the same slug (or the no-epic name) keep apart by their id.
        folders[epic_id] = f"{name}-{epic_id}" if name in folders.values() else name
    plan = []
    names: set[Path] = set()
    for index, story in enumerate(stories, start=1):
        epic = epics.get(story.epic_id) if story.epic_id is not None else None
        stem = story.key if story.number is not None else f"story-{index}"
        slug = slugify(story.title)
        path = folder / folders[story.epic_id if epic else None] / f"{stem}-{slug}.feature"
        if path in names:
            path = path.with_name(f"{stem}-{slug}-{index}.feature")
        names.add(path)
        plan.append((path, story_to_feature(story, epic, language)))
    return plan


def _make_dirs(directory: Path) -> list[Path]:
    """Create `directory` and its missing parents; the ones created, outermost first."""
    missing = []
    while not directory.exists():
        missing.append(directory)
        directory = directory.parent
    for path in reversed(missing):
        path.mkdir()
    return list(reversed(missing))


def _parse_feature(text: str, source: str) -> StoryImport:
    if not text.strip():
        return StoryImport(
            problems=[ImportProblem(position=source, message=message("story_file.error.empty"))]
        )
    parsed = parse_gherkin(text, "fr", wrap=False)
    if parsed.errors:
        return StoryImport(
            problems=[
                ImportProblem(position=f"{source}:{error.line}", message=error.message)
                for error in parsed.errors
            ]
        )
    feature = (parsed.document or {}).get("feature")
    if not feature:
        return StoryImport(
            problems=[
                ImportProblem(
                    position=f"{source}:1", message=message("story_file.error.no_feature")
                )
            ]
        )
    position = f"{source}:{feature['location']['line']}"
    values, problems = _read_tags(feature.get("tags", []), source)
    name = feature.get("name", "").strip()
    match = _NAME_KEY.match(name)
    if match:
        values["number"] = int(match.group(1))
        name = name[match.end() :].strip()
    indent = feature["location"]["column"] + 1  # description lines are two spaces in
    values |= _read_description(feature.get("description", ""), indent)
    values["title"] = name
    values["acceptance"] = _acceptance(text, parsed.language)
    epic_name: str | None = None
    for comment in (parsed.document or {}).get("comments", []):
        line = comment["location"]["line"]
        if line < feature["location"]["line"] and (found := _EPIC_COMMENT.match(comment["text"])):
            epic_name, named = read_name("epic", found.group(1), f"{source}:{line}")
            problems += named
            break
    try:
        story = Story.model_validate(values)
    except ValidationError as error:
        return StoryImport(problems=problems + validation_problems(error, position))
    if problems:
        return StoryImport(problems=problems)
    imported = ImportedStory(story=story, epic_name=epic_name, position=position)
    return StoryImport(stories=[imported])


def _read_tags(tags: list[dict], source: str) -> tuple[dict, list[ImportProblem]]:
    values: dict = {}
    problems = []
    for tag in tags:
        name, kind = tag["name"], ""
        lowered = name.lower()
        try:
            if lowered in {f"@{p.value}" for p in Priority}:
                values["priority"] = read_priority(name[1:])
                continue
            match = _TAG_VALUE.match(name)
            if not match:
                continue  # a tag for the test runner (@wip, @smoke…): not ours
            kind, value = match.group("name").lower(), match.group("value")
            if kind == "us":
                values.setdefault("number", read_key(value))
            elif kind in ("points", "point"):
                values["points"] = read_points(value)
            elif kind in ("status", "statut"):
                values["status"] = read_status(value)
            elif kind in ("priority", "priorite", "priorité"):
                values["priority"] = read_priority(value)
        except ValueError as error:
            position = f"{source}:{tag['location']['line']}"
            field = {"us": "key", "point": "points", "statut": "status"}.get(kind, kind)
            problems.append(ImportProblem(position=position, message=str(error), field=field))
    return values, problems


def _head(line: str, heads: tuple[str, ...]) -> str | None:
    """The rest of `line` after one of `heads` (compared without case), or None."""
    for head in heads:
        if line[: len(head)].lower() == head:
            return line[len(head) :]
        if line.strip().lower() == head.strip():
            return ""
    return None


def _read_description(description: str, indent: int) -> dict[str, str]:
    lines = _dedent(description, indent)
    values: dict[str, str] = {}
    index = 0
    for field, heads in (
        ("persona", _PERSONA_HEADS),
        ("want", _WANT_HEADS),
        ("so_that", _SO_THAT_HEADS),
    ):
        rest = _head(lines[index], heads) if index < len(lines) else None
        if rest is None:
            break
        parts = [rest]
        index += 1
        while index < len(lines) and lines[index].startswith("  "):
            parts.append(_unescape(lines[index][2:]))
            index += 1
        values[field] = "\n".join(parts)
    one_line = _ONE_LINE_FORM.match(lines[0].strip())
    if list(values) == ["persona"] and index == 1 and one_line:
        values = one_line.groupdict()  # "En tant que …, je veux … afin de …" on one line
    if values and index < len(lines) and not lines[index].strip():
        index += 1
    values["description"] = "\n".join(_unescape(line) for line in lines[index:]).strip("\n")
    return values


def _acceptance(text: str, language: str) -> str:
    body, _ = criteria_body(text, language)
    lines = body.split("\n")
    if body and all(line.startswith(_DRAFT) for line in lines):
        return "\n".join(line[len(_DRAFT) + 1 :] for line in lines)
    if body and language not in FALLBACK_LANGUAGES:
        return f"# language: {language}\n{body}"  # fr and en are recognised without it
    return body
