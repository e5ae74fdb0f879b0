"""The backlog as a Markdown document to share: an overview table in backlog order, then each
story with its user-story form, description and acceptance criteria.

Labels follow the interface language (`prodtui.i18n.language()`). User text is made inert:
`<` is escaped so that no HTML runs where the document is rendered (docs/architecture.md,
"Text from outside").
"""

from __future__ import annotations

import re

from prodtui.domain.stories import Epic, Sprint, Story, StoryStatus
from prodtui.exchange.stories_feature import elides
from prodtui.exchange.story_import import PRIORITY_LABELS, STATUS_LABELS, labels

_WORDS = {
    "fr": {
        "title": "Backlog",
        "summary": "**Stories :** {count} · **Prêtes :** {ready} · **Points estimés :** {points}",
        "columns": "Clé|Titre|Statut|Priorité|Points|Épopée|Sprint",
        "status": "Statut",
        "priority": "Priorité",
        "points": "Points",
        "epic": "Épopée",
        "sprint": "Sprint",
        "colon": " :",
        "form": "En tant {qu}{persona}, je veux {want}, afin {de}{so_that}.",
        "criteria": "Critères d'acceptation",
        "none": "Aucune story.",
    },
    "en": {
        "title": "Backlog",
        "summary": "**Stories:** {count} · **Ready:** {ready} · **Estimated points:** {points}",
        "columns": "Key|Title|Status|Priority|Points|Epic|Sprint",
        "status": "Status",
        "priority": "Priority",
        "points": "Points",
        "epic": "Epic",
        "sprint": "Sprint",
        "colon": ":",
        "form": "As {a}{persona}, I want {want}, so that {so_that}.",
        "criteria": "Acceptance criteria",
        "none": "No stories.",
    },
}


def stories_markdown(
    stories: list[Story], epics: dict[int, Epic], sprints: dict[int, Sprint]
) -> str:
    """The stories in the order given (the backlog order)."""
    words = labels(_WORDS)
    ready = sum(1 for story in stories if story.status is StoryStatus.READY)
    points = sum(story.points or 0 for story in stories)
    lines = [f"# {words['title']}", ""]
    if not stories:
        return "\n".join([*lines, words["none"]]) + "\n"
    lines += [words["summary"].format(count=len(stories), points=points, ready=ready), ""]
    headings = words["columns"].split("|")
    lines += ["| " + " | ".join(headings) + " |", "|" + " --- |" * len(headings)]
    for story in stories:
        cells = [story.key, story.title, *_facts(story, epics, sprints)]
        lines.append("| " + " | ".join(_cell(cell) for cell in cells) + " |")
    for story in stories:
        lines += ["", *_story(story, epics, sprints, words)]
    return "\n".join(lines) + "\n"


def _facts(story: Story, epics: dict[int, Epic], sprints: dict[int, Sprint]) -> list[str]:
    """Status, priority, points, epic, sprint as shown to the reader."""
    epic = epics.get(story.epic_id) if story.epic_id is not None else None
    sprint = sprints.get(story.sprint_id) if story.sprint_id is not None else None
    return [
        labels(STATUS_LABELS)[story.status],
        labels(PRIORITY_LABELS)[story.priority] if story.priority else "",
        "" if story.points is None else str(story.points),
        epic.title if epic else "",
        sprint.name if sprint else "",
    ]


def _story(
    story: Story, epics: dict[int, Epic], sprints: dict[int, Sprint], words: dict[str, str]
) -> list[str]:
    lines = [f"## {story.key} — {_inline(story.title)}", ""]
    names = ("status", "priority", "points", "epic", "sprint")
    facts = [
        f"**{words[name]}{words['colon']}** {_inline(value)}"
        for name, value in zip(names, _facts(story, epics, sprints), strict=True)
        if value
    ]
    lines.append(" · ".join(facts))
    if story.persona or story.want or story.so_that:
        persona, want, so_that = (
            _inline(text) or "…" for text in (story.persona, story.want, story.so_that)
        )
        language = "en" if words is _WORDS["en"] else "fr"
        form = words["form"].format(
            persona=persona,
            want=want,
            so_that=so_that,
            qu="qu'" if elides(persona, language) else "que ",
            de="d'" if elides(so_that, language) else "de ",
            a="an " if elides(persona, language) else "a ",
        )
        lines += ["", form]
    if story.description.strip():
        lines += ["", _inert(story.description.strip("\n").rstrip())]
    if story.acceptance.strip():
        criteria = story.acceptance.strip("\n").rstrip()
        fence = "`" * max(3, _longest_backtick_run(criteria) + 1)
        lines += ["", f"### {words['criteria']}", "", f"{fence}gherkin", criteria, fence]
    return lines


def _inert(text: str) -> str:
    return text.replace("<", "&lt;")


def _inline(text: str) -> str:
    return _inert(" ".join(text.split()))


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def _longest_backtick_run(text: str) -> int:
    return max((len(run) for run in re.findall(r"`+", text)), default=0)
