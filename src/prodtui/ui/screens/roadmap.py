"""Feuille de route (`6`): the warnings, then every lane on one time line by month or by
quarter. Keyboard only: ← → move in time, ↑ ↓ from item to item (warnings included),
PgUp PgDn from lane to lane, Enter opens the item where it lives, `n` adds a milestone.

The time line is one widget drawn line by line (`render_line`), like the lists: only the
lines on screen are drawn, from the rows the domain computed.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from typing import TYPE_CHECKING

from rich.segment import Segment
from rich.style import Style
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.geometry import Size
from textual.strip import Strip
from textual.widget import Widget
from textual.widgets import Input, Label, Select, Static

from prodtui.domain.capture import parse_due_date
from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.homologation import add_months
from prodtui.domain.roadmap import (
    LANES,
    Lane,
    Milestone,
    MilestoneKind,
    Period,
    RoadmapWarning,
    Row,
    RowKind,
    Target,
    TargetKind,
    Window,
    Zoom,
    default_window,
    quarter_start,
)
from prodtui.domain.stories import Epic
from prodtui.exchange.roadmap import (
    row_dates,
    row_label,
    row_state,
    short_day,
    warning_text,
    window_label,
)
from prodtui.i18n import error_message, t, tn
from prodtui.resources import styles_dir
from prodtui.ui.screens.base import WorkspaceScreen
from prodtui.ui.screens.dialogs import (
    FormDialog,
    PromptScreen,
    ask_then_delete,
    form_bindings,
    record_key,
)
from prodtui.ui.text import choices, plain
from prodtui.ui.widgets.fields import LimitedInput, select_value

if TYPE_CHECKING:
    from textual.screen import Screen

    from prodtui.ui.app import ProdtuiApp

QUARTER_MONTHS = 24
# A month's name by the cells of its column (with one between names): « janv. » from six,
# « janv » at five, three letters at four; initials (J F M…) below, as calendars write.
MONTH_NAMES = {6: "roadmap.months", 5: "roadmap.months_short", 4: "roadmap.months_narrow"}
"""Zoomed out: eight quarters, from the one before today's."""
HEADER_LINES = 2
SPAN = "━"
POINT = "◆"
TODAY = "┊"

_OPEN_HINTS = {
    TargetKind.EPIC: "roadmap.open.epic",
    TargetKind.SPRINT: "roadmap.open.sprint",
    TargetKind.CAMPAIGN: "roadmap.open.campaign",
    TargetKind.MEASURE: "roadmap.open.measure",
    TargetKind.MEASURES: "roadmap.open.measures",
    TargetKind.HOMOLOGATION: "roadmap.open.homologation",
    TargetKind.MILESTONE: "roadmap.open.milestone",
}


@dataclass(frozen=True, slots=True)
class Line:
    """One line of the time line: a warning, a lane's heading, an item, or a lane with
    nothing in the window."""

    warning: RoadmapWarning | None = None
    lane: Lane | None = None
    row: Row | None = None

    @property
    def target(self) -> Target | None:
        if self.warning is not None:
            return self.warning.target
        return self.row.target if self.row is not None else None


def build_lines(lanes: dict[Lane, list[Row]], warnings: list[RoadmapWarning]) -> list[Line]:
    lines = [Line(warning=w) for w in warnings]
    for lane in LANES:
        lines.append(Line(lane=lane))
        lines += [Line(lane=lane, row=row) for row in lanes[lane]] or [Line(lane=lane)]
    return lines


def milestone_shown(milestone: Milestone) -> dict[str, str]:
    """A milestone's fields as a conflict shows them."""
    return {
        t("roadmap.field.name"): milestone.name,
        t("roadmap.field.day"): short_day(milestone.day),
        t("roadmap.field.kind"): t(milestone.kind.label_key),
    }


def epic_shown(epic: Epic) -> dict[str, str]:
    return {
        t("roadmap.md.item"): epic.title,
        t("roadmap.key.target"): short_day(epic.target_date) if epic.target_date else "",
    }


