"""Palette commands of the weekly review, the responsibilities and the whole-workspace
JSON export (`ProdtuiApp.get_system_commands`)."""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.app import SystemCommand

from prodtui.domain.errors import ProdtuiError
from prodtui.i18n import error_message, t

if TYPE_CHECKING:
    from prodtui.ui.app import ProdtuiApp


def workspace_commands(app: ProdtuiApp) -> Iterable[SystemCommand]:
    def review() -> None:
        from prodtui.ui.screens.review import ReviewScreen

        if not isinstance(app.screen, ReviewScreen):
            app.push_screen(ReviewScreen())

    def responsibilities() -> None:
        from prodtui.ui.screens.responsibilities import ResponsibilitiesScreen

        if not isinstance(app.screen, ResponsibilitiesScreen):
            app.push_screen(ResponsibilitiesScreen())

    def raci_export() -> None:
        from prodtui.ui.screens.responsibilities import ask_raci_export

        ask_raci_export(app)

    def setup() -> None:
        from prodtui.ui.screens.setup import SetupScreen

        if not isinstance(app.screen, SetupScreen):
            app.push_screen(SetupScreen(first_start=False))

    yield SystemCommand(t("setup.palette"), t("setup.palette_help"), setup)
    yield SystemCommand(t("palette.review"), t("palette.review_help"), review)
    yield SystemCommand(t("palette.raci"), t("palette.raci_help"), responsibilities)
    yield SystemCommand(t("palette.raci_export"), t("palette.raci_export_help"), raci_export)
    yield SystemCommand(
        t("palette.json_export"), t("palette.json_export_help"), lambda: ask_json_export(app)
    )


def ask_json_export(app: ProdtuiApp) -> None:
    """Ask where to write the whole workspace as JSON, then write it in a thread worker
    on a connection of its own (the dump reads one snapshot while the app goes on), its
    rows counted on the progress line."""
    from prodtui.ui.screens.dialogs import PromptScreen
    from prodtui.ui.widgets.work_progress import WorkReport, run_with_progress

    workspace = app.workspace
    default = Path.home() / f"prodtui-{workspace.path.stem}-{app.today():%Y-%m-%d}.json"

    def export(path: Path, report: WorkReport) -> None:
        from prodtui.app.workspace_dump import export_json_file

        try:
            reader = workspace.sibling()
            try:
                summary = export_json_file(reader, path, report.update)
            finally:
                reader.close()
        except ProdtuiError as error:
            app.call_from_thread(app.notify, error_message(error), severity="error", markup=False)
            return
        app.call_from_thread(
            app.notify,
            t("json.exported", tables=summary.tables, rows=summary.rows, path=str(path)),
            markup=False,
        )

    def chosen(value: str | None) -> None:
        if value:
            path = Path(value).expanduser()
            run_with_progress(
                app,
                t("bulk.exporting_json"),
                lambda report: export(path, report),
                group="json-export",
            )

    app.push_screen(PromptScreen(t("json.export_title"), str(default)), chosen)
