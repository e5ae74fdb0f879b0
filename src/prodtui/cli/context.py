"""What every command is given besides its arguments: the settings, where they came from,
and the workspace file the options, the environment and the settings name."""

from __future__ import annotations

import argparse
import contextlib
from collections.abc import Iterator
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from prodtui.cli.output import warn
from prodtui.i18n import t
from prodtui.paths import workspace_path

if TYPE_CHECKING:
    from prodtui.config import LoadedSettings
    from prodtui.store.workspace import Workspace


class Ctx:
    def __init__(self, args: argparse.Namespace, loaded: LoadedSettings, cfg_path: Path) -> None:
        self.loaded = loaded
        self.cfg_path = cfg_path
        self._db: Path | None = getattr(args, "db", None)

    @cached_property
    def workspace_file(self) -> Path:
        """`--db`, then `$PRODTUI_DB`, then the settings, then the user data dir. Found
        only when asked: `prodtui demo --out PATH` needs none."""
        return workspace_path(self._db, self.loaded.settings.default_workspace)

    def warn_settings(self) -> None:
        """Settings that could not be read are one warning; the defaults apply."""
        if self.loaded.problem:
            path, line, detail = self.loaded.problem
            where = f"{path}:{line}" if line else str(path)
            warn(t("settings.invalid", where=where, detail=detail))

    def open_ws(
        self, path: Path | None = None, *, read_only: bool = False, verify: bool = False
    ) -> Workspace:
        """Open the workspace (`path`, else the one named); `verify` (for the commands that
        write) refuses a damaged file. One created here is ready to use (`ready`)."""
        from prodtui.store import open_workspace

        return open_workspace(
            path or self.workspace_file,
            author=self.loaded.settings.author,
            read_only=read_only,
            verify=verify,
            ready=True,
        )

    @contextlib.contextmanager
    def workspace(self, *, read_only: bool = False, verify: bool = False) -> Iterator[Workspace]:
        """The workspace named, open while the `with` block runs."""
        ws = self.open_ws(read_only=read_only, verify=verify)
        try:
            yield ws
        finally:
            ws.close()
