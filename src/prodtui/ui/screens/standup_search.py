"""Search past stand-ups by text, person and dates; `enter` opens the day."""

from __future__ import annotations

from datetime import date

from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical
from textual.widgets import DataTable, Input, Select, Static

from prodtui.domain.capture import parse_day
from prodtui.i18n import format_day, t, tn
from prodtui.resources import styles_dir
from prodtui.ui.screens.dialogs import Dialog
from prodtui.ui.text import choices, plain
from prodtui.ui.widgets.fields import LimitedInput
from prodtui.ui.widgets.fitted_table import FittedTable, Row

RESULTS = 100
FIELD_KEYS = {
    "yesterday": "standup.field.yesterday",
    "today": "standup.field.today",
    "blocker": "standup.field.blocker",
    "decision": "standup.field.decision",
    "action": "standup.field.action",
}
"""Where a stand-up search hit was found, as the results name it."""


class StandupSearchScreen(Dialog[date]):
    CSS_PATH = styles_dir() / "standup.tcss"

    BINDINGS = [Binding("escape", "close", "key.close", id="standup_search.close")]

    def __init__(self) -> None:
        super().__init__()
        self.hits: list[date] = []

    def compose(self) -> ComposeResult:
        people = self.workspace.people.all()
        with Vertical(classes="dialog wide", id="standup-search"):
            yield Static(plain(t("standup.search_title")), classes="dialog-title")
            yield LimitedInput(
                placeholder=t("standup.search_placeholder"), id="standup-search-text"
            )
            with Horizontal(classes="fields"):
                yield Select(
                    choices([(p.name, p.id) for p in people]),
                    prompt=t("standup.search_anyone"),
                    id="standup-search-person",
                )
                yield LimitedInput(placeholder=t("standup.search_from"), id="standup-search-from")
                yield LimitedInput(placeholder=t("standup.search_to"), id="standup-search-to")
            yield Static("", id="standup-search-status", classes="dialog-hint", markup=False)
            yield FittedTable(
                [
                    ("day", t("standup.col.day")),
                    ("who", t("standup.col.who")),
                    ("text", t("standup.col.text")),
                ],
                flex="text",
                id="standup-search-results",
            )

    def on_mount(self) -> None:
        self.query_one("#standup-search-text", Input).focus()
        self.search()

    @on(Input.Changed)
    @on(Select.Changed)
    def search(self) -> None:
        workspace = self.workspace
        today = self.today()
        status = self.query_one("#standup-search-status", Static)
        bounds: list[date | None] = []
        for field in ("#standup-search-from", "#standup-search-to"):
            text = self.query_one(field, Input).value.strip()
            day = parse_day(text, today) if text else None
            if text and day is None:
                status.update(plain(t("standup.bad_date", value=text)))
                return
            bounds.append(day)
        person_id = self.query_one("#standup-search-person", Select).value
        person = workspace.people.get(person_id) if isinstance(person_id, int) else None
        hits = workspace.standups.search(
            self.query_one("#standup-search-text", Input).value,
            person=person,
            start=bounds[0],
            end=bounds[1],
            limit=RESULTS,
        )
        self.hits = []
        rows: list[Row] = []
        for hit in hits:
            label = t(FIELD_KEYS[hit.field])
            text = " / ".join(
                " ".join(line.split()) for line in hit.text.splitlines() if line.strip()
            )
            when = format_day(hit.day, short=True, year=True)
            shown = t("label.value", label=label, value=text) if label else text
            rows.append(([when, hit.person, shown], None))
            self.hits.append(hit.day)
        self.query_one("#standup-search-results", FittedTable).fill(rows)
        status.update(plain(tn("standup.search_count", len(hits))))

    @on(Input.Submitted)
    def _to_results(self) -> None:
        self.query_one("#standup-search-results", DataTable).focus()

    @on(DataTable.RowSelected, "#standup-search-results")
    def _open(self, event: DataTable.RowSelected) -> None:
        self.dismiss(self.hits[event.cursor_row])

    def action_close(self) -> None:
        self.dismiss(None)
