"""JUnit XML reports of automated suites, read safely, and `prodtui import junit`.

A report comes from a command the user runs, possibly on a branch someone else wrote: it is
untrusted input. It is parsed by defusedxml's expat parser before junitparser sees it:
no DTD, no entity declaration (the "billion laughs"), no external reference (`file:///`,
`http://`) is accepted; an oversized, truncated or malformed file is refused with one line
saying where. Parsing needs no workspace, so the screen can run it in a worker thread.

Mapping of a `<testcase>`: a key `TC-12` in a `<property>` value, the test's name or its
classname names that case; otherwise the result goes to the automated case of that test
(`classname::name`), created on its first import. `<failure>` → fail, `<error>` → blocked,
`<skipped>` → not run (its reason as comment), nothing → pass; `time` → duration.

A failure's comment is its message, a blank line, then its body (a traceback, a stack, a
diff): kept apart, never glued together, so that the log and the report show them apart.
"""

from __future__ import annotations

import math
import re
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any, cast
from xml.etree.ElementTree import Element, ParseError, TreeBuilder, XMLPullParser
from xml.parsers.expat import errors as expat_errors

import junitparser
from defusedxml.ElementTree import DefusedXMLParser
from pydantic import BaseModel

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.recette import CASE_KEY, AutomatedResult, ExecutionStatus, case_number
from prodtui.domain.text import safe_line, safe_text
from prodtui.exchange.files import InputMessages, read_input_file

MAX_BYTES = 50 * 1024 * 1024
"""Far above any real report (10,000 tests with tracebacks weigh a few MB)."""
MAX_NAME = 999
"""A name or classname longer than this is shortened, with a visible `…`: the case's
`classname::name` key then stays within its 2,000 characters."""
MAX_COMMENT = 4_000

_TRUNCATED = {
    expat_errors.codes[expat_errors.XML_ERROR_NO_ELEMENTS],
    expat_errors.codes[expat_errors.XML_ERROR_UNCLOSED_TOKEN],
    expat_errors.codes[expat_errors.XML_ERROR_PARTIAL_CHAR],
    expat_errors.codes[expat_errors.XML_ERROR_UNCLOSED_CDATA_SECTION],
}


class JUnitReport(BaseModel):
    path: str
    results: list[AutomatedResult]

    def counts(self) -> dict[ExecutionStatus, int]:
        counts = dict.fromkeys(ExecutionStatus, 0)
        for result in self.results:
            counts[result.status] += 1
        return counts


# -- reading ------------------------------------------------------------------------------


_REPORT_FILE = InputMessages(
    missing="input.missing",
    not_a_file="junit.not_a_file",
    unreadable="junit.unreadable",
    too_big="junit.too_big",
)


def read_junit(path: Path) -> JUnitReport:
    """Read and parse the report at `path`; ProdtuiError (junit.*) when it is refused."""
    # A folder, a FIFO or /dev/zero is never read; nor more than MAX_BYTES.
    return parse_junit(read_input_file(path, MAX_BYTES, messages=_REPORT_FILE), str(path))


def read_junit_results(path: Path) -> Iterator[AutomatedResult]:
    """The results of the report at `path` one by one (see `iter_junit`): the file is read
    now, refused now when it cannot be; the report is parsed as the results are taken."""
    return iter_junit(read_input_file(path, MAX_BYTES, messages=_REPORT_FILE), str(path))


class _GuardedParser(DefusedXMLParser):
    """defusedxml's expat parser, refusing with a message that says what was found and
    where: a DTD at its end, an entity declaration or external reference at once."""

    def __init__(self, label: str) -> None:
        super().__init__(
            target=TreeBuilder(), forbid_dtd=False, forbid_entities=True, forbid_external=True
        )
        self.label = label
        self.parser.StartDoctypeDeclHandler = self._doctype_start
        self.parser.EndDoctypeDeclHandler = self._doctype_end

    def _line(self) -> int:
        return int(self.parser.CurrentLineNumber)

    def _external(self, target: str | None) -> ProdtuiError:
        return ProdtuiError(
            "junit.external_entity", path=self.label, line=self._line(), target=target or "?"
        )

    def _doctype_start(self, name: str, sysid: str | None, pubid: str | None, _: int) -> None:
        if sysid or pubid:  # an external DTD: refused before expat could look for it
            raise self._external(sysid or pubid)

    def _doctype_end(self) -> None:
        # Reached only when the DTD declared no entity (those are refused on the spot).
        raise ProdtuiError("junit.dtd", path=self.label, line=self._line())

    def defused_entity_decl(
        self,
        name: str,
        is_parameter_entity: bool,
        value: str | None,
        base: str | None,
        sysid: str | None,
        pubid: str | None,
        notation_name: str | None,
    ) -> None:
        if sysid or pubid:
            raise self._external(sysid or pubid)
        raise ProdtuiError("junit.entities", path=self.label, line=self._line(), name=name)

    def defused_unparsed_entity_decl(
        self,
        name: str,
        base: str | None,
        sysid: str | None,
        pubid: str | None,
        notation_name: str | None,
    ) -> None:
        raise self._external(sysid or pubid)

    def defused_external_entity_ref_handler(
        self, context: str | None, base: str | None, sysid: str | None, pubid: str | None
    ) -> None:
        raise self._external(sysid or pubid)


