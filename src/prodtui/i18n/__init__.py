"""The message catalogue: every string the user reads, in French and English, and the way
each language writes numbers, percentages, sizes and dates.

Keys are literals in the code, or enumerated from an Enum (`prodtui.i18n.keys`); the tests
check both ways that the code and the catalogue agree. A missing key is a bug: `t` raises
`MissingMessage` rather than show the key to the user.
"""

from __future__ import annotations

import re
from datetime import date, datetime
from functools import cache
from importlib import import_module
from typing import Any, Protocol, cast

LANGUAGES = ("fr", "en")
_current = "fr"


class MissingMessage(KeyError):
    """A message key that is in neither catalogue: a bug in the code, never the user's."""

    def __str__(self) -> str:
        return f"no message {self.args[0]!r} in the catalogue (prodtui/locales)"


@cache
def catalogue(language: str) -> dict[str, str]:
    module = import_module(f"prodtui.locales.{language if language in LANGUAGES else 'fr'}")
    return cast("dict[str, str]", module.MESSAGES)


def set_language(language: str) -> None:
    global _current
    _current = language if language in LANGUAGES else "fr"


def language() -> str:
    return _current


def translate(language: str, key: str, /, **params: Any) -> str:
    """The message `key` in `language` (French when the language is unknown, or when the
    message is empty in it). Raises MissingMessage when no catalogue has the key."""
    text = _template(language, key)
    return elide(text, params, language).format(**params) if params else text


@cache
def _template(language: str, key: str) -> str:
    """The message `key` as written in `language`'s catalogue, typeset for that language."""
    text = catalogue(language).get(key) or catalogue("fr").get(key)
    if text is None:
        raise MissingMessage(key)
    return typeset(text) if language == "fr" or not catalogue(language).get(key) else text


# French puts a narrow no-break space before « : ; ! ? % » (not after a separator such as
# « · », where « ! » is a key of a hint); the catalogue is written with ordinary spaces
# and typeset here, by rule.
_FRENCH_SPACE = re.compile(r"(?<=[^\s·•—–→]) ([:;!?%])(?=\s|$|[)\]*]|[.,])")


def typeset(text: str) -> str:
    """`text` with French spacing: `Statut : prêt` gets a narrow no-break space, and so do
    the insides of « guillemets »."""
    if " " not in text:
        return text
    # Guillemets hold their text with no-break spaces: « {value} » never wraps apart.
    text = text.replace("« ", "«\u202f").replace(" »", "\u202f»")
    return _FRENCH_SPACE.sub("\u202f\\1", text)


# A word that elides before a placeholder: « afin de {so_that} », « En tant que {persona} ».
_ELIDABLE = re.compile(r"(?<![\w'’])(de|que|le|la|ne|De|Que|Le|La|Ne) \{(\w+)\}")


def elide(template: str, params: dict[str, Any], language: str | None = None) -> str:
    """`template` with the French elision made before each placeholder whose value starts
    with a vowel or a mute h: « afin de {x} » with x = « être » becomes « afin d'{x} ».
    Every message goes through it (`translate`): a sentence built from parts elides by rule."""
    if (language or _current) != "fr" or "{" not in template:
        return template

    def join(match: re.Match[str]) -> str:
        word, name = match.groups()
        value = str(params.get(name, ""))
        return f"{word[:-1]}'{{{name}}}" if value and elides(value, "fr") else match.group()

    return _ELIDABLE.sub(join, template)


def t(key: str, /, **params: Any) -> str:
    """The message `key` in the current language."""
    return translate(_current, key, **params)


def plural_form(count: int, language: str | None = None) -> str:
    """`one` or `other`: French puts 0 and 1 in the singular (« 0 résultat »), English
    only 1 ("0 results")."""
    singular = (0, 1) if (language or _current) == "fr" else (1,)
    return "one" if count in singular else "other"


def tn(key: str, count: int, /, **params: Any) -> str:
    """The message `key.one` or `key.other` for `count`, with `{count}` filled in, its
    thousands grouped (« 195 000 »)."""
    return t(f"{key}.{plural_form(count)}", count=number(count, 0), **params)


def error_message(error: Exception) -> str:
    """A user-facing message for a ProdtuiError (key and parameters), a validation error,
    else the error's text."""
    key = getattr(error, "key", None)
    if key:
        params = dict(getattr(error, "params", {}))
        if "count" in params and f"{key}.one" in catalogue("fr"):
            return tn(key, params.pop("count"), **params)
        if key in ("error.conflict", "error.not_found") and params.get("entity") in ENTITY_KEYS:
            params["entity"] = t(ENTITY_KEYS[params["entity"]])
        return t(key, **params)
    if callable(problems := getattr(error, "errors", None)):  # pydantic's ValidationError
        return " ".join(_validation_problem(problem) for problem in problems())
    return str(error)


