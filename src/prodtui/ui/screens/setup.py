"""The first start of a workspace: the service's name, your name and the team, in one short
form. It opens by itself while the workspace has no name or no team (`ProdtuiApp(setup=
True)`, what the `prodtui` command does), once: saved or skipped with Escape, it is not
asked again. The palette opens it again to change the answers."""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.widgets import Input, Label, Static, TextArea

from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.people import Person
from prodtui.domain.setup import team_names
from prodtui.i18n import error_message, t, tn
from prodtui.resources import styles_dir
from prodtui.store.meta import NAME, SETUP, MetaValue
from prodtui.ui.screens.dialogs import ConfirmScreen, FormDialog
from prodtui.ui.text import plain
from prodtui.ui.widgets.fields import LimitedInput

MAX_NAME = 120
"""A person's name and the author, as their models allow."""
MAX_SERVICE = 200


class SetupScreen(FormDialog[bool]):
    """True once saved; False when closed (skipped, on a first start)."""

    CSS_PATH = styles_dir() / "setup.tcss"
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", priority=True, id="setup.save"),
        Binding("escape", "close", "setup.key.later", id="setup.close"),
    ]

    def __init__(self, *, first_start: bool = True) -> None:
        super().__init__()
        self.first_start = first_start
        self.expected_name = ""
        """The name as shown when the form opened: saving over another session's change
        of it is a conflict (both shown), not a silent overwrite."""

    def draft_identity(self) -> tuple[str, str] | None:
        return "setup", t("setup.title")

    def compose(self) -> ComposeResult:
        self.expected_name = self.workspace.meta.service_name
        author = self.settings.author or self.workspace.author
        known = [person.name for person in self.workspace.people.all(active_only=True)]
        with Vertical(classes="dialog", id="setup-form"):
            yield Static(plain(t("setup.title")), id="setup-title", classes="dialog-title")
            yield Static(plain(t("setup.intro")), id="setup-intro")
            yield Label(t("setup.field.name"))
            yield LimitedInput(
                self.expected_name,
                placeholder=t("setup.placeholder.name"),
                id="setup-name",
                max_length=MAX_SERVICE,
                select_on_focus=False,
            )
            yield Label(t("setup.field.author"))
            yield LimitedInput(
                author,
                placeholder=t("setup.placeholder.author"),
                id="setup-author",
                max_length=MAX_NAME,
                select_on_focus=False,
            )
            yield Label(t("setup.field.team"))
            yield TextArea(id="setup-team", soft_wrap=True, show_line_numbers=False)
            if known:
                yield Static(plain(t("setup.team_known", names=", ".join(known))))
            with Vertical(classes="dialog-footer"):
                yield Static("", id="setup-error", classes="dialog-error")
                yield Static(
                    t("setup.hint") if self.first_start else t("setup.hint_again"),
                    classes="dialog-hint",
                )

    def on_mount(self) -> None:
        # The first question not answered yet.
        for field in ("#setup-name", "#setup-author"):
            if not self.query_one(field, Input).value:
                self.query_one(field, Input).focus()
                return
        self.query_one("#setup-team", TextArea).focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        # Enter goes on to the next question, as Tab does; ctrl+s saves.
        event.stop()
        self.focus_next()

    def _error(self, message: str) -> None:
        error = self.query_one("#setup-error", Static)
        error.update(plain(message))
        error.display = True

    def action_save(self) -> None:
        name = " ".join(self.query_one("#setup-name", Input).value.split())
        author = " ".join(self.query_one("#setup-author", Input).value.split())
        known = [person.name for person in self.workspace.people.all()]
        names = team_names(self.query_one("#setup-team", TextArea).text, known)
        too_long = next((n for n in names if len(n) > MAX_NAME), None)
        if too_long is not None:
            self._error(t("setup.person_too_long", name=too_long[:40] + "…", max=MAX_NAME))
            self.query_one("#setup-team", TextArea).focus()
            return
        workspace = self.workspace
        try:
            with workspace.transaction():
                if name or self.expected_name:
                    workspace.meta.set(NAME, name, expected=self.expected_name)
                for person in names:
                    workspace.people.add(Person(name=person))
                workspace.meta.set(SETUP, "done")
        except ConflictError as conflict:
            self._name_conflict(conflict)
            return
        except ProdtuiError as error:  # a full disk: the form stays open with the text
            self._error(error_message(error))
            return
        self._save_author(author)
        app = self.prodtui
        app.show_service_name()
        app.refresh_screen_data()
        summary = t("setup.saved", name=name) if name else t("setup.saved_unnamed")
        if names:
            summary += " " + tn("setup.people_added", len(names))
        self.notify(summary, markup=False)
        self.dismiss(True)

    def _name_conflict(self, conflict: ConflictError[MetaValue]) -> None:
        """Another session named the service meanwhile: both names shown, one kept."""
        field = self.query_one("#setup-name", Input)

        def shown(value: MetaValue) -> dict[str, str]:
            return {t("setup.field.name"): value.value}

        def mine(theirs: MetaValue) -> None:
            self.expected_name = theirs.value
            self.action_save()

        def keep_theirs(theirs: MetaValue) -> None:
            self.expected_name = field.value = theirs.value
            self.action_save()

        self.ask_conflict(conflict, shown, mine, keep_theirs)

    def _save_author(self, author: str) -> None:
        """Your name goes to your settings (it is yours on every workspace) and is the
        author of what this session writes from now on."""
        app = self.prodtui
        if not author or author == app.settings.author:
            return
        app.settings = app.settings.model_copy(update={"author": author})
        app.workspace.author = author
        if app.settings_problem is not None:
            self.notify(t("setup.author_session_only"), severity="warning", markup=False)
        else:
            app.save_settings("author")

    def action_close(self) -> None:
        if self.field_values() == self.opened_with:
            self._skip()
            return

        def answered(discard: bool | None) -> None:
            if discard:
                self._skip()

        self.app.push_screen(ConfirmScreen(t("editor.discard_question")), answered)

    def _skip(self) -> None:
        """Skipped on a first start: not asked again (the palette still opens it)."""
        if self.first_start:
            try:
                self.workspace.meta.set(SETUP, "skipped")
            except ProdtuiError as error:
                self.notify(error_message(error), severity="error", markup=False)
            else:
                self.notify(t("setup.skipped"), markup=False, timeout=10)
        self.dismiss(False)
