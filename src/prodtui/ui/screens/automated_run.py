"""An automated suite run from the screen: its output streams live, `k` stops it, and its
JUnit report is imported into the campaign when it ends."""

from __future__ import annotations

import asyncio
import contextlib
import os
import signal
import tempfile
from pathlib import Path

from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Log, Static

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.recette import Campaign
from prodtui.i18n import error_message, t
from prodtui.resources import styles_dir
from prodtui.ui.screens.base import ProdtuiScreen
from prodtui.ui.text import plain
from prodtui.ui.widgets.key_bar import KeyBar

# Seconds a stopped suite gets to end by itself before it is killed.
STOP_GRACE = 3.0
REPORT_PLACEHOLDER = "{report}"


class AutomatedRunScreen(ProdtuiScreen[None]):
    CSS_PATH = styles_dir() / "recette.tcss"
    BINDINGS = [
        Binding("k", "stop", "recette.key.stop", id="auto.stop"),
        Binding("escape", "leave", "key.close", id="auto.leave"),
    ]

    def __init__(self, campaign: Campaign) -> None:
        super().__init__()
        self.campaign = campaign
        self.process: asyncio.subprocess.Process | None = None
        self.finished = False
        self.stopped = False
        self.status_text = ""

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="auto-status", classes="screen-title", markup=False)
        yield Log(id="auto-log", max_lines=5000)
        yield KeyBar()

    def on_mount(self) -> None:
        self.run_worker(self._run(), exclusive=True, name="automated-run")

    def _status(self, text: str) -> None:
        self.status_text = text
        self.query_one("#auto-status", Static).update(plain(text))

    async def _run(self) -> None:
        command = self.campaign.command or ""
        folder = Path(tempfile.mkdtemp(prefix="prodtui-junit-"))
        report = folder / "report.xml"
        shell_command = command.replace(REPORT_PLACEHOLDER, str(report))
        log = self.query_one("#auto-log", Log)
        try:
            run = self.workspace.command_runs.start(self.campaign, command)
        except ProdtuiError as error:
            self._status(error_message(error))
            self.finished = True
            return
        self._status(t("recette.auto_running", command=command))
        output: list[str] = []
        try:
            # Its own process group, so stopping it stops what it started too.
            self.process = await asyncio.create_subprocess_shell(
                shell_command,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
            assert self.process.stdout is not None
            while line := await self.process.stdout.readline():
                text = line.decode("utf-8", errors="replace").rstrip("\n")
                output.append(text)
                log.write_line(text)
            exit_code = await self.process.wait()
        except OSError as error:
            exit_code = None
            output.append(str(error))
            log.write_line(str(error))
        self.workspace.command_runs.finish(run, exit_code, "\n".join(output[-200:]))
        self.finished = True
        self._status(self._ended(exit_code))
        if report.exists():
            await self._import(report)
        elif not self.stopped:
            self.notify(t("recette.auto_no_report"), severity="warning")
        with contextlib.suppress(OSError):
            report.unlink(missing_ok=True)
            folder.rmdir()

    def _ended(self, exit_code: int | None) -> str:
        if self.stopped:
            return t("recette.auto_stopped")
        if exit_code == 127:
            return t("recette.auto_not_found", command=self.campaign.command or "")
        return t("recette.auto_ended", code="?" if exit_code is None else exit_code)

    async def _import(self, report: Path) -> None:
        from prodtui.exchange.junit import read_junit
        from prodtui.store.recette import JUnitImportRefused

        try:
            # Parsing may be slow on a big report: off the event loop; writing stays here.
            parsed = await asyncio.to_thread(read_junit, report)
            outcome = self.workspace.executions.import_automated(self.campaign, parsed.results)
        except JUnitImportRefused as refused:
            self.notify(error_message(refused), severity="error", markup=False)
            return
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            return
        self._status(f"{self.status_text} — {outcome.summary()}")

    async def action_stop(self) -> None:
        process = self.process
        if process is None or process.returncode is not None:
            return
        self.stopped = True
        self._status(t("recette.auto_stopping"))
        with contextlib.suppress(ProcessLookupError):
            os.killpg(process.pid, signal.SIGTERM)
        try:
            await asyncio.wait_for(process.wait(), STOP_GRACE)
        except TimeoutError:
            with contextlib.suppress(ProcessLookupError):
                os.killpg(process.pid, signal.SIGKILL)

    async def action_leave(self) -> None:
        if not self.finished:
            await self.action_stop()
        self.dismiss(None)
