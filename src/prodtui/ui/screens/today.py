"""Today: what needs the user now, one tile per place, one key to go there."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date

from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Grid, VerticalScroll
from textual.content import Content
from textual.geometry import Size
from textual.widgets import Static

from prodtui.domain.dashboard import (
    ActionsTile,
    BlockersTile,
    CampaignTile,
    InboxTile,
    SecurityTile,
    SprintTile,
    StandupTile,
    TileItem,
    TodaySnapshot,
)
from prodtui.domain.homologation import ExpiryLevel
from prodtui.domain.recette_status import shown_rate
from prodtui.homologation_text import short_countdown
from prodtui.i18n import format_day, number, percent, t, tn
from prodtui.resources import styles_dir
from prodtui.ui.screens.base import WorkspaceScreen
from prodtui.ui.text import lines, markup, plain

BARS = " ▁▂▃▄▅▆▇█"
LEVEL_STYLE = {
    ExpiryLevel.OK: "$success",
    ExpiryLevel.PLAN: "$text",
    ExpiryLevel.SOON: "$warning",
    ExpiryLevel.URGENT: "b $error",
    ExpiryLevel.EXPIRED: "b $error",
}
# The weekly review is recalled from this weekday on (Thursday).
REMIND_FROM = 3
# Below these widths the grid has fewer columns (each tile needs about 38 cells to read).
THREE_COLUMNS = 110
TWO_COLUMNS = 76
# A row of tiles shorter than this (borders included) shows too little: the tiles then
# stack at the height of their text, and the screen scrolls.
LEAST_TILE_HEIGHT = 5


@dataclass(frozen=True)
class TileSpec:
    name: str
    title: str
    """Catalogue key of the tile's title."""
    wide: bool = False
    """Spans two columns when the grid has three: the tile has long lines."""


# The keys an empty tile names, by binding id, as bound by default (a test checks them
# against the bindings themselves; importing the screens here would slow the first paint).
# The settings' keymap may bind them otherwise: the tile then says so.
HINT_KEYS = {
    "capture": "ctrl+n",
    "go.standup": "2",
    "standup.team": "p",
    "go.stories": "3",
    "stories.new": "n",
    "stories.plan": "m",
    "go.recette": "4",
    "recette.new_campaign": "n",
    "go.security": "5",
    "security.import": "I",
    "security.homologation": "h",
}

TILES = (
    TileSpec("standup", "today.standup"),
    TileSpec("blockers", "today.blockers"),
    TileSpec("actions", "today.actions"),
    TileSpec("inbox", "today.inbox"),
    TileSpec("sprint", "today.sprint", wide=True),
    TileSpec("campaign", "today.campaign"),
    TileSpec("security", "today.security", wide=True),
)


