"""Small modal dialogs: forms, a yes/no question, one line asked, the choice after a save
conflict."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import TYPE_CHECKING, Any, TypeVar, cast

from textual.app import ComposeResult
from textual.await_complete import AwaitComplete
from textual.binding import Binding, BindingType
from textual.containers import Horizontal, Vertical
from textual.content import Content
from textual.screen import ModalScreen, Screen
from textual.widget import Widget
from textual.widgets import Checkbox, Input, Select, Static, TextArea

from prodtui.domain.base import Record
from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.i18n import error_message, t
from prodtui.ui.screens.base import ProdtuiScreen, merged_text
from prodtui.ui.text import lines, markup, plain
from prodtui.ui.widgets.drafts import DraftInput, DraftWriter
from prodtui.ui.widgets.fields import LimitedInput

if TYPE_CHECKING:
    from prodtui.domain.base import Record


def form_bindings(form: str) -> list[BindingType]:
    """`ctrl+s` saves and `escape` closes, with ids `<form>.save` and `<form>.close` for the
    keymap: what every form dialog binds."""
    return [
        Binding("ctrl+s", "save", "key.save", priority=True, id=f"{form}.save"),
        Binding("escape", "close", "key.cancel", id=f"{form}.close"),
    ]


ResultT = TypeVar("ResultT")
RecordT = TypeVar("RecordT", bound="Record")


class Dialog(ModalScreen[ResultT], ProdtuiScreen[ResultT]):
    """A modal screen of prodtui: the app typed, `close` returns None."""

    def action_close(self) -> None:
        self.dismiss(None)

    def set_focus(
        self, widget: Widget | None, scroll_visible: bool = True, from_app_focus: bool = False
    ) -> None:
        # Textual centres the focused widget. In a dialog taller than the terminal (which
        # scrolls) that hid the title and the first label as it opened, the first field
        # being in view already: scroll only as far as the field needs.
        super().set_focus(widget, scroll_visible=False, from_app_focus=from_app_focus)
        if scroll_visible and widget is not None:
            self.call_later(widget.scroll_visible, animate=False)

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        """Close with `result`. Its callback runs on the screen below once this one is
        gone, and may open the next dialog: keys typed ahead wait for it (a reason typed
        right after choosing a status belongs to the prompt the choice opens)."""
        type_ahead = self.prodtui.type_ahead
        stack = self.app.screen_stack
        below = stack[-2] if len(stack) > 1 and stack[-1] is self else None
        type_ahead.expect_result()
        awaited = super().dismiss(result)
        if below is None:
            type_ahead.result_delivered()
        else:  # queued behind the result's callback, on the same screen
            below.call_next(type_ahead.result_delivered)
        return awaited


def record_key(kind: str, record: Record | None) -> str:
    """`kind:new`, or `kind:<id>:<created at>`: an id freed by a delete may be given to a
    new record, whose form must not get the deleted one's draft."""
    if record is None:
        return f"{kind}:new"
    created = record.created_at.isoformat() if record.created_at else ""
    return f"{kind}:{record.id}:{created}"


