"""Shared fixtures: every test runs with its own HOME, settings and workspace."""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from datetime import date
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import pytest

from prodtui.config import load_settings
from prodtui.domain.base import Record
from prodtui.i18n import set_language
from prodtui.store import Workspace, open_workspace

if TYPE_CHECKING:
    from textual.pilot import Pilot

    from prodtui.ui.app import ProdtuiApp

# A Friday: "vendredi" then means a week later, "demain" a Saturday.
TODAY = date(2026, 11, 27)


@pytest.fixture(autouse=True)
def isolated_home(
    tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch
) -> Path:
    """Never read or write the real user's settings, workspace or logs."""
    home = tmp_path_factory.mktemp("home")
    monkeypatch.setenv("HOME", str(home))
    for name in ("XDG_CONFIG_HOME", "XDG_DATA_HOME", "XDG_STATE_HOME", "XDG_CACHE_HOME"):
        monkeypatch.setenv(name, str(home / name.lower()))
    for name in ("PRODTUI_DB", "PRODTUI_CONFIG"):
        monkeypatch.delenv(name, raising=False)
    monkeypatch.setenv("USER", "testeur")
    set_language("fr")
    return home


@pytest.fixture
def workspace(tmp_path: Path) -> Iterator[Workspace]:
    ws = open_workspace(tmp_path / "workspace.db", author="Camille")
    yield ws
    ws.close()


@pytest.fixture(scope="session")
def demo_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The demo workspace, written once for the session (the date pinned); tests use a
    copy (`demo`) or copy it themselves."""
    from prodtui.sample.demo import build_demo_workspace

    return build_demo_workspace(tmp_path_factory.mktemp("demo") / "demo.db", today=TODAY)


@pytest.fixture
def demo(demo_file: Path, tmp_path: Path) -> Iterator[Workspace]:
    """A copy of the demo for one test (modules with a `demo` of their own use theirs)."""
    import shutil

    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_file, copy)
    ws = open_workspace(copy, author="Camille")
    yield ws
    ws.close()


AppFactory = Callable[..., "ProdtuiApp"]


@pytest.fixture
def make_app(tmp_path: Path, workspace: Workspace) -> AppFactory:
    """Build the app on the test workspace, a pinned date and a settings file in tmp_path."""
    from prodtui.ui.app import ProdtuiApp

    def make(
        config_text: str | None = None, ws: Workspace | None = None, *, warm_up: bool = False
    ) -> ProdtuiApp:
        config = tmp_path / "config.toml"
        if config_text is not None:
            config.write_text(config_text, encoding="utf-8")
        return ProdtuiApp(
            ws or workspace, load_settings(config), config, today=lambda: TODAY, warm_up=warm_up
        )

    return make


T = TypeVar("T")


def found(value: T | None) -> T:
    """`value`, which the test expects to be there (a record read back, a draft kept)."""
    assert value is not None
    return value


def id_of(record: Record) -> int:
    """The id of a saved record (None only before it is saved)."""
    assert record.id is not None
    return record.id


async def wait_until(
    pilot: Pilot[Any], condition: Callable[[], object], timeout: float = 20
) -> None:
    """Pause until `condition()` holds: on a loaded machine (CI runs tests side by side)
    no fixed pause is long enough, and a condition waited for cannot flake."""
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "the condition never held"
        await pilot.pause(0.05)
