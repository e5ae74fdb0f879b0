"""Fields naming a person (a risk's owner, a capture's owner): the team's names are
suggested as typed and a name is matched to a member as `@ines` is in a capture (full
name, first name or a unique start; case and accents aside). Free text stays allowed,
kept as typed and said to be outside the team."""

from __future__ import annotations

from collections.abc import Sequence
from typing import TYPE_CHECKING

from textual.suggester import Suggester

from prodtui.domain.capture import fold
from prodtui.i18n import t

if TYPE_CHECKING:
    from prodtui.store.people import PeopleRepository


def suggest_name(names: Sequence[str], value: str) -> str | None:
    """The first name of `names` that starts with `value`, case and accents aside. From
    the start only, and character for character: the Input shows the suggestion's rest
    after what was typed, which must line up."""
    if not value.strip():
        return None
    typed = fold(value)
    for name in names:
        if len(name) > len(value) and fold(name[: len(value)]) == typed:
            return name
    return None


class TeamSuggester(Suggester):
    """Suggests the active members' full names in a people field."""

    def __init__(self, names: Sequence[str]) -> None:
        # Case-sensitive for Textual: the value reaches `get_suggestion` as typed, and
        # `suggest_name` folds case and accents itself.
        super().__init__(use_cache=False, case_sensitive=True)
        self.names = list(names)

    @classmethod
    def of(cls, people: PeopleRepository) -> TeamSuggester:
        return cls([person.name for person in people.all(active_only=True)])

    async def get_suggestion(self, value: str) -> str | None:
        return suggest_name(self.names, value)


def resolve_person(people: PeopleRepository, value: str) -> str | None:
    """What a people field saves: the member's name when the text names one, else the text
    as typed (None when empty)."""
    typed = value.strip()
    if not typed:
        return None
    person = people.match(typed)
    return person.name if person is not None else typed


def person_note(people: PeopleRepository, value: str) -> str:
    """The line under a people field: whom the text names, or that it is outside the team."""
    typed = value.strip()
    if not typed:
        return ""
    person = people.match(typed)
    if person is None:
        return t("people.outside_team")
    return t("people.matched", name=person.name)


def shown_person(team: set[str], name: str | None) -> str:
    """A saved person as shown: marked when the name is not a member's."""
    if not name:
        return ""
    return name if name in team else t("people.outside_mark", name=name)
