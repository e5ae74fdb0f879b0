"""Errors raised for the user to read: each carries a message key and its parameters,
translated by the interface (`prodtui.i18n`)."""

from __future__ import annotations

from typing import Any, Generic, TypeVar

T = TypeVar("T")


class ProdtuiError(Exception):
    """An error with a message meant for the user."""

    def __init__(self, key: str, **params: Any) -> None:
        super().__init__(key, params)
        self.key = key
        self.params = params

    def __str__(self) -> str:
        details = ", ".join(f"{name}={value}" for name, value in self.params.items())
        return f"{self.key} ({details})" if details else self.key


class WorkspaceError(ProdtuiError):
    """The workspace file cannot be opened as asked (not SQLite, too new, unreadable)."""


class ReadOnlyWorkspaceError(ProdtuiError):
    """A write was attempted on a workspace opened read-only."""

    def __init__(self) -> None:
        super().__init__("workspace.read_only_write")


class NotFoundError(ProdtuiError):
    """The row asked for does not exist (any more)."""

    def __init__(self, entity: str, entity_id: int | str) -> None:
        super().__init__("error.not_found", entity=entity, id=entity_id)


class ConflictError(ProdtuiError, Generic[T]):
    """Another session saved the same row first. Both versions travel with the error so the
    user can choose; nothing is overwritten. `mine` is None when the write was a delete:
    there is no version of mine to keep. `aside` holds text that goes with mine without
    being a field of the record (the reason given for a status change): it is kept with
    mine when mine is set aside."""

    def __init__(self, entity: str, mine: T | None, theirs: T) -> None:
        super().__init__("error.conflict", entity=entity)
        self.entity = entity
        self.mine = mine
        self.theirs = theirs
        self.aside: dict[str, str] = {}
