"""La recette: campaigns and their progress; the guided runner opens from here."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Static

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.recette import Campaign, CampaignState, TestCase
from prodtui.i18n import error_message, t
from prodtui.resources import styles_dir
from prodtui.ui.screens.base import WorkspaceScreen
from prodtui.ui.screens.dialogs import PromptScreen

STATES = list(CampaignState)


class RecetteScreen(WorkspaceScreen):
    mode_name = "recette"
    CSS_PATH = styles_dir() / "recette.tcss"

    BINDINGS = [
        Binding("r", "run", "recette.key.run", id="recette.run"),
        Binding("n", "new_campaign", "recette.key.new_campaign", id="recette.new_campaign"),
        Binding("t", "new_case", "recette.key.new_case", id="recette.new_case"),
        Binding("R", "rerun_failed", "recette.key.rerun", id="recette.rerun"),
        Binding("c", "state", "recette.key.state", id="recette.state"),
        Binding("l", "log", "recette.key.log", id="recette.log"),
        Binding("a", "automated", "recette.key.automated", id="recette.automated"),
        Binding("w", "report", "recette.key.report", id="recette.report"),
        Binding("e", "edit_campaign", "key.edit", id="recette.edit"),
        Binding("k", "cases", "recette.key.cases", id="recette.cases"),
    ]

    def __init__(self) -> None:
        super().__init__()
        self.campaigns: list[Campaign] = []

    def compose_body(self) -> ComposeResult:
        yield Static("", id="recette-title", classes="screen-title")
        table: DataTable[str | Text] = DataTable(id="recette-campaigns", cursor_type="row")
        for key in ("name", "release", "state", "pass", "progress", "rate", "failed"):
            table.add_column(t(f"recette.col.{key}"), key=key)
        yield table
        yield Static(t("recette.hint"), classes="dialog-hint")

    def on_mount(self) -> None:
        self.query_one(DataTable).focus()

    def refresh_data(self) -> None:
        if not self.is_mounted:
            return
        table = self.query_one("#recette-campaigns", DataTable)
        row = table.cursor_row
        self.campaigns = self.workspace.campaigns.all()
        table.clear()
        for campaign in self.campaigns:
            progress = self.workspace.executions.plan(campaign).progress
            rate = progress.pass_rate
            failed = progress.counts.get("fail", 0) + progress.counts.get("blocked", 0)
            table.add_row(
                campaign.name,
                campaign.release,
                t(f"recette.state.{campaign.state.value}"),
                str(campaign.pass_number),
                f"{progress.done}/{progress.total}",
                "—" if rate is None else f"{rate:.0%}",
                Text(str(failed), style="bold red") if failed else "0",
                key=str(campaign.id),
            )
        if self.campaigns:
            table.move_cursor(row=min(max(row, 0), len(self.campaigns) - 1))
        cases = self.workspace.test_cases.count()
        self.query_one("#recette-title", Static).update(
            t("recette.title", campaigns=len(self.campaigns), cases=cases)
        )

    def select_campaign(self, campaign_id: int) -> None:
        """Put the cursor on a campaign (if it still exists)."""
        self.refresh_data()
        for row, campaign in enumerate(self.campaigns):
            if campaign.id == campaign_id:
                self.query_one("#recette-campaigns", DataTable).move_cursor(row=row)
        self.query_one("#recette-campaigns", DataTable).focus()

    def selected(self) -> Campaign | None:
        if not self.campaigns:
            return None
        row = self.query_one("#recette-campaigns", DataTable).cursor_row
        return self.campaigns[min(row, len(self.campaigns) - 1)]

    @on(DataTable.RowSelected, "#recette-campaigns")
    def _open(self) -> None:
        self.action_run()

    def action_run(self) -> None:
        from prodtui.ui.screens.runner import RunnerScreen

        campaign = self.selected()
        if campaign is None:
            self.notify(t("recette.no_campaign"), severity="warning")
            return
        if campaign.read_only:
            self.notify(t("recette.campaign_read_only", name=campaign.name), severity="warning")
            return
        self.app.push_screen(RunnerScreen(campaign), lambda _: self.refresh_data())

    def _write(self, action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error")
        self.refresh_data()

    def action_new_campaign(self) -> None:
        from prodtui.ui.screens.runner import CampaignFormScreen

        self.app.push_screen(CampaignFormScreen(None), lambda _: self.refresh_data())

    def action_edit_campaign(self) -> None:
        from prodtui.ui.screens.runner import CampaignFormScreen

        if campaign := self.selected():
            self.app.push_screen(CampaignFormScreen(campaign), lambda _: self.refresh_data())

    def action_cases(self) -> None:
        from prodtui.ui.screens.test_cases import TestCasesScreen

        self.app.push_screen(TestCasesScreen(), lambda _: self.refresh_data())

    def action_new_case(self) -> None:
        from prodtui.ui.screens.runner import CaseFormScreen

        self.app.push_screen(CaseFormScreen(), lambda _: self.refresh_data())

    def action_rerun_failed(self) -> None:
        if campaign := self.selected():
            self._write(lambda: self.workspace.campaigns.rerun_failed(campaign))

    def action_automated(self) -> None:
        from prodtui.ui.screens.automated_run import AutomatedRunScreen

        campaign = self.selected()
        if campaign is None:
            return
        if campaign.read_only:
            self.notify(t("recette.campaign_read_only", name=campaign.name), severity="warning")
            return

        def run(command: str | None) -> None:
            if not command:
                return
            try:
                saved = self.workspace.campaigns.save(campaign.edit(command=command))
            except (ProdtuiError, ValueError) as error:
                self.notify(error_message(error), severity="error")
                return
            self.app.push_screen(AutomatedRunScreen(saved), lambda _: self.refresh_data())

        self.app.push_screen(
            PromptScreen(
                t("recette.auto_command"),
                campaign.command or "pytest --junitxml={report}",
                hint=t("recette.auto_hint"),
            ),
            run,
        )

    def action_report(self) -> None:
        from pathlib import Path

        from prodtui.exchange.files import write_new_text
        from prodtui.exchange.recette_report import campaign_report

        campaign = self.selected()
        if campaign is None:
            return

        def write(value: str | None) -> None:
            if not value:
                return
            try:
                path = write_new_text(
                    Path(value).expanduser(), campaign_report(self.workspace, campaign)
                )
            except ProdtuiError as error:
                self.notify(error_message(error), severity="error")
                return
            self.notify(t("standup.written", path=str(path)), markup=False)

        default = Path.home() / f"recette-{campaign.name.replace(' ', '-')}.md"
        self.app.push_screen(PromptScreen(t("standup.write_title"), str(default)), write)

    def action_log(self) -> None:
        from prodtui.store.recette import ExecutionFilter
        from prodtui.ui.screens.execution_log import ExecutionLogScreen

        campaign = self.selected()
        where = ExecutionFilter(campaign_id=campaign.id) if campaign else ExecutionFilter()
        self.app.push_screen(ExecutionLogScreen(where))

    def action_state(self) -> None:
        if campaign := self.selected():
            state = STATES[(STATES.index(campaign.state) + 1) % len(STATES)]
            self._write(lambda: self.workspace.campaigns.set_state(campaign, state))


def case_text(case: TestCase) -> str:
    return f"{case.key} {case.title}"