class FormDialog(Dialog[ResultT]):
    """A form that saves a record. What is typed in its fields is kept as a draft while
    the user types (offered back after a crash, a kill or a quit, and put back when the
    same form is opened again), and `escape` asks before throwing changes away."""

    # Fields that are commands rather than part of the record (a path to add a file).
    UNTRACKED: frozenset[str] = frozenset()

    def __init__(self) -> None:
        super().__init__()
        self.opened_with: dict[str, object] = {}
        self.form_draft: DraftWriter | None = None

    def action_save(self) -> None:
        """Save the record the form holds (each form says how)."""
        raise NotImplementedError

    def resolve_conflict(
        self,
        conflict: ConflictError[RecordT],
        shown: Callable[[RecordT], dict[str, str]],
        rebase: Callable[[RecordT], None],
    ) -> None:
        """A save conflict (see `ask_conflict`). `rebase` makes theirs the version the form
        edits; then mine is saved over it with what the form still holds, or the form
        closes with theirs, or (where the form's texts differ from theirs, `texts_of`)
        each text field gets mine and theirs to merge by hand, saved over theirs. A
        record deleted elsewhere and let go closes the form (mine is in its history)."""

        def mine(theirs: RecordT) -> None:
            rebase(theirs)
            self.action_save()

        def keep_theirs(theirs: RecordT) -> None:
            rebase(theirs)
            self.dismiss(cast("ResultT", theirs))  # a form returns the record it edits

        def merge(theirs: RecordT) -> None:
            rebase(theirs)
            for name, text in self.texts_of(theirs).items():
                for field in self.query(f"#{name}").results():
                    if isinstance(field, TextArea):
                        field.text = merged_text(field.text, text)
                    elif isinstance(field, Input):
                        field.value = merged_text(field.value, text, multiline=False)
            self.notify(t("conflict.merged"), markup=False)

        texts = self.texts_of(conflict.theirs)
        differ = any(self._text_in(name) != text for name, text in texts.items())
        self.ask_conflict(
            conflict,
            shown,
            mine,
            keep_theirs,
            merge if differ else None,
            on_gone=lambda: self.dismiss(None),
        )

    def texts_of(self, record: Record) -> dict[str, str]:
        """The form's text fields (widget id → text) as `record` fills them, to merge by
        hand after a conflict. By default each Input or TextArea whose id is
        `<prefix>-<field>` for a text field of the record (`rf-treatment` shows
        `treatment`); a form whose ids say otherwise overrides this (empty: no merge)."""
        texts: dict[str, str] = {}
        for field in self.query("Input, TextArea").results():
            if field.id is None or field.id in self.UNTRACKED or "-" not in field.id:
                continue
            name = field.id.split("-", 1)[1].replace("-", "_")
            if name in type(record).model_fields:
                value = getattr(record, name)
                if value is None or isinstance(value, str):
                    texts[field.id] = value or ""
        return texts

    def _text_in(self, name: str) -> str | None:
        for field in self.query(f"#{name}").results():
            if isinstance(field, TextArea):
                return field.text
            if isinstance(field, Input):
                return field.value
        return None

    def draft_identity(self) -> tuple[str, str] | None:
        """The key of this form's draft for its record (`step:12`, `risk:new`) and how the
        list of drafts names it; None keeps no draft."""
        return None

    def field_values(self) -> dict[str, object]:
        values: dict[str, object] = {}
        for field in self.query("Input, TextArea, Select, Checkbox").results():
            if field.id is None or field.id in self.UNTRACKED:
                continue
            if isinstance(field, TextArea):
                values[field.id] = field.text
            elif isinstance(field, Input | Select | Checkbox):
                values[field.id] = field.value
        return values

    def on_mount(self) -> None:
        # Subclasses' on_mount ran first: the fields hold what the form opened with.
        self.opened_with = self.field_values()
        identity = self.draft_identity()
        if identity is None:
            return
        key, label = identity
        self.form_draft = DraftWriter(self, f"form:{key}", label, self._typed_text)
        draft = self.workspace.drafts.get(self.form_draft.key)
        if draft is not None and self._put_back(draft.content):
            self.notify(t("editor.draft_restored"))

    def _typed_text(self) -> str:
        """The text fields changed since the form opened, as JSON (empty when none)."""
        texts = {field.id: field.value for field in self.query(Input).results(Input)}
        texts |= {area.id: area.text for area in self.query(TextArea).results(TextArea)}
        typed = {
            name: text
            for name, text in texts.items()
            if name is not None
            and name not in self.UNTRACKED
            and text != self.opened_with.get(name)
        }
        return json.dumps(typed, ensure_ascii=False) if typed else ""

    def _put_back(self, content: str) -> bool:
        try:
            typed = json.loads(content)
        except ValueError:
            return False
        restored = False
        for name, value in typed.items() if isinstance(typed, dict) else ():
            for field in self.query(f"#{name}").results():
                if isinstance(field, TextArea):
                    field.load_text(str(value))
                elif isinstance(field, Input):
                    field.value = str(value)
                    field.cursor_position = len(field.value)  # typing goes on at the end
                else:
                    continue
                restored = True
        return restored

    # Textual calls these besides the handlers of the same name in subclasses.
    def on_input_changed(self, event: Input.Changed) -> None:
        if self.form_draft is not None:
            self.form_draft.touch()

    def on_text_area_changed(self, event: TextArea.Changed) -> None:
        if self.form_draft is not None:
            self.form_draft.touch()

    def dismiss(self, result: ResultT | None = None) -> AwaitComplete:
        # Saved, or thrown away on purpose: the draft has served.
        if self.form_draft is not None:
            self.form_draft.discard()
        return super().dismiss(result)

    def action_close(self) -> None:
        if self.field_values() == self.opened_with:
            self.dismiss(None)
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(t("editor.discard_question")), answered)


class ConfirmScreen(Dialog[bool]):
    """Asks `question` (shown as text); True for yes."""

    BINDINGS = [
        Binding("y,o", "answer(True)", "key.yes", id="confirm.yes"),
        Binding("n,escape", "answer(False)", "key.no", id="confirm.no"),
    ]

    def __init__(self, question: str) -> None:
        super().__init__()
        self.question = question

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.question), classes="dialog-title")
            yield Static(plain(t("confirm.hint")), classes="dialog-hint")

    def action_answer(self, answer: bool) -> None:
        self.dismiss(answer)


def ask_then_delete(
    screen: Screen[Any],
    question: str,
    delete: Callable[[], object],
    deleted: str,
    then: Callable[[], None],
) -> None:
    """Ask `question`; on yes run `delete` (a delete refused, say because the row changed
    elsewhere since it was shown, is reported), say `deleted`, and `then` reload."""

    def answered(yes: bool | None) -> None:
        if not yes:
            return
        try:
            delete()
        except ProdtuiError as error:
            screen.notify(error_message(error), severity="error", markup=False)
        else:
            screen.notify(deleted, markup=False)
        then()

    screen.app.push_screen(ConfirmScreen(question), answered)


