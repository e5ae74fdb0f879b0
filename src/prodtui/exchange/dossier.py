"""The homologation dossier in Markdown, in the interface language: the service, the
security score and the validity it suggests, the measures by category with their status
and owner, the risks with their level, the steps, the decision in force and its expiry.

`homologation_dossier` is pure (plain data and the day it is written, text out): the same
workspace on the same day always gives the same text. `prodtui.app.dossier` gathers the
data through the repositories; the screen and `prodtui export dossier` share both.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date

from prodtui.domain.homologation import HomologationDecision, HomologationStep
from prodtui.domain.risks import Risk
from prodtui.domain.security import (
    CATEGORIES,
    MeasureEntry,
    MeasureStatus,
    Progress,
    ScoreCard,
    scorecard,
)
from prodtui.homologation_text import SUGGESTED_VALIDITY_KEYS, VALIDITY_KEYS, remaining_text
from prodtui.i18n import format_numeric_day, number, t

NO_VALUE = "—"


@dataclass(frozen=True)
class DossierData:
    """Everything the dossier says, read beforehand."""

    name: str
    """The workspace's short name (meta `name`), the dossier's title."""
    service: str
    """The public service described (meta `service`); the name when empty."""
    organisation: str
    entries: Sequence[MeasureEntry]
    risks: Sequence[Risk]
    steps: Sequence[HomologationStep]
    decision: HomologationDecision | None


# -- the pure dossier ---------------------------------------------------------------------


def homologation_dossier(data: DossierData, today: date) -> str:
    """The dossier as of `today` (the countdown counts from it)."""
    card = scorecard(data.entries)
    lines = [f"# {t('dossier.title', service=_inline(data.name))}", ""]
    facts = [(t("dossier.service"), _inline(data.service) or _inline(data.name) or NO_VALUE)]
    if data.organisation.strip():
        facts.append((t("dossier.organisation"), _inline(data.organisation)))
    facts.append((t("dossier.written_on"), _day(today)))
    lines += [f"- **{label}** {value}" for label, value in facts]
    lines += _score_section(card)
    lines += _measures_section(data.entries)
    lines += _risks_section(data.risks)
    lines += _steps_section(data.steps)
    lines += _decision_section(data.decision, today)
    return "\n".join(lines) + "\n"


def _score_section(card: ScoreCard) -> list[str]:
    lines = ["", f"## {t('dossier.score')}", ""]
    validity = (
        t(SUGGESTED_VALIDITY_KEYS[card.suggested_validity]) if card.suggested_validity else NO_VALUE
    )
    lines += [
        t("dossier.score_line", score=_score(card.overall), validity=validity),
        "",
        t("dossier.score_formula"),
        "",
    ]
    rows = [
        [t(category.label_key), _score(card.categories[category]), *_progress(progress)]
        for category, progress in card.category_progress.items()
    ]
    rows.append(
        [f"**{t('dossier.overall')}**", _score(card.overall), *_progress(card.overall_progress)]
    )
    header = [
        t("dossier.col.category"),
        t("dossier.col.score"),
        t("dossier.col.done"),
        t("dossier.col.partial"),
        t("dossier.col.applicable"),
        t("dossier.col.not_applicable"),
    ]
    return [*lines, *_table(header, rows)]


def _progress(progress: Progress) -> list[str]:
    return [
        str(progress.done),
        str(progress.partial),
        str(progress.total),
        str(progress.not_applicable),
    ]


def _measures_section(entries: Sequence[MeasureEntry]) -> list[str]:
    lines = ["", f"## {t('dossier.measures', count=len(entries))}"]
    if not entries:
        return [*lines, "", t("dossier.no_measure")]
    header = [
        t("dossier.col.code"),
        t("dossier.col.measure"),
        t("dossier.col.priority"),
        t("dossier.col.indispensable"),
        t("dossier.col.status"),
        t("dossier.col.owner"),
    ]
    for category in CATEGORIES:
        chosen = [e for e in entries if e.measure.category is category]
        if not chosen:
            continue
        rows = []
        for entry in sorted(chosen, key=lambda e: e.code):
            status = t(entry.state.status.label_key)
            if entry.state.status is MeasureStatus.NOT_APPLICABLE:
                status += f" ({_cell(entry.state.justification)})"
            rows.append(
                [
                    entry.code,
                    _cell(entry.measure.title),
                    entry.measure.priority.value,
                    t("dossier.yes") if entry.measure.indispensable else "",
                    status,
                    _cell(entry.state.owner or "") or NO_VALUE,
                ]
            )
        lines += ["", f"### {t(category.label_key)}", "", *_table(header, rows)]
    return lines


def _risks_section(risks: Sequence[Risk]) -> list[str]:
    lines = ["", f"## {t('dossier.risks', count=len(risks))}", ""]
    if not risks:
        return [*lines, t("dossier.no_risk")]
    header = [
        t("dossier.col.risk"),
        t("dossier.col.criterion"),
        t("dossier.col.likelihood"),
        t("dossier.col.severity"),
        t("dossier.col.level"),
        t("dossier.col.treatment"),
        t("dossier.col.owner"),
    ]
    ordered = sorted(risks, key=lambda r: (-r.weight, -r.severity, r.id or 0))
    rows = [
        [
            _cell(risk.title),
            t(risk.criterion.label_key),
            str(risk.likelihood),
            str(risk.severity),
            f"**{t(risk.level.label_key)}**",
            _cell(risk.treatment) or NO_VALUE,
            _cell(risk.owner or "") or NO_VALUE,
        ]
        for risk in ordered
    ]
    return [*lines, *_table(header, rows)]


def _steps_section(steps: Sequence[HomologationStep]) -> list[str]:
    lines = ["", f"## {t('dossier.steps')}", ""]
    if not steps:
        return [*lines, t("dossier.no_step")]
    header = [
        "#",
        t("dossier.col.step"),
        t("dossier.col.status"),
        t("dossier.col.date"),
        t("dossier.col.notes"),
    ]
    rows = [
        [
            str(n),
            _cell(step.title),
            t(step.status.label_key),
            _day(step.date) if step.date else NO_VALUE,
            _cell(step.notes) or "",
        ]
        for n, step in enumerate(sorted(steps, key=lambda s: (s.position, s.id or 0)), start=1)
    ]
    return [*lines, *_table(header, rows)]


def _decision_section(decision: HomologationDecision | None, today: date) -> list[str]:
    lines = ["", f"## {t('dossier.decision')}", ""]
    if decision is None:
        return [*lines, t("dossier.no_decision")]
    authority = _inline(decision.authority_name)
    if decision.authority_role.strip():
        authority += f", {_inline(decision.authority_role)}"
    facts = [
        (t("dossier.authority"), authority),
        (t("dossier.opinion"), t(decision.opinion.label_key)),
        (t("dossier.decided_on"), _day(decision.decided_on)),
    ]
    # A refused homologation has no validity and no expiry: writing them would read as
    # a service homologated until then.
    if decision.expires_on is not None:
        facts += [
            (t("dossier.validity"), t(VALIDITY_KEYS[decision.validity_months])),
            (t("dossier.expires_on"), _day(decision.expires_on)),
        ]
    left = decision.countdown(today)
    if left is None:
        facts.append((t("dossier.status"), t("dossier.refused")))
    else:
        facts.append((t("dossier.countdown"), remaining_text(left)))
    return [*lines, *(f"- **{label}** {value}" for label, value in facts)]


# -- formatting ---------------------------------------------------------------------------


def _score(score: float | None) -> str:
    if score is None:
        return NO_VALUE
    return number(score)


def _day(day: date) -> str:
    return format_numeric_day(day)


def _inline(text: str) -> str:
    """User text on one line: a title or a name must not break the Markdown around it."""
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    return [line(header), line(["---"] * len(header)), *(line(row) for row in rows)]
