"""A field's limit is said, never met in silence: a paste that would pass it is refused
with a message naming the limit, and what was typed stays as it was."""

from __future__ import annotations

from textual import events
from textual.widgets import Input

from prodtui.store import Workspace
from tests.conftest import AppFactory
from tests.test_app import messages


async def test_a_paste_past_the_capture_limit_says_the_limit(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        field = app.screen.query_one("#capture-input", Input)
        await pilot.press(*"début ")
        field.post_message(events.Paste("x" * 10_000))
        await pilot.pause()
        assert field.value == "début "
        said = messages(app)
        assert any("10000 caractères" in m and "pas été ajouté" in m for m in said), said
        field.post_message(events.Paste("suite"))
        await pilot.pause()
        assert field.value == "début suite"


async def test_typing_within_the_limit_says_nothing(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.press("ctrl+n")
        await pilot.pause()
        await pilot.press(*"note")
        await pilot.pause()
        assert app.screen.query_one("#capture-input", Input).value == "note"
        assert messages(app) == []
