"""Global search: one overlay over the whole workspace, results as you type, `enter` opens
the hit in its own screen."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import Screen
from textual.timer import Timer
from textual.widgets import Input, OptionList, Static
from textual.widgets.option_list import Option

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.search import SearchHit, SearchKind
from prodtui.i18n import error_message, format_day, t, tn
from prodtui.resources import styles_dir
from prodtui.ui.screens.dialogs import Dialog
from prodtui.ui.text import plain
from prodtui.ui.widgets.fields import LimitedInput

if TYPE_CHECKING:
    from prodtui.ui.app import ProdtuiApp

# Seconds of quiet typing before the search runs: one query per pause, not per key.
DEBOUNCE = 0.1
LIMIT = 50
KIND_WIDTH = 9
KIND_STYLE = {
    SearchKind.STORY: "bold cyan",
    SearchKind.CAPTURE: "bold yellow",
    SearchKind.STANDUP: "bold green",
    SearchKind.EXECUTION: "bold magenta",
    SearchKind.MEASURE: "bold blue",
    SearchKind.RISK: "bold red",
    SearchKind.MILESTONE: "bold white",
}
MATCH_STYLE = "bold reverse"


class SearchScreen(Dialog[SearchHit]):
    CSS_PATH = styles_dir() / "search.tcss"

    BINDINGS = [
        Binding("escape", "close", "key.close", id="search.close"),
        Binding("down", "move(1)", "search.key.next", show=False, id="search.next"),
        Binding("up", "move(-1)", "search.key.previous", show=False, id="search.previous"),
        Binding("pagedown", "move(10)", "search.key.next", show=False, id="search.page_down"),
        Binding("pageup", "move(-10)", "search.key.previous", show=False, id="search.page_up"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[SearchHit] = []
        self._pending: Timer | None = None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="search-box"):
            yield Static(plain(t("search.title")), classes="dialog-title")
            yield LimitedInput(placeholder=t("search.placeholder"), id="search-input")
            yield Static(plain(t("search.empty")), id="search-status", markup=False)
            yield OptionList(id="search-results")
            yield Static(plain(t("search.hint")), classes="dialog-hint", markup=False)

    def on_mount(self) -> None:
        self.query_one("#search-results", OptionList).can_focus = False
        self.query_one("#search-input", Input).focus()

    # -- searching ---------------------------------------------------------------------------

    @on(Input.Changed, "#search-input")
    def _typed(self) -> None:
        if self._pending is not None:
            self._pending.stop()
        self._pending = self.set_timer(DEBOUNCE, self.run_search)

    def run_search(self) -> None:
        self._pending = None
        query = self.query_one("#search-input", Input).value
        try:
            self.hits = self.workspace.search.search(query, limit=LIMIT)
        except ProdtuiError as error:
            self.hits = []
            self.query_one("#search-status", Static).update(plain(error_message(error)))
            return
        results = self.query_one("#search-results", OptionList)
        results.clear_options()
        results.add_options([Option(self._render_hit(hit)) for hit in self.hits])
        if self.hits:
            results.highlighted = 0
        self.query_one("#search-status", Static).update(plain(self._status(query)))

    def _status(self, query: str) -> str:
        if not query.strip():
            return t("search.empty")
        if not self.hits:
            return t("search.none", query=query.strip())
        if len(self.hits) >= LIMIT:
            return t("search.count_first", count=len(self.hits))
        return tn("search.count", len(self.hits))

    def _render_hit(self, hit: SearchHit) -> Text:
        """Two lines: kind, key and title; then the snippet, matched words highlighted.
        When the match is the title itself (a short capture, a measure's title), one line."""
        label = t(hit.kind.label_key)[:KIND_WIDTH]
        head = Text.assemble(
            (f"{label:<{KIND_WIDTH}} ", KIND_STYLE[hit.kind]), (f"{describe_key(hit)} ", "bold")
        )
        indent = len(head)
        if hit.snippet == hit.title:
            head.append(hit.title)
            lines = [head]
        else:
            head.append(hit.title)
            indent = KIND_WIDTH + 1
            lines = [head, Text(" " * indent + hit.snippet, style="dim")]
        for start, end in hit.marks:
            lines[-1].stylize(MATCH_STYLE, indent + start, indent + end)
        rendered = Text("\n").join(lines)
        rendered.no_wrap = True
        rendered.overflow = "ellipsis"
        return rendered

    # -- keys --------------------------------------------------------------------------------

    def action_move(self, step: int) -> None:
        results = self.query_one("#search-results", OptionList)
        if not self.hits:
            return
        current = results.highlighted if results.highlighted is not None else -1
        results.highlighted = min(max(current + step, 0), len(self.hits) - 1)

    @on(Input.Submitted, "#search-input")
    def _enter(self) -> None:
        if self._pending is not None:  # enter before the pause: search first
            self._pending.stop()
            self.run_search()
        highlighted = self.query_one("#search-results", OptionList).highlighted
        if highlighted is not None and 0 <= highlighted < len(self.hits):
            self.dismiss(self.hits[highlighted])

    @on(OptionList.OptionSelected, "#search-results")
    def _clicked(self, event: OptionList.OptionSelected) -> None:
        self.dismiss(self.hits[event.option_index])

    def action_close(self) -> None:
        self.dismiss(None)


def describe_key(hit: SearchHit) -> str:
    """How the hit is named in the list: its key, a stand-up entry by its day."""
    if hit.kind in (SearchKind.STANDUP, SearchKind.MILESTONE) and hit.day is not None:
        return format_day(hit.day, short=True, year=True)
    return hit.key


# -- opening a hit in its screen --------------------------------------------------------------


async def open_hit(app: ProdtuiApp, hit: SearchHit | None) -> None:
    """Show `hit` where it lives: its screen, the cursor on it (or its editor open)."""
    if hit is None:
        return
    try:
        await _OPENERS[hit.kind](app, hit)
    except ProdtuiError as error:
        app.notify(error_message(error), severity="error", markup=False)


async def _base_screen(app: ProdtuiApp, mode: str) -> Screen[object]:
    """Switch to `mode` and return its main screen (an editor may be open on top of it)."""
    if app.current_mode != mode:
        await app.switch_mode(mode)
    return app.screen_stack[0]


async def _open_story(app: ProdtuiApp, hit: SearchHit) -> None:
    from prodtui.store.stories import StoryFilter
    from prodtui.ui.screens.stories import StoriesScreen
    from prodtui.ui.widgets.filter_input import FilterInput

    app.workspace.stories.get(hit.ref)  # gone since: say so, stay here
    screen = await _base_screen(app, "stories")
    if not isinstance(screen, StoriesScreen):
        return
    if screen.workspace.stories.position(hit.ref, screen.filter) is None:
        # The filter hides it: show the whole backlog rather than nothing.
        screen.filter = StoryFilter()
        line = screen.query_one("#stories-filter", FilterInput)
        with line.prevent(Input.Changed):
            line.value = ""
        line.add_class("hidden")
    screen.refresh_data(select=hit.ref)
    screen.table.focus()


async def _open_capture(app: ProdtuiApp, hit: SearchHit) -> None:
    from prodtui.ui.screens.inbox import InboxScreen
    from prodtui.ui.screens.item_editor import ItemEditorScreen

    item = app.workspace.items.get(hit.ref)
    screen = await _base_screen(app, "inbox")
    if isinstance(screen, InboxScreen):
        if item.triaged and not screen.show_all:
            screen.show_all = True  # filed captures are only in the list of all
        screen.refresh_data(select=hit.ref)
        app.push_screen(ItemEditorScreen(item), lambda _: screen.refresh_data())


async def _open_standup(app: ProdtuiApp, hit: SearchHit) -> None:
    from prodtui.ui.screens.standup import StandupScreen

    screen = await _base_screen(app, "standup")
    if not isinstance(screen, StandupScreen) or hit.day is None:
        return
    screen.show_day(hit.day)
    people = screen.data.people if screen.data else []
    for row, person in enumerate(people):
        if person.person.id == hit.person_id:
            screen.people_table.move_to(row)
    screen.people_table.focus()


async def _open_execution(app: ProdtuiApp, hit: SearchHit) -> None:
    from prodtui.store.recette import ExecutionFilter
    from prodtui.ui.screens.execution_log import ExecutionLogScreen

    await _base_screen(app, "recette")
    app.push_screen(ExecutionLogScreen(ExecutionFilter(case_id=hit.case_id)))


async def _open_measure(app: ProdtuiApp, hit: SearchHit) -> None:
    from prodtui.ui.screens.security import SecurityScreen

    screen = await _base_screen(app, "security")
    if isinstance(screen, SecurityScreen):
        screen.show_measure(hit.key)


async def _open_risk(app: ProdtuiApp, hit: SearchHit) -> None:
    from prodtui.ui.screens.risks import RisksScreen

    await _base_screen(app, "security")
    app.push_screen(RisksScreen(select=hit.ref))


async def _open_milestone(app: ProdtuiApp, hit: SearchHit) -> None:
    from prodtui.ui.screens.roadmap import RoadmapScreen

    milestone = app.workspace.milestones.get(hit.ref)  # gone since: say so, stay here
    screen = await _base_screen(app, "roadmap")
    if isinstance(screen, RoadmapScreen):
        screen.show_milestone(milestone)


_OPENERS = {
    SearchKind.STORY: _open_story,
    SearchKind.CAPTURE: _open_capture,
    SearchKind.STANDUP: _open_standup,
    SearchKind.EXECUTION: _open_execution,
    SearchKind.MEASURE: _open_measure,
    SearchKind.RISK: _open_risk,
    SearchKind.MILESTONE: _open_milestone,
}
