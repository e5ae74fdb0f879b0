"""Each row of a workspace dump checked as the app checks it, before anything is written.

A row goes through the domain model its repository reads it with (a small model here for
the few tables without one), in two steps:

1. its cells must be what SQLite holds for the model's types: a whole number for an
   integer, 0 or 1 for a flag, `YYYY-MM-DD` text for a date, ISO text for a date and time,
   text for text (and text holding JSON for lists and objects), a finite number for a
   float — so `"points": "beaucoup"` or `"active": "yes"` never reach the file;
2. then the model's own rules: ranges, lengths, choices, dates in order, the JSON of
   snapshots and lists.

What is written is the row as the model cleans it: control characters and bidi marks in
any text become visible placeholders (`prodtui.domain.text`), as when typed in the app.
"""

from __future__ import annotations

import base64
import json
import math
import re
import types
from collections import deque
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Annotated, Any, Literal, Union, get_args, get_origin

from pydantic import BaseModel, BeforeValidator, Field, TypeAdapter, ValidationError

from prodtui.domain.audit import AuditEntry
from prodtui.domain.drafts import Draft
from prodtui.domain.errors import ProdtuiError
from prodtui.domain.homologation import HomologationDecision, HomologationStep
from prodtui.domain.items import MAX_TEXT, Item
from prodtui.domain.people import Person
from prodtui.domain.recette import Campaign, CommandRun, Execution, TestCase
from prodtui.domain.responsibilities import Responsibility
from prodtui.domain.review import HealthReview
from prodtui.domain.risks import Risk
from prodtui.domain.roadmap import Milestone
from prodtui.domain.security import Category, EvidenceFile, Measure, MeasureState
from prodtui.domain.standup import Standup, StandupEntry
from prodtui.domain.stories import Epic, Sprint, Story
from prodtui.domain.text import CleanLine, CleanText, has_unsafe, safe_line, safe_text
from prodtui.i18n import error_message, refusal, t

SHOWN = 40
"""Characters of a refused value quoted in a message."""
_INT64 = (-(2**63), 2**63 - 1)
_DAY = re.compile(r"\d{4}-\d{2}-\d{2}")


def _json_value(value: Any) -> Any:
    return json.loads(value) if isinstance(value, str) else value


Score = Annotated[float, Field(ge=0, le=5)]


class MetaRow(BaseModel):
    """One workspace-wide fact (`name`, `service`, `organisation`)."""

    key: CleanLine = Field(min_length=1, max_length=200)
    value: CleanText = Field(max_length=MAX_TEXT)


class ScoreRow(BaseModel):
    """One day of the security score's history, as `store.security` reads it back."""

    day: date
    overall: Score | None = None
    categories: Annotated[dict[Category, Score | None], BeforeValidator(_json_value)]
    updated_at: datetime


MODELS: dict[str, type[BaseModel]] = {
    "meta": MetaRow,
    "people": Person,
    "items": Item,
    "standups": Standup,
    "standup_entries": StandupEntry,
    "epics": Epic,
    "sprints": Sprint,
    "stories": Story,
    "campaigns": Campaign,
    "test_cases": TestCase,
    "executions": Execution,
    "command_runs": CommandRun,
    "measures": Measure,
    "measure_status": MeasureState,
    "measure_evidence_files": EvidenceFile,
    "security_score_history": ScoreRow,
    "risks": Risk,
    "homologation_steps": HomologationStep,
    "homologation_decisions": HomologationDecision,
    "health_reviews": HealthReview,
    "responsibilities": Responsibility,
    "milestones": Milestone,
    "drafts": Draft,
    "audit_log": AuditEntry,
}
"""The model of each table of the workspace (a test checks none is missing)."""


def _snapshot_is_a_case(row: BaseModel) -> None:
    # The recette screens and reports read each result's frozen case back as a TestCase.
    TestCase.model_validate(getattr(row, "case_snapshot", None))


_EXTRA_CHECKS: dict[str, tuple[str, Callable[[BaseModel], None]]] = {
    "executions": ("case_snapshot", _snapshot_is_a_case)
}
"""Rules a table's rows must also keep: the column they are about, and the check."""


# --- What SQLite holds for each type --------------------------------------------------------

Kind = Literal["flag", "integer", "number", "date", "datetime", "text"]
_WRONG_TYPE: dict[Kind, str] = {
    "flag": "json.value_flag",
    "integer": "json.value_integer",
    "number": "json.value_number",
    "date": "json.value_date",
    "datetime": "json.value_datetime",
    "text": "json.value_text",
}
"""The message of a value of the wrong type, by the type the column expects."""