Event = tuple[str, Element, list[Element]]
"""`(event, element, parents)`: "start" or "end" of `element`, inside `parents` (the root
first)."""
CHUNK = 256 * 1024
"""Bytes given to expat at a time: the events of one chunk are handled before the next."""


def xml_events(data: bytes, label: str) -> Iterator[Event]:
    """Where each element of `data` starts and ends, parsed without DTD, entities or
    external references.

    Read a chunk at a time, so that a caller can take what it needs from an element and
    drop it from its parent: the whole tree need not stand in memory. An element handed
    out may be read at its "end" only (its children are parsed by then). Refused with a
    ProdtuiError saying where, possibly after some events: a caller keeps nothing until
    the events run out."""
    if not _looks_like_xml(data):
        raise ProdtuiError("junit.not_xml", path=label)
    parser: XMLPullParser[Any] = XMLPullParser(("start", "end"), _parser=_GuardedParser(label))
    parents: list[Element] = []
    try:
        for start in [*range(0, len(data), CHUNK), -1]:
            if start >= 0:
                parser.feed(data[start : start + CHUNK])
            else:
                parser.close()  # an empty or truncated file is refused here
            for event, element in cast(Iterator[tuple[str, Element]], parser.read_events()):
                if event == "end":
                    parents.pop()
                yield event, element, parents
                if event == "start":
                    parents.append(element)
    except ParseError as error:
        line, column = getattr(error, "position", (0, 0))
        code = getattr(error, "code", None)
        if code in _TRUNCATED:
            raise ProdtuiError(
                "junit.truncated", path=label, line=line, column=column + 1
            ) from None
        detail = expat_errors.messages.get(code, str(error)) if code else str(error)
        raise ProdtuiError(
            "junit.malformed", path=label, line=line, column=column + 1, detail=detail
        ) from None
    except RecursionError:  # pragma: no cover - expat and the tree builder do not recurse
        raise ProdtuiError(
            "junit.malformed", path=label, line="?", column="?", detail="nesting too deep"
        ) from None


def parse_xml(data: bytes, label: str) -> Element:
    """The root element of `data`, parsed whole (see `xml_events`)."""
    root: Element | None = None
    for _, element, parents in xml_events(data, label):
        root = element if not parents else parents[0]
    assert root is not None  # expat refuses a document without an element
    return root


