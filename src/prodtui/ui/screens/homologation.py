"""The homologation tracker: the steps, the decision in force and its countdown."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date
from typing import Any

from rich.text import Text
from textual.app import App, ComposeResult, SystemCommand
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.screen import Screen
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from prodtui.domain.base import Record
from prodtui.domain.capture import parse_day, parse_due_date
from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.homologation import (
    VALIDITY_MONTHS,
    ExpiryLevel,
    HomologationDecision,
    HomologationStep,
    Opinion,
    StepStatus,
    expiry_date,
)
from prodtui.homologation_text import VALIDITY_KEYS, decision_state
from prodtui.i18n import error_message, format_day, t, tn
from prodtui.resources import styles_dir
from prodtui.ui.screens.base import prodtui_app
from prodtui.ui.screens.dialogs import (
    ConfirmScreen,
    FormDialog,
    PromptScreen,
    ask_then_delete,
    form_bindings,
    record_key,
)
from prodtui.ui.text import choices, plain
from prodtui.ui.undo import Undoable
from prodtui.ui.widgets.fields import LimitedInput, select_value
from prodtui.ui.widgets.fitted_table import FittedTable
from prodtui.ui.widgets.key_bar import KeyBar

STEP_STYLE = {StepStatus.DONE: "green", StepStatus.IN_PROGRESS: "yellow", StepStatus.TODO: ""}
LISTED_STEPS = 8
"""The open steps named before a decision is recorded; beyond, how many more."""


def step_shown(step: HomologationStep) -> dict[str, str]:
    """A step's fields as a conflict shows them."""
    return {
        t("homologation.col.title"): step.title,
        t("homologation.col.status"): t(step.status.label_key),
        t("homologation.col.date"): step.date.isoformat() if step.date else "",
        t("homologation.col.notes"): step.notes[:200],
    }


def open_steps_question(steps: list[HomologationStep]) -> str | None:
    """The question asked before a decision is recorded while steps are not done, naming
    them; None when every step is done."""
    open_steps = [step for step in steps if step.status is not StepStatus.DONE]
    if not open_steps:
        return None
    shown = open_steps if len(open_steps) <= LISTED_STEPS else open_steps[: LISTED_STEPS - 1]
    lines = [tn("homologation.open_steps", len(open_steps))]
    lines += [
        t("homologation.open_step_line", title=step.title, status=t(step.status.label_key))
        for step in shown
    ]
    if len(shown) < len(open_steps):
        lines.append(t("homologation.open_steps_more", count=len(open_steps) - len(shown)))
    lines.append(t("homologation.decide_anyway"))
    return "\n".join(lines)


def decision_text(decision: HomologationDecision) -> str:
    authority = decision.authority_name
    if decision.authority_role:
        authority += f", {decision.authority_role}"
    facts = {
        "day": format_day(decision.decided_on),
        "authority": authority,
        "opinion": t(decision.opinion.label_key),
    }
    if decision.expires_on is None:  # refused: a validity would suggest it counts
        return t("homologation.refused_line", **facts)
    return t(
        "homologation.decision_line",
        **facts,
        validity=t(VALIDITY_KEYS[decision.validity_months]),
        expires=format_day(decision.expires_on),
    )