def _kinds(annotation: Any) -> tuple[Kind, bool]:
    """The stored kind of a model field's type, and whether it may be null."""
    origin = get_origin(annotation)
    if origin is Annotated:
        return _kinds(get_args(annotation)[0])
    if origin in (Union, types.UnionType):
        members = [a for a in get_args(annotation) if a is not type(None)]
        kind, _ = _kinds(members[0]) if len(members) == 1 else ("text", False)
        return kind, len(members) < len(get_args(annotation))
    if origin is Literal:
        values = get_args(annotation)
        return ("integer" if all(type(v) is int for v in values) else "text"), False
    if annotation is bool:
        return "flag", False
    if annotation is int:
        return "integer", False
    if annotation is float:
        return "number", False
    if annotation is datetime:
        return "datetime", False
    if annotation is date:
        return "date", False
    return "text", False  # text, a choice, or a list or object kept as JSON text


def _shown(value: Any) -> str:
    text = safe_line(value if isinstance(value, str) else json.dumps(value, ensure_ascii=False))
    return text if len(text) <= SHOWN else text[: SHOWN - 1] + "…"


def _type_problem(column: str, kind: Kind, nullable: bool, value: Any) -> str | None:
    """Why `value` is not what SQLite holds for `kind`, or None."""
    if value is None:
        return None if nullable else t("json.value_required", column=column)
    integer = type(value) is int
    if kind == "flag":
        ok = (integer and value in (0, 1)) or type(value) is bool
    elif kind == "integer":
        ok = integer and _INT64[0] <= value <= _INT64[1]
    elif kind == "number":
        ok = (integer and _INT64[0] <= value <= _INT64[1]) or (
            type(value) is float and math.isfinite(value)
        )
    elif kind == "date":
        ok = isinstance(value, str) and _is_day(value)
    elif kind == "datetime":
        ok = isinstance(value, str) and _is_moment(value)
    else:
        ok = isinstance(value, str)
    if ok:
        return None
    return t(_WRONG_TYPE[kind], column=column, value=_shown(value))


def _is_day(text: str) -> bool:
    try:
        return bool(_DAY.fullmatch(text)) and date.fromisoformat(text) is not None
    except ValueError:
        return False


def _is_moment(text: str) -> bool:
    try:
        return bool(_DAY.match(text)) and datetime.fromisoformat(text) is not None
    except ValueError:
        return False


def _not_unicode(value: Any) -> bool:
    """A lone surrogate (JSON allows `\\ud800`): no UTF-8 for SQLite to store."""
    if not isinstance(value, str):
        return False
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


# --- The model's own rules, in the user's words -----------------------------------------------


_TYPE_ERRORS: dict[str, Kind] = {
    "bool_parsing": "flag",
    "bool_type": "flag",
    "int_parsing": "integer",
    "int_type": "integer",
    "int_from_float": "integer",
    "float_parsing": "number",
    "float_type": "number",
    "date_parsing": "date",
    "date_type": "date",
    "date_from_datetime_parsing": "date",
    "datetime_parsing": "datetime",
    "datetime_type": "datetime",
    "datetime_from_date_parsing": "datetime",
    "string_type": "text",
}


def _limit(value: Any) -> Any:
    return int(value) if isinstance(value, float) and value.is_integer() else value


def validation_reasons(error: ValidationError, prefix: str = "") -> list[str]:
    """One reason per problem pydantic found, naming the column and the limit."""
    reasons = []
    for problem in error.errors():
        column = prefix + ".".join(str(part) for part in problem.get("loc", ()))
        column = column.removesuffix(".") or "?"
        kind = problem.get("type", "")
        context = problem.get("ctx") or {}
        value = _shown(problem.get("input"))
        if kind == "missing":
            reasons.append(t("json.value_required", column=column))
        elif kind in _TYPE_ERRORS:
            reasons.append(t(_WRONG_TYPE[_TYPE_ERRORS[kind]], column=column, value=value))
        elif kind == "string_too_long":
            reasons.append(t("json.value_too_long", column=column, max=context.get("max_length")))
        elif kind == "string_too_short":
            reasons.append(t("json.value_empty", column=column))
        elif kind in ("greater_than_equal", "greater_than"):
            limit = _limit(context.get("ge", context.get("gt")))
            reasons.append(t("json.value_too_small", column=column, value=value, limit=limit))
        elif kind in ("less_than_equal", "less_than"):
            limit = _limit(context.get("le", context.get("lt")))
            reasons.append(t("json.value_too_big", column=column, value=value, limit=limit))
        elif kind in ("enum", "literal_error"):
            choices = str(context.get("expected", "")).replace("'", "").replace(" or ", ", ")
            reasons.append(t("json.value_choice", column=column, value=value, choices=choices))
        elif isinstance(context.get("error"), json.JSONDecodeError):
            reasons.append(t("json.value_json", column=column, value=value))
        else:
            reasons.append(
                t("json.value_refused", column=column, value=value, detail=refusal(problem))
            )
    return reasons


