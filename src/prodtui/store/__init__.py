"""The SQLite workspace: connection, migrations and one repository per aggregate."""

from prodtui.store.workspace import Workspace, open_workspace

__all__ = ["Workspace", "open_workspace"]
