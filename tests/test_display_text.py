"""Text typed or imported reaches the screen as text, never as markup.

Each test stores text that Textual's markup would read as tags, variables or links (or
choke on), wide and right-to-left text, drives the real app with its keys, and reads
back what the terminal shows.
"""

from __future__ import annotations

import ast
import io
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from rich.console import Console
from textual.app import App
from textual.content import Content

import prodtui.ui
from prodtui.domain.capture import parse_capture
from prodtui.domain.homologation import HomologationStep
from prodtui.domain.items import Item, ItemKind
from prodtui.domain.people import Person
from prodtui.domain.recette import Campaign, CampaignState, TestCase
from prodtui.domain.responsibilities import Responsibility
from prodtui.domain.risks import Criterion, Risk
from prodtui.domain.security import Category, Measure
from prodtui.domain.standup import StandupEntry
from prodtui.domain.stories import Epic, Story
from prodtui.i18n import catalogue
from prodtui.store import Workspace
from prodtui.ui.screens.recette import RecetteScreen
from prodtui.ui.screens.stories import StoriesScreen
from prodtui.ui.text import cell, choices, lines, markup, plain
from tests.conftest import TODAY, AppFactory, wait_until

# Each is read as markup by Textual or Rich: a tag left open, a blank tag, a closing tag
# with nothing to close, a link, a variable, bold; then wide and right-to-left text.
SAMPLES = (
    "note [x",
    "[ bold ] a [/] b",
    "[link=https://x]lien",
    "[$x] $variable [b]x[/b]",
    "Budget [brouillon",
    "🚀 本番 مرحبا שלום",
)
SIZE = (200, 60)


def screen_text(app: App[Any]) -> str:
    """What the terminal shows now, line by line: the screen, the screens seen under it
    and the toasts (drawn as Textual draws a screenshot)."""
    width, height = app.size
    console = Console(
        width=width,
        height=height,
        file=io.StringIO(),
        force_terminal=True,
        color_system="truecolor",
        record=True,
        legacy_windows=False,
        safe_box=False,
    )
    console.print(
        app.screen._compositor.render_update(full=True, screen_stack=app._background_screens)
    )
    return console.export_text()


def shows(app: App[Any], *texts: str) -> bool:
    shown = screen_text(app)
    return all(text in shown for text in texts)


def assert_shown(app: App[Any], *texts: str) -> None:
    shown = screen_text(app)
    missing = [text for text in texts if text not in shown]
    assert not missing, f"not on screen: {missing}\n{shown}"


async def test_a_capture_with_an_open_bracket_does_not_stop_the_app(
    make_app: AppFactory, workspace: Workspace
) -> None:
    # Shown newest first: the open bracket is followed by the next capture's line.
    for line in ("une idée", "note [x"):
        workspace.items.capture(parse_capture(line, TODAY), day=TODAY)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert_shown(app, "note [x", "une idée")
    assert app.return_code in (None, 0), app.crash_message


async def test_the_quick_capture_shows_what_is_typed(make_app: AppFactory) -> None:
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        for sample in SAMPLES:
            await pilot.press("ctrl+n")
            await pilot.pause()
            await pilot.press(*sample)
            await pilot.pause()
            assert_shown(app, sample)  # the field
            await pilot.press("enter")
            await pilot.pause()
            assert_shown(app, sample)  # the toast saying it is saved
        await wait_until(pilot, lambda: shows(app, *SAMPLES))
        assert_shown(app, *SAMPLES)  # the inbox tile of Today
    assert app.return_code in (None, 0), app.crash_message


