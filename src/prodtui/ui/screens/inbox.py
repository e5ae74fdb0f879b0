"""The inbox: captures waiting to be triaged (kind, owner, due date, done, delete), each
key's change taken back with `u`."""

from __future__ import annotations

from typing import Any

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Input, Static

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.items import Item, ItemKind, ItemStatus
from prodtui.i18n import error_message, format_day, t
from prodtui.resources import styles_dir
from prodtui.ui.screens.base import WorkspaceScreen
from prodtui.ui.text import plain
from prodtui.ui.undo import Undoable
from prodtui.ui.widgets.filter_input import FilterInput
from prodtui.ui.widgets.lazy_table import Cell, Column, LazyTable

KINDS = list(ItemKind)


def item_shown(item: Item) -> dict[str, str]:
    """A capture's fields as a conflict shows them."""
    return {
        t("editor.kind"): t(item.kind.label_key),
        t("editor.text"): item.text,
        t("editor.owner"): item.owner or "",
        t("editor.due"): item.due_date.isoformat() if item.due_date else "",
        t("editor.done"): "✓" if item.status is ItemStatus.DONE else "",
        t("nav.inbox_short"): "" if item.triaged else "✓",
    }


class InboxScreen(Undoable, WorkspaceScreen):
    CSS_PATH = styles_dir() / "inbox.tcss"

    mode_name = "inbox"

    BINDINGS = [
        Binding("e", "edit", "key.edit", id="inbox.edit"),
        Binding("k", "cycle_kind", "inbox.key.kind", id="inbox.kind"),
        Binding("x", "toggle_done", "inbox.key.done", id="inbox.done"),
        Binding("t", "triage", "inbox.key.triage", id="inbox.triage"),
        Binding("d", "delete", "inbox.key.delete", id="inbox.delete"),
        Binding("a", "toggle_all", "inbox.key.all", show=False, id="inbox.all"),
        Binding("slash", "filter", "key.filter", id="inbox.filter"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.show_all = False

    def compose_body(self) -> ComposeResult:
        yield Static("", id="inbox-title", classes="screen-title")
        yield FilterInput(t("inbox.filter_placeholder"), id="inbox-filter")
        yield LazyTable(
            [
                Column(t("inbox.col.key"), 6),
                Column(t("inbox.col.kind"), 10, shrink=True),
                Column(t("inbox.col.status"), 4),
                Column(t("inbox.col.due"), 12),
                Column(t("inbox.col.owner"), 16, shrink=True),
                Column(t("inbox.col.text")),
            ],
            count=lambda: self.workspace.items.count(**self._filter()),
            fetch=lambda offset, limit: self.workspace.items.search(
                **self._filter(), offset=offset, limit=limit
            ),
            cells=self._cells,
            zebra=True,
            id="inbox-table",
        )
        yield Static(plain(t("inbox.empty")), id="inbox-empty", classes="hidden")

    def on_mount(self) -> None:
        self.table.focus()

    @property
    def table(self) -> LazyTable[Item]:
        return self.query_one("#inbox-table", LazyTable)

    @property
    def filter_text(self) -> str:
        return self.query_one("#inbox-filter", Input).value

    def _filter(self) -> dict[str, Any]:
        return {"inbox_only": not self.show_all, "text": self.filter_text}

    def _cells(self, item: Item) -> list[Cell]:
        due = ""
        if item.due_date:
            late = item.is_late(self.prodtui.today())
            due = ("⚠ " if late else "") + format_day(item.due_date, short=True)
        return [
            item.key,
            t(item.kind.label_key),
            "✓" if item.status is ItemStatus.DONE else "",
            due,
            item.owner or "",
            item.text,
        ]

    def refresh_data(self, select: int | None = None) -> None:
        """Reload the rows, keeping the cursor on the same item (or on `select`)."""
        if not self.is_mounted:
            return
        table = self.table
        kept = table.kept()
        selected = select if select is not None else (kept.id if kept else None)
        index = None
        if selected is not None:
            index = self.workspace.items.position(selected, **self._filter())
        table.reload(cursor=index)
        total = table.row_count
        title = t("inbox.title_all" if self.show_all else "inbox.title", count=total)
        self.query_one("#inbox-title", Static).update(plain(title))
        self.query_one("#inbox-empty").set_class(bool(total), "hidden")

    def show_to_triage(self) -> None:
        """The captures still to triage, unfiltered, the cursor on the newest."""
        self.show_all = False
        self.query_one("#inbox-filter", Input).value = ""
        self.refresh_data()
        self.table.move_to(0)
        self.table.focus()

    def selected_id(self) -> int | None:
        item = self.table.item(self.table.cursor)
        return None if item is None else item.id

    def selected(self) -> Item | None:
        item_id = self.selected_id()
        if item_id is None:
            return None
        try:
            return self.workspace.items.get(item_id)
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            self.refresh_data()
            return None

    def _write(self, item: Item, done: str, undone: str, **update: object) -> None:
        """Save `update` on the capture; `done` says it, and `u` puts the fields back
        (`undone` saying how the capture is then)."""
        items = self.workspace.items
        before = {name: getattr(item, name) for name in update}
        try:
            saved = items.save(item.edit(**update))
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error", markup=False)
            self.refresh_data()
            return
        self.refresh_data()
        self.offer_undo(
            done,
            self.undo_save(
                items.save,
                saved,
                lambda current: current.edit(**before),
                item_shown,
                undone,
                lambda: self.refresh_data(select=saved.id),
            ),
        )

    def action_edit(self) -> None:
        from prodtui.ui.screens.item_editor import ItemEditorScreen

        if item := self.selected():
            self.app.push_screen(ItemEditorScreen(item), lambda _: self.refresh_data())

    @on(LazyTable.Selected, "#inbox-table")
    def _open_row(self) -> None:
        self.action_edit()

    def action_cycle_kind(self) -> None:
        if item := self.selected():
            kind = KINDS[(KINDS.index(item.kind) + 1) % len(KINDS)]
            self._write(
                item,
                t("undo.capture_kind", key=item.key, kind=t(kind.label_key)),
                t("undo.capture_kind", key=item.key, kind=t(item.kind.label_key)),
                kind=kind,
            )

    def action_toggle_done(self) -> None:
        if item := self.selected():
            done = item.status is ItemStatus.OPEN
            # The resolution dates too: an undo gives back the day it was really resolved.
            self._write(
                item,
                t("undo.capture_done" if done else "undo.capture_reopened", key=item.key),
                t("undo.capture_reopened" if done else "undo.capture_done", key=item.key),
                status=ItemStatus.DONE if done else ItemStatus.OPEN,
                resolved_on=None,
                resolved_at=None,
            )

    def action_triage(self) -> None:
        if item := self.selected():
            # Filed: out of the list of captures to triage, which says where it went.
            filed = t("undo.capture_filed" if self.show_all else "inbox.triaged", key=item.key)
            back = t("undo.capture_untriaged", key=item.key)
            self._write(
                item,
                back if item.triaged else filed,
                filed if item.triaged else back,
                triaged=not item.triaged,
            )

    def action_delete(self) -> None:
        shown = self.table.item(self.table.cursor)
        if shown is None or shown.id is None:
            return
        try:
            # The capture as listed: one changed by another session since is kept.
            item = self.workspace.items.delete(shown.id, shown.version)
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            self.refresh_data()
            return
        self.refresh_data()
        self.offer_undo(t("inbox.deleted", key=item.key), lambda: self._restore(item))

    def _restore(self, item: Item) -> None:
        try:
            self.workspace.items.restore(item)
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            return
        self.undone(t("inbox.restored", key=item.key))
        self.refresh_data(select=item.id)

    def action_toggle_all(self) -> None:
        self.show_all = not self.show_all
        self.refresh_data()

    def action_filter(self) -> None:
        self.query_one("#inbox-filter", FilterInput).open()

    @on(Input.Changed, "#inbox-filter")
    def _filter_changed(self) -> None:
        self.refresh_data()

    def on_filter_input_done(self) -> None:
        self.table.focus()
