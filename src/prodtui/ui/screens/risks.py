"""The risks of the service: gravest first beside the likelihood × severity matrix."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Header, Input, Label, Select, Static

from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.risks import SCALE, Criterion, Risk, RiskLevel, matrix_counts, risk_level
from prodtui.i18n import error_message, t
from prodtui.resources import styles_dir
from prodtui.ui.screens.base import ProdtuiScreen
from prodtui.ui.screens.dialogs import FormDialog, ask_then_delete, form_bindings, record_key
from prodtui.ui.text import choices, plain
from prodtui.ui.widgets.fields import LimitedInput, select_value
from prodtui.ui.widgets.fitted_table import FittedTable
from prodtui.ui.widgets.key_bar import KeyBar
from prodtui.ui.widgets.people import TeamSuggester, person_note, resolve_person, shown_person

LEVEL_STYLE: dict[RiskLevel, str] = {
    RiskLevel.LOW: "green",
    RiskLevel.MEDIUM: "yellow",
    RiskLevel.HIGH: "bold dark_orange",
    RiskLevel.CRITICAL: "bold red",
}
CELL_STYLE: dict[RiskLevel, str] = {
    RiskLevel.LOW: "black on green",
    RiskLevel.MEDIUM: "black on yellow",
    RiskLevel.HIGH: "black on dark_orange",
    RiskLevel.CRITICAL: "bold white on red",
}


def level_text(level: RiskLevel) -> Text:
    return Text(t(level.label_key), style=LEVEL_STYLE[level])


def matrix_text(risks: list[Risk]) -> Text:
    """The 4 × 4 matrix, severity up and likelihood across, each cell coloured by its level
    and showing how many risks sit in it."""
    counts = matrix_counts(risks)
    text = Text()
    text.append(t("risks.matrix_title") + "\n", style="bold")
    for severity in reversed(SCALE):
        text.append(f"{t('risks.severity_short')}{severity} ")
        for likelihood in SCALE:
            count = counts.get((likelihood, severity), 0)
            cell = f" {count:>2} " if count else "  · "
            text.append(cell, style=CELL_STYLE[risk_level(likelihood, severity)])
        text.append("\n")
    text.append("   " + "".join(f"  {t('risks.likelihood_short')}{n}" for n in SCALE) + "\n")
    text.append(t("risks.matrix_legend"), style="dim")
    return text


class RisksScreen(ProdtuiScreen[None]):
    """Pushed from the security screen (`r`) or by the global search with `select`, the id
    of the risk to put the cursor on."""

    CSS_PATH = styles_dir() / "homologation.tcss"
    BINDINGS = [
        Binding("n", "new", "risks.key.new", id="risks.new"),
        Binding("e", "edit", "key.edit", id="risks.edit"),
        Binding("d", "delete", "risks.key.delete", id="risks.delete"),
        Binding("escape", "close", "key.close", id="risks.close"),
    ]

    def __init__(self, select: int | None = None) -> None:
        super().__init__()
        self.select = select
        self.risks: list[Risk] = []
        self.team: set[str] = set()
        self.ready = False

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="risks-title", classes="screen-title", markup=False)
        # Titles take the width the other columns leave; the full one is shown below.
        yield FittedTable(
            [
                ("level", t("risks.col.level")),
                ("title", t("risks.col.title")),
                ("criterion", t("risks.col.criterion")),
                ("likelihood", t("risks.col.likelihood")),
                ("severity", t("risks.col.severity")),
                ("owner", t("risks.col.owner")),
            ],
            flex="title",
            id="risks-table",
        )
        with Horizontal(id="risks-bottom"):
            yield Static("", id="risks-matrix")
            yield Static("", id="risks-treatment", markup=False)
        yield KeyBar()

    def on_mount(self) -> None:
        self.ready = True
        self.refresh_data()
        if self.select is not None:
            self.move_to(self.select)
        self.query_one(DataTable).focus()

    def refresh_data(self) -> None:
        if not self.ready:  # the app reloads every screen of the stack, even unmounted
            return
        self.risks = self.workspace.risks.list()
        self.team = {person.name for person in self.workspace.people.all()}
        self.query_one("#risks-table", FittedTable).fill(
            [
                (
                    [
                        level_text(risk.level),
                        " ".join(risk.title.split()),
                        t(risk.criterion.label_key),
                        str(risk.likelihood),
                        str(risk.severity),
                        risk.owner or "",
                    ],
                    str(risk.id),
                )
                for risk in self.risks
            ]
        )
        self.query_one("#risks-title", Static).update(
            plain(t("risks.title", count=len(self.risks)) if self.risks else t("risks.empty"))
        )
        self.query_one("#risks-matrix", Static).update(matrix_text(self.risks))
        self._show_treatment()

    def move_to(self, risk_id: int) -> None:
        for n, risk in enumerate(self.risks):
            if risk.id == risk_id:
                self.query_one(DataTable).move_cursor(row=n)
                return

    def selected(self) -> Risk | None:
        if not self.risks:
            return None
        return self.risks[min(self.query_one(DataTable).cursor_row, len(self.risks) - 1)]

    def _show_treatment(self) -> None:
        risk = self.selected()
        text = ""
        if risk is not None:
            text = "\n".join(
                [
                    risk.title,
                    t("risks.treatment_line", treatment=risk.treatment.strip() or "—"),
                    t("risks.owner_line", owner=shown_person(self.team, risk.owner) or "—"),
                ]
            )
        self.query_one("#risks-treatment", Static).update(plain(text))

    def on_data_table_row_highlighted(self) -> None:
        self._show_treatment()

    def on_data_table_row_selected(self) -> None:
        self.action_edit()

    def _saved(self, risk: Risk | None) -> None:
        self.refresh_data()
        if risk is not None and risk.id is not None:
            self.move_to(risk.id)

    def action_new(self) -> None:
        self.app.push_screen(RiskFormScreen(), self._saved)

    def action_edit(self) -> None:
        if risk := self.selected():
            self.app.push_screen(RiskFormScreen(risk), self._saved)

    def action_delete(self) -> None:
        risk = self.selected()
        if risk is None or risk.id is None:
            return
        risk_id, version = risk.id, risk.version
        ask_then_delete(
            self,
            t("risks.confirm_delete", title=risk.title),
            lambda: self.workspace.risks.delete(risk_id, version),  # refused if changed since
            t("risks.deleted", title=risk.title),
            self.refresh_data,
        )

    def action_close(self) -> None:
        self.dismiss(None)


class RiskFormScreen(FormDialog[Risk]):
    """A risk's title, criterion, likelihood, severity, treatment and owner."""

    CSS_PATH = styles_dir() / "homologation.tcss"
    BINDINGS = form_bindings("risk_form")

    def __init__(self, risk: Risk | None = None) -> None:
        super().__init__()
        self.risk = risk

    def draft_identity(self) -> tuple[str, str] | None:
        risk = self.risk
        if risk is None:
            return record_key("risk", None), t("risks.new_title")
        return record_key("risk", risk), f"{t('risks.edit_title')} {risk.title}"

    def compose(self) -> ComposeResult:
        risk = self.risk
        with Vertical(classes="dialog wide", id="risk-form"):
            yield Static(
                t("risks.edit_title") if risk else t("risks.new_title"), classes="dialog-title"
            )
            yield Label(t("risks.field.title"))
            yield LimitedInput(
                risk.title if risk else "", id="rf-title", max_length=300, select_on_focus=False
            )
            with Horizontal(classes="fields"):
                with Vertical():
                    yield Label(t("risks.field.criterion"))
                    yield Select(
                        choices([(t(c.label_key), c) for c in Criterion]),
                        value=risk.criterion if risk else Criterion.AVAILABILITY,
                        allow_blank=False,
                        id="rf-criterion",
                    )
                with Vertical():
                    yield Label(t("risks.field.likelihood"))
                    yield LimitedInput(
                        str(risk.likelihood) if risk else "",
                        placeholder="1–4",
                        id="rf-likelihood",
                        max_length=2,
                        select_on_focus=False,
                    )
                with Vertical():
                    yield Label(t("risks.field.severity"))
                    yield LimitedInput(
                        str(risk.severity) if risk else "",
                        placeholder="1–4",
                        id="rf-severity",
                        max_length=2,
                        select_on_focus=False,
                    )
            yield Static(plain(t("risks.scale_hint")), classes="dialog-hint", markup=False)
            yield Static("", id="rf-level", markup=False)
            yield Label(t("risks.field.treatment"))
            yield Input(risk.treatment if risk else "", id="rf-treatment", select_on_focus=False)
            yield Label(t("risks.field.owner"))
            yield LimitedInput(
                risk.owner or "" if risk else "",
                id="rf-owner",
                max_length=200,
                select_on_focus=False,
                placeholder=t("people.placeholder"),
                suggester=TeamSuggester.of(self.workspace.people),
            )
            yield Static("", id="rf-owner-note", classes="person-note", markup=False)
            with Vertical(classes="dialog-footer"):
                yield Static("", id="rf-error", classes="dialog-error", markup=False)
                yield Static(plain(t("risks.form_hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        self._preview()
        self._owner_note()

    def on_input_changed(self, event: Input.Changed) -> None:
        if event.input.id in ("rf-likelihood", "rf-severity"):
            self._preview()
        elif event.input.id == "rf-owner":
            self._owner_note()

    def _owner_note(self) -> None:
        note = person_note(self.workspace.people, self.query_one("#rf-owner", Input).value)
        shown = self.query_one("#rf-owner-note", Static)
        shown.update(plain(note))
        shown.display = bool(note)  # no empty line under an empty field

    def _rating(self, field: str) -> int | None:
        value = self.query_one(f"#rf-{field}", Input).value.strip()
        return int(value) if value.isdigit() and int(value) in SCALE else None

    def _preview(self) -> None:
        likelihood, severity = self._rating("likelihood"), self._rating("severity")
        preview = self.query_one("#rf-level", Static)
        if likelihood is None or severity is None:
            preview.update("")
            return
        level = risk_level(likelihood, severity)
        line = Text(t("risks.level_preview") + " ")
        line.append_text(level_text(level))
        preview.update(line)

    def action_save(self) -> None:
        error = self.query_one("#rf-error", Static)
        ratings: dict[str, int] = {}
        for field, refusal in (
            ("likelihood", "risks.bad_rating.likelihood"),
            ("severity", "risks.bad_rating.severity"),
        ):
            rating = self._rating(field)
            if rating is None:
                error.update(plain(t(refusal)))
                self.query_one(f"#rf-{field}", Input).focus()
                return
            ratings[field] = rating
        values = {
            "title": self.query_one("#rf-title", Input).value,
            "criterion": select_value(self.query_one("#rf-criterion", Select)),
            "treatment": self.query_one("#rf-treatment", Input).value,
            # A member named by a first name or without accents is saved under their name.
            "owner": resolve_person(
                self.workspace.people, self.query_one("#rf-owner", Input).value
            ),
            **ratings,
        }
        risks = self.workspace.risks
        try:
            saved = (
                risks.create(Risk.model_validate(values))
                if self.risk is None
                else risks.save(self.risk.edit(**values))
            )
        except ConflictError as conflict:
            self._resolve(conflict)
            return
        except (ProdtuiError, ValueError) as problem:
            error.update(plain(error_message(problem)))
            return
        self.notify(t("risks.saved", title=saved.title), markup=False)
        self.dismiss(saved)

    def _resolve(self, conflict: ConflictError[Risk]) -> None:
        def shown(risk: Risk) -> dict[str, str]:
            return {
                t("risks.field.title"): risk.title,
                t("risks.field.criterion"): t(risk.criterion.label_key),
                t("risks.field.likelihood"): str(risk.likelihood),
                t("risks.field.severity"): str(risk.severity),
                t("risks.field.treatment"): risk.treatment[:200],
                t("risks.field.owner"): risk.owner or "",
            }

        def rebase(theirs: Risk) -> None:
            self.risk = theirs

        self.resolve_conflict(conflict, shown, rebase)
