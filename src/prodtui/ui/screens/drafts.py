"""After a crash, a kill or a dropped connection: the unsaved text is offered back."""

from __future__ import annotations

import contextlib
import json

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import OptionList, Static
from textual.widgets.option_list import Option

from prodtui.domain.drafts import Draft
from prodtui.i18n import t, tn
from prodtui.ui.screens.dialogs import Dialog
from prodtui.ui.text import plain


class DraftsScreen(Dialog[str]):
    """Returns the key of the draft to reopen, or None to decide later."""

    BINDINGS = [
        Binding("d", "discard", "drafts.key.discard", id="drafts.discard"),
        Binding("escape", "later", "drafts.key.later", id="drafts.later"),
    ]

    def __init__(self, drafts: list[Draft]) -> None:
        super().__init__()
        self.drafts = drafts

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog wide"):
            yield Static(plain(tn("drafts.title", len(self.drafts))), classes="dialog-title")
            yield OptionList(*[self._option(d) for d in self.drafts], id="drafts-list")
            yield Static(plain(t("drafts.hint")), classes="dialog-hint")

    @staticmethod
    def _option(draft: Draft) -> Option:
        text = draft.content
        if draft.key.startswith("form:"):  # a form's fields, as JSON (see FormDialog)
            with contextlib.suppress(ValueError, AttributeError):
                text = " · ".join(str(value) for value in json.loads(text).values())
        preview = " ".join(text.split())
        if len(preview) > 70:
            preview = preview[:69] + "…"
        label = t("label.value", label=draft.label or draft.key, value=preview)
        return Option(plain(label), id=draft.key)

    def on_option_list_option_selected(self, event: OptionList.OptionSelected) -> None:
        if self.is_current:  # a second enter while closing must not close it twice
            self.dismiss(event.option.id)

    def action_discard(self) -> None:
        options = self.query_one(OptionList)
        index = options.highlighted
        if index is None:
            return
        key = options.get_option_at_index(index).id
        assert key is not None
        self.workspace.drafts.discard(key)
        options.remove_option_at_index(index)
        self.notify(t("drafts.discarded"))
        if not options.option_count:
            self.dismiss(None)

    def action_later(self) -> None:
        self.dismiss(None)
