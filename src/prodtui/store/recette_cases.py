"""Test cases generated from a story's Gherkin acceptance criteria, and kept linked to it.

One case per Scenario; one per Examples row for a Scenario Outline (`Plan du scénario`),
its `<placeholders>` filled in. Steps are the Gherkin steps (background first), one per
line, keyword included, up to the first `Alors`/`Then`; from there on, every `Alors`/`Then`
step and the `Et`/`Mais` that follow it are the expected result (a later `Quand` stays in the
steps).

Identity: a generated case carries `automation_key = "gherkin:US-12:<scenario>#<row>"`,
where `<scenario>` is the scenario name as written (placeholders not filled; a name used
twice in the story gets `~2`, `~3`… on its later occurrences) and `<row>` is 0 for a plain
Scenario, else the Examples row counted from 1 across the outline's Examples tables. The
column has a unique index (shared with JUnit's `classname::name`, which never starts with
`gherkin:`), so generating again finds the same cases instead of duplicating them.

Generating again never rewrites a case that has results: it is flagged `needs_review` and
keeps the steps it was run with. A case without results is rewritten and flagged. Cases
whose scenario disappeared are flagged, never deleted (the log may point at them). Tags
only ever grow: those a user added stay.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.recette import MAX_TITLE, TestCase
from prodtui.domain.stories import Story
from prodtui.exchange.gherkin import parse_gherkin
from prodtui.i18n import language, t, tn
from prodtui.store.recette import ExecutionFilter, recette

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

PREFIX = "gherkin:"
_MAX_NAME_IN_KEY = 1_000  # automation_key holds 2,000 characters
_PLACEHOLDER = re.compile(r"<([^<>\n]+)>")


def generation_prefix(story: Story) -> str:
    """What every case generated from `story` has at the start of its automation key."""
    return f"{PREFIX}{story.key}:"


def generation_key(story: Story, scenario: str, row: int) -> str:
    return f"{generation_prefix(story)}{scenario[:_MAX_NAME_IN_KEY]}#{row}"


# -- results ------------------------------------------------------------------------------


class DraftCase(BaseModel):
    """A case as the criteria describe it now, before it meets the workspace."""

    automation_key: str
    scenario: str
    row: int
    title: str
    steps: str
    expected: str
    tags: list[str]
    every_step: str = ""
    """All the steps in order, as cases generated before the outcome left the steps had
    them: such a case still has the same text."""

    def same_text(self, case: TestCase) -> bool:
        return (case.title, case.expected) == (self.title, self.expected) and case.steps in (
            self.steps,
            self.every_step,
        )


class GenerationResult(BaseModel):
    """What a generation (or a review check) did, as case keys (`TC-n`)."""

    story: str
    language: str
    created: list[str] = []
    updated: list[str] = []
    """Rewritten from the new criteria (they had no result yet) and flagged for review."""
    flagged: list[str] = []
    """Their scenario changed; flagged for review, their text kept as it was."""
    unchanged: list[str] = []
    disappeared: list[str] = []
    """Their scenario (or Examples row) is no longer in the criteria; flagged for review."""
    missing: list[str] = []
    """Titles of scenarios that have no case yet (only when flagging, which creates none)."""

    @property
    def to_review(self) -> list[str]:
        return [*self.updated, *self.flagged, *self.disappeared]

    def summary(self) -> str:
        return t(
            "recette.cases.summary",
            story=self.story,
            created=tn("recette.cases.created", len(self.created)),
            updated=len(self.updated),
            flagged=len(self.flagged),
            disappeared=len(self.disappeared),
        )


# -- the criteria, read -------------------------------------------------------------------


def draft_cases(story: Story) -> tuple[str, list[DraftCase]]:
    """The language of the criteria and the cases they describe, in order. Criteria that do
    not check raise a ProdtuiError naming the first problem."""
    parsed = parse_gherkin(story.acceptance, language())
    problems = parsed.check().errors
    if problems:
        first = problems[0]
        raise ProdtuiError(
            "recette.cases.invalid_gherkin",
            story=story.key,
            line=first.line,
            message=first.message,
            count=len(problems),
        )
    feature = (parsed.document or {}).get("feature") or {}
    drafts: list[DraftCase] = []
    seen: dict[str, int] = {}
    for number, (scenario, background, inherited) in enumerate(_scenarios(feature), start=1):
        raw = scenario.get("name", "").strip()
        seen[raw] = seen.get(raw, 0) + 1
        name = raw if seen[raw] == 1 else f"{raw}~{seen[raw]}"
        base_title = raw or t("recette.cases.untitled", story=story.key, number=number)
        tags = _tag_names([*inherited, *scenario.get("tags", [])])
        steps = [*background, *scenario.get("steps", [])]
        rows = list(_example_rows(scenario))
        if not rows:
            drafts.append(_draft(story, name, 0, base_title, steps, {}, tags))
        for row, (values, row_tags) in enumerate(rows, start=1):
            title = _fill(base_title, values)
            if title == base_title:  # the name has no placeholder: tell the rows apart
                title = f"{base_title} ({', '.join(values.values())})"
            drafts.append(_draft(story, name, row, title, steps, values, tags + row_tags))
    return parsed.language, drafts


def _scenarios(
    feature: dict[str, Any],
    background: list[dict[str, Any]] | None = None,
    tags: list[dict[str, Any]] | None = None,
) -> Iterator[tuple[dict[str, Any], list[dict[str, Any]], list[dict[str, Any]]]]:
    """(scenario, background steps, inherited tags) of a feature, rules included."""
    steps = list(background or [])
    inherited = [*(tags or []), *feature.get("tags", [])]
    for child in feature.get("children", []):
        if "background" in child:
            steps += child["background"].get("steps", [])
        elif "scenario" in child:
            yield child["scenario"], steps, inherited
        elif "rule" in child:
            yield from _scenarios(child["rule"], steps, inherited)


def _example_rows(
    scenario: dict[str, Any],
) -> Iterator[tuple[dict[str, str], list[str]]]:
    for examples in scenario.get("examples", []):
        header = [cell["value"] for cell in (examples.get("tableHeader") or {}).get("cells", [])]
        row_tags = _tag_names(examples.get("tags", []))
        for body in examples.get("tableBody", []):
            values = [cell["value"] for cell in body.get("cells", [])]
            yield dict(zip(header, values, strict=False)), row_tags


def _draft(
    story: Story,
    name: str,
    row: int,
    title: str,
    steps: list[dict[str, Any]],
    values: dict[str, str],
    tags: list[str],
) -> DraftCase:
    lines: list[str] = []
    expected: list[str] = []
    every: list[str] = []
    outcome = False
    for step in steps:
        kind = step.get("keywordType")
        if kind != "Conjunction":  # `Et`/`Mais` continue the kind of step before them
            outcome = kind == "Outcome"
        text = [f"{step['keyword'].strip()} {_fill(step.get('text', ''), values)}".rstrip()]
        text += _step_argument(step, values)
        every += text
        # What the tester checks is the expected result; what they do, the steps.
        (expected if outcome else lines).extend(text)
    unique_tags = list(dict.fromkeys(tags))
    return DraftCase(
        automation_key=generation_key(story, name, row),
        scenario=name,
        row=row,
        title=_clip(title, MAX_TITLE),
        steps="\n".join(lines),
        expected="\n".join(expected),
        tags=unique_tags,
        every_step="\n".join(every),
    )


def _step_argument(step: dict[str, Any], values: dict[str, str]) -> list[str]:
    """A step's data table or doc string, indented under it."""
    table = step.get("dataTable")
    if table:
        return [
            "  | " + " | ".join(_fill(c["value"], values) for c in row.get("cells", [])) + " |"
            for row in table.get("rows", [])
        ]
    doc = step.get("docString")
    if doc:
        delimiter = doc.get("delimiter", '"""')
        body = _fill(doc.get("content", ""), values).split("\n")
        return [f"  {delimiter}", *(f"  {line}" for line in body), f"  {delimiter}"]
    return []