class HomologationScreen(Undoable):
    """Pushed from the security screen (`h`)."""

    CSS_PATH = styles_dir() / "homologation.tcss"
    BINDINGS = [
        Binding("s", "cycle", "homologation.key.cycle", id="homologation.cycle"),
        Binding("e", "edit", "key.edit", id="homologation.edit"),
        Binding("n", "new", "homologation.key.new", id="homologation.new"),
        Binding("d", "decide", "homologation.key.decide", id="homologation.decide"),
        Binding(
            "delete", "delete", "homologation.key.delete", show=False, id="homologation.delete"
        ),
        Binding("shift+up", "move(-1)", "homologation.key.up", show=False, id="homologation.up"),
        Binding(
            "shift+down", "move(1)", "homologation.key.down", show=False, id="homologation.down"
        ),
        Binding("escape", "close", "key.close", id="homologation.close"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.steps: list[HomologationStep] = []
        self.ready = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static(plain(t("homologation.title")), classes="screen-title", markup=False)
        yield Static("", id="hom-countdown", markup=False)
        yield Static("", id="hom-decision", markup=False)
        yield FittedTable(
            [
                ("position", t("homologation.col.position")),
                ("title", t("homologation.col.title")),
                ("status", t("homologation.col.status")),
                ("date", t("homologation.col.date")),
                ("notes", t("homologation.col.notes")),
            ],
            flex="notes",
            id="hom-steps",
        )
        yield Static(plain(t("homologation.hint")), classes="dialog-hint", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.ready = True
        repo = self.workspace.homologation
        # A workspace without steps gets the shipped ones the first time the tracker opens.
        if not self.workspace.read_only and repo.step_count() == 0:
            try:
                added = repo.load_shipped_steps()
            except ProdtuiError as error:
                self.notify(error_message(error), severity="error", markup=False)
            else:
                if added:
                    self.notify(t("homologation.steps_loaded", count=added), markup=False)
        self.refresh_data()
        self.query_one(DataTable).focus()

    def refresh_data(self, select: int | None = None) -> None:
        """Reload; the cursor stays on its row, or goes to the step `select`."""
        if not self.ready:  # the app reloads every screen of the stack, even unmounted
            return
        repo = self.workspace.homologation
        decision = repo.current_decision()
        banner = self.query_one("#hom-countdown", Static)
        for level in ExpiryLevel:
            banner.remove_class(f"-{level.value}")
        if decision is None:
            banner.update(plain(t("homologation.no_decision")))
            banner.add_class("-none")
            self.query_one("#hom-decision", Static).update(
                plain(t("homologation.no_decision_hint"))
            )
        else:
            left = decision.countdown(self.today())
            banner.remove_class("-none")
            # A refused homologation is shown like an expired one: the service is not
            # homologated, whatever validity the form held.
            level = left.level if left else ExpiryLevel.EXPIRED
            banner.add_class(f"-{level.value}")
            label = t(level.label_key if left else "homologation.refused_label")
            banner.update(plain(f"{label.upper()} · {decision_state(decision, self.today())}"))
            self.query_one("#hom-decision", Static).update(plain(decision_text(decision)))
        table = self.query_one("#hom-steps", FittedTable)
        self.steps = repo.steps()
        table.fill(
            [
                (
                    [
                        str(n),
                        step.title,
                        Text(t(step.status.label_key), style=STEP_STYLE[step.status]),
                        format_day(step.date, short=True) if step.date else "",
                        " ".join(step.notes.split()),
                    ],
                    str(step.id),
                )
                for n, step in enumerate(self.steps, start=1)
            ]
        )
        ids = [step.id for step in self.steps]
        if select in ids:
            table.move_cursor(row=ids.index(select))

    def selected(self) -> HomologationStep | None:
        if not self.steps:
            return None
        return self.steps[min(self.query_one(DataTable).cursor_row, len(self.steps) - 1)]

    def action_cycle(self) -> None:
        step = self.selected()
        if step is None:
            return
        repo = self.workspace.homologation
        try:
            saved = repo.cycle_status(step)
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            self.refresh_data()
            return
        self.refresh_data()
        before = step.status
        self.offer_undo(
            t("undo.step", title=step.title, status=t(saved.status.label_key)),
            self.undo_save(
                repo.save_step,
                saved,
                lambda current: current.edit(status=before),
                step_shown,
                t("undo.step", title=step.title, status=t(before.label_key)),
                lambda: self.refresh_data(select=saved.id),
            ),
        )

    def action_edit(self) -> None:
        if step := self.selected():
            self.app.push_screen(StepFormScreen(step), lambda _: self.refresh_data())

    def action_new(self) -> None:
        def added(step: HomologationStep | None) -> None:
            self.refresh_data(select=step.id if step else None)

        self.app.push_screen(StepFormScreen(None), added)

    def action_delete(self) -> None:
        step = self.selected()
        if step is None or step.id is None:
            return
        step_id, version = step.id, step.version
        ask_then_delete(
            self,
            t("homologation.confirm_delete", title=step.title),
            lambda: self.workspace.homologation.delete_step(step_id, version),
            t("homologation.step_deleted", title=step.title),
            self.refresh_data,
        )

    def action_move(self, offset: int) -> None:
        if step := self.selected():
            try:
                self.workspace.homologation.move_step(step, offset)
            except ProdtuiError as error:
                self.notify(error_message(error), severity="error", markup=False)
            self.refresh_data(select=step.id)

    def on_data_table_row_selected(self) -> None:
        self.action_edit()

    def action_decide(self) -> None:
        self.app.push_screen(DecisionFormScreen(), lambda _: self.refresh_data())

    def action_close(self) -> None:
        self.dismiss(None)


class StepFormScreen(FormDialog[HomologationStep]):
    """A step's title, date and notes (its status cycles with `s` on the tracker); a new
    step of the team's own when `step` is None."""

    CSS_PATH = styles_dir() / "homologation.tcss"
    BINDINGS = form_bindings("step_form")

    def __init__(self, step: HomologationStep | None) -> None:
        super().__init__()
        self.step = step

    def draft_identity(self) -> tuple[str, str] | None:
        step = self.step
        title = t("homologation.step_title") if step else t("homologation.new_step_title")
        return record_key("step", step), f"{title} {step.title if step else ''}"

    def compose(self) -> ComposeResult:
        step = self.step
        title = "homologation.step_title" if step else "homologation.new_step_title"
        with Vertical(classes="dialog wide"):
            yield Static(plain(t(title)), classes="dialog-title")
            yield Label(t("homologation.col.title"))
            yield LimitedInput(
                step.title if step else "", id="sf-title", max_length=300, select_on_focus=False
            )
            yield Label(t("homologation.field.date"))
            yield LimitedInput(
                step.date.isoformat() if step and step.date else "",
                placeholder=t("homologation.date_placeholder"),
                id="sf-date",
                select_on_focus=False,
            )
            yield Label(t("homologation.col.notes"))
            yield LimitedInput(step.notes if step else "", id="sf-notes", select_on_focus=False)
            with Vertical(classes="dialog-footer"):
                yield Static("", id="sf-error", classes="dialog-error", markup=False)
                yield Static(plain(t("homologation.form_hint")), classes="dialog-hint")

    def action_save(self) -> None:
        error = self.query_one("#sf-error", Static)
        text = self.query_one("#sf-date", Input).value.strip()
        today = self.today()
        # A step already done happened in the past; any other is planned ahead.
        done = self.step is not None and self.step.status is StepStatus.DONE
        day = (parse_day if done else parse_due_date)(text, today) if text else None
        if text and day is None:
            error.update(plain(t("homologation.bad_date", value=text)))
            return
        fields = {
            "title": self.query_one("#sf-title", Input).value,
            "date": day,
            "notes": self.query_one("#sf-notes", Input).value,
        }
        repo = self.workspace.homologation
        try:
            if self.step is None:
                saved = repo.add_step(HomologationStep(position=0, **fields))
            else:
                saved = repo.save_step(self.step.edit(**fields))
        except ConflictError as conflict:
            self._resolve(conflict)
            return
        except (ProdtuiError, ValueError) as problem:
            error.update(plain(error_message(problem)))
            return
        self.dismiss(saved)

    def _resolve(self, conflict: ConflictError[HomologationStep]) -> None:
        def rebase(theirs: HomologationStep) -> None:
            self.step = theirs

        self.resolve_conflict(conflict, step_shown, rebase)


class DecisionFormScreen(FormDialog[HomologationDecision]):
    """Records a new decision of the approving authority; earlier ones are kept."""

    CSS_PATH = styles_dir() / "homologation.tcss"
    BINDINGS = form_bindings("decision_form")

    # The decision in force when the form opened: another recorded since is a conflict.
    seen: int | None = None
    # Recorded with steps not done: the user was told which, and went on.
    confirmed = False

    def draft_identity(self) -> tuple[str, str] | None:
        return "decision:new", t("homologation.decision_title")

    def compose(self) -> ComposeResult:
        current = self.workspace.homologation.current_decision()
        self.seen = current.id if current else None
        suggested = self.workspace.measures.score().suggested_validity
        with Vertical(classes="dialog wide"):
            yield Static(plain(t("homologation.decision_title")), classes="dialog-title")
            with Horizontal(classes="fields"):
                with Vertical():
                    yield Label(t("homologation.field.authority_name"))
                    yield LimitedInput(
                        current.authority_name if current else "",
                        id="df-name",
                        max_length=200,
                        select_on_focus=False,
                    )
                with Vertical():
                    yield Label(t("homologation.field.authority_role"))
                    yield LimitedInput(
                        current.authority_role if current else "",
                        id="df-role",
                        max_length=300,
                        select_on_focus=False,
                    )
            with Horizontal(classes="fields"):
                with Vertical():
                    yield Label(t("homologation.field.opinion"))
                    yield Select(
                        choices([(t(o.label_key), o) for o in Opinion]),
                        value=Opinion.FAVOURABLE,
                        allow_blank=False,
                        id="df-opinion",
                    )
                with Vertical():
                    yield Label(t("homologation.field.decided_on"))
                    yield LimitedInput(
                        "", placeholder=t("homologation.decided_placeholder"), id="df-date"
                    )
                with Vertical():
                    yield Label(t("homologation.field.validity"))
                    yield Select(
                        choices([(t(VALIDITY_KEYS[m]), m) for m in VALIDITY_MONTHS]),
                        value=suggested or 12,
                        allow_blank=False,
                        id="df-validity",
                    )
            if suggested:
                hint = t(
                    "homologation.suggested",
                    validity=t(VALIDITY_KEYS[suggested]),
                )
                yield Static(hint, classes="dialog-hint", markup=False)
            yield Static("", id="df-expiry", markup=False)
            with Vertical(classes="dialog-footer"):
                yield Static("", id="df-error", classes="dialog-error", markup=False)
                yield Static(plain(t("homologation.form_hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        self._preview()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id == "df-date":
            self._preview()

    def on_select_changed(self) -> None:
        self._preview()

    def _decided_on(self) -> tuple[str, date | None]:
        text = self.query_one("#df-date", Input).value.strip()
        return text, parse_day(text, self.today()) if text else None

    def _refusing(self) -> bool:
        return select_value(self.query_one("#df-opinion", Select)) is Opinion.UNFAVOURABLE

    def _preview(self) -> None:
        _, day = self._decided_on()
        refusing = self._refusing()
        # An unfavourable opinion grants no validity: the field is shown disabled.
        validity = self.query_one("#df-validity", Select)
        validity.disabled = refusing
        months = select_value(validity)
        preview = self.query_one("#df-expiry", Static)
        if refusing:
            preview.update(plain(t("homologation.refused_preview")))
            return
        if day is None or months is None:
            preview.update("")
            return
        preview.update(
            plain(t("homologation.expiry_preview", date=format_day(expiry_date(day, months))))
        )

    def action_save(self) -> None:
        error = self.query_one("#df-error", Static)
        text, day = self._decided_on()
        if day is None:
            key = "homologation.bad_date" if text else "homologation.date_needed"
            error.update(plain(t(key, value=text)))
            self.query_one("#df-date", Input).focus()
            return
        homologation = self.workspace.homologation
        try:
            decision = HomologationDecision(
                authority_name=self.query_one("#df-name", Input).value,
                authority_role=self.query_one("#df-role", Input).value,
                opinion=select_value(self.query_one("#df-opinion", Select)),
                decided_on=day,
                validity_months=select_value(self.query_one("#df-validity", Select)),
            )
        except (ProdtuiError, ValueError) as problem:
            error.update(plain(error_message(problem)))
            return
        # A homologation granted while steps are still open: they are named, and asked.
        question = None
        if not self.confirmed and decision.opinion is not Opinion.UNFAVOURABLE:
            question = open_steps_question(homologation.steps())
        if question is not None:

            def answered(yes: bool | None) -> None:
                if yes:
                    self.confirmed = True
                    self.action_save()

            self.app.push_screen(ConfirmScreen(question), answered)
            return
        try:
            theirs = homologation.current_decision()
            if theirs is not None and theirs.id != self.seen:
                # Recorded in another session since the form opened: both are shown; mine,
                # if set aside, goes to the history of theirs.
                mine = decision.edit(id=theirs.id)
                self._resolve(ConflictError(homologation.table_of_decisions, mine, theirs))
                return
            saved = homologation.record_decision(decision)
        except (ProdtuiError, ValueError) as problem:
            error.update(plain(error_message(problem)))
            return
        if saved.expires_on is None:
            self.notify(t("homologation.refusal_saved"), markup=False)
        else:
            self.notify(
                t("homologation.decision_saved", date=format_day(saved.expires_on)), markup=False
            )
        self.dismiss(saved)

    def texts_of(self, record: Record) -> dict[str, str]:
        # The fields' ids are short (`df-name`); the record says `authority_name`.
        if not isinstance(record, HomologationDecision):
            return {}
        return {"df-name": record.authority_name, "df-role": record.authority_role}

    def _resolve(self, conflict: ConflictError[HomologationDecision]) -> None:
        def shown(decision: HomologationDecision) -> dict[str, str]:
            return {
                t("homologation.field.authority_name"): decision.authority_name,
                t("homologation.field.authority_role"): decision.authority_role,
                t("homologation.field.opinion"): t(decision.opinion.label_key),
                t("homologation.field.decided_on"): format_day(decision.decided_on),
                t("homologation.field.validity"): t(VALIDITY_KEYS[decision.validity_months]),
            }

        def rebase(theirs: HomologationDecision) -> None:
            self.seen = theirs.id

        self.resolve_conflict(conflict, shown, rebase)


def open_security_panel(screen: Screen[Any], what: str) -> None:
    """What the security screen's `r` and `h` open (kept here so that screen stays small)."""
    from prodtui.ui.screens.risks import RisksScreen

    screen.app.push_screen(RisksScreen() if what == "risks" else HomologationScreen())


def export_dossier(screen: Screen[Any]) -> None:
    """Ask where, then write the homologation dossier to a new file (never over one),
    built in a thread worker (`ui.export_worker`)."""
    from pathlib import Path

    from prodtui.app.dossier import workspace_dossier
    from prodtui.ui.export_worker import export_text_in_worker

    app = prodtui_app(screen)
    today = app.today()

    def chosen(value: str | None) -> None:
        if value:
            export_text_in_worker(
                app,
                Path(value).expanduser(),
                lambda workspace: workspace_dossier(workspace, today),
                written_key="dossier.written",
                group="dossier-export",
            )

    name = "-".join(app.workspace.meta.workspace_name.split()) or "prodtui"
    default = Path.home() / f"dossier-homologation-{name}-{today.isoformat()}.md"
    app.push_screen(PromptScreen(t("dossier.write_title"), str(default)), chosen)


def security_commands(app: App[Any]) -> Iterable[SystemCommand]:
    """What the app's palette offers of the security panels (`ProdtuiApp.get_system_commands`)."""
    yield SystemCommand(
        t("palette.risks"),
        t("palette.risks_help"),
        lambda: open_security_panel(app.screen, "risks"),
    )
    yield SystemCommand(
        t("palette.homologation"),
        t("palette.homologation_help"),
        lambda: open_security_panel(app.screen, "homologation"),
    )
    yield SystemCommand(
        t("palette.dossier"), t("palette.dossier_help"), lambda: export_dossier(app.screen)
    )