class PromptScreen(Dialog[str | None]):
    """One line asked of the user. `check` returns an error message, or None if the value
    is fine; the dialog stays open until it is, or until `escape`. The title, hint and
    message are shown as text."""

    BINDINGS = [Binding("escape", "cancel", "key.cancel", id="prompt.cancel")]

    def __init__(
        self,
        title: str,
        value: str = "",
        *,
        placeholder: str = "",
        hint: str = "",
        check: Callable[[str], str | None] | None = None,
        draft: str | None = None,
    ) -> None:
        """`draft` names the record the line is typed for (`blocker:3`): what is typed is
        then kept as a draft (key `form:<draft>`), put back when the same prompt opens."""
        super().__init__()
        self.title_text = title
        self.value = value
        self.placeholder = placeholder
        self.hint = hint
        self.check = check
        self.draft_key = f"form:{draft}" if draft else None

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(plain(self.title_text), classes="dialog-title")
            if self.draft_key is None:
                yield LimitedInput(
                    self.value, placeholder=self.placeholder, id="prompt-input", max_length=10_000
                )
            else:
                kept = self.workspace.drafts.get(self.draft_key)
                yield DraftInput(
                    self.draft_key,
                    self.title_text,
                    value=kept.content if kept else self.value,
                    placeholder=self.placeholder,
                    id="prompt-input",
                    max_length=10_000,
                )
            with Vertical(classes="dialog-footer"):
                yield Static("", id="prompt-error", classes="dialog-error")
                yield Static(plain(self.hint or t("prompt.hint")), classes="dialog-hint")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        value = event.value.strip()
        problem = self.check(value) if self.check else None
        if problem:
            self.query_one("#prompt-error", Static).update(plain(problem))
            return
        self._forget_draft()
        self.dismiss(value)

    def _forget_draft(self) -> None:
        field = self.query_one("#prompt-input", Input)
        if isinstance(field, DraftInput):
            field.draft.discard()

    def action_cancel(self) -> None:
        self._forget_draft()
        self.dismiss(None)


class ConflictScreen(Dialog[str]):
    """Someone else saved first: show both versions; the user keeps one (`m` mine, `t`
    theirs) or, where the editor allows it, merges both by hand (`f`). With no version
    of theirs (`theirs` None: deleted in another session), `m` recreates mine where the
    record can come back, and `t` lets it go."""

    BINDINGS = [
        Binding("m", "choose('mine')", "conflict.key.mine", id="conflict.mine"),
        Binding("t,escape", "choose('theirs')", "conflict.key.theirs", id="conflict.theirs"),
        Binding("f", "choose('merge')", "conflict.key.merge", id="conflict.merge"),
    ]

    def __init__(
        self,
        mine: dict[str, str],
        theirs: dict[str, str] | None,
        *,
        merge: bool = False,
        recreate: bool = False,
    ) -> None:
        super().__init__()
        self.mine = mine
        self.theirs = theirs
        self.merge = merge and theirs is not None
        self.recreate = recreate

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        if action == "choose" and parameters == ("merge",):
            return self.merge
        if action == "choose" and parameters == ("mine",):
            return self.theirs is not None or self.recreate
        return True

    def compose(self) -> ComposeResult:
        deleted = self.theirs is None
        with Vertical(classes="dialog wide"):
            title = t("conflict.deleted_title") if deleted else t("conflict.title")
            yield Static(title, classes="dialog-title")
            with Horizontal(classes="conflict-columns"):
                yield Static(self._side(t("conflict.mine"), self.mine), classes="conflict-side")
                if self.theirs is None:
                    title = t("conflict.theirs_deleted_title")
                    gone = lines(
                        [markup("[b]${title}[/b]", title=title), t("conflict.theirs_deleted")]
                    )
                    yield Static(gone, classes="conflict-side")
                else:
                    yield Static(
                        self._side(t("conflict.theirs"), self.theirs), classes="conflict-side"
                    )
            if deleted:
                hint = t("conflict.hint_deleted") if self.recreate else t("conflict.hint_gone")
            else:
                hint = t("conflict.hint_merge") if self.merge else t("conflict.hint")
            yield Static(plain(hint), classes="dialog-hint")

    def _side(self, title: str, values: dict[str, str]) -> Content:
        rows = [markup("[b]${title}[/b]", title=title)]
        theirs = self.theirs or {}
        for field, value in values.items():
            changed = self.theirs is not None and self.mine.get(field) != theirs.get(field)
            template = "${label}[reverse]${value}[/reverse]" if changed else "${label}${value}"
            rows.append(markup(template, label=t("conflict.field", field=field), value=value))
        return lines(rows)

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
