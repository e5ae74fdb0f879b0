"""The message catalogue: every string the user reads, in French and English."""

from __future__ import annotations

from datetime import date
from functools import cache
from importlib import import_module
from typing import Any

LANGUAGES = ("fr", "en")
_current = "fr"


@cache
def catalogue(language: str) -> dict[str, str]:
    module = import_module(f"prodtui.locales.{language if language in LANGUAGES else 'fr'}")
    return module.MESSAGES  # type: ignore[no-any-return]


def set_language(language: str) -> None:
    global _current
    _current = language if language in LANGUAGES else "fr"


def language() -> str:
    return _current


def t(key: str, /, **params: Any) -> str:
    """The message `key` in the current language; the key itself if it is missing."""
    text = catalogue(_current).get(key) or catalogue("fr").get(key) or key
    return text.format(**params) if params else text


def plural_form(count: int, language: str | None = None) -> str:
    """`one` or `other`: French puts 0 and 1 in the singular (« 0 résultat »), English
    only 1 ("0 results")."""
    singular = (0, 1) if (language or _current) == "fr" else (1,)
    return "one" if count in singular else "other"


def tn(key: str, count: int, /, **params: Any) -> str:
    """The message `key.one` or `key.other` for `count`, with `{count}` filled in."""
    return t(f"{key}.{plural_form(count)}", count=count, **params)


def error_message(error: Exception) -> str:
    """A user-facing message for a ProdtuiError (key and parameters), a validation error,
    else the error's text."""
    key = getattr(error, "key", None)
    if key:
        params = dict(getattr(error, "params", {}))
        if "count" in params and f"{key}.one" in catalogue("fr"):
            return tn(key, params.pop("count"), **params)
        return t(key, **params)
    if callable(problems := getattr(error, "errors", None)):  # pydantic's ValidationError
        return " ".join(_validation_problem(problem) for problem in problems())
    return str(error)


def _validation_problem(problem: Any) -> str:
    field = ".".join(str(part) for part in problem.get("loc", ())) or "?"
    label = catalogue(_current).get(f"field.{field}", field)
    context = problem.get("ctx") or {}
    kind = problem.get("type", "")
    if kind == "string_too_long":
        return t("error.too_long", field=label, max=context.get("max_length"))
    if kind == "string_too_short":
        return t("error.empty", field=label)
    if kind in ("greater_than_equal", "less_than_equal", "greater_than", "less_than"):
        return t("error.out_of_range", field=label)
    return t("error.invalid", field=label, detail=problem.get("msg", ""))


def format_day(day: date, *, short: bool = False) -> str:
    """`samedi 28 novembre 2026` (or `sam. 28/11` when short), in the current language."""
    weekdays = t("date.weekdays").split(",")
    if short:
        return t("date.short", weekday=weekdays[day.weekday()][:3], day=day.day, month=day.month)
    months = t("date.months").split(",")
    return t(
        "date.long",
        weekday=weekdays[day.weekday()],
        day=day.day,
        month=months[day.month - 1],
        year=day.year,
    )
