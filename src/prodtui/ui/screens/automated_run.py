"""An automated suite run, seen from its screen: its output as it comes, its state and,
once it ended, what was imported — or why nothing was.

The run belongs to the app (`ui/run_ownership.py`), not to this screen: Escape leaves it
going, and `a` on the Recette screen comes back to it. Only `k` stops it.
"""

from __future__ import annotations

from typing import Literal

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.content import Content
from textual.widgets import Header, Static

from prodtui.app.suite_run import EXIT_NOT_FOUND, StopReason, SuiteRun
from prodtui.domain.recette import Campaign, CommandRun, RunState
from prodtui.i18n import format_moment, t
from prodtui.resources import styles_dir
from prodtui.ui.run_ownership import owner_of
from prodtui.ui.screens.base import ProdtuiScreen
from prodtui.ui.screens.dialogs import Dialog
from prodtui.ui.text import lines, plain
from prodtui.ui.widgets.key_bar import KeyBar
from prodtui.ui.widgets.run_output import RunOutput

FRAME = 1 / 30
"""Seconds between two looks at the run: new lines are drawn at most this often."""

Severity = Literal["information", "warning", "error"]


class AutomatedRunScreen(ProdtuiScreen[None]):
    CSS_PATH = styles_dir() / "recette.tcss"
    BINDINGS = [
        Binding("k", "stop", "recette.key.stop", id="auto.stop"),
        # One key, said as what it does: while the suite runs, it leaves it running.
        Binding("escape", "leave", "runs.key.leave", id="auto.leave"),
        Binding("escape", "close", "key.close", id="auto.close"),
    ]

    def __init__(self, campaign: Campaign, run: SuiteRun | None = None) -> None:
        """`run`: one already going, shown again; else the campaign's suite starts."""
        super().__init__()
        self.campaign = campaign
        self._given = run
        self._seen = -1

    @property
    def run(self) -> SuiteRun:
        assert self._given is not None, "the run starts as the screen mounts"
        return self._given

    # Read by the tests and the app: where the run stands, as the header says it.
    @property
    def finished(self) -> bool:
        return not self.run.active

    @property
    def status_text(self) -> str:
        return str(self._status().plain)

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="auto-head"):
            yield Static("", id="auto-title", classes="screen-title")
            yield Static("", id="auto-status")
        if self._given is None:
            self._given = owner_of(self.prodtui).start(self.campaign)
        yield RunOutput(self.run.output, id="auto-log")
        yield KeyBar()

    def on_mount(self) -> None:
        title = t("runs.title", campaign=self.campaign.name, command=self.run.command)
        self.query_one("#auto-title", Static).update(plain(title))
        self.query_one(RunOutput).focus()
        self._look()
        self.set_interval(FRAME, self._look)

    def _look(self) -> None:
        """Draw what changed since the last look: new lines, a new state."""
        run = self.run
        if run.generation == self._seen:
            return
        self._seen = run.generation
        self.query_one(RunOutput).sync()
        self.query_one("#auto-status", Static).update(self._status())
        self.refresh_bindings()

    def _status(self) -> Content:
        run = self.run
        parts: list[str] = []
        if run.active:
            stopping = run.stop_reason is not None
            parts.append(
                t("recette.auto_stopping")
                if stopping
                else t("recette.auto_running", command=run.command)
            )
        else:
            parts.append(_end_line(run))
            if run.summary:
                parts.append(run.summary)
            elif run.no_report:
                parts.append(t("recette.auto_no_report"))
            if run.error:
                parts.append(run.error)
        if run.log_path is not None:
            parts.append(t("runs.output_file", path=str(run.log_path)))
        elif run.log_error:
            parts.append(t("runs.output_file_failed", reason=run.log_error))
        parts.append(t("runs.hint_running") if run.active else t("runs.hint_ended"))
        return lines(parts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        running = self._given is not None and self.run.active
        if action in ("stop", "leave"):
            return running
        if action == "close":
            return not running
        return True

    async def action_stop(self) -> None:
        """`k`: the suite and everything it started are stopped (SIGTERM, then SIGKILL)."""
        if not self.run.active:
            return
        self.notify(t("runs.stopping"), markup=False)
        await self.run.stop(StopReason.KEY)

    def action_leave(self) -> None:
        """Escape while it runs: back to the campaigns; the run goes on."""
        self.notify(t("runs.left_running", campaign=self.campaign.name), markup=False)
        self.dismiss(None)

    def action_close(self) -> None:
        self.dismiss(None)


def _end_line(run: SuiteRun) -> str:
    if run.stop_reason is StopReason.KEY:
        return t("recette.auto_stopped")
    if run.stop_reason is StopReason.QUIT:
        return t("runs.stopped_quit")
    if run.stop_reason is StopReason.SIGNAL:
        return t("runs.interrupted_status")
    if run.record is None:  # it could not start
        return t("runs.not_started")
    if run.exit_code == EXIT_NOT_FOUND:
        return t("recette.auto_not_found", command=run.command)
    return t("recette.auto_ended", code="?" if run.exit_code is None else run.exit_code)


def ended_message(run: SuiteRun) -> tuple[str, Severity]:
    """The toast for a run that ended while its screen was not shown."""
    what = run.summary or (t("recette.auto_no_report") if run.no_report else run.error)
    text = t("runs.ended_elsewhere", campaign=run.campaign.name, end=_end_line(run))
    severity: Severity = "information" if run.state is RunState.IMPORTED else "warning"
    return (f"{text} {what}" if what else text), severity


def cut_short_message(run: CommandRun, campaign: str) -> str:
    """What the next start says of a run cut short: when it started, where its output is."""
    when = format_moment(run.started_at)
    if run.log_path:
        return t("runs.cut_short", campaign=campaign, when=when, path=run.log_path)
    return t("runs.cut_short_no_file", campaign=campaign, when=when)


class QuitWhileRunningScreen(Dialog[str]):
    """Quitting while a suite runs: stop it and quit, quit when it ends, or stay."""

    BINDINGS = [
        Binding("q", "choose('stop')", "runs.key.stop_quit", id="quit_run.stop"),
        Binding("f", "choose('wait')", "runs.key.quit_later", id="quit_run.later"),
        Binding("escape", "close", "runs.key.stay", id="quit_run.stay"),
    ]

    def __init__(self, run: SuiteRun) -> None:
        super().__init__()
        self.run = run

    def compose(self) -> ComposeResult:
        with Vertical(classes="dialog"):
            yield Static(
                plain(t("runs.quit_question", campaign=self.run.campaign.name)),
                classes="dialog-title",
            )
            yield Static(plain(t("runs.quit_hint")), classes="dialog-hint")

    def action_choose(self, choice: str) -> None:
        self.dismiss(choice)
