"""The whole workspace as JSON: a lossless dump, and its restore into a new file.

The shape (format version 1)
----------------------------
One JSON document, written one row per line so that both sides stream it table by table
and a large workspace never sits in memory whole::

    {"format": "prodtui-workspace", "format_version": 1, "schema_version": 6, "tables": [
    {"name": "meta", "columns": ["key", "value"], "count": 2, "rows": [
    ["name", "Démarches simplifiées"],
    ["service", "…"]
    ]},
    {"name": "people", "columns": ["id", "name", …], "count": 0, "rows": [
    ]}
    ]}

- `schema_version` is the workspace's `PRAGMA user_version`; a dump from a newer schema
  than this program knows is refused.
- `tables` holds every table of the workspace — SQLite's own tables, FTS5 virtual
  tables and their shadow tables excepted (found from the schema by
  `prodtui.store.table_copy`; the restore rebuilds the search index from its sources,
  `prodtui.store.search.rebuild_search_index`) — parents before children along foreign
  keys, ties by name.
- Each table lists its columns, its row count (a lost line is noticed) and its rows as
  arrays in `columns` order, by rowid. Values are JSON null, numbers and strings as
  SQLite holds them; a BLOB would be `{"$blob": "<base64>"}`.
- The dump carries no export time: the same workspace always gives the same bytes, so
  two dumps compare with `diff` (the file's date tells when it was written).

Any JSON tool may reformat the file: the restore then reads it whole instead of line by
line. A restore always creates a new file, through `open_workspace` (migrations, mode
0600), fills it in one transaction and moves it into place only once complete.

This module holds the format alone: `write_dump` writes the rows it is given, and
`DumpReader` reads them back. Both sides with a workspace (the snapshot, the checks, the
new file) are `prodtui.app.workspace_dump`; their SQL is in `prodtui.store.table_copy`.
"""

from __future__ import annotations

import base64
import json
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass
from typing import IO, Any, Literal, Protocol

from pydantic import BaseModel, ConfigDict, Field, ValidationError

from prodtui.domain.errors import ProdtuiError
from prodtui.exchange.workspace_rows import validation_reasons
from prodtui.i18n import t

FORMAT = "prodtui-workspace"
FORMAT_VERSION = 1
MAX_PROBLEMS = 20
"""Row problems listed before a restore stops reading: the first ones say enough."""
WRITE_BATCH = 1000
"""Rows of a table encoded and written at a time, at most…"""
WRITE_BATCH_CHARS = 1 << 20
"""…and characters: a batch ends at whichever comes first."""
READ_BATCH = 1000
"""Rows of a table parsed at a time by a restore."""
_ENCODER = json.JSONEncoder(
    ensure_ascii=False, separators=(", ", ": "), default=lambda value: _blob(value)
)


def _blob(value: Any) -> dict[str, str]:
    if isinstance(value, bytes):
        return {"$blob": base64.b64encode(value).decode("ascii")}
    raise TypeError(f"cannot write {type(value).__name__} in a dump")


# --- Writing --------------------------------------------------------------------------------


class TextSink(Protocol):
    """Where a dump is written: an open text file, stdout, or a `SafeWriter` over one."""

    def write(self, text: str, /) -> int: ...


@dataclass(frozen=True)
class DumpedTable:
    """One table to write: `rows` (tuples in `columns` order) are read as they are written."""

    name: str
    columns: Sequence[str]
    count: int
    rows: Iterable[Sequence[Any]]


def write_dump(
    out: TextSink,
    schema_version: int,
    tables: Iterable[DumpedTable],
    progress: Callable[[int], None] | None = None,
) -> int:
    """Write a dump of `tables` to `out`, one row a line; returns how many rows. Each
    table's rows are read only when it is written, WRITE_BATCH rows at a time, so a
    generator of tables streams in bounded memory. `progress` is told the rows written
    so far after each batch."""
    out.write(
        f'{{"format": "{FORMAT}", "format_version": {FORMAT_VERSION},'
        f' "schema_version": {schema_version}, "tables": [\n'
    )
    total = 0
    wrote = False
    encode = _ENCODER.encode
    for n, table in enumerate(tables):
        if n:  # the comma after the previous table: only now is it known not to be last
            out.write(",\n")
        count = table.count
        out.write(
            f'{{"name": {encode(table.name)},'
            f' "columns": {encode(list(table.columns))}, "count": {count}, "rows": [\n'
        )
        written = 0
        # One write per batch of rows: the escaping writer and the file see few calls.
        for batch in _encoded_batches(table.rows, encode):
            written += len(batch)
            out.write(",\n".join(batch))
            out.write(",\n" if written < count else "\n")
            if progress is not None:
                progress(total + written)
        if written != count:  # pragma: no cover - the snapshot holds the count
            raise RuntimeError(f"{table.name}: {written} rows read, {count} counted")
        total += count
        out.write("]}")
        wrote = True
    out.write("\n]}\n" if wrote else "]}\n")
    return total


