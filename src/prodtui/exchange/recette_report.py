"""A campaign's report in Markdown, in the interface language: where the recette stands,
story by story, what failed and why, who tested, what was automated.

`recette_report` is pure (plain data in, text out) so the screen and the shell share it;
`prodtui.app.recette.campaign_report` gathers that data for one campaign.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from datetime import date, datetime

from prodtui.domain.recette import (
    JUDGED,
    Campaign,
    Execution,
    ExecutionStatus,
    TestCase,
    pass_rate,
    shown_rate,
)
from prodtui.domain.stories import Story
from prodtui.i18n import format_numeric_day, percent, t, tn

NO_VALUE = "—"


# -- the pure report ----------------------------------------------------------------------


def recette_report(
    campaign: Campaign,
    cases: Mapping[int, TestCase],
    latest: Mapping[int, Execution],
    stories: Mapping[int, Story],
    *,
    without_result: int = 0,
) -> str:
    """The report of `campaign` from each case's latest result in it (`latest`, by case id).
    `cases` (by id) and `stories` (by id) give the current titles and story links; a case
    missing from `cases` is described by the copy frozen in its result. `without_result`
    counts the cases of the current pass that have no result in the campaign yet."""
    results = sorted(latest.values(), key=lambda e: case_of(e, cases).number or 0)
    lines = [f"# {t('recette.report.title', name=_inline(campaign.name))}", ""]
    lines += _header(campaign)
    lines += ["", f"## {t('recette.report.results')}", ""]
    if results:
        lines += [_rate_line([e.status for e in results]), ""]
    else:
        lines += [t("recette.report.no_result"), ""]
    lines += _status_table(results, without_result)
    if not results:
        return "\n".join(lines) + "\n"
    lines += _story_section(results, cases, stories)
    lines += _problem_section(results, cases)
    lines += _tester_section(results)
    lines += _automation_section(results)
    return "\n".join(lines) + "\n"


def _header(campaign: Campaign) -> list[str]:
    fields = [
        (t("recette.report.release"), _inline(campaign.release) or NO_VALUE),
        (t("recette.report.state"), t(campaign.state.label_key)),
        (t("recette.report.pass"), str(campaign.pass_number)),
    ]
    if campaign.start_date or campaign.end_date:
        span = f"{_day(campaign.start_date)} → {_day(campaign.end_date)}"
        fields.append((t("recette.report.dates"), span))
    return [f"- **{label}** {value}" for label, value in fields]


def _rate_line(statuses: list[ExecutionStatus]) -> str:
    rate = pass_rate(statuses)
    judged = sum(1 for s in statuses if s in JUDGED)
    passed = statuses.count(ExecutionStatus.PASS)
    if rate is None:
        return (
            f"**{t('recette.report.rate', rate=NO_VALUE)}** ({t('recette.report.nothing_judged')})"
        )
    detail = t(
        "recette.report.rate_detail",
        passed=tn("recette.report.passed", passed),
        judged=tn("recette.report.judged", judged),
    )
    return f"**{t('recette.report.rate', rate=_percent(rate))}** ({detail})"


def _status_table(results: list[Execution], without_result: int) -> list[str]:
    counts = dict.fromkeys(ExecutionStatus, 0)
    for execution in results:
        counts[execution.status] += 1
    rows = [[_status(status), str(count)] for status, count in counts.items()]
    rows.append([t("recette.report.without_result"), str(without_result)])
    return _table([t("recette.report.col_status"), t("recette.report.col_cases")], rows)


def _story_section(
    results: list[Execution], cases: Mapping[int, TestCase], stories: Mapping[int, Story]
) -> list[str]:
    groups: dict[int | None, list[ExecutionStatus]] = {}
    for execution in results:
        story_id = case_of(execution, cases).story_id
        # A link to a story that no longer exists counts as no link.
        groups.setdefault(story_id if story_id in stories else None, []).append(execution.status)
    order = sorted(
        (story_id for story_id in groups if story_id is not None),
        key=lambda story_id: stories[story_id].number or 0,
    )
    rows = []
    for story_id in [*order, None] if None in groups else order:
        statuses = groups[story_id]
        if story_id is None:
            key, title = t("recette.report.no_story"), ""
        else:
            key, title = stories[story_id].key, stories[story_id].title
        rate = pass_rate(statuses)
        rows.append(
            [
                key,
                _cell(title),
                str(len(statuses)),
                str(statuses.count(ExecutionStatus.PASS)),
                str(statuses.count(ExecutionStatus.FAIL)),
                str(statuses.count(ExecutionStatus.BLOCKED)),
                _percent(rate) if rate is not None else NO_VALUE,
            ]
        )
    header = [
        t("recette.report.col_story"),
        t("recette.report.col_title"),
        t("recette.report.col_cases"),
        t("recette.report.col_passed"),
        t("recette.report.col_failed"),
        t("recette.report.col_blocked"),
        t("recette.report.col_rate"),
    ]
    return ["", f"## {t('recette.report.by_story')}", "", *_table(header, rows)]


def _problem_section(results: list[Execution], cases: Mapping[int, TestCase]) -> list[str]:
    problems = [e for e in results if e.status in (ExecutionStatus.FAIL, ExecutionStatus.BLOCKED)]
    lines = ["", f"## {t('recette.report.problems', count=len(problems))}", ""]
    if not problems:
        return [*lines, t("recette.report.no_problem")]
    for execution in problems:
        case = case_of(execution, cases)
        facts = [
            _status(execution.status),
            _inline(execution.tester) or t("recette.report.no_tester"),
        ]
        if execution.created_at is not None:
            facts.append(_day(execution.created_at))
        lines.append(f"- **{case.key}** {_inline(case.title)} — {' · '.join(facts)}")
        # The comment (the actual result) is quoted as written, line by line.
        for line in execution.comment.strip().splitlines() or [""]:
            lines.append(f"  > {line.rstrip()}".rstrip())
    return lines


def _tester_section(results: list[Execution]) -> list[str]:
    counts: dict[str, int] = {}
    for execution in results:
        name = _inline(execution.tester) or t("recette.report.no_tester")
        counts[name] = counts.get(name, 0) + 1
    rows = [
        [_cell(name), str(count)]
        for name, count in sorted(counts.items(), key=lambda item: (-item[1], item[0].lower()))
    ]
    header = [t("recette.report.col_tester"), t("recette.report.col_results")]
    return ["", f"## {t('recette.report.testers')}", "", *_table(header, rows)]


def _automation_section(results: list[Execution]) -> list[str]:
    rows = []
    for label, automated in (
        (t("recette.report.automated"), True),
        (t("recette.report.manual"), False),
    ):
        statuses = [e.status for e in results if e.automated is automated]
        rate = pass_rate(statuses)
        rows.append([label, str(len(statuses)), _percent(rate) if rate is not None else NO_VALUE])
    header = ["", t("recette.report.col_cases"), t("recette.report.col_rate")]
    return ["", f"## {t('recette.report.automation')}", "", *_table(header, rows)]


# -- formatting ---------------------------------------------------------------------------


def case_of(execution: Execution, cases: Mapping[int, TestCase]) -> TestCase:
    return cases.get(execution.case_id) or execution.case


def _status(status: ExecutionStatus) -> str:
    return t(ExecutionStatus(status).label_key)


def _percent(rate: float) -> str:
    return percent(*shown_rate(rate))  # never 100 % while a case failed


def _day(value: date | datetime | None) -> str:
    if value is None:
        return NO_VALUE
    return format_numeric_day(value)


def _inline(text: str) -> str:
    """User text on one line: a title or a name must not break the Markdown around it."""
    return " ".join(text.split())


def _cell(text: str) -> str:
    return _inline(text).replace("|", "\\|")


def _table(header: list[str], rows: Iterable[list[str]]) -> list[str]:
    def line(cells: list[str]) -> str:
        return "| " + " | ".join(cells) + " |"

    return [line(header), line(["---"] * len(header)), *(line(row) for row in rows)]
