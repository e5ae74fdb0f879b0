"""The stand-up summary: Markdown for the team chat, JSON for scripts."""

from __future__ import annotations

import json
from typing import Any

from prodtui.domain.items import Item, ItemStatus
from prodtui.domain.standup import PersonDay, StandupDay, mood_symbol
from prodtui.i18n import format_day, t


def _one_line(text: str) -> str:
    return " / ".join(line.strip() for line in text.splitlines() if line.strip())


def _due(item: Item, day_of_standup: StandupDay) -> str:
    if item.due_date is None:
        return ""
    text = t("standup.md.due", day=format_day(item.due_date, short=True))
    if item.is_late(day_of_standup.day):
        text += " " + t("standup.md.late")
    return text


def standup_markdown(day: StandupDay) -> str:
    """The day's summary as Markdown, in the current language."""
    said = [p for p in day.people if p.entry is not None and not p.absent]
    absent = day.absent
    silent = [p for p in day.people if p.entry is None]
    lines = [f"# {t('standup.md.title', day=format_day(day.day))}", ""]
    lines.append(f"**{t('standup.md.present', count=len(said))}** " + _names(said))
    if absent:
        lines.append(f"**{t('standup.md.absent', count=len(absent))}** " + _names(absent))
    if silent:
        lines.append(f"**{t('standup.md.silent', count=len(silent))}** " + _names(silent))
    if said:
        lines += ["", f"## {t('standup.md.round')}", ""]
        for person in said:
            lines.append(_person_line(person))
    lines += _section(
        t("standup.md.blockers", count=len(day.blockers)),
        [
            f"{_one_line(b.text)} — {b.owner or '?'}, {t('standup.md.age', days=b.age_on(day.day))}"
            for b in day.blockers
        ],
    )
    lines += _section(
        t("standup.md.decisions", count=len(day.decisions)),
        [_one_line(d.text) for d in day.decisions],
    )
    lines += _section(
        t("standup.md.actions", count=len(day.actions)),
        [
            ("[x] " if a.status is ItemStatus.DONE else "[ ] ")
            + _one_line(a.text)
            + "".join(f" — {part}" for part in (a.owner or "", _due(a, day)) if part)
            for a in day.actions
        ],
    )
    return "\n".join(lines) + "\n"


def _names(people: list[PersonDay]) -> str:
    return ", ".join(p.person.name for p in people)


def _person_line(person: PersonDay) -> str:
    entry = person.entry
    assert entry is not None
    parts = []
    if entry.yesterday:
        parts.append(f"{t('standup.md.yesterday')} {_one_line(entry.yesterday)}")
    if entry.today:
        parts.append(f"{t('standup.md.today')} {_one_line(entry.today)}")
    mood = f" {mood_symbol(entry.mood)}" if entry.mood else ""
    return f"- **{person.person.name}**{mood} — " + (" · ".join(parts) or "—")


def _section(title: str, entries: list[str]) -> list[str]:
    if not entries:
        return []
    return ["", f"## {title}", "", *[f"- {entry}" for entry in entries]]


def standup_json(day: StandupDay) -> str:
    """The same day as data; names and dates, no internal ids."""

    def item(entry: Item) -> dict[str, Any]:
        return {
            "text": entry.text,
            "owner": entry.owner,
            "raised_on": entry.raised_on.isoformat() if entry.raised_on else None,
            "due_date": entry.due_date.isoformat() if entry.due_date else None,
            "status": entry.status.value,
            "age_days": entry.age_on(day.day),
            "late": entry.is_late(day.day),
        }

    data = {
        "day": day.day.isoformat(),
        "people": [
            {
                "name": p.person.name,
                "role": p.person.role.value,
                "spoke": p.entry is not None and not p.absent,
                "absent": p.absent,
                "yesterday": p.entry.yesterday if p.entry else "",
                "today": p.entry.today if p.entry else "",
                "mood": p.entry.mood if p.entry else None,
                "blockers": [b.text for b in p.blockers],
            }
            for p in day.people
        ],
        "blockers": [item(b) for b in day.blockers],
        "decisions": [item(d) for d in day.decisions],
        "actions": [item(a) for a in day.actions],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
