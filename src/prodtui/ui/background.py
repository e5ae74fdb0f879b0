"""Reads too long for the event loop, made in a thread worker on a connection of its own.

At ten times the large workspace a few of a screen's figures take hundreds of
milliseconds to count (the recette's progress of closed campaigns, the roadmap's plans):
on the event loop they would hold back every key pressed meanwhile, the warm-up's
included. The screen shows its rows first, a placeholder where such a figure goes, and
fills it when the worker returns. SQLite lets go of the GIL while it reads, so the
event loop runs meanwhile.
"""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import CancelledError
from typing import TYPE_CHECKING, TypeVar

from textual.widget import Widget
from textual.worker import Worker, get_current_worker

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

T = TypeVar("T")

PENDING = "…"
"""What a cell shows until its figure is read."""


def read_off_loop(
    owner: Widget,
    workspace: Workspace,
    read: Callable[[Workspace], T],
    done: Callable[[T], object],
    *,
    group: str,
) -> Worker[None]:
    """Run `read` on a read-only connection of its own to `workspace`'s file, in a thread
    worker of `owner`; then `done(result)` on the event loop, if `owner` is still mounted.
    Should the read fail there (the file moved, a lock), it is made again on the app's
    connection, on the event loop: slow rather than wrong, and an error shows as usual."""

    def finish(result: T | None, failed: bool) -> None:
        if not owner.is_mounted:
            return
        done(read(workspace) if failed else result)  # type: ignore[arg-type]

    def run() -> None:
        result: T | None = None
        failed = False
        try:
            reader = workspace.sibling()
            reader.use_small_cache()  # the app's own memory, in a thread's arena it keeps
            try:
                result = read(reader)
            finally:
                reader.close()
        except Exception:  # read again on the event loop, where a lasting fault shows
            failed = True
        if get_current_worker().is_cancelled or not owner.app.is_running:
            return
        try:
            owner.app.call_from_thread(finish, result, failed)
        except (RuntimeError, CancelledError):
            if owner.app.is_running:  # a fault of `done`, not the app closing meanwhile
                raise

    return owner.run_worker(run, thread=True, group=group)
