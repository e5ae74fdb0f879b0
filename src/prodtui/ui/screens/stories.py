"""The backlog: ordered, filterable, read page by page, beside the selected story."""

from __future__ import annotations

from rich.text import Text
from textual import events, on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Input, Static

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.stories import Story, StoryStatus, definition_of_ready
from prodtui.i18n import error_message, t, tn
from prodtui.resources import styles_dir
from prodtui.store.stories import StoryFilter
from prodtui.ui.screens.base import WorkspaceScreen
from prodtui.ui.text import lines, markup, plain
from prodtui.ui.widgets.filter_input import FilterInput
from prodtui.ui.widgets.lazy_table import Cell, Column, LazyTable

# Below this width the story preview gives its room to the list.
PREVIEW_MIN_WIDTH = 110
# How the preview marks a story's latest results.
RESULT_MARKS = {"pass": ("✓", "green"), "fail": ("✗", "red"), "blocked": ("✗", "red")}


def status_label(status: StoryStatus) -> str:
    return t(status.label_key)


class StoriesScreen(WorkspaceScreen):
    CSS_PATH = styles_dir() / "stories.tcss"

    mode_name = "stories"

    BINDINGS = [
        Binding("n", "new", "story.key.new", id="stories.new"),
        Binding("e", "edit", "key.edit", id="stories.edit"),
        Binding("slash", "filter", "key.filter", id="stories.filter"),
        Binding("f", "filters", "story.key.filters", id="stories.filters"),
        Binding("s", "status", "story.key.status", id="stories.status"),
        Binding("shift+up", "move(-1)", "story.key.up", id="stories.up"),
        Binding("shift+down", "move(1)", "story.key.down", id="stories.down"),
        Binding("shift+home", "move(-2)", "story.key.top", show=False, id="stories.top"),
        Binding("shift+end", "move(2)", "story.key.bottom", show=False, id="stories.bottom"),
        Binding("h", "history", "story.key.history", show=False, id="stories.history"),
        Binding("m", "plan", "story.key.plan", id="stories.plan"),
        Binding("x", "exchange", "story.key.exchange", show=False, id="stories.exchange"),
        Binding("g", "generate_cases", "story.key.generate", show=False, id="stories.generate"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.filter = StoryFilter()
        self._preview_pending = False
        # What the preview shows: the story and the workspace as they were then.
        self._previewed: tuple[object, ...] | None = None
        self.epics: dict[int, str] = {}
        self.sprints: dict[int, str] = {}

    def compose_body(self) -> ComposeResult:
        yield Static("", id="stories-title", classes="screen-title", markup=False)
        yield FilterInput(t("story.filter_placeholder"), id="stories-filter")
        with Horizontal(id="stories-body"):
            with Vertical(id="stories-list"):
                yield LazyTable(
                    [
                        Column(t("story.col.key"), 8),
                        # Titles get what the other columns leave, and keep 24 cells
                        # for it while the epic and the sprint can give some up.
                        Column(t("story.col.title"), least=24),
                        Column(t("story.col.status"), 11),
                        Column(t("story.col.priority"), 6),
                        Column(t("story.col.points"), 3),
                        Column(t("story.col.epic"), 14, shrink=True),
                        Column(t("story.col.sprint"), 10, shrink=True),
                    ],
                    count=lambda: self.workspace.stories.count(self.filter),
                    fetch=lambda offset, limit: self.workspace.stories.page(
                        self.filter, offset=offset, limit=limit
                    ),
                    cells=self._cells,
                    id="stories-table",
                )
            with VerticalScroll(id="stories-preview"):
                yield Static("", id="stories-preview-text")

    def on_mount(self) -> None:
        self.table.focus()
        # The preview follows the cursor in the frame that draws the moved cursor: a
        # watcher runs as the cursor moves, the Highlighted message only after that frame.
        self.watch(self.table, "cursor", self._preview, init=False)

    @property
    def table(self) -> LazyTable[Story]:
        return self.query_one("#stories-table", LazyTable)

    # -- rows ---------------------------------------------------------------------------------

    def _cells(self, story: Story) -> list[Cell]:
        done = story.status in (StoryStatus.DONE, StoryStatus.ABANDONED)
        return [
            Text(story.key, style="dim" if done else "bold"),
            Text(story.title, style="dim" if done else ""),
            status_label(story.status),
            t(story.priority.short_key) if story.priority else "",
            "" if story.points is None else str(story.points),
            self.epics.get(story.epic_id or -1, ""),
            self.sprints.get(story.sprint_id or -1, ""),
        ]

    def selected(self) -> Story | None:
        """The story under the cursor, as stored now (the page may be older)."""
        story = self.table.item(self.table.cursor)
        if story is None or story.id is None:
            return None
        try:
            return self.workspace.stories.get(story.id)
        except ProdtuiError:
            return None

    def refresh_data(self, select: int | None = None) -> None:
        """Reload from the workspace, keeping the cursor on the same story (or on `select`)."""
        if not self.is_mounted:
            return
        current = self.table.kept()  # None until the user moved the cursor: first row
        # Names only: whole sprints and epics cost 15 to 35 ms at ten times the large workspace.
        self.epics = self.workspace.epics.titles()
        self.sprints = self.workspace.sprints.names()
        story_id = select if select is not None else (current.id if current else None)
        index = self.workspace.stories.position(story_id, self.filter) if story_id else None
        self.table.reload(cursor=index)
        self._update_title()

    def _update_title(self) -> None:
        total = self.table.row_count
        parts = [tn("story.title", total)]
        if self.filter.active:
            parts.append(t("story.filtered", what=self._describe_filter()))
        self.query_one("#stories-title", Static).update(plain(" · ".join(parts)))

    def _describe_filter(self) -> str:
        chosen = self.filter
        parts = []
        if chosen.text.strip():
            parts.append(f"« {chosen.text.strip()} »")
        if chosen.status:
            parts.append(status_label(chosen.status))
        if chosen.priority:
            parts.append(t(chosen.priority.label_key))
        if chosen.epic_id is not None:
            parts.append(self.epics.get(chosen.epic_id, "?"))
        if chosen.sprint_id is not None:
            parts.append(self.sprints.get(chosen.sprint_id, "?"))
        return ", ".join(parts)

    def on_resize(self) -> None:
        self.query_one("#stories-preview").display = self.size.width >= PREVIEW_MIN_WIDTH

    @on(LazyTable.Highlighted, "#stories-table")
    def _show_preview(self) -> None:
        # After a reload (the cursor may stay on its row while the rows change).
        self._preview()

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        if self._preview_pending:
            # Now, in the frame of the visit: written a frame later, the preview kept the
            # height of its empty text (one line) until the cursor moved — Textual had laid
            # it out once on the visit and took that size for the new text too.
            self._preview()

    def _preview(self) -> None:
        # Built ahead of its first visit (see ui/warm_up.py), the screen is not shown yet:
        # the preview, and the Gherkin parser it loads, wait for the visit.
        self._preview_pending = not self.is_current
        if self._preview_pending:
            return
        story = self.selected()
        shown = (story and (story.id, story.version), self.prodtui.data_generation())
        if shown == self._previewed:
            return
        self._previewed = shown
        target = self.query_one("#stories-preview-text", Static)
        if story is None:
            target.update(plain(t("story.empty")))
            return
        target.update(self._preview_text(story))

    def _preview_text(self, story: Story) -> Content:
        """The story, its readiness, its latest results, measures and linked captures."""
        from prodtui.exchange.gherkin import check_gherkin

        check = check_gherkin(story.acceptance)
        blockers = self.workspace.stories.open_blockers(story)
        # A str row is plain text; markup only in templates written here.
        rows: list[Content | str] = [
            markup("[b]${key}[/b] ${title}", key=story.key, title=story.title),
            "",
        ]
        if story.persona or story.want or story.so_that:
            rows.append(
                t(
                    "story.form",
                    persona=story.persona or "…",
                    want=story.want or "…",
                    so_that=story.so_that or "…",
                )
            )
            rows.append("")
        rows.append(t("label.value", label=t("story.col.status"), value=status_label(story.status)))
        rows.append("")
        rows.append(self._heading(t("story.dor_title")))
        for check_point in definition_of_ready(
            story, valid_scenarios=len(check.scenarios) if check.ok else 0, open_blockers=blockers
        ):
            mark = "[green]✓[/] ${text}" if check_point.ok else "[red]✗[/] ${text}"
            rows.append(" " + markup(mark, text=t(check_point.key)))
        rows.append("")
        if check.errors:
            rows.append(self._heading(t("story.gherkin_errors")))
            rows += [
                " " + t("label.value", label=t("story.line", line=e.line), value=e.message)
                for e in check.errors[:5]
            ]
        else:
            rows.append(tn("story.scenarios", len(check.scenarios)))
        assert story.id is not None
        results = self.workspace.executions.latest_for_story(story.id, limit=8)
        if results:
            rows += ["", self._heading(t("story.latest_results"))]
            for execution in results:
                case = execution.case
                status = t(execution.status.label_key)
                line = f"{case.key} {case.title[:40]} — {status}"
                symbol, style = RESULT_MARKS.get(execution.status.value, ("·", ""))
                rows.append(" " + Content.styled(symbol, style) + " " + plain(line))
        from prodtui.store.security import MeasureFilter

        measures = self.workspace.measures.entries(MeasureFilter(story_id=story.id))
        if measures:
            rows += ["", self._heading(t("story.measures"))]
            rows += [
                f" {entry.code} {entry.measure.title[:40]} — {t(entry.status.label_key)}"
                for entry in measures[:8]
            ]
        items = self.workspace.stories.linked_items(story, limit=8)
        if items:
            rows += ["", self._heading(t("story.linked"))]
            rows += [
                " "
                + t(
                    "label.value",
                    label=f"{item.key} {t(item.kind.label_key)}",
                    value=item.text[:60],
                )
                for item in items
            ]
        return lines(rows)

    @staticmethod
    def _heading(text: str) -> Content:
        return markup("[b]${text}[/b]", text=text)

    # -- actions ------------------------------------------------------------------------------

    def action_new(self) -> None:
        self._open_editor(None)

    def action_edit(self) -> None:
        if story := self.selected():
            self._open_editor(story)

    @on(LazyTable.Selected, "#stories-table")
    def _selected(self) -> None:
        self.action_edit()

    def _open_editor(self, story: Story | None) -> None:
        from prodtui.ui.screens.story_editor import StoryEditorScreen

        def done(saved: Story | None) -> None:
            self.refresh_data(select=saved.id if saved else None)

        self.app.push_screen(StoryEditorScreen(story), done)

    def action_filter(self) -> None:
        self.query_one("#stories-filter", FilterInput).open()

    @on(Input.Changed, "#stories-filter")
    def _filter_changed(self, event: Input.Changed) -> None:
        self.filter = self.filter.model_copy(update={"text": event.value})
        self.refresh_data()

    def on_filter_input_done(self) -> None:
        self.table.focus()

    def show_filter(self, story_filter: StoryFilter) -> None:
        """Show the backlog through `story_filter` (its words go in the filter line)."""
        self.filter = story_filter
        line = self.query_one("#stories-filter", FilterInput)
        with line.prevent(Input.Changed):
            line.value = story_filter.text
        line.set_class(not story_filter.text, "hidden")
        self.refresh_data()
        self.table.focus()

    def action_filters(self) -> None:
        from prodtui.ui.screens.story_dialogs import FilterScreen

        def chosen(result: StoryFilter | None) -> None:
            if result is not None:
                text = self.filter.text
                self.filter = result.model_copy(update={"text": text})
                self.refresh_data()

        self.app.push_screen(FilterScreen(self.filter), chosen)

    def action_move(self, step: int) -> None:
        story = self.selected()
        if story is None:
            return
        try:
            self.workspace.stories.move(story, self.filter, step)
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
        self.refresh_data(select=story.id)

    def action_status(self) -> None:
        from prodtui.ui.screens.story_dialogs import StatusScreen

        story = self.selected()
        if story is None:
            return

        def chosen(status: StoryStatus | None) -> None:
            if status is None or status is story.status:
                return
            unmet = self._unmet_readiness(story) if status is StoryStatus.READY else []
            if not unmet:
                self._set_status(story, status, "")
                return
            from prodtui.ui.screens.dialogs import PromptScreen

            def reason(text: str | None) -> None:
                if text:
                    self._set_status(story, status, text)

            self.app.push_screen(
                PromptScreen(
                    t("story.dor_reason_title", unmet=", ".join(t(k) for k in unmet)),
                    hint=t("story.dor_reason_hint"),
                    check=lambda v: None if v.strip() else t("story.dor_reason_needed"),
                    draft=f"story:{story.id}:dor_reason",
                ),
                reason,
            )

        self.app.push_screen(StatusScreen(story.status), chosen)

    def _unmet_readiness(self, story: Story) -> list[str]:
        from prodtui.exchange.gherkin import check_gherkin

        check = check_gherkin(story.acceptance)
        checks = definition_of_ready(
            story,
            valid_scenarios=len(check.scenarios) if check.ok else 0,
            open_blockers=self.workspace.stories.open_blockers(story),
        )
        return [c.key for c in checks if not c.ok]

    def _set_status(self, story: Story, status: StoryStatus, reason: str) -> None:
        """Set the status; a story saved meanwhile in another session shows both
        versions, and keeping mine sets the status on theirs."""

        def save(current: Story) -> None:
            self.workspace.stories.set_status(current, status, reason=reason)
            self.notify(
                t("story.status_set", key=story.key, status=status_label(status)), markup=False
            )

        def shown(version: Story) -> dict[str, str]:
            return {
                t("story.field.title"): version.title,
                t("story.col.status"): status_label(version.status),
            }

        def done() -> None:
            self.refresh_data(select=story.id)

        self.save_change(save, story, lambda current: current, shown, done)

    def action_generate_cases(self) -> None:
        from prodtui.store.recette_cases import generate_cases

        story = self.selected()
        if story is None:
            return
        try:
            result = generate_cases(self.workspace, story)
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error", markup=False)
            return
        self.notify(result.summary(), markup=False)

    def action_history(self) -> None:
        from prodtui.ui.screens.story_dialogs import HistoryScreen

        if story := self.selected():
            self.app.push_screen(HistoryScreen(story))

    def action_plan(self) -> None:
        from prodtui.ui.screens.story_dialogs import PlanScreen

        self.app.push_screen(PlanScreen(), lambda _: self.refresh_data())

    def action_exchange(self) -> None:
        from prodtui.ui.screens.story_dialogs import ExchangeScreen

        self.app.push_screen(ExchangeScreen(), lambda _: self.refresh_data())
