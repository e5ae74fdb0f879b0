"""Every test case, page by page: write new ones, edit them, mark reviewed ones."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import Header, Static

from prodtui.domain.errors import NotFoundError, ProdtuiError
from prodtui.domain.recette import TestCase
from prodtui.i18n import t
from prodtui.resources import styles_dir
from prodtui.ui.screens.base import ProdtuiScreen
from prodtui.ui.text import plain
from prodtui.ui.widgets.key_bar import KeyBar
from prodtui.ui.widgets.lazy_table import Cell, Column, LazyTable


class TestCasesScreen(ProdtuiScreen[None]):
    __test__ = False  # not a pytest class, whatever its name
    CSS_PATH = styles_dir() / "recette.tcss"
    BINDINGS = [
        Binding("n", "new", "recette.key.new_case", id="cases.new"),
        Binding("e", "edit", "key.edit", id="cases.edit"),
        Binding("v", "reviewed", "recette.key.reviewed", id="cases.reviewed"),
        Binding("escape", "close", "key.close", id="cases.close"),
    ]

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="cases-title", classes="screen-title")
        yield LazyTable(
            [
                Column(t("recette.col.case"), 8),
                Column(t("recette.case_title")),
                Column(t("recette.col.story"), 8),
                Column(t("recette.col.importance"), 10),
                Column(t("recette.col.kind"), 10),
                Column(t("recette.col.review"), 10),
            ],
            count=lambda: self.workspace.test_cases.count(),
            fetch=lambda offset, limit: self.workspace.test_cases.page(offset=offset, limit=limit),
            cells=self._cells,
            id="cases-table",
        )
        yield KeyBar()

    def on_mount(self) -> None:
        self.story_keys: dict[int, str] = {}
        self.reload()
        self.query_one(LazyTable).focus()

    def reload(self) -> None:
        table: LazyTable[TestCase] = self.query_one(LazyTable)
        table.reload()
        self.query_one("#cases-title", Static).update(
            plain(t("recette.cases_title", count=table.row_count))
        )

    def _cells(self, case: TestCase) -> list[Cell]:
        return [
            case.key,
            case.title,
            self._story_key(case.story_id),
            t(case.importance.short_key),
            t("recette.automated") if case.automated else t("recette.manual"),
            Text(t("recette.to_review"), style="bold yellow") if case.needs_review else "",
        ]

    def _story_key(self, story_id: int | None) -> str:
        """Looked up as rows come on screen, and remembered."""
        if story_id is None:
            return ""
        if story_id not in self.story_keys:
            try:
                self.story_keys[story_id] = self.workspace.stories.get(story_id).key
            except ProdtuiError:
                self.story_keys[story_id] = "?"
        return self.story_keys[story_id]

    def selected(self) -> TestCase | None:
        """The case under the cursor as the workspace holds it now; one deleted in another
        session since the list was read is said, and the list read again."""
        table: LazyTable[TestCase] = self.query_one(LazyTable)
        case = table.item(table.cursor)
        if case is None or case.id is None:
            return None
        try:
            return self.workspace.test_cases.get(case.id)
        except NotFoundError:
            self.notify(t("conflict.deleted_error"), severity="warning", markup=False)
            self.reload()
            return None

    def action_new(self) -> None:
        from prodtui.ui.screens.runner import CaseFormScreen

        self.app.push_screen(CaseFormScreen(), lambda _: self.reload())

    def action_edit(self) -> None:
        from prodtui.ui.screens.runner import CaseFormScreen

        if case := self.selected():
            self.app.push_screen(CaseFormScreen(case), lambda _: self.reload())

    def on_lazy_table_selected(self) -> None:
        self.action_edit()

    def action_reviewed(self) -> None:
        if case := self.selected():
            # Saved meanwhile elsewhere: both shown, keeping mine marks theirs reviewed.
            self.save_change(
                self.workspace.test_cases.save,
                case,
                lambda current: current.edit(needs_review=False),
                lambda version: {
                    t("recette.case_title"): version.title,
                    t("recette.col.review"): t("recette.to_review") if version.needs_review else "",
                },
                self.reload,
            )

    def action_close(self) -> None:
        self.dismiss(None)