def _looks_like_xml(data: bytes) -> bool:
    """XML starts with `<` (after a byte order mark and blanks); an empty file is left to
    the parser, which says it ends too early."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):  # UTF-16: expat reads it
        return True
    text = data.removeprefix(b"\xef\xbb\xbf").lstrip(b" \t\r\n")
    return not text or text.startswith(b"<")


JUNIT_ROOTS = ("testsuites", "testsuite")


def parse_junit(data: bytes, label: str = "JUnit") -> JUnitReport:
    """Every result of the report at once (see `iter_junit`)."""
    return JUnitReport(path=label, results=list(iter_junit(data, label)))


def iter_junit(data: bytes, label: str = "JUnit") -> Iterator[AutomatedResult]:
    """The results of a report one by one, in the order the report opens its testcases,
    however deeply suites nest. A refusal (malformed, not JUnit, no test) may come after
    some results: a caller writes nothing before the last.

    Each `<testcase>` is read as it ends and dropped from its suite (unless it sits in
    another testcase): neither the report's tree nor its results stand whole in memory,
    so that an import keeps only what it needs of each result."""
    file_name = Path(label).name
    opened: dict[int, int] = {}
    count = 0
    # A testcase nested in another ends first: it waits for the outer one.
    ended: dict[int, AutomatedResult] = {}
    following = 1
    root: Element | None = None
    for event, element, parents in xml_events(data, label):
        if not parents:
            root = element
        if element.tag != "testcase" or not parents or parents[0].tag not in JUNIT_ROOTS:
            continue
        if event == "start":
            count += 1
            opened[id(element)] = count
            continue
        index = opened.pop(id(element))
        ended[index] = _result(junitparser.TestCase.fromelem(element), index, file_name)
        if not any(parent.tag == "testcase" for parent in parents):
            parents[-1].remove(element)  # its earlier siblings are gone: found first
        while following in ended:
            yield ended.pop(following)
            following += 1
    assert root is not None  # expat refuses a document without an element
    tag = root.tag if isinstance(root.tag, str) else "?"
    if tag not in JUNIT_ROOTS:
        raise ProdtuiError("junit.not_junit", path=label, root=tag[:80])
    # junitparser's own check of the shape; it takes ElementTree elements, whatever its
    # annotation says.
    junitparser.JUnitXml.fromroot(root)  # type: ignore[arg-type]
    if not count:
        raise ProdtuiError("junit.empty", path=label)


_OUTCOMES = (
    (junitparser.Failure, ExecutionStatus.FAIL),
    (junitparser.Error, ExecutionStatus.BLOCKED),
    (junitparser.Skipped, ExecutionStatus.NOT_RUN),
)


def _result(case: junitparser.TestCase, index: int, file_name: str) -> AutomatedResult:
    name = _clip(safe_line(case.name or ""), MAX_NAME) or f"testcase {index}"
    classname = _clip(safe_line(case.classname or ""), MAX_NAME)
    # A passed test has no child element: no outcome, no property to read.
    children = len(case._elem) > 0
    outcomes = case.result if children else []
    status, comment = ExecutionStatus.PASS, ""
    for kind, mapped in _OUTCOMES if outcomes else ():
        found = [outcome for outcome in outcomes if isinstance(outcome, kind)]
        if found:
            status = mapped
            comment = _reason(found[0]) if kind is junitparser.Skipped else _failure(found[0])
            break
    # Built without a second check: name and classname are clean lines already, the
    # comment is cleaned here as `CleanText` would, the duration is None or at least 0 and
    # the status is one of the enum: `AutomatedResult` would accept the same values
    # unchanged (tests/test_junit_stream.py), without running its validators again.
    return AutomatedResult.model_construct(
        position=f"{file_name}: testcase {index} ({classname}::{name})",
        name=name,
        # Shared by the tests of one class: one string, not one per test.
        classname=sys.intern(classname),
        case_number=_named_case(case, name, classname, children),
        status=status,
        comment=safe_text(comment) if comment else "",
        duration_s=_seconds(case),
    )


def _named_case(
    case: junitparser.TestCase, name: str, classname: str, children: bool = True
) -> int | None:
    """A property whose value is a key wins, then a key in the name, then in the classname."""
    for prop in case._elem.iterfind("properties/property") if children else ():
        value = (prop.get("value") or "").strip()
        if CASE_KEY.fullmatch(value):
            return case_number(value)
    return case_number(name) or case_number(classname)


def _reason(outcome: Any) -> str:
    """A skip's reason: its message, else the last line of its text, else its type."""
    message = (outcome.message or "").strip()
    if not message:
        lines = _lines(outcome.text)
        message = lines[-1].strip() if lines else (outcome.type or "")
    return _clip(message, MAX_COMMENT)


_STACK_FRAME = re.compile(r"\s*at\s")
"""A frame of a JavaScript, Java or .NET stack: `    at f (file.js:12:3)`."""


def _failure(outcome: Any) -> str:
    """The failure's message, then its body apart: `message\n\nbody`. Without a message,
    the error the body names comes first: the last line of a Python traceback, the first
    line of a stack (JavaScript, Java); the rest of the body follows, not that line twice."""
    message = (outcome.message or "").strip()
    body = _lines(outcome.text)
    if message:
        if body and body[0].strip() == message:  # a body opening with the message again
            body = body[1:]
    elif body:
        at = 0 if _STACK_FRAME.match(body[-1]) else len(body) - 1
        message = body.pop(at).strip()
    else:
        message = outcome.type or ""
    details = "\n".join(body).strip("\n")
    if not details or details.strip() == message:
        return _clip(message, MAX_COMMENT)
    return _clip(f"{_clip(message, MAX_COMMENT)}\n\n{details}", MAX_COMMENT)


def _lines(text: str | None) -> list[str]:
    """The lines of an element's text, trailing blanks and blank lines at either end
    dropped; the indentation of a traceback kept."""
    lines = [line.rstrip() for line in (text or "").splitlines()]
    while lines and not lines[0]:
        lines.pop(0)
    while lines and not lines[-1]:
        lines.pop()
    return lines


def _seconds(case: junitparser.TestCase) -> float | None:
    try:
        seconds = case.time
    except (TypeError, ValueError):  # `time="1,5"` or `time="n/a"`: the result still counts
        return None
    if seconds is None or not math.isfinite(seconds) or seconds < 0:
        return None
    return round(float(seconds), 3)


def _clip(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[: limit - 1] + "…"