class TableCheck:
    """The checks of one table's rows, for the columns the dump lists."""

    def __init__(self, table: str, columns: Sequence[str]) -> None:
        self.columns = list(columns)
        self.model = MODELS.get(table)
        self.extra = _EXTRA_CHECKS.get(table)
        fields = self.model.model_fields if self.model else {}
        self.kinds = {
            column: _kinds(fields[column].annotation) for column in columns if column in fields
        }
        # For `check_batch`: the types each column may hold, the columns whose values need
        # more than their type checked, and the row types already seen to fit.
        self._allowed = [_allowed_types(*self.kinds.get(c, ("any", True))) for c in columns]
        self._valued = [
            (index, _value_fits(*self.kinds[column]))
            for index, column in enumerate(self.columns)
            if column in self.kinds and self.kinds[column][0] != "text"
        ]
        self._column_tests = [
            (index, _column_fits(*self.kinds[self.columns[index]])) for index, _ in self._valued
        ]
        self._fits: set[tuple[type, ...]] = set()
        self._batch: TypeAdapter[list[BaseModel]] | None = (
            None if self.model is None else TypeAdapter(list[self.model])  # type: ignore[name-defined]
        )
        self._extra_seen: dict[Any, bool] = {}
        self._parsed: dict[str, Any] = {}

    def check(self, values: list[Any]) -> tuple[list[Any], list[str]]:
        """The row to write (text as the model cleans it) and the reasons it is refused."""
        reasons = []
        for column, value in zip(self.columns, values, strict=True):
            if _not_unicode(value):
                reasons.append(t("json.value_unicode", column=column))
            elif column in self.kinds:
                kind, nullable = self.kinds[column]
                if (reason := _type_problem(column, kind, nullable, value)) is not None:
                    reasons.append(reason)
        if reasons or self.model is None:
            return _cleaned(values), reasons
        row = dict(zip(self.columns, values, strict=True))
        try:
            model = self.model.model_validate(row, context={"stored": True})
            if self.extra is not None:
                column, rule = self.extra
                try:
                    rule(model)
                except ValidationError as error:
                    return values, validation_reasons(error, prefix=f"{column}.")
        except ValidationError as error:
            return values, validation_reasons(error)
        except RecursionError:  # JSON text nested deeper than the parser goes
            return values, [t("json.value_too_deep", column=_deep_column(row))]
        except ProdtuiError as error:  # a rule the model states as a user error
            return values, [t("json.value_row", detail=error_message(error))]
        checked = []
        for column, value in zip(self.columns, values, strict=True):
            kept = getattr(model, column, None) if column in self.kinds else None
            checked.append(kept if type(kept) is str and isinstance(value, str) else value)
        return _cleaned(checked), []

    def check_batch(self, rows: list[list[Any]]) -> list[tuple[list[Any], list[str]]]:
        """`check` of each row as it comes from the JSON parser (cells not decoded yet),
        with the same results, in far less time: the cells are checked by their types
        first, a column of the batch at a time, the rows whose types fit are validated
        by the model in one call, and a value checked by the extra rule once is not
        checked again. Any row in doubt goes through `check` alone, which says why."""
        results: list[tuple[list[Any], list[str]] | None] = [None] * len(rows)
        fast: list[int] = []
        fit = self._columns_fit(rows)
        if fit is not None:
            fast = list(range(len(rows)))
        else:  # some cell does not fit: find the rows, each `check`ed alone
            for n, row in enumerate(rows):
                if self._plain(row):
                    fast.append(n)
                else:
                    results[n] = self._slow(row)
        if fast:
            if self._batch is None:
                plain = [rows[n] for n in fast]
                for n, row in zip(fast, plain if fit else _cleaned_rows(plain), strict=True):
                    results[n] = (row, [])
            else:
                self._validate(rows, fast, results, safe=bool(fit))
        return [result for result in results if result is not None]

    def _columns_fit(self, rows: list[list[Any]]) -> bool | None:
        """`_plain` of every row at once, a column at a time: the same tests, run over
        whole columns by the interpreter's own loops (types as sets, whole numbers by their
        smallest and largest, each distinct date once). None when some row does not fit,
        else whether all the batch's text is safe as it is (no character `_cleaned`
        would replace)."""
        width = len(self._allowed)
        if not rows or any(len(row) != width for row in rows):
            return None
        columns = list(zip(*rows, strict=True))
        texts: list[Any] = []
        for column, allowed in zip(columns, self._allowed, strict=True):
            kinds = set(map(type, column))
            if not kinds <= allowed:
                return None
            if str in kinds:
                texts.append(column)
        for index, fits in self._column_tests:
            if not fits(columns[index]):
                return None
        text = "".join(_strings(texts))
        try:  # a lone surrogate: `check` names the column
            text.encode("utf-8")
        except UnicodeEncodeError:
            return None
        return not has_unsafe(text)

    def _plain(self, row: list[Any]) -> bool:
        """Whether the row's cells are of their columns' types, its flags, whole numbers,
        numbers and dates in range and form, and its text valid Unicode."""
        signature = tuple(map(type, row))
        if signature not in self._fits:
            if len(signature) != len(self._allowed) or not all(
                kind in allowed for kind, allowed in zip(signature, self._allowed, strict=True)
            ):
                return False
            self._fits.add(signature)
        for index, fits in self._valued:
            if not fits(row[index]):
                return False
        try:
            "".join([value for value in row if type(value) is str]).encode("utf-8")
        except UnicodeEncodeError:  # a lone surrogate: `check` names the column
            return False
        return True

    def _slow(self, row: list[Any]) -> tuple[list[Any], list[str]]:
        try:
            values = [decode_cell(value) for value in row]
        except ValueError as error:
            return [], [str(error)]
        return self.check(values)

    def _validate(
        self,
        rows: list[list[Any]],
        fast: list[int],
        results: list[tuple[list[Any], list[str]] | None],
        *,
        safe: bool,
    ) -> None:
        """Validate the rows `fast` by the model; `safe`: their text, as read, holds no
        character `_cleaned` would replace."""
        assert self._batch is not None
        columns = self.columns
        dicts = [dict(zip(columns, rows[n], strict=True)) for n in fast]
        if self.extra is not None:
            # The extra rule's column holds JSON (a result's frozen case) that many rows
            # share: parsed once, and the model takes the parsed value as it is.
            column = self.extra[0]
            parsed = self._parsed
            for row in dicts:
                text = row[column]
                if text in parsed:
                    row[column] = parsed[text]
                    continue
                try:
                    value = json.loads(text)
                except (ValueError, RecursionError):
                    continue  # the model says why
                if len(parsed) > _EXTRA_SEEN:
                    parsed.clear()
                row[column] = parsed[text] = value
        try:
            models = self._batch.validate_python(dicts, context={"stored": True})
            if self.extra is not None:
                column, rule = self.extra
                seen = self._extra_seen
                at = columns.index(column)
                for n, model in zip(fast, models, strict=True):
                    value = rows[n][at]
                    if value not in seen:
                        rule(model)  # raises for a row `check` then names
                        if len(seen) > _EXTRA_SEEN:
                            seen.clear()
                        seen[value] = True
        except (ValidationError, RecursionError, ProdtuiError):
            # Some row breaks a rule: each one alone, so that each reason is its own.
            for n in fast:
                results[n] = self.check(rows[n])
            return
        # The text as the model cleaned it: only a field of the kind "text" can hold one
        # (the others hold flags, numbers, dates), so only those are looked at; a row is
        # copied only when the model changed one of its texts, and only such a row can
        # hold text not yet looked at when the batch's text was safe as read.
        texts = [(i, c) for i, c in enumerate(columns) if self.kinds.get(c, ("",))[0] == "text"]
        for n, model in zip(fast, models, strict=True):
            fields = model.__dict__
            values = read = rows[n]
            for index, column in texts:
                kept = fields.get(column)
                if type(kept) is str and kept != read[index] and type(read[index]) is str:
                    if values is read:
                        values = list(read)
                    values[index] = kept
            if values is not read or not safe:
                values = _cleaned_row(values)
            results[n] = (values, _NO_REASON)


