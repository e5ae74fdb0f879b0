"""What an automated suite run does by default: whom its results are signed by, where the
demo's suite writes its report, and the settings example of the README (which must name
`run_output_lines` with the others)."""

from __future__ import annotations

import re
import stat
import tomllib
from pathlib import Path

import pytest
from textual.pilot import Pilot
from textual.widgets import Input

from prodtui.config import Settings, load_settings
from prodtui.domain.recette import Campaign, RunState
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import Workspace, open_workspace
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.automated_run import AutomatedRunScreen
from prodtui.ui.screens.recette import RecetteScreen
from tests.conftest import TODAY, AppFactory, wait_until

README = Path(__file__).parent.parent / "README.md"

REPORT = (
    '<testsuite name="acceptance">'
    '<testcase classname="tests.acceptance.test_connexion" name="test_connexion"/>'
    "</testsuite>"
)


async def run_selected_suite(app: ProdtuiApp, pilot: Pilot[int], command: str | None) -> None:
    """`4`, `a`, the command typed (or the one proposed), Enter; until the run ended."""
    await pilot.press("4")
    await wait_until(pilot, lambda: isinstance(app.screen, RecetteScreen))
    await pilot.press("a")
    await wait_until(pilot, lambda: app.screen.query(Input))
    if command is not None:
        app.screen.query_one(Input).value = command
    await pilot.press("enter")
    await wait_until(pilot, lambda: isinstance(app.screen, AutomatedRunScreen))
    screen = app.screen
    assert isinstance(screen, AutomatedRunScreen)
    await wait_until(pilot, lambda: screen.finished)


async def test_a_suite_run_in_the_app_signs_its_results_as_automated(
    make_app: AppFactory, workspace: Workspace, tmp_path: Path
) -> None:
    """As `prodtui import junit` does: nobody sat at these tests, not the settings' author."""
    campaign = workspace.campaigns.add(Campaign(name="Recette v2"))
    report = tmp_path / "report.xml"
    report.write_text(REPORT, encoding="utf-8")
    app = make_app('author = "Camille Martin"\n')
    async with app.run_test(size=(120, 36)) as pilot:
        await run_selected_suite(app, pilot, f"cp {report} {{report}}")
    [run] = workspace.command_runs.of_campaign(campaign)
    assert run.state is RunState.IMPORTED
    [execution] = workspace.executions.latest_per_case(campaign).values()
    assert execution.tester == "automatique"


@pytest.fixture
def fake_pytest(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A `pytest` first on the PATH that writes a JUnit report where `--junitxml=` says;
    the folder the app is started from, returned, is where a report must not land."""
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    script = bin_dir / "pytest"
    script.write_text(
        "#!/bin/sh\n"
        'for arg in "$@"; do case "$arg" in --junitxml=*) out="${arg#--junitxml=}";; esac; done\n'
        f"printf '%s' '{REPORT}' > \"$out\"\n"
        "echo '1 passed'\n",
        encoding="utf-8",
    )
    script.chmod(script.stat().st_mode | stat.S_IXUSR)
    monkeypatch.setenv("PATH", f"{bin_dir}:{Path('/usr/bin')}:{Path('/bin')}")
    here = tmp_path / "here"
    here.mkdir()
    monkeypatch.chdir(here)
    return here


async def test_the_demo_suite_writes_its_report_where_the_run_reads_it(
    tmp_path: Path, fake_pytest: Path
) -> None:
    path = build_demo_workspace(tmp_path / "demo.db", today=TODAY)
    demo = open_workspace(path, author="Camille")
    try:
        campaigns = demo.campaigns.all()
        commands = [c.command for c in campaigns if c.command]
        assert commands and all("{report}" in command for command in commands)
        for campaign in campaigns:
            for run in demo.command_runs.of_campaign(campaign):
                assert "{report}" in run.command, "the demo's past runs ran the same command"
        config = tmp_path / "config.toml"
        app = ProdtuiApp(demo, load_settings(config), config, today=lambda: TODAY)
        async with app.run_test(size=(120, 36)) as pilot:
            await run_selected_suite(app, pilot, None)  # the campaign's own command
            screen = app.screen
            assert isinstance(screen, AutomatedRunScreen)
            assert screen.run.state is RunState.IMPORTED, screen.status_text
    finally:
        demo.close()
    assert list(fake_pytest.iterdir()) == [], "nothing written in the current folder"


def test_the_readme_settings_example_names_every_setting_with_a_comment() -> None:
    text = README.read_text(encoding="utf-8")
    [example] = [
        block
        for block in re.findall(r"```toml\n(.*?)```", text, flags=re.DOTALL)
        if "author =" in block
    ]
    settings = tomllib.loads(example)
    Settings.model_validate(settings)  # the example is a valid settings file
    assert set(settings) == set(Settings.model_fields)
    for line in example.splitlines():
        name = line.split("=")[0].strip().strip("[]")
        if name in Settings.model_fields:
            assert "#" in line, f"{name} has no comment"
