"""The story editor as an editor: tab goes round the fields, entering a field puts the
cursor at the end of its text, ctrl+z undoes in every field, and the Gherkin area numbers
its lines and marks those with an error."""

from __future__ import annotations

from textual.geometry import Offset
from textual.pilot import Pilot
from textual.widgets import Input, TextArea

from prodtui.domain.stories import Story
from prodtui.store import Workspace
from prodtui.ui.screens.story_editor import GherkinArea, StoryEditorScreen
from prodtui.ui.widgets.key_bar import KeyBar
from tests.conftest import AppFactory, wait_until

CRITERIA = """\
Scénario: Dépôt complet
  Étant donné un aidant connecté
  Quand il envoie sa demande
  Alors il reçoit un accusé de réception
"""

FIELDS = [
    "story-title",
    "story-persona",
    "story-want",
    "story-so-that",
    "story-priority",
    "story-points",
    "story-epic",
    "story-sprint",
    "story-description",
    "story-acceptance",
]


async def open_editor(pilot: Pilot[int]) -> StoryEditorScreen:
    await pilot.press("3", "e")
    await wait_until(
        pilot,
        lambda: isinstance(pilot.app.screen, StoryEditorScreen) and pilot.app.screen.is_mounted,
    )
    screen = pilot.app.screen
    assert isinstance(screen, StoryEditorScreen)
    await pilot.pause()
    return screen


def story(workspace: Workspace) -> Story:
    return workspace.stories.add(
        Story(
            title="Déposer une demande",
            persona="aidant",
            description="Le dépôt en ligne.",
            acceptance=CRITERIA,
        )
    )


async def test_tab_goes_round_the_fields_with_no_dead_stop(
    make_app: AppFactory, workspace: Workspace
) -> None:
    story(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        assert editor.focused is editor.query_one("#story-title")
        # From the first field back to the last one, and the letter typed lands there.
        await pilot.press("shift+tab")
        await pilot.pause()
        area = editor.query_one("#story-acceptance", TextArea)
        assert editor.focused is area
        await pilot.press("x")
        await pilot.pause()
        assert area.text.endswith("x")
        # From the last field round to the first.
        await pilot.press("tab")
        await pilot.pause()
        assert editor.focused is editor.query_one("#story-title")
        seen = []
        for _ in FIELDS:
            focused = editor.focused
            assert focused is not None
            seen.append(focused.id)
            await pilot.press("tab")
            await pilot.pause()
        assert seen == FIELDS
        assert editor.focused is editor.query_one("#story-title")


async def test_entering_a_field_puts_the_cursor_at_its_end_and_selects_nothing(
    make_app: AppFactory, workspace: Workspace
) -> None:
    story(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        title = editor.query_one("#story-title", Input)
        persona = editor.query_one("#story-persona", Input)
        await pilot.press("tab", *" principal")
        await pilot.pause()
        assert persona.value == "aidant principal"
        # Round the form back into the title: a key typed adds to it, never replaces it.
        await pilot.press(*["tab"] * (len(FIELDS) - 1), "!")
        await pilot.pause()
        assert editor.focused is title
        assert title.value == "Déposer une demande!"
        description = editor.query_one("#story-description", TextArea)
        await pilot.press(*["tab"] * 8, *" Fin.")
        await pilot.pause()
        assert editor.focused is description
        assert description.text == "Le dépôt en ligne. Fin."


async def test_ctrl_z_undoes_in_every_field(make_app: AppFactory, workspace: Workspace) -> None:
    story(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        editor = await open_editor(pilot)
        title = editor.query_one("#story-title", Input)
        # A title selected whole and typed over comes back, a word typed at a time.
        await pilot.press("ctrl+shift+a", *"Autre titre")
        await pilot.pause()
        assert title.value == "Autre titre"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert title.value == "Autre "
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert title.value == "Déposer une demande"
        await pilot.press("ctrl+y", "ctrl+y")
        await pilot.pause()
        assert title.value == "Autre titre"
        # Word by word, deletions one by one.
        await pilot.press("end", *" en ligne", "backspace")
        await pilot.pause()
        assert title.value == "Autre titre en lign"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert title.value == "Autre titre en ligne"
        await pilot.press("ctrl+z")
        await pilot.pause()
        assert title.value == "Autre titre en "
        persona = editor.query_one("#story-persona", Input)
        await pilot.press("tab", "backspace", "backspace", "ctrl+z", "ctrl+z")
        await pilot.pause()
        assert persona.value == "aidant"
        description = editor.query_one("#story-description", TextArea)
        await pilot.press(*["tab"] * 7, "f7", *"tout autre chose")
        await pilot.pause()
        assert editor.focused is description and description.text == "tout autre chose"
        await pilot.press("ctrl+z", "ctrl+z")  # the typing, then the selection typed over
        await pilot.pause()
        assert description.text == "Le dépôt en ligne."
    # What was undone is what the draft and the form hold.
    assert workspace.drafts.get("story:1:persona") is None or (
        workspace.drafts.get("story:1:persona").content == "aidant"  # type: ignore[union-attr]
    )


async def test_the_gherkin_area_numbers_its_lines_and_marks_the_faulty_ones(
    make_app: AppFactory, workspace: Workspace
) -> None:
    story(workspace)
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        editor = await open_editor(pilot)
        area = editor.query_one("#story-acceptance", GherkinArea)
        assert area.show_line_numbers
        await pilot.press("shift+tab", *"Quandd il se trompe")
        # The criteria are checked after a pause in typing.
        await wait_until(pilot, lambda: area.error_lines)
        assert area.error_lines == {5}
        assert "ligne 5" in str(area.border_subtitle)
        rows = [area.render_line(y).text for y in range(area.size.height)]
        # The area wraps: a row is a line's first row, or the rest of a long line.
        first_visible = int(area.scroll_offset.y)
        document = area.wrapped_document
        marked = [
            document.offset_to_location(Offset(0, first_visible + y))[0] + 1
            for y, row in enumerate(rows)
            if "✗" in row
        ]
        assert marked == [5]
        assert rows[document.location_to_offset((4, 0)).y - first_visible].lstrip().startswith("5✗")
        # At 80×24 the area and its frame (where the faulty lines are named) are on
        # screen, above the key bar.
        bar = editor.query_one(KeyBar).region
        assert area.region.y >= 0 and area.region.bottom <= bar.y
        # Corrected: nothing marked any more.
        await pilot.press("ctrl+z")
        await wait_until(pilot, lambda: not area.error_lines)
        assert area.error_lines == frozenset() and not str(area.border_subtitle)
