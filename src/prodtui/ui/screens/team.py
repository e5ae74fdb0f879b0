"""The team: add, rename, reorder (the stand-up order), change role, deactivate."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import DataTable, Static

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.people import Person, Role
from prodtui.i18n import error_message, t
from prodtui.resources import styles_dir
from prodtui.ui.screens.dialogs import Dialog, PromptScreen
from prodtui.ui.text import plain
from prodtui.ui.widgets.fitted_table import FittedTable

if TYPE_CHECKING:
    from prodtui.store.people import PeopleRepository

ROLES = list(Role)


class TeamScreen(Dialog[None]):
    CSS_PATH = styles_dir() / "standup.tcss"

    BINDINGS = [
        Binding("n", "add", "team.key.add", id="team.add"),
        Binding("e", "rename", "team.key.rename", id="team.rename"),
        Binding("o", "role", "team.key.role", id="team.role"),
        Binding("x", "active", "team.key.active", id="team.active"),
        Binding("shift+up", "move(-1)", "team.key.up", id="team.up"),
        Binding("shift+down", "move(1)", "team.key.down", id="team.down"),
        Binding("escape", "close", "key.close", id="team.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.people: list[Person] = []

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide", id="team-box"):
            yield Static(plain(t("team.title")), classes="dialog-title")
            yield FittedTable(
                [
                    ("position", t("team.col.position")),
                    ("name", t("team.col.name")),
                    ("role", t("team.col.role")),
                    ("active", t("team.col.active")),
                ],
                flex="name",
                id="team-table",
            )
            yield Static(plain(t("team.hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        self.reload()
        self.query_one(DataTable).focus()

    @property
    def repo(self) -> PeopleRepository:
        return self.workspace.people

    def reload(self, select: int | None = None) -> None:
        table = self.query_one("#team-table", FittedTable)
        self.people = self.repo.all()
        table.fill(
            [
                (
                    [
                        str(index),
                        person.name,
                        t(person.role.label_key),
                        "✓" if person.active else "—",
                    ],
                    None,
                )
                for index, person in enumerate(self.people, start=1)
            ]
        )
        row = table.cursor_row
        if select is not None:
            row = next((i for i, p in enumerate(self.people) if p.id == select), row)
        if self.people:
            table.move_cursor(row=min(row, len(self.people) - 1))

    def selected(self) -> Person | None:
        if not self.people:
            return None
        return self.people[min(self.query_one(DataTable).cursor_row, len(self.people) - 1)]

    def _write(self, action: Callable[[], object]) -> None:
        try:
            result = action()
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error", markup=False)
            return
        self.reload(select=result.id if isinstance(result, Person) else None)

    @staticmethod
    def _check_name(value: str) -> str | None:
        return None if value.strip() else t("team.empty_name")

    def action_add(self) -> None:
        def added(name: str | None) -> None:
            if name:
                self._write(lambda: self.repo.add(Person(name=name)))

        self.app.push_screen(
            PromptScreen(t("team.add_title"), check=self._check_name, draft="person:new"), added
        )

    def action_rename(self) -> None:
        person = self.selected()
        if person is None:
            return

        def ask(name: str) -> PromptScreen:
            return PromptScreen(
                t("team.rename_title"), name, check=self._check_name, draft=f"person:{person.id}"
            )

        def renamed(name: str | None) -> None:
            if name and name != person.name:
                # A name typed: in a conflict, both names may be merged by hand (`f`).
                self.save_typed(
                    name,
                    lambda current, typed: self.repo.save(current.edit(name=typed)),
                    person,
                    self._shown,
                    lambda: self.reload(person.id),
                    text_of=lambda version: version.name,
                    ask=ask,
                )

        self.app.push_screen(ask(person.name), renamed)

    def action_role(self) -> None:
        if person := self.selected():
            role = ROLES[(ROLES.index(person.role) + 1) % len(ROLES)]
            self._change(person, lambda current: current.edit(role=role))

    def action_active(self) -> None:
        if person := self.selected():
            active = not person.active
            self._change(person, lambda current: current.edit(active=active))

    def _change(self, person: Person, change: Callable[[Person], Person]) -> None:
        """Save a change to a person; one saved meanwhile in another session is a
        conflict that shows both versions."""
        self.save_change(
            self.repo.save, person, change, self._shown, lambda: self.reload(person.id)
        )

    @staticmethod
    def _shown(version: Person) -> dict[str, str]:
        return {
            t("team.col.name"): version.name,
            t("team.col.role"): t(version.role.label_key),
            t("team.col.active"): "✓" if version.active else "—",
        }

    def action_move(self, offset: int) -> None:
        if person := self.selected():
            try:
                self.repo.move(person, offset)
            except ProdtuiError as error:
                self.notify(error_message(error), severity="error", markup=False)
            self.reload(select=person.id)

    def action_close(self) -> None:
        self.dismiss(None)
