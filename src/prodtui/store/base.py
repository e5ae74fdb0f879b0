"""What every repository shares: timestamps, optimistic updates and the audit trail."""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Callable
from datetime import datetime
from typing import TYPE_CHECKING, Any, ClassVar, Generic, TypeVar

from prodtui.domain.base import Record
from prodtui.domain.errors import ConflictError, NotFoundError, ProdtuiError

if TYPE_CHECKING:
    import sqlite_utils

    from prodtui.store.workspace import Workspace

RecordT = TypeVar("RecordT", bound=Record)

CREATED = "(created)"
DELETED = "(deleted)"
DISCARDED = "(discarded)"
"""A version the user chose not to keep in a conflict: written whole to the audit log,
so "nothing is lost" holds whichever version wins."""
BOOKKEEPING = frozenset({"id", "created_at", "updated_at", "version"})


class DeletedElsewhere(ConflictError[RecordT]):
    """A save based on a record another session deleted meanwhile. There is no version of
    theirs: `theirs` is mine again (the last version this session knows), and the UI shows
    the deletion instead. `recreate` inserts mine again (None where the record cannot come
    back); otherwise mine goes whole to the audit log, like any version set aside."""

    def __init__(
        self, entity: str, mine: RecordT, recreate: Callable[[RecordT], RecordT] | None
    ) -> None:
        super().__init__(entity, mine, mine)
        self.key = "conflict.deleted_error"
        self.args = (self.key, self.params)
        self.recreate = recreate


def now() -> str:
    return datetime.now().isoformat(timespec="milliseconds")


def to_text(value: Any) -> str | None:
    """How a value is written in the audit log."""
    if value is None:
        return None
    if isinstance(value, bool):
        return "1" if value else "0"
    return str(value)


