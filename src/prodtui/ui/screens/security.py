"""Sécurité: the measures checklist by category, its progress, the security score and
its trend; the measure form with its evidence files."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path
from typing import TYPE_CHECKING, NamedTuple, TypeVar

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import DataTable, Input, Label, Sparkline, Static

from prodtui.domain.capture import parse_due_date
from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.security import (
    CATEGORIES,
    TREND_DAYS,
    EvidenceCheck,
    EvidenceFile,
    Measure,
    MeasureEntry,
    MeasureState,
    MeasureStatus,
    daily_series,
    next_status,
    score_change,
)
from prodtui.exchange.evidence import (
    FileFingerprint,
    check_files,
    fingerprint,
    resolved_targets,
)
from prodtui.exchange.referential import ReferentialRefused, read_referential
from prodtui.homologation_text import SUGGESTED_VALIDITY_KEYS
from prodtui.i18n import error_message, file_size, format_day, number, percent, t, tn
from prodtui.resources import styles_dir
from prodtui.store.security import EvidenceSummary, MeasureFilter, MeasureRepository
from prodtui.ui.screens.base import WorkspaceScreen
from prodtui.ui.screens.dialogs import FormDialog, PromptScreen, form_bindings, record_key
from prodtui.ui.text import cell, plain
from prodtui.ui.undo import Undoable
from prodtui.ui.widgets.fields import LimitedInput
from prodtui.ui.widgets.fitted_table import FittedTable
from prodtui.ui.widgets.work_progress import WorkReport, run_with_progress

if TYPE_CHECKING:
    from prodtui.store import Workspace

T = TypeVar("T")

STATUS_STYLE = {"done": "green", "partial": "yellow", "not_applicable": "dim", "ignored": "red"}
SPARK_DAYS = 90
"""The sparkline shows the last three months, one bar per day."""
CHECK_STYLE = {
    EvidenceCheck.UNCHANGED: "green",
    EvidenceCheck.CHANGED: "bold magenta",
    EvidenceCheck.MISSING: "bold red",
    EvidenceCheck.UNREADABLE: "bold red",
}
ALERT = "⚠"
MAX_LISTED_PROBLEMS = 10
WIDE = 100
"""From this width the table also shows the priority and the indispensable mark."""
# Column widths in cells; the measure's title takes what they leave (DataTable adds one
# cell of padding on each side of every column, and the scroll bar takes two).
WIDE_COLUMNS = {"code": 8, "evidence": 6, "priority": 4, "indispensable": 4, "status": 19}
NARROW_COLUMNS = {"code": 8, "evidence": 1, "status": 12}
OWNER_WIDTH = {True: 16, False: 12}
DUE_WIDTH = 14  # "⚠ dim. 22 nov."
MIN_TITLE = 16
COLUMN_ORDER = ("code", "evidence", "title", "priority", "indispensable", "status", "owner", "due")
COLUMN_KEYS = {
    "code": "security.col.code",
    "evidence": "security.col.evidence",
    "title": "security.col.title",
    "priority": "security.col.priority",
    "indispensable": "security.col.indispensable",
    "status": "security.col.status",
    "owner": "security.col.owner",
    "due": "security.col.due",
}
FILTER_KEYS = {
    "late": "security.filter.late",
    "mine": "security.filter.mine",
    "indispensable": "security.filter.indispensable",
    "no_owner": "security.filter.no_owner",
    "no_plan": "security.filter.no_plan",
}
"""The filters the keys toggle (`action_toggle_filter`), as the filter line names them."""


def _signed(delta: float) -> str:
    return number(delta, signed=True)


def state_shown(state: MeasureState) -> dict[str, str]:
    """What a conflict over a measure's status shows of each version."""
    return {
        t("security.col.status"): t(state.status.label_key),
        t("security.field.justification"): state.justification,
    }


