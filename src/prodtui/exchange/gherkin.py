"""Acceptance criteria in Gherkin, checked with `gherkin-official` as the user types.

Criteria are usually typed without a `Fonctionnalité:` line and without a `# language:`
header: the text is then wrapped in a feature header before parsing (error lines are shifted
back), and French then English keywords are tried. A `# language: xx` header always wins.
Messages are the catalogue's `gherkin.*`, in the interface language.
"""

from __future__ import annotations

import re
import textwrap
from bisect import bisect_right
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, cast

from gherkin.dialect import Dialect
from gherkin.errors import CompositeParserException, ParserException
from gherkin.parser import Parser
from gherkin.token import Token
from gherkin.token_matcher import TokenMatcher
from pydantic import BaseModel

from prodtui.i18n import LANGUAGES, t, translate

FALLBACK_LANGUAGES = ("fr", "en")
_LANGUAGE_HEADER = TokenMatcher.LANGUAGE_RE
_SHOWN = 40  # characters of an offending line quoted in a message
LineMap = Callable[[int], int]  # a line of the parsed text → the line the user typed

# Keywords shown in messages and templates; other dialects use their first keywords.
_PREFERRED_STEPS = {"fr": ("Étant donné", "Quand", "Alors", "Et", "Mais")}


class ScenarioSummary(BaseModel):
    name: str
    keyword: str
    line: int
    steps: int
    examples_rows: int | None = None
    """Rows of the Examples tables of a Scenario Outline; None for a plain Scenario."""


class GherkinProblem(BaseModel):
    line: int
    column: int | None = None
    message: str


class GherkinCheck(BaseModel):
    language: str
    scenarios: list[ScenarioSummary] = []
    errors: list[GherkinProblem] = []
    has_feature: bool = False
    """The text has its own Feature line (else it was wrapped before parsing)."""

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def valid_scenarios(self) -> int:
        """What the Definition of Ready counts: scenarios with steps, in criteria that check."""
        return sum(1 for s in self.scenarios if s.steps) if self.ok else 0


@dataclass
class GherkinParse:
    """A parse with its AST, for the exchange modules. `lint` holds what Gherkin accepts
    but criteria should not contain (stray text taken as a description)."""

    language: str
    document: dict[str, Any] | None = None
    errors: list[GherkinProblem] = field(default_factory=list)
    lint: list[GherkinProblem] = field(default_factory=list)
    scenarios: list[ScenarioSummary] = field(default_factory=list)
    wrapped_at: int | None = None

    def check(self) -> GherkinCheck:
        return GherkinCheck(
            language=self.language,
            scenarios=self.scenarios,
            errors=sorted(self.errors + self.lint, key=lambda p: (p.line, p.column or 0)),
            has_feature=self.wrapped_at is None
            and bool((self.document or {}).get("feature") or self.errors),
        )


def check_gherkin(text: str, default_language: str = "fr") -> GherkinCheck:
    """Check acceptance criteria; never raises."""
    return parse_gherkin(text, default_language).check()


def parse_gherkin(text: str, default_language: str = "fr", *, wrap: bool = True) -> GherkinParse:
    """Parse `text`, trying `default_language` then French and English unless a header names
    the language. With `wrap`, a text without a Feature line is given one. Never raises."""
    try:
        return _parse_best(_lines(text), default_language, wrap)
    except Exception as error:  # a crash here would take the editor down with it
        detail = str(error)[:_SHOWN] or type(error).__name__
        problem = GherkinProblem(line=1, message=t("gherkin.unreadable", detail=detail))
        return GherkinParse(language=default_language, errors=[problem])


def scenario_template(language: str) -> str:
    """A scenario to insert in the editor, in `language` (any Gherkin dialect)."""
    language = language if Dialect.for_name(language) else "fr"
    dialect = _dialect(language)
    given, when, then = _step_names(language, dialect)[:3]
    # In the catalogue's language when it has the dialect's, else in English.
    words = translate(language if language in LANGUAGES else "en", "gherkin.template").split("|")
    return (
        f"{_scenario_keyword(dialect)}: {words[0]}\n"
        f"  {given} {words[1]}\n  {when} {words[2]}\n  {then} {words[3]}\n"
    )


