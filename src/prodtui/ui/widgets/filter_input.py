"""The `/` filter line of a list: hidden until opened, hands focus back when done."""

from __future__ import annotations

from textual.binding import Binding
from textual.message import Message
from textual.widgets import Input


class FilterInput(Input):
    """`enter` or `escape` posts `Done` (the list takes the focus back); an empty filter
    hides again."""

    BINDINGS = [Binding("escape", "done", show=False)]

    class Done(Message):
        pass

    def __init__(self, placeholder: str, *, id: str) -> None:
        super().__init__(placeholder=placeholder, id=id, classes="hidden")

    def open(self) -> None:
        self.remove_class("hidden")
        self.focus()

    def action_done(self) -> None:
        if not self.value:
            self.add_class("hidden")
        self.post_message(self.Done())

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self.action_done()
