"""Editing one capture: kind, text, owner, due date, story, done."""

from __future__ import annotations

from datetime import date
from typing import Any

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.widgets import Checkbox, Input, Label, Select, Static

from prodtui.domain.capture import parse_due_date
from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.items import Item, ItemKind, ItemStatus
from prodtui.i18n import error_message, t
from prodtui.ui.screens.base import merged_text
from prodtui.ui.screens.dialogs import ConfirmScreen, Dialog
from prodtui.ui.text import choices, plain
from prodtui.ui.widgets.drafts import DraftInput, DraftTextArea
from prodtui.ui.widgets.people import TeamSuggester, person_note, resolve_person
from prodtui.ui.widgets.tick_box import TickBox


class ItemEditorScreen(Dialog[Item]):
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", priority=True, id="editor.save"),
        Binding("escape", "close", "key.close", id="editor.close"),
    ]

    def __init__(self, item: Item) -> None:
        super().__init__()
        self.item = item
        self.draft_key = f"item:{item.id}:text"

    def compose(self) -> ComposeResult:
        item = self.item
        draft = self.workspace.drafts.get(self.draft_key)
        with VerticalScroll(classes="dialog wide", id="item-editor"):
            yield Static(plain(t("editor.title", key=item.key)), classes="dialog-title")
            if draft and draft.content != item.text:
                yield Static(plain(t("editor.draft_restored")), classes="dialog-warning")
            yield Label(t("editor.kind"))
            yield Select(
                choices([(t(kind.label_key), kind) for kind in ItemKind]),
                value=item.kind,
                allow_blank=False,
                id="item-kind",
            )
            yield Label(t("editor.text"))
            yield DraftTextArea(
                draft.content if draft else item.text,
                draft_key=self.draft_key,
                draft_label=t("editor.title", key=item.key),
                id="item-text",
                soft_wrap=True,
            )
            with Horizontal(classes="fields"):
                with Vertical():
                    yield Label(t("editor.owner"))
                    yield self._field(
                        "owner",
                        item.owner or "",
                        max_length=120,
                        placeholder=t("people.placeholder"),
                        suggester=TeamSuggester.of(self.workspace.people),
                    )
                    yield Static("", id="item-owner-note", classes="person-note", markup=False)
                with Vertical():
                    yield Label(t("editor.due"))
                    yield self._field(
                        "due",
                        item.due_date.isoformat() if item.due_date else "",
                        placeholder=t("editor.due_placeholder"),
                    )
                with Vertical():
                    yield Label(t("editor.story"))
                    yield self._field("story", item.story_key or "", placeholder="US-12")
            with Horizontal(classes="fields"):
                yield TickBox(t("editor.done"), item.status is ItemStatus.DONE, id="item-done")
                yield TickBox(t("editor.triaged"), item.triaged, id="item-triaged")
            with Vertical(classes="dialog-footer"):
                yield Static("", id="item-error", classes="dialog-error", markup=False)
                yield Static(plain(t("editor.hint")), classes="dialog-hint")

    def _field(self, name: str, saved: str, **kwargs: Any) -> DraftInput:
        """A one-line field of the item, kept as a draft as typed like its text."""
        key = f"item:{self.item.id}:{name}"
        draft = self.workspace.drafts.get(key)
        return DraftInput(
            key,
            t("editor.title", key=self.item.key),
            value=draft.content if draft else saved,
            id=f"item-{name}",
            **kwargs,
        )

    def _discard_drafts(self) -> None:
        self.query_one("#item-text", DraftTextArea).draft.discard()
        for field in self.query(DraftInput).results(DraftInput):
            field.draft.discard()

    def on_mount(self) -> None:
        self.query_one("#item-text", DraftTextArea).focus()
        self._owner_note()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "item-owner":
            self._owner_note()

    def _owner_note(self) -> None:
        note = person_note(self.workspace.people, self.query_one("#item-owner", Input).value)
        shown = self.query_one("#item-owner-note", Static)
        shown.update(plain(note))
        shown.display = bool(note)  # no empty line under an empty field

    def _edited(self) -> Item | None:
        """The item as the form says, or None with the reason shown."""
        error = self.query_one("#item-error", Static)
        text = self.query_one("#item-text", DraftTextArea).text.strip()
        due_text = self.query_one("#item-due", Input).value.strip()
        due: date | None = None
        if due_text:
            due = parse_due_date(due_text, self.today())
            if due is None:
                error.update(plain(t("editor.bad_due", value=due_text)))
                return None
        if not text:
            error.update(plain(t("editor.empty_text")))
            return None
        done = self.query_one("#item-done", Checkbox).value
        story = self.query_one("#item-story", Input).value.strip().upper() or None
        try:
            return self.item.edit(
                kind=self.query_one("#item-kind", Select).value,
                text=text,
                owner=self.query_one("#item-owner", Input).value.strip() or None,
                due_date=due,
                story_key=story,
                status=ItemStatus.DONE if done else ItemStatus.OPEN,
                triaged=self.query_one("#item-triaged", Checkbox).value,
            )
        except ValueError as problem:
            error.update(plain(error_message(problem)))
            return None

    def action_save(self) -> None:
        edited = self._edited()
        if edited is None:
            return
        # An owner typed by hand is matched to the team as `@ines` is in a capture.
        edited = edited.edit(owner=resolve_person(self.workspace.people, edited.owner or ""))
        try:
            saved = self.workspace.items.save(edited)
        except ConflictError as conflict:
            self._resolve(conflict)
            return
        except ProdtuiError as error:
            self.query_one("#item-error", Static).update(plain(error_message(error)))
            return
        self._discard_drafts()
        self.dismiss(saved)

    def _resolve(self, conflict: ConflictError[Item]) -> None:
        mine = conflict.mine
        assert mine is not None  # an edit saved, not a delete

        def shown(item: Item) -> dict[str, str]:
            return {
                t("editor.kind"): t(item.kind.label_key),
                t("editor.text"): item.text,
                t("editor.owner"): item.owner or "",
                t("editor.due"): item.due_date.isoformat() if item.due_date else "",
                t("editor.done"): "✓" if item.status is ItemStatus.DONE else "",
            }

        def keep_mine(theirs: Item) -> None:
            # Mine wins: saved on top of their version, which stays in the audit log.
            self.item = mine.edit(version=theirs.version)
            self.action_save()

        def keep_theirs(theirs: Item) -> None:
            self._discard_drafts()
            self.dismiss(theirs)

        def gone() -> None:  # deleted elsewhere and let go: mine is in its history
            self._discard_drafts()
            self.dismiss(None)

        # The text fields, mine and theirs, for merging by hand; saved next over theirs.
        texts = {
            "#item-text": (mine.text, conflict.theirs.text),
            "#item-owner": (mine.owner or "", conflict.theirs.owner or ""),
            "#item-story": (mine.story_key or "", conflict.theirs.story_key or ""),
        }

        def merge(theirs: Item) -> None:
            self.item = theirs
            for selector, (my_text, their_text) in texts.items():
                field = self.query_one(selector)
                if isinstance(field, DraftTextArea):
                    field.text = merged_text(my_text, their_text)
                elif isinstance(field, Input):
                    field.value = merged_text(my_text, their_text, multiline=False)
            self.notify(t("conflict.merged"), markup=False)

        differ = any(my_text != their_text for my_text, their_text in texts.values())
        self.ask_conflict(
            conflict, shown, keep_mine, keep_theirs, merge if differ else None, on_gone=gone
        )

    def action_close(self) -> None:
        edited = self._edited()
        if edited == self.item:
            self._discard_drafts()
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._discard_drafts()
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(t("editor.discard_question")), answered)
