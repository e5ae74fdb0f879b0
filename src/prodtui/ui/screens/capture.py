"""Quick capture: one line from anywhere, saved without losing the user's place."""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Input, Static

from prodtui.domain.capture import parse_capture
from prodtui.i18n import format_day, t
from prodtui.ui.screens.dialogs import Dialog
from prodtui.ui.text import plain
from prodtui.ui.widgets.drafts import DraftInput

CAPTURE_DRAFT = "capture"


class CaptureScreen(Dialog[bool]):
    """Saves the typed line on `enter` (True once saved); `escape` keeps it as a draft."""

    BINDINGS = [Binding("escape", "cancel", "key.cancel", id="capture.cancel")]

    CLOSE_DELAY = 0.05
    """Seconds the overlay stays, once saved, under the toast saying so."""

    def __init__(self, today: date) -> None:
        super().__init__()
        self.day = today  # the day the typed dates are read from
        self._saved: bool | None = None

    def compose(self) -> ComposeResult:
        draft = self.workspace.drafts.get(CAPTURE_DRAFT)
        with Vertical(id="capture-box"):
            yield Static(plain(t("capture.title")), classes="dialog-title")
            yield DraftInput(
                CAPTURE_DRAFT,
                t("capture.title"),
                value=draft.content if draft else "",
                placeholder=t("capture.placeholder"),
                id="capture-input",
                max_length=10_000,
            )
            yield Static(self._preview_text(draft.content if draft else ""), id="capture-preview")
            yield Static(plain(t("capture.syntax")), classes="dialog-hint")

    def on_input_changed(self, event: Input.Changed) -> None:
        for preview in self.query("#capture-preview").results(Static):
            preview.update(self._preview_text(event.value))

    def _preview_text(self, line: str) -> Content:
        parsed = parse_capture(line, self.day)
        parts = [t(parsed.kind.label_key)]
        if parsed.owner:
            person = self.workspace.people.match(parsed.owner)
            parts.append(f"@{person.name if person else parsed.owner}")
        if parsed.due_date:
            parts.append(t("capture.due", day=format_day(parsed.due_date, short=True)))
        if parsed.story_key:
            parts.append(parsed.story_key)
        parts += [t(problem) for problem in parsed.problems]
        return plain(" · ".join(parts))

    def key_typed(self) -> None:
        """Called by the app for each key (or paste) typed while the overlay is shown: once
        the line is saved, the next key closes the overlay at once. Keys typed right after
        Enter wait for the save (the app's type-ahead, ui/type_ahead.py), then go on to
        the screen below."""
        if self.closing:
            self.finish_closing()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        field = self.query_one(DraftInput)
        line = event.value.strip()
        if not line:
            field.draft.discard()
            self._close(False)
            return
        # Written now, so the line is safe even if the save below fails.
        field.draft.flush()
        field.draft.enabled = False
        self._saved = self.prodtui.save_capture(line)
        if self.prodtui.holding_keys:
            self.finish_closing()  # the user typed on already
            return
        # The toast saying it is saved is drawn at once, over the overlay: a small part of
        # the terminal. Closing in the same frame would have the whole screen below drawn
        # first (about 50 ms more). The next key closes it sooner (see `key_typed`).
        self.set_timer(self.CLOSE_DELAY, self.finish_closing)

    @property
    def closing(self) -> bool:
        return self._saved is not None

    def on_screen_resume(self) -> None:
        self.finish_closing()  # a dialog opened over it while it was closing

    def finish_closing(self) -> None:
        """Close now if the line is saved and the overlay still open; else do nothing."""
        if self._saved is not None and self.is_active:
            self._close(self._saved)

    def _close(self, saved: bool) -> None:
        self.dismiss(saved)  # not awaited: called from this screen's own messages
        self.prodtui.release_keys()

    def action_cancel(self) -> None:
        field = self.query_one(DraftInput)
        if field.value.strip():
            field.draft.flush()
            self.notify(t("capture.kept_as_draft"))
        else:
            field.draft.discard()
        self.dismiss(False)