def bar(values: list[int], top: int) -> str:
    """One block character per value, scaled from 0 to `top` (0 is a blank)."""
    if top <= 0:
        return ""
    steps = len(BARS) - 1
    return "".join(BARS[min(steps, -(-value * steps // top))] for value in values)


def names(people: list[str], limit: int = 8) -> str:
    """First names, so that more of the team fits on the tile's line."""
    shown = [(name.split() or [""])[0] for name in people[:limit]]
    return ", ".join(shown) + ("…" if len(people) > limit else "")


def short_day(day: date | None) -> str:
    return f"{day.day:02}/{day.month:02}" if day else ""


class TodayScreen(WorkspaceScreen):
    CSS_PATH = styles_dir() / "today.tcss"

    mode_name = "today"

    BINDINGS = [
        Binding("s", "jump('standup')", "today.key.standup", show=False, id="today.standup"),
        Binding("b", "jump('blockers')", "today.key.blockers", show=False, id="today.blockers"),
        Binding("a", "jump('actions')", "today.key.actions", show=False, id="today.actions"),
        Binding("t", "jump('inbox')", "today.key.inbox", show=False, id="today.inbox"),
        Binding("p", "jump('sprint')", "today.key.sprint", show=False, id="today.sprint"),
        Binding("c", "jump('campaign')", "today.key.campaign", show=False, id="today.campaign"),
        Binding("h", "jump('security')", "today.key.security", show=False, id="today.security"),
        Binding("w", "review", "today.key.review", id="today.review"),
        Binding("r", "responsibilities", "today.key.responsibilities", id="today.responsibilities"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.snapshot: TodaySnapshot | None = None
        self._shown: dict[str, Content] = {}
        self._refit_pending = False

    def compose_body(self) -> ComposeResult:
        # One widget per tile, its border and title included: the fewer widgets, the
        # faster the first paint.
        with VerticalScroll(id="today-scroll"), Grid(id="today-grid"):
            for spec in TILES:
                yield Static("", id=f"tile-{spec.name}", classes="tile")

    def on_mount(self) -> None:
        # Each tile shows its key as the settings bind it (the app applies the keymap only
        # after this first screen is mounted, so the settings are read here).
        keymap = self.prodtui.settings.keymap
        tiles = {spec.name for spec in TILES}
        for binding in self.BINDINGS:
            assert isinstance(binding, Binding) and binding.id
            name = binding.id.removeprefix("today.")
            if name not in tiles:
                continue
            if override := keymap.get(binding.id, "").split(",")[0].strip():
                binding = binding.with_key(override)
            title = t(next(spec.title for spec in TILES if spec.name == name))
            key = self.app.get_key_display(binding)
            self.query_one(f"#tile-{name}").border_title = markup(
                "[reverse b] ${key} [/] ${title}", key=key, title=title
            )
        self._reflow(self.size.width, self.size.height)
        # Filled before the first layout rather than on the resume that follows it: one
        # layout and one paint instead of two. The roadmap's warnings come a frame later.
        self._fill(roadmap=False)
        self._generation = self.prodtui.data_generation()
        self._refit_later()
        # The screen's own after-refresh callbacks run before the app's first frame is
        # written; the app's run once it is on the terminal.
        self.app.call_after_refresh(self._add_roadmap_warnings)
        self.app.call_after_refresh(self._remind_review)

    def _remind_review(self) -> None:
        """From Thursday on, say once that this week's review is still to do, to users who
        have answered one before (a workspace that never did keeps quiet)."""
        today = self.prodtui.today()
        reviews = self.workspace.reviews
        if today.weekday() >= REMIND_FROM and reviews.answered_before() and reviews.pending(today):
            key = self.app.get_key_display(self._binding("today.review"))
            self.notify(t("today.review_pending", key=key), timeout=8, markup=False)

    def _binding(self, binding_id: str) -> Binding:
        binding = next(b for b in self.BINDINGS if isinstance(b, Binding) and b.id == binding_id)
        override = self.prodtui.settings.keymap.get(binding_id, "").split(",")[0].strip()
        return binding.with_key(override) if override else binding

    def _key(self, binding_id: str) -> str:
        """The key of another screen's binding, as an empty tile names it."""
        override = self.prodtui.settings.keymap.get(binding_id, "").split(",")[0].strip()
        return self.app.get_key_display(Binding(override or HINT_KEYS[binding_id], ""))

    def _empty(self, state: str, todo: str, go: str, binding_id: str) -> list[Content]:
        """An empty tile: what it lacks, then what to do first (which screen, which key)."""
        return [
            self._muted(t(state)),
            plain(t(todo, go=self._key(go), key=self._key(binding_id))),
        ]

    def action_review(self) -> None:
        from prodtui.ui.screens.review import ReviewScreen

        self.app.push_screen(ReviewScreen())

    def action_responsibilities(self) -> None:
        from prodtui.ui.screens.responsibilities import ResponsibilitiesScreen

        self.app.push_screen(ResponsibilitiesScreen())

    def on_resize(self, event: events.Resize) -> None:
        self._reflow(event.size.width, event.size.height)
        self._refit_later()

    def _refit_later(self) -> None:
        """One `_refit` once the layout is done, however many asked for it meanwhile (the
        mount and the first resize both do, before the first frame)."""
        if not self._refit_pending:
            self._refit_pending = True
            self.call_after_refresh(self._refit)

    @property
    def stacked(self) -> bool:
        """Whether the tiles are as tall as their text, the screen scrolling, rather than
        sharing the screen's height."""
        return self.query_one("#today-grid").has_class("stacked")

    def _reflow(self, width: int, height: int) -> None:
        """Three columns where tiles are wide enough to read, then two, then one; tiles
        stack and scroll when the rows of tiles would be too short to read."""
        columns = 3 if width >= THREE_COLUMNS else 2 if width >= TWO_COLUMNS else 1
        cells = 0
        for spec in TILES:
            span = 2 if (spec.wide and columns == 3) else 1
            cells += span
            self.query_one(f"#tile-{spec.name}").styles.column_span = span
        # The last tile takes what is left of its row, so that no hole remains.
        last = self.query_one(f"#tile-{TILES[-1].name}")
        if cells % columns:
            last.styles.column_span = int(last.styles.column_span or 1) + columns - cells % columns
            cells += columns - cells % columns
        grid = self.query_one("#today-grid", Grid)
        grid.styles.grid_size_columns = columns
        grid.styles.grid_size_rows = cells // columns
        # The screen's height less the title, navigation and key bars.
        room = height - 3
        grid.set_class(columns == 1 or room < LEAST_TILE_HEIGHT * cells // columns, "stacked")

    # -- data --------------------------------------------------------------------------------

    def refresh_data(self) -> None:
        if self.is_mounted:
            self._fill()

    def _fill(self, *, roadmap: bool = True) -> None:
        snap = self.workspace.dashboard.snapshot(self.prodtui.today(), roadmap=roadmap)
        self.snapshot = snap
        self._show("standup", self._standup(snap.standup))
        self._show("blockers", self._blockers(snap.blockers, snap.today))
        self._show("actions", self._actions(snap.actions, snap.today))
        self._show("inbox", self._inbox(snap.inbox))
        self._show("sprint", self._sprint(snap.sprint, has_stories=snap.has_stories))
        self._show("campaign", self._campaign(snap.campaign, has_campaigns=snap.has_campaigns))
        self._show("security", self._security(snap.security, snap.today))

    def _add_roadmap_warnings(self) -> None:
        """The security tile's roadmap warnings, left out of the first frame (see
        `DashboardRepository.snapshot`)."""
        snap = self.snapshot
        if snap is None or not self.is_mounted:
            return
        count = self.workspace.roadmap.warning_count(snap.today)
        security = snap.security.model_copy(update={"roadmap_warnings": count})
        self.snapshot = snap.model_copy(update={"security": security})
        self._show("security", self._security(security, snap.today))

    def _show(self, name: str, parts: list[Content]) -> None:
        # An unchanged tile is left alone: a capture then repaints one tile, not seven.
        text = lines(parts)
        shown = self._shown.get(name)
        if shown is None or not shown.is_same(text):
            self._shown[name] = text
            self.query_one(f"#tile-{name}", Static).update(text)

    @staticmethod
    def _muted(text: str) -> Content:
        return markup("[$text-muted]${text}[/]", text=text)

    @staticmethod
    def _bold(text: str) -> Content:
        return markup("[b]${text}[/]", text=text)

    @staticmethod
    def _owner(item: TileItem) -> Content:
        return markup(" [dim]@${owner}[/]", owner=item.owner) if item.owner else Content()

    def _standup(self, tile: StandupTile) -> list[Content]:
        if not tile.team:
            return self._empty(
                "today.standup_no_team", "today.todo.team", "go.standup", "standup.team"
            )
        spoke = t("today.standup_spoke", spoke=len(tile.spoke), total=tile.team)
        first = self._bold(spoke) if tile.held else self._muted(t("today.standup_none"))
        if tile.held and tile.absent:
            first += " · " + tn("today.standup_absent", len(tile.absent))
        rows = [first]
        if tile.held and tile.spoke:
            rows.append(
                markup(
                    "${label}${names}",
                    label=t("today.standup_spoke_names", names=""),
                    names=names(tile.spoke),
                )
            )
        if tile.waiting:
            rows.append(
                markup(
                    "[$warning]${label}[/]${names}",
                    label=t("today.standup_waiting", names=""),
                    names=names(tile.waiting),
                )
            )
        elif tile.held:
            rows.append(markup("[$success]${text}[/]", text=t("today.standup_all_spoke")))
        if tile.absent:
            rows.append(
                self._muted(t("today.standup_absent_names", names="")) + plain(names(tile.absent))
            )
        return rows

    def _blockers(self, tile: BlockersTile, today: date) -> list[Content]:
        if not tile.count:
            return [self._muted(t("today.no_blockers"))]
        oldest = tile.age(tile.oldest[0], today) if tile.oldest else 0
        head = self._bold(tn("today.blockers_count", tile.count, days=oldest))
        rows = []
        for item in tile.oldest:
            age = tile.age(item, today)
            template = "[b $error]${age}[/] ${text}" if age >= 3 else "[b]${age}[/] ${text}"
            rows.append(
                markup(template, age=t("today.age", days=age), text=item.text) + self._owner(item)
            )
        return self._fit(head, rows, tile.count, self._room("blockers"))

    def _room(self, name: str) -> Size:
        """The lines and cells the tile shows once laid out; no lines before its first
        layout or when tiles stack (all rows go in; `_refit` cuts them once the size is
        known)."""
        size = self.query_one(f"#tile-{name}").content_size
        return Size(size.width, 0) if self.stacked else size

    def _fit(self, head: Content, rows: list[Content], total: int, room: Size) -> list[Content]:
        """The tile's first line, the rows under it that fit in `room`, and a last line
        saying how many more there are when some of the `total` are not shown. Rows wrap
        over the lines they need, unless cutting each to one line (with an ellipsis) shows
        more of them."""
        if room.height <= 0 or room.width <= 0:
            return [head, *rows] + ([] if total <= len(rows) else [self._more(total - len(rows))])
        space = room.height - len(head.wrap(room.width))
        wrapped = self._kept(rows, total, space, lambda row: len(row.wrap(room.width)))
        cut = [row.truncate(room.width, ellipsis=True) for row in rows]
        kept = self._kept(cut, total, space, lambda row: 1)
        if len(wrapped) >= len(kept):
            kept = wrapped
        if total <= len(kept):
            return [head, *kept]
        return [head, *kept, self._more(total - len(kept))]

    def _more(self, count: int) -> Content:
        return self._muted(t("today.more", count=count))

    @staticmethod
    def _kept(
        rows: list[Content], total: int, space: int, height: Callable[[Content], int]
    ) -> list[Content]:
        """The first rows that fit in `space` lines, keeping one for the count of the
        rows left out when there are some."""
        used, kept = 0, []
        for row in rows:
            if used + height(row) > space:
                break
            kept.append(row)
            used += height(row)
        while kept and len(kept) < total and used + 1 > space:
            used -= height(kept.pop())
        return kept

    def _refit(self) -> None:
        """Cut the lists again for the size the tiles now have (unchanged text is left
        alone by `_show`, so a tile that fits costs nothing)."""
        self._refit_pending = False
        snap = self.snapshot
        if snap is not None and self.is_mounted:
            self._show("blockers", self._blockers(snap.blockers, snap.today))
            self._show("actions", self._actions(snap.actions, snap.today))
            self._show("inbox", self._inbox(snap.inbox))

    def _actions(self, tile: ActionsTile, today: date) -> list[Content]:
        if not tile.count:
            return [self._muted(t("today.no_actions"))]
        head = self._bold(t("today.actions_count", late=tile.late, today=tile.due_today))
        rows = []
        for item in tile.first:
            late = item.day is not None and item.day < today
            template = "[b $error]⚠[/] [b]${day}[/] ${text}" if late else "• [b]${day}[/] ${text}"
            rows.append(
                markup(template, day=short_day(item.day), text=item.text) + self._owner(item)
            )
        return self._fit(head, rows, tile.count, self._room("actions"))

    def _inbox(self, tile: InboxTile) -> list[Content]:
        if not tile.count:
            todo = t("today.todo.capture", key=self._key("capture"))
            return [self._muted(t("today.inbox_empty")), plain(todo)]
        rows = [
            markup("• [dim]${kind}[/] ${text}", kind=t(item.kind.label_key), text=item.text)
            for item in tile.newest
        ]
        head = self._bold(tn("today.inbox_count", tile.count))
        return self._fit(head, rows, tile.count, self._room("inbox"))

    def _sprint(self, tile: SprintTile | None, *, has_stories: bool = True) -> list[Content]:
        if tile is None and not has_stories:
            return self._empty("today.no_story", "today.todo.story", "go.stories", "stories.new")
        if tile is None:
            return self._empty("today.no_sprint", "today.todo.sprint", "go.stories", "stories.plan")
        period = t(
            "today.sprint_period",
            name=tile.name,
            start=short_day(tile.start),
            end=short_day(tile.end),
        )
        if tile.in_points:
            done = t(
                "today.sprint_points",
                done=tile.done_points,
                committed=tile.committed_points,
                stories_done=tile.done_stories,
                stories=tile.committed_stories,
            )
        else:
            done = t("today.sprint_stories", done=tile.done, committed=tile.committed)
        rows = [self._bold(period), plain(done)]
        if not tile.committed:
            rows.append(self._muted(t("today.sprint_empty")))
            return rows
        # The burn-down so far, then dots for the working days still to come.
        trend = bar(tile.series, tile.committed) + "·" * tile.days_left
        style = "$warning" if tile.behind else "$success"
        state = t("today.sprint_behind" if tile.behind else "today.sprint_on_track")
        remaining = t("today.sprint_remaining", remaining=tile.remaining, ideal=tile.ideal)
        rows.append(Content.styled(trend, style) + " " + remaining)
        rows.append(Content.styled(state, style))
        if tile.unestimated and tile.in_points:
            rows.append(self._muted(tn("today.sprint_unestimated", tile.unestimated)))
        return rows

    def _campaign(self, tile: CampaignTile | None, *, has_campaigns: bool = True) -> list[Content]:
        if tile is None and not has_campaigns:
            return self._empty(
                "today.no_campaign_yet", "today.todo.campaign", "go.recette", "recette.new_campaign"
            )
        if tile is None:
            return [self._muted(t("today.no_campaign"))]
        name = t("today.campaign_name", name=tile.name, number=tile.pass_number)
        rate = tile.progress.pass_rate
        left = tn("today.campaign_left", tile.left, total=tile.progress.total)
        if rate is None:
            figures = self._muted(t("today.campaign_no_result")) + " · " + left
        else:
            rate_text = t("today.campaign_rate", rate=percent(*shown_rate(rate)))
            figures = self._bold(rate_text) + " · " + left
        failures = t("today.campaign_failures", failed=tile.failed, blocked=tile.blocked)
        style = "$error" if tile.failed or tile.blocked else "$text-muted"
        return [self._bold(name), figures, Content.styled(failures, style)]

    def _security(self, tile: SecurityTile, today: date) -> list[Content]:
        rows = []
        if not tile.measures:
            rows += self._empty(
                "today.security_no_measures",
                "today.todo.measures",
                "go.security",
                "security.import",
            )
        else:
            score = "—" if tile.score is None else number(tile.score)
            line = t(
                "today.security_score",
                score=score,
                done=tile.done,
                partial=tile.partial,
                total=tile.applicable,
            )
            rows.append(self._bold(line))
            if tile.late:
                late = tn("today.security_late", tile.late)
                state = Content.styled(late, "$error")
            else:
                state = self._muted(t("today.security_none_late"))
            if tile.roadmap_warnings:  # on the same line: the tile keeps its height
                warned = tn("today.roadmap_warnings", tile.roadmap_warnings)
                state = state + " · " + Content.styled(warned, "$text-warning")
            rows.append(state)
        decision = tile.homologation
        left = decision.countdown(today) if decision else None
        if decision is None:
            rows += self._empty(
                "today.homologation_none",
                "today.todo.homologation",
                "go.security",
                "security.homologation",
            )
        elif left is None:  # refused: no expiry, nothing counts down
            day = format_day(decision.decided_on, short=True)
            rows.append(Content.styled(t("today.homologation_refused", day=day), "b $error"))
        else:
            until, level = short_countdown(left)
            rows.append(plain(until))
            rows.append(Content.styled(level, LEVEL_STYLE[left.level]))
        return rows

    # -- jumps -------------------------------------------------------------------------------

    async def on_click(self, event: events.Click) -> None:
        # The mouse is optional: a click on a tile does what its key does.
        for node in event.widget.ancestors_with_self if event.widget else []:
            if node.has_class("tile") and node.id:
                await self.action_jump(node.id.removeprefix("tile-"))
                return

    async def action_jump(self, tile: str) -> None:
        from prodtui.store.stories import StoryFilter
        from prodtui.ui.screens.inbox import InboxScreen
        from prodtui.ui.screens.recette import RecetteScreen
        from prodtui.ui.screens.standup import StandupScreen
        from prodtui.ui.screens.stories import StoriesScreen

        snap = self.snapshot
        mode = {
            "standup": "standup",
            "blockers": "standup",
            "actions": "standup",
            "inbox": "inbox",
            "sprint": "stories",
            "campaign": "recette",
            "security": "security",
        }[tile]
        await self.app.switch_mode(mode)
        screen = self.app.screen
        if isinstance(screen, StandupScreen):
            section = {"standup": "people", "blockers": "blockers", "actions": "items"}[tile]
            screen.show_today(section)
        elif isinstance(screen, InboxScreen):
            screen.show_to_triage()
        elif isinstance(screen, StoriesScreen) and snap and snap.sprint:
            screen.show_filter(StoryFilter(sprint_id=snap.sprint.id))
        elif isinstance(screen, RecetteScreen) and snap and snap.campaign:
            screen.select_campaign(snap.campaign.id)
