"""Sécurité: the measures checklist by category, its progress and the security score."""

from __future__ import annotations

from typing import Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, Static

from prodtui.domain.capture import parse_due_date
from prodtui.domain.errors import ProdtuiError
from prodtui.domain.security import CATEGORIES, MeasureEntry, MeasureStatus, next_status
from prodtui.i18n import error_message, format_day, t
from prodtui.resources import styles_dir
from prodtui.store.security import MeasureFilter, MeasureRepository
from prodtui.ui.screens.base import WorkspaceScreen
from prodtui.ui.screens.dialogs import Dialog, PromptScreen

STATUS_STYLE = {"done": "green", "partial": "yellow", "not_applicable": "dim", "ignored": "red"}
VALIDITY = {
    6: "security.validity.6",
    12: "security.validity.12",
    24: "security.validity.24",
    36: "security.validity.36",
}


class SecurityScreen(WorkspaceScreen):
    mode_name = "security"
    CSS_PATH = styles_dir() / "security.tcss"

    BINDINGS = [
        Binding("s", "cycle", "security.key.cycle", id="security.cycle"),
        Binding("a", "not_applicable", "security.key.na", id="security.na"),
        Binding("e", "edit", "key.edit", id="security.edit"),
        Binding("l", "toggle('late')", "security.key.late", id="security.late"),
        Binding("m", "toggle('mine')", "security.key.mine", id="security.mine"),
        Binding(
            "exclamation_mark",
            "toggle('indispensable')",
            "security.key.indispensable",
            id="security.indispensable",
        ),
        Binding("o", "toggle('no_owner')", "security.key.no_owner", id="security.no_owner"),
        Binding("p", "toggle('no_plan')", "security.key.no_plan", id="security.no_plan"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters: set[str] = set()
        self.entries: list[MeasureEntry] = []

    @property
    def measures(self) -> MeasureRepository:
        return self.workspace.measures  # type: ignore[no-any-return]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="security-score", classes="screen-title", markup=False)
        yield Static("", id="security-categories", markup=False)
        yield Static("", id="security-filters", classes="dialog-hint", markup=False)
        table: DataTable[str | Text] = DataTable(id="security-table", cursor_type="row")
        for key in ("code", "title", "priority", "indispensable", "status", "owner", "due"):
            table.add_column(t(f"security.col.{key}"), key=key)
        yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def _filter(self) -> MeasureFilter:
        return MeasureFilter(
            late="late" in self.filters,
            owner=(self.prodtui.settings.author or self.workspace.author)
            if "mine" in self.filters
            else None,
            indispensable_not_done="indispensable" in self.filters,
            no_owner="no_owner" in self.filters,
            no_plan="no_plan" in self.filters,
        )

    def refresh_data(self) -> None:
        if not self.is_mounted:
            return
        today = self.prodtui.today()
        card = self.measures.score()
        overall = "—" if card.overall is None else f"{card.overall:.1f}"
        validity = t(VALIDITY[card.suggested_validity]) if card.suggested_validity else "—"
        done = card.overall_progress
        self.query_one("#security-score", Static).update(
            t(
                "security.score_line",
                score=overall,
                validity=validity,
                done=done.done,
                partial=done.partial,
                total=done.total,
            )
        )
        parts = []
        for category in CATEGORIES:
            score = card.categories.get(category)
            share = card.category_progress[category].share
            parts.append(
                f"{t(category.label_key)} {'—' if score is None else f'{score:.1f}'} ({share:.0%})"
            )
        self.query_one("#security-categories", Static).update(" · ".join(parts))
        active = [t(f"security.filter.{name}") for name in sorted(self.filters)]
        self.query_one("#security-filters", Static).update(
            t("security.filters_on", names=", ".join(active)) if active else t("security.hint")
        )
        table = self.query_one("#security-table", DataTable)
        row = table.cursor_row
        self.entries = self.measures.entries(self._filter(), today=today)
        table.clear()
        for entry in self.entries:
            measure, state = entry.measure, entry.state
            due: str | Text = format_day(state.due_date, short=True) if state.due_date else ""
            if entry.is_late(today):
                due = Text(f"⚠ {due}", style="bold red")
            status = state.status.value
            table.add_row(
                measure.code,
                measure.title,
                measure.priority.value,
                "●" if measure.indispensable else "",
                Text(t(state.status.label_key), style=STATUS_STYLE.get(status, "")),
                state.owner or "",
                due,
                key=measure.code,
            )
        if self.entries:
            table.move_cursor(row=min(max(row, 0), len(self.entries) - 1))

    def selected(self) -> MeasureEntry | None:
        if not self.entries:
            return None
        return self.entries[min(self.query_one(DataTable).cursor_row, len(self.entries) - 1)]

    def _write(self, action: Any) -> None:
        try:
            action()
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error", markup=False)
        self.refresh_data()

    def action_cycle(self) -> None:
        if entry := self.selected():
            status = next_status(entry.state.status)
            self._write(lambda: self.measures.set_status(entry.state, status))

    def action_not_applicable(self) -> None:
        entry = self.selected()
        if entry is None:
            return

        def justified(reason: str | None) -> None:
            if reason:
                self._write(
                    lambda: self.measures.set_status(
                        entry.state, MeasureStatus.NOT_APPLICABLE, reason
                    )
                )

        self.app.push_screen(
            PromptScreen(
                t("security.na_title", code=entry.code),
                entry.state.justification,
                check=lambda v: None if v.strip() else t("security.na_needed"),
            ),
            justified,
        )

    def action_edit(self) -> None:
        if entry := self.selected():
            self.app.push_screen(MeasureFormScreen(entry), lambda _: self.refresh_data())

    def action_toggle(self, name: str) -> None:
        self.filters ^= {name}
        self.refresh_data()


class MeasureFormScreen(Dialog):
    """Owner, due date, how it is done, evidence and comment of one measure."""

    CSS_PATH = styles_dir() / "security.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", priority=True, id="measure_form.save"),
        Binding("escape", "close", "key.cancel", id="measure_form.close"),
    ]

    def __init__(self, entry: MeasureEntry) -> None:
        super().__init__()
        self.entry = entry

    def compose(self) -> ComposeResult:
        state = self.entry.state
        with Vertical(classes="dialog wide"):
            yield Static(
                f"{self.entry.code} {self.entry.measure.title}",
                classes="dialog-title",
                markup=False,
            )
            yield Static(self.entry.measure.description, classes="dialog-hint", markup=False)
            with Horizontal(classes="fields"):
                with Vertical():
                    yield Label(t("security.col.owner"))
                    yield Input(state.owner or "", id="mf-owner")
                with Vertical():
                    yield Label(t("security.col.due"))
                    yield Input(
                        state.due_date.isoformat() if state.due_date else "",
                        placeholder=t("editor.due_placeholder"),
                        id="mf-due",
                    )
            yield Label(t("security.field.story"))
            yield Input(self._story_key(), placeholder="US-12", id="mf-story")
            for field in ("how", "evidence", "comment"):
                yield Label(t(f"security.field.{field}"))
                yield Input(getattr(state, field), id=f"mf-{field}")
            yield Static("", id="mf-error", classes="dialog-error", markup=False)
            yield Static(t("recette.case_hint"), classes="dialog-hint")

    def _story_key(self) -> str:
        story_id = self.entry.state.story_id
        if story_id is None:
            return ""
        try:
            return str(self.workspace.stories.get(story_id).key)
        except ProdtuiError:
            return ""

    def action_save(self) -> None:
        workspace = self.workspace
        error = self.query_one("#mf-error", Static)
        story_key = self.query_one("#mf-story", Input).value.strip()
        story = workspace.stories.by_key(story_key) if story_key else None
        if story_key and story is None:
            error.update(t("recette.unknown_key", key=story_key))
            return
        due_text = self.query_one("#mf-due", Input).value.strip()
        due = parse_due_date(due_text, self.app.today()) if due_text else None  # type: ignore[attr-defined]
        if due_text and due is None:
            error.update(t("editor.bad_due", value=due_text))
            return
        try:
            workspace.measures.save(
                self.entry.state.edit(
                    owner=self.query_one("#mf-owner", Input).value.strip() or None,
                    due_date=due,
                    how=self.query_one("#mf-how", Input).value,
                    evidence=self.query_one("#mf-evidence", Input).value,
                    comment=self.query_one("#mf-comment", Input).value,
                    story_id=story.id if story else None,
                )
            )
        except (ProdtuiError, ValueError) as problem:
            error.update(error_message(problem))
            return
        self.dismiss(None)