_NO_REASON: list[str] = []
"""The reasons of an accepted row (shared: never added to)."""
_EXTRA_SEEN = 10_000
"""Values an extra rule remembers as checked: many results share one frozen case."""


def _value_fits(kind: Kind, nullable: bool) -> Callable[[Any], bool]:
    """What `_type_problem` finds no problem with, for a cell already of an allowed type,
    as one quick test (the message, when it fails, is `_type_problem`'s)."""
    low, high = _INT64
    tests: dict[Kind, Callable[[Any], bool]] = {
        "flag": lambda value: value in (0, 1),
        "integer": lambda value: low <= value <= high,
        "number": lambda value: (
            low <= value <= high if type(value) is int else math.isfinite(value)
        ),
        "date": _is_day,
        "datetime": _is_moment,
    }
    test = tests[kind]
    if nullable:
        return lambda value: value is None or test(value)
    return lambda value: value is not None and test(value)


def _column_fits(kind: Kind, nullable: bool) -> Callable[[Sequence[Any]], bool]:
    """`_value_fits` of every cell of a column (cells already of allowed types), in as
    few interpreted steps as the kind allows."""
    one = _value_fits(kind, nullable)
    low, high = _INT64

    def present(column: Sequence[Any]) -> Sequence[Any]:
        if not nullable:
            return column  # None is not an allowed type: the types said so already
        return [value for value in column if value is not None] if None in column else column

    def flags(column: Sequence[Any]) -> bool:
        return set(present(column)) <= {0, 1}  # True and False are 1 and 0

    def integers(column: Sequence[Any]) -> bool:
        values = present(column)
        return not values or (low <= min(values) and max(values) <= high)

    def days(column: Sequence[Any]) -> bool:
        return all(map(_is_day, set(present(column))))

    def moments(column: Sequence[Any]) -> bool:
        values = present(column)
        if not all(map(_DAY.match, values)):
            return False
        try:
            deque(map(datetime.fromisoformat, values), maxlen=0)
        except ValueError:
            return False
        return True

    def each(column: Sequence[Any]) -> bool:
        return all(map(one, column))

    tests: dict[Kind, Callable[[Sequence[Any]], bool]] = {
        "flag": flags,
        "integer": integers,
        "date": days,
        "datetime": moments,
    }
    return tests.get(kind, each)


