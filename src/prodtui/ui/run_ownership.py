"""The automated suite run belongs to the app, not to its screen.

Leaving the run's screen (Escape, another screen's key) leaves the run going; `a` on the
Recette screen shows it again. Quitting while it runs asks whether to stop it or to quit
when it ends; SIGTERM and SIGHUP stop it and quit. Whatever the way out, its process
group is ended: nothing it started outlives the app. At start, the app says what became
of runs it could not see end (`report_cut_short`).

Kept light: the app imports it as it mounts, before the first frame.
"""

from __future__ import annotations

import atexit
import contextlib
import os
import sys
import threading
import weakref
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from prodtui.app.suite_run import StopReason, SuiteRun
    from prodtui.domain.recette import Campaign
    from prodtui.ui.app import ProdtuiApp

SIGNAL_GRACE = 1.0
"""Seconds a suite gets after SIGTERM when the app got a signal: the app must be gone
within two seconds of it."""
LAST_RESORT = 1.8
"""Seconds after a signal when a still-running app is ended by force."""


class RunOwner:
    """The app's run of an automated suite: one at a time, outliving its screen."""

    def __init__(self, app: ProdtuiApp) -> None:
        self.app = app
        self.run: SuiteRun | None = None
        self.quit_when_done = False

    @property
    def active(self) -> SuiteRun | None:
        """The run going on, if any."""
        return self.run if self.run is not None and self.run.active else None

    def start(self, campaign: Campaign) -> SuiteRun:
        from prodtui.app.suite_run import SuiteRun

        run = SuiteRun(self.app.workspace, campaign, keep_lines=self.app.settings.run_output_lines)
        self.run = run
        _LIVE.add(run)
        self.app.run_worker(self._drive(run), name="automated-run", group="automated-run")
        return run

    async def _drive(self, run: SuiteRun) -> None:
        try:
            await run.run()
        finally:
            _LIVE.discard(run)
        if not self._shown(run):
            from prodtui.ui.screens.automated_run import ended_message

            message, severity = ended_message(run)
            self.app.notify(message, severity=severity, timeout=15, markup=False)
        if self.quit_when_done:
            self.app.action_quit()

    def _shown(self, run: SuiteRun) -> bool:
        return getattr(self.app.screen, "run", None) is run

    async def stop(self, reason: StopReason, grace: float | None = None) -> None:
        run = self.active
        if run is not None:
            await (run.stop(reason) if grace is None else run.stop(reason, grace))

    async def stop_then_quit(self, reason: StopReason, grace: float | None = None) -> None:
        await self.stop(reason, grace)
        self.quit_when_done = False
        self.app.action_quit()


_OWNERS: weakref.WeakKeyDictionary[ProdtuiApp, RunOwner] = weakref.WeakKeyDictionary()
_LIVE: weakref.WeakSet[SuiteRun] = weakref.WeakSet()
"""Runs not yet ended, in any app: killed at exit if still there (the last resort)."""


def owner_of(app: ProdtuiApp) -> RunOwner:
    owner = _OWNERS.get(app)
    if owner is None:
        owner = _OWNERS[app] = RunOwner(app)
    return owner


@atexit.register
def _kill_leftovers() -> None:
    for run in list(_LIVE):
        run.kill_now()


# -- signals, and what became of runs cut short --------------------------------------


def signalled(app: ProdtuiApp, signum: int) -> None:
    """SIGTERM or SIGHUP: the run (if any) is stopped, then the app quits, within two
    seconds whatever it is doing."""
    from prodtui.app.suite_run import StopReason

    _end_by_force_later(app, signum)
    owner = owner_of(app)
    if owner.active is not None:
        app.run_worker(owner.stop_then_quit(StopReason.SIGNAL, SIGNAL_GRACE), group="signal")
    else:
        app.action_quit()


def _end_by_force_later(app: ProdtuiApp, signum: int) -> None:
    """Should the app still run `LAST_RESORT` seconds after a signal (its event loop held
    by something), its runs are killed and the process ends there."""

    def last_resort() -> None:
        if not app.is_running:
            return
        _kill_leftovers()
        terminal = sys.__stdout__
        with contextlib.suppress(OSError, ValueError, AttributeError):
            # Leave the terminal usable: main screen, cursor shown, mouse reports off.
            terminal.write("\x1b[?1000l\x1b[?1003l\x1b[?1006l\x1b[?1049l\x1b[?25h")  # type: ignore[union-attr]
            terminal.flush()  # type: ignore[union-attr]
        os._exit(128 + signum)

    timer = threading.Timer(LAST_RESORT, last_resort)
    timer.daemon = True
    timer.start()


def report_cut_short(app: ProdtuiApp) -> None:
    """Tell the user about runs that ended unseen: left running by a prodtui that is gone
    (now recorded as interrupted), or stopped by a signal as prodtui closed."""
    from prodtui.domain.errors import ProdtuiError

    try:
        runs = app.workspace.command_runs.to_report(_alive)
        if not runs:
            return
        from prodtui.ui.screens.automated_run import cut_short_message

        for run in runs:
            campaign = app.workspace.campaigns.get(run.campaign_id).name
            message = cut_short_message(run, campaign)
            app.notify(message, severity="warning", timeout=30, markup=False)
    except ProdtuiError:
        return  # a workspace that cannot be read says so elsewhere


def _alive(pid: int) -> bool:
    if pid == os.getpid():
        return False  # this process has only just started: not the one that ran it
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except PermissionError:
        return True  # another user's process: there
    return True


# -- quitting -------------------------------------------------------------------------------


def quit_held(app: ProdtuiApp) -> bool:
    """Whether quitting waits for the user's answer: a run is going. They choose to stop
    it and quit, to quit when it ends, or to stay."""
    owner = owner_of(app)
    run = owner.active
    if run is None:
        return False
    from prodtui.app.suite_run import StopReason
    from prodtui.i18n import t
    from prodtui.ui.screens.automated_run import QuitWhileRunningScreen

    if isinstance(app.screen, QuitWhileRunningScreen):
        # ctrl+q again on the question: stop and quit.
        app.screen.dismiss("stop")
        return True

    def answered(choice: str | None) -> None:
        if choice == "stop":
            app.run_worker(owner.stop_then_quit(StopReason.QUIT), group="quit")
        elif choice == "wait":
            owner.quit_when_done = True
            app.notify(t("runs.quit_later"), timeout=10)

    app.push_screen(QuitWhileRunningScreen(run), answered)
    return True


def reopen(app: ProdtuiApp) -> bool:
    """`a` on the Recette screen while a run is going: its screen again, whichever
    campaign the cursor is on (one run at a time). False when none is going."""
    run = owner_of(app).active
    if run is None:
        return False
    from prodtui.ui.screens.automated_run import AutomatedRunScreen

    if not isinstance(app.screen, AutomatedRunScreen):
        app.push_screen(AutomatedRunScreen(run.campaign, run))
    return True
