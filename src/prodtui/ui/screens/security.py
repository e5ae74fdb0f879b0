"""Sécurité: the measures checklist by category, its progress, the security score and
its trend; the measure form with its evidence files."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

from rich.text import Text
from textual import work
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Label, Sparkline, Static

from prodtui.domain.capture import parse_due_date
from prodtui.domain.errors import ProdtuiError
from prodtui.domain.security import (
    CATEGORIES,
    TREND_DAYS,
    EvidenceCheck,
    EvidenceFile,
    Measure,
    MeasureEntry,
    MeasureStatus,
    daily_series,
    next_status,
    score_change,
)
from prodtui.i18n import error_message, format_day, t
from prodtui.resources import styles_dir
from prodtui.store.security import (
    MeasureFilter,
    MeasureRepository,
    ReferentialRefused,
    check_files,
    fingerprint,
    read_referential,
)
from prodtui.ui.keys import translate_bindings
from prodtui.ui.screens.base import WorkspaceScreen
from prodtui.ui.screens.dialogs import Dialog, PromptScreen

STATUS_STYLE = {"done": "green", "partial": "yellow", "not_applicable": "dim", "ignored": "red"}
VALIDITY = {
    6: "security.validity.6",
    12: "security.validity.12",
    24: "security.validity.24",
    36: "security.validity.36",
}
SPARK_DAYS = 90
"""The sparkline shows the last three months, one bar per day."""
CHECK_STYLE = {
    EvidenceCheck.UNCHANGED: "green",
    EvidenceCheck.CHANGED: "bold magenta",
    EvidenceCheck.MISSING: "bold red",
}
ALERT = "⚠"
MAX_LISTED_PROBLEMS = 10


def _signed(delta: float) -> str:
    return f"{delta:+.1f}" if delta else "0.0"


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
        Binding("c", "check_files", "security.key.check", id="security.check"),
        Binding("I", "import_referential", "security.key.import", id="security.import"),
        Binding("r", "open('risks')", "security.key.risks", id="security.risks"),
        Binding(
            "h", "open('homologation')", "security.key.homologation", id="security.homologation"
        ),
        Binding("x", "export_dossier", "security.key.dossier", id="security.dossier"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filters: set[str] = set()
        self.entries: list[MeasureEntry] = []
        self._pending_code: str | None = None

    @property
    def measures(self) -> MeasureRepository:
        return self.workspace.measures  # type: ignore[no-any-return]

    def compose_body(self) -> ComposeResult:
        yield Static("", id="security-score", classes="screen-title", markup=False)
        with Horizontal(id="security-trend-row"):
            yield Static("", id="security-trend", markup=False)
            yield Sparkline([], id="security-spark")
        yield Static("", id="security-categories", markup=False)
        yield Static("", id="security-filters", classes="dialog-hint", markup=False)
        table: DataTable[str | Text] = DataTable(id="security-table", cursor_type="row")
        for key in (
            "code",
            "evidence",
            "title",
            "priority",
            "indispensable",
            "status",
            "owner",
            "due",
        ):
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
        self._show_trend(card.overall, today)
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
                Text(ALERT, style="bold magenta") if entry.evidence_alert else "",
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
        if self._pending_code is not None:
            code, self._pending_code = self._pending_code, None
            self.show_measure(code)

    def _show_trend(self, current: float | None, today: Any) -> None:
        history = self.measures.history(since=today - timedelta(days=max(SPARK_DAYS, 366)))
        change = score_change(history, current, today)
        if change is None:
            text = t("security.trend_none")
        elif change.full_window:
            text = t(
                "security.trend",
                arrow=change.trend.arrow,
                delta=_signed(change.delta),
                days=TREND_DAYS,
            )
        else:
            text = t(
                "security.trend_since",
                arrow=change.trend.arrow,
                delta=_signed(change.delta),
                day=format_day(change.since, short=True),
            )
        self.query_one("#security-trend", Static).update(text)
        spark = self.query_one("#security-spark", Sparkline)
        spark.data = daily_series(history, current, today, SPARK_DAYS)

    def selected(self) -> MeasureEntry | None:
        if not self.entries:
            return None
        return self.entries[min(self.query_one(DataTable).cursor_row, len(self.entries) - 1)]

    def show_measure(self, code: str) -> None:
        """Put the cursor on the measure `code` (as global search finds it), clearing the
        filters when they hide it; an unknown code is said, the cursor stays."""
        code = code.strip().upper()
        if not self.is_mounted:
            self._pending_code = code
            return
        if code not in {e.code for e in self.entries}:
            if self.measures.entry(code) is None:
                self.notify(t("security.unknown_measure", code=code), severity="warning")
                return
            self.filters.clear()
            self.refresh_data()
        for row, entry in enumerate(self.entries):
            if entry.code == code:
                table = self.query_one("#security-table", DataTable)
                table.move_cursor(row=row, scroll=True)
                table.focus()
                return

    def _write(self, action: Any) -> None:
        try:
            action()
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error", markup=False)
        self.refresh_data()

    def action_cycle(self) -> None:
        if entry := self.selected():
            status = next_status(entry.state.status)
            today = self.prodtui.today()
            self._write(lambda: self.measures.set_status(entry.state, status, today=today))

    def action_not_applicable(self) -> None:
        entry = self.selected()
        if entry is None:
            return

        def justified(reason: str | None) -> None:
            if not reason:
                self.notify(
                    t("security.na_cancelled", code=entry.code), severity="warning", markup=False
                )
                return
            self._write(
                lambda: self.measures.set_status(
                    entry.state,
                    MeasureStatus.NOT_APPLICABLE,
                    reason,
                    today=self.prodtui.today(),
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

    # -- evidence files and referential import: I/O in threads, writes on this one ---------

    def action_check_files(self) -> None:
        files = self.measures.all_files()
        if not files:
            self.notify(t("security.check_none"))
            return
        self.notify(t("security.check_running", count=len(files)))
        self._check(files)

    @work(thread=True, exclusive=True, group="evidence-check")
    def _check(self, files: list[EvidenceFile]) -> None:
        results = check_files(files)
        self.app.call_from_thread(self._checked, results)

    def _checked(self, results: dict[int, EvidenceCheck]) -> None:
        alarming = self._save(lambda: self.measures.save_checks(results))
        if alarming is None:
            return
        self.notify(
            t("security.check_done", count=len(results), alarming=alarming),
            severity="warning" if alarming else "information",
        )
        self.refresh_data()

    def _save(self, action: Any) -> Any:
        try:
            return action()
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error", markup=False)
            return None

    def action_import_referential(self) -> None:
        def chosen(value: str | None) -> None:
            if value:
                self._read_referential(Path(value).expanduser())

        self.app.push_screen(
            PromptScreen(
                t("security.import_title"),
                placeholder="~/referentiel.csv",
                hint=t("security.import_hint"),
            ),
            chosen,
        )

    @work(thread=True, exclusive=True, group="referential")
    def _read_referential(self, path: Path) -> None:
        try:
            measures = read_referential(path)
        except ProdtuiError as error:
            self.app.call_from_thread(self._import_refused, error)
            return
        self.app.call_from_thread(self._import, measures, path.name)

    def _import_refused(self, error: ProdtuiError) -> None:
        lines = [error_message(error)]
        if isinstance(error, ReferentialRefused):
            lines += [f"{p.position} : {p.message}" for p in error.problems[:MAX_LISTED_PROBLEMS]]
            if len(error.problems) > MAX_LISTED_PROBLEMS:
                lines.append("…")
        self.notify("\n".join(lines), severity="error", markup=False, timeout=30)

    def _import(self, measures: list[Measure], source: str) -> None:
        outcome = self._save(
            lambda: self.measures.import_measures(measures, source, today=self.prodtui.today())
        )
        if outcome is None:
            return
        self.notify(
            t(
                "security.imported",
                added=len(outcome.added),
                updated=len(outcome.updated),
                unchanged=len(outcome.unchanged),
            )
        )
        self.refresh_data()

    def action_open(self, what: str) -> None:
        from prodtui.ui.screens.homologation import open_security_panel

        open_security_panel(self, what)

    def action_export_dossier(self) -> None:
        from prodtui.ui.screens.homologation import export_dossier

        export_dossier(self)


class EvidenceTable(DataTable[str | Text]):
    """The evidence files of the measure in the form; `r` accepts a file as it is now."""

    BINDINGS = [
        Binding("r", "rerecord", "security.key.rerecord", id="measure_form.rerecord"),
        Binding("delete", "forget", "security.key.forget", id="measure_form.forget"),
    ]

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(cursor_type="row", **kwargs)
        translate_bindings(self)

    def action_rerecord(self) -> None:
        if isinstance(self.screen, MeasureFormScreen):
            self.screen.rerecord_selected()

    def action_forget(self) -> None:
        if isinstance(self.screen, MeasureFormScreen):
            self.screen.forget_selected()


class MeasureFormScreen(Dialog):
    """Owner, due date, the story that plans it, how it is done, evidence (text, and files
    with their hash) and comment of one measure. Opening it checks its files in a
    thread; `enter` in the file field hashes and records a file."""

    CSS_PATH = styles_dir() / "security.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", priority=True, id="measure_form.save"),
        Binding("escape", "close", "key.cancel", id="measure_form.close"),
    ]

    def __init__(self, entry: MeasureEntry) -> None:
        super().__init__()
        self.entry = entry
        self.files: list[EvidenceFile] = []
        self.checks: dict[int, EvidenceCheck] = {}

    def compose(self) -> ComposeResult:
        state = self.entry.state
        with VerticalScroll(classes="dialog wide", id="measure-form"):
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
            yield Label(t("security.field.file"))
            yield Input(placeholder=t("security.file_placeholder"), id="mf-file")
            yield Static("", id="mf-file-status", classes="dialog-hint", markup=False)
            table = EvidenceTable(id="mf-files")
            for key in ("state", "path", "size", "recorded", "sha256"):
                table.add_column(t(f"security.file_col.{key}"), key=key)
            yield table
            yield Static("", id="mf-error", classes="dialog-error", markup=False)
            yield Static(t("security.form_hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#mf-owner", Input).focus()
        self._load_files(check=True)

    def _story_key(self) -> str:
        story_id = self.entry.state.story_id
        if story_id is None:
            return ""
        try:
            return str(self.workspace.stories.get(story_id).key)
        except ProdtuiError:
            return ""

    # -- evidence files ---------------------------------------------------------------------

    def _load_files(self, *, check: bool = False) -> None:
        self.files = self.workspace.measures.files(self.entry.state)
        self._show_files()
        if check and self.files:
            self._set_file_status(t("security.checking"))
            self._check(list(self.files))

    def _show_files(self) -> None:
        table = self.query_one("#mf-files", EvidenceTable)
        row = table.cursor_row
        table.clear()
        for file in self.files:
            result = self.checks.get(file.id or 0)
            state: str | Text = (
                Text(t(result.label_key), style=CHECK_STYLE[result])
                if result
                else Text(t("security.evidence.checking"), style="dim")
            )
            table.add_row(
                state,
                file.path,
                _size(file.size),
                format_day(file.recorded_at.date(), short=True),
                file.sha256[:12],
                key=str(file.id),
            )
        table.display = bool(self.files)
        if self.files:
            table.move_cursor(row=min(max(row, 0), len(self.files) - 1))

    def _set_file_status(self, text: str) -> None:
        self.query_one("#mf-file-status", Static).update(text)

    @work(thread=True, exclusive=True, group="evidence")
    def _check(self, files: list[EvidenceFile]) -> None:
        results = check_files(files)
        self.app.call_from_thread(self._checked, results)

    def _checked(self, results: dict[int, EvidenceCheck]) -> None:
        self.checks |= results
        try:
            self.workspace.measures.save_checks(results)
        except ProdtuiError as error:  # a read-only workspace still shows the result
            self._set_file_status(error_message(error))
        else:
            alarming = sum(r.alarming for r in results.values())
            self._set_file_status(t("security.check_done", count=len(results), alarming=alarming))
        self._show_files()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "mf-file":
            return
        event.stop()
        if not event.value.strip():
            self._set_file_status(t("security.file_empty_path"))
            return
        self._set_file_status(t("security.hashing"))
        self._record(event.value)

    @work(thread=True, exclusive=True, group="evidence")
    def _record(self, text: str) -> None:
        try:
            found = fingerprint(text)
        except ProdtuiError as error:
            self.app.call_from_thread(self._set_file_status, error_message(error))
            return
        self.app.call_from_thread(self._recorded, found)

    def _recorded(self, found: Any) -> None:
        try:
            file = self.workspace.measures.record_file(self.entry.state, found)
        except (ProdtuiError, ValueError) as error:
            self._set_file_status(error_message(error))
            return
        self.checks[file.id or 0] = EvidenceCheck.UNCHANGED
        self.query_one("#mf-file", Input).value = ""
        self._set_file_status(t("security.file_recorded", path=file.path))
        self._load_files()

    def _selected_file(self) -> EvidenceFile | None:
        if not self.files:
            return None
        row = self.query_one("#mf-files", EvidenceTable).cursor_row
        return self.files[min(max(row, 0), len(self.files) - 1)]

    def rerecord_selected(self) -> None:
        """Accept the selected file as it is now: hash it again and record the new hash."""
        if file := self._selected_file():
            self._set_file_status(t("security.hashing"))
            self._record(file.path)

    def forget_selected(self) -> None:
        if (file := self._selected_file()) is None:
            return
        try:
            self.workspace.measures.remove_file(file)
        except ProdtuiError as error:
            self._set_file_status(error_message(error))
            return
        self._set_file_status(t("security.file_forgotten", path=file.path))
        self._load_files()

    # -- saving -----------------------------------------------------------------------------

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
                ),
                today=self.app.today(),  # type: ignore[attr-defined]
            )
        except (ProdtuiError, ValueError) as problem:
            error.update(error_message(problem))
            return
        self.dismiss(None)


def _size(size: int) -> str:
    """Sizes as a file manager shows them, in the units of the language."""
    units = t("security.size_units").split(",")
    value = float(size)
    for n, unit in enumerate(units):
        if value < 1024 or n == len(units) - 1:
            return f"{value:.0f} {unit}" if n == 0 else f"{value:.1f} {unit}"
        value /= 1024
    return str(size)
