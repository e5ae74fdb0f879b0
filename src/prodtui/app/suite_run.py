"""A run of a campaign's automated suite, from start to import.

The command runs in a session (process group) of its own, so that stopping it stops
everything it started. Its output is read in chunks, never line by line: the whole of it
goes to a file beside the workspace, and only its last lines are kept in memory (a ring,
`OutputRing`) for the screen to show. When it ends, its JUnit report is imported into the
campaign and the workspace records how it ended (`RunState`).
"""

from __future__ import annotations

import asyncio
import codecs
import contextlib
import os
import re
import signal
import tempfile
from collections import deque
from collections.abc import Iterable
from enum import StrEnum
from itertools import islice
from pathlib import Path
from typing import IO, TYPE_CHECKING

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.recette import Campaign, CommandRun, RunState
from prodtui.i18n import error_message, t

if TYPE_CHECKING:
    from prodtui.store import Workspace

STOP_GRACE = 3.0
"""Seconds a stopped suite gets to end by itself (SIGTERM) before it is killed."""
LEFTOVER_GRACE = 0.5
"""Seconds the processes a suite left behind get after SIGTERM, once it ended."""
READ_CHUNK = 1 << 16
MAX_LINE = 2_000
"""Characters of one line kept for the screen; a longer one is shown in pieces."""
TAIL_LINES = 200
"""Lines of the end of the output recorded with the run."""
REPORT_PLACEHOLDER = "{report}"
EXIT_NOT_FOUND = 127
"""The shell's exit status for a command it did not find."""

# A colour or style (SGR). A style still set at the end of a line goes on on the next one,
# as in a terminal: each line kept starts with the sequences that are in force.
_SGR = re.compile(r"\x1b\[([0-9;:]*)m")
_MAX_STYLE = 256


class StopReason(StrEnum):
    KEY = "key"
    """`k` on the run's screen."""
    QUIT = "quit"
    """The user chose to stop it to quit prodtui."""
    SIGNAL = "signal"
    """prodtui got SIGTERM or SIGHUP."""


class OutputRing:
    """The last `keep` lines of an output, split as its bytes arrive."""

    def __init__(self, keep: int) -> None:
        self.lines: deque[str] = deque(maxlen=keep)
        self.total = 0
        """Lines seen since the start, those dropped from the ring included."""
        self.width = 0
        """Characters of the longest line kept so far (an upper bound of its cells)."""
        self._partial = ""
        self._style = ""
        self._decoder = codecs.getincrementaldecoder("utf-8")("replace")

    @property
    def dropped(self) -> int:
        """Lines no longer kept: the oldest ones."""
        return self.total - len(self.lines)

    def feed(self, data: bytes) -> None:
        text = self._partial + self._decoder.decode(data)
        parts = text.split("\n")
        self._partial = parts.pop()
        if len(self._partial) > MAX_LINE:  # a line with no end in sight: shown in pieces
            cut = len(self._partial) - len(self._partial) % MAX_LINE
            parts += _pieces(self._partial[:cut])
            self._partial = self._partial[cut:]
        self._add(parts)

    def close(self) -> None:
        """The output ended: its last line, even without a line feed."""
        rest = self._partial + self._decoder.decode(b"", final=True)
        self._partial = ""
        if rest:
            self._add([rest])

    def tail(self, count: int) -> list[str]:
        return list(islice(self.lines, max(0, len(self.lines) - count), None))

    def _add(self, parts: list[str]) -> None:
        if not parts:
            return
        if any("\r" in part for part in parts):
            # A progress bar rewrites its line after a carriage return: the last text shows.
            parts = [_overwritten(part) for part in parts]
        if self._style or any("\x1b" in part for part in parts):
            parts = self._carry_styles(parts)
        longest = max(map(len, parts))
        if longest > MAX_LINE:
            parts = [piece for part in parts for piece in _pieces(part)]
        self.width = max(self.width, min(longest, MAX_LINE))
        self.lines.extend(parts)
        self.total += len(parts)

    def _carry_styles(self, parts: list[str]) -> list[str]:
        style = self._style
        carried = []
        for part in parts:
            carried.append(style + part if style else part)
            if "\x1b" in part:
                style = _style_after(style, part)
        self._style = style
        return carried