class SecurityScreen(Undoable, WorkspaceScreen):
    mode_name = "security"
    CSS_PATH = styles_dir() / "security.tcss"

    BINDINGS = [
        Binding("s", "cycle", "security.key.cycle", id="security.cycle"),
        Binding("a", "not_applicable", "security.key.na", id="security.na"),
        Binding("e", "edit", "key.edit", id="security.edit"),
        Binding("l", "toggle_filter('late')", "security.key.late", id="security.late"),
        Binding("m", "toggle_filter('mine')", "security.key.mine", id="security.mine"),
        Binding(
            "exclamation_mark",
            "toggle_filter('indispensable')",
            "security.key.indispensable",
            id="security.indispensable",
        ),
        Binding("o", "toggle_filter('no_owner')", "security.key.no_owner", id="security.no_owner"),
        Binding("p", "toggle_filter('no_plan')", "security.key.no_plan", id="security.no_plan"),
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
        self.evidence: dict[int, EvidenceSummary] = {}
        self._pending_code: str | None = None
        self._columns: dict[str, int] = {}

    @property
    def measures(self) -> MeasureRepository:
        return self.workspace.measures

    def compose_body(self) -> ComposeResult:
        yield Static("", id="security-score", classes="screen-title", markup=False)
        with Horizontal(id="security-trend-row"):
            yield Static("", id="security-trend", markup=False)
            yield Sparkline([], id="security-spark")
        yield Static("", id="security-categories", markup=False)
        yield Static("", id="security-filters", classes="dialog-hint", markup=False)
        yield DataTable(id="security-table", cursor_type="row")
        yield Static("", id="security-evidence", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        if self._columns_for() != self._columns:
            self.refresh_data()

    def _columns_for(self) -> dict[str, int]:
        """The columns and their widths at the app's width: below `WIDE` columns, no
        priority nor indispensable mark, so that status, owner and due date stay on
        screen; the title shrinks, never below `MIN_TITLE`."""
        wide = self.app.size.width >= WIDE
        widths = dict(WIDE_COLUMNS if wide else NARROW_COLUMNS)
        widths |= {"owner": OWNER_WIDTH[wide], "due": DUE_WIDTH}
        taken = sum(widths.values()) + 2 * (len(widths) + 1) + 2
        widths["title"] = max(MIN_TITLE, self.app.size.width - taken)
        return {key: widths[key] for key in COLUMN_ORDER if key in widths}

    def _set_columns(self, table: DataTable[Text]) -> None:
        columns = self._columns_for()
        if columns == self._columns:
            return
        self._columns = columns
        table.clear(columns=True)
        for key, width in columns.items():
            label = ALERT if key == "evidence" and width < 2 else t(COLUMN_KEYS[key])
            table.add_column(cell(label), width=width, key=key)

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
        overall = "—" if card.overall is None else number(card.overall)
        suggested = card.suggested_validity
        validity = t(SUGGESTED_VALIDITY_KEYS[suggested]) if suggested else "—"
        done = card.overall_progress
        self.query_one("#security-score", Static).update(
            plain(
                t(
                    "security.score_line",
                    score=overall,
                    validity=validity,
                    done=done.done,
                    partial=done.partial,
                    total=done.total,
                )
            )
        )
        self._show_trend(card.overall, today)
        parts = []
        for category in CATEGORIES:
            score = card.categories.get(category)
            share = card.category_progress[category].share
            parts.append(
                f"{t(category.label_key)} {'—' if score is None else number(score)} "
                f"({percent(share)})"
            )
        self.query_one("#security-categories", Static).update(plain(" · ".join(parts)))
        active = [t(FILTER_KEYS[name]) for name in sorted(self.filters)]
        self.query_one("#security-filters", Static).update(
            plain(
                t("security.filters_on", names=", ".join(active)) if active else t("security.hint")
            )
        )
        table: DataTable[Text] = self.query_one("#security-table", DataTable)
        row = table.cursor_row
        self.entries = self.measures.entries(self._filter(), today=today)
        self.evidence = self.measures.evidence_summaries()
        table.clear()
        self._set_columns(table)
        for entry in self.entries:
            table.add_row(*self._row(entry, today), key=entry.measure.code)
        if self.entries:
            table.move_cursor(row=min(max(row, 0), len(self.entries) - 1))
        self._show_evidence()
        if self._pending_code is not None:
            code, self._pending_code = self._pending_code, None
            self.show_measure(code)

    def _row(self, entry: MeasureEntry, today: date) -> list[Text]:
        """The cells of a measure, in the order of the columns shown."""
        measure, state, widths = entry.measure, entry.state, self._columns
        day = format_day(state.due_date, short=True) if state.due_date else ""
        due = cell(f"⚠ {day}", "bold red") if entry.is_late(today) else cell(day)
        cells = {
            "code": cell(measure.code),
            "evidence": self._evidence_cell(entry, widths["evidence"]),
            "title": cell(_fit(measure.title, widths["title"])),
            "priority": cell(measure.priority.value),
            "indispensable": cell("●" if measure.indispensable else ""),
            "status": cell(
                _fit(t(state.status.label_key), widths["status"]),
                STATUS_STYLE.get(state.status.value, ""),
            ),
            "owner": cell(_fit(state.owner or "", widths["owner"])),
            "due": due,
        }
        return [cells[key] for key in widths]

    def _evidence_cell(self, entry: MeasureEntry, width: int) -> Text:
        """How many evidence files and whether all are as recorded: "3 ✓", "⚠ 1/3" (one
        of three changed, missing or unreadable), "3" (not checked yet); one sign when
        narrow. The line under the table says it in words."""
        summary = self.evidence.get(entry.state.id or 0)
        if summary is None or not summary.total:
            return cell("")
        if summary.alarming:
            text = ALERT if width < 5 else f"{ALERT} {summary.alarming}/{summary.total}"
            return cell(text, "bold magenta")
        if summary.unchecked:
            return cell("•" if width < 3 else str(summary.total), "dim")
        return cell("✓" if width < 3 else f"{summary.total} ✓", "green")

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        if event.data_table.id == "security-table":
            self._show_evidence()

    def _show_evidence(self) -> None:
        """The selected measure's evidence files in words: how many, in which state."""
        line = self.query_one("#security-evidence", Static)
        entry = self.selected()
        summary = self.evidence.get(entry.state.id or 0) if entry else None
        if entry is None or summary is None or not summary.total:
            line.display = False
            return
        names = {
            EvidenceCheck.UNCHANGED: "evidence.count.unchanged",
            EvidenceCheck.CHANGED: "evidence.count.changed",
            EvidenceCheck.MISSING: "evidence.count.missing",
            EvidenceCheck.UNREADABLE: "evidence.count.unreadable",
        }
        parts = [
            tn(names[check], summary.counts[check]) for check in names if summary.counts.get(check)
        ]
        if summary.unchecked:
            parts.append(tn("evidence.count.unchecked", summary.unchecked))
        line.update(
            plain(
                t(
                    "evidence.summary",
                    code=entry.code,
                    files=tn("evidence.count.files", summary.total),
                    states=", ".join(parts),
                )
            )
        )
        line.display = True

    def _show_trend(self, current: float | None, today: date) -> None:
        history = self.measures.history(
            since=today - timedelta(days=max(SPARK_DAYS, 366)), today=today
        )
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
        self.query_one("#security-trend", Static).update(plain(text))
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
                self.notify(
                    t("security.unknown_measure", code=code), severity="warning", markup=False
                )
                return
            self.filters.clear()
            self.refresh_data()
        for row, entry in enumerate(self.entries):
            if entry.code == code:
                table = self.query_one("#security-table", DataTable)
                table.move_cursor(row=row, scroll=True)
                table.focus()
                return

    def _write(self, action: Callable[[], object]) -> None:
        try:
            action()
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error", markup=False)
        self.refresh_data()

    def _offer_status_undo(
        self, code: str, before: MeasureState, saved: MeasureState, today: date
    ) -> None:
        """`u` puts back the status (and justification) `before` had."""
        self.offer_undo(
            t("undo.measure", code=code, status=t(saved.status.label_key)),
            self.undo_save(
                lambda version: self.measures.save(version, today=today),
                saved,
                lambda version: version.edit(
                    status=before.status, justification=before.justification
                ),
                state_shown,
                t("undo.measure", code=code, status=t(before.status.label_key)),
                self.refresh_data,
            ),
        )

    def _set_status(self, code: str, state: MeasureState, status: MeasureStatus) -> None:
        """Set a status, which `u` takes back; a state saved meanwhile in another session
        shows both versions, and keeping mine sets my status on theirs."""
        today = self.prodtui.today()

        def saving(current: MeasureState) -> MeasureState:
            saved = self.measures.set_status(current, status, today=today)
            self._offer_status_undo(code, current, saved, today)
            return saved

        self.save_change(saving, state, lambda current: current, state_shown, self.refresh_data)

    def action_cycle(self) -> None:
        if entry := self.selected():
            self._set_status(entry.code, entry.state, next_status(entry.state.status))

    def _na_prompt(self, code: str, value: str) -> PromptScreen:
        return PromptScreen(
            t("security.na_title", code=code),
            value,
            check=lambda v: None if v.strip() else t("security.na_needed"),
            draft=f"measure:{code}:justification",
        )

    def action_not_applicable(self) -> None:
        """Not applicable, with its justification typed in a prompt: saved as any typed
        text (`save_typed`), so a state saved meanwhile elsewhere offers a merge by hand
        of both justifications; `u` takes it back."""
        entry = self.selected()
        if entry is None:
            return
        code, today = entry.code, self.prodtui.today()

        def saving(current: MeasureState, reason: str) -> MeasureState:
            saved = self.measures.set_status(
                current, MeasureStatus.NOT_APPLICABLE, reason, today=today
            )
            self._offer_status_undo(code, current, saved, today)
            return saved

        def justified(reason: str | None) -> None:
            if not reason:
                self.notify(t("security.na_cancelled", code=code), severity="warning", markup=False)
                return
            self.save_typed(
                reason,
                saving,
                entry.state,
                state_shown,
                self.refresh_data,
                text_of=lambda state: state.justification,
                ask=lambda text: self._na_prompt(code, text),
            )

        self.app.push_screen(self._na_prompt(code, entry.state.justification), justified)

    def action_edit(self) -> None:
        if entry := self.selected():
            self.app.push_screen(MeasureFormScreen(entry), lambda _: self.refresh_data())

    def action_toggle_filter(self, name: str) -> None:
        self.filters ^= {name}
        self.refresh_data()

    # -- evidence files and referential import: I/O in threads, writes on this one ---------

    def action_check_files(self) -> None:
        files = self.measures.all_files()
        if not files:
            self.notify(t("security.check_none"))
            return
        self.notify(tn("security.check_running", len(files)))
        run_with_progress(
            self,
            t("work.checking_evidence"),
            lambda report: self._check(files, report),
            group="evidence-check",
            exclusive=True,
            total=len(files),
        )

    def _check(self, files: list[EvidenceFile], report: WorkReport) -> None:
        """In the worker thread: hash the files, then save the results on the app's."""
        results = check_files(files, report.update)
        self.app.call_from_thread(self._checked, results)

    def _checked(self, results: dict[int, EvidenceCheck]) -> None:
        alarming = self._save(lambda: self.measures.save_checks(results))
        if alarming is None:
            return
        self.notify(
            tn("security.check_done", len(results), alarming=alarming),
            severity="warning" if alarming else "information",
            markup=False,
        )
        self.refresh_data()

    def _save(self, action: Callable[[], T]) -> T | None:
        try:
            return action()
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error", markup=False)
            return None

    def action_import_referential(self) -> None:
        def chosen(value: str | None) -> None:
            if value:
                path = Path(value).expanduser()
                run_with_progress(
                    self,
                    t("work.reading_referential"),
                    lambda _report: self._read_referential(path),
                    group="referential",
                    exclusive=True,
                )
            elif value is not None:  # Enter with no path: the referential shipped with prodtui
                self._import_shipped()

        self.app.push_screen(
            PromptScreen(
                t("security.import_title"),
                placeholder="~/referentiel.csv",
                hint=t("security.import_hint"),
            ),
            chosen,
        )

    def _import_shipped(self) -> None:
        outcome = self._save(lambda: self.measures.import_shipped(today=self.prodtui.today()))
        if outcome is not None:
            self.notify(outcome.summary(), markup=False)
            self.refresh_data()

    def _read_referential(self, path: Path) -> None:
        """In the worker thread. A referential is at most a few megabytes, parsed in well
        under a second: the line sweeps, it counts nothing."""
        try:
            measures = read_referential(path)
        except ProdtuiError as error:
            self.app.call_from_thread(self._import_refused, error)
            return
        self.app.call_from_thread(self._import, measures, path.name)

    def _import_refused(self, error: ProdtuiError) -> None:
        lines = [error_message(error)]
        if isinstance(error, ReferentialRefused):
            lines += [
                t("label.value", label=p.position, value=p.message)
                for p in error.problems[:MAX_LISTED_PROBLEMS]
            ]
            if len(error.problems) > MAX_LISTED_PROBLEMS:
                lines.append("…")
        self.notify("\n".join(lines), severity="error", markup=False, timeout=30)

    def _import(self, measures: list[Measure], source: str) -> None:
        outcome = self._save(
            lambda: self.measures.import_measures(measures, source, today=self.prodtui.today())
        )
        if outcome is None:
            return
        self.notify(outcome.summary(), markup=False)
        self.refresh_data()

    def action_open(self, what: str) -> None:
        from prodtui.ui.screens.homologation import open_security_panel

        open_security_panel(self, what)

    def action_export_dossier(self) -> None:
        from prodtui.ui.screens.homologation import export_dossier

        export_dossier(self)


class EvidenceTable(FittedTable):
    """The evidence files of the measure in the form; `r` accepts a file as it is now,
    `delete` removes it (again: keeps it). Both wait for the form's save. The path takes
    the width the other columns leave, cut with "…"."""

    BINDINGS = [
        Binding("r", "rerecord", "security.key.rerecord", id="measure_form.rerecord"),
        Binding("delete", "forget", "security.key.forget", id="measure_form.forget"),
    ]

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(
            [
                ("state", t("security.file_col.state")),
                ("path", t("security.file_col.path")),
                ("size", t("security.file_col.size")),
                ("recorded", t("security.file_col.recorded")),
                ("sha256", t("security.file_col.sha256")),
            ],
            flex="path",
            id=id,
        )

    def action_rerecord(self) -> None:
        if isinstance(self.screen, MeasureFormScreen):
            self.screen.rerecord_selected()

    def action_forget(self) -> None:
        if isinstance(self.screen, MeasureFormScreen):
            self.screen.forget_selected()


class FileRow(NamedTuple):
    """A line of the form's file table: a recorded file, a staged one, or both (a file
    hashed again, its new hash accepted on save)."""

    recorded: EvidenceFile | None
    staged: FileFingerprint | None

    @property
    def path(self) -> str:
        if self.recorded is not None:
            return self.recorded.path
        assert self.staged is not None
        return self.staged.path


class MeasureFormScreen(FormDialog[MeasureState]):
    """Owner, due date, the story that plans it, how it is done, evidence (text, and files
    with their hash) and comment of one measure. Opening it checks its files in a
    thread; `enter` in the file field hashes a file in a thread (the field stays free to
    type in). File changes are staged like the fields: written by ctrl+s with the rest,
    dropped by Escape."""

    CSS_PATH = styles_dir() / "security.tcss"
    UNTRACKED = frozenset({"mf-file"})  # a path to add a file, not part of the measure
    BINDINGS = form_bindings("measure_form")

    def __init__(self, entry: MeasureEntry) -> None:
        super().__init__()
        self.entry = entry
        self.files: list[EvidenceFile] = []
        self.checks: dict[int, EvidenceCheck] = {}
        self.added: dict[str, FileFingerprint] = {}
        """Files hashed in this form, by path: added, or a recorded one accepted anew."""
        self.removed: dict[int, EvidenceFile] = {}
        """Recorded files to remove on save, by id."""
        self.targets: dict[str, str] = {}
        """Where a path that is a symbolic link leads."""
        self.hashing = 0
        self.rows: list[FileRow] = []

    def draft_identity(self) -> tuple[str, str] | None:
        label = f"{self.entry.code} {self.entry.measure.title}"
        return record_key("measure", self.entry.measure), label

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
                    yield Input(state.owner or "", id="mf-owner", select_on_focus=False)
                with Vertical():
                    yield Label(t("security.col.due"))
                    # LimitedInput: its placeholder is cut with "…" to the field's width.
                    yield LimitedInput(
                        state.due_date.isoformat() if state.due_date else "",
                        placeholder=t("editor.due_placeholder"),
                        id="mf-due",
                        select_on_focus=False,
                    )
            yield Label(t("security.field.story"))
            # Prefilled fields put the cursor at the end: typing adds to the saved text.
            yield LimitedInput(
                self._story_key(state), placeholder="US-12", id="mf-story", select_on_focus=False
            )
            for field, label in (
                ("how", "security.field.how"),
                ("evidence", "security.field.evidence"),
                ("comment", "security.field.comment"),
            ):
                yield Label(plain(t(label)))
                yield Input(getattr(state, field), id=f"mf-{field}", select_on_focus=False)
            yield Label(t("security.field.file"))
            yield LimitedInput(placeholder=t("security.file_placeholder"), id="mf-file")
            yield Static("", id="mf-file-status", classes="dialog-hint", markup=False)
            yield EvidenceTable(id="mf-files")
            with Vertical(classes="dialog-footer"):
                yield Static("", id="mf-error", classes="dialog-error", markup=False)
                yield Static(plain(t("security.form_hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#mf-owner", Input).focus()
        self._load_files(check=True)

    def _story_key(self, state: MeasureState) -> str:
        story_id = state.story_id
        if story_id is None:
            return ""
        try:
            return str(self.workspace.stories.get(story_id).key)
        except ProdtuiError:
            return ""

    def field_values(self) -> dict[str, object]:
        # Staged file changes count as changes: Escape asks before dropping them.
        staged = (tuple(sorted(self.added)), tuple(sorted(self.removed)))
        return super().field_values() | {"mf-files": staged}

    # -- evidence files ---------------------------------------------------------------------

    def _load_files(self, *, check: bool = False) -> None:
        self.files = self.workspace.measures.files(self.entry.state)
        known = {file.id for file in self.files}
        self.removed = {key: file for key, file in self.removed.items() if key in known}
        self._show_files()
        if check and self.files:
            self._set_file_status(t("security.checking"))
            self._check(list(self.files))

    def _show_files(self) -> None:
        table = self.query_one("#mf-files", EvidenceTable)
        recorded = {file.path for file in self.files}
        self.rows = [FileRow(file, self.added.get(file.path)) for file in self.files]
        self.rows += [
            FileRow(None, found) for path, found in self.added.items() if path not in recorded
        ]
        table.fill([(self._cells(line), None) for line in self.rows])
        table.display = bool(self.rows)

    def _cells(self, line: FileRow) -> list[Text | str]:
        recorded, staged = line
        if recorded is not None and recorded.id in self.removed:
            state = cell(t("evidence.staged_removed"), "bold red strike")
        elif staged is not None:
            key = "evidence.staged_added" if recorded is None else "evidence.staged_rerecorded"
            state = cell(t(key), "bold cyan")
        elif recorded is not None and (result := self.checks.get(recorded.id or 0)):
            state = cell(t(result.label_key), CHECK_STYLE[result])
        else:
            state = cell(t("security.evidence.checking"), "dim")
        target = self.targets.get(line.path)
        path = line.path if target is None else f"{line.path} → {target}"
        size = staged.size if staged is not None else recorded.size if recorded else 0
        sha = staged.sha256 if staged is not None else recorded.sha256 if recorded else ""
        day = recorded.recorded_at.date() if recorded is not None and staged is None else None
        return [
            state,
            path,  # put on one line by the table
            cell(file_size(size)),
            cell(format_day(day, short=True) if day else "—"),
            cell(sha[:12]),
        ]

    def _set_file_status(self, text: str) -> None:
        self.query_one("#mf-file-status", Static).update(plain(text))

    def _check(self, files: list[EvidenceFile]) -> None:
        """Hash the files in a thread worker of the app, not of this form: closing the
        form before the hashing ends must not drop the result. It is saved on the app's
        thread (the workspace's connection lives there), then shown if the form is open."""
        app, workspace = self.app, self.workspace

        def check(report: WorkReport) -> None:
            results = check_files(files, report.update)
            targets = resolved_targets(file.path for file in files)
            app.call_from_thread(self._checked, workspace, results, targets)

        run_with_progress(
            app,
            t("work.checking_evidence"),
            check,
            group="evidence-form-check",
            name="evidence check",
            total=len(files),
        )

    def _checked(
        self, workspace: Workspace, results: dict[int, EvidenceCheck], targets: dict[str, str]
    ) -> None:
        problem: ProdtuiError | None = None
        try:
            workspace.measures.save_checks(results)
        except ProdtuiError as error:  # a read-only workspace still shows the result
            problem = error
        # The form was closed meanwhile (its widgets may be gone before the screen is
        # detached): saved, nothing to show.
        if not self.is_attached or not self.query("#mf-file-status"):
            return
        self.checks |= results
        self.targets |= targets
        if problem is not None:
            self._set_file_status(error_message(problem))
        else:
            alarming = sum(r.alarming for r in results.values())
            self._set_file_status(tn("security.check_done", len(results), alarming=alarming))
        self._show_files()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        if event.input.id != "mf-file":
            return
        event.stop()
        if not event.value.strip():
            self._set_file_status(t("security.file_empty_path"))
            return
        self._hash(event.value)

    def _hash(self, text: str) -> None:
        self.hashing += 1
        self._set_file_status(t("security.hashing"))
        run_with_progress(
            self,
            t("work.hashing"),
            lambda report: self._fingerprint(text, report),
            group="evidence",
            sizes=True,
        )

    def _fingerprint(self, text: str, report: WorkReport) -> None:
        """Hash in a thread: the form, and the path field, stay free while a file is read."""
        try:
            found = fingerprint(text, report.update)
        except ProdtuiError as error:
            self.app.call_from_thread(self._hashed, text, None, error)
            return
        targets = resolved_targets([found.path])
        self.app.call_from_thread(self._hashed, text, found, None, targets)

    def _hashed(
        self,
        text: str,
        found: FileFingerprint | None,
        error: ProdtuiError | None,
        targets: dict[str, str] | None = None,
    ) -> None:
        self.hashing -= 1
        if found is None:
            self._set_file_status(error_message(error) if error else "")
            return
        self.added[found.path] = found
        self.targets |= targets or {}
        removed = [key for key, file in self.removed.items() if file.path == found.path]
        for key in removed:  # added again: kept after all
            del self.removed[key]
        field = self.query_one("#mf-file", Input)
        if field.value == text:  # what was typed since stays
            field.value = ""
        target = self.targets.get(found.path)
        self._set_file_status(
            t("evidence.staged", path=found.path)
            if target is None
            else t("evidence.staged_link", path=found.path, target=target)
        )
        self._show_files()

    def _selected_row(self) -> FileRow | None:
        if not self.rows:
            return None
        row = self.query_one("#mf-files", EvidenceTable).cursor_row
        return self.rows[min(max(row, 0), len(self.rows) - 1)]

    def rerecord_selected(self) -> None:
        """Accept the selected file as it is now: hash it again (recorded on save)."""
        if line := self._selected_row():
            self._hash(line.path)

    def forget_selected(self) -> None:
        """Remove the selected file on save; on a file already marked, keep it after all;
        on a file added in this form, drop it. A file another session recorded anew
        since the form read it is not removed unseen: said, and the list read again."""
        line = self._selected_row()
        if line is None:
            return
        recorded = line.recorded
        if recorded is None or recorded.id is None:
            self.added.pop(line.path, None)
            self._set_file_status(t("evidence.unstaged", path=line.path))
        elif recorded.id in self.removed:
            del self.removed[recorded.id]
            self._set_file_status(t("evidence.kept", path=line.path))
        else:
            if self.workspace.measures.file_changed_elsewhere(recorded) is not None:
                self._set_file_status(t("evidence.changed_elsewhere", path=line.path))
                self._load_files()
                return
            self.added.pop(line.path, None)
            self.removed[recorded.id] = recorded
            self._set_file_status(t("evidence.staged_removal", path=line.path))
        self._show_files()

    # -- saving -----------------------------------------------------------------------------

    def action_save(self) -> None:
        workspace = self.workspace
        error = self.query_one("#mf-error", Static)
        story_key = self.query_one("#mf-story", Input).value.strip()
        story = workspace.stories.by_key(story_key) if story_key else None
        if story_key and story is None:
            error.update(plain(t("recette.unknown_key", key=story_key)))
            return
        due_text = self.query_one("#mf-due", Input).value.strip()
        today = self.prodtui.today()
        due = parse_due_date(due_text, today) if due_text else None
        if due_text and due is None:
            error.update(plain(t("editor.bad_due", value=due_text)))
            return
        if self.hashing:  # a file being read would be lost
            error.update(plain(t("evidence.wait_hashing")))
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
                today=today,
                add_files=list(self.added.values()),
                remove_files=list(self.removed.values()),
            )
        except ConflictError as conflict:
            if isinstance(conflict.theirs, EvidenceFile):  # nothing saved: show theirs
                self.removed.pop(conflict.theirs.id or 0, None)
                error.update(plain(t("evidence.changed_elsewhere", path=conflict.theirs.path)))
                self._load_files()
                return
            self._resolve(conflict)
            return
        except (ProdtuiError, ValueError) as problem:
            error.update(plain(error_message(problem)))
            return
        self.dismiss(None)

    def _resolve(self, conflict: ConflictError[MeasureState]) -> None:
        def shown(state: MeasureState) -> dict[str, str]:
            return {
                t("security.col.owner"): state.owner or "",
                t("security.col.due"): state.due_date.isoformat() if state.due_date else "",
                t("security.field.story"): self._story_key(state),
                t("security.field.how"): state.how[:200],
                t("security.field.evidence"): state.evidence[:200],
                t("security.field.comment"): state.comment[:200],
            }

        def rebase(theirs: MeasureState) -> None:
            self.entry = self.entry.model_copy(update={"state": theirs})

        self.resolve_conflict(conflict, shown, rebase)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"
