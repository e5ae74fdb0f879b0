"""The stand-up summary: Markdown for the team chat, JSON for scripts."""

from __future__ import annotations

import json
from datetime import date
from typing import Any

from prodtui.domain.items import Item, ItemStatus
from prodtui.domain.standup import PersonDay, StandupDay, mood_symbol
from prodtui.i18n import format_day, t, tn


def _one_line(text: str) -> str:
    return " / ".join(line.strip() for line in text.splitlines() if line.strip())


def _due(item: Item, day_of_standup: StandupDay) -> str:
    if item.due_date is None:
        return ""
    text = t("standup.md.due", day=format_day(item.due_date, short=True))
    if item.is_late(day_of_standup.day):
        text += " " + t("standup.md.late")
    return text


def blocker_age(blocker: Item, day: date) -> str:
    """How long an open blocker has lasted on `day`: "depuis aujourd'hui", "depuis 3 j"."""
    days = blocker.age_on(day)
    return t("standup.md.age_today") if days <= 0 else tn("standup.md.age_days", days)


def _resolved_after(blocker: Item) -> str:
    """How long a blocker resolved that day lasted: "le jour même", "après 2 j"."""
    assert blocker.resolved_on is not None
    days = blocker.age_on(blocker.resolved_on)
    return t("standup.md.resolved_same_day") if days <= 0 else tn("standup.md.resolved_after", days)


def standup_markdown(day: StandupDay) -> str:
    """The day's summary as Markdown, in the current language: who spoke (an entry with
    text), who was absent, who said nothing (a mood alone included); the blockers open that
    day and those resolved that day."""
    said = day.spoke
    absent = day.absent
    silent = [p for p in day.people if not p.spoke and not p.absent]
    lines = [f"# {t('standup.md.title', day=format_day(day.day))}", ""]
    spoke = _names(said) or t("standup.md.nobody")
    lines.append(f"**{t('standup.md.present', count=len(said))}** {spoke}")
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
        [f"{_one_line(b.text)} — {_owner(b)}, {blocker_age(b, day.day)}" for b in day.blockers],
    )
    lines += _section(
        t("standup.md.resolved", count=len(day.resolved)),
        [f"{_one_line(b.text)} — {_owner(b)}, {_resolved_after(b)}" for b in day.resolved],
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


def _owner(blocker: Item) -> str:
    return blocker.owner or t("standup.md.no_owner")


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
            "resolved_on": entry.resolved_on.isoformat() if entry.resolved_on else None,
        }

    data = {
        "day": day.day.isoformat(),
        "people": [
            {
                "name": p.person.name,
                "role": p.person.role.value,
                "spoke": p.spoke,
                "absent": p.absent,
                "yesterday": p.entry.yesterday if p.entry else "",
                "today": p.entry.today if p.entry else "",
                "mood": p.entry.mood if p.entry else None,
                "blockers": [b.text for b in p.blockers],
            }
            for p in day.people
        ],
        "blockers": [item(b) for b in day.blockers],
        "resolved_blockers": [item(b) for b in day.resolved],
        "decisions": [item(d) for d in day.decisions],
        "actions": [item(a) for a in day.actions],
    }
    return json.dumps(data, ensure_ascii=False, indent=2) + "\n"