def _allowed_types(kind: str, nullable: bool) -> frozenset[type]:
    """The Python types a JSON cell of this kind may have (a column with no model field:
    any scalar)."""
    kinds: dict[str, frozenset[type]] = {
        "flag": frozenset({int, bool}),
        "integer": frozenset({int}),
        "number": frozenset({int, float}),
        "date": frozenset({str}),
        "datetime": frozenset({str}),
        "text": frozenset({str}),
        "any": frozenset({str, int, float, bool}),
    }
    allowed = kinds[kind]
    return allowed | {type(None)} if nullable else allowed


def _strings(columns: Iterable[Iterable[Any]]) -> list[str]:
    """The distinct text cells of `columns` (the columns' cells are scalars)."""
    return [value for value in set().union(*columns) if type(value) is str]


def _cleaned_row(values: list[Any]) -> list[Any]:
    """`_cleaned`, looking at all the row's text at once."""
    if has_unsafe("".join([value for value in values if type(value) is str])):
        return _cleaned(values)
    return values


def _cleaned_rows(rows: list[list[Any]]) -> list[list[Any]]:
    """`_cleaned` of each row, looking at all the text of the batch at once: one unsafe
    character in any cell is one in the concatenation of the distinct cells, and
    concatenation makes none (many cells repeat: a tester, a frozen case, a date)."""
    if not rows or not has_unsafe("".join(_strings(zip(*rows, strict=True)))):
        return rows
    return [_cleaned(values) for values in rows]


def decode_cell(value: Any) -> Any:
    """A cell as SQLite takes it: `{"$blob": …}` is bytes; another object or a list is
    refused (ValueError)."""
    if isinstance(value, dict):
        if set(value) == {"$blob"} and isinstance(value["$blob"], str):
            return base64.b64decode(value["$blob"], validate=True)
        raise ValueError("an object is not a value")
    if isinstance(value, list):
        raise ValueError("a list is not a value")
    return value


def _deep_column(row: dict[str, Any]) -> str:
    texts = [(len(v), c) for c, v in row.items() if isinstance(v, str)]
    return max(texts)[1] if texts else "?"


def _cleaned(values: list[Any]) -> list[Any]:
    """Text no model cleaned (free-form columns, tables without a model): placeholders too."""
    return [
        safe_text(value) if isinstance(value, str) and has_unsafe(value) else value
        for value in values
    ]
