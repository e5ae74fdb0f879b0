"""The roadmap in words: each row's label and detail, each warning's sentence, and the
export (Markdown with one table per lane and a Mermaid `gantt` block; JSON).

The screen and the export say the same things: both read them from here.
"""

from __future__ import annotations

import json
import re
from datetime import date, timedelta
from typing import Any

from prodtui.domain.homologation import StepStatus
from prodtui.domain.recette import CampaignState
from prodtui.domain.roadmap import (
    LANES,
    Lane,
    MilestoneKind,
    Period,
    RoadmapWarning,
    Row,
    RowKind,
    WarningKind,
    Window,
    Zoom,
)
from prodtui.domain.security import MeasureStatus
from prodtui.i18n import format_day, format_numeric_day, t, tn

FORMAT = "prodtui-roadmap"
FORMAT_VERSION = 1

_FIXED_ROWS = {
    RowKind.VALIDITY: "roadmap.row.validity",
    RowKind.RENEWAL_WINDOW: "roadmap.row.renewal_window",
    RowKind.EXPIRY: "roadmap.row.expiry",
}


def short_day(day: date) -> str:
    """A date in a table cell or a warning: 30/12/2026."""
    return format_numeric_day(day)


def period_label(period: Period, zoom: Zoom) -> str:
    """`janv.` (`Jan`) for a month, `T1 2027` (`Q1 2027`) for a quarter."""
    if zoom is Zoom.QUARTER:
        return t("roadmap.quarter", quarter=period.quarter, year=period.start.year)
    return t("roadmap.months").split()[period.start.month - 1]


def window_label(window: Window) -> str:
    first, last = window.start, window.end
    return t(
        "roadmap.window",
        first=f"{period_label(Period(first, first), Zoom.MONTH)} {first.year}",
        last=f"{period_label(Period(last, last), Zoom.MONTH)} {last.year}",
    )


def row_label(row: Row) -> str:
    """What a row is: the record's own name, or the fixed row's label."""
    if row.kind is RowKind.BLIND_SPOTS:
        return tn("roadmap.row.blind_spots", row.count)
    if row.kind in _FIXED_ROWS:
        return t(_FIXED_ROWS[row.kind])
    return " ".join(row.title.split())


def row_state(row: Row) -> str:
    """The record's state in words (a campaign's, a step's, a measure's, a milestone's
    kind), its points (an epic, a sprint), its target date; "" when it has none."""
    parts: list[str] = []
    if row.kind is RowKind.EPIC and row.progress is not None:
        parts.append(t("roadmap.epic_points", done=row.progress[0], planned=row.progress[1]))
    if row.kind is RowKind.SPRINT and row.progress is not None:
        committed, capacity = row.progress
        parts.append(
            t("roadmap.sprint_points", committed=committed, capacity=capacity)
            if capacity
            else t("roadmap.sprint_points_no_capacity", committed=committed)
        )
    if row.mark is not None:
        parts.append(t("roadmap.target", day=short_day(row.mark)))
    if row.state:
        if row.kind is RowKind.CAMPAIGN:
            parts.append(t(CampaignState(row.state).label_key))
        elif row.kind is RowKind.STEP:
            parts.append(t(StepStatus(row.state).label_key))
        elif row.kind is RowKind.MEASURE:
            parts.append(t(MeasureStatus(row.state).label_key))
        elif row.kind is RowKind.MILESTONE:
            parts.append(t(MilestoneKind(row.state).label_key))
    return " · ".join(parts)


def row_dates(row: Row) -> tuple[str, str]:
    """Its first and last day in words; one date for a point, nothing for a count."""
    if row.start is None or row.end is None:
        return "", ""
    if row.start == row.end:
        return short_day(row.start), ""
    return short_day(row.start), short_day(row.end)


def warning_text(warning: RoadmapWarning) -> str:
    """The warning's sentence: what is wrong and why, with the dates at fault."""
    day = short_day(warning.day) if warning.day else ""
    other_day = short_day(warning.other_day) if warning.other_day else ""
    match warning.kind:
        case WarningKind.RELEASE_AFTER_EXPIRY:
            return t(
                "roadmap.warning.release_after_expiry",
                name=warning.subject,
                day=day,
                expiry=other_day,
            )
        case WarningKind.RENEWAL_NOT_PLANNED:
            if warning.count < 0:
                return t("roadmap.warning.renewal_not_planned_expired", expiry=day)
            return tn("roadmap.warning.renewal_not_planned", warning.count, expiry=day)
        case WarningKind.MEASURE_AFTER_RELEASE:
            return t(
                "roadmap.warning.measure_after_release",
                code=warning.subject,
                day=day,
                release=warning.other,
                release_day=other_day,
            )
        case WarningKind.MEASURES_UNPLANNED:
            return tn("roadmap.warning.measures_unplanned", warning.count, codes=warning.subject)
        case WarningKind.SPRINT_OVER_CAPACITY:
            return t(
                "roadmap.warning.sprint_over_capacity",
                name=warning.subject,
                committed=warning.count,
                capacity=warning.limit,
            )
        case WarningKind.CAMPAIGN_AFTER_RELEASE:
            return t(
                "roadmap.warning.campaign_after_release",
                name=warning.subject,
                day=day,
                release=warning.other,
                release_day=other_day,
            )
    raise AssertionError(warning.kind)  # pragma: no cover


