"""The team."""

from __future__ import annotations

from prodtui.domain.capture import fold
from prodtui.domain.errors import ProdtuiError
from prodtui.domain.people import Person
from prodtui.store.base import Repository


def same_name(name: str) -> str:
    """A name as two colleagues would compare it: case, accents and spaces aside."""
    return " ".join(fold(name).split())


class PeopleRepository(Repository[Person]):
    table = "people"
    model = Person

    def add(self, person: Person) -> Person:
        """A new member, last in the stand-up order. A name already in the team (another
        session may have added the same person a moment ago) is refused with a message:
        one person, one row."""
        with self.ws.transaction():  # the check and the insert under one write lock
            self._check_new(person)
            if not person.position:
                row = self.ws.conn.execute(
                    "SELECT coalesce(max(position), 0) + 1 FROM people"
                ).fetchone()
                person = person.model_copy(update={"position": row[0]})
            return self._insert(person)

    def save(self, person: Person) -> Person:
        """Save; a new name is carried to the items that named the person. A name another
        member has is refused, as when adding."""
        with self.ws.transaction():
            before = self._row(person.id) if person.id is not None else None
            if before is not None and before["name"] != person.name:
                self._refuse_taken(person.name, but=person.id)
            saved = self._update(person)  # gone meanwhile: DeletedElsewhere
            if before is not None and before["name"] != saved.name:
                for item in self.ws.items.owned_by(before["name"]):
                    self.ws.items.save(item.model_copy(update={"owner": saved.name}))
        return saved

    def _check_new(self, person: Person) -> None:
        self._refuse_taken(person.name)

    def _refuse_taken(self, name: str, *, but: int | None = None) -> None:
        """ProdtuiError when another member has this name, whatever its case, accents or
        spaces ("Chloé  Martin" is "chloe martin")."""
        wanted = same_name(name)
        if any(p.id != but and same_name(p.name) == wanted for p in self.all()):
            raise ProdtuiError("team.name_taken", name=name)

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