def criteria_body(text: str, default_language: str = "fr") -> tuple[str, str]:
    """The scenarios part of criteria and its language: without the `# language:` header,
    the Feature line and its description; dedented, blank edges removed."""
    lines = _lines(text)
    language = _header_language(lines) or parse_gherkin(text, default_language).language
    dialect = _dialect(language)
    content = _first_content(lines)
    feature = _feature_line(lines, content, dialect) if content is not None else None
    start = 0
    if feature is not None:
        start = len(lines)
        for index in range(feature + 1, len(lines)):
            if _starts_child(lines[index], dialect):
                start = index
                break
        # Comments above the first scenario belong to the criteria, not to the description.
        while start > feature + 1 and (
            not lines[start - 1].strip() or lines[start - 1].lstrip().startswith("#")
        ):
            start -= 1
    body = [line for line in lines[start:] if not _LANGUAGE_HEADER.match(line)]
    return textwrap.dedent("\n".join(body)).strip("\n").rstrip(), language


def dialect_keywords(language: str) -> tuple[str, ...]:
    """Keywords that open a Gherkin block (`Scénario`, `Contexte`…) in `language`."""
    dialect = _dialect(language)
    return tuple(
        dialect.feature_keywords
        + dialect.background_keywords
        + dialect.scenario_keywords
        + dialect.scenario_outline_keywords
        + dialect.examples_keywords
        + dialect.rule_keywords
    )


def is_dialect(language: str) -> bool:
    """Whether Gherkin knows `language` (`fr`, `en`, `de`…)."""
    return Dialect.for_name(language) is not None


def feature_keyword(language: str) -> str:
    return _dialect(language).feature_keywords[0]


class _RecordingMatcher(TokenMatcher):
    """Remembers the free-text lines Gherkin took as descriptions (outside doc strings),
    so that a misspelt step keyword can be reported instead of silently swallowed."""

    def reset(self) -> None:
        super().reset()
        self.free_lines: list[tuple[int, int, str]] = []

    def match_Other(self, token: Token) -> bool:
        line = token.line
        if not self._active_doc_string_separator and line and not line.is_empty():
            text = line.get_line_text().strip()
            self.free_lines.append((token.location["line"], line.indent + 1, text))
        return super().match_Other(token)


def _lines(text: str) -> list[str]:
    return str(text).replace("\r\n", "\n").replace("\r", "\n").split("\n")


def _dialect(language: str) -> Dialect:
    dialect = Dialect.for_name(language) or Dialect.for_name("fr")
    assert dialect is not None  # French ships with gherkin-official
    return dialect


def _first_content(lines: list[str]) -> int | None:
    for index, line in enumerate(lines):
        stripped = line.strip()
        if stripped and not stripped.startswith("#"):
            return index
    return None


def _header_language(lines: list[str]) -> str | None:
    """The `# language:` line, honoured (as Gherkin does) only among the leading comments."""
    for line in lines:
        match = _LANGUAGE_HEADER.match(line)
        if match:
            return match.group(1)
        if line.strip() and not line.lstrip().startswith("#"):
            return None
    return None


def _feature_line(lines: list[str], start: int, dialect: Dialect) -> int | None:
    """The index of the Feature line when the text starts with one (after its tags)."""
    for index in range(start, len(lines)):
        stripped = lines[index].strip()
        if not stripped or stripped.startswith(("@", "#")):
            continue
        keywords = dialect.feature_keywords
        return index if any(stripped.startswith(f"{k}:") for k in keywords) else None
    return None


def _starts_child(line: str, dialect: Dialect) -> bool:
    stripped = line.strip()
    keywords = (
        dialect.background_keywords
        + dialect.scenario_keywords
        + dialect.scenario_outline_keywords
        + dialect.rule_keywords
    )
    return stripped.startswith("@") or any(stripped.startswith(f"{k}:") for k in keywords)


