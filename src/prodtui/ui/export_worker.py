"""Text exports written off the event loop (docs/architecture.md, "Threads").

The text is built in a thread worker on a read-only connection of its own, so it reads
one snapshot while the app goes on; the progress line (`ui/widgets/work_progress.py`)
names the file while it is built, and the outcome comes back as a notification.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING

from textual.worker import Worker

from prodtui.domain.errors import ProdtuiError
from prodtui.i18n import error_message, t
from prodtui.ui.widgets.work_progress import WorkReport, run_with_progress

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace
    from prodtui.ui.app import ProdtuiApp


def export_text_in_worker(
    app: ProdtuiApp,
    path: Path,
    build: Callable[[Workspace], str],
    *,
    written_key: str,
    group: str,
) -> Worker[None]:
    """Write `build(workspace)` to the new file `path` (never over one), then say where
    (`written_key` takes `{path}`) or why not. The builders know no count of what they
    read, so the line sweeps rather than fills."""
    from prodtui.exchange.files import write_new_text

    workspace = app.workspace

    def work(_report: WorkReport) -> None:
        try:
            reader = workspace.sibling()
            try:
                with reader.reading():
                    text = build(reader)
            finally:
                reader.close()
            written = write_new_text(path, text)
        except ProdtuiError as error:
            app.call_from_thread(app.notify, error_message(error), severity="error", markup=False)
            return
        app.call_from_thread(app.notify, t(written_key, path=str(written)), markup=False)

    label = t("work.exporting_to", name=path.name)
    return run_with_progress(app, label, work, group=group)
