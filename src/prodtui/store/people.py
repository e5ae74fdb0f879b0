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
        """Save; a new name is carried to the items that named the person."""
        with self.ws.transaction():
            before = self.get(person.id) if person.id is not None else None
            saved = self._update(person)
            if before is not None and before.name != saved.name:
                for item in self.ws.items.owned_by(before.name):
                    self.ws.items.save(item.model_copy(update={"owner": saved.name}))
        return saved

    def move(self, person: Person, offset: int) -> list[Person]:
        """Move a person up (-1) or down (+1) in the stand-up order; returns the new order."""
        with self.ws.transaction():
            people = self.all()
            index = next(i for i, p in enumerate(people) if p.id == person.id)
            target = min(max(index + offset, 0), len(people) - 1)
            people.insert(target, people.pop(index))
            for position, member in enumerate(people, start=1):
                if member.position != position:
                    self._update(member.model_copy(update={"position": position}))
        return self.all()

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