def _parse_best(lines: list[str], default_language: str, wrap: bool) -> GherkinParse:
    if Dialect.for_name(default_language) is None:
        default_language = "fr"
    header = _header_language(lines)
    if _first_content(lines) is None:
        return GherkinParse(language=header or default_language)
    if header:
        # An unknown header is parsed with the default dialect: Gherkin reports the language.
        known = Dialect.for_name(header) is not None
        return _parse(lines, header if known else default_language, wrap)
    candidates = [
        default_language,
        *(lang for lang in FALLBACK_LANGUAGES if lang != default_language),
    ]
    attempts = []
    for language in candidates:
        attempt = _parse(lines, language, wrap)
        if not attempt.errors and not attempt.lint:
            return attempt
        attempts.append(attempt)
    # Fewest problems wins; on a tie, the one that read further; then the default language.
    return min(
        attempts,
        key=lambda a: (
            len(a.errors) + len(a.lint),
            -min(p.line for p in a.errors + a.lint),
        ),
    )


def _parse(lines: list[str], language: str, wrap: bool) -> GherkinParse:
    dialect = _dialect(language)
    start = _first_content(lines)
    assert start is not None
    wrapped_at = None
    if wrap and _feature_line(lines, start, dialect) is None:
        lines = [*lines[:start], f"{dialect.feature_keywords[0]}:", *lines[start:]]
        wrapped_at = start + 1

    def original(line: int) -> int:
        return line - 1 if wrapped_at is not None and line > wrapped_at else line

    last_line = max(1, len(lines) - (wrapped_at is not None))
    matcher = _RecordingMatcher(language)
    result = GherkinParse(language=language, wrapped_at=wrapped_at)
    try:
        # The typed AST (TypedDicts) is walked here as the plain dicts it is at run time.
        result.document = cast("dict[str, Any]", Parser().parse("\n".join(lines), matcher))
    except CompositeParserException as composite:
        result.errors = [_problem(e, language, original, last_line) for e in composite.errors]
    except ParserException as error:
        result.errors = [_problem(error, language, original, last_line)]
    if result.document is not None:
        feature = result.document.get("feature")
        if feature:
            result.scenarios = _summaries(feature, dialect, original)
            result.lint = _lint(feature, matcher.free_lines, language, original, wrapped_at)
    return result


def _problem(error: ParserException, language: str, original: LineMap, last: int) -> GherkinProblem:
    location = getattr(error, "location", None) or {}
    line = min(max(1, original(int(location.get("line") or 1))), last)
    column = location.get("column") or None
    return GherkinProblem(line=line, column=column, message=_readable(error, language))


_EXPECTED = re.compile(r"expected: (?P<expected>.*?)(?:, got '(?P<got>.*)')?$", re.DOTALL)


def _readable(error: ParserException, language: str) -> str:
    text = error.args[0] if error.args else str(error)
    text = re.sub(r"^\(\d+:\d+\): ", "", str(text))
    if text.startswith("inconsistent cell count"):
        return t("gherkin.cells")
    if text.startswith("Language not supported: "):
        return t("gherkin.language", language=text.removeprefix("Language not supported: "))
    match = _EXPECTED.search(text)
    if not match:
        return text
    expected = _expected_words(match.group("expected").split(", "), language)
    if match.group("got") is None:
        return t("gherkin.eof", expected=expected)
    return t("gherkin.unexpected", got=_shorten(match.group("got")), expected=expected)


def _expected_words(tokens: list[str], language: str) -> str:
    dialect = _dialect(language)
    keywords = {
        "#StepLine": t("gherkin.step", steps=", ".join(_step_names(language, dialect))),
        "#ScenarioLine": f"{_scenario_keyword(dialect)}:",
        "#ExamplesLine": f"{dialect.examples_keywords[0]}:",
        "#BackgroundLine": f"{dialect.background_keywords[0]}:",
        "#RuleLine": f"{dialect.rule_keywords[0]}:",
        "#FeatureLine": f"{dialect.feature_keywords[0]}:",
    }
    others = {
        "#TagLine": t("gherkin.tag"),
        "#TableRow": t("gherkin.table"),
        "#DocStringSeparator": t("gherkin.docstring"),
        "#EOF": t("gherkin.end"),
    }
    # Keywords are what a user mistyped; tags, tables and the end are named only when
    # nothing else fits. Comments, blank lines and free text are always possible: noise.
    shown = [keywords[name] for name in keywords if name in tokens]
    shown = shown or [others[name] for name in others if name in tokens]
    if not shown:
        return ", ".join(tokens)
    return (
        ", ".join(shown[:-1]) + f" {t('gherkin.or')} " + shown[-1] if len(shown) > 1 else shown[0]
    )


