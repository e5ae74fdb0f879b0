"""The daily stand-up: one day, a row per person, carried blockers, decisions and actions."""

from __future__ import annotations

import time
from collections.abc import Callable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import Sparkline, Static

from prodtui.domain.capture import parse_day
from prodtui.domain.errors import ProdtuiError
from prodtui.domain.items import Item, ItemStatus
from prodtui.domain.standup import (
    PersonDay,
    StandupDay,
    StandupTimer,
    clock,
    mood_symbol,
    next_workday,
    previous_workday,
)
from prodtui.i18n import error_message, format_day, t
from prodtui.resources import styles_dir
from prodtui.ui.screens.base import WorkspaceScreen
from prodtui.ui.screens.dialogs import PromptScreen
from prodtui.ui.screens.inbox import item_shown
from prodtui.ui.text import plain
from prodtui.ui.undo import Undoable
from prodtui.ui.widgets.lazy_table import Cell, Column, ListTable

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

NAME_WIDTH = 18
OWNER_WIDTH = 14
DayRead = tuple[StandupDay, list[float]]


def read_day(workspace: Workspace, day: date) -> DayRead:
    """What the screen shows of `day`: its stand-up and the mood trend up to it."""
    return workspace.standups.day(day), workspace.standups.mood_trend(day)


def one_line(text: str) -> str:
    """The lines of a text joined with " / " (the table cuts it to the column)."""
    return " / ".join(part.strip() for part in text.splitlines() if part.strip())


def fit(text: str, width: int) -> str:
    """One line of at most `width` cells, with an ellipsis when cut."""
    line = one_line(text)
    return line if len(line) <= width else line[: max(width - 1, 0)] + "…"


