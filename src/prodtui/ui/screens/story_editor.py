"""Writing one story: the user-story form, Markdown description, Gherkin criteria checked
as they are typed, MoSCoW priority, points, epic and sprint."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any, ClassVar

from rich.segment import Segment
from textual import events
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.geometry import Offset
from textual.strip import Strip
from textual.suggester import SuggestFromList
from textual.timer import Timer
from textual.widgets import Header, Input, Label, Markdown, Select, Static, TextArea

from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.stories import FIBONACCI, Priority, Story
from prodtui.i18n import error_message, language, t, tn
from prodtui.resources import styles_dir
from prodtui.ui.screens.base import ProdtuiScreen, merged_text
from prodtui.ui.text import choices, plain
from prodtui.ui.widgets.drafts import DraftInput, DraftTextArea
from prodtui.ui.widgets.fields import select_value
from prodtui.ui.widgets.key_bar import KeyBar

CHECK_DELAY = 0.3
# Below this many lines the editor's one-line fields lose their frames.
COMPACT_BELOW = 32


class GherkinArea(DraftTextArea):
    """The acceptance criteria, with line numbers; the number of a line with an error is
    marked (✗, in the error colour)."""

    COMPONENT_CLASSES: ClassVar[set[str]] = {
        *DraftTextArea.COMPONENT_CLASSES,
        "gherkin-area--error",
    }
    DEFAULT_CSS = """
    GherkinArea > .gherkin-area--error {
        color: $text-error;
        background: $error 20%;
        text-style: bold;
    }
    """

    def __init__(self, text: str = "", **kwargs: Any) -> None:
        # Wrapped: in the half of the screen the area has, an unwrapped step was cut at
        # its edge with nothing to show it. Each line's number is on its first row.
        super().__init__(text, show_line_numbers=True, soft_wrap=True, **kwargs)
        self.error_lines: frozenset[int] = frozenset()

    def mark(self, lines: Iterable[int]) -> None:
        """Mark these lines (counted from 1) as faulty, and no other."""
        marked = frozenset(lines)
        if marked != self.error_lines:
            self.error_lines = marked
            self.refresh()

    def render_line(self, y: int) -> Strip:
        strip = super().render_line(y)
        gutter = self.gutter_width
        row = self.scroll_offset.y + y
        if not self.error_lines or not gutter or row >= self.wrapped_document.height:
            return strip
        line, column = self.wrapped_document.offset_to_location(Offset(0, row))
        number = line + 1
        # A wrapped line's number, and so its mark, is on its first row only.
        if column or number not in self.error_lines:
            return strip
        style = self.get_component_rich_style("gherkin-area--error")
        mark = Strip([Segment(f"{number:>{gutter - 2}}✗ ", style)], gutter)
        return Strip.join([mark, strip.crop(gutter)])


class StoryEditorScreen(ProdtuiScreen[Story | None]):
    CSS_PATH = styles_dir() / "stories.tcss"

    """Dismissed with the saved story, or None when left without saving."""

    # The title is focused on mount without scrolling: Textual's auto focus would scroll it
    # to the centre of a small terminal, hiding the heading above it.
    AUTO_FOCUS = ""
    BINDINGS = [
        Binding("ctrl+s", "save", "key.save", priority=True, id="story_editor.save"),
        Binding("escape", "leave", "key.close", id="story_editor.leave"),
        Binding(
            "ctrl+t", "template", "story.key.template", priority=True, id="story_editor.template"
        ),
        Binding("ctrl+r", "preview", "story.key.preview", priority=True, id="story_editor.preview"),
        Binding(
            "tab", "enter_field(1)", "story.key.next_field", show=False, id="story_editor.next"
        ),
        Binding(
            "shift+tab",
            "enter_field(-1)",
            "story.key.previous_field",
            show=False,
            id="story_editor.previous",
        ),
    ]

    def __init__(self, story: Story | None) -> None:
        super().__init__()
        self.story = story
        self.prefix = f"story:{story.id if story else 'new'}"
        self._check_timer: Timer | None = None

    def compose(self) -> ComposeResult:
        story = self.story or Story(title="…")
        drafts = self.workspace.drafts

        def initial(field: str, saved: str) -> str:
            draft = drafts.get(f"{self.prefix}:{field}")
            return draft.content if draft else saved

        label = t("story.editor_title", key=story.key) if self.story else t("story.new")
        epics = [(e.title, e.id) for e in self.workspace.epics.all()]
        sprints = [(s.name, s.id) for s in self.workspace.sprints.all()]
        yield Header()
        # Not focusable: tab goes round the fields only, and typing always lands in one.
        with VerticalScroll(id="story-editor", can_focus=False):
            yield Static(plain(label), classes="screen-title")
            yield Label(t("story.field.title"))
            yield DraftInput(
                f"{self.prefix}:title",
                label,
                id="story-title",
                max_length=300,
                select_on_focus=False,
                value=initial("title", self.story.title if self.story else ""),
            )
            with Horizontal(classes="fields"):
                with Vertical():
                    yield Label(t("story.field.persona"))
                    yield DraftInput(
                        f"{self.prefix}:persona",
                        label,
                        value=initial("persona", story.persona if self.story else ""),
                        id="story-persona",
                        select_on_focus=False,
                        suggester=SuggestFromList(
                            self.workspace.stories.personas(), case_sensitive=False
                        ),
                    )
                with Vertical():
                    yield Label(t("story.field.want"))
                    yield DraftInput(
                        f"{self.prefix}:want",
                        label,
                        id="story-want",
                        select_on_focus=False,
                        value=initial("want", story.want if self.story else ""),
                    )
                with Vertical():
                    yield Label(t("story.field.so_that"))
                    yield DraftInput(
                        f"{self.prefix}:so_that",
                        label,
                        id="story-so-that",
                        select_on_focus=False,
                        value=initial("so_that", story.so_that if self.story else ""),
                    )
            with Horizontal(classes="fields"):
                yield Select(
                    choices([(t(p.label_key), p) for p in Priority]),
                    value=story.priority or Select.NULL,
                    prompt=t("story.field.priority"),
                    id="story-priority",
                )
                yield Select(
                    choices([(str(p), p) for p in FIBONACCI]),
                    value=story.points if story.points is not None else Select.NULL,
                    prompt=t("story.field.points"),
                    id="story-points",
                )
                yield Select(
                    choices(epics),
                    value=story.epic_id or Select.NULL,
                    prompt=t("story.field.epic"),
                    id="story-epic",
                )
                yield Select(
                    choices(sprints),
                    value=story.sprint_id or Select.NULL,
                    prompt=t("story.field.sprint"),
                    id="story-sprint",
                )
            with Horizontal(id="story-texts"):
                with Vertical():
                    yield Label(t("story.field.description"))
                    yield DraftTextArea(
                        initial("description", story.description if self.story else ""),
                        draft_key=f"{self.prefix}:description",
                        draft_label=label,
                        id="story-description",
                        soft_wrap=True,
                    )
                    yield Markdown("", id="story-markdown", classes="hidden")
                with Vertical():
                    yield Label(t("story.field.acceptance"))
                    yield GherkinArea(
                        initial("acceptance", story.acceptance if self.story else ""),
                        draft_key=f"{self.prefix}:acceptance",
                        draft_label=label,
                        id="story-acceptance",
                    )
                    yield Static("", id="story-gherkin")
            yield Static("", id="story-error", classes="dialog-error", markup=False)
            yield Static(plain(t("story.editor_hint")), id="story-hint", classes="dialog-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        self.query_one("#story-title", Input).focus(scroll_visible=False)
        self._fit_height(self.size.height)
        self._check()

    def on_resize(self, event: events.Resize) -> None:
        self._fit_height(event.size.height)

    def _fit_height(self, height: int) -> None:
        """Under COMPACT_BELOW lines the one-line fields lose their frames (a line each
        instead of three) and the hint goes (the key bar and the help give the keys): the
        text areas, which take the height left (styles), then show ten lines at 80×24 and
        the Gherkin's status line stays in view."""
        if height > 0:
            compact = height < COMPACT_BELOW
            self.query_one("#story-hint").display = not compact
            for field in self.query("#story-editor Input, #story-editor Select").results():
                if isinstance(field, (Input, Select)):
                    field.compact = compact

    # -- Gherkin, checked as typed --------------------------------------------------------

    def on_text_area_changed(self, event: DraftTextArea.Changed) -> None:
        if event.text_area.id == "story-acceptance":
            if self._check_timer is not None:
                self._check_timer.stop()
            self._check_timer = self.set_timer(CHECK_DELAY, self._check)
        elif event.text_area.id == "story-description":
            markdown = self.query_one("#story-markdown", Markdown)
            if markdown.display:
                markdown.update(event.text_area.text)

    def _check(self) -> None:
        from prodtui.exchange.gherkin import check_gherkin

        area = self.query_one("#story-acceptance", GherkinArea)
        result = check_gherkin(area.text, default_language=language())
        status = self.query_one("#story-gherkin", Static)
        faulty = sorted({error.line for error in result.errors})
        area.mark(faulty)
        # On the area's frame too: seen with the area, even when the line below is not.
        area.border_subtitle = (
            plain(tn("story.gherkin_lines", len(faulty), lines=", ".join(map(str, faulty))))
            if faulty
            else ""
        )
        area.set_class(bool(faulty), "gherkin-bad")
        if result.errors:
            first = result.errors[0]
            status.update(
                plain(
                    tn(
                        "story.gherkin_error",
                        len(result.errors) - 1,
                        line=first.line,
                        message=first.message,
                    )
                )
            )
            status.set_classes("gherkin-bad")
        elif result.scenarios:
            status.update(plain(tn("story.scenarios", len(result.scenarios))))
            status.set_classes("gherkin-ok")
        else:
            status.update(plain(t("story.no_scenario")))
            status.set_classes("")

    def action_template(self) -> None:
        from prodtui.exchange.gherkin import scenario_template

        area = self.query_one("#story-acceptance", DraftTextArea)
        area.focus()
        text = area.text
        prefix = (
            "" if not text or text.endswith("\n\n") else ("\n" if text.endswith("\n") else "\n\n")
        )
        area.move_cursor(area.document.end)
        area.insert(prefix + scenario_template(language()))

    def action_preview(self) -> None:
        markdown = self.query_one("#story-markdown", Markdown)
        area = self.query_one("#story-description", DraftTextArea)
        showing = not markdown.display
        markdown.display = showing
        area.display = not showing
        if showing:
            markdown.update(area.text)
            if self.focused is area:  # hidden: typing goes to the criteria, not nowhere
                self.query_one("#story-acceptance", GherkinArea).focus()
        else:
            area.focus()

    def action_enter_field(self, step: int) -> None:
        """Tab, shift+tab: the next or previous field, round the form, with the cursor at
        the end of its text and nothing selected (a key typed next adds, never replaces)."""
        field = self.focus_next() if step > 0 else self.focus_previous()
        if isinstance(field, Input):
            field.cursor_position = len(field.value)
        elif isinstance(field, TextArea):
            field.move_cursor(field.document.end)

    # -- saving -----------------------------------------------------------------------------

    def _edited(self) -> Story:
        base = self.story or Story(title="x")
        return base.edit(
            title=self.query_one("#story-title", Input).value.strip(),
            persona=self.query_one("#story-persona", Input).value.strip(),
            want=self.query_one("#story-want", Input).value.strip(),
            so_that=self.query_one("#story-so-that", Input).value.strip(),
            description=self.query_one("#story-description", DraftTextArea).text,
            acceptance=self.query_one("#story-acceptance", DraftTextArea).text,
            priority=select_value(self.query_one("#story-priority", Select)),
            points=select_value(self.query_one("#story-points", Select)),
            epic_id=select_value(self.query_one("#story-epic", Select)),
            sprint_id=select_value(self.query_one("#story-sprint", Select)),
        )

    def _changed(self) -> bool:
        try:
            edited = self._edited()
        except ValueError:
            return True
        return self.story is None or edited != self.story

    def action_save(self) -> None:
        error = self.query_one("#story-error", Static)
        try:
            edited = self._edited()
            saved = (
                self.workspace.stories.add(edited)
                if self.story is None
                else self.workspace.stories.save(edited)
            )
        except ConflictError as conflict:
            self._resolve(conflict)
            return
        except (ProdtuiError, ValueError) as problem:
            error.update(plain(error_message(problem)))
            return
        self._forget_drafts()
        self.notify(t("story.saved", key=saved.key), markup=False)
        if self.story is not None and saved.acceptance != self.story.acceptance:
            self._flag_cases(saved)
        self.dismiss(saved)

    def _flag_cases(self, story: Story) -> None:
        """Criteria changed: the test cases generated from them are marked for review."""
        from prodtui.store.recette_cases import flag_cases_for_review

        try:
            result = flag_cases_for_review(self.workspace, story)
        except (ProdtuiError, ValueError):
            return  # criteria that do not parse flag nothing; the editor already said why
        if result.to_review:
            self.notify(result.summary(), markup=False)

    def _forget_drafts(self) -> None:
        for widget in self.query(DraftInput):
            widget.draft.discard()
        for area in self.query(DraftTextArea):
            area.draft.discard()

    def _resolve(self, conflict: ConflictError[Story]) -> None:
        def shown(story: Story) -> dict[str, str]:
            return {
                t("story.field.title"): story.title,
                t("story.field.persona"): story.persona,
                t("story.field.want"): story.want,
                t("story.field.so_that"): story.so_that,
                t("story.field.description"): story.description[:200],
                t("story.field.acceptance"): story.acceptance[:200],
                t("story.field.points"): str(story.points or ""),
            }

        def mine(theirs: Story) -> None:
            self.story = theirs  # the form still holds my text: saved over theirs
            self.action_save()

        def keep_theirs(theirs: Story) -> None:
            self._forget_drafts()
            self.dismiss(theirs)

        def merge(theirs: Story) -> None:
            # Saved next on top of their version, once the user has merged the texts.
            edited, self.story = self._edited(), theirs
            for field in ("title", "persona", "want", "so_that"):
                widget = self.query_one(f"#story-{field.replace('_', '-')}", Input)
                widget.value = merged_text(
                    getattr(edited, field), getattr(theirs, field), multiline=False
                )
            for field in ("description", "acceptance"):
                area = self.query_one(f"#story-{field}", DraftTextArea)
                area.text = merged_text(getattr(edited, field), getattr(theirs, field))
            self.notify(t("conflict.merged"), markup=False)

        self.ask_conflict(conflict, shown, mine, keep_theirs, merge)

    def action_leave(self) -> None:
        if not self._changed():
            self._forget_drafts()
            self.dismiss(None)
            return
        from prodtui.ui.screens.dialogs import ConfirmScreen

        def answered(discard: bool | None) -> None:
            if discard:
                self._forget_drafts()
                self.dismiss(None)

        self.app.push_screen(ConfirmScreen(t("story.discard_question")), answered)