# What a conflict or a not-found message calls the table of the record.
ENTITY_KEYS = {
    "stories": "entity.stories",
    "standup_entries": "entity.standup_entries",
    "items": "entity.items",
    "test_cases": "entity.test_cases",
    "campaigns": "entity.campaigns",
    "measure_status": "entity.measure_status",
    "measure_evidence_files": "entity.measure_evidence_files",
    "risks": "entity.risks",
    "homologation_steps": "entity.homologation_steps",
    "homologation_decisions": "entity.homologation_decisions",
    "health_reviews": "entity.health_reviews",
    "responsibilities": "entity.responsibilities",
    "people": "entity.people",
    "epics": "entity.epics",
    "sprints": "entity.sprints",
    "milestones": "entity.milestones",
    "measures": "entity.measures",
    "standups": "entity.standups",
    "executions": "entity.executions",
    "command_runs": "entity.command_runs",
}


# The fields pydantic may name in a validation error shown by `error_message`; any other
# field is shown by its name.
FIELD_KEYS = {
    "text": "field.text",
    "today": "field.today",
    "yesterday": "field.yesterday",
    "name": "field.name",
    "mood": "field.mood",
    "owner": "field.owner",
    "title": "field.title",
    "treatment": "field.treatment",
    "notes": "field.notes",
    "authority_name": "field.authority_name",
    "authority_role": "field.authority_role",
}


def _domain_rule(problem: Any) -> str | None:
    """The catalogue key a validator of the domain raised as a ValueError, if any."""
    cause = (problem.get("ctx") or {}).get("error")
    key = str(cause) if isinstance(cause, ValueError) else ""
    return key if key in catalogue("fr") else None


def refusal(problem: Any) -> str:
    """Why pydantic refused a value (`problem`, one of `errors()`), in the user's words when
    a rule of the domain refused it."""
    key = _domain_rule(problem)
    return t(key) if key else str(problem.get("msg", "")).removeprefix("Value error, ")


def _validation_problem(problem: Any) -> str:
    if key := _domain_rule(problem):
        return t(key)  # a rule of the record as a whole says itself
    field = ".".join(str(part) for part in problem.get("loc", ())) or "?"
    label = t(FIELD_KEYS[field]) if field in FIELD_KEYS else field
    context = problem.get("ctx") or {}
    kind = problem.get("type", "")
    if kind == "string_too_long":
        return t("error.too_long", field=label, max=context.get("max_length"))
    if kind == "string_too_short":
        return t("error.empty", field=label)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return t("error.out_of_range", field=label)
    return t("error.invalid", field=label, detail=problem.get("msg", ""))


# --- Numbers, percentages, sizes and dates, in the way of each language ---------------------


class Formats(Protocol):
    """What each `prodtui.locales.format_<language>` module offers."""

    def number(self, value: float, places: int = 1, *, signed: bool = False) -> str: ...
    def percent(self, ratio: float, places: int = 0) -> str: ...
    def megabytes(self, size: int) -> str: ...
    def file_size(self, size: int) -> str: ...
    def day(self, when: date, *, short: bool = False, year: bool = False) -> str: ...
    def numeric_day(self, when: date) -> str: ...
    def moment(self, when: datetime) -> str: ...
    def elides(self, word: str) -> bool: ...


@cache
def formats(language: str) -> Formats:
    """The formatting module of `language` (French when the language is unknown)."""
    code = language if language in LANGUAGES else "fr"
    return cast("Formats", import_module(f"prodtui.locales.format_{code}"))


def number(value: float, places: int = 1, *, signed: bool = False) -> str:
    """`2,9` in French, `2.9` in English; `signed` writes `+0,3`; thousands grouped:
    `1 485` (narrow no-break space), `1,485`."""
    return formats(_current).number(value, places, signed=signed)


def percent(ratio: float, places: int = 0) -> str:
    """`0.82` → `82 %` (narrow no-break space) in French, `82%` in English."""
    return formats(_current).percent(ratio, places)


def megabytes(size: int) -> str:
    """A size in bytes as megabytes with one decimal, without the unit: `1,5`."""
    return formats(_current).megabytes(size)


def file_size(size: int) -> str:
    """`512 o`, `1,5 Ko` in French; `512 B`, `1.5 KB` in English."""
    return formats(_current).file_size(size)


def format_day(day: date, *, short: bool = False, year: bool = False) -> str:
    """`samedi 28 novembre 2026`, or `sam. 28/11` when short (`sam. 28/11/2026` with
    `year`), in the current language."""
    return formats(_current).day(day, short=short, year=year)


def format_numeric_day(day: date) -> str:
    """`28/11/2026`: a date in a table or a document's header."""
    return formats(_current).numeric_day(day)


def format_moment(when: datetime) -> str:
    """A date and time in a table: `04/12/2026 14:05`."""
    return formats(_current).moment(when)


def elides(word: str, language: str | None = None) -> bool:
    """Whether the article before `word` elides (`qu'usager`) or becomes `an` (`an admin`),
    in `language` (by default the current one)."""
    return formats(language or _current).elides(word)
