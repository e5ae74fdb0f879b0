"""Keys typed ahead: where the keys of a burst go.

Textual hands each key to the widget focused when the app reads it. When a slow SSH link
delivers several keys at once, the keys after one that moves the focus (`tab`), opens a
form (`n`, `enter` on a list) or closes one (`ctrl+s`, `escape`) would reach the widget
that had the focus before: letters meant for a form would act as the list's own keys.

So after such a key the next ones are held, until it has been handled (it comes back to
the app once the focused widget and the bindings are done with it, unless a widget keeps
it), until every widget of the screen has handled what that caused (a message posted by
the binding may open the form only later), and until the focus has landed; then they
are handed on in the order typed. Text typed into a field needs none of this: it cannot
move the focus, and it goes to the field's own queue, in order.
"""

from __future__ import annotations

import time
from collections.abc import Awaitable, Callable
from typing import TYPE_CHECKING, Any

from textual import events

from prodtui.ui.textual_private import was_stopped

if TYPE_CHECKING:
    from textual.app import App
    from textual.widget import Widget

KeyEvent = events.Key | events.Paste
Deliver = Callable[[KeyEvent], Awaitable[None]]

# Rounds of "every widget has handled its queue" after which held keys go on regardless.
MAX_SETTLE_ROUNDS = 12
# A hold older than this is released by the next key, whatever it waits for: no key may
# stay held for good (ctrl+q included) because of a callback that never came.
HOLD_LIMIT = 1.0


class TypeAhead:
    """The app's keys, held behind a key that may move on and handed on in order."""

    def __init__(self, app: App[Any]) -> None:
        self.app = app
        self.held: list[KeyEvent] | None = None
        self._held_since = 0.0
        self._replay_queued = False
        self._awaited: KeyEvent | None = None
        self._typed_into: Widget | None = None
        self._results_due = 0

    def expect_result(self) -> None:
        """A dialog is closing: what its result's callback opens is part of the move."""
        self._results_due += 1

    def result_delivered(self) -> None:
        self._results_due = max(0, self._results_due - 1)

    def hold(self) -> None:
        """Hold the keys from now on, until `release`."""
        self.held = []
        self._held_since = time.monotonic()

    def take(self, event: KeyEvent) -> bool:
        """Keep the key if keys are held (True): it goes on after them."""
        if self.held is None:
            return False
        self.held.append(event)
        if time.monotonic() - self._held_since > HOLD_LIMIT:
            self.release()
        return True

    def release(self) -> None:
        """Hand the held keys on, in the order typed, once (a second call while they are
        on their way does nothing)."""
        if self.held is not None and not self._replay_queued:
            self._replay_queued = True
            self.app.call_later(self._replay)

    async def _replay(self) -> None:
        self._replay_queued = False
        held, self.held = self.held or [], None
        while held:
            if self.held is not None:  # held again behind one of them: the rest waits too
                self.held.extend(held)
                return
            await self.app.on_event(held.pop(0))

    # -- one key -------------------------------------------------------------------------

    async def handle(self, event: KeyEvent, deliver: Deliver) -> None:
        """A key read by the app (not a forwarded one), not held: deliver it, and hold the
        next ones if it may move on."""
        if not self.may_move_on(event):
            await deliver(event)
            self._typed_into = self.app.focused
            return
        self.hold()
        typed_into, self._typed_into = self._typed_into, None
        # Text typed just before may still wait in the field's queue: a priority binding
        # (ctrl+s, pagedown in the stand-up) must not act before the field has it all.
        queued = typed_into is not None and typed_into is self.app.focused
        if not (queued and typed_into and typed_into.call_later(self._move_on, event, deliver)):
            await self._move_on(event, deliver)

    async def _move_on(self, event: KeyEvent, deliver: Deliver) -> None:
        await deliver(event)
        self._awaited = event if event.is_forwarded else None  # else a priority binding ran
        self._settle()

    def came_back(self, event: KeyEvent) -> None:
        """A forwarded key reached the app again: its bindings have run."""
        if event is self._awaited:
            self._awaited = None

    def may_move_on(self, event: KeyEvent) -> bool:
        """Anything but text for the focused field (or for the list of an open Select)."""
        if isinstance(event, events.Paste):
            return False
        focused = self.app.focused
        if focused is None:
            return True
        if focused.check_consume_key(event.key, event.character):
            return False
        # Imported here: TextArea's module is some 10 ms that the first frame does without.
        from textual.widgets import TextArea

        # An editable TextArea inserts these itself, though it does not say so.
        if isinstance(focused, TextArea) and not focused.read_only:
            inserts = ("enter", "tab") if focused.tab_behavior == "indent" else ("enter",)
            return event.key not in inserts
        return True

    def _settle(self, rounds: int = 0, before: tuple[object, ...] | None = None) -> None:
        """Release the held keys once the key is handled and all is quiet: a round in which
        every widget of the screen (and the app) handled what was queued ended with no
        message left anywhere, the screen and the focus the same as when it began, and
        the focus landed. With no key held after a first round, there is nothing to
        route: the hold ends then (a later key comes at a person's pace), which keeps the
        rounds off the frames of a screen switch."""
        app, screen = self.app, self.app.screen
        focused = screen.focused
        nodes = [app, *screen.walk_children(with_self=True)]
        quiet = not any(node.message_queue_size for node in nodes)
        # Quiet twice in a row: a message being handled when a round ends is in no queue,
        # and what it posts (a list's selection reaching its dialog) shows only after.
        now = (screen, focused, quiet)
        awaited = self._awaited
        if awaited is not None and was_stopped(awaited):  # kept by a widget
            self._awaited = awaited = None
        landed = focused is not None or (screen.is_mounted and not any(screen.focus_chain))
        nothing_held = rounds > 0 and not self.held
        settled = awaited is None and now == before and landed and quiet and not self._results_due
        if nothing_held or settled or rounds >= MAX_SETTLE_ROUNDS:
            self.release()
            return
        waiting = 0

        def done() -> None:
            nonlocal waiting
            waiting -= 1
            if waiting == 0:
                self._settle(rounds + 1, now)

        for node in nodes:
            waiting += bool(node.call_later(done))
        if waiting == 0:  # nothing takes a callback any more (the app is closing)
            self.release()
