"""Editors that write their text to the workspace's drafts as the user types."""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from textual.timer import Timer
from textual.widget import Widget
from textual.widgets import Input, TextArea

from prodtui.domain.errors import ProdtuiError
from prodtui.i18n import error_message
from prodtui.ui.screens.base import prodtui_app
from prodtui.ui.widgets.fields import LimitedInput

if TYPE_CHECKING:
    from prodtui.store.drafts import DraftRepository

# Quiet time after the last keystroke before the draft is written.
DRAFT_DEBOUNCE = 0.25


class DraftWriter:
    """Debounced writer of one editor's text into the `drafts` table."""

    def __init__(self, owner: Widget, key: str, label: str, text: Callable[[], str]) -> None:
        self.owner = owner
        self.key = key
        self.label = label
        self.text = text
        self._timer: Timer | None = None
        self.enabled = True
        # What the workspace holds for this editor: its text when opened, then as written.
        self._written = text()
        self._failing = False

    @property
    def drafts(self) -> DraftRepository:
        return prodtui_app(self.owner).workspace.drafts

    def touch(self) -> None:
        if not self.enabled:
            return
        if self._timer is not None:
            self._timer.stop()
        self._timer = self.owner.set_timer(DRAFT_DEBOUNCE, self.flush)

    def flush(self) -> None:
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        content = self.text()
        if content == self._written:
            # Nothing new since it was opened or last written: a field filled as the
            # editor mounts (Textual says it changed) must not become a draft.
            return
        try:
            if content.strip():
                self.drafts.save(self.key, content, self.label)
            else:
                self.drafts.discard(self.key)
        except ProdtuiError as error:
            self._failed(error)
            return
        self._written = content
        self._failing = False

    def _failed(self, error: ProdtuiError) -> None:
        """A full disk: the text stays in the editor and the draft is tried again at the
        next change. Said once, not at every key."""
        if not self._failing:
            self.owner.app.notify(error_message(error), severity="error", markup=False)
        self._failing = True

    def flush_if_pending(self) -> None:
        """Write what is not written yet: text in the debounce window, or a key the editor
        has taken whose change it has not heard of yet (a key and ctrl+q in one burst)."""
        if self.enabled and (self._timer is not None or self.text() != self._written):
            self.flush()

    def discard(self) -> None:
        """The text was saved for real (or thrown away on purpose): forget the draft."""
        if self._timer is not None:
            self._timer.stop()
            self._timer = None
        self.enabled = False
        try:
            self.drafts.discard(self.key)
        except ProdtuiError as error:
            self._failed(error)


class DraftInput(LimitedInput):
    def __init__(self, draft_key: str, draft_label: str = "", **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.draft = DraftWriter(self, draft_key, draft_label, lambda: self.value)

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input is self:
            self.draft.touch()


class DraftTextArea(TextArea):
    def __init__(self, text: str = "", *, draft_key: str, draft_label: str = "", **kwargs: Any):
        super().__init__(text, **kwargs)
        self.draft = DraftWriter(self, draft_key, draft_label, lambda: self.text)

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if event.text_area is self:
            self.draft.touch()
