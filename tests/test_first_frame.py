"""What Today's first frame does without, and gets right after: the roadmap's warnings
(they read every epic's plan), TextArea's module (the key bar only asks whether the
focused widget is one)."""

from __future__ import annotations

import subprocess
import sys

from textual.widgets import Input, Static, TextArea

from prodtui.store import Workspace
from prodtui.ui.screens.today import TodayScreen
from prodtui.ui.widgets.key_bar import typing_into
from tests.conftest import TODAY, AppFactory, wait_until


def over_capacity(workspace: Workspace) -> None:
    """A sprint of today committed over its capacity: one roadmap warning."""
    sprint = workspace.db.table("sprints").insert(
        {
            "name": "Sprint 16",
            "start_date": "2026-11-23",
            "end_date": "2026-12-06",
            "capacity": 10,
            "created_at": "x",
            "updated_at": "x",
        }
    )
    for number, points in ((1, 8), (2, 5)):
        workspace.db.table("stories").insert(
            {
                "number": number,
                "title": f"Story {number}",
                "points": points,
                "sprint_id": sprint.last_pk,
                "rank": number,
                "created_at": "x",
                "updated_at": "x",
            }
        )


def test_a_snapshot_without_the_roadmap_counts_no_warning(workspace: Workspace) -> None:
    over_capacity(workspace)
    assert workspace.dashboard.snapshot(TODAY).security.roadmap_warnings == 1
    assert workspace.dashboard.snapshot(TODAY, roadmap=False).security.roadmap_warnings == 0


async def test_today_counts_the_roadmap_warnings_once_drawn(
    make_app: AppFactory, workspace: Workspace
) -> None:
    over_capacity(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        screen = app.screen
        assert isinstance(screen, TodayScreen)

        def counted() -> bool:
            return screen.snapshot is not None and screen.snapshot.security.roadmap_warnings == 1

        await wait_until(pilot, counted)


def test_the_first_screen_imports_neither_the_big_domain_modules_nor_text_areas() -> None:
    """The roadmap, recette and security modules define dozens of models (about 15 ms of
    imports): Today needs only their statuses and scores, kept in small modules."""
    code = (
        "import sys\n"
        "import prodtui.cli, prodtui.cli.tui, prodtui.ui.app, prodtui.ui.screens.today\n"
        "import prodtui.store.dashboard\n"
        "big = ('prodtui.domain.roadmap', 'prodtui.domain.recette', 'prodtui.domain.security',"
        " 'textual.widgets._text_area')\n"
        "print(sorted(m for m in big if m in sys.modules))\n"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_the_key_bar_knows_the_fields_keys_are_typed_into() -> None:
    assert typing_into(Input()) and typing_into(TextArea())
    assert not typing_into(Static()) and not typing_into(None)
