"""Files shipped with the package: stylesheets, sample data, message catalogues.

In a built wheel `styles/` and `sample_data/` are copied into the package; in an
editable install they are read from the top of the source tree.
"""

from __future__ import annotations

from importlib.resources import files
from importlib.resources.abc import Traversable
from pathlib import Path

_PACKAGE = files("prodtui")
_SOURCE_TREE = Path(__file__).resolve().parent.parent.parent


def _folder(name: str) -> Traversable:
    packaged = _PACKAGE / name
    if packaged.is_dir():
        return packaged
    return _SOURCE_TREE / name


def styles_dir() -> Path:
    return Path(str(_folder("styles")))


def sample_data() -> Traversable:
    return _folder("sample_data")


def sample_file(name: str) -> str:
    return (sample_data() / name).read_text(encoding="utf-8")