def _encoded_batches(
    rows: Iterable[Sequence[Any]], encode: Callable[[Any], str]
) -> Iterator[list[str]]:
    """`rows` encoded, WRITE_BATCH rows or WRITE_BATCH_CHARS characters at a time: a
    closed campaign's frozen scope alone can be 100 kB, and the memory of an export must
    not grow with the workspace."""
    batch: list[str] = []
    size = 0
    for row in rows:
        text = encode(row)
        batch.append(text)
        size += len(text)
        if len(batch) >= WRITE_BATCH or size >= WRITE_BATCH_CHARS:
            yield batch
            batch, size = [], 0
    if batch:
        yield batch


# --- Reading a dump ------------------------------------------------------------------------


class DumpHeader(BaseModel):
    model_config = ConfigDict(extra="ignore")

    format: Literal["prodtui-workspace"]
    format_version: int = Field(ge=1)
    schema_version: int = Field(ge=1)


class TableHeader(BaseModel):
    model_config = ConfigDict(extra="ignore")

    name: str = Field(min_length=1)
    columns: list[str] = Field(min_length=1)
    count: int = Field(ge=0)


class _DumpTable(TableHeader):
    rows: list[list[Any]]


class _DumpDocument(DumpHeader):
    tables: list[_DumpTable]


Row = tuple[int | None, list[Any]]
"""A row and the line it is on (None when the file was read whole)."""


