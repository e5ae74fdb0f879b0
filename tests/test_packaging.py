"""The built wheel carries what the app reads at run time."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--no-deps",
            "--no-build-isolation",
            "--quiet",
            "-w",
            str(out),
            str(ROOT),
        ],
        check=True,
        capture_output=True,
        timeout=300,
    )
    [built] = out.glob("prodtui-*.whl")
    return built


def test_the_wheel_ships_styles_sample_data_locales_and_migrations(wheel: Path) -> None:
    names = set(zipfile.ZipFile(wheel).namelist())
    for expected in (
        "prodtui/styles/app.tcss",
        "prodtui/sample_data/demo.toml",
        "prodtui/sample_data/measures.toml",
        "prodtui/locales/fr.py",
        "prodtui/locales/en.py",
        "prodtui/store/migrations/0001_workspace.sql",
    ):
        assert expected in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    assert "prodtui = prodtui.cli:main" in zipfile.ZipFile(wheel).read(entry_points).decode()


def test_an_installed_wheel_finds_its_files_outside_the_source_tree(
    wheel: Path, tmp_path: Path
) -> None:
    site = tmp_path / "site"
    zipfile.ZipFile(wheel).extractall(site)  # a pure-Python wheel installs by unpacking
    code = (
        "import prodtui, prodtui.resources as r, prodtui.i18n as i;"
        "from prodtui.ui.app import ProdtuiApp;"
        "print(prodtui.__file__); print(r.styles_dir());"
        "assert (r.styles_dir() / 'app.tcss').is_file();"
        "assert r.sample_file('demo.toml').strip();"
        "assert i.t('nav.today') == \"Aujourd'hui\""
    )
    result = subprocess.run(
        [sys.executable, "-c", code],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        env={"PYTHONPATH": str(site), "PATH": "/usr/bin:/bin"},
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    module_file, styles = result.stdout.split()
    assert module_file.startswith(str(site)) and styles.startswith(str(site))
