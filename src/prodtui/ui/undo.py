"""`u` takes back a one-key change (a step's status, a blocker resolved, a capture filed…).

A screen that changes a record with a single key derives from `Undoable` and, once the
change is saved, calls `offer_undo`: the toast says what changed and which key takes it
back, and the undo is kept for that key (the latest first, a few of them). An undo is a
save like any other, through the versioned store: when another session saved the record
since, both versions are shown (`ProdtuiScreen.save_change`), never overwritten.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, TypeVar

from textual.binding import Binding

from prodtui.domain.base import Record
from prodtui.i18n import t
from prodtui.ui.screens.base import ProdtuiScreen

RecordT = TypeVar("RecordT", bound=Record)

MAX_UNDO = 20
"""How many changes `u` can take back, latest first."""

Undo = Callable[[], None]


class Undoable(ProdtuiScreen[None]):
    """A screen whose one-key changes `u` takes back."""

    BINDINGS = [Binding("u", "undo", "undo.key", show=False, id="undo")]

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.undos: list[Undo] = []

    def offer_undo(self, done: str, undo: Undo, *, timeout: float | None = None) -> None:
        """Say `done` (what the key just changed) with the key that takes it back."""
        self.undos = [*self.undos[-(MAX_UNDO - 1) :], undo]
        self.notify(t("undo.offer", done=done, key=self.undo_key()), markup=False, timeout=timeout)

    def undo_key(self) -> str:
        """The key bound to undo here, as the user's keymap has it."""
        for active in self.active_bindings.values():
            if active.binding.action == "undo":
                return self.app.get_key_display(active.binding)
        return "u"

    def action_undo(self) -> None:
        if not self.undos:
            self.notify(t("undo.nothing"), markup=False)
            return
        self.undos.pop()()

    def undone(self, state: str) -> None:
        """Say that an undo put things back, `state` saying how they are now."""
        self.notify(t("undo.undone", state=state), markup=False)

    def undo_save(
        self,
        save: Callable[[RecordT], object],
        record: RecordT,
        back: Callable[[RecordT], RecordT],
        shown: Callable[[RecordT], dict[str, str]],
        state: str,
        then: Callable[[], None],
    ) -> Undo:
        """The undo of a change that saved `record` (as the change left it): `back` puts
        the changed fields back as they were, saved with `save` and said with `state`.
        Saved meanwhile elsewhere: both versions are shown, and keeping mine applies
        `back` to theirs. `then` reloads the screen, whatever happened."""

        def saving(version: RecordT) -> object:
            saved = save(version)
            self.undone(state)
            return saved

        return lambda: self.save_change(saving, record, back, shown, then)
