"""The team."""

from __future__ import annotations

from prodtui.domain.capture import fold
from prodtui.domain.people import Person
from prodtui.store.base import Repository


class PeopleRepository(Repository[Person]):
    table = "people"
    model = Person

    def add(self, person: Person) -> Person:
        if not person.position:
            row = self.ws.conn.execute(
                "SELECT coalesce(max(position), 0) + 1 FROM people"
            ).fetchone()
            person = person.model_copy(update={"position": row[0]})
        return self._insert(person)

    def save(self, person: Person) -> Person:
        return self._update(person)

    def all(self, *, active_only: bool = False) -> list[Person]:
        where = "WHERE active = 1" if active_only else ""
        rows = self.ws.rows(f"SELECT * FROM people {where} ORDER BY position, id")
        return [Person.model_validate(row) for row in rows]

    def match(self, handle: str) -> Person | None:
        """The active person a `@handle` names: full name, first name or a unique prefix."""
        wanted = fold(handle).replace(".", " ").replace("-", " ").strip()
        if not wanted:
            return None
        people = self.all(active_only=True)
        for rule in (
            lambda name: name == wanted,
            lambda name: name.split()[0] == wanted,
            lambda name: name.startswith(wanted),
        ):
            found = [p for p in people if rule(fold(p.name).replace("-", " "))]
            if len(found) == 1:
                return found[0]
        return None
