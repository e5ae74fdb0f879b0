"""The backlog as a Markdown document to share: an overview table in backlog order, then each
story with its user-story form, description and acceptance criteria.

Labels follow the interface language (`prodtui.i18n.language()`). User text is made inert:
`<` is escaped so that no HTML runs where the document is rendered (docs/architecture.md,
"Text from outside").
"""

from __future__ import annotations

import re

from prodtui.domain.stories import Epic, Sprint, Story, StoryStatus
from prodtui.exchange.stories_feature import FORM_KEYS
from prodtui.exchange.story_import import PRIORITY_KEYS, STATUS_KEYS
from prodtui.i18n import elides, t

_FACT_KEYS = (
    "stories_md.status",
    "stories_md.priority",
    "stories_md.points",
    "stories_md.epic",
    "stories_md.sprint",
)
"""The names of the facts under each story's heading, in the order of `_facts`."""


def stories_markdown(
    stories: list[Story], epics: dict[int, Epic], sprints: dict[int, Sprint]
) -> str:
    """The stories in the order given (the backlog order)."""
    ready = sum(1 for story in stories if story.status is StoryStatus.READY)
    points = sum(story.points or 0 for story in stories)
    lines = [f"# {t('stories_md.title')}", ""]
    if not stories:
        return "\n".join([*lines, t("stories_md.none")]) + "\n"
    lines += [t("stories_md.summary", count=len(stories), points=points, ready=ready), ""]
    headings = t("stories_md.columns").split("|")
    lines += ["| " + " | ".join(headings) + " |", "|" + " --- |" * len(headings)]
    for story in stories:
        cells = [story.key, story.title, *_facts(story, epics, sprints)]
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    for story in stories:
        lines += ["", *_story(story, epics, sprints)]
    return "\n".join(lines) + "\n"


def _facts(story: Story, epics: dict[int, Epic], sprints: dict[int, Sprint]) -> list[str]:
    """Status, priority, points, epic, sprint as shown to the reader."""
    epic = epics.get(story.epic_id) if story.epic_id is not None else None
    sprint = sprints.get(story.sprint_id) if story.sprint_id is not None else None
    return [
        t(STATUS_KEYS[story.status]),
        t(PRIORITY_KEYS[story.priority]) if story.priority else "",
        "" if story.points is None else str(story.points),
        epic.title if epic else "",
        sprint.name if sprint else "",
    ]


def _story(story: Story, epics: dict[int, Epic], sprints: dict[int, Sprint]) -> list[str]:
    lines = [f"## {story.key} — {_inline(story.title)}", ""]
    facts = [
        t("stories_md.fact", name=t(key), value=_inline(value))
        for key, value in zip(_FACT_KEYS, _facts(story, epics, sprints), strict=True)
        if value
    ]
    lines.append(" · ".join(facts))
    if story.persona or story.want or story.so_that:
        values = (_inline(text) or "…" for text in (story.persona, story.want, story.so_that))
        parts = {
            name: t(elided_key if elides(value) else key, **{name: value})
            for (key, elided_key, name), value in zip(FORM_KEYS, values, strict=True)
        }
        lines += ["", t("stories_md.form", **parts)]
    if story.description.strip():
        lines += ["", _inert(story.description.strip("\n").rstrip())]
    if story.acceptance.strip():
        criteria = story.acceptance.strip("\n").rstrip()
        fence = "`" * max(3, _longest_backtick_run(criteria) + 1)
        lines += ["", f"### {t('stories_md.criteria')}", "", f"{fence}gherkin", criteria, fence]
    return lines


def _inert(text: str) -> str:
    return text.replace("<", "&lt;")


def _inline(text: str) -> str:
    return _inert(" ".join(text.split()))


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)
