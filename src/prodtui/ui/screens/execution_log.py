"""The execution log: every result ever recorded, newest first, read page by page.
It can be filtered and read; nothing in it can be changed from here. The comment of the
result under the cursor is shown in full below the table, line by line: a failure's
message apart from its traceback."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Header, Input, Select, Static

from prodtui.domain.capture import parse_day
from prodtui.domain.recette import Execution, ExecutionStatus
from prodtui.i18n import format_moment, t, tn
from prodtui.resources import styles_dir
from prodtui.store.recette import ExecutionFilter
from prodtui.ui.screens.base import ProdtuiScreen
from prodtui.ui.screens.dialogs import Dialog
from prodtui.ui.text import choices, plain
from prodtui.ui.widgets.fields import LimitedInput, select_value
from prodtui.ui.widgets.key_bar import KeyBar
from prodtui.ui.widgets.lazy_table import Cell, Column, LazyTable

STATUS_STYLE = {"pass": "green", "fail": "bold red", "blocked": "bold yellow"}


class ExecutionLogScreen(ProdtuiScreen[None]):
    CSS_PATH = [styles_dir() / "recette.tcss", styles_dir() / "execution_log.tcss"]
    BINDINGS = [
        Binding("f", "filters", "story.key.filters", id="log.filters"),
        Binding("h", "case_history", "recette.key.case_history", id="log.case_history"),
        Binding("ctrl+r", "clear", "story.key.clear", id="log.clear"),
        Binding("escape", "close", "key.close", id="log.close"),
    ]

    def __init__(self, where: ExecutionFilter | None = None) -> None:
        super().__init__()
        self.where = where or ExecutionFilter()

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="log-title", classes="screen-title", markup=False)
        yield LazyTable(
            [
                Column(t("recette.col.when"), 16),
                Column(t("recette.col.campaign"), 16),
                Column(t("recette.col.case"), 28),
                Column(t("recette.col.status"), 12),
                Column(t("recette.col.tester"), 14),
                Column(t("recette.col.comment")),
            ],
            count=lambda: self.workspace.executions.count(self.where),
            fetch=lambda offset, limit: self.workspace.executions.log(
                self.where, limit=limit, offset=offset
            ),
            cells=self._cells,
            id="log-table",
        )
        with VerticalScroll(id="log-detail"):
            yield Static("", id="log-comment", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.campaign_names = self.workspace.campaigns.names()
        self.reload()
        self.query_one(LazyTable).focus()

    def reload(self) -> None:
        table: LazyTable[Execution] = self.query_one(LazyTable)
        table.reload(cursor=0)
        self.query_one("#log-title", Static).update(
            plain(tn("recette.log_title", table.row_count) + self._describe())
        )

    def _describe(self) -> str:
        w = self.where
        parts = []
        if w.status:
            parts.append(t(w.status.label_key))
        if w.case_id:
            parts.append(self.workspace.test_cases.get(w.case_id).key)
        if w.story_id:
            parts.append(self.workspace.stories.get(w.story_id).key)
        if w.tester:
            parts.append(w.tester)
        if w.start or w.end:
            parts.append(f"{w.start or '…'} → {w.end or '…'}")
        return (" · " + ", ".join(parts)) if parts else ""

    def _cells(self, execution: Execution) -> list[Cell]:
        case = execution.case
        status = execution.status.value
        return [
            format_moment(execution.created_at) if execution.created_at else "",
            self.campaign_names.get(execution.campaign_id, "?"),
            f"{case.key} {case.title}",
            Text(t(execution.status.label_key), style=STATUS_STYLE.get(status, "")),
            execution.tester or t("author.unknown"),
            one_line(execution.comment),
        ]

    def on_lazy_table_highlighted(self, event: LazyTable.Highlighted) -> None:
        execution = event.table.item(event.index)
        comment = execution.comment.strip() if execution is not None else ""
        self.query_one("#log-comment", Static).update(plain(comment))
        detail = self.query_one("#log-detail", VerticalScroll)
        detail.display = bool(comment)
        detail.scroll_home(animate=False)

    def action_filters(self) -> None:
        def chosen(where: ExecutionFilter | None) -> None:
            if where is not None:
                self.where = where
                self.reload()

        self.app.push_screen(LogFilterScreen(self.where), chosen)

    def action_case_history(self) -> None:
        table: LazyTable[Execution] = self.query_one(LazyTable)
        execution = table.item(table.cursor)
        if execution is not None:
            self.where = ExecutionFilter(case_id=execution.case_id)
            self.reload()

    def action_clear(self) -> None:
        self.where = ExecutionFilter()
        self.reload()

    def action_close(self) -> None:
        self.dismiss(None)


def one_line(comment: str) -> str:
    """A comment in a table cell: its lines apart with a ` · ` (a failure's message and
    its body would otherwise read as one sentence)."""
    return " · ".join(line.strip() for line in comment.splitlines() if line.strip())


class LogFilterScreen(Dialog[ExecutionFilter]):
    CSS_PATH = styles_dir() / "recette.tcss"
    BINDINGS = [
        Binding("ctrl+s", "apply", "story.key.apply", priority=True, id="log_filter.apply"),
        Binding("escape", "close", "key.cancel", id="log_filter.close"),
    ]

    def __init__(self, where: ExecutionFilter) -> None:
        super().__init__()
        self.where = where

    def compose(self) -> ComposeResult:
        w = self.where
        with Vertical(classes="dialog wide"):
            yield Static(plain(t("recette.log_filters")), classes="dialog-title")
            yield Select(
                choices([(t(s.label_key), s) for s in ExecutionStatus]),
                value=w.status or Select.NULL,
                prompt=t("recette.any_status"),
                id="lf-status",
            )
            with Horizontal(classes="fields"):
                yield LimitedInput(placeholder=t("recette.filter_case"), id="lf-case")
                yield LimitedInput(placeholder=t("recette.filter_story"), id="lf-story")
                yield LimitedInput(
                    w.tester or "", placeholder=t("recette.filter_tester"), id="lf-tester"
                )
            with Horizontal(classes="fields"):
                yield LimitedInput(
                    w.start.isoformat() if w.start else "",
                    placeholder=t("standup.search_from"),
                    id="lf-start",
                )
                yield LimitedInput(
                    w.end.isoformat() if w.end else "",
                    placeholder=t("standup.search_to"),
                    id="lf-end",
                )
            with Vertical(classes="dialog-footer"):
                yield Static("", id="lf-error", classes="dialog-error", markup=False)
                yield Static(plain(t("recette.log_filters_hint")), classes="dialog-hint")

    def action_apply(self) -> None:
        workspace = self.workspace
        today = self.today()
        error = self.query_one("#lf-error", Static)
        values: dict[str, Any] = {"status": select_value(self.query_one("#lf-status", Select))}
        case_key = self.query_one("#lf-case", Input).value.strip()
        if case_key:
            case = workspace.test_cases.by_key(case_key)
            if case is None:
                error.update(plain(t("recette.unknown_key", key=case_key)))
                return
            values["case_id"] = case.id
        story_key = self.query_one("#lf-story", Input).value.strip()
        if story_key:
            story = workspace.stories.by_key(story_key)
            if story is None:
                error.update(plain(t("recette.unknown_key", key=story_key)))
                return
            values["story_id"] = story.id
        values["tester"] = self.query_one("#lf-tester", Input).value.strip() or None
        for name, selector in (("start", "#lf-start"), ("end", "#lf-end")):
            text = self.query_one(selector, Input).value.strip()
            if text:
                day = parse_day(text, today)
                if day is None:
                    error.update(plain(t("standup.bad_date", value=text)))
                    return
                values[name] = day
        self.dismiss(ExecutionFilter(**values))
