"""Dialogs of the backlog: filters, status, history, epics and sprints, import and export."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Label, OptionList, Select, Static
from textual.widgets.option_list import Option

from prodtui.domain.capture import parse_day
from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.stories import WORKFLOW, Epic, Priority, Sprint, Story, StoryStatus
from prodtui.exchange.story_import import StoryImport
from prodtui.i18n import error_message, format_day, format_moment, t, tn
from prodtui.store.stories import ImportOutcome, ImportRefused, StoryFilter
from prodtui.ui.screens.dialogs import Dialog, FormDialog, PromptScreen, form_bindings, record_key
from prodtui.ui.text import choices, plain
from prodtui.ui.widgets.fields import select_value
from prodtui.ui.widgets.fitted_table import FittedTable, Row

if TYPE_CHECKING:
    from prodtui.ui.widgets.work_progress import WorkReport


class StatusScreen(Dialog[StoryStatus]):
    """The workflow; returns the chosen status."""

    BINDINGS = [Binding("escape", "close", "key.cancel", id="story_status.close")]

    def __init__(self, current: StoryStatus) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(t("story.status_title")), classes="dialog-title")
            yield OptionList(
                *[
                    Option(
                        plain(("▶ " if s is self.current else "  ") + t(s.label_key)),
                        id=s.value,
                    )
                    for s in WORKFLOW
                ],
                id="status-options",
            )
            yield Static(plain(t("prompt.hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        options = self.query_one(OptionList)
        options.highlighted = WORKFLOW.index(self.current)
        options.focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        assert event.option.id is not None  # every option is a status
        self.dismiss(StoryStatus(event.option.id))


class FilterScreen(Dialog[StoryFilter]):
    """Status, priority, epic and sprint filters; `ctrl+s` applies, `ctrl+r` clears."""

    BINDINGS = [
        Binding("ctrl+s", "apply", "story.key.apply", priority=True, id="story_filter.apply"),
        Binding("ctrl+r", "clear", "story.key.clear", priority=True, id="story_filter.clear"),
        Binding("escape", "close", "key.cancel", id="story_filter.close"),
    ]

    def __init__(self, current: StoryFilter) -> None:
        super().__init__()
        self.current = current

    def compose(self) -> ComposeResult:
        f = self.current
        with Vertical(classes="dialog"):
            yield Static(plain(t("story.filters_title")), classes="dialog-title")
            yield Select(
                choices([(t(s.label_key), s) for s in WORKFLOW]),
                value=f.status or Select.NULL,
                prompt=t("story.any_status"),
                id="f-status",
            )
            yield Select(
                choices([(t(p.label_key), p) for p in Priority]),
                value=f.priority or Select.NULL,
                prompt=t("story.any_priority"),
                id="f-priority",
            )
            yield Select(
                choices([(e.title, e.id) for e in self.workspace.epics.all()]),
                value=f.epic_id or Select.NULL,
                prompt=t("story.any_epic"),
                id="f-epic",
            )
            yield Select(
                choices([(s.name, s.id) for s in self.workspace.sprints.all()]),
                value=f.sprint_id or Select.NULL,
                prompt=t("story.any_sprint"),
                id="f-sprint",
            )
            yield Static(plain(t("story.filters_hint")), classes="dialog-hint")

    def action_apply(self) -> None:
        self.dismiss(
            StoryFilter(
                status=select_value(self.query_one("#f-status", Select)),
                priority=select_value(self.query_one("#f-priority", Select)),
                epic_id=select_value(self.query_one("#f-epic", Select)),
                sprint_id=select_value(self.query_one("#f-sprint", Select)),
            )
        )

    def action_clear(self) -> None:
        self.dismiss(StoryFilter())


class HistoryScreen(Dialog[None]):
    """The story's changes, newest first, from the audit log."""

    BINDINGS = [Binding("escape", "close", "key.close", id="story_history.close")]

    def __init__(self, story: Story) -> None:
        super().__init__()
        self.story = story

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(
                plain(t("story.history_title", key=self.story.key)), classes="dialog-title"
            )
            table = FittedTable(
                [
                    ("when", t("story.col.when")),
                    ("who", t("story.col.who")),
                    ("field", t("story.col.field")),
                    ("change", t("story.col.change")),
                ],
                flex="change",
                id="history-table",
            )
            assert self.story.id is not None
            # Whole-record rows of the log, named in words.
            events = {
                "(created)": t("story.history.created"),
                "(deleted)": t("story.history.deleted"),
                "(discarded)": t("story.history.discarded"),
            }
            rows: list[Row] = []
            for entry in self.workspace.audit.history("stories", self.story.id, limit=200):
                change = (
                    entry.new or ""
                    if entry.old is None
                    else entry.old
                    if entry.new is None
                    else f"{entry.old} → {entry.new}"
                )
                who = entry.author or t("author.unknown")
                field = events.get(entry.field, entry.field)
                rows.append(([format_moment(entry.at), who, field, " ".join(change.split())], None))
            table.fill(rows)
            yield table

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()


