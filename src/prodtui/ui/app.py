"""The application: screens, global keys, settings, the workspace watch."""

from __future__ import annotations

import asyncio
import contextlib
import gc
import signal
from collections.abc import Callable, Iterable
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING

from rich.text import Text
from textual import events
from textual.app import SystemCommand
from textual.binding import Binding
from textual.screen import Screen
from textual.theme import Theme

from prodtui.config import LoadedSettings, Settings, save_settings
from prodtui.domain.errors import ProdtuiError
from prodtui.domain.text import for_terminal
from prodtui.failures import as_user_error
from prodtui.i18n import error_message, format_day, t
from prodtui.resources import styles_dir
from prodtui.store import Workspace
from prodtui.ui.errors import log_unexpected_error
from prodtui.ui.localised import LocalisedApp
from prodtui.ui.screens.base import ProdtuiScreen
from prodtui.ui.textual_private import exit_message
from prodtui.ui.type_ahead import TypeAhead

if TYPE_CHECKING:
    from prodtui.ui.warm_up import WarmUp

# Seconds between two looks at PRAGMA data_version for other sessions' commits.
WATCH_INTERVAL = 1.0
# Seconds between the first frame and the warm-up (see ui/warm_up.py).
WARM_UP_DELAY = 0.05
# Seconds between the end of the warm-up and the one full garbage collection.
COLLECT_DELAY = 0.6


def _lazy(module: str, name: str) -> Callable[[], Screen]:
    """A screen factory importing its module on first visit, to keep start-up light."""

    def make() -> Screen:
        from importlib import import_module

        return getattr(import_module(f"prodtui.ui.screens.{module}"), name)()

    return make


SCREENS_IN_ORDER = ("today", "standup", "stories", "recette", "security", "roadmap")
MAIN_SCREENS: dict[str, Callable[[], Screen]] = {
    "today": _lazy("today", "TodayScreen"),
    "standup": _lazy("standup", "StandupScreen"),
    "stories": _lazy("stories", "StoriesScreen"),
    "recette": _lazy("recette", "RecetteScreen"),
    "security": _lazy("security", "SecurityScreen"),
    "roadmap": _lazy("roadmap", "RoadmapScreen"),
    "inbox": _lazy("inbox", "InboxScreen"),
}
# Once Today is drawn: the main screens' modules imported, then the screens of the day's
# work built ahead of their first visit, in this order, then the overlays and editors most
# often opened (not the story editor: its Markdown preview loads 3 MB of parsers). The
# recette and the roadmap are imported only: built on their first visit (30-40 ms, their
# slow figures read in a worker), they would keep about 1.5 MB for sessions that never
# open them.
IMPORTED = ("standup", "inbox", "stories", "security", "roadmap", "recette")
PREBUILT = ("standup", "inbox", "stories", "security")
PRELOADED = ("capture", "search", "standup_entry", "item_editor")


