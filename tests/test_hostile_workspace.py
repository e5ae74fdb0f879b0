"""The hostile workspace (tests/hostile.py) opened, walked and exported: no crash, and not
one character a terminal would act on reaches the screen or a command's output."""

from __future__ import annotations

import html
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

from prodtui.store import open_workspace
from tests.conftest import TODAY, AppFactory
from tests.hostile import CONTROL, build_hostile_workspace

PRODTUI = Path(sys.executable).parent / "prodtui"


# Keys from Today, in order; "shot" reads the screen at that point. Each dialog is closed
# with escape (unchanged forms close without a question).
def _keys(*groups: str) -> list[str]:
    return [key for group in groups for key in group.split()]


WALK: list[str] = _keys(
    "shot",
    # Inbox: rows, the editor.
    "i down down down shot e shot escape",
    # Stand-up: a person's entry, the history search, the team.
    "2 down shot enter shot escape slash r o u shot escape p shot escape",
    # Backlog: rows highlighted (preview), the editor, filters, history, plan, exchange.
    "3 down down down shot e shot escape f shot escape h shot escape",
    "m shot escape x shot escape",
    # Recette: campaigns, the log, the cases, the runner, the campaign form.
    "4 down shot l shot escape k shot escape enter shot escape e shot escape",
    # Security: measures, the measure form, risks, homologation.
    "5 down down shot e shot escape",
    "r down shot e shot escape escape h down shot e shot escape escape",
    # Today's review and RACI.
    "1 w shot escape r shot escape",
    # Overlays: quick capture (a lone bracket typed), global search, help, palette.
    "ctrl+n [ x shot escape ctrl+f r o u g e down shot escape",
    "f1 shot escape ctrl+p r shot escape",
)


def screen_text(svg: str) -> str:
    """The characters of a screenshot, tags and entities removed."""
    return html.unescape(re.sub(r"<[^>]+>", "", svg))


@pytest.fixture
def hostile_path(tmp_path: Path) -> Path:
    return build_hostile_workspace(tmp_path / "hostile.db", today=TODAY)


@pytest.mark.parametrize("size", [(80, 24), (200, 50)], ids=["80x24", "200x50"])
async def test_every_screen_on_hostile_text(
    make_app: AppFactory, hostile_path: Path, size: tuple[int, int]
) -> None:
    workspace = open_workspace(hostile_path, author="Camille")
    app = make_app(ws=workspace)
    screens_seen: set[str] = set()
    try:
        async with app.run_test(size=size) as pilot:
            for step, key in enumerate(WALK):
                if key == "shot":
                    await pilot.pause()
                    text = screen_text(app.export_screenshot())
                    found = CONTROL.search(text)
                    assert found is None, (
                        f"step {step} ({type(app.screen).__name__}): {found.group()!r} on screen"
                    )
                    screens_seen.add(type(app.screen).__name__)
                else:
                    await pilot.press(key)
                assert not getattr(app, "crash_message", ""), f"crashed at step {step}"
    finally:
        workspace.close()
    assert len(screens_seen) >= 25, sorted(screens_seen)


COMMANDS: list[list[str]] = [
    ["search", "rouge"],
    ["search", "gras", "--format", "json"],
    ["search", "本番"],
    ["export", "standup", "--date", TODAY.isoformat()],
    ["export", "standup", "--date", TODAY.isoformat(), "--format", "json"],
    ["export", "dossier"],
    ["export", "raci"],
    ["export", "json"],
]


def run(home: Path, db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    env = {
        "HOME": str(home),
        "PATH": os.environ["PATH"],
        "LANG": "C.UTF-8",
        "USER": "testeur",
        "XDG_CONFIG_HOME": str(home / "config"),
        "XDG_DATA_HOME": str(home / "data"),
        "XDG_STATE_HOME": str(home / "state"),
    }
    return subprocess.run(
        [str(PRODTUI), "--db", str(db), *args],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
        check=False,
    )


def test_every_command_output_is_terminal_safe(hostile_path: Path, tmp_path: Path) -> None:
    home = tmp_path / "home"
    with_campaigns = open_workspace(hostile_path)
    campaigns = with_campaigns.campaigns.all()
    with_campaigns.close()
    commands = [*COMMANDS, ["export", "recette", "--campaign", campaigns[0].name]]
    for index, fmt in enumerate(["feature", "md", "csv"]):
        commands.append(
            ["export", "stories", "--format", fmt, "--out", str(tmp_path / f"s{index}")]
        )
    for args in commands:
        result = run(home, hostile_path, *args)
        assert "Traceback" not in result.stderr, (args, result.stderr[-2000:])
        assert result.returncode == 0, (args, result.stderr[-2000:])
        for stream in (result.stdout, result.stderr):
            found = CONTROL.search(stream.replace("\n", "").replace("\t", ""))
            assert found is None, (args, found.group())
    written = [p for p in tmp_path.rglob("*") if p.is_file() and p.parts[-1] != "hostile.db"]
    written = [p for p in written if p.relative_to(tmp_path).parts[0].startswith("s")]
    assert written
    for path in written:
        text = path.read_text(encoding="utf-8").replace("\n", "").replace("\t", "")
        assert CONTROL.search(text) is None, path
