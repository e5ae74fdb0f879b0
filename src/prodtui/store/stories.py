"""The backlog: stories in rank order, read page by page; epics and sprints."""

from __future__ import annotations

from collections.abc import Callable
from itertools import groupby
from operator import itemgetter
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.items import Item
from prodtui.domain.stories import Epic, Priority, Sprint, Story, StoryStatus
from prodtui.domain.text import safe_line
from prodtui.exchange.story_import import ImportedStory, ImportProblem
from prodtui.i18n import t, tn
from prodtui.store.base import (
    BOOKKEEPING,
    CREATED,
    Repository,
    audit_summary,
    now,
    to_text,
)
from prodtui.store.people import same_name

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

RANK_STEP = 1000
MIN_GAP = 1e-6


class StoryFilter(BaseModel):
    text: str = ""
    status: StoryStatus | None = None
    priority: Priority | None = None
    epic_id: int | None = None
    sprint_id: int | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for word in self.text.split():
            escaped = word.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
            like = f"%{escaped}%"
            if word.upper().startswith("US-") and word[3:].isdigit():
                clauses.append("number = ?")
                params.append(int(word[3:]))
                continue
            clauses.append(
                "(title LIKE ? ESCAPE '\\' OR persona LIKE ? ESCAPE '\\'"
                " OR want LIKE ? ESCAPE '\\' OR so_that LIKE ? ESCAPE '\\')"
            )
            params += [like] * 4
        for column in ("status", "priority", "epic_id", "sprint_id"):
            value = getattr(self, column)
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value.value if hasattr(value, "value") else value)
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params

    @property
    def active(self) -> bool:
        return bool(self.text.strip()) or any(
            getattr(self, c) is not None for c in ("status", "priority", "epic_id", "sprint_id")
        )


class ImportOutcome(BaseModel):
    created: list[str] = []
    updated: list[str] = []
    skipped: list[str] = []

    def summary(self) -> str:
        return t(
            "story.imported",
            created=tn("story.imported_created", len(self.created)),
            updated=tn("story.imported_updated", len(self.updated)),
        )