class Repository(Generic[RecordT]):
    """One aggregate stored in one table; pydantic models in and out."""

    table: ClassVar[str]
    model: type[RecordT]
    recreatable: ClassVar[bool] = True
    """Whether a record deleted by another session while this one edited it may be
    inserted again (`recreate`)."""

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    @property
    def db(self) -> sqlite_utils.Database:
        return self.ws.db

    def get(self, record_id: int) -> RecordT:
        row = self._row(record_id)
        if row is None:
            raise NotFoundError(self.table, record_id)
        return self.model.model_validate(row)

    def _row(self, record_id: int) -> dict[str, Any] | None:
        rows = self.ws.rows(f"SELECT * FROM {self.table} WHERE id = ?", [record_id])
        return rows[0] if rows else None

    def _fields(self, record: RecordT) -> dict[str, Any]:
        # Validated again here: a model built with model_copy(update=...) skipped validation,
        # and nothing invalid may reach the file.
        checked = self.model.model_validate(record.model_dump())
        return checked.model_dump(mode="json", exclude=set(BOOKKEEPING))

    def _insert(self, record: RecordT, *, keep_id: bool = False) -> RecordT:
        stamp = now()
        row = self._fields(record) | {"created_at": stamp, "updated_at": stamp, "version": 1}
        if keep_id and record.id is not None:
            row["id"] = record.id
        with self.ws.transaction() as db:
            record_id = db.table(self.table).insert(row).last_pk
            self.ws.audit.record(self.table, record_id, CREATED, None, audit_summary(row))
        return self.get(int(record_id))  # type: ignore[arg-type]

    def _update(self, record: RecordT) -> RecordT:
        """Save `record` if nobody saved it since it was read; else raise ConflictError."""
        if record.id is None:
            raise ValueError("an unsaved record cannot be updated")
        new = self._fields(record)
        with self.ws.transaction() as db:
            stored = self._row(record.id)
            current = self.model.model_validate(stored) if stored is not None else None
            # An id freed by a delete may be given to a new record: not the one read.
            if current is None or (
                record.created_at is not None and current.created_at != record.created_at
            ):
                raise DeletedElsewhere(
                    self.table, record, self.recreate if self.recreatable else None
                )
            if current.version != record.version:
                raise ConflictError(self.table, record, current)
            old = self._fields(current)
            changes = {name: value for name, value in new.items() if old.get(name) != value}
            if not changes:
                return current
            assignments = ", ".join(f"{name} = :{name}" for name in changes)
            cursor = db.execute(
                f"UPDATE {self.table} SET {assignments}, updated_at = :_now, version = version + 1"
                " WHERE id = :_id AND version = :_version",
                changes | {"_now": now(), "_id": record.id, "_version": record.version},
            )
            if cursor.rowcount != 1:  # pragma: no cover - the version check above holds the lock
                raise ConflictError(self.table, record, self.get(record.id))
            for name, value in changes.items():
                self.ws.audit.record(self.table, record.id, name, old.get(name), value)
        return self.get(record.id)

    def keep_discarded(self, record: RecordT) -> None:
        """Write `record` (the losing side of a conflict) to the audit log, whole."""
        self.ws.audit.keep_discarded(self.table, record)

    def recreate(self, record: RecordT) -> RecordT:
        """Insert again a record another session deleted while this one edited it, as a
        new version 1: with its id when still free (what pointed at it points at it
        again) and its number when still free (else the next one). Refused with a
        message when it no longer fits (a unique value taken meanwhile)."""
        with self.ws.transaction():
            self._check_new(record)
            free = record.id is not None and self._row(record.id) is None
            number = getattr(record, "number", None)
            if (
                isinstance(number, int)
                and self.ws.conn.execute(
                    f"SELECT 1 FROM {self.table} WHERE number = ?", [number]
                ).fetchone()
            ):
                following = self.ws.conn.execute(
                    f"SELECT coalesce(max(number), 0) + 1 FROM {self.table}"
                ).fetchone()[0]
                record = record.model_copy(update={"number": following})
            try:
                return self._insert(record, keep_id=free)
            except sqlite3.IntegrityError as error:
                raise ProdtuiError("conflict.recreate_refused") from error

    def _check_new(self, record: RecordT) -> None:
        """Raise a ProdtuiError when `record` may not be added as it is (a name taken)."""

    def _delete(self, record_id: int, version: int | None = None) -> RecordT:
        """Delete a record. With the `version` the user was shown, a record saved by
        another session since is not deleted: ConflictError (theirs travels with it).
        Without it (no read version, e.g. an undo by id), the record goes whatever it holds."""
        with self.ws.transaction() as db:
            record = self.get(record_id)
            if version is not None and record.version != version:
                raise ConflictError(self.table, None, record)
            db.execute(f"DELETE FROM {self.table} WHERE id = ?", [record_id])
            self.ws.audit.record(
                self.table, record_id, DELETED, audit_summary(record.model_dump(mode="json")), None
            )
        return record


class OrderedRepository(Repository[RecordT]):
    """Rows kept in the user's order by their `position` column (tables of tens of rows:
    the RACI activities, the homologation steps)."""

    def ordered(self) -> list[RecordT]:
        rows = self.ws.rows(f"SELECT * FROM {self.table} ORDER BY position, id")
        return [self.model.model_validate(row) for row in rows]

    def _append(self, record: RecordT) -> RecordT:
        """A new row at the bottom."""
        with self.ws.transaction():
            last = self.ws.conn.execute(
                f"SELECT coalesce(max(position), 0) FROM {self.table}"
            ).fetchone()[0]
            return self._insert(record.edit(id=None, version=0, position=int(last) + 1))

    def _move(self, record: RecordT, offset: int) -> list[RecordT]:
        """Move a row up (-1) or down (+1); positions are renumbered 1, 2, 3… and each
        change is audited. Returns the new order."""
        with self.ws.transaction():
            rows = self.ordered()
            index = next((i for i, row in enumerate(rows) if row.id == record.id), None)
            if index is None:
                raise NotFoundError(self.table, record.id or 0)
            target = min(max(index + offset, 0), len(rows) - 1)
            rows.insert(target, rows.pop(index))
            for position, row in enumerate(rows, start=1):
                if getattr(row, "position", None) != position:
                    self._update(row.edit(position=position))
        return self.ordered()


def audit_summary(row: dict[str, Any]) -> str:
    """How a whole record is written in the audit log when it is created or deleted."""
    return json.dumps(
        {k: v for k, v in row.items() if k not in BOOKKEEPING and v not in (None, "")},
        ensure_ascii=False,
        default=str,
    )