class StandupScreen(Undoable, WorkspaceScreen):
    CSS_PATH = styles_dir() / "standup.tcss"

    mode_name = "standup"

    BINDINGS = [
        Binding("e", "edit", "key.edit", id="standup.edit"),
        Binding("plus", "mood(1)", "standup.key.mood_up", show=False, id="standup.mood_up"),
        Binding("minus", "mood(-1)", "standup.key.mood_down", show=False, id="standup.mood_down"),
        Binding("a", "absent", "standup.key.absent", id="standup.absent"),
        Binding("b", "blocker", "standup.key.blocker", id="standup.blocker"),
        Binding("r", "resolve", "standup.key.resolve", id="standup.resolve"),
        Binding("left_square_bracket", "day(-1)", "standup.key.previous", id="standup.previous"),
        Binding("right_square_bracket", "day(1)", "standup.key.next", id="standup.next"),
        Binding("t", "today", "standup.key.today", show=False, id="standup.today"),
        Binding("g", "goto", "standup.key.goto", show=False, id="standup.goto"),
        Binding("s", "timer", "standup.key.timer", id="standup.timer"),
        Binding("v", "next_speaker", "standup.key.next_speaker", id="standup.next_speaker"),
        Binding("c", "copy", "standup.key.copy", id="standup.copy"),
        Binding("w", "write", "standup.key.write", show=False, id="standup.write"),
        Binding("slash", "search", "standup.key.search", show=False, id="standup.search"),
        Binding("p", "team", "standup.key.team", show=False, id="standup.team"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.day: date = date.today()
        self.data: StandupDay | None = None
        self.timer: StandupTimer | None = None
        self.now: Callable[[], float] = time.monotonic

    def compose_body(self) -> ComposeResult:
        with Horizontal(id="standup-bar"):
            yield Static("", id="standup-title")
            yield Static("", id="standup-timer")
            yield Static(plain(t("standup.mood_trend")), id="standup-mood-label")
            yield Sparkline([], id="standup-mood")
        yield ListTable(
            [
                Column(t("standup.col.person"), NAME_WIDTH + 2),
                Column(t("standup.col.mood"), 6),
                Column(t("standup.col.absent"), 6),
                Column(t("standup.col.blockers"), 5),
                Column(t("standup.col.yesterday")),
                Column(t("standup.col.today")),
            ],
            self._cells,
            zebra=True,
            id="standup-people",
        )
        yield Static(plain(t("standup.no_team")), id="standup-empty")
        with Horizontal(id="standup-lower"):
            with Vertical():
                yield Static("", id="standup-blockers-title", classes="standup-section")
                yield ListTable(
                    [
                        Column(t("standup.col.age"), 6),
                        Column(t("standup.col.who"), OWNER_WIDTH, shrink=True),
                        Column(t("standup.col.blocker")),
                    ],
                    self._blocker_cells,
                    id="standup-blockers",
                )
            with Vertical():
                yield Static("", id="standup-items-title", classes="standup-section")
                yield ListTable(
                    [
                        Column(t("standup.col.kind"), 10, shrink=True),
                        Column(t("standup.col.due"), 12),
                        Column(t("standup.col.who"), OWNER_WIDTH, shrink=True),
                        Column(t("standup.col.text")),
                    ],
                    self._item_cells,
                    id="standup-items",
                )

    def on_mount(self) -> None:
        self.day = self.prodtui.today()
        self.set_interval(1.0, self._tick)
        self.people_table.focus()

    @property
    def people_table(self) -> ListTable[PersonDay]:
        return self.query_one("#standup-people", ListTable)

    def section(self, name: str) -> ListTable[Any]:
        """The people, blockers or items table."""
        return self.query_one(f"#standup-{name}", ListTable)

    # -- loading -----------------------------------------------------------------------------

    def show_day(self, day: date) -> None:
        self.day = day
        self.timer = None
        self.refresh_data()

    def show_today(self, section: str = "people") -> None:
        """Today's stand-up with the cursor in `section`: people, blockers or items."""
        if self.day != self.prodtui.today():
            self.show_day(self.prodtui.today())
        self.section(section).focus()

    def refresh_data(self) -> None:
        if not self.is_mounted:
            return
        self._show(read_day(self.workspace, self.day))

    def _show(self, read: DayRead) -> None:
        self.data, trend = read
        self._fill_people()
        self._fill_lower()
        self._update_title()
        self._tick()
        sparkline = self.query_one("#standup-mood", Sparkline)
        sparkline.display = bool(trend)  # no mood yet: no bar that would look like one
        sparkline.data = trend
        # No team: the message in place of an empty table, saying how to add someone.
        self.query_one("#standup-empty").display = not self.data.people
        self.people_table.display = bool(self.data.people)

    def _fill_people(self) -> None:
        assert self.data is not None
        self.people_table.show(self.data.people)

    def _cells(self, person: PersonDay) -> list[Cell]:
        people = self.data.people if self.data else []
        speaking = (
            self.timer is not None
            and self.timer.started
            and self.timer.speaker < len(people)  # the team may have changed meanwhile
            and person is people[self.timer.speaker]
        )
        entry = person.entry
        name = fit(person.person.name, NAME_WIDTH)
        name_cell = Text(("▶ " if speaking else "") + name, style="bold" if speaking else "")
        if entry is None:
            yesterday = Text(one_line(person.suggested_yesterday), style="dim italic")
            return [name_cell, "", "", self._blocker_count(person), yesterday, ""]
        if entry.absent:
            return [Text(name, style="dim"), "", t("standup.absent_mark"), "", "", ""]
        return [
            name_cell,
            mood_symbol(entry.mood) if entry.mood else "",
            "",
            self._blocker_count(person),
            one_line(entry.yesterday),
            one_line(entry.today),
        ]

    @staticmethod
    def _blocker_count(person: PersonDay) -> Cell:
        count = len(person.blockers)
        return Text(f"!{count}", style="bold red") if count else ""

    def _fill_lower(self) -> None:
        assert self.data is not None
        self.section("blockers").show(self.data.blockers)
        self.query_one("#standup-blockers-title", Static).update(
            plain(t("standup.blockers_title", count=len(self.data.blockers)))
        )
        self.section("items").show([*self.data.decisions, *self.data.actions])
        self.query_one("#standup-items-title", Static).update(
            plain(
                t(
                    "standup.items_title",
                    decisions=len(self.data.decisions),
                    actions=len(self.data.actions),
                )
            )
        )

    def _blocker_cells(self, blocker: Item) -> list[Cell]:
        age = blocker.age_on(self.day)
        return [
            Text(
                t("standup.age", days=age) if age > 0 else t("standup.age_today"),
                style="bold" if age >= 3 else "",
            ),
            fit(blocker.owner or "", OWNER_WIDTH),
            one_line(blocker.text),
        ]

    def _item_cells(self, item: Item) -> list[Cell]:
        due: Cell = format_day(item.due_date, short=True) if item.due_date else ""
        if item.is_late(self.day):
            due = Text(f"⚠ {due}", style="bold red")
        done = item.status is ItemStatus.DONE
        kind = t(item.kind.label_key) + (" ✓" if done else "")
        return [kind, due, fit(item.owner or "", OWNER_WIDTH), one_line(item.text)]

    def _update_title(self) -> None:
        assert self.data is not None
        today = self.prodtui.today()
        when = format_day(self.day)
        if self.day == today:
            when += " · " + t("standup.is_today")
        # As the summary counts: an entry with text, not a mood alone.
        title = t(
            "standup.title", day=when, spoke=len(self.data.spoke), total=len(self.data.people)
        )
        self.query_one("#standup-title", Static).update(plain(title))

    def _tick(self) -> None:
        label = self.query_one("#standup-timer", Static)
        if self.timer is None or not self.timer.started:
            label.update(plain(t("standup.timer_idle")))
            label.remove_class("over")
            return
        now = self.now()
        people = self.data.people if self.data else []
        speaker = people[self.timer.speaker].person.name if self.timer.speaker < len(people) else ""
        label.update(
            plain(
                t(
                    "standup.timer",
                    total=clock(self.timer.total(now)),
                    who=speaker,
                    speaker=clock(self.timer.speaker_time(now)),
                    box=clock(self.timer.timebox),
                )
                + ("" if self.timer.running else " ⏸")
            )
        )
        label.set_class(self.timer.over_timebox(now), "over")

    # -- the selected person -----------------------------------------------------------------

    def selected_person(self) -> PersonDay | None:
        if self.data is None or not self.data.people:
            return None
        return self.people_table.selected

    def action_edit(self) -> None:
        person = self.selected_person()
        if person is None:
            self.notify(t("standup.no_team"), severity="warning")
            return
        self.open_editor(person)

    def open_editor(self, person: PersonDay) -> None:
        from prodtui.ui.screens.standup_entry import EntryEditorScreen

        def after(move: int | None) -> None:
            self.refresh_data()
            if move and self.data:
                row = self.people_table.cursor + move
                if 0 <= row < len(self.data.people):
                    self.people_table.move_to(row)
                    self.open_editor(self.data.people[row])

        self.app.push_screen(EntryEditorScreen(person, self.day), after)

    @on(ListTable.Selected, "#standup-people")
    def _row_selected(self) -> None:
        self.action_edit()

    def _save(self, person: PersonDay, **changes: object) -> None:
        try:
            entry = person.draft_entry().edit(**changes)
            self.workspace.standups.save_entry(self.day, entry)
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error", markup=False)
        self.refresh_data()

    def action_mood(self, step: int) -> None:
        if person := self.selected_person():
            current = person.entry.mood if person.entry and person.entry.mood else 3 - step
            self._save(person, mood=min(max(current + step, 1), 5), absent=False)

    def action_absent(self) -> None:
        if person := self.selected_person():
            self._save(person, absent=not person.absent)

    def action_blocker(self) -> None:
        person = self.selected_person()
        if person is None:
            return

        def raised(text: str | None) -> None:
            if not text:
                return
            try:
                self.workspace.standups.raise_blocker(self.day, person.person, text)
            except (ProdtuiError, ValueError) as error:
                self.notify(error_message(error), severity="error", markup=False)
            self.refresh_data()

        self.app.push_screen(
            PromptScreen(
                t("standup.new_blocker", name=person.person.name),
                check=lambda v: None if v else t("editor.empty_text"),
                draft=f"blocker:{self.day.isoformat()}:{person.person.id}",
            ),
            raised,
        )

    def action_resolve(self) -> None:
        if self.data is None or not self.data.blockers:
            self.notify(t("standup.no_blocker"))
            return
        table: ListTable[Item] = self.section("blockers")
        blocker = table.selected or self.data.blockers[0]
        if not table.has_focus:
            # From the people list: the selected person's oldest blocker.
            person = self.selected_person()
            if person is None or not person.blockers:
                self.notify(t("standup.no_blocker_for"), severity="warning")
                return
            blocker = person.blockers[0]
        try:
            resolved = self.workspace.standups.resolve(blocker, self.day)
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            self.refresh_data()
            return
        self.refresh_data()
        text = fit(blocker.text, 50)
        self.offer_undo(
            t("standup.resolved", text=text, days=blocker.age_on(self.day))
            if blocker.age_on(self.day) > 0
            else t("standup.resolved_same_day", text=text),
            self.undo_save(
                self.workspace.items.save,
                resolved,
                lambda current: current.edit(
                    status=ItemStatus.OPEN, resolved_on=None, resolved_at=None
                ),
                item_shown,
                t("undo.blocker_reopened", text=text),
                self.refresh_data,
            ),
        )

    # -- days --------------------------------------------------------------------------------

    def action_day(self, step: int) -> None:
        self.show_day(next_workday(self.day) if step > 0 else previous_workday(self.day))

    def action_today(self) -> None:
        self.show_day(self.prodtui.today())

    def action_goto(self) -> None:
        today = self.prodtui.today()

        def check(value: str) -> str | None:
            return None if parse_day(value, today) else t("standup.bad_date", value=value)

        def chosen(value: str | None) -> None:
            if value and (day := parse_day(value, today)):
                self.show_day(day)

        self.app.push_screen(
            PromptScreen(
                t("standup.goto_title"),
                self.day.isoformat(),
                hint=t("standup.goto_hint"),
                check=check,
            ),
            chosen,
        )

    def action_search(self) -> None:
        from prodtui.ui.screens.standup_search import StandupSearchScreen

        def chosen(day: date | None) -> None:
            if day is not None:
                self.show_day(day)

        self.app.push_screen(StandupSearchScreen(), chosen)

    def action_team(self) -> None:
        from prodtui.ui.screens.team import TeamScreen

        self.app.push_screen(TeamScreen(), lambda _: self.refresh_data())

    # -- timer -------------------------------------------------------------------------------

    def action_timer(self) -> None:
        if self.data is None or not self.data.people:
            return
        if self.timer is None:
            timebox = self.prodtui.settings.standup_timebox_seconds
            self.timer = StandupTimer(len(self.data.people), timebox)
            self.timer.set_speaker(self.people_table.cursor, self.now())
        self.timer.toggle(self.now())
        self._fill_people()
        self._tick()

    def action_next_speaker(self) -> None:
        if self.timer is None:
            self.action_timer()
            return
        self.timer.next_speaker(self.now())
        self.people_table.move_to(self.timer.speaker)
        self._fill_people()
        self._tick()

    # -- sharing -----------------------------------------------------------------------------

    def summary(self) -> str:
        from prodtui.exchange.standup import standup_markdown

        return standup_markdown(self.workspace.standups.day(self.day))

    def action_copy(self) -> None:
        self.app.copy_to_clipboard(self.summary())
        self.notify(t("standup.copied"))

    def action_write(self) -> None:
        from prodtui.exchange.files import write_new_text

        def write(value: str | None) -> None:
            if not value:
                return
            try:
                path = write_new_text(Path(value).expanduser(), self.summary())
            except ProdtuiError as error:
                self.notify(error_message(error), severity="error", markup=False)
                return
            self.notify(t("standup.written", path=str(path)), markup=False)

        default = Path.home() / f"standup-{self.day.isoformat()}.md"
        self.app.push_screen(PromptScreen(t("standup.write_title"), str(default)), write)
