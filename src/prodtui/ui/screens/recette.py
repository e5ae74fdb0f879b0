"""La recette: campaigns and their progress; the guided runner opens from here."""

from __future__ import annotations

from rich.text import Text
from textual import on
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Static

from prodtui.domain.errors import ConflictError, NotFoundError, ProdtuiError
from prodtui.domain.recette import (
    Campaign,
    CampaignListing,
    CampaignState,
    ExecutionStatus,
    Progress,
    TestCase,
    shown_rate,
)
from prodtui.i18n import error_message, percent, t, tn
from prodtui.resources import styles_dir
from prodtui.ui.background import PENDING, read_off_loop
from prodtui.ui.screens.base import WorkspaceScreen
from prodtui.ui.screens.dialogs import PromptScreen
from prodtui.ui.text import plain
from prodtui.ui.widgets.lazy_table import Cell, Column, LazyTable

STATES = list(CampaignState)
PROGRESS_PAGE = 30
CampaignRow = tuple[CampaignListing, Progress | None]
PROGRESS_ON_THE_SPOT = 20_000
"""Up to this many test cases times campaigns on a page, the page's progress is counted on
the spot (15 ms at most); beyond, in a worker. About 1 µs each: 50 ms for a page at the
large workspace (30 campaigns of 2,000 cases), 0.3 to 0.6 s at ten times it, which held
back every key meanwhile."""


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
        # Without their scopes: an action reads its campaign again whole (`selected`).
        self.campaigns: list[CampaignListing] = []
        # Each campaign's progress as counted since the last reload; asked for, not yet back.
        self.progress: dict[int, Progress] = {}
        self._asked: set[int] = set()
        self._cases = 0
        self._reloads = 0

    def compose_body(self) -> ComposeResult:
        yield Static("", id="recette-title", classes="screen-title")
        yield LazyTable(
            [
                Column(t("recette.col.name")),
                Column(t("recette.col.release"), 10, shrink=True),
                Column(t("recette.col.state"), 11),
                Column(t("recette.col.pass"), 5),
                Column(t("recette.col.progress"), 10),
                Column(t("recette.col.rate"), 9),
                Column(t("recette.col.failed"), 8),
                Column(t("recette.col.blocked"), 8),
            ],
            count=lambda: len(self.campaigns),
            fetch=self._page,
            cells=self._cells,
            # A campaign's progress reads its whole current pass: a page the size of a screen.
            page=PROGRESS_PAGE,
            id="recette-campaigns",
        )
        yield Static(plain(t("recette.hint")), classes="dialog-hint")

    def on_mount(self) -> None:
        self.table.focus()

    @property
    def table(self) -> LazyTable[CampaignRow]:
        return self.query_one("#recette-campaigns", LazyTable)

    def _page(self, offset: int, limit: int) -> list[CampaignRow]:
        campaigns = self.campaigns[offset : offset + limit]
        missing = [c for c in campaigns if c.id not in self.progress and c.id not in self._asked]
        if missing and self._cases * len(missing) <= PROGRESS_ON_THE_SPOT:
            self.progress |= self.workspace.executions.progress_by_campaign(missing)
        elif missing:
            self._count_progress(missing)
        return [(c, None) for c in campaigns]

    def _count_progress(self, campaigns: list[CampaignListing]) -> None:
        """Count the progress of `campaigns` off the event loop; show it once back."""
        self._asked |= {c.id for c in campaigns}
        reload = self._reloads

        def shown(progress: dict[int, Progress]) -> None:
            if reload != self._reloads:  # counted before the list changed: asked again
                return
            self.progress.update(progress)
            self._asked.difference_update(progress)
            # Measured again: the columns fit the figures rather than the placeholder.
            self.table.reload()

        read_off_loop(
            self,
            self.workspace,
            lambda ws: ws.executions.progress_by_campaign(campaigns),
            shown,
            group="recette-progress",
        )

    def _cells(self, row: CampaignRow) -> list[Cell]:
        campaign, _ = row
        progress = self.progress.get(campaign.id)
        if progress is None:
            name = [campaign.name, campaign.release, t(campaign.state.label_key)]
            return [*name, str(campaign.pass_number), PENDING, PENDING, PENDING, PENDING]
        rate = progress.pass_rate
        # Failures and blocks apart, as the runner counts them: a block is not a defect.
        failed = progress.counts.get(ExecutionStatus.FAIL, 0)
        blocked = progress.counts.get(ExecutionStatus.BLOCKED, 0)
        return [
            campaign.name,
            campaign.release,
            t(campaign.state.label_key),
            str(campaign.pass_number),
            f"{progress.done}/{progress.total}",
            "—" if rate is None else percent(*shown_rate(rate)),
            Text(str(failed), style="bold red") if failed else "0",
            Text(str(blocked), style="bold yellow") if blocked else "0",
        ]

    def refresh_data(self, select: int | None = None) -> None:
        """Reload, keeping the cursor on the same campaign (or on campaign `select`)."""
        if not self.is_mounted:
            return
        # The campaign under the cursor once the user put it there; else the first row.
        kept = self.table.kept() if self.campaigns else None
        current = select if select is not None else (kept[0].id if kept else None)
        self.campaigns = self.workspace.campaigns.listing()
        cases = self._cases = self.workspace.test_cases.count()
        # Counted again, as the list is read again: a result may have come in meanwhile.
        self.progress.clear()
        self._asked.clear()
        self._reloads += 1
        index = next((i for i, c in enumerate(self.campaigns) if c.id == current), None)
        self.table.reload(cursor=index)
        self.query_one("#recette-title", Static).update(
            plain(
                t(
                    "recette.title",
                    campaigns=tn("recette.campaigns", len(self.campaigns)),
                    cases=tn("recette.test_cases", cases),
                )
            )
        )

    def select_campaign(self, campaign_id: int) -> None:
        """Put the cursor on a campaign (if it still exists)."""
        self.refresh_data(select=campaign_id)
        self.table.focus()

    def listed(self) -> CampaignListing | None:
        """The campaign under the cursor, as the list shows it."""
        if not self.campaigns or not self.is_mounted:
            return None
        row = self.table.item(self.table.cursor)
        return None if row is None else row[0]

    def selected(self) -> Campaign | None:
        """The campaign under the cursor read again whole, scope included: the list holds
        no scope, and only a whole campaign is ever saved. One deleted elsewhere since the
        list was read is said, and the list reloaded."""
        listed = self.listed()
        if listed is None:
            return None
        try:
            campaign = self.workspace.campaigns.get(listed.id)
        except NotFoundError:
            campaign = None
        # Its id may have gone to a campaign created since.
        if campaign is None or campaign.created_at != listed.created_at:
            self.notify(t("conflict.deleted_error"), severity="warning", markup=False)
            self.refresh_data()
            return None
        return campaign

    @on(LazyTable.Selected, "#recette-campaigns")
    def _open(self) -> None:
        self.action_run()

    def action_run(self) -> None:
        from prodtui.ui.screens.runner import RunnerScreen

        campaign = self.selected()
        if campaign is None:
            self.notify(t("recette.no_campaign"), severity="warning")
            return
        if campaign.read_only:
            self.notify(
                t("recette.campaign_read_only", name=campaign.name),
                severity="warning",
                markup=False,
            )
            return
        self.app.push_screen(RunnerScreen(campaign), lambda _: self.refresh_data())

    def _write(self, action: object) -> None:
        try:
            action()  # type: ignore[operator]
        except (ProdtuiError, ValueError) as error:
            self.notify(error_message(error), severity="error", markup=False)
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
        from prodtui.ui.run_ownership import reopen
        from prodtui.ui.screens.automated_run import AutomatedRunScreen

        if reopen(self.prodtui):  # a suite is running: back to it
            return
        campaign = self.selected()
        if campaign is None:
            return
        if campaign.read_only:
            self.notify(
                t("recette.campaign_read_only", name=campaign.name),
                severity="warning",
                markup=False,
            )
            return

        def save(current: Campaign, command: str) -> None:
            saved = self.workspace.campaigns.save(current.edit(command=command))
            self.app.push_screen(AutomatedRunScreen(saved), lambda _: self.refresh_data())

        def shown(version: Campaign) -> dict[str, str]:
            return {
                t("recette.col.name"): version.name,
                t("recette.auto_command"): version.command or "",
            }

        def ask(command: str) -> PromptScreen:
            return PromptScreen(
                t("recette.auto_command"),
                command,
                hint=t("recette.auto_hint"),
                draft=f"campaign:{campaign.id}:command",
            )

        def run(command: str | None) -> None:
            if not command:
                return
            # A campaign saved meanwhile elsewhere: both versions are shown, and both
            # commands may be merged by hand; one deleted meanwhile may be recreated.
            self.save_typed(
                command,
                save,
                campaign,
                shown,
                lambda: None,
                text_of=lambda version: version.command or "",
                ask=ask,
            )

        self.app.push_screen(ask(campaign.command or "pytest --junitxml={report}"), run)

    def action_report(self) -> None:
        from pathlib import Path

        from prodtui.app.recette import campaign_report
        from prodtui.ui.export_worker import export_text_in_worker

        campaign = self.selected()
        if campaign is None:
            return

        def write(value: str | None) -> None:
            if not value:
                return
            # Read and written in a worker: a campaign of 20,000 results takes seconds.
            export_text_in_worker(
                self.prodtui,
                Path(value).expanduser(),
                lambda reader: campaign_report(reader, campaign),
                written_key="standup.written",
                group="recette-report",
            )

        default = Path.home() / f"recette-{campaign.name.replace(' ', '-')}.md"
        self.app.push_screen(PromptScreen(t("standup.write_title"), str(default)), write)

    def action_log(self) -> None:
        from prodtui.store.recette import ExecutionFilter
        from prodtui.ui.screens.execution_log import ExecutionLogScreen

        campaign = self.listed()
        where = ExecutionFilter(campaign_id=campaign.id) if campaign else ExecutionFilter()
        self.app.push_screen(ExecutionLogScreen(where))

    def action_state(self) -> None:
        listed = self.listed()
        if listed is not None and (campaign := self.selected()):
            # The state after the one shown: a campaign saved elsewhere since is a conflict,
            # as when the list held whole campaigns, not moved on from a state nobody saw.
            state = STATES[(STATES.index(listed.state) + 1) % len(STATES)]
            try:
                if campaign.version != listed.version:
                    raise ConflictError(self.workspace.campaigns.table, None, campaign)
                saved = self.workspace.campaigns.set_state(campaign, state)
            except (ProdtuiError, ValueError) as error:
                self.notify(error_message(error), severity="error", markup=False)
            else:
                self._say_scope(campaign, saved)
            self.refresh_data()

    def _say_scope(self, before: Campaign, after: Campaign) -> None:
        """Closing a campaign freezes its cases, reopening it unfreezes them: both said."""
        state = t(after.state.label_key)
        if after.read_only:
            cases = tn("recette.test_cases", len(self.workspace.campaigns.scope(after)))
            said = t("recette.scope_frozen", name=after.name, state=state, cases=cases)
        elif before.read_only:
            said = t("recette.scope_unfrozen", name=after.name, state=state)
        else:
            return
        self.notify(said, markup=False)


def case_text(case: TestCase) -> str:
    return f"{case.key} {case.title}"