class RoadmapView(Widget, can_focus=True):
    """The time line: two header lines (years, then months or quarters), then the lines."""

    DEFAULT_CSS = """
    RoadmapView { height: 1fr; }
    RoadmapView > .roadmap--header { text-style: bold; color: $text-accent; }
    RoadmapView > .roadmap--lane { text-style: bold; color: $text-primary; }
    RoadmapView > .roadmap--warning { color: $text-warning; }
    RoadmapView > .roadmap--span { color: $accent; }
    RoadmapView > .roadmap--alert { color: $text-error; text-style: bold; }
    RoadmapView > .roadmap--done { color: $text-muted; }
    RoadmapView > .roadmap--today { color: $text-error; }
    RoadmapView > .roadmap--muted { color: $text-muted; }
    RoadmapView > .roadmap--cursor {
        background: $block-cursor-background;
        color: $block-cursor-foreground;
        text-style: bold;
    }
    RoadmapView:blur > .roadmap--cursor { background: $block-cursor-blurred-background; }
    RoadmapView > .roadmap--column { background: $boost; }
    """
    COMPONENT_CLASSES = {
        "roadmap--header",
        "roadmap--lane",
        "roadmap--warning",
        "roadmap--span",
        "roadmap--alert",
        "roadmap--done",
        "roadmap--today",
        "roadmap--muted",
        "roadmap--cursor",
        "roadmap--column",
    }

    def __init__(self, **kwargs: object) -> None:
        super().__init__(**kwargs)  # type: ignore[arg-type]
        self.lines: list[Line] = []
        self.periods: list[Period] = []
        self.zoom = Zoom.MONTH
        self.today = date.today()
        self.cursor = 0
        """Index in `lines` of the selected line (a warning or an item)."""
        self.period = 0
        """Index in `periods` of the period the time cursor is on."""
        self.top = 0
        """The first line drawn under the header."""

    # -- the state --------------------------------------------------------------------------

    def show(self, lines: list[Line], periods: list[Period], zoom: Zoom, today: date) -> None:
        self.lines, self.periods, self.zoom, self.today = lines, periods, zoom, today
        self.cursor = self._selectable(min(self.cursor, len(lines) - 1), 1)
        self.period = min(self.period, len(periods) - 1)
        self._keep_visible()
        self.refresh()

    @property
    def selected(self) -> Line | None:
        if 0 <= self.cursor < len(self.lines) and self.lines[self.cursor].target is not None:
            return self.lines[self.cursor]
        return None

    def _selectable(self, start: int, step: int) -> int:
        """The first line from `start` (in `step`'s direction, then the other) that can be
        selected; `start` when there is none."""
        for direction in (step, -step):
            index = start
            while 0 <= index < len(self.lines):
                if self.lines[index].target is not None:
                    return index
                index += direction
        return max(start, 0)

    def move(self, step: int) -> None:
        index = self.cursor + step
        while 0 <= index < len(self.lines) and self.lines[index].target is None:
            index += step
        if 0 <= index < len(self.lines):
            self.cursor = index
            self._keep_visible()
            self.refresh()

    def move_lane(self, step: int) -> None:
        """To the first item of the next (previous) lane holding one; from the warnings,
        down to the first lane."""
        current = self.lines[self.cursor].lane if self.lines else None
        order: list[Lane | None] = [None, *LANES]
        index = order.index(current) + step
        while 0 <= index < len(order):
            lane = order[index]
            for at, line in enumerate(self.lines):
                if line.lane == lane and line.target is not None:
                    self.cursor = at
                    self._keep_visible()
                    self.refresh()
                    return
            index += step

    def select(self, target: Target, *, warning: bool = False) -> bool:
        """Select the item (or, with `warning`, the warning) naming `target`."""
        for index, line in enumerate(self.lines):
            if line.target == target and (line.warning is not None) == warning:
                self.cursor = index
                self._keep_visible()
                self.refresh()
                return True
        return False

    def _keep_visible(self) -> None:
        height = max(self.size.height - HEADER_LINES, 1)
        if self.cursor < self.top:
            # Moving up onto a lane's first item shows its heading too.
            self.top = max(self.cursor - 1, 0)
        elif self.cursor >= self.top + height:
            self.top = self.cursor - height + 1
        self.top = max(min(self.top, max(len(self.lines) - height, 0)), 0)

    def on_resize(self) -> None:
        self._keep_visible()

    def get_content_height(self, container: Size, viewport: Size, width: int) -> int:
        return len(self.lines) + HEADER_LINES

    # -- drawing ----------------------------------------------------------------------------

    def _widths(self) -> tuple[int, int]:
        """The label's cells and each period's cells, at this width."""
        width = self.size.width
        count = max(len(self.periods), 1)
        label = max(14, min(32, width // 4))
        column = max(2, (width - label - 1) // count)
        return label, column

    def render_line(self, y: int) -> Strip:
        width = self.size.width
        base = self.rich_style
        if y < HEADER_LINES:
            segments = self._header(y)
        else:
            index = self.top + y - HEADER_LINES
            if index >= len(self.lines):
                return Strip.blank(width, base)
            segments = self._line(index)
        return Strip(Segment.apply_style(segments, base), None).crop_extend(0, width, base)

    def _style(self, name: str) -> Style:
        return self.get_component_rich_style(name)

    def _header(self, y: int) -> list[Segment]:
        label, column = self._widths()
        header = self._style("roadmap--header")
        if y == 0:  # each year written from its January (or the first column) on
            cells = [" "] * (column * len(self.periods))
            for index, period in enumerate(self.periods):
                if index == 0 or period.start.month == 1:
                    year = str(period.start.year)
                    cells[index * column : index * column + len(year)] = year
            text = "".join(cells)[: column * len(self.periods)]
            return [Segment(" " * (label + 1)), Segment(text, header)]
        # Three cells or fewer: initials (J F M…), as calendars write them.
        names = t(
            MONTH_NAMES[min(column, max(MONTH_NAMES))] if column > 3 else "roadmap.months_initial"
        ).split()
        segments = [Segment(" " * (label + 1))]
        for index, period in enumerate(self.periods):
            if self.zoom is Zoom.QUARTER:
                text = t("roadmap.quarter_short", quarter=period.quarter)
            else:
                text = names[period.start.month - 1]
            text = text[:column].ljust(column)
            style = header
            if index == self.period:
                style = header + self._style("roadmap--cursor")
            elif period.contains(self.today):
                style = header + self._style("roadmap--today")
            segments.append(Segment(text, style))
        return segments

    def _line(self, index: int) -> list[Segment]:
        line = self.lines[index]
        label, column = self._widths()
        selected = index == self.cursor
        cursor = self._style("roadmap--cursor")
        if line.warning is not None:
            text = "⚠ " + warning_text(line.warning)
            style = cursor if selected else self._style("roadmap--warning")
            return [Segment(_fit(text, self.size.width), style)]
        if line.row is None:
            lane = line.lane
            assert lane is not None
            if index > 0 and self.lines[index - 1].lane == lane:  # heading, then nothing
                return [Segment(" " + t("roadmap.lane_empty"), self._style("roadmap--muted"))]
            heading = f" {t(lane.label_key)} "
            return [
                Segment(
                    heading + "─" * max(self.size.width - len(heading), 0),
                    self._style("roadmap--lane"),
                )
            ]
        row = line.row
        name = row_label(row)
        style = cursor if selected else Style()
        if row.kind is RowKind.BLIND_SPOTS:
            alert = cursor if selected else self._style("roadmap--alert")
            return [Segment(_fit("⚠ " + name, self.size.width), alert)]
        segments = [Segment(" " + _fit(name, label - 1), style), Segment(" ")]
        for number, period in enumerate(self.periods):
            segments += self._cells(row, period, column, selected and number == self.period)
        return segments

    def _cells(self, row: Row, period: Period, width: int, current: bool) -> list[Segment]:
        """A period's cells for `row`: the span, its dates as points, today's mark."""
        days = (period.end - period.start).days + 1
        span = self._style(
            "roadmap--done" if row.state in ("finished", "archived", "done") else "roadmap--span"
        )
        if row.kind is RowKind.RENEWAL_WINDOW:
            span = self._style("roadmap--warning")
        point = self._style("roadmap--alert") if row.kind is RowKind.EXPIRY else span
        column = self._style("roadmap--column") if current else Style()
        segments: list[Segment] = []
        for cell in range(width):
            first = period.start + timedelta(days=cell * days // width)
            last = period.start + timedelta(days=max((cell + 1) * days // width - 1, 0))
            last = max(first, last)
            text, style = " ", Style()
            if row.start is not None and row.end is not None:
                if row.point and first <= row.start <= last:
                    text, style = POINT, point
                elif row.mark is not None and first <= row.mark <= last:
                    text, style = POINT, self._style("roadmap--alert")
                elif not row.point and row.start <= last and row.end >= first:
                    text, style = SPAN, span
            if text == " " and first <= self.today <= last:
                text, style = TODAY, self._style("roadmap--today")
            style += column
            # A run of cells alike is one segment: fewer to style and crop per line.
            if segments and segments[-1].style == style:
                segments[-1] = Segment(segments[-1].text + text, style)
            else:
                segments.append(Segment(text, style))
        return segments


def _fit(text: str, width: int) -> str:
    text = " ".join(text.split())
    if len(text) > width:
        return text[: max(width - 1, 0)] + "…"
    return text.ljust(width)


class RoadmapScreen(WorkspaceScreen):
    mode_name = "roadmap"
    CSS_PATH = styles_dir() / "roadmap.tcss"

    BINDINGS = [
        Binding("enter", "open", "roadmap.key.open", id="roadmap.open"),
        Binding("n", "new", "roadmap.key.new", id="roadmap.new"),
        Binding("e", "edit", "key.edit", id="roadmap.edit"),
        Binding("d", "target", "roadmap.key.target", id="roadmap.target"),
        Binding("z", "zoom", "roadmap.key.zoom", id="roadmap.zoom"),
        Binding("t", "today", "roadmap.key.today", id="roadmap.today"),
        Binding("delete", "delete", "roadmap.key.delete", show=False, id="roadmap.delete"),
        Binding("left", "time(-1)", "roadmap.key.earlier", show=False, id="roadmap.earlier"),
        Binding("right", "time(1)", "roadmap.key.later", show=False, id="roadmap.later"),
        Binding("up", "move(-1)", "roadmap.key.previous", show=False, id="roadmap.previous"),
        Binding("down", "move(1)", "roadmap.key.next", show=False, id="roadmap.next"),
        Binding(
            "pageup", "lane(-1)", "roadmap.key.previous_lane", show=False, id="roadmap.lane_up"
        ),
        Binding("pagedown", "lane(1)", "roadmap.key.next_lane", show=False, id="roadmap.lane_down"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.zoom = Zoom.MONTH
        self.window: Window | None = None
        self.lanes: dict[Lane, list[Row]] = {}
        self.warnings: list[RoadmapWarning] = []
        self._pending: Target | None = None

    def compose_body(self) -> ComposeResult:
        yield Static("", id="roadmap-title", classes="screen-title", markup=False)
        yield RoadmapView(id="roadmap-view")
        yield Static("", id="roadmap-detail", markup=False)
        yield Static(plain(t("roadmap.hint")), classes="dialog-hint", markup=False)

    @property
    def view(self) -> RoadmapView:
        return self.query_one(RoadmapView)

    def on_mount(self) -> None:
        super().on_mount()
        self.view.focus()

    # -- data -------------------------------------------------------------------------------

    def _default_window(self, today: date) -> Window:
        if self.zoom is Zoom.QUARTER:
            return Window(add_months(quarter_start(today), -3), QUARTER_MONTHS)
        return default_window(today)

    def refresh_data(self) -> None:
        if not self.is_mounted:
            return
        from prodtui.app.roadmap import roadmap_view

        today = self.today()
        if self.window is None:
            self.window = self._default_window(today)
            self.view.period = self._index_of(today)
        view = self.view
        kept = view.selected
        self.lanes, self.warnings = roadmap_view(self.workspace, self.window, today)
        view.show(
            build_lines(self.lanes, self.warnings),
            self.window.periods(self.zoom),
            self.zoom,
            today,
        )
        if self._pending is not None and view.select(self._pending):
            self._pending = None
        elif kept is not None and kept.target is not None:
            view.select(kept.target, warning=kept.warning is not None)
        zoom = t("roadmap.zoom.quarter" if self.zoom is Zoom.QUARTER else "roadmap.zoom.month")
        heading = t("roadmap.heading", window=window_label(self.window), zoom=zoom)
        if self.warnings:
            heading += " · " + tn("roadmap.warnings", len(self.warnings))
        self.query_one("#roadmap-title", Static).update(plain(heading))
        self._show_detail()

    def _index_of(self, day: date) -> int:
        assert self.window is not None
        periods = self.window.periods(self.zoom)
        return next((i for i, p in enumerate(periods) if p.contains(day)), 0)

    def _show_detail(self) -> None:
        line = self.view.selected
        text = ""
        if line is not None and line.warning is not None:
            text = warning_text(line.warning)
        elif line is not None and line.row is not None:
            row = line.row
            start, end = row_dates(row)
            when = (
                t("roadmap.span", start=start, end=end)
                if end
                else t("roadmap.on_day", day=start)
                if start
                else ""
            )
            text = " · ".join(part for part in (row_label(row), when, row_state(row)) if part)
        if line is not None and line.target is not None:
            text += "\n" + t(_OPEN_HINTS[line.target.kind])
        self.query_one("#roadmap-detail", Static).update(plain(text))

    # -- moving -----------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        self.view.move(step)
        self._show_detail()

    def action_lane(self, step: int) -> None:
        self.view.move_lane(step)
        self._show_detail()

    def action_time(self, step: int) -> None:
        """One period earlier or later; past either end, the window follows."""
        if self.window is None:
            return
        view = self.view
        index = view.period + step
        if 0 <= index < len(view.periods):
            view.period = index
            view.refresh()
            return
        self.window = self.window.shifted(step * (3 if self.zoom is Zoom.QUARTER else 1))
        self.refresh_data()

    def _cursor_day(self) -> date:
        """The time cursor's day: today when its period holds today, else its first day."""
        today = self.today()
        if not self.view.periods:
            return today
        period = self.view.periods[self.view.period]
        return today if period.contains(today) else period.start

    def action_today(self) -> None:
        today = self.today()
        self.window = self._default_window(today)
        self.view.period = self._index_of(today)
        self.refresh_data()

    def action_zoom(self) -> None:
        """Months ⇄ quarters, the time cursor kept on the same date."""
        day = self._cursor_day()
        self.zoom = Zoom.MONTH if self.zoom is Zoom.QUARTER else Zoom.QUARTER
        self.window = self._default_window(day if self.zoom is Zoom.MONTH else self.today())
        if not self.window.start <= day <= self.window.end:
            self.window = self._default_window(day)
        self.view.period = self._index_of(day)
        self.refresh_data()

    # -- opening ----------------------------------------------------------------------------

    async def action_open(self) -> None:
        line = self.view.selected
        if line is not None and line.target is not None:
            await open_target(self.prodtui, line.target, self)

    def show_milestone(self, milestone: Milestone) -> None:
        """Bring `milestone` into view and select it (global search opens it so)."""
        self._pending = Target(TargetKind.MILESTONE, milestone.id)
        today = self.today()
        self.window = self._default_window(milestone.day)
        if self.window.start <= today <= self.window.end:
            self.window = self._default_window(today)
            if not self.window.start <= milestone.day <= self.window.end:
                self.window = self._default_window(milestone.day)
        if self.is_mounted:
            self.view.period = self._index_of(milestone.day)
        self.refresh_data()

    # -- milestones and target dates --------------------------------------------------------

    def action_new(self) -> None:
        if self.workspace.read_only:
            self.notify(t("workspace.read_only_write"), severity="error")
            return
        self.app.push_screen(MilestoneFormScreen(None, self._cursor_day()), self._saved)

    def action_edit(self) -> None:
        line = self.view.selected
        if line is None or line.target is None or line.target.kind is not TargetKind.MILESTONE:
            self.notify(t("roadmap.only_milestones"), markup=False)
            return
        self._edit_milestone(line.target)

    def _edit_milestone(self, target: Target) -> None:
        try:
            milestone = self.workspace.milestones.get(target.id or 0)
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            self.refresh_data()
            return
        self.app.push_screen(MilestoneFormScreen(milestone), self._saved)

    def _saved(self, milestone: Milestone | None) -> None:
        if milestone is None:
            return
        self.notify(
            t("roadmap.milestone_saved", name=milestone.name, day=short_day(milestone.day)),
            markup=False,
        )
        self.show_milestone(milestone)

    def action_delete(self) -> None:
        line = self.view.selected
        if line is None or line.target is None or line.target.kind is not TargetKind.MILESTONE:
            self.notify(t("roadmap.only_milestones"), markup=False)
            return
        try:
            milestone = self.workspace.milestones.get(line.target.id or 0)
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            self.refresh_data()
            return
        ask_then_delete(
            self,
            t("roadmap.delete_question", name=milestone.name, day=short_day(milestone.day)),
            lambda: self.workspace.milestones.delete(milestone.id or 0, milestone.version),
            t("roadmap.milestone_deleted", name=milestone.name),
            self.refresh_data,
        )

    def action_target(self) -> None:
        line = self.view.selected
        if line is None or line.row is None or line.row.kind is not RowKind.EPIC:
            self.notify(t("roadmap.only_epics"), markup=False)
            return
        try:
            epic = self.workspace.epics.get(line.row.target.id or 0)
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            self.refresh_data()
            return
        today = self.today()

        def check(text: str) -> str | None:
            if text and parse_due_date(text, today) is None:
                return t("roadmap.bad_date", value=text)
            return None

        def typed(text: str | None) -> None:
            if text is None:
                return
            day = parse_due_date(text, today) if text else None

            def saved() -> None:
                self.refresh_data()

            def save(version: Epic) -> Epic:
                result = self.workspace.epics.save(version)
                if day is None:
                    self.notify(t("roadmap.target_cleared", name=result.title), markup=False)
                else:
                    message = t("roadmap.target_saved", name=result.title, day=short_day(day))
                    self.notify(message, markup=False)
                return result

            self.save_change(save, epic, lambda e: e.edit(target_date=day), epic_shown, saved)

        current = epic.target_date.isoformat() if epic.target_date else ""
        self.app.push_screen(
            PromptScreen(
                t("roadmap.target_prompt", name=epic.title),
                current,
                placeholder=t("roadmap.date_placeholder"),
                check=check,
            ),
            typed,
        )


async def _main_screen(app: ProdtuiApp, mode: str) -> Screen[object]:
    if app.current_mode != mode:
        await app.switch_mode(mode)
    return app.screen_stack[0]


async def open_target(app: ProdtuiApp, target: Target, roadmap: RoadmapScreen | None) -> None:
    """Show what `target` names where it lives: an epic's or a sprint's stories, the
    campaign, the measure, the homologation tracker; a milestone opens its form."""
    from prodtui.store.stories import StoryFilter
    from prodtui.ui.screens.homologation import HomologationScreen
    from prodtui.ui.screens.recette import RecetteScreen
    from prodtui.ui.screens.security import SecurityScreen
    from prodtui.ui.screens.stories import StoriesScreen

    kind = target.kind
    if kind is TargetKind.MILESTONE:
        if roadmap is not None:
            roadmap._edit_milestone(target)
        return
    if kind in (TargetKind.EPIC, TargetKind.SPRINT):
        screen = await _main_screen(app, "stories")
        if isinstance(screen, StoriesScreen):
            chosen = (
                StoryFilter(epic_id=target.id)
                if kind is TargetKind.EPIC
                else StoryFilter(sprint_id=target.id)
            )
            screen.show_filter(chosen)
    elif kind is TargetKind.CAMPAIGN:
        screen = await _main_screen(app, "recette")
        if isinstance(screen, RecetteScreen) and target.id is not None:
            screen.select_campaign(target.id)
    elif kind in (TargetKind.MEASURE, TargetKind.MEASURES):
        screen = await _main_screen(app, "security")
        if isinstance(screen, SecurityScreen):
            screen.show_measure(target.code)
    elif kind is TargetKind.HOMOLOGATION:
        await _main_screen(app, "security")
        app.push_screen(HomologationScreen())


class MilestoneFormScreen(FormDialog[Milestone]):
    """A milestone's name, date and kind; a new one when `milestone` is None."""

    CSS_PATH = styles_dir() / "roadmap.tcss"
    BINDINGS = form_bindings("milestone_form")

    def __init__(self, milestone: Milestone | None, day: date | None = None) -> None:
        super().__init__()
        self.milestone = milestone
        self.day = day

    def draft_identity(self) -> tuple[str, str] | None:
        milestone = self.milestone
        title = t("roadmap.milestone_title") if milestone else t("roadmap.new_milestone_title")
        return record_key("milestone", milestone), f"{title} {milestone.name if milestone else ''}"

    def compose(self) -> ComposeResult:
        milestone = self.milestone
        title = "roadmap.milestone_title" if milestone else "roadmap.new_milestone_title"
        day = milestone.day if milestone else self.day
        with Vertical(classes="dialog wide"):
            yield Static(plain(t(title)), classes="dialog-title")
            yield Label(t("roadmap.field.name"))
            yield LimitedInput(
                milestone.name if milestone else "",
                id="mf-name",
                max_length=200,
                select_on_focus=False,
            )
            yield Label(t("roadmap.field.day"))
            yield LimitedInput(
                day.isoformat() if day else "",
                placeholder=t("roadmap.date_placeholder"),
                id="mf-day",
                select_on_focus=False,
            )
            yield Label(t("roadmap.field.kind"))
            yield Select(
                choices([(t(kind.label_key), kind) for kind in MilestoneKind]),
                value=milestone.kind if milestone else MilestoneKind.RELEASE,
                allow_blank=False,
                id="mf-kind",
            )
            yield Static("", id="mf-error", classes="dialog-error", markup=False)
            yield Static(plain(t("roadmap.form_hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one("#mf-name", Input).focus()
        super().on_mount()

    def action_save(self) -> None:
        error = self.query_one("#mf-error", Static)
        text = self.query_one("#mf-day", Input).value.strip()
        if not text:
            error.update(plain(t("roadmap.date_required")))
            return
        day = parse_due_date(text, self.today())
        if day is None:
            error.update(plain(t("roadmap.bad_date", value=text)))
            return
        kind = select_value(self.query_one("#mf-kind", Select)) or MilestoneKind.OTHER
        fields = {"name": self.query_one("#mf-name", Input).value, "day": day, "kind": kind}
        repo = self.workspace.milestones
        try:
            if self.milestone is None:
                saved = repo.create(Milestone(**fields))
            else:
                saved = repo.save(self.milestone.edit(**fields))
        except ConflictError as conflict:
            self._resolve(conflict)
            return
        except (ProdtuiError, ValueError) as problem:
            error.update(plain(error_message(problem)))
            return
        self.dismiss(saved)

    def _resolve(self, conflict: ConflictError[Milestone]) -> None:
        def rebase(theirs: Milestone) -> None:
            self.milestone = theirs

        self.resolve_conflict(conflict, milestone_shown, rebase)
