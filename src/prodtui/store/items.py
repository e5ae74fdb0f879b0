"""Captured items and their inbox."""

from __future__ import annotations

from datetime import date, datetime

from prodtui.domain.capture import ParsedCapture
from prodtui.domain.items import Item, ItemStatus
from prodtui.store.base import Repository


class ItemRepository(Repository[Item]):
    table = "items"
    model = Item

    def add(self, item: Item) -> Item:
        if item.raised_on is None:
            item = item.model_copy(update={"raised_on": date.today()})
        return self._insert(item)

    def capture(
        self, parsed: ParsedCapture, *, source: str = "tui", day: date | None = None
    ) -> Item:
        """Store a parsed quick-capture line; `@handle` is resolved against the team."""
        owner = parsed.owner
        if owner and (person := self.ws.people.match(owner)):
            owner = person.name
        item = Item(
            kind=parsed.kind,
            text=parsed.text,
            owner=owner,
            due_date=parsed.due_date,
            story_key=parsed.story_key,
            source=source,
            raised_on=day or date.today(),
        )
        return self._insert(item)

    def save(self, item: Item) -> Item:
        # Keep the resolution dates in step with the status, whoever changed it.
        if item.status is ItemStatus.DONE and item.resolved_on is None:
            item = item.model_copy(
                update={
                    "resolved_on": date.today(),
                    "resolved_at": datetime.now().replace(microsecond=0),
                }
            )
        elif item.status is ItemStatus.OPEN and item.resolved_on is not None:
            item = item.model_copy(update={"resolved_on": None, "resolved_at": None})
        return self._update(item)

    def set_done(self, item: Item, done: bool, *, day: date | None = None) -> Item:
        """Close (or reopen) an item; `day` is when it was resolved, today by default."""
        update = {
            "status": ItemStatus.DONE if done else ItemStatus.OPEN,
            "resolved_at": datetime.now().replace(microsecond=0) if done else None,
            "resolved_on": (day or date.today()) if done else None,
        }
        return self._update(item.model_copy(update=update))

    def delete(self, item_id: int, version: int | None = None) -> Item:
        """Delete and return the item, so the caller can offer to undo. With the version
        the user saw, refused (ConflictError) when another session saved it since."""
        return self._delete(item_id, version)

    def restore(self, item: Item) -> Item:
        """Undo a delete: the item comes back with its number."""
        return self._insert(item, keep_id=True)

    def search(
        self, *, inbox_only: bool = True, text: str = "", limit: int = 200, offset: int = 0
    ) -> list[Item]:
        """Captures, newest first, one page at a time; `text` filters on words."""
        where, params = self._filter(inbox_only, text)
        rows = self.ws.rows(
            f"SELECT * FROM items {where} ORDER BY id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [Item.model_validate(row) for row in rows]

    def count(self, *, inbox_only: bool = True, text: str = "") -> int:
        where, params = self._filter(inbox_only, text)
        return int(
            self.ws.conn.execute(f"SELECT count(*) FROM items {where}", params).fetchone()[0]
        )

    def position(self, item_id: int, *, inbox_only: bool = True, text: str = "") -> int | None:
        """Where a capture sits in `search`'s order, or None if the filter hides it."""
        where, params = self._filter(inbox_only, text)
        row = self.ws.conn.execute(
            f"SELECT count(*) FILTER (WHERE id > ?), count(*) FILTER (WHERE id = ?)"
            f" FROM items {where}",
            [item_id, item_id, *params],
        ).fetchone()
        return int(row[0]) if row[1] else None

    @staticmethod
    def _filter(inbox_only: bool, text: str) -> tuple[str, list[str]]:
        clauses, params = [], []
        if inbox_only:
            clauses.append("triaged = 0")
        for word in text.split():
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            clauses.append("(text LIKE ? ESCAPE '\\' OR coalesce(owner, '') LIKE ? ESCAPE '\\')")
            params += [f"%{escaped}%"] * 2
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params

    def inbox(self, *, limit: int = 200, offset: int = 0) -> list[Item]:
        return self.search(inbox_only=True, limit=limit, offset=offset)

    def owned_by(self, owner: str) -> list[Item]:
        rows = self.ws.rows("SELECT * FROM items WHERE owner = ? ORDER BY id", [owner])
        return [Item.model_validate(row) for row in rows]

    def open_blockers(self, *, limit: int = 200) -> list[Item]:
        rows = self.ws.rows(
            "SELECT * FROM items WHERE status = 'open' AND kind = 'blocker' ORDER BY id LIMIT ?",
            [limit],
        )
        return [Item.model_validate(row) for row in rows]

    def count_inbox(self) -> int:
        return int(
            self.ws.conn.execute("SELECT count(*) FROM items WHERE triaged = 0").fetchone()[0]
        )

    def open_actions_due(self, day: date) -> list[Item]:
        """Open actions due on or before `day`."""
        rows = self.ws.rows(
            "SELECT * FROM items WHERE status = 'open' AND kind = 'action'"
            " AND due_date IS NOT NULL AND due_date <= ? ORDER BY due_date, id LIMIT 200",
            [day.isoformat()],
        )
        return [Item.model_validate(row) for row in rows]
