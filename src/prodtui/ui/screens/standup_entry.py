"""One person's stand-up entry: yesterday, today, mood, absent, a new blocker.

Saved when the user leaves it (escape, ctrl+s, or page up / down to the next person);
every field is a draft while typed.
"""

from __future__ import annotations

from datetime import date

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Label, Select, Static

from prodtui.domain.capture import clean_line
from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.standup import MOOD_SYMBOLS, PersonDay, StandupEntry
from prodtui.i18n import error_message, format_day, t
from prodtui.resources import styles_dir
from prodtui.ui.screens.base import merged_text
from prodtui.ui.screens.dialogs import Dialog
from prodtui.ui.text import choices, plain
from prodtui.ui.widgets.drafts import DraftInput, DraftTextArea
from prodtui.ui.widgets.tick_box import TickBox

MOOD_KEYS = {
    1: "standup.mood.1",
    2: "standup.mood.2",
    3: "standup.mood.3",
    4: "standup.mood.4",
    5: "standup.mood.5",
}
"""The name of each mood of `MOOD_SYMBOLS`."""


class EntryEditorScreen(Dialog[int]):
    CSS_PATH = styles_dir() / "standup.tcss"

    """Dismissed with +1 / -1 to go on to the next / previous person, None to stop."""

    BINDINGS = [
        Binding("escape", "leave(0)", "standup.key.save_close", id="entry.close"),
        Binding("ctrl+s", "leave(0)", "key.save", priority=True, id="entry.save"),
        Binding("pagedown", "leave(1)", "standup.key.next_person", priority=True, id="entry.next"),
        Binding(
            "pageup", "leave(-1)", "standup.key.previous_person", priority=True, id="entry.previous"
        ),
    ]

    def __init__(self, person: PersonDay, day: date) -> None:
        super().__init__()
        self.person = person
        self.day = day
        self.entry = person.draft_entry()
        self.prefix = f"standup:{day.isoformat()}:{person.person.id}"

    def compose(self) -> ComposeResult:
        drafts = self.workspace.drafts

        def initial(field: str, saved: str) -> str:
            draft = drafts.get(f"{self.prefix}:{field}")
            return draft.content if draft else saved

        label = t("standup.entry_title", name=self.person.person.name, day=format_day(self.day))
        with VerticalScroll(classes="dialog wide", id="entry-editor"):
            yield Static(plain(label), classes="dialog-title")
            if self.person.entry is None and self.person.suggested_yesterday:
                yield Static(plain(t("standup.suggested")), classes="dialog-hint")
            yield Label(t("standup.col.yesterday"))
            yield DraftTextArea(
                initial("yesterday", self.entry.yesterday),
                draft_key=f"{self.prefix}:yesterday",
                draft_label=label,
                id="entry-yesterday",
                soft_wrap=True,
            )
            yield Label(t("standup.col.today"))
            yield DraftTextArea(
                initial("today", self.entry.today),
                draft_key=f"{self.prefix}:today",
                draft_label=label,
                id="entry-today",
                soft_wrap=True,
            )
            with Horizontal(classes="fields"):
                yield Select(
                    choices(
                        [
                            (f"{symbol} {t(MOOD_KEYS[mood])}", mood)
                            for mood, symbol in MOOD_SYMBOLS.items()
                        ]
                    ),
                    value=self.entry.mood if self.entry.mood else Select.NULL,
                    prompt=t("standup.col.mood"),
                    id="entry-mood",
                )
                yield TickBox(t("standup.col.absent"), self.entry.absent, id="entry-absent")
            yield Label(t("standup.new_blocker_label"))
            yield DraftInput(
                f"{self.prefix}:blocker",
                label,
                value=initial("blocker", ""),
                id="entry-blocker",
                placeholder=t("standup.blocker_placeholder"),
            )
            with Vertical(classes="dialog-footer"):
                yield Static("", id="entry-error", classes="dialog-error", markup=False)
                yield Static(plain(t("standup.entry_hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        field = (
            "#entry-today"
            if self.query_one("#entry-yesterday", DraftTextArea).text
            else ("#entry-yesterday")
        )
        self.query_one(field, DraftTextArea).focus()

    def _edited(self) -> StandupEntry:
        mood = self.query_one("#entry-mood", Select).value
        return self.entry.edit(
            yesterday=self.query_one("#entry-yesterday", DraftTextArea).text.strip(),
            today=self.query_one("#entry-today", DraftTextArea).text.strip(),
            mood=mood if isinstance(mood, int) else None,
            absent=self.query_one("#entry-absent", Checkbox).value,
        )

    def _discard_drafts(self) -> None:
        for area in self.query(DraftTextArea):
            area.draft.discard()
        self.query_one(DraftInput).draft.discard()

    def action_leave(self, move: int) -> None:
        workspace = self.workspace
        error = self.query_one("#entry-error", Static)
        try:
            edited = self._edited()
        except ValueError as problem:
            error.update(plain(error_message(problem)))
            return
        blocker = clean_line(self.query_one(DraftInput).value)
        try:
            if edited != self.entry and not (edited.id is None and edited.is_empty):
                self.entry = workspace.standups.save_entry(self.day, edited)
            if blocker:
                workspace.standups.raise_blocker(self.day, self.person.person, blocker)
                self.query_one(DraftInput).value = ""
        except ConflictError as conflict:
            self._resolve(conflict, move)
            return
        except ProdtuiError as problem:
            error.update(plain(error_message(problem)))
            return
        self._discard_drafts()
        self.dismiss(move or None)

    def _resolve(self, conflict: ConflictError[StandupEntry], move: int) -> None:
        def shown(entry: StandupEntry) -> dict[str, str]:
            return {
                t("standup.col.yesterday"): entry.yesterday,
                t("standup.col.today"): entry.today,
                t("standup.col.mood"): str(entry.mood or ""),
                t("standup.col.absent"): "✓" if entry.absent else "",
            }

        def mine(theirs: StandupEntry) -> None:
            # The form still holds my text: saved on top of their version.
            self.entry = theirs
            self.action_leave(move)

        def keep_theirs(theirs: StandupEntry) -> None:
            self._discard_drafts()
            self.dismiss(None)

        def merge(theirs: StandupEntry) -> None:
            edited, self.entry = self._edited(), theirs
            for field in ("yesterday", "today"):
                area = self.query_one(f"#entry-{field}", DraftTextArea)
                area.text = merged_text(getattr(edited, field), getattr(theirs, field))
            self.notify(t("conflict.merged"), markup=False)

        self.ask_conflict(conflict, shown, mine, keep_theirs, merge)