class ProdtuiApp(LocalisedApp):
    CSS_PATH = [styles_dir() / "app.tcss"]
    TITLE = "prodtui"
    # Straight into Today: no blank default screen to build and restyle first.
    DEFAULT_MODE = "today"
    MODES = dict(MAIN_SCREENS)
    BINDINGS = [
        Binding("1", "go('today')", "nav.today", show=False, id="go.today"),
        Binding("2", "go('standup')", "nav.standup", show=False, id="go.standup"),
        Binding("3", "go('stories')", "nav.stories", show=False, id="go.stories"),
        Binding("4", "go('recette')", "nav.recette", show=False, id="go.recette"),
        Binding("5", "go('security')", "nav.security", show=False, id="go.security"),
        Binding("6", "go('roadmap')", "nav.roadmap", show=False, id="go.roadmap"),
        Binding("i", "go('inbox')", "nav.inbox", show=False, id="go.inbox"),
        Binding("ctrl+n", "capture", "key.capture", priority=True, id="capture"),
        # ctrl+f: free in Textual 8.2 Input and TextArea (Input documents it as "delete word
        # right" but binds that to ctrl+backspace), so it works from inside editors too.
        Binding("ctrl+f", "search", "key.search", show=False, priority=True, id="search"),
        Binding("f1", "help", "key.help", priority=True, id="help"),
        Binding("question_mark", "help", "key.help", show=False, id="help.question_mark"),
        Binding("ctrl+q", "quit", "key.quit", priority=True, id="quit"),
    ]

    def __init__(
        self,
        workspace: Workspace,
        loaded: LoadedSettings,
        config_path: Path,
        *,
        today: Callable[[], date] = date.today,
        warm_up: bool = False,
        setup: bool = False,
    ) -> None:
        """`setup`: ask the first-start questions (ui/screens/setup.py) when they are due."""
        super().__init__()
        self.warm_up = warm_up
        self.setup = setup
        self._warm_up: WarmUp | None = None
        self.type_ahead = TypeAhead(self)
        self.workspace = workspace
        self.settings: Settings = loaded.settings
        self.settings_problem = loaded.problem
        self.config_path = config_path
        self.today = today
        self.crash_message = ""
        self.show_service_name()
        self.sub_title = format_day(today())

    # -- start-up ---------------------------------------------------------------------------

    def on_mount(self) -> None:
        if self.settings.theme in self.available_themes:
            self.theme = self.settings.theme
        self.theme_changed_signal.subscribe(self, self._remember_theme)
        self._apply_keymap()
        if self.settings_problem:
            path, line, detail = self.settings_problem
            where = f"{path}:{line}" if line else str(path)
            self.notify(
                t("settings.invalid", where=where, detail=detail),
                severity="warning",
                timeout=15,
                markup=False,
            )
        if self.workspace.read_only:
            self.notify(t("workspace.read_only_banner"), severity="warning")
        self.set_interval(WATCH_INTERVAL, self._watch_workspace)
        self._handle_signals()
        self.call_after_refresh(self._started)

    def show_service_name(self) -> None:
        """The header shows it as text; a screenshot's title carries it too."""
        name = self.workspace.meta.service_name
        self.title = for_terminal(f"prodtui — {name}" if name else "prodtui")

    def _started(self) -> None:
        """The first screen is drawn: ask the first-start questions, offer drafts back (over
        them), warm up, collect garbage again."""
        if self.setup and not self.workspace.read_only and self.workspace.meta.setup_pending():
            from prodtui.ui.screens.setup import SetupScreen

            self.push_screen(SetupScreen())
        self._offer_drafts()
        # The first frame read with SQLite's default cache; from now on a small one.
        self.workspace.use_small_cache()
        # Off the event loop: the user can type while the writing machinery loads.
        self.run_worker(self.workspace.load_writer, thread=True, group="warm-up")
        if not self.warm_up:
            self._collect_again()
            self._start_integrity_check()
            return
        from prodtui.ui.warm_up import WarmUp

        self._warm_up = warm_up = WarmUp(
            self,
            stylesheets=sorted(styles_dir().glob("*.tcss")),
            imports=[f"prodtui.ui.screens.{mode}" for mode in IMPORTED],
            screens=[(mode, MAIN_SCREENS[mode]) for mode in PREBUILT],
            modules=[f"prodtui.ui.screens.{name}" for name in PRELOADED],
            done=self._collect_later,
        )
        # Once the first frame is out: the warm-up would hold it back otherwise.
        self.set_timer(WARM_UP_DELAY, warm_up.start)

    def _check_workspace(self) -> None:
        problem = self.workspace.integrity_problem()
        if problem is not None:
            self.call_from_thread(self._workspace_damaged, problem)

    def _workspace_damaged(self, problem: str) -> None:
        self.workspace.refuse_writes()
        self.notify(
            t("workspace.damaged_banner", reason=problem),
            severity="error",
            timeout=60,
            markup=False,
        )

    def _collect_later(self) -> None:
        self.set_timer(COLLECT_DELAY, self._collect_again)
        self._start_integrity_check()

    def _start_integrity_check(self) -> None:
        """SQLite's quick_check (about 0.2 s on ten years of data), off the event loop,
        once the first screens are drawn and warmed up (it would hold back both): a
        damaged file is then only read, and the user is told why."""
        self.run_worker(self._check_workspace, thread=True, group="integrity")

    @staticmethod
    def _collect_again() -> None:
        """Start-up and the warm-up build long-lived objects by the thousand, with garbage
        collection off (see cli/tui.py). One full collection frees their garbage (about
        3 MB; it takes about 100 ms, once, while the user reads); what is left is set
        aside (frozen) from later collections, which would scan it all again otherwise."""
        if not gc.isenabled():
            gc.collect()
            gc.freeze()
            gc.enable()

    def _handle_signals(self) -> None:
        """SIGTERM and SIGHUP (a dropped SSH link) stop a running suite and quit cleanly:
        drafts written, terminal restored. SIGKILL cannot be caught; drafts already written
        cover it. Once the first screen is drawn, say what became of suites cut short."""
        from prodtui.ui.run_ownership import report_cut_short, signalled

        loop = asyncio.get_running_loop()
        for signum in (signal.SIGTERM, signal.SIGHUP):
            with contextlib.suppress(NotImplementedError, RuntimeError, ValueError):
                loop.add_signal_handler(signum, signalled, self, signum)
        self.call_after_refresh(report_cut_short, self)

    def flush_drafts(self) -> None:
        """Write what editors still hold in their debounce window."""
        from prodtui.ui.screens.dialogs import FormDialog
        from prodtui.ui.widgets.drafts import DraftInput, DraftTextArea

        for screen in self.all_screens():
            if isinstance(screen, FormDialog) and screen.form_draft is not None:
                screen.form_draft.flush_if_pending()
            for editor in screen.query(DraftInput).results():
                editor.draft.flush_if_pending()
            for area in screen.query(DraftTextArea).results():
                area.draft.flush_if_pending()

    def all_screens(self) -> list[Screen[object]]:
        """The screens of every mode opened so far, bottom first."""
        screens: list[Screen[object]] = []
        for mode in dict.fromkeys((self.DEFAULT_MODE, *self.MODES)):
            try:
                screens += self.get_screen_stack(mode)
            except KeyError:  # a mode not opened yet has no stack
                continue
        return screens

    def action_quit(self) -> None:  # type: ignore[override]
        """Quit with nothing lost: text still in a debounce window is written first; a
        suite still running is stopped or waited for, as the user chooses."""
        from prodtui.ui.run_ownership import quit_held

        if quit_held(self):
            return
        self.flush_drafts()
        if self._warm_up is not None:
            self._warm_up.stop_then(lambda: self.exit(0))
        else:
            self.exit(0)

    def _apply_keymap(self) -> None:
        if not self.settings.keymap:
            return  # checking ids imports every screen: not worth it on the common path
        known = set(binding_ids())
        unknown = sorted(set(self.settings.keymap) - known)
        if unknown:
            self.notify(
                t("settings.unknown_keymap", ids=", ".join(unknown)),
                severity="warning",
                markup=False,
            )
        self.set_keymap({k: v for k, v in self.settings.keymap.items() if k in known})
        # The app is not mounted yet, so set_keymap told no screen: the key bar of the first
        # screen shows the keys as the settings bind them once it is drawn.
        self.call_after_refresh(lambda: self.screen.refresh_bindings())

    def _offer_drafts(self) -> None:
        drafts = self.workspace.drafts.all()
        if drafts:
            from prodtui.ui.screens.drafts import DraftsScreen

            self.push_screen(DraftsScreen(drafts), self._restore_draft)

    def _restore_draft(self, key: str | None) -> None:
        """Reopen the editor a draft belongs to; the editor picks the draft text up."""
        if not key:
            return
        kind, _, rest = key.partition(":")
        try:
            if kind == "capture":
                self.action_capture()
            elif kind == "item":
                from prodtui.ui.screens.item_editor import ItemEditorScreen

                self.push_screen(
                    ItemEditorScreen(self.workspace.items.get(int(rest.split(":")[0])))
                )
            elif kind == "story":
                self.call_after_refresh(self._reopen_story, rest.split(":")[0])
            elif kind == "review":
                from prodtui.domain.review import ReviewQuestion
                from prodtui.ui.screens.review import ReviewScreen

                week, question = rest.split(":")
                self.push_screen(ReviewScreen(week, ReviewQuestion(question)))
            elif kind == "standup":
                day, person_id, _field = rest.split(":")
                self.call_after_refresh(
                    self._reopen_standup, date.fromisoformat(day), int(person_id)
                )
            elif kind == "form":  # a dialog's fields: they come back when it is reopened
                self.notify(t("drafts.form_reopen"), timeout=10)
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error", markup=False)

    async def _reopen_story(self, story_id: str) -> None:
        from prodtui.ui.screens.story_editor import StoryEditorScreen

        story = None if story_id == "new" else self.workspace.stories.get(int(story_id))
        await self.switch_mode("stories")
        self.push_screen(StoryEditorScreen(story))

    async def _reopen_standup(self, day: date, person_id: int) -> None:
        from prodtui.ui.screens.standup import StandupScreen

        await self.switch_mode("standup")
        screen = self.screen
        if isinstance(screen, StandupScreen):
            screen.show_day(day)
            for person in screen.data.people if screen.data else []:
                if person.person.id == person_id:
                    screen.open_editor(person)

    async def on_event(self, event: events.Event) -> None:
        if not isinstance(event, events.Key | events.Paste):
            await super().on_event(event)
        elif event.is_forwarded:
            await super().on_event(event)
            self.type_ahead.came_back(event)
        elif not self.type_ahead.take(event):
            # The quick-capture overlay, once its line is saved, closes at the next key.
            if isinstance(self.screen, ProdtuiScreen):
                self.screen.key_typed()
            await self.type_ahead.handle(event, super().on_event)

    @property
    def holding_keys(self) -> bool:
        """Whether keys typed ahead are waiting (see ui/type_ahead.py)."""
        return bool(self.type_ahead.held)

    def release_keys(self) -> None:
        """Hand on the keys held (see ui/type_ahead.py), in the order typed."""
        self.type_ahead.release()

    # -- settings ---------------------------------------------------------------------------

    def _remember_theme(self, theme: Theme) -> None:
        if theme.name != self.settings.theme:
            self.settings = self.settings.model_copy(update={"theme": theme.name})
            self.save_settings("theme")

    def save_settings(self, *keys: str) -> bool:
        """Write these settings (all when none is named) into the file, the rest of it left
        as it is; unless the file was invalid (it is then left alone). False when not
        written: the settings hold for the session only."""
        if self.settings_problem is not None:
            return False
        try:
            save_settings(self.settings, self.config_path, keys or None)
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            return False
        return True

    # -- actions ----------------------------------------------------------------------------

    def action_go(self, mode: str) -> None:
        if self.current_mode != mode:
            self.switch_mode(mode)

    def action_search(self) -> None:
        from prodtui.ui.screens.search import SearchScreen, open_hit

        if not isinstance(self.screen, SearchScreen):
            self.push_screen(SearchScreen(), lambda hit: open_hit(self, hit))

    def action_help(self) -> None:
        from prodtui.ui.screens.help import HelpScreen

        if not isinstance(self.screen, HelpScreen):
            self.push_screen(HelpScreen(self.screen))

    def action_capture(self) -> None:
        from prodtui.ui.screens.capture import CaptureScreen

        if isinstance(self.screen, CaptureScreen):
            return
        if self.workspace.read_only:
            self.notify(t("workspace.read_only_write"), severity="error")
            return
        self.push_screen(CaptureScreen(self.today()), self._captured)

    def save_capture(self, line: str) -> bool | None:
        """Save a captured line and say so; on failure (a full disk) say why and keep it
        as a draft. None when even the draft cannot be written: the overlay stays open
        with the line in its field."""
        from prodtui.domain.capture import parse_capture  # loaded with the overlay already
        from prodtui.texts import describe_item

        parsed = parse_capture(line, self.today())
        try:
            item = self.workspace.items.capture(parsed, day=self.today())
            self.workspace.drafts.discard("capture")
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            try:
                self.workspace.drafts.save("capture", line, t("capture.title"))
            except ProdtuiError:
                self.notify(t("capture.save_failed_field"), severity="error", timeout=30)
                return None
            self.notify(t("capture.save_failed_draft"), severity="warning")
            return False
        for problem in parsed.problems:
            self.notify(t(problem), severity="warning", markup=False)
        self.notify(describe_item(item), title=t("capture.saved"), markup=False)
        return True

    def _captured(self, saved: bool | None) -> None:
        if saved:
            self.call_after_refresh(self.refresh_screen_data)

    # -- other sessions ---------------------------------------------------------------------

    def _watch_workspace(self) -> None:
        if self.workspace.changed_elsewhere():
            self.refresh_screen_data()

    def data_generation(self) -> tuple[int, int]:
        """Changes by other sessions and by this one: equal values mean nothing to reload."""
        return self.workspace.data_version(), self.workspace.conn.total_changes

    def refresh_screen_data(self) -> None:
        """Ask the visible screens to reload what they show."""
        for screen in self.screen_stack:
            if isinstance(screen, ProdtuiScreen):
                screen.reload_if_changed()

    # -- palette ----------------------------------------------------------------------------

    def get_system_commands(self, screen: Screen) -> Iterable[SystemCommand]:
        for mode, name, help_key in (
            ("today", "nav.today", "palette.go_help.today"),
            ("standup", "nav.standup", "palette.go_help.standup"),
            ("stories", "nav.stories", "palette.go_help.stories"),
            ("recette", "nav.recette", "palette.go_help.recette"),
            ("security", "nav.security", "palette.go_help.security"),
            ("roadmap", "nav.roadmap", "palette.go_help.roadmap"),
            ("inbox", "nav.inbox", "palette.go_help.inbox"),
        ):
            yield SystemCommand(
                t("palette.go", screen=t(name)),
                t(help_key),
                lambda mode=mode: self.action_go(mode),
            )
        yield SystemCommand(t("key.capture"), t("palette.capture_help"), self.action_capture)
        yield SystemCommand(t("key.search"), t("palette.search_help"), self.action_search)
        yield SystemCommand(t("key.help"), t("palette.help_help"), self.action_help)
        yield SystemCommand(t("palette.theme"), t("palette.theme_help"), self.action_change_theme)
        from prodtui.ui.commands import workspace_commands

        yield from workspace_commands(self)
        from prodtui.ui.screens.homologation import security_commands

        yield from security_commands(self)
        yield SystemCommand(t("key.quit"), t("palette.quit_help"), self.action_quit)

    # -- errors -----------------------------------------------------------------------------

    def _handle_exception(self, error: Exception) -> None:
        # Textual would print a full traceback on exit; the user gets one line and the
        # traceback goes to the log. Drafts are already in the workspace.
        path = log_unexpected_error(error)
        # A full disk or a damaged file is said as such; anything else points to the log.
        known = as_user_error(error, self.workspace.path)
        self.crash_message = message = (
            error_message(known) if known else t("error.unexpected", path=str(path))
        )
        exit_message(error, Text(message))
        super()._handle_exception(error)


def binding_ids() -> list[str]:
    """Every binding id the keymap may name, from the app and all its screens."""
    import pkgutil
    from importlib import import_module

    from prodtui.ui import screens

    ids = [b.id for b in ProdtuiApp.BINDINGS if isinstance(b, Binding) and b.id]
    for module in pkgutil.iter_modules(screens.__path__):
        loaded = import_module(f"prodtui.ui.screens.{module.name}")
        for value in vars(loaded).values():
            if isinstance(value, type) and issubclass(value, Screen):
                ids += [b.id for b in value.BINDINGS if isinstance(b, Binding) and b.id]
    return ids
