"""What every screen shares (the app typed, its hooks, save conflicts) and what the main
screens share: header, read-only banner, key bar, data refresh."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from typing import TYPE_CHECKING, TypeVar, cast

from textual import events
from textual.app import ComposeResult
from textual.content import Content
from textual.screen import Screen
from textual.widgets import Header, Static

from prodtui.i18n import t
from prodtui.ui.text import plain
from prodtui.ui.textual_private import mark_styles_current
from prodtui.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from textual.dom import DOMNode

    from prodtui.config import Settings
    from prodtui.domain.base import Record
    from prodtui.domain.errors import ConflictError
    from prodtui.store import Workspace
    from prodtui.store.base import DeletedElsewhere
    from prodtui.ui.app import ProdtuiApp

ResultT = TypeVar("ResultT")
RecordT = TypeVar("RecordT", bound="Record")

# Given a conflict, how to merge by hand (None: nothing to merge).
Merge = Callable[["ConflictError[RecordT]"], Callable[[RecordT], object] | None]


def prodtui_app(node: DOMNode) -> ProdtuiApp:
    """The app of `node`, with its own type (Textual types it as any `App`)."""
    return cast("ProdtuiApp", node.app)


class NavBar(Static):
    """The screens and their keys, the current one highlighted; on a narrow screen the
    other screens are named by their key alone, then every screen."""

    def __init__(self, current: str) -> None:
        keys = {
            "today": ("1", "nav.today"),
            "standup": ("2", "nav.standup"),
            "stories": ("3", "nav.stories"),
            "recette": ("4", "nav.recette"),
            "security": ("5", "nav.security"),
            "roadmap": ("6", "nav.roadmap"),
            "inbox": ("i", "nav.inbox_short"),
        }
        self._entries = [(mode == current, key, t(name)) for mode, (key, name) in keys.items()]
        super().__init__(self._line(names=True, current_name=True), classes="nav-bar")

    def _line(self, *, names: bool, current_name: bool, gap: str = " ") -> Content:
        parts = []
        for current, key, name in self._entries:
            shown = names or (current and current_name)
            label = f" {key} {name} " if shown else f" {key} "
            parts.append(Content.styled(label, "reverse b") if current else plain(label))
        return Content(gap).join(parts)

    def render(self) -> Content:
        width = self.size.width
        for names, current_name, gap in (
            (True, True, " "),
            (True, True, ""),  # a space less between screens
            (False, True, " "),
            (False, False, " "),
        ):
            line = self._line(names=names, current_name=current_name, gap=gap)
            if width <= 0 or line.cell_length <= width:
                return line
        return line

    def on_resize(self) -> None:
        self.refresh()


class ProdtuiScreen(Screen[ResultT]):
    """Every screen and dialog of prodtui: the app with its type, the workspace, the hooks
    the app calls, and the question asked after a save conflict."""

    @property
    def prodtui(self) -> ProdtuiApp:
        return prodtui_app(self)

    @property
    def workspace(self) -> Workspace:
        return self.prodtui.workspace

    @property
    def settings(self) -> Settings:
        return self.prodtui.settings

    def today(self) -> date:
        return self.prodtui.today()

    # -- hooks the app calls --------------------------------------------------------------

    def refresh_data(self) -> None:
        """Reload what the screen shows from the workspace."""

    def reload_if_changed(self) -> None:
        """Called when the workspace may have changed (another session, a quick capture)."""
        self.refresh_data()

    def key_typed(self) -> None:
        """Called by the app for each key (or paste) typed while the screen is on top."""

    # -- save conflicts -------------------------------------------------------------------

    def ask_conflict(
        self,
        conflict: ConflictError[RecordT],
        shown: Callable[[RecordT], dict[str, str]],
        on_mine: Callable[[RecordT], object],
        on_theirs: Callable[[RecordT], object],
        on_merge: Callable[[RecordT], object] | None = None,
        on_gone: Callable[[], object] | None = None,
    ) -> None:
        """Another session saved this record first: show both versions side by side
        (`shown` lists a version's fields) and let the user choose. Every callback gets
        their version, the one now in the workspace: `on_mine` saves mine over it (theirs
        stays in the audit log as the old values), `on_theirs` takes it (mine is written
        whole to the audit log first), `on_merge`, when the editor offers it, puts both
        texts in the editor to be merged by hand. Nothing is lost whichever is chosen.

        Another session deleted the record (`DeletedElsewhere`): mine is shown beside the
        deletion. Recreating mine inserts it again and calls `on_theirs` with it (the
        version now in the workspace); letting it go writes mine to the audit log and
        calls `on_gone` (by default `on_theirs` with mine: the editor closes)."""
        from prodtui.store.base import DeletedElsewhere
        from prodtui.ui.screens.dialogs import ConflictScreen

        if isinstance(conflict, DeletedElsewhere):
            self._ask_deleted(conflict, shown, on_theirs, on_gone)
            return
        theirs = conflict.theirs

        def chosen(choice: str | None) -> None:
            if choice == "mine":
                on_mine(theirs)
            elif choice == "merge" and on_merge is not None:
                on_merge(theirs)
            elif conflict.mine is None:  # a delete refused: nothing of mine to keep
                on_theirs(theirs)
            elif self.set_aside(conflict):
                self.notify(t("conflict.mine_in_history"), markup=False)
                on_theirs(theirs)

        mine = self._mine_shown(conflict, shown)
        screen = ConflictScreen(mine, shown(theirs), merge=on_merge is not None)
        self.app.push_screen(screen, chosen)

    def _ask_deleted(
        self,
        conflict: DeletedElsewhere[RecordT],
        shown: Callable[[RecordT], dict[str, str]],
        on_theirs: Callable[[RecordT], object],
        on_gone: Callable[[], object] | None,
    ) -> None:
        from prodtui.domain.errors import ProdtuiError
        from prodtui.i18n import error_message
        from prodtui.ui.screens.dialogs import ConflictScreen

        mine, recreate = conflict.theirs, conflict.recreate  # theirs is mine: nothing else

        def gone() -> None:
            if on_gone is not None:
                on_gone()
            else:
                on_theirs(mine)

        def chosen(choice: str | None) -> None:
            if choice == "mine" and recreate is not None:
                try:
                    recreated = recreate(mine)
                except (ProdtuiError, ValueError) as error:
                    if self.set_aside(conflict):
                        reason = error_message(error)
                        self.notify(
                            t("conflict.not_recreated", reason=reason),
                            severity="warning",
                            markup=False,
                        )
                        gone()
                    return
                self.notify(t("conflict.recreated"), markup=False)
                on_theirs(recreated)
            elif self.set_aside(conflict):
                self.notify(t("conflict.deleted_in_history"), markup=False)
                gone()

        screen = ConflictScreen(
            self._mine_shown(conflict, shown), None, recreate=recreate is not None
        )
        self.app.push_screen(screen, chosen)

    @staticmethod
    def _mine_shown(
        conflict: ConflictError[RecordT], shown: Callable[[RecordT], dict[str, str]]
    ) -> dict[str, str]:
        """My version's fields, and the text that went with it (a reason)."""
        if conflict.mine is None:
            return {}
        return shown(conflict.mine) | {t("conflict.reason"): v for v in conflict.aside.values()}

    def set_aside(self, conflict: ConflictError[RecordT]) -> bool:
        """Write mine, whole, to the audit log: the version the user did not keep stays in
        the record's history. False (and said) when it cannot be written: then the
        editor stays as it is, with mine in it."""
        from prodtui.domain.errors import ProdtuiError
        from prodtui.i18n import error_message

        if conflict.mine is None:
            return True
        try:
            self.workspace.audit.keep_discarded(conflict.entity, conflict.mine, conflict.aside)
        except ProdtuiError as error:  # a full disk: the text must not vanish
            self.notify(error_message(error), severity="error", markup=False)
            return False
        return True

    def save_change(
        self,
        save: Callable[[RecordT], object],
        record: RecordT,
        change: Callable[[RecordT], RecordT],
        shown: Callable[[RecordT], dict[str, str]],
        done: Callable[[], None],
    ) -> None:
        """Save `change` applied to `record` (a cell set by a key, a status). When another
        session saved the record first, both versions are shown (`ask_conflict`): keeping
        mine applies the change to theirs; when it cannot apply there (a second A in a
        RACI row), theirs stands and mine goes whole to the audit log, and the user is
        told. A record deleted elsewhere may be recreated. `done` runs after the save,
        the refusal or the choice. For a text typed in a prompt, see `save_typed`."""
        self._save_onto(save, record, change, shown, done, None, None)

    def save_typed(
        self,
        text: str,
        save: Callable[[RecordT, str], object],
        record: RecordT,
        shown: Callable[[RecordT], dict[str, str]],
        done: Callable[[], None],
        *,
        text_of: Callable[[RecordT], str],
        ask: Callable[[str], Screen[str | None]],
    ) -> None:
        """Save `text`, typed in a prompt, onto `record` (`save(version, text)`), as
        `save_change` does, with one more choice in a conflict: merging by hand opens the
        prompt again (`ask(text)`) holding my text and theirs (`text_of`), and what is
        then typed is saved onto their version. Leaving that prompt keeps theirs (mine
        goes to the audit log)."""

        def merge_for(typed: str) -> Merge[RecordT]:
            def merge(conflict: ConflictError[RecordT]) -> Callable[[RecordT], object] | None:
                if text_of(conflict.theirs) == typed:
                    return None  # nothing to merge: mine or theirs

                def merge_onto(theirs: RecordT) -> None:
                    def typed_again(again: str | None) -> None:
                        if again is None:  # left: theirs stands, mine in the history
                            if self.set_aside(conflict):
                                self.notify(t("conflict.mine_in_history"), markup=False)
                            done()
                            return
                        self._save_onto(
                            lambda version: save(version, again),
                            theirs,
                            lambda version: version,
                            shown,
                            done,
                            merge_for(again),
                            None,
                        )

                    both = merged_text(typed, text_of(theirs), multiline=False)
                    self.app.push_screen(ask(both), typed_again)
                    self.notify(t("conflict.merged"), markup=False)

                return merge_onto

            return merge

        self._save_onto(
            lambda version: save(version, text),
            record,
            lambda version: version,
            shown,
            done,
            merge_for(text),
            None,
        )

    def _save_onto(
        self,
        save: Callable[[RecordT], object],
        record: RecordT,
        change: Callable[[RecordT], RecordT],
        shown: Callable[[RecordT], dict[str, str]],
        done: Callable[[], None],
        merge: Merge[RecordT] | None,
        reapplying: ConflictError[RecordT] | None,
    ) -> None:
        """`save_change`; `reapplying` is the conflict whose "keep mine" this save is."""
        from prodtui.domain.errors import ConflictError, ProdtuiError
        from prodtui.i18n import error_message

        try:
            save(change(record))
        except ConflictError as conflict:
            caught = conflict  # the name `conflict` is unbound when the except block ends

            def mine(theirs: RecordT) -> None:
                self._save_onto(save, theirs, change, shown, done, merge, caught)

            on_merge = merge(caught) if merge is not None else None
            self.ask_conflict(caught, shown, mine, lambda _theirs: done(), on_merge, done)
            return
        except (ProdtuiError, ValueError) as error:
            if reapplying is None:
                self.notify(error_message(error), severity="error", markup=False)
            elif self.set_aside(reapplying):
                # Mine does not fit onto theirs: theirs stands, mine is in the history.
                reason = error_message(error)
                self.notify(
                    t("conflict.mine_not_applied", reason=reason), severity="warning", markup=False
                )
        done()


def merged_text(mine: str, theirs: str, *, multiline: bool = True) -> str:
    """Both versions of a text in one field, for merging by hand: mine first, then theirs
    after a marker (on its own line where the field has lines)."""
    if mine == theirs or not theirs:
        return mine
    if not mine:
        return theirs
    marker = t("conflict.merge_marker")
    return f"{mine}\n\n{marker}\n{theirs}" if multiline else f"{mine} {marker} {theirs}"


class WorkspaceScreen(ProdtuiScreen[None]):
    """A main screen. Subclasses compose their body and reload it in `refresh_data`."""

    mode_name = ""

    def __init__(self) -> None:
        super().__init__()
        self._generation: tuple[int, int] | None = None
        # Its widgets will be styled as they mount: nothing to restyle on its first visit.
        mark_styles_current(self)

    def compose(self) -> ComposeResult:
        yield Header()
        yield NavBar(self.mode_name)
        if self.workspace.read_only:
            yield Static(plain(t("workspace.read_only_banner")), classes="read-only-banner")
        yield from self.compose_body()
        yield KeyBar()

    def compose_body(self) -> ComposeResult:
        yield from ()

    def on_mount(self) -> None:
        # Each time a screen is shown Textual sets its toast rack's display (hidden when
        # there is no notification). The first time, that turns the stylesheet's "none"
        # into the same value set inline, which still lays the whole screen out again:
        # one more frame on a screen's first visit. Set here, while the screen is built.
        for rack in self.query("#textual-toastrack").results():
            rack.display = False

    def on_screen_resume(self, event: events.ScreenResume) -> None:
        # Textual restyles every widget of a screen it switches back to (about 15 ms here).
        # Nothing it would change: a theme change meanwhile restyles the whole app anyway
        # (the screen's `_css_update_count` is behind), and focus changes restyle their own
        # widgets. Handlers run subclass first, so Screen's own handler sees the flag.
        event.refresh_styles = False
        self.reload_if_changed()

    def reload_if_changed(self) -> None:
        """Reload unless the screen already shows the workspace as it is now (after a quick
        capture, the screen resumes and the app asks for a reload: one is enough)."""
        generation = self.prodtui.data_generation()
        if generation != self._generation:
            self.refresh_data()
            self._generation = generation  # once read: a read that failed is made again
