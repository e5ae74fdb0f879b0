"""Small modal dialogs: a yes/no question and the choice after a save conflict."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Static

from prodtui.domain.errors import ConflictError
from prodtui.i18n import t
from prodtui.ui.keys import translate_bindings


def form_bindings(form: str) -> list[BindingType]:
    """`ctrl+s` saves and `escape` closes, with ids `<form>.save` and `<form>.close` for the
    keymap: what every form dialog binds."""
    return [
        Binding("ctrl+s", "save", "key.save", priority=True, id=f"{form}.save"),
        Binding("escape", "close", "key.cancel", id=f"{form}.close"),
    ]


class Dialog(ModalScreen[Any]):
    """A modal form: bindings translated, the workspace at hand, `close` returns None."""

    def __init__(self) -> None:
        super().__init__()
        translate_bindings(self)

    @property
    def workspace(self) -> Any:
        return self.app.workspace  # type: ignore[attr-defined]

    def action_close(self) -> None:
        self.dismiss(None)

    def resolve_conflict(
        self,
        conflict: ConflictError,
        shown: Callable[[Any], dict[str, str]],
        rebase: Callable[[Any], None],
    ) -> None:
        """Another session saved this record first: show both versions (`shown` lists a
        version's fields) and keep the one the user picks. `rebase` makes theirs the version
        the form edits; then mine is saved over it with what the form still holds, or the
        form closes with theirs."""
        theirs = conflict.theirs

        def chosen(choice: str | None) -> None:
            rebase(theirs)
            if choice == "mine":
                self.action_save()  # type: ignore[attr-defined]
            else:
                self.dismiss(theirs)

        self.app.push_screen(ConflictScreen(shown(conflict.mine), shown(theirs)), chosen)


class ConfirmScreen(ModalScreen[bool]):
    BINDINGS = [
        Binding("y,o", "answer(True)", "key.yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "key.no", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.question, classes="dialog-title")
            yield Static(t("confirm.hint"), classes="dialog-hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


class PromptScreen(ModalScreen[str | None]):
    """One line asked of the user. `check` returns an error message, or None if the value
    is fine; the dialog stays open until it is, or until `escape`."""

    BINDINGS = [Binding("escape", "cancel", "key.cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        placeholder: str = "",
        hint: str = "",
        check: Callable[[str], str | None] | None = None,
    ) -> None:
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint
        self.check = check
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(self.title_text, classes="dialog-title")
            yield Input(
                self.value, placeholder=self.placeholder, id="prompt-input", max_length=10_000
            )
            yield Static("", id="prompt-error", classes="dialog-error", markup=False)
            yield Static(self.hint or t("prompt.hint"), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = self.check(value) if self.check else None
        if problem:
            self.query_one("#prompt-error", Static).update(problem)
            return
        self.dismiss(value)

    def action_cancel(self) -> None:
        self.dismiss(None)


class ConflictScreen(ModalScreen[str]):
    """Someone else saved first: show both versions; the user keeps one (`m` mine, `t` theirs)."""

    BINDINGS = [
        Binding("m", "choose('mine')", "conflict.key.mine", id="conflict.mine"),
        Binding("t,escape", "choose('theirs')", "conflict.key.theirs", id="conflict.theirs"),
    ]

    def __init__(self, mine: dict[str, str], theirs: dict[str, str]) -> None:
        super().__init__()
        self.mine = mine
        self.theirs = theirs
        translate_bindings(self)

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(t("conflict.title"), classes="dialog-title")
            with Horizontal(classes="conflict-columns"):
                yield Static(self._side(t("conflict.mine"), self.mine), classes="conflict-side")
                yield Static(self._side(t("conflict.theirs"), self.theirs), classes="conflict-side")
            yield Static(t("conflict.hint"), classes="dialog-hint")

    def _side(self, title: str, values: dict[str, str]) -> str:
        from rich.markup import escape

        lines = [f"[b]{escape(title)}[/b]"]
        for field, value in values.items():
            changed = self.mine.get(field) != self.theirs.get(field)
            mark = "[reverse]" if changed else ""
            end = "[/reverse]" if changed else ""
            lines.append(f"{escape(field)}: {mark}{escape(value)}{end}")
        return "\n".join(lines)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