async def test_today_shows_text_as_typed(make_app: AppFactory, workspace: Workspace) -> None:
    workspace.meta.set("name", "[b]Service[/b] [/]")
    people = [workspace.people.add(Person(name=name)) for name in ("[/]", "$variable")]
    for sample in SAMPLES:
        workspace.items.add(Item(kind=ItemKind.NOTE, text=sample))
        workspace.standups.raise_blocker(TODAY, people[0], sample)
        workspace.items.add(
            Item(kind=ItemKind.ACTION, text=sample, owner="[b]x", due_date=TODAY, triaged=True)
        )
    workspace.standups.save_entry(TODAY, StandupEntry(person_id=people[1].id, today="x"))
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        today = app.screen
        for name in ("blockers", "actions", "inbox"):
            tile = str(today.query_one(f"#tile-{name}").render())
            assert all(sample in tile for sample in SAMPLES), tile
        assert "@[b]x" in str(today.query_one("#tile-actions").render())
        standup = str(today.query_one("#tile-standup").render())
        assert "$variable" in standup and "[/]" in standup
        assert_shown(app, "prodtui — [b]Service[/b] [/]")
    assert app.return_code in (None, 0), app.crash_message


async def test_the_backlog_and_its_preview_show_text_as_typed(
    make_app: AppFactory, workspace: Workspace
) -> None:
    epic = workspace.epics.add(Epic(title="[b]Dépôt[/b]"))
    for sample in SAMPLES:
        workspace.stories.add(
            Story(title=sample, epic_id=epic.id, persona="[/]", want=sample, so_that="$x")
        )
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("3")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StoriesScreen)
        preview = screen.query_one("#stories-preview-text")
        for index, sample in enumerate(SAMPLES):
            screen.table.move_to(index)
            await pilot.pause()
            assert sample in str(preview.render())
            assert "[/]" in str(preview.render()) and "$x" in str(preview.render())
            assert_shown(app, sample, "[b]Dépôt[/b]")
    assert app.return_code in (None, 0), app.crash_message


async def test_the_story_editor_shows_text_as_typed(
    make_app: AppFactory, workspace: Workspace
) -> None:
    epic = workspace.epics.add(Epic(title="[b]Dépôt[/b] [/]"))
    workspace.stories.add(
        Story(
            title="Budget [brouillon",
            epic_id=epic.id,
            description="Texte [b]gras[/b] [/]",
            acceptance="[/] [b]x[/b] $variable",
        )
    )
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("3")
        await pilot.pause()
        await pilot.press("e")

        def checked() -> str:
            found = app.screen.query("#story-gherkin")
            return str(found.first().render()) if found else ""

        await wait_until(pilot, lambda: "[/] [b]x[/b] $variable" in checked())
        gherkin = str(app.screen.query_one("#story-gherkin").render())
        assert "[/] [b]x[/b] $variable" in gherkin
        assert_shown(app, "Budget [brouillon", "[b]Dépôt[/b] [/]")
        await pilot.press("ctrl+r")  # the description as Markdown
        await pilot.pause()
        assert_shown(app, "Texte [b]gras[/b] [/]")
    assert app.return_code in (None, 0), app.crash_message


async def test_the_standup_shows_text_as_typed(make_app: AppFactory, workspace: Workspace) -> None:
    people = [workspace.people.add(Person(name=sample)) for sample in SAMPLES]
    for person, sample in zip(people, reversed(SAMPLES), strict=True):
        workspace.standups.save_entry(
            TODAY, StandupEntry(person_id=person.id, yesterday=sample, today=sample)
        )
    workspace.standups.raise_blocker(TODAY, people[0], "[/] bloqué $variable")
    workspace.items.add(
        Item(kind=ItemKind.DECISION, text="[link=https://x]décidé", owner="[/]", raised_on=TODAY)
    )
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("2")
        await pilot.pause()
        assert_shown(app, *SAMPLES, "[/] bloqué $variable", "[link=https://x]décidé")
        await pilot.press("s")  # the timer names the speaker
        await pilot.pause()
        assert_shown(app, SAMPLES[0])
        assert SAMPLES[0] in str(app.screen.query_one("#standup-timer").render())
        await pilot.press("down", "e")  # the entry editor's title names the person
        await pilot.pause()
        assert SAMPLES[1] in str(app.screen.query_one(".dialog-title").render())
    assert app.return_code in (None, 0), app.crash_message