def _fill(text: str, values: dict[str, str]) -> str:
    if not values:
        return text
    return _PLACEHOLDER.sub(lambda m: values.get(m.group(1), m.group(0)), text)


def _tag_names(tags: list[Any]) -> list[str]:
    names = [tag["name"] if isinstance(tag, dict) else str(tag) for tag in tags]
    return [name.removeprefix("@") for name in names if name.removeprefix("@")]


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"


# -- the workspace --------------------------------------------------------------------------


def generated_cases(workspace: Workspace, story: Story) -> list[TestCase]:
    """The cases generated from `story`, by number (one story's cases, through the unique
    index on the automation key: a prefix is a range of keys)."""
    prefix = generation_prefix(story)
    upper = prefix[:-1] + chr(ord(prefix[-1]) + 1)
    rows = workspace.rows(
        "SELECT * FROM test_cases WHERE automation_key >= ? AND automation_key < ? ORDER BY number",
        [prefix, upper],
    )
    return [TestCase.model_validate(row) for row in rows]


def generate_cases(workspace: Workspace, story: Story) -> GenerationResult:
    """Create or refresh the cases of `story` (as stored now) from its criteria, in one
    transaction. Invalid criteria, or criteria without any scenario, raise a ProdtuiError
    and nothing is written."""
    stored = _stored(workspace, story)
    lang, drafts = draft_cases(stored)
    if not drafts:
        raise ProdtuiError("recette.cases.no_scenario", story=stored.key)
    return _apply(workspace, stored, lang, drafts, create=True)