# --- Markdown -------------------------------------------------------------------------------


def _inline(text: str) -> str:
    """User text on one line, inert where Markdown is rendered (no HTML runs)."""
    return " ".join(text.split()).replace("<", "&lt;")


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def _mermaid(text: str) -> str:
    """A name in a gantt line: `:` starts the task's data, `;` and `#` end or comment it."""
    cleaned = re.sub(r"[:;#%{}<>`]", " ", " ".join(text.split()))
    return " ".join(cleaned.split()) or "—"


_MERMAID_STATE = {"in_progress": "active", "finished": "done", "archived": "done", "done": "done"}


def _gantt(lanes: dict[Lane, list[Row]], title: str) -> list[str]:
    lines = ["```mermaid", "gantt", f"    title {_mermaid(title)}", "    dateFormat YYYY-MM-DD"]
    for lane in LANES:
        dated = [row for row in lanes[lane] if row.start is not None and row.end is not None]
        if not dated:
            continue
        lines.append(f"    section {_mermaid(t(lane.label_key))}")
        for row in dated:
            assert row.start is not None and row.end is not None
            tags = []
            if row.point:
                tags.append("milestone")
            if row.state in _MERMAID_STATE:
                tags.append(_MERMAID_STATE[row.state])
            # Mermaid's end day is excluded: the day after the last one.
            length = "0d" if row.point else (row.end + timedelta(days=1)).isoformat()
            data = ", ".join([*tags, row.start.isoformat(), length])
            lines.append(f"    {_mermaid(row_label(row))} :{data}")
    lines.append("```")
    return lines


def roadmap_markdown(
    lanes: dict[Lane, list[Row]],
    warnings: list[RoadmapWarning],
    window: Window,
    today: date,
    service: str = "",
) -> str:
    """The roadmap as Markdown: the warnings, one table per lane, then the gantt chart."""
    title = t("roadmap.md.title", service=service) if service else t("roadmap.title")
    lines = [f"# {_inline(title)}", "", window_label(window), ""]
    lines.append(t("roadmap.md.generated", day=format_day(today)))
    lines += ["", f"## {tn('roadmap.md.warnings', len(warnings))}", ""]
    lines += [f"- {_inline(warning_text(w))}" for w in warnings] or [t("roadmap.no_warning")]
    header = [
        t("roadmap.md.item"),
        t("roadmap.md.start"),
        t("roadmap.md.end"),
        t("roadmap.md.state"),
    ]
    for lane in LANES:
        lines += ["", f"## {t(lane.label_key)}", ""]
        if not lanes[lane]:
            lines.append(t("roadmap.lane_empty"))
            continue
        lines.append("| " + " | ".join(header) + " |")
        lines.append("| " + " | ".join(["---"] * len(header)) + " |")
        for row in lanes[lane]:
            start, end = row_dates(row)
            cells = [row_label(row), start, end, row_state(row)]
            lines.append("| " + " | ".join(_cell(c) for c in cells) + " |")
    lines += ["", f"## {t('roadmap.md.chart')}", ""]
    lines += _gantt(lanes, title)
    return "\n".join(lines) + "\n"


# --- JSON -----------------------------------------------------------------------------------


def _row_json(row: Row) -> dict[str, Any]:
    item: dict[str, Any] = {
        "kind": row.kind.value,
        "label": row_label(row),
        "start": row.start.isoformat() if row.start else None,
        "end": row.end.isoformat() if row.end else None,
        "state": row.state or None,
        "ref": {"kind": row.target.kind.value, "id": row.target.id},
    }
    if row.target.code:
        item["ref"]["code"] = row.target.code
    if row.kind is RowKind.EPIC and row.progress is not None:
        item["points_done"], item["points_planned"] = row.progress
        item["target_date"] = row.mark.isoformat() if row.mark else None
    if row.kind is RowKind.SPRINT and row.progress is not None:
        item["points_committed"], item["capacity"] = row.progress
    if row.kind is RowKind.BLIND_SPOTS:
        item["count"] = row.count
    return item


def _warning_json(warning: RoadmapWarning) -> dict[str, Any]:
    ref: dict[str, Any] = {"kind": warning.target.kind.value, "id": warning.target.id}
    if warning.target.code:
        ref["code"] = warning.target.code
    return {
        "kind": warning.kind.value,
        "message": warning_text(warning),
        "day": warning.day.isoformat() if warning.day else None,
        "ref": ref,
    }


def roadmap_json(
    lanes: dict[Lane, list[Row]], warnings: list[RoadmapWarning], window: Window, today: date
) -> str:
    """The roadmap as one JSON document, for other tools."""
    document = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "today": today.isoformat(),
        "from": window.start.isoformat()[:7],
        "months": window.months,
        "warnings": [_warning_json(w) for w in warnings],
        "lanes": [
            {
                "lane": lane.value,
                "label": t(lane.label_key),
                "items": [_row_json(r) for r in lanes[lane]],
            }
            for lane in LANES
        ],
    }
    return json.dumps(document, ensure_ascii=False, indent=2) + "\n"