class ImportRefused(ProdtuiError):
    """The import names things the workspace cannot take: nothing was written."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("story.import_refused", count=len(problems))
        self.problems = problems


class SprintLoad(BaseModel):
    sprint: Sprint
    committed: int
    done: int
    stories: int


class StoryRepository(Repository[Story]):
    table = "stories"
    model = Story

    def add(self, story: Story) -> Story:
        """A new story goes to the bottom of the backlog with its own number if it brings a
        free one (an import), else the next number."""
        with self.ws.transaction():
            following, rank = self.ws.conn.execute(
                "SELECT coalesce(max(number), 0) + 1, coalesce(max(rank), 0) + ? FROM stories",
                [RANK_STEP],
            ).fetchone()
            number = story.number
            if number is None or self.by_key(f"US-{number}") is not None:
                number = following
            return self._insert(story.edit(number=number, rank=rank))

    def save(self, story: Story) -> Story:
        return self._update(story)

    def by_key(self, key: str) -> Story | None:
        text = key.strip().upper().removeprefix("#")
        if not (text.startswith("US-") and text[3:].isdigit()):
            return None
        rows = self.ws.rows("SELECT * FROM stories WHERE number = ?", [int(text[3:])])
        return Story.model_validate(rows[0]) if rows else None

    def set_status(self, story: Story, status: StoryStatus, *, reason: str = "") -> Story:
        """Change the status; a reason (a Definition of Ready overridden) goes to the audit
        log. On a conflict the reason travels with mine, so that it is kept if mine is set
        aside."""
        with self.ws.transaction():
            try:
                saved = self._update(story.edit(status=status))
            except ConflictError as conflict:
                if reason:
                    conflict.aside["status_reason"] = reason
                raise
            if reason:
                self.ws.audit.record("stories", story.id, "status_reason", None, reason)
        return saved

    # -- the ordered list, page by page ---------------------------------------------------

    def count(self, where: StoryFilter | None = None) -> int:
        clause, params = (where or StoryFilter()).where()
        return int(
            self.ws.conn.execute(f"SELECT count(*) FROM stories {clause}", params).fetchone()[0]
        )

    def page(
        self, where: StoryFilter | None = None, *, offset: int = 0, limit: int = 100
    ) -> list[Story]:
        clause, params = (where or StoryFilter()).where()
        rows = self.ws.rows(
            f"SELECT * FROM stories {clause} ORDER BY rank, id LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [Story.model_validate(row) for row in rows]

    def position(self, story_id: int, where: StoryFilter | None = None) -> int | None:
        """Where a story sits in the (filtered) order, or None if the filter hides it."""
        clause, params = (where or StoryFilter()).where()
        rows = self.ws.rows(
            f"SELECT rn FROM (SELECT id, row_number() OVER (ORDER BY rank, id) - 1 AS rn"
            f" FROM stories {clause}) WHERE id = ?",
            [*params, story_id],
        )
        return int(rows[0]["rn"]) if rows else None

    def move(self, story: Story, where: StoryFilter | None, step: int) -> None:
        """Move past the neighbour visible under the same filter (-1 up, +1 down), or to the
        very top (`step` <= -2) or bottom (`step` >= 2) of the whole backlog. Only the moved
        story changes: it takes a rank halfway between its new neighbours."""
        assert story.id is not None
        with self.ws.transaction():
            current = self.get(story.id)
            low, high = self.ws.conn.execute("SELECT min(rank), max(rank) FROM stories").fetchone()
            if step <= -2 or step >= 2:
                rank = low - RANK_STEP if step < 0 else high + RANK_STEP
                if rank != current.rank:
                    self._update(current.edit(rank=rank))
                return
            index = self.position(story.id, where)
            if index is None or index + step < 0:
                return
            neighbours = self.page(where, offset=index + step, limit=1)
            if not neighbours:
                return
            other = neighbours[0]
            if step < 0:
                before = self._rank_next(other.rank, below=True)
                rank = other.rank - RANK_STEP if before is None else (before + other.rank) / 2
                gap = other.rank - (before if before is not None else rank)
            else:
                after = self._rank_next(other.rank, below=False)
                rank = other.rank + RANK_STEP if after is None else (other.rank + after) / 2
                gap = (after if after is not None else rank) - other.rank
            if gap < MIN_GAP:
                self._spread_ranks()
                self.move(current, where, step)
                return
            self._update(current.edit(rank=rank))

    def _rank_next(self, rank: float, *, below: bool) -> float | None:
        query = (
            "SELECT max(rank) FROM stories WHERE rank < ?"
            if below
            else "SELECT min(rank) FROM stories WHERE rank > ?"
        )
        value = self.ws.conn.execute(query, [rank]).fetchone()[0]
        return None if value is None else float(value)

    def _spread_ranks(self) -> None:
        """Ranks halved too often: space them out again, keeping the order (one audit row)."""
        self.ws.conn.execute(
            "UPDATE stories SET rank = (SELECT (n.rn + 1) * ? FROM (SELECT id,"
            " row_number() OVER (ORDER BY rank, id) - 1 AS rn FROM stories) AS n"
            " WHERE n.id = stories.id)",
            [RANK_STEP],
        )
        self.ws.audit.record("stories", None, "rank", None, "(spread)")

    # -- import ----------------------------------------------------------------------------

    def import_stories(
        self,
        imported: list[ImportedStory],
        *,
        keep_valid: bool = False,
        progress: Callable[[int], None] | None = None,
    ) -> ImportOutcome:
        """Write imported stories in one transaction: a known `US-n` is updated, others are
        created at the bottom in file order; epics are created by name, sprints must exist.
        A record naming an unknown sprint refuses the whole import (ImportRefused, nothing
        written), or is left out when `keep_valid`.

        Written IMPORT_BATCH records at a time: keys, ranks and ids are given once for the
        whole import, the existing stories are read a batch at a time, and the stories,
        their audit rows and (through the triggers) their search rows are inserted with
        one statement per batch, so the cost per record does not grow with the file or
        the backlog. `progress` is told how many records are written after each batch."""
        sprints: dict[str, Sprint | None] = {}
        for name in {record.sprint_name for record in imported if record.sprint_name}:
            sprints[name] = self.ws.sprints.named(name)
        problems = [
            ImportProblem(
                position=record.position,
                message=t("story.import_unknown_sprint", name=record.sprint_name),
            )
            for record in imported
            if record.sprint_name and sprints[record.sprint_name] is None
        ]
        if problems and not keep_valid:
            raise ImportRefused(problems)
        refused = {problem.position for problem in problems}
        imported = [record for record in imported if record.position not in refused]
        outcome = ImportOutcome(skipped=[problem.position for problem in problems])
        with self.ws.transaction():
            batch = _ImportBatch(self)
            for start in range(0, len(imported), IMPORT_BATCH):
                records = imported[start : start + IMPORT_BATCH]
                batch.write(records, sprints, outcome)
                if progress is not None:
                    progress(start + len(records))
        return outcome

    # -- what surrounds a story -------------------------------------------------------------

    def linked_items(self, story: Story, limit: int = 50) -> list[Item]:
        rows = self.ws.rows(
            "SELECT * FROM items WHERE story_key = ? ORDER BY id DESC LIMIT ?", [story.key, limit]
        )
        return [Item.model_validate(row) for row in rows]

    def open_blockers(self, story: Story) -> int:
        return int(
            self.ws.conn.execute(
                "SELECT count(*) FROM items WHERE story_key = ? AND kind = 'blocker'"
                " AND status = 'open'",
                [story.key],
            ).fetchone()[0]
        )

    def personas(self, limit: int = 200) -> list[str]:
        rows = self.ws.rows(
            "SELECT persona, count(*) AS n FROM stories WHERE persona <> ''"
            " GROUP BY persona ORDER BY n DESC LIMIT ?",
            [limit],
        )
        return [row["persona"] for row in rows]


IMPORT_BATCH = 500
"""Records an import writes with one statement each for the stories and their audit."""
_IMPORT_EXCLUDE = frozenset(
    {"id", "created_at", "updated_at", "version", "rank", "number", "epic_id", "sprint_id"}
)
_STORY_COLUMNS = [name for name in Story.model_fields if name not in BOOKKEEPING]


class _ImportBatch:
    """The state an import carries from batch to batch: the next key, rank and id, the
    epics found or created by name, and the stories this import created (a later record
    naming one of their keys updates it, as it would the stories already there)."""

    def __init__(self, stories: StoryRepository) -> None:
        self.ws = stories.ws
        self.repository = stories
        self.number, self.rank, self.id = self.ws.conn.execute(
            "SELECT coalesce(max(number), 0) + 1, coalesce(max(rank), 0) + ?,"
            " coalesce(max(id), 0) + 1 FROM stories",
            [RANK_STEP],
        ).fetchone()
        self.epics: dict[str, int | None] = {}
        self.created: dict[int, dict[str, Any]] = {}

    def epic_id(self, name: str) -> int | None:
        wanted = same_name(name)
        if wanted not in self.epics:
            epics = self.ws.epics
            self.epics[wanted] = (epics.named(name) or epics.add(Epic(title=name))).id
        return self.epics[wanted]

    def write(
        self,
        records: list[ImportedStory],
        sprints: dict[str, Sprint | None],
        outcome: ImportOutcome,
    ) -> None:
        numbers = [r.story.number for r in records if r.story.number is not None]
        stored = {
            row["number"]: row
            for row in self.ws.rows(
                f"SELECT * FROM stories WHERE number IN ({', '.join('?' * len(numbers))})",
                numbers,
            )
        }
        stamp = now()
        author = self.ws.author
        inserts: list[dict[str, Any]] = []
        updates: list[tuple[tuple[str, ...], dict[str, Any]]] = []
        audit: list[tuple[Any, ...]] = []
        for record in records:
            values = record.story.model_dump(exclude=set(_IMPORT_EXCLUDE))
            if record.epic_name:
                values["epic_id"] = self.epic_id(record.epic_name)
            if record.sprint_name:
                sprint = sprints.get(record.sprint_name)
                values["sprint_id"] = sprint.id if sprint else None
            number = record.story.number
            if number is not None and number in self.created:
                # Created earlier in this import: the later record wins, as an update.
                row = self.created[number]
                new = Story.model_validate(row | values).model_dump(mode="json")
                row.update({name: new[name] for name in _STORY_COLUMNS})
                outcome.updated.append(f"US-{number}")
                continue
            if number is not None and number in stored:
                old = Story.model_validate(stored[number])
                current = self.repository._fields(old)
                new = self.repository._fields(old.edit(**values))
                changes = {k: v for k, v in new.items() if current.get(k) != v}
                if changes:
                    updates.append((tuple(sorted(changes)), changes | {"_id": old.id}))
                    # A second record of the same key (kept with --keep-valid) sees this one.
                    stored[number] |= changes | {"version": old.version + 1}
                    audit += [
                        (stamp, author, "stories", old.id, k, to_text(current.get(k)), to_text(v))
                        for k, v in changes.items()
                    ]
                outcome.updated.append(old.key)
                continue
            if number is None:
                number = self.number
            self.number = max(self.number, number + 1)
            story = Story.model_validate(values | {"number": number, "rank": self.rank})
            self.rank += RANK_STEP
            row = story.model_dump(mode="json", exclude=set(BOOKKEEPING))
            row |= {"id": self.id, "created_at": stamp, "updated_at": stamp, "version": 1}
            self.id += 1
            self.created[number] = row
            inserts.append(row)
            outcome.created.append(story.key)
        conn = self.ws.conn
        # Runs of updates changing the same fields share one statement, in file order.
        for columns, run in groupby(updates, key=itemgetter(0)):
            assignments = ", ".join(f"{name} = :{name}" for name in columns)
            conn.executemany(
                f"UPDATE stories SET {assignments}, updated_at = :_now, version = version + 1"
                " WHERE id = :_id",
                [row | {"_now": stamp} for _, row in run],
            )
        if inserts:
            columns = list(inserts[0])
            conn.executemany(
                f"INSERT INTO stories ({', '.join(columns)})"
                f" VALUES ({', '.join(':' + c for c in columns)})",
                inserts,
            )
            audit += [
                (stamp, author, "stories", row["id"], CREATED, None, audit_summary(row))
                for row in inserts
            ]
        conn.executemany(
            "INSERT INTO audit_log (at, author, entity, entity_id, field, old, new)"
            " VALUES (?, ?, ?, ?, ?, ?, ?)",
            audit,
        )
        # A later batch finds these stories in the table, like those there before.
        self.created.clear()


class EpicRepository(Repository[Epic]):
    table = "epics"
    model = Epic

    def add(self, epic: Epic) -> Epic:
        """A new epic. A title already taken (another session may have added the same
        epic a moment ago) is refused with a message: no two epics of one name."""
        with self.ws.transaction():  # the check and the insert under one write lock
            self._check_new(epic)
            return self._insert(epic)

    def save(self, epic: Epic) -> Epic:
        """Save if nobody saved it since it was read; a title another epic has is refused."""
        with self.ws.transaction():
            stored = self._row(epic.id) if epic.id is not None else None
            if stored is not None and stored["title"] != epic.title:
                self._refuse_taken(epic.title, but=epic.id)
            return self._update(epic)

    def all(self) -> list[Epic]:
        return [Epic.model_validate(r) for r in self.ws.rows("SELECT * FROM epics ORDER BY id")]

    def titles(self) -> dict[int, str]:
        """Each epic's title by id, as the model cleans it: what the lists show, without
        reading and validating whole epics (their descriptions) for it."""
        return _names(self.ws, "SELECT id, title FROM epics")

    def named(self, title: str) -> Epic | None:
        """The epic of this title, case, accents and spaces aside."""
        wanted = same_name(title)
        return next((epic for epic in self.all() if same_name(epic.title) == wanted), None)

    def _check_new(self, epic: Epic) -> None:
        self._refuse_taken(epic.title)

    def _refuse_taken(self, title: str, *, but: int | None = None) -> None:
        found = self.named(title)
        if found is not None and found.id != but:
            raise ProdtuiError("story.epic_taken", name=title)


class SprintRepository(Repository[Sprint]):
    table = "sprints"
    model = Sprint

    def add(self, sprint: Sprint) -> Sprint:
        return self._insert(sprint)

    def save(self, sprint: Sprint) -> Sprint:
        return self._update(sprint)

    def all(self) -> list[Sprint]:
        rows = self.ws.rows("SELECT * FROM sprints ORDER BY start_date DESC, id DESC")
        return [Sprint.model_validate(r) for r in rows]

    def names(self) -> dict[int, str]:
        """Each sprint's name by id, as the model cleans it: the backlog's column needs no
        more, and 2,500 whole sprints (ten times the large workspace) took 15 to 35 ms to
        read and validate on the event loop."""
        return _names(self.ws, "SELECT id, name FROM sprints")

    def named(self, name: str) -> Sprint | None:
        rows = self.ws.rows("SELECT * FROM sprints WHERE lower(name) = lower(?)", [name.strip()])
        return Sprint.model_validate(rows[0]) if rows else None

    def loads(self) -> list[SprintLoad]:
        """Committed and done points of each sprint, newest first."""
        rows = self.ws.rows(
            "SELECT sprint_id, coalesce(sum(points), 0) AS committed,"
            " coalesce(sum(CASE WHEN status = 'done' THEN points END), 0) AS done,"
            " count(*) AS n FROM stories WHERE sprint_id IS NOT NULL AND status <> 'abandoned'"
            " GROUP BY sprint_id"
        )
        by_sprint = {row["sprint_id"]: row for row in rows}
        loads = []
        for sprint in self.all():
            row = by_sprint.get(sprint.id, {"committed": 0, "done": 0, "n": 0})
            loads.append(
                SprintLoad(
                    sprint=sprint, committed=row["committed"], done=row["done"], stories=row["n"]
                )
            )
        return loads


def _names(workspace: Workspace, sql: str) -> dict[int, str]:
    """`sql` reads an id and a one-line text: the texts cleaned as `CleanLine` does."""
    return {row_id: safe_line(text) for row_id, text in workspace.conn.execute(sql)}