def _overwritten(line: str) -> str:
    line = line.rstrip("\r")
    return line[line.rfind("\r") + 1 :]


def _pieces(line: str) -> Iterable[str]:
    if len(line) <= MAX_LINE:
        return [line]
    return [line[start : start + MAX_LINE] for start in range(0, len(line), MAX_LINE)]


def _style_after(style: str, line: str) -> str:
    """The SGR sequences in force after `line`: those since the last reset."""
    for match in _SGR.finditer(line):
        params = match.group(1)
        if params in ("", "0") or params.startswith("0;"):
            style = "" if params in ("", "0") else match.group()
        else:
            style += match.group()
    return style if len(style) <= _MAX_STYLE else ""


class SuiteRun:
    """One run of `campaign`'s suite. `run()` drives it to its end; `stop()` ends it early.
    Whoever shows it reads `output`, `state` and the rest, and looks again when
    `generation` moved."""

    def __init__(self, workspace: Workspace, campaign: Campaign, *, keep_lines: int) -> None:
        self.workspace = workspace
        self.campaign = campaign
        self.command = campaign.command or ""
        self.output = OutputRing(keep_lines)
        self.record: CommandRun | None = None
        self.process: asyncio.subprocess.Process | None = None
        self.state = RunState.RUNNING
        self.exit_code: int | None = None
        self.stop_reason: StopReason | None = None
        self.error = ""
        """Why it could not start, or why its report was not imported."""
        self.summary = ""
        """What the import wrote, once done."""
        self.no_report = False
        self.log_error = ""
        """Why the whole output could not be written to its file."""
        self.ended = asyncio.Event()
        """Set once everything is done: recorded, and its report imported."""
        self._exited = asyncio.Event()
        """Set once its output closed and its shell ended."""
        self.generation = 0
        self._log: IO[bytes] | None = None

    @property
    def active(self) -> bool:
        return not self.ended.is_set()

    @property
    def log_path(self) -> Path | None:
        if self.record is None or self.record.log_path is None or self.log_error:
            return None
        return Path(self.record.log_path)

    def _changed(self) -> None:
        self.generation += 1

    # -- the run ----------------------------------------------------------------------------

    async def run(self) -> None:
        try:
            self.record = self.workspace.command_runs.start(
                self.campaign, self.command, owner_pid=os.getpid()
            )
        except ProdtuiError as error:
            self.error = error_message(error)
            self.state = RunState.FINISHED
            self._end()
            return
        folder = Path(tempfile.mkdtemp(prefix="prodtui-junit-"))
        report = folder / "report.xml"
        try:
            self._open_log()
            await self._execute(self.command.replace(REPORT_PLACEHOLDER, str(report)))
            self._close_log()
            self._record_end()
            if report.exists() and self.stop_reason in (None, StopReason.KEY):
                await self._import(report)
            elif self.stop_reason is None:
                self.no_report = True
        except asyncio.CancelledError:
            # The app is going without having stopped it (an unexpected exit): nothing
            # it started may outlive it.
            self.kill_now()
            self._close_log()
            self.stop_reason = self.stop_reason or StopReason.SIGNAL
            if self.record is not None and self.record.running:
                with contextlib.suppress(ProdtuiError):
                    self._record_end()
            raise
        finally:
            with contextlib.suppress(OSError):
                report.unlink(missing_ok=True)
                folder.rmdir()
            self._end()

    def _end(self) -> None:
        self.ended.set()
        self._changed()

    async def _execute(self, shell_command: str) -> None:
        try:
            self.process = process = await asyncio.create_subprocess_shell(
                shell_command,
                stdin=asyncio.subprocess.DEVNULL,
                stdout=asyncio.subprocess.PIPE,
                stderr=asyncio.subprocess.STDOUT,
                start_new_session=True,
            )
        except OSError as error:
            self.output.feed(f"{error}\n".encode())
            self._changed()
            return
        assert process.stdout is not None
        if self.stop_reason is not None:  # stopped while it was being started
            _signal_group(process.pid, signal.SIGTERM)
        while chunk := await process.stdout.read(READ_CHUNK):
            self._write_log(chunk)
            self.output.feed(chunk)
            self._changed()
            # A chunk already buffered is returned without yielding: keys and frames get
            # their turn between two chunks, however fast the output comes.
            await asyncio.sleep(0)
        self.output.close()
        self.exit_code = await process.wait()
        self._exited.set()
        # What it left behind (a server started in the background) goes with it; once
        # stopped, SIGTERM was sent already.
        if self.stop_reason is None:
            await self._end_group(signal.SIGTERM, LEFTOVER_GRACE)
        else:
            _signal_group(process.pid, signal.SIGKILL)

    async def stop(self, reason: StopReason, grace: float = STOP_GRACE) -> None:
        """End the suite and everything it started: SIGTERM to its process group, SIGKILL
        after `grace` seconds; returns once the run is recorded."""
        if not self.active:
            return
        self.stop_reason = self.stop_reason or reason
        self._changed()
        process = self.process
        if process is not None and _signal_group(process.pid, signal.SIGTERM):
            try:
                # Its output closed and the shell gone: what it started stopped with it.
                await asyncio.wait_for(asyncio.shield(self._exited.wait()), grace)
            except TimeoutError:
                _signal_group(process.pid, signal.SIGKILL)
        await self.ended.wait()

    async def _end_group(self, first: signal.Signals, grace: float) -> None:
        """`first` to the group, then SIGKILL to what is still there after `grace`."""
        process = self.process
        if process is None or not _signal_group(process.pid, first):
            return
        loop = asyncio.get_running_loop()
        deadline = loop.time() + grace
        while loop.time() < deadline:
            if not _signal_group(process.pid, 0):
                return
            await asyncio.sleep(0.05)
        _signal_group(process.pid, signal.SIGKILL)

    def kill_now(self) -> None:
        """SIGKILL to its process group, without waiting: the last resort."""
        if self.process is not None:
            _signal_group(self.process.pid, signal.SIGKILL)

    # -- its output file --------------------------------------------------------------------

    def _open_log(self) -> None:
        path = self.log_path
        if path is None:
            return
        try:
            # The output may hold secrets (tokens in a failing test): for the user only.
            path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
            fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o600)
            self._log = os.fdopen(fd, "ab", buffering=READ_CHUNK)
        except OSError as error:
            self.log_error = error.strerror or str(error)

    def _write_log(self, chunk: bytes) -> None:
        if self._log is None:
            return
        try:
            self._log.write(chunk)
        except OSError as error:  # a full disk: the screen goes on, the file stops
            self.log_error = error.strerror or str(error)
            self._close_log()

    def _close_log(self) -> None:
        log, self._log = self._log, None
        if log is not None:
            try:
                log.close()
            except OSError as error:
                self.log_error = error.strerror or str(error)

    # -- its end ----------------------------------------------------------------------------

    def _record_end(self) -> None:
        assert self.record is not None
        reason = self.stop_reason
        if reason is None:
            self.state = RunState.FINISHED
        elif reason is StopReason.SIGNAL:
            self.state = RunState.INTERRUPTED
        else:
            self.state = RunState.STOPPED
        self.record = self.workspace.command_runs.finish(
            self.record,
            None if reason else self.exit_code,
            "\n".join(self.output.tail(TAIL_LINES)),
            state=self.state,
            log_kept=not self.log_error,
            # Nobody saw it end: the next start says so.
            notice_pending=reason is StopReason.SIGNAL,
        )
        self._changed()

    async def _import(self, report: Path) -> None:
        from prodtui.exchange.junit import read_junit

        assert self.record is not None
        try:
            # Parsing may be slow on a big report: off the event loop; writing stays here.
            parsed = await asyncio.to_thread(read_junit, report)
            # Nobody sat at these tests: signed as `prodtui import junit` signs them.
            outcome = self.workspace.executions.import_automated(
                self.campaign, parsed.results, tester=t("junit.tester_automatic")
            )
            self.record = self.workspace.command_runs.mark_imported(self.record)
        except ProdtuiError as error:
            self.error = error_message(error)
            return
        self.state = RunState.IMPORTED
        self.summary = outcome.summary()
        self._changed()


def _signal_group(group: int, signum: int) -> bool:
    """Send `signum` to a process group (0: only check it is there); False when gone."""
    try:
        os.killpg(group, signum)
    except ProcessLookupError:
        return False
    except PermissionError:  # a member changed user: the group is no longer ours
        return False
    return True
