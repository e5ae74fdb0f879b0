"""The first start of a workspace: the team typed in one go."""

from __future__ import annotations

import re
from collections.abc import Iterable

from prodtui.domain.capture import fold
from prodtui.domain.text import safe_line

_SEPARATORS = re.compile(r"[\n,;]")


def team_names(text: str, known: Iterable[str] = ()) -> list[str]:
    """The names in `text`, one a line or separated by commas or semicolons (a list pasted
    from a mail), in the order typed: each once, none of the `known` ones (compared
    without case or accents, so `lea martin` is Léa Martin already in the team)."""
    seen = {" ".join(fold(name).split()) for name in known}
    names: list[str] = []
    for part in _SEPARATORS.split(text):
        name = " ".join(safe_line(part).split())
        key = fold(name)
        if name and key not in seen:
            seen.add(key)
            names.append(name)
    return names