def _step_names(language: str, dialect: Dialect) -> tuple[str, ...]:
    if language in _PREFERRED_STEPS:
        return _PREFERRED_STEPS[language]
    groups = (
        dialect.given_keywords,
        dialect.when_keywords,
        dialect.then_keywords,
        dialect.and_keywords,
        dialect.but_keywords,
    )
    return tuple(next((k.strip() for k in g if k.strip() != "*"), "*") for g in groups)


def _scenario_keyword(dialect: Dialect) -> str:
    # `Scénario` rather than `Exemple`, `Scenario` rather than `Example`.
    return dialect.scenario_keywords[-1]


def _shorten(text: str) -> str:
    # Quoted back to the user: no control or invisible characters in the message.
    text = "".join(c if c.isprintable() else " " for c in text).strip()
    return text if len(text) <= _SHOWN else text[: _SHOWN - 1] + "…"


def _children(feature: dict[str, Any]) -> list[tuple[str, dict[str, Any]]]:
    """(kind, node) of backgrounds, scenarios and rules, rule children included."""
    found = []
    for child in feature.get("children", []):
        for kind, node in child.items():
            found.append((kind, node))
            if kind == "rule":
                found.extend(_children(node))
    return found


def _summaries(
    feature: dict[str, Any], dialect: Dialect, original: LineMap
) -> list[ScenarioSummary]:
    summaries = []
    for kind, node in _children(feature):
        if kind != "scenario":
            continue
        examples = node.get("examples", [])
        outline = bool(examples) or node["keyword"] in dialect.scenario_outline_keywords
        summaries.append(
            ScenarioSummary(
                name=node.get("name", ""),
                keyword=node["keyword"],
                line=original(node["location"]["line"]),
                steps=len(node.get("steps", [])),
                examples_rows=sum(len(e.get("tableBody", [])) for e in examples)
                if outline
                else None,
            )
        )
    return summaries


def _lint(
    feature: dict[str, Any],
    free_lines: list[tuple[int, int, str]],
    language: str,
    original: LineMap,
    wrapped_at: int | None,
) -> list[GherkinProblem]:
    """Free text Gherkin accepted as a description but that criteria should not contain: a
    misspelt first step inside a scenario, text before any scenario."""
    dialect = _dialect(language)
    blocks = [(feature["location"]["line"], "feature")]
    for kind, node in _children(feature):
        blocks.append((node["location"]["line"], kind))
        blocks.extend((e["location"]["line"], "examples") for e in node.get("examples", []))
    blocks.sort()
    starts = [line for line, _ in blocks]
    step_keywords = tuple(
        k
        for k in dialect.given_keywords
        + dialect.when_keywords
        + dialect.then_keywords
        + dialect.and_keywords
        + dialect.but_keywords
        if k.strip() != "*"
    )
    scenario = _scenario_keyword(dialect)
    problems = []
    for line, column, text in free_lines:
        kind = blocks[max(0, bisect_right(starts, line) - 1)][1]
        got = _shorten(text)
        if kind == "examples":
            message = t("gherkin.unexpected", got=got, expected=t("gherkin.table"))
        elif kind in ("scenario", "background"):
            steps = ", ".join(_step_names(language, dialect))
            message = t("gherkin.not_a_step", got=got, steps=steps)
        elif text.startswith(step_keywords):
            message = t("gherkin.step_outside", got=got, scenario=scenario)
        elif kind == "feature" and wrapped_at is not None:
            message = t("gherkin.outside", got=got, scenario=scenario)
        else:
            continue  # a Feature or Rule description the author wrote on purpose
        problems.append(GherkinProblem(line=original(line), column=column, message=message))
    return problems