def flag_cases_for_review(workspace: Workspace, story: Story) -> GenerationResult:
    """After the criteria of `story` changed: flag (never rewrite) the generated cases whose
    scenario changed or disappeared; scenarios without a case are listed in `missing`,
    not created. Invalid criteria raise a ProdtuiError and nothing is flagged."""
    stored = _stored(workspace, story)
    lang, drafts = draft_cases(stored)
    return _apply(workspace, stored, lang, drafts, create=False)


def _stored(workspace: Workspace, story: Story) -> Story:
    # The stored criteria, not an edit still on screen: cases follow what was saved.
    if story.id is None:
        raise ProdtuiError("recette.cases.story_unsaved")
    return workspace.stories.get(story.id)


def _apply(
    workspace: Workspace, story: Story, lang: str, drafts: list[DraftCase], *, create: bool
) -> GenerationResult:
    cases = recette(workspace).test_cases
    executions = recette(workspace).executions
    result = GenerationResult(story=story.key, language=lang)
    with workspace.transaction():
        existing = {case.automation_key: case for case in generated_cases(workspace, story)}
        for draft in drafts:
            case = existing.pop(draft.automation_key, None)
            if case is None:
                if not create:
                    result.missing.append(draft.title)
                    continue
                case = cases.add(
                    TestCase(
                        title=draft.title,
                        steps=draft.steps,
                        expected=draft.expected,
                        story_id=story.id,
                        tags=draft.tags,
                        automation_key=draft.automation_key,
                    )
                )
                result.created.append(case.key)
                continue
            tags = list(dict.fromkeys([*case.tags, *draft.tags]))
            if draft.same_text(case):
                if tags != case.tags:
                    cases.save(case.edit(tags=tags))
                result.unchanged.append(case.key)
                continue
            has_results = executions.count(ExecutionFilter(case_id=case.id)) > 0
            if create and not has_results:
                text = {"title": draft.title, "steps": draft.steps, "expected": draft.expected}
                cases.save(case.edit(**text, tags=tags, needs_review=True))
                result.updated.append(case.key)
            else:
                if not case.needs_review or tags != case.tags:
                    cases.save(case.edit(tags=tags, needs_review=True))
                result.flagged.append(case.key)
        for case in existing.values():  # generated from a scenario no longer there
            if not case.needs_review:
                cases.save(case.edit(needs_review=True))
            result.disappeared.append(case.key)
    return result
