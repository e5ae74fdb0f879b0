"""Responsibilities (RACI): activities against DNUM, the business side, the RSSI and one
other party per row; one key per letter, rows added, edited, moved and deleted."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Static

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.responsibilities import (
    MAX_ACTIVITY,
    MAX_PARTY,
    PARTIES,
    OneAccountableOnly,
    Party,
    RaciRole,
    Responsibility,
    next_role,
)
from prodtui.i18n import error_message, t, tn
from prodtui.resources import styles_dir
from prodtui.ui.screens.dialogs import ConfirmScreen, PromptScreen
from prodtui.ui.text import cell, plain
from prodtui.ui.undo import Undoable
from prodtui.ui.widgets.key_bar import KeyBar
from prodtui.ui.widgets.lazy_table import share_by_content

if TYPE_CHECKING:
    from prodtui.store.responsibilities import ResponsibilityRepository
    from prodtui.ui.app import ProdtuiApp

# Columns after the activity: one letter each, the other party's name beside its letter.
PARTY_WIDTH = {Party.DNUM: 4, Party.METIER: 6, Party.RSSI: 4, Party.OTHER: 16}
ROLE_STYLE = {RaciRole.A: "bold", RaciRole.R: "", RaciRole.C: "", RaciRole.I: "dim"}


class ResponsibilitiesScreen(Undoable):
    CSS_PATH = styles_dir() / "review.tcss"
    BINDINGS = [
        Binding("space", "cycle", "raci.key.cycle", id="raci.cycle"),
        Binding("r", "set('R')", "raci.key.r", show=False, id="raci.r"),
        Binding("a", "set('A')", "raci.key.a", show=False, id="raci.a"),
        Binding("c", "set('C')", "raci.key.c", show=False, id="raci.c"),
        Binding("i", "set('I')", "raci.key.i", show=False, id="raci.i"),
        Binding("x", "set('')", "raci.key.clear", show=False, id="raci.clear"),
        Binding("n", "add", "raci.key.add", id="raci.add"),
        Binding("e", "edit", "raci.key.edit", id="raci.edit"),
        Binding("o", "other", "raci.key.other", id="raci.other"),
        Binding("d,delete", "delete", "raci.key.delete", id="raci.delete"),
        Binding("shift+up", "move(-1)", "raci.key.up", show=False, id="raci.up"),
        Binding("shift+down", "move(1)", "raci.key.down", show=False, id="raci.down"),
        Binding("w", "export", "raci.key.export", id="raci.export"),
        Binding("escape", "close", "key.close", id="raci.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.rows: list[Responsibility] = []

    @property
    def repo(self) -> ResponsibilityRepository:
        return self.workspace.responsibilities

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(plain(t("raci.title")), id="raci-title", classes="screen-title")
        yield DataTable(id="raci-table", cursor_type="cell", zebra_stripes=True)
        yield Static(plain(t("raci.hint")), id="raci-hint", classes="dialog-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    def on_resize(self) -> None:
        self.reload()

    def refresh_data(self) -> None:
        if self.is_mounted:
            self.reload()

    # -- showing ----------------------------------------------------------------------------

    def reload(self, select: int | None = None) -> None:
        table: DataTable[Any] = self.query_one(DataTable)
        row, column = table.cursor_coordinate
        self.rows = self.repo.all()
        # The activity and the other party's names share what the letters leave, by what
        # they hold: a short activity leaves the names whole ("Instructrices…" stood
        # beside an 80-cell activity).
        letters = [p for p in PARTIES if p is not Party.OTHER]
        fixed = sum(PARTY_WIDTH[p] for p in letters) + 2 * (len(PARTIES) + 1) + 2
        needs = [
            max([len(t("raci.col.activity")), *(len(r.activity) for r in self.rows)]),
            max([PARTY_WIDTH[Party.OTHER], *(len(r.other_party) + 2 for r in self.rows)]),
        ]
        width, other = share_by_content(max(self.size.width - fixed, 32), needs)
        width, other = max(width, 16), max(other, 6)
        table.clear(columns=True)
        table.add_column(t("raci.col.activity"), width=width, key="activity")
        for party in PARTIES:
            shown = other if party is Party.OTHER else PARTY_WIDTH[party]
            table.add_column(cell(t(party.label_key)), width=shown, key=party.value)
        for entry in self.rows:
            table.add_row(
                cell(_fit(entry.activity, width)),
                *[_role_cell(entry, party, other) for party in PARTIES],
                key=str(entry.id),
            )
        if select is not None:
            row = next((n for n, r in enumerate(self.rows) if r.id == select), row)
        if self.rows:
            table.move_cursor(row=min(row, len(self.rows) - 1), column=column)
        self.query_one("#raci-title", Static).update(plain(tn("raci.title_count", len(self.rows))))

    def selected(self) -> Responsibility | None:
        if not self.rows:
            return None
        row = self.query_one(DataTable).cursor_row
        return self.rows[min(max(row, 0), len(self.rows) - 1)]

    def selected_party(self) -> Party | None:
        column = self.query_one(DataTable).cursor_column
        return PARTIES[column - 1] if column >= 1 else None

    # -- writing ----------------------------------------------------------------------------

    def _write(self, action: Callable[[], object], select: int | None = None) -> bool:
        try:
            result = action()
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            self.reload(select=select)
            return False
        except ValueError as error:  # pydantic's ValidationError
            self.notify(error_message(error), severity="error", markup=False)
            return False
        if isinstance(result, Responsibility):
            select = result.id
        self.reload(select=select)
        return True

    @staticmethod
    def _shown(version: Responsibility) -> dict[str, str]:
        fields = {t("raci.col.activity"): version.activity}
        for party in PARTIES:
            role = version.role(party)
            fields[t(party.label_key)] = role.value if role else "—"
        return fields

    def _change(
        self, entry: Responsibility, change: Callable[[Responsibility], Responsibility]
    ) -> None:
        """Save a change to a row; a row saved meanwhile in another session is a
        conflict that shows both versions."""
        self.save_change(self.repo.save, entry, change, self._shown, lambda: self.reload(entry.id))

    def _change_text(
        self,
        entry: Responsibility,
        text: str,
        change: Callable[[Responsibility, str], Responsibility],
        text_of: Callable[[Responsibility], str],
        ask: Callable[[str], PromptScreen],
    ) -> None:
        """Save a text typed in a prompt; in a conflict, merging by hand opens the prompt
        again with both texts."""
        self.save_typed(
            text,
            lambda version, typed: self.repo.save(change(version, typed)),
            entry,
            self._shown,
            lambda: self.reload(entry.id),
            text_of=text_of,
            ask=ask,
        )

    def _cell_target(self) -> tuple[Responsibility, Party] | None:
        entry, party = self.selected(), self.selected_party()
        if entry is None:
            self.notify(t("raci.empty_hint"), severity="warning")
            return None
        if party is None:
            self.notify(t("raci.pick_party"), severity="warning")
            return None
        return entry, party

    def action_cycle(self) -> None:
        target = self._cell_target()
        if target is None:
            return
        entry, party = target
        role = next_role(entry.role(party))
        holder = entry.accountable()
        if role is RaciRole.A and holder is not None and holder is not party:
            # The cycle steps over A while another party holds it, and says why.
            self.notify(t("raci.skip_accountable", party=t(holder.label_key)), markup=False)
            role = next_role(role)
        self._set(entry, party, role)

    def action_set(self, letter: str) -> None:
        target = self._cell_target()
        if target is None:
            return
        entry, party = target
        self._set(entry, party, RaciRole(letter) if letter else None)

    def _set(self, entry: Responsibility, party: Party, role: RaciRole | None) -> None:
        if party is Party.OTHER and role is not None and not entry.other_party:
            self._ask_other(entry, then=role)
            return
        try:
            entry.with_role(party, role)
        except OneAccountableOnly as error:
            self.notify(error_message(error), severity="error", markup=False)
            return
        before = entry.role(party)

        def said(letter: RaciRole | None) -> str:
            shown = letter.value if letter else "—"
            return t("undo.raci", activity=entry.activity, party=t(party.label_key), role=shown)

        def saving(current: Responsibility) -> Responsibility:
            saved = self.repo.save(current)
            # `u` puts the letter back (refused, and said, where it would make a second A).
            self.offer_undo(
                said(role),
                self.undo_save(
                    self.repo.save,
                    saved,
                    lambda version: version.with_role(party, before),
                    self._shown,
                    said(before),
                    lambda: self.reload(entry.id),
                ),
            )
            return saved

        self.save_change(
            saving,
            entry,
            lambda current: current.with_role(party, role),
            self._shown,
            lambda: self.reload(entry.id),
        )

    def _ask_other(self, entry: Responsibility, then: RaciRole | None = None) -> None:
        def change(current: Responsibility, value: str) -> Responsibility:
            changes: dict[str, Any] = {"other_party": value}
            if then is not None:
                changes["other"] = then
            elif not value:
                changes["other"] = None  # no party, no letter
            return current.edit(**changes)

        def check(value: str) -> str | None:
            if len(value) > MAX_PARTY:
                return t("raci.party_too_long", max=MAX_PARTY)
            return None

        def ask(value: str) -> PromptScreen:
            return PromptScreen(
                t("raci.other_title", activity=entry.activity),
                value,
                placeholder=t("raci.other_placeholder"),
                check=check,
                draft=f"raci:{entry.id}:other",
            )

        def named(value: str | None) -> None:
            if value is not None:
                self._change_text(entry, value, change, lambda row: row.other_party, ask)

        self.app.push_screen(ask(entry.other_party), named)

    def action_other(self) -> None:
        if entry := self.selected():
            self._ask_other(entry)

    @staticmethod
    def _check_activity(value: str) -> str | None:
        if not value.strip():
            return t("raci.empty_activity")
        if len(value) > MAX_ACTIVITY:
            return t("raci.activity_too_long", max=MAX_ACTIVITY)
        return None

    def action_add(self) -> None:
        def added(value: str | None) -> None:
            if value and self._write(lambda: self.repo.add(Responsibility(activity=value))):
                self.query_one(DataTable).move_cursor(column=1)

        self.app.push_screen(
            PromptScreen(t("raci.add_title"), check=self._check_activity, draft="raci:new"),
            added,
        )

    def action_edit(self) -> None:
        entry = self.selected()
        if entry is None:
            return

        def ask(value: str) -> PromptScreen:
            return PromptScreen(
                t("raci.edit_title"), value, check=self._check_activity, draft=f"raci:{entry.id}"
            )

        def edited(value: str | None) -> None:
            if value and value != entry.activity:
                self._change_text(
                    entry,
                    value,
                    lambda current, text: current.edit(activity=text),
                    lambda row: row.activity,
                    ask,
                )

        self.app.push_screen(ask(entry.activity), edited)

    def action_delete(self) -> None:
        entry = self.selected()
        if entry is None or entry.id is None:
            return
        entry_id, version = entry.id, entry.version

        def answered(yes: bool | None) -> None:
            if yes:  # changed meanwhile elsewhere: refused, the table shows it anew
                self._write(lambda: self.repo.delete(entry_id, version))

        self.app.push_screen(
            ConfirmScreen(t("raci.confirm_delete", activity=entry.activity)), answered
        )

    def action_move(self, offset: int) -> None:
        if entry := self.selected():
            self._write(lambda: self.repo.move(entry, offset), select=entry.id)

    def action_export(self) -> None:
        ask_raci_export(self.prodtui)

    def action_close(self) -> None:
        self.dismiss(None)


def ask_raci_export(app: ProdtuiApp) -> None:
    """Ask for a new file and write the RACI table there in Markdown, built in a thread
    worker (`ui.export_worker`)."""
    from prodtui.app.responsibilities import responsibilities_report
    from prodtui.ui.export_worker import export_text_in_worker

    def write(value: str | None) -> None:
        if value:
            export_text_in_worker(
                app,
                Path(value).expanduser(),
                responsibilities_report,
                written_key="raci.written",
                group="raci-export",
            )

    default = Path.home() / "responsabilites.md"
    app.push_screen(PromptScreen(t("raci.export_title"), str(default)), write)


def _fit(text: str, width: int) -> str:
    return text if len(text) <= width else text[: width - 1] + "…"


def _role_cell(entry: Responsibility, party: Party, other: int) -> Text:
    role = entry.role(party)
    if party is Party.OTHER:
        if not entry.other_party:
            return Text("")
        letter = role.value if role else "·"
        name = _fit(entry.other_party, other - 2)
        return Text.assemble((letter, ROLE_STYLE[role] if role else "dim"), " ", (name, "dim"))
    if role is None:
        return Text("·", style="dim", justify="center")
    return Text(role.value, style=ROLE_STYLE[role], justify="center")