async def test_search_results_show_text_as_typed(
    make_app: AppFactory, workspace: Workspace
) -> None:
    for sample in SAMPLES:
        workspace.stories.add(Story(title=f"Budget {sample}"))
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("ctrl+f", *"Budget")
        await wait_until(pilot, lambda: shows(app, *(f"Budget {sample}" for sample in SAMPLES)))
        assert_shown(app, *(f"Budget {sample}" for sample in SAMPLES))
        await pilot.press(*" [/]$x")
        await wait_until(pilot, lambda: shows(app, "Budget [/]$x"))
        assert_shown(app, "Budget [/]$x")  # nothing found: the query said back
    assert app.return_code in (None, 0), app.crash_message


async def test_the_recette_and_its_runner_show_text_as_typed(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.test_cases.add(
        TestCase(title="[b]Se connecter[/b] [/]", steps="1. [$x] $variable", expected="[/]")
    )
    workspace.campaigns.add(Campaign(name="Recette [/] [b]v2[/b]", release="[2.0"))
    closed = workspace.campaigns.add(Campaign(name="Close [link=https://x]"))
    workspace.campaigns.set_state(closed, CampaignState.FINISHED)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("4")
        await pilot.pause()
        assert_shown(app, "Recette [/] [b]v2[/b]", "[2.0", "Close [link=https://x]")
        screen = app.screen
        assert isinstance(screen, RecetteScreen)
        table = screen.table
        table.move_to(next(i for i, c in enumerate(screen.campaigns) if c.id == closed.id))
        await pilot.press("r")  # a closed campaign is not run: the toast says which
        await pilot.pause()
        assert_shown(app, "Close [link=https://x]")
        table.move_to(next(i for i, c in enumerate(screen.campaigns) if c.id != closed.id))
        await pilot.press("r")
        await pilot.pause()
        assert_shown(app, "Recette [/] [b]v2[/b]", "[b]Se connecter[/b] [/]", "1. [$x] $variable")
    assert app.return_code in (None, 0), app.crash_message


async def test_security_shows_text_as_typed(make_app: AppFactory, workspace: Workspace) -> None:
    for n, sample in enumerate(SAMPLES, start=1):
        entry = workspace.measures.add_custom(
            Measure(code=f"X-{n:02}", category=Category.PROTECTION, title=sample), today=TODAY
        )
        workspace.measures.save(entry.state.edit(owner="[/]", how="[b]x[/b]"), today=TODAY)
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("5")
        await pilot.pause()
        assert_shown(app, *SAMPLES, "[/]")
        await pilot.press("e")  # the measure form
        await pilot.pause()
        assert_shown(app, SAMPLES[0], "[b]x[/b]")
    assert app.return_code in (None, 0), app.crash_message


async def test_risks_homologation_raci_and_review_show_text_as_typed(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.risks.create(
        Risk(
            title="Fuite [/] [b]données[/b]",
            criterion=Criterion.CONFIDENTIALITY,
            likelihood=2,
            severity=3,
            treatment="[link=https://x]chiffrer",
            owner="$variable",
        )
    )
    workspace.homologation.add_step(
        HomologationStep(position=0, title="Étape [/] [b]x[/b]", notes="[$x] 本番")
    )
    workspace.responsibilities.add(
        Responsibility(activity="Activité [/] [b]x[/b]", other_party="[u]Tiers")
    )
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.press("5", "r")
        await pilot.pause()
        assert_shown(app, "Fuite [/] [b]données[/b]", "[link=https://x]chiffrer", "$variable")
        await pilot.press("escape", "h")
        await pilot.pause()
        assert_shown(app, "Étape [/] [b]x[/b]", "[$x] 本番")
        await pilot.press("escape", "1", "r")
        await pilot.pause()
        assert_shown(app, "Activité [/] [b]x[/b]", "[u]Tiers")
        await pilot.press("d")  # the question names the activity
        await pilot.pause()
        assert_shown(app, "Activité [/] [b]x[/b]")
        await pilot.press("n", "escape", "escape", "w", "o", "up")  # the weekly review
        await pilot.press("c", *"[/] $x [b]", "enter")  # a comment on the first answer
        await pilot.pause()
        assert "[/] $x [b]" in str(app.screen.query_one("#review-detail").render())
        assert_shown(app, "[/] $x [b]")
    assert app.return_code in (None, 0), app.crash_message


async def test_drafts_offered_back_show_text_as_typed(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.drafts.save("capture", "[/] brouillon [b]x[/b]", "Saisie [/]")
    app = make_app()
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        shown = "Saisie [/]\u202f: [/] brouillon [b]x[/b]"
        await wait_until(pilot, lambda: shown in screen_text(app))
        assert_shown(app, shown)
    assert app.return_code in (None, 0), app.crash_message


async def test_toasts_show_text_as_typed(make_app: AppFactory, workspace: Workspace) -> None:
    person = workspace.people.add(Person(name="Léa"))
    workspace.standups.raise_blocker(TODAY - timedelta(days=1), person, "[/] attente $x")
    # An unknown key in the settings is named in a toast at start-up.
    app = make_app('[keymap]\n"[/]x[b]" = "f2"\n')
    async with app.run_test(size=SIZE, notifications=True) as pilot:
        await pilot.pause()
        assert_shown(app, "[/]x[b]")
        await pilot.press("2", "r")  # resolving a blocker names it
        await pilot.pause()
        assert_shown(app, "[/] attente $x")
    assert app.return_code in (None, 0), app.crash_message


# -- the rule, checked over the source -------------------------------------------------------

UI = Path(prodtui.ui.__file__).parent

WIDGETS = {
    "Static": "content",
    "Label": "content",
    "Button": "label",
    "Checkbox": "label",
    "RadioButton": "label",
    "Option": "prompt",
    "Tab": "label",
    "Collapsible": "title",
}
"""Widgets that show their first argument (or the keyword named)."""
EVERY_ARGUMENT = {"add_row", "add_column", "add_columns", "OptionList", "add_option", "add_options"}
"""Every positional argument is shown (DataTable rows and columns, OptionList options)."""
SHOWN_ARGUMENT = {"update": 0, "update_cell": 2, "update_cell_at": 1, "replace_option_prompt": 1}
"""Methods and the position of the argument they show."""
SHOWN_ATTRIBUTES = {"border_title", "border_subtitle", "tooltip", "prompt"}
HELPERS = {"plain", "markup", "lines", "cell", "choices"}
"""prodtui.ui.text: what the rule asks for."""
TEMPLATES = {"markup", "from_markup"}
"""Calls whose first argument is read as markup: it must be written in the code."""
TEXT_TYPES = {"Content", "Text"}
TEXT_RETURNS = {*TEXT_TYPES, "Option"} | {f"list[{name}]" for name in TEXT_TYPES}
"""What a function returns that is safe to show (the list: spread into a table's row; an
Option: the one it builds is checked where it is built)."""
MAYBE_STR = {"str", "Any", "object"}
"""An argument annotated with none of these (nor a union holding one) is not a str."""


class DisplayRule:
    """Finds the places in one module where a widget may be given text as markup.

    The rule: whatever a widget shows (Static, Label, Option, Checkbox... content, a
    `.update(...)`, a DataTable cell or column, a Select choice or prompt, a border title,
    a notification) is either text written in the code, or goes through `prodtui.ui.text`
    (`plain`, `markup`, `lines`, `cell`, `choices`), a `Content` or a Rich `Text` built
    from it, or is handed over with `markup=False` (Static, Label, notify). Text written
    in the code is a string literal or a catalogue message looked up by a literal key with
    nothing put in it (`t("key")`, `tn("key", count)`): those keys are collected, and
    `test_catalogue_text_shown_as_is_reads_the_same_as_markup` checks their messages.

    A name is followed to what it was given in its function (every assignment must be
    safe) or to its annotation; a call to a function of the module annotated to return
    `Content` or `Text` is safe (mypy checks it keeps its word). Markup templates
    (`markup(...)`, `Content.from_markup(...)`, `Text.from_markup(...)`) must be
    literals, and `rich.markup` (its `escape` is Rich's, not Textual's) is not used.
    """

    def __init__(self, source: str, path: str = "<source>") -> None:
        self.tree = ast.parse(source)
        self.path = path
        self.problems: list[str] = []
        self.authored_keys: set[str] = set()
        self.parents: dict[ast.AST, ast.AST] = {}
        for node in ast.walk(self.tree):
            for child in ast.iter_child_nodes(node):
                self.parents[child] = node
        self.text_functions = {
            node.name
            for node in ast.walk(self.tree)
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef)
            and node.returns is not None
            and ast.unparse(node.returns) in TEXT_RETURNS
        }
        self.constants = {
            target.id
            for node in self.tree.body
            if isinstance(node, ast.Assign)
            and isinstance(node.value, ast.Constant)
            and isinstance(node.value.value, str)
            for target in node.targets
            if isinstance(target, ast.Name)
        }

    # -- what is safe ---------------------------------------------------------------------

    def safe(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> bool:
        if isinstance(node, ast.Constant):
            return node.value is None or isinstance(node.value, str)
        if isinstance(node, ast.IfExp):
            return self.safe(node.body, seen) and self.safe(node.orelse, seen)
        if isinstance(node, ast.BinOp) and isinstance(node.op, ast.Add):
            return self.safe(node.left, seen) and self.safe(node.right, seen)
        if isinstance(node, ast.Starred):
            return self.safe(node.value, seen)
        if isinstance(node, ast.List | ast.Tuple):
            return all(self.safe(element, seen) for element in node.elts)
        if isinstance(node, ast.ListComp | ast.GeneratorExp):
            return self.safe(node.elt, seen)
        if isinstance(node, ast.Name):
            return self.safe_name(node, seen)
        if isinstance(node, ast.Call):
            return self.safe_call(node)
        return False

    def safe_call(self, call: ast.Call) -> bool:
        func = call.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        owner = func.value if isinstance(func, ast.Attribute) else None
        if isinstance(func, ast.Name) and name in HELPERS | TEXT_TYPES | WIDGETS.keys():
            return True  # a widget (an Option in a list of options) is checked on its own
        if isinstance(owner, ast.Name) and owner.id in TEXT_TYPES:
            return name not in TEMPLATES or bool(call.args and self.authored(call.args[0]))
        if name in ("t", "tn") and self.literal(call.args[:1]) and not call.keywords:
            key: str = call.args[0].value  # type: ignore[attr-defined]
            if name == "t" and len(call.args) > 1:
                return False
            self.authored_keys |= {f"{key}.one", f"{key}.other"} if name == "tn" else {key}
            return True
        return name in self.text_functions

    def safe_name(self, name: ast.Name, seen: frozenset[str]) -> bool:
        if name.id in seen:
            return True  # each assignment is checked where it is met
        scope = self.parents.get(name)
        while scope is not None:
            if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                bindings = self.bindings(scope, name.id)
                if bindings is not None:
                    return all(self.safe(value, seen | {name.id}) for value in bindings)
            scope = self.parents.get(scope)
        return name.id in self.constants

    def bindings(self, scope: ast.AST, name: str) -> list[ast.expr] | None:
        """What `name` is given in `scope` (an unsafe marker for a binding that is not a
        plain assignment), or None when the scope does not bind it."""
        unsafe = ast.JoinedStr(values=[])
        found: list[ast.expr] = []
        arguments = getattr(scope, "args", None)
        for arg in (
            (arguments.posonlyargs + arguments.args + arguments.kwonlyargs) if (arguments) else []
        ):
            if arg.arg == name:
                annotation = ast.unparse(arg.annotation) if arg.annotation else "str"
                kinds = {part.split("[")[0].strip() for part in annotation.split("|")}
                if annotation == "LiteralString":  # a template: written in the code
                    found.append(ast.Constant(""))
                else:
                    found.append(unsafe if kinds & MAYBE_STR else ast.Constant(""))
        for node in self.own_nodes(scope):
            if isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Name) and target.id == name:
                        found.append(node.value)
                    elif name in self.unpacked(target):
                        found.append(unsafe)
            elif isinstance(node, ast.AnnAssign | ast.AugAssign) and (
                isinstance(node.target, ast.Name) and node.target.id == name
            ):
                if isinstance(node, ast.AnnAssign) and ast.unparse(node.annotation) in TEXT_TYPES:
                    found.append(ast.Constant(""))
                elif node.value is not None:
                    found.append(node.value)
            elif isinstance(node, ast.For | ast.comprehension | ast.withitem | ast.NamedExpr):
                bound = node.optional_vars if isinstance(node, ast.withitem) else node.target
                if bound is not None and name in self.unpacked(bound):
                    found.append(unsafe)
        return found or None

    @staticmethod
    def unpacked(target: ast.expr) -> set[str]:
        """The names an assignment target binds (`a, *b = ...`; not `a.x = ...`)."""
        if isinstance(target, ast.Name):
            return {target.id}
        if isinstance(target, ast.Starred):
            return DisplayRule.unpacked(target.value)
        if isinstance(target, ast.Tuple | ast.List):
            return set().union(*(DisplayRule.unpacked(e) for e in target.elts))
        return set()

    @staticmethod
    def own_nodes(scope: ast.AST) -> list[ast.AST]:
        """The nodes of a function, not those of the functions defined in it."""
        nodes: list[ast.AST] = []
        todo = list(ast.iter_child_nodes(scope))
        while todo:
            node = todo.pop()
            nodes.append(node)
            if not isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                todo.extend(ast.iter_child_nodes(node))
        return nodes

    @staticmethod
    def literal(args: list[ast.expr]) -> bool:
        return bool(args) and isinstance(args[0], ast.Constant) and isinstance(args[0].value, str)

    def authored(self, node: ast.expr, seen: frozenset[str] = frozenset()) -> bool:
        """Whether `node` is text written in the code: a literal, a choice of literals, a
        name given only those, or a parameter annotated `LiteralString`."""
        if isinstance(node, ast.IfExp):
            return self.authored(node.body, seen) and self.authored(node.orelse, seen)
        if isinstance(node, ast.Name) and node.id not in seen:
            scope = self.parents.get(node)
            while scope is not None:
                if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
                    bindings = self.bindings(scope, node.id)
                    if bindings is not None:
                        return all(self.authored(v, seen | {node.id}) for v in bindings)
                scope = self.parents.get(scope)
            return node.id in self.constants
        return self.literal([node])

    # -- where text is shown ----------------------------------------------------------------

    def check(self) -> list[str]:
        for node in ast.walk(self.tree):
            if isinstance(node, ast.Call):
                self.check_call(node)
            elif isinstance(node, ast.Assign):
                for target in node.targets:
                    if isinstance(target, ast.Attribute) and target.attr in SHOWN_ATTRIBUTES:
                        self.need(node.value, node, target.attr)
            elif isinstance(node, ast.ImportFrom) and node.module in ("rich.markup",):
                self.report(node, "rich.markup: use prodtui.ui.text")
        return self.problems

    def check_call(self, call: ast.Call) -> None:
        func = call.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
        keywords = {k.arg: k.value for k in call.keywords if k.arg}
        no_markup = isinstance(keywords.get("markup"), ast.Constant) and (
            keywords["markup"].value is False  # type: ignore[attr-defined]
        )
        if name in TEMPLATES and not (call.args and self.authored(call.args[0])):
            self.report(call, f"{name}(): the template must be written in the code")
        if name in WIDGETS and not no_markup:
            shown = call.args[0] if call.args else keywords.get(WIDGETS[name])
            if shown is not None:
                self.need(shown, call, name)
        elif name in SHOWN_ARGUMENT and len(call.args) > SHOWN_ARGUMENT[name]:
            if not (name == "update" and self.markdown(func)):
                self.need(call.args[SHOWN_ARGUMENT[name]], call, name)
        elif name == "notify" and not no_markup:
            self.need(call.args[0] if call.args else keywords["message"], call, "notify")
        elif (
            name == "call_from_thread"
            and call.args
            and getattr(call.args[0], "attr", "") == ("notify")
        ):
            if not no_markup:
                self.need(call.args[1], call, "notify")
        elif name in EVERY_ARGUMENT:
            for arg in call.args:
                self.need(arg, call, name)
        elif name in ("Select", "set_options"):
            options = call.args[0] if call.args else keywords.get("options")
            if options is not None and not (
                isinstance(options, ast.Call) and getattr(options.func, "id", "") == "choices"
            ):
                self.report(call, f"{name}(): choices go through choices()")
            if "prompt" in keywords:
                self.need(keywords["prompt"], call, f"{name}(prompt=)")

    def markdown(self, func: ast.expr) -> bool:
        """Whether `func` is the `update` of a Markdown widget, which shows Markdown, not
        markup: `self.query_one(..., Markdown).update` or a name given that."""
        receiver = func.value if isinstance(func, ast.Attribute) else None
        if isinstance(receiver, ast.Name):
            values: list[ast.expr] = []
            scope = self.parents.get(receiver)
            while scope is not None and not values:
                if isinstance(scope, ast.FunctionDef | ast.AsyncFunctionDef):
                    values = self.bindings(scope, receiver.id) or []
                scope = self.parents.get(scope)
            receiver = values[0] if len(values) == 1 else None
        return (
            isinstance(receiver, ast.Call)
            and getattr(receiver.func, "attr", "") == "query_one"
            and any(getattr(arg, "id", "") == "Markdown" for arg in receiver.args)
        )

    def need(self, node: ast.expr, where: ast.AST, what: str) -> None:
        if not self.safe(node):
            self.report(where, f"{what}: {ast.unparse(node)}")

    def report(self, node: ast.AST, message: str) -> None:
        self.problems.append(f"{self.path}:{getattr(node, 'lineno', 0)}: {message}")


def ui_modules() -> list[Path]:
    return sorted(UI.rglob("*.py"))


def test_no_widget_is_given_text_as_markup() -> None:
    problems = [
        problem
        for path in ui_modules()
        for problem in DisplayRule(
            path.read_text(encoding="utf-8"), str(path.relative_to(UI))
        ).check()
    ]
    assert not problems, "\n".join(problems)


def test_catalogue_text_shown_as_is_reads_the_same_as_markup() -> None:
    keys: set[str] = set()
    for path in ui_modules():
        rule = DisplayRule(path.read_text(encoding="utf-8"))
        rule.check()
        keys |= rule.authored_keys
    assert len(keys) > 50  # the rule did find them
    for language in ("fr", "en"):
        messages = catalogue(language)
        for key in sorted(keys):
            message = messages[key]
            assert Content.from_markup(message).plain == message, (language, key, message)


@pytest.mark.parametrize(
    "source",
    [
        "Static(name)",
        'Static(f"[b]{name}[/b]")',
        'Label(t("x", name=name))',
        'Static(t(f"kind.{kind}"))',
        "widget.update(error_message(error))",
        'self.notify(t("inbox.deleted", key=key))',
        "app.call_from_thread(app.notify, message)",
        "table.add_row(person.name)",
        'table.add_column(t(f"col.{key}"))',
        "Select([(epic.title, epic.id) for epic in epics])",
        "Select(choices(pairs), prompt=name)",
        "Option(draft.content)",
        'widget.border_title = f"{key} {title}"',
        "def f(template: str):\n    markup(template)",
        "Text.from_markup(line)",
        "Content.from_markup(line)",
        "from rich.markup import escape",
        "def f(x: str):\n    text = x\n    Static(text)",
        "def f(x: str):\n    text = plain(x)\n    if x:\n        text = x\n    Static(text)",
        "def f(x: str):\n    for text in x:\n        Static(text)",
        "def f(x: str | None):\n    Static(x)",
        'OptionList("[b]a", name)',
        "options.add_option(name)",
        "table.update_cell(row, column, name)",
        "select.prompt = name",
    ],
)
def test_the_rule_finds_text_given_as_markup(source: str) -> None:
    assert DisplayRule(source).check()


@pytest.mark.parametrize(
    "source",
    [
        'Static("[b]Titre[/b]")',
        'Static(t("help.title"))',
        'Label(tn("drafts.title", count))',
        "Static(plain(name))",
        "Static(name, markup=False)",
        'widget.update(markup("[b]${name}[/b]", name=name))',
        'self.notify(t("inbox.deleted", key=key), markup=False)',
        "table.add_row(cell(person.name), Text(name))",
        'Select(choices(pairs), prompt=t("story.field.epic"))',
        "def f(x: str):\n    text = plain(x)\n    Static(text)",
        "def f(x: str) -> Content:\n    return plain(x)\nStatic(f(y))",
        "class S:\n    def f(self) -> Text:\n        return Text(x)\n    def g(self):\n"
        "        Option(self.f())",
        'self.query_one("#story-markdown", Markdown).update(text)',
        "def f(app: App[Any]):\n    app.stylesheet.update(app)",
        'def f(late: bool):\n    template = "[b]${x}[/]" if late else "${x}"\n'
        "    markup(template, x=x)",
        "def markup(template: LiteralString):\n    Content.from_markup(template)",
        "OptionList(*[Option(plain(name), id=key) for name, key in pairs])",
        "results.add_options([Option(cell(hit)) for hit in hits])",
        "bar.update(total=10, progress=5)",
    ],
)
def test_the_rule_lets_safe_text_through(source: str) -> None:
    assert not DisplayRule(source).check()


def test_the_helpers_show_text_as_it_is() -> None:
    hostile = "[b]x[/b] [/] [link=https://x]l $variable ${name} 本番 مرحبا"
    assert plain(hostile).plain == hostile
    shown = markup("[b]${a}[/b] · ${b}", a=hostile, b="[/]")
    assert shown.plain == f"{hostile} · [/]"
    assert shown.spans[0].style == "b"  # the template's markup, and only it
    assert lines(["[/]", plain("$x"), markup("[b]y[/b]")]).plain == "[/]\n$x\ny"
    assert cell("[/]").plain == "[/]"
    assert choices([("[b]Dépôt", 1)])[0][0].plain == "[b]Dépôt"
    # Text stored by an older version may hold what a terminal acts on: shown, not run.
    assert plain("a\x1b[2Jb\u202e").plain == "a␛[2Jb\ufffd"
    assert markup("${x}", x="\x07").plain == "␇"


async def test_an_unexpected_error_with_markup_in_its_message_is_reported(
    make_app: AppFactory,
) -> None:
    def fail() -> None:
        raise RuntimeError("[/] [link=https://x] $variable")

    app = make_app()
    # The error itself comes out of the app, not a MarkupError raised while reporting it.
    with pytest.raises(RuntimeError, match="link"):
        async with app.run_test(size=SIZE) as pilot:
            app.call_later(fail)
            await pilot.pause()
    assert app.return_code == 1
    assert "prodtui.log" in app.crash_message