class PlanScreen(Dialog[None]):
    """Epics, and sprints with committed points against capacity."""

    BINDINGS = [
        Binding("n", "add", "story.key.add", id="plan.add"),
        Binding("e", "edit", "key.edit", id="plan.edit"),
        Binding("escape", "close", "key.close", id="plan.close"),
    ]

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="plan-box"):
            yield Static(plain(t("story.plan_title")), classes="dialog-title")
            yield Label(t("story.epics"))
            yield FittedTable(
                [("epic", t("story.col.epic")), ("description", t("story.col.description"))],
                flex="description",
                id="plan-epics",
            )
            yield Label(t("story.sprints"))
            yield FittedTable(
                [
                    ("sprint", t("story.col.sprint")),
                    ("dates", t("story.col.dates")),
                    ("load", t("story.col.load")),
                    ("done", t("story.col.done")),
                ],
                flex="sprint",
                yields=["done"],  # at 80 columns: the dates stay whole
                id="plan-sprints",
            )
            yield Static(plain(t("story.plan_hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        self.reload()
        self.query_one("#plan-epics", DataTable).focus()

    def reload(self) -> None:
        self.epics: list[Epic] = self.workspace.epics.all()
        self.query_one("#plan-epics", FittedTable).fill(
            [([epic.title, " ".join(epic.description.split())], None) for epic in self.epics]
        )
        self.loads = self.workspace.sprints.loads()
        rows: list[Row] = []
        for load in self.loads:
            sprint = load.sprint
            over = load.committed > sprint.capacity > 0
            mark = " ⚠" if over else ""
            start, end = (format_day(d, short=True) for d in (sprint.start_date, sprint.end_date))
            load_text = t("story.load", committed=load.committed, capacity=sprint.capacity)
            done = t("story.done_points", done=load.done, stories=tn("story.count", load.stories))
            rows.append(([sprint.name, f"{start} → {end}", load_text + mark, done], None))
        self.query_one("#plan-sprints", FittedTable).fill(rows)

    def _sprints_focused(self) -> bool:
        return self.query_one("#plan-sprints", DataTable).has_focus

    def action_add(self) -> None:
        if self._sprints_focused():
            self.app.push_screen(SprintFormScreen(None), lambda _: self.reload())
            return

        def added(title: str | None) -> None:
            if title:
                self._write(lambda: self.workspace.epics.add(Epic(title=title)))

        self.app.push_screen(
            PromptScreen(t("story.epic_new"), check=_not_empty, draft="epic:new"), added
        )

    def action_edit(self) -> None:
        if self._sprints_focused():
            table = self.query_one("#plan-sprints", DataTable)
            if self.loads:
                sprint = self.loads[min(table.cursor_row, len(self.loads) - 1)].sprint
                self.app.push_screen(SprintFormScreen(sprint), lambda _: self.reload())
            return
        table = self.query_one("#plan-epics", DataTable)
        if not self.epics:
            return
        epic = self.epics[min(table.cursor_row, len(self.epics) - 1)]

        def ask(title: str) -> PromptScreen:
            return PromptScreen(
                t("story.epic_rename"), title, check=_not_empty, draft=f"epic:{epic.id}"
            )

        def renamed(title: str | None) -> None:
            if title:
                self.save_typed(
                    title,
                    lambda version, text: self.workspace.epics.save(version.edit(title=text)),
                    epic,
                    lambda shown: {t("story.field.epic"): shown.title},
                    self.reload,
                    text_of=lambda version: version.title,
                    ask=ask,
                )

        self.app.push_screen(ask(epic.title), renamed)

    def _write(self, action: Any) -> None:
        try:
            action()
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error", markup=False)
        self.reload()


def _not_empty(value: str) -> str | None:
    return None if value.strip() else t("editor.empty_text")


class SprintFormScreen(FormDialog[None]):
    BINDINGS = form_bindings("sprint_form")

    def __init__(self, sprint: Sprint | None) -> None:
        super().__init__()
        self.sprint = sprint

    def draft_identity(self) -> tuple[str, str] | None:
        sprint = self.sprint
        label = f"{t('story.sprint_form')} {sprint.name if sprint else ''}"
        return record_key("sprint", sprint), label

    def compose(self) -> ComposeResult:
        s = self.sprint
        with Vertical(classes="dialog"):
            yield Static(plain(t("story.sprint_form")), classes="dialog-title")
            with Horizontal(classes="fields"):
                with Vertical():
                    yield Label(t("story.col.sprint"))
                    yield Input(s.name if s else "", id="sprint-name")
                with Vertical():
                    yield Label(t("story.capacity"))
                    yield Input(str(s.capacity) if s else "", id="sprint-capacity", type="integer")
            with Horizontal(classes="fields"):
                with Vertical():
                    yield Label(t("story.start"))
                    yield Input(s.start_date.isoformat() if s else "", id="sprint-start")
                with Vertical():
                    yield Label(t("story.end"))
                    yield Input(s.end_date.isoformat() if s else "", id="sprint-end")
            with Vertical(classes="dialog-footer"):
                yield Static("", id="sprint-error", classes="dialog-error", markup=False)
                yield Static(plain(t("story.sprint_hint")), classes="dialog-hint")

    def action_save(self) -> None:
        error = self.query_one("#sprint-error", Static)
        today = self.today()
        days: list[date] = []
        for selector in ("#sprint-start", "#sprint-end"):
            text = self.query_one(selector, Input).value.strip()
            day = parse_day(text, today) if text else None
            if day is None:
                error.update(plain(t("standup.bad_date", value=text)))
                return
            days.append(day)
        capacity = self.query_one("#sprint-capacity", Input).value.strip() or "0"
        values = {
            "name": self.query_one("#sprint-name", Input).value.strip(),
            "start_date": days[0],
            "end_date": days[1],
            "capacity": int(capacity),
        }
        try:
            if self.sprint is None:
                self.workspace.sprints.add(Sprint(**values))
            else:
                self.workspace.sprints.save(self.sprint.edit(**values))
        except ConflictError as conflict:
            self._resolve(conflict)
            return
        except (ProdtuiError, ValueError) as problem:
            error.update(plain(error_message(problem)))
            return
        self.dismiss(None)

    def _resolve(self, conflict: ConflictError[Sprint]) -> None:
        def shown(sprint: Sprint) -> dict[str, str]:
            return {
                t("story.col.sprint"): sprint.name,
                t("story.capacity"): str(sprint.capacity),
                t("story.start"): sprint.start_date.isoformat(),
                t("story.end"): sprint.end_date.isoformat(),
            }

        def rebase(theirs: Sprint) -> None:
            self.sprint = theirs

        self.resolve_conflict(conflict, shown, rebase)


class ExchangeScreen(Dialog[None]):
    """Export the backlog (.feature folder, Markdown, CSV) or import CSV / .feature files.
    Files are written and parsed in a worker thread; the workspace is touched on the main
    thread only, in one transaction."""

    BINDINGS = [Binding("escape", "close", "key.close", id="story_exchange.close")]

    CHOICES = {
        "feature": "story.exchange.feature",
        "md": "story.exchange.md",
        "csv": "story.exchange.csv",
        "import": "story.exchange.import",
    }

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(t("story.exchange_title")), classes="dialog-title")
            yield OptionList(*[Option(plain(t(label)), id=c) for c, label in self.CHOICES.items()])
            yield Static("", id="exchange-status", classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one(OptionList).focus()

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        choice = event.option.id or ""
        home = Path.home()
        default = {
            "feature": home / "backlog-features",
            "md": home / "backlog.md",
            "csv": home / "backlog.csv",
            "import": home / "backlog.csv",
        }[choice]
        title = t("story.exchange_path_import" if choice == "import" else "story.exchange_path")

        def chosen(value: str | None) -> None:
            if value:
                path = Path(value).expanduser()
                if choice == "import":
                    self._import(path)
                else:
                    self._export(choice, path)

        self.app.push_screen(PromptScreen(title, str(default)), chosen)

    def _status(self, text: str) -> None:
        self.query_one("#exchange-status", Static).update(plain(text))

    def _export(self, fmt: str, path: Path) -> None:
        from prodtui.app.stories import all_stories, write_story_files

        self._status(t("story.exchange_working"))
        workspace = self.workspace

        def work(report: WorkReport) -> str | ProdtuiError:
            # Read on a connection of its own, in the thread: one snapshot, and a backlog
            # of 100,000 stories read page by page does not hold the keys up.
            try:
                reader = workspace.sibling()
                try:
                    with reader.reading():
                        report.stage(t("bulk.reading_stories"), reader.stories.count())
                        backlog = all_stories(reader, report.update)
                finally:
                    reader.close()
                report.stage(t("work.exporting_stories"), len(backlog[0]))
                count = write_story_files(fmt, path, *backlog, progress=report.update)
            except ProdtuiError as error:
                return error
            return tn("story.exported", count, path=str(path))

        self._run(work)

    def _import(self, path: Path) -> None:
        from prodtui.app.stories import read_story_files

        self._status(t("story.exchange_working"))
        workspace = self.workspace

        def work(report: WorkReport) -> StoryImport | ImportOutcome | ProdtuiError:
            report.stage(t("bulk.reading_stories"))
            result = read_story_files([path], report.update)
            if result.problems:
                return result
            # Written in the thread too, on a connection of its own in one transaction
            # (as `prodtui import stories` writes): 10,000 stories take seconds, which
            # the event loop must not spend. The screens see the commit as one made by
            # another session.
            report.stage(t("bulk.importing_stories"), len(result.importable))
            try:
                writer = workspace.sibling(read_only=False)
                try:
                    return writer.stories.import_stories(result.importable, progress=report.update)
                finally:
                    writer.close()
            except ProdtuiError as error:
                return error

        self._run(work)

    def _run(self, work: Callable[[WorkReport], object]) -> None:
        """Run `work` in a thread worker of the app, not of this dialog: closing the
        dialog must neither hide the progress of work still running nor lose its end."""
        from prodtui.ui.widgets.work_progress import run_with_progress

        app = self.app

        def run(report: WorkReport) -> None:
            outcome = work(report)
            app.call_from_thread(self._finished, outcome)

        run_with_progress(app, t("story.exchange_working"), run, group="story-exchange")

    def _finished(self, outcome: object) -> None:
        if isinstance(outcome, ImportOutcome):
            self.prodtui.refresh_screen_data()
        if isinstance(outcome, StoryImport):
            lines = [
                t("label.value", label=p.position, value=p.message) for p in outcome.problems[:12]
            ]
            text = tn("story.import_nothing_ui", len(outcome.problems)) + "\n" + "\n".join(lines)
        elif isinstance(outcome, ImportRefused):
            lines = [
                t("label.value", label=p.position, value=p.message) for p in outcome.problems[:12]
            ]
            text = error_message(outcome) + "\n" + "\n".join(lines)
        elif isinstance(outcome, ProdtuiError):
            text = error_message(outcome)
        elif isinstance(outcome, ImportOutcome):
            text = outcome.summary()
        else:
            text = str(outcome)
        if self.is_attached:
            self._status(text)
        else:  # closed meanwhile: said where the user is now
            failed = isinstance(outcome, (ProdtuiError, StoryImport))
            self.app.notify(text, severity="error" if failed else "information", markup=False)
