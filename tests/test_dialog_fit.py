"""What the dialogs draw at 60×20 (issue 18): a placeholder whole or cut with "…", never
cut mid-word by Textual's wrapping; the risk, measure and sprint forms' error line on
screen after a refused save; the help's rows read as keys then a description, a row too
wide going on under its description."""

from __future__ import annotations

import re

import pytest
from textual.geometry import Region
from textual.widget import Widget
from textual.widgets import Input, Static

from prodtui.i18n import set_language
from prodtui.store import Workspace
from prodtui.ui.screens.help import GAP, INDENT, KEYS_WIDTH
from prodtui.ui.widgets.fields import ELLIPSIS, LimitedInput, fit_placeholder
from tests.conftest import AppFactory, wait_until
from tests.test_dialog_snapshots import DIALOGS, keys_then

SCREEN = Region(0, 0, 60, 20)


def drawn(widget: Widget) -> str:
    """The first line the widget draws, its padding left out."""
    return "".join(segment.text for segment in widget.render_line(0)).strip()


def inside(widget: Widget) -> bool:
    return widget.region.area > 0 and SCREEN.contains_region(widget.region)


# -- placeholders ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "width", "shown"),
    [
        ("Prénom ou nom", 20, "Prénom ou nom"),
        ("Prénom ou nom", 12, "Prénom ou…"),
        ("2026-12-05, vendredi…", 12, "2026-12-05…"),
        ("Du (20/11, 2026-01-01…)", 12, "Du (20/11…"),
        ("Étiquettes (séparées par des virgules)", 8, "Étiquet…"),
        ("Story (US-12)", 10, "Story…"),
        ("US-12", 0, "US-12"),  # not laid out yet: whole
        ("US-12", 1, ELLIPSIS),
    ],
)
def test_a_placeholder_is_cut_after_a_word_with_an_ellipsis(
    text: str, width: int, shown: str
) -> None:
    assert fit_placeholder(text, width) == shown


@pytest.mark.parametrize("dialog", list(DIALOGS))
async def test_no_placeholder_is_drawn_cut_mid_word(
    make_app: AppFactory, demo: Workspace, dialog: str
) -> None:
    """Each empty field's placeholder is drawn whole, or as its start ending in "…"; the
    whole text is the field's tooltip then."""
    app = make_app(ws=demo)
    async with app.run_test(size=(60, 20)) as pilot:
        await keys_then(*DIALOGS[dialog])(pilot)
        for field in app.screen.query(LimitedInput).results(LimitedInput):
            full = field.full_placeholder
            if field.value or not full or field.region.area == 0:
                continue
            shown = drawn(field)
            assert shown == full or (
                shown.endswith(ELLIPSIS) and full.startswith(shown[:-1].rstrip())
            ), (field.id, shown, full)
            assert field.tooltip == (None if shown == full else full)


async def test_a_placeholder_is_cut_anew_when_the_terminal_grows(
    make_app: AppFactory, demo: Workspace
) -> None:
    app = make_app(ws=demo)
    async with app.run_test(size=(60, 20)) as pilot:
        await keys_then(*DIALOGS["item_editor"])(pilot)
        owner = app.screen.query_one("#item-owner", LimitedInput)
        assert drawn(owner) == "Prénom ou…"
        await pilot.resize_terminal(120, 30)
        await wait_until(pilot, lambda: drawn(owner) == "Prénom ou nom")
        assert owner.tooltip is None


# -- the forms' error line ---------------------------------------------------------------------


# Form → the keys that make its save refused (a rating missing, a due date not understood,
# no start date).
REFUSED: dict[str, tuple[str, list[str]]] = {
    "risk_form": ("#rf-title", ["ctrl+s"]),
    "measure_form": ("#mf-due", ["ctrl+a", "backspace", *"zzz", "ctrl+s"]),
    "sprint_form": ("#sprint-name", ["ctrl+s"]),
}


@pytest.mark.parametrize("form", list(REFUSED))
async def test_a_refused_saves_error_line_is_on_screen_at_60x20(
    make_app: AppFactory, demo: Workspace, form: str
) -> None:
    app = make_app(ws=demo)
    async with app.run_test(size=(60, 20)) as pilot:
        await keys_then(*DIALOGS[form])(pilot)
        field, keys = REFUSED[form]
        app.screen.query_one(field, Input).focus()
        await pilot.pause()
        for key in keys:
            await pilot.press(key)
        error = app.screen.query_one(".dialog-error", Static)
        await wait_until(pilot, lambda: bool(str(error.render()).strip()))
        await pilot.pause()
        assert inside(error), (form, error.region)
        hint = app.screen.query(".dialog-footer > .dialog-hint").last()
        assert inside(hint) and hint.region.y > error.region.y


# -- the help -----------------------------------------------------------------------------------

KEY_COLUMN = INDENT + KEYS_WIDTH + GAP  # where a description starts


@pytest.mark.parametrize("language", ["fr", "en"])
async def test_the_helps_rows_start_with_a_key_at_60_columns(
    make_app: AppFactory, demo: Workspace, language: str
) -> None:
    """In the key sections, each line is a heading, a key and its description, or the rest
    of a description under it: never text at column 0 under the keys."""
    set_language(language)
    app = make_app(ws=demo)
    async with app.run_test(size=(60, 20)) as pilot:
        await keys_then(*DIALOGS["help"])(pilot)
        keys = app.screen.query_one("#help-keys", Static)
        shown = [drawn_line(keys, y) for y in range(keys.size.height)]
        width = keys.size.width
    # The keys are right-aligned: their column ends in one.
    key_row = re.compile(rf"^ {{{INDENT}}}[ \S]{{{KEYS_WIDTH - 1}}}\S {{{GAP}}}\S")
    sections = "\n".join(shown).split("\n\n")
    for section in sections[:2]:  # this screen's keys, then the keys everywhere
        heading, *rows = section.splitlines()
        assert heading and not heading.startswith(" ")
        assert rows and key_row.match(rows[0]), rows[:1]
        for row in rows:
            assert key_row.match(row) or re.match(rf"^ {{{KEY_COLUMN}}}\S", row), row
    # At 60 columns a row wraps (in English "Security and homologation  today.security"):
    # its rest lies under its description.
    wrapped = [row for row in shown if row.startswith(" " * KEY_COLUMN)]
    if language == "en":
        assert wrapped, shown
    assert all(len(row) <= width for row in shown)


def drawn_line(widget: Widget, y: int) -> str:
    return "".join(segment.text for segment in widget.render_line(y)).rstrip()