class DumpReader:
    """Reads a dump from an open text file: line by line when it has the layout the
    export writes, else (reformatted by some tool) whole."""

    def __init__(self, handle: IO[str], source: str, *, supported_schema: int) -> None:
        self.handle = handle
        self.source = source
        self.supported_schema = supported_schema
        self.line = 0
        self._document: _DumpDocument | None = None
        first = self._next_line()
        try:
            self.header = self._streamed_header(first)
        except (ValueError, ValidationError):
            self.header = self._whole(first)

    # -- errors -----------------------------------------------------------------------------

    def damaged(self, detail: str, line: int | None = None) -> ProdtuiError:
        return ProdtuiError("json.damaged", path=self.source, line=line or self.line, detail=detail)

    def truncated(self) -> ProdtuiError:
        return ProdtuiError("json.truncated", path=self.source, line=self.line)

    # -- the two ways of reading ------------------------------------------------------------

    def _next_line(self) -> str:
        try:
            text = self.handle.readline()
        except UnicodeDecodeError as error:
            raise self.damaged(t("json.not_utf8"), self.line + 1) from error
        if text:
            self.line += 1
        return text

    def loads(self, text: str) -> Any:
        """`json.loads`, with nesting too deep for the parser refused in one line."""
        try:
            return json.loads(text)
        except RecursionError:
            raise ProdtuiError("json.too_deep", path=self.source) from None

    def _streamed_header(self, first: str) -> DumpHeader:
        if not first.startswith('{"format": '):
            raise ValueError("not the streamed layout")
        data = self.loads(first + "]}")
        if not isinstance(data, dict) or data.get("tables") != []:
            raise ValueError("not the streamed layout")
        return DumpHeader.model_validate(data)

    def _whole(self, first: str) -> DumpHeader:
        try:
            text = first + self.handle.read()
        except UnicodeDecodeError as error:
            raise self.damaged(t("json.not_utf8")) from error
        if not text.strip():
            raise ProdtuiError("json.not_dump", path=self.source)
        try:
            data = self.loads(text)
        except json.JSONDecodeError as error:
            if error.pos >= len(text.rstrip()):
                raise ProdtuiError("json.truncated", path=self.source, line=error.lineno) from None
            raise ProdtuiError(
                "json.not_json", path=self.source, line=error.lineno, detail=error.msg
            ) from None
        if not isinstance(data, dict) or data.get("format") != FORMAT:
            raise ProdtuiError("json.not_dump", path=self.source)
        try:
            header = DumpHeader.model_validate({k: v for k, v in data.items() if k != "tables"})
        except ValidationError as error:
            detail = "; ".join(validation_reasons(error))
            raise ProdtuiError("json.bad_header", path=self.source, detail=detail) from None
        check_versions(header, self.source, self.supported_schema)
        try:
            self._document = _DumpDocument.model_validate(data)
        except ValidationError as error:
            problem = error.errors()[0]
            where = ".".join(str(part) for part in problem["loc"])
            raise self.damaged(f"{where}: {problem['msg']}", line=0) from None
        return header

    def tables(self) -> Iterator[tuple[TableHeader, Iterator[Row]]]:
        """Each table's header and its rows; each row iterator must be used up before
        the next table is asked for."""
        if self._document is not None:
            for dumped in self._document.tables:
                yield dumped, ((None, row) for row in dumped.rows)
            return
        while True:
            text = self._next_line()
            if not text:
                raise self.truncated()
            stripped = text.strip()
            if stripped == "]}":
                self._expect_end()
                return
            table = self._table_header(stripped)
            last = self._rows_holder()
            yield table, self._rows(table, last)
            if last[0] == "]}":
                text = self._next_line()
                if not text:
                    raise self.truncated()
                if text.strip() != "]}":
                    raise self.damaged(t("json.expected_end"))
                self._expect_end()
                return

    @staticmethod
    def _rows_holder() -> list[str]:
        return [""]

    def _table_header(self, stripped: str) -> TableHeader:
        try:
            data = self.loads(stripped + "]}")
            header = TableHeader.model_validate(data)
        except (ValueError, ValidationError) as error:
            raise self.damaged(t("json.expected_table")) from error
        if data.get("rows") != []:
            raise self.damaged(t("json.expected_table"))
        return header

    def _rows(self, table: TableHeader, last: list[str]) -> Iterator[Row]:
        found = 0
        texts: list[str] = []
        readline = self.handle.readline
        while True:
            try:
                text = readline()
            except UnicodeDecodeError as error:
                raise self.damaged(t("json.not_utf8"), self.line + 1) from error
            # The export's own layout, `[…],` on a line of its own, taken as it is; any
            # other line goes through the general rules below.
            if text[:1] == "[" and text[-3:] == "],\n":
                self.line += 1
                texts.append(text[:-2])
                if len(texts) >= READ_BATCH:
                    found += len(texts)
                    yield from self._parsed(texts, self.line)
                    texts.clear()
                continue
            if not text:
                raise self.truncated()
            self.line += 1
            stripped = text.strip()
            if stripped in ("]}", "]},"):
                last[0] = stripped
                break
            if not text.endswith("\n"):
                raise self.truncated()  # the file stops in the middle of a row
            texts.append(stripped.removesuffix(","))
            if len(texts) >= READ_BATCH:
                found += len(texts)
                yield from self._parsed(texts, self.line)
                texts.clear()
        found += len(texts)
        yield from self._parsed(texts, self.line - 1)  # the line read last closes the table
        if found != table.count:
            raise self.damaged(
                t("json.count_mismatch", table=table.name, expected=table.count, found=found)
            )

    def _parsed(self, texts: list[str], last: int) -> list[Row]:
        """The rows of the lines `texts` (the last on line `last`), in one parse: one call
        of the parser per line cost as much as the parsing. A batch that does not read
        as one row per line is read line by line, to name the damaged line."""
        first = last - len(texts) + 1
        try:
            rows = self.loads("[" + ",".join(texts) + "]")
        except ValueError:
            rows = None
        if isinstance(rows, list) and len(rows) == len(texts):
            return list(enumerate(rows, first))
        parsed: list[Row] = []
        for number, text in enumerate(texts, first):
            try:
                parsed.append((number, self.loads(text)))
            except ValueError as error:
                raise self.damaged(str(error), line=number) from error
        return parsed

    def _expect_end(self) -> None:
        rest = self.handle.read()
        if rest.strip():
            raise self.damaged(t("json.trailing"), self.line + 1)


def check_versions(header: DumpHeader, source: str, supported_schema: int) -> None:
    """Refuse a dump of a newer format, or of a newer schema than `supported_schema` (the
    latest the store knows)."""
    if header.format_version > FORMAT_VERSION:
        raise ProdtuiError(
            "json.format_too_new",
            path=source,
            version=header.format_version,
            supported=FORMAT_VERSION,
        )
    if header.schema_version > supported_schema:
        raise ProdtuiError(
            "json.too_new", path=source, version=header.schema_version, supported=supported_schema
        )


class DumpRefused(ProdtuiError):
    """Rows of the dump break the app's rules: each is listed (the first MAX_PROBLEMS),
    nothing was restored."""

    def __init__(self, source: str, problems: list[str]) -> None:
        key = "json.refused_first" if len(problems) >= MAX_PROBLEMS else "json.refused"
        super().__init__(key, path=source, count=len(problems))
        self.problems = problems
