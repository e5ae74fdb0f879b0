"""Opening the one SQLite file that holds a workspace."""

from __future__ import annotations

import contextlib
import os
import sqlite3
import stat
from collections.abc import Iterator, Sequence
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING, Any

from prodtui.domain.errors import ReadOnlyWorkspaceError, WorkspaceError
from prodtui.domain.text import safe_line
from prodtui.failures import workspace_write_error
from prodtui.store.migrations import LATEST_VERSION, migrate

if TYPE_CHECKING:
    import sqlite_utils

    from prodtui.store.audit import AuditRepository
    from prodtui.store.dashboard import DashboardRepository
    from prodtui.store.drafts import DraftRepository
    from prodtui.store.homologation import HomologationRepository
    from prodtui.store.items import ItemRepository
    from prodtui.store.meta import MetaRepository
    from prodtui.store.milestones import MilestoneRepository
    from prodtui.store.people import PeopleRepository
    from prodtui.store.recette import (
        CampaignRepository,
        CommandRunRepository,
        ExecutionRepository,
        TestCaseRepository,
    )
    from prodtui.store.responsibilities import ResponsibilityRepository
    from prodtui.store.reviews import ReviewRepository
    from prodtui.store.risks import RiskRepository
    from prodtui.store.roadmap import RoadmapRepository
    from prodtui.store.search import SearchRepository
    from prodtui.store.security import MeasureRepository
    from prodtui.store.standups import StandupRepository
    from prodtui.store.stories import EpicRepository, SprintRepository, StoryRepository

SQLITE_HEADER = b"SQLite format 3\x00"
BUSY_TIMEOUT_MS = 5000
APP_CACHE_KIB = 256
_SQLITE_READONLY = 8
_SQLITE_CANTOPEN = 14


class Workspace:
    """One open workspace file: its connection, its repositories, its transactions."""

    def __init__(self, path: Path, conn: sqlite3.Connection, *, read_only: bool, author: str):
        self.path = path
        self.conn = conn
        self.read_only = read_only
        self.author = author
        self._seen_data_version = self.data_version()

    @cached_property
    def db(self) -> sqlite_utils.Database:
        """The sqlite-utils view of the connection, imported on first use: reads on the
        start-up path go through `rows`, keeping sqlite-utils off the first paint."""
        import sqlite_utils

        return sqlite_utils.Database(self.conn, execute_plugins=False)

    @staticmethod
    def load_writer() -> None:
        """Import sqlite-utils now, in any thread. Writes go through it, and its import
        (about 60 ms) would otherwise fall on the user's first save (a capture, a draft)."""
        import sqlite_utils  # noqa: F401

    def sibling(self, *, read_only: bool = True) -> Workspace:
        """Another connection to this workspace's file, for a worker thread of the same
        process. Opened by SQLite alone, never through `open_workspace`: the file was
        checked when this workspace was opened, and a file descriptor on it opened and
        closed outside SQLite (`inspect_existing` reads the header) drops every lock
        this process holds on the file, POSIX locks being the process's. Another
        process could then checkpoint the log under this one's reads and damage the
        file (seen with the command line capturing while the app read ahead)."""
        read_only = read_only or self.read_only
        try:
            if read_only:
                conn = connect_read_only(self.path, check_same_thread=False)
            else:
                conn = sqlite3.connect(self.path, isolation_level=None, check_same_thread=False)
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            conn.execute("PRAGMA foreign_keys = ON")
            if not read_only:
                conn.execute("PRAGMA synchronous = NORMAL")
        except sqlite3.DatabaseError as error:
            raise WorkspaceError(
                "workspace.unreadable", path=str(self.path), reason=str(error)
            ) from error
        return Workspace(self.path, conn, read_only=read_only, author=self.author)

    def use_small_cache(self) -> None:
        """For the app: it reads a page of rows at a time and the system already caches
        the file, so SQLite's own page cache (2 MB by default) is memory kept for little
        (1.7 MB of the app's peak; search at ten times the large workspace is as fast).
        Bulk commands keep the default: their B-trees want it."""
        self.conn.execute(f"PRAGMA cache_size = -{APP_CACHE_KIB}")

    def rows(self, sql: str, params: Sequence[Any] = ()) -> list[dict[str, Any]]:
        cursor = self.conn.execute(sql, params)
        names = [column[0] for column in cursor.description]
        return [dict(zip(names, row, strict=True)) for row in cursor]

    @contextlib.contextmanager
    def transaction(self) -> Iterator[sqlite_utils.Database]:
        """A write transaction; nested calls become savepoints of the outer one."""
        if self.read_only:
            raise ReadOnlyWorkspaceError()
        if self.conn.in_transaction:
            with self.db.atomic():
                yield self.db
            return
        # IMMEDIATE takes the write lock up front, so two sessions wait on busy_timeout
        # instead of failing half-way through.
        self.conn.execute("BEGIN IMMEDIATE")
        try:
            yield self.db
            self.conn.execute("COMMIT")  # a full disk may fail here too
        except BaseException as error:
            if self.conn.in_transaction:
                with contextlib.suppress(sqlite3.Error):  # the error below says more
                    self.conn.execute("ROLLBACK")
            # A full disk, a damaged page: a message for the user, nothing half written.
            if isinstance(error, sqlite3.Error) and (
                failure := workspace_write_error(error, self.path)
            ):
                raise failure from error
            raise

    @contextlib.contextmanager
    def reading(self) -> Iterator[None]:
        """Reads for the user: a database error in them (a damaged file, a table gone)
        becomes a WorkspaceError with a message, and the caller needs no sqlite3."""
        try:
            yield
        except sqlite3.DatabaseError as error:
            raise WorkspaceError(
                "workspace.unreadable", path=str(self.path), reason=str(error)
            ) from error

    def data_version(self) -> int:
        return int(self.conn.execute("PRAGMA data_version").fetchone()[0])

    def changed_elsewhere(self) -> bool:
        """True once per commit made by another connection since the last call."""
        current = self.data_version()
        changed = current != self._seen_data_version
        self._seen_data_version = current
        return changed

    def close(self) -> None:
        self.conn.close()

    def integrity_problem(self) -> str | None:
        """SQLite's `quick_check` of the file, on a connection of its own (so it may run
        in a worker thread while the app reads): None when the file is sound, else the
        first problem found."""
        return integrity_problem(self.path)

    def refuse_writes(self) -> None:
        """The file turned out to be damaged: from now on it is only read."""
        self.read_only = True

    @cached_property
    def items(self) -> ItemRepository:
        from prodtui.store.items import ItemRepository

        return ItemRepository(self)

    @cached_property
    def people(self) -> PeopleRepository:
        from prodtui.store.people import PeopleRepository

        return PeopleRepository(self)

    @cached_property
    def drafts(self) -> DraftRepository:
        from prodtui.store.drafts import DraftRepository

        return DraftRepository(self)

    @cached_property
    def audit(self) -> AuditRepository:
        from prodtui.store.audit import AuditRepository

        return AuditRepository(self)

    @cached_property
    def standups(self) -> StandupRepository:
        from prodtui.store.standups import StandupRepository

        return StandupRepository(self)

    @cached_property
    def stories(self) -> StoryRepository:
        from prodtui.store.stories import StoryRepository

        return StoryRepository(self)

    @cached_property
    def epics(self) -> EpicRepository:
        from prodtui.store.stories import EpicRepository

        return EpicRepository(self)

    @cached_property
    def sprints(self) -> SprintRepository:
        from prodtui.store.stories import SprintRepository

        return SprintRepository(self)

    @cached_property
    def campaigns(self) -> CampaignRepository:
        from prodtui.store.recette import CampaignRepository

        return CampaignRepository(self)

    @cached_property
    def test_cases(self) -> TestCaseRepository:
        from prodtui.store.recette import TestCaseRepository

        return TestCaseRepository(self)

    @cached_property
    def executions(self) -> ExecutionRepository:
        from prodtui.store.recette import ExecutionRepository

        return ExecutionRepository(self)

    @cached_property
    def command_runs(self) -> CommandRunRepository:
        from prodtui.store.recette import CommandRunRepository

        return CommandRunRepository(self)

    @cached_property
    def measures(self) -> MeasureRepository:
        from prodtui.store.security import MeasureRepository

        return MeasureRepository(self)

    @cached_property
    def search(self) -> SearchRepository:
        from prodtui.store.search import SearchRepository

        return SearchRepository(self)

    @cached_property
    def risks(self) -> RiskRepository:
        from prodtui.store.risks import RiskRepository

        return RiskRepository(self)

    @cached_property
    def homologation(self) -> HomologationRepository:
        from prodtui.store.homologation import HomologationRepository

        return HomologationRepository(self)

    @cached_property
    def meta(self) -> MetaRepository:
        from prodtui.store.meta import MetaRepository

        return MetaRepository(self)

    @cached_property
    def reviews(self) -> ReviewRepository:
        from prodtui.store.reviews import ReviewRepository

        return ReviewRepository(self)

    @cached_property
    def responsibilities(self) -> ResponsibilityRepository:
        from prodtui.store.responsibilities import ResponsibilityRepository

        return ResponsibilityRepository(self)

    @cached_property
    def milestones(self) -> MilestoneRepository:
        from prodtui.store.milestones import MilestoneRepository

        return MilestoneRepository(self)

    @cached_property
    def roadmap(self) -> RoadmapRepository:
        from prodtui.store.roadmap import RoadmapRepository

        return RoadmapRepository(self)

    @cached_property
    def dashboard(self) -> DashboardRepository:
        from prodtui.store.dashboard import DashboardRepository

        return DashboardRepository(self)


def open_workspace(
    path: Path,
    *,
    author: str = "",
    read_only: bool = False,
    create: bool = True,
    verify: bool = False,
    ready: bool = False,
) -> Workspace:
    """Open (or create) the workspace at `path`.

    With `ready` (what the `prodtui` command asks), a workspace created here gets the
    shipped referential of security measures and the homologation steps, so that a new
    workspace is ready to use; a sample or a restored dump is written whole by its maker.

    A file that is not SQLite, or whose schema is newer than this program, is refused
    before anything writes to it; so is anything but a regular file (a FIFO would hang).
    A file the user cannot write, or in a folder the user cannot write, opens read-only.
    With `verify`, a damaged file (SQLite's `quick_check`) is refused for writing: about
    0.2 s on the ten-year benchmark workspace, paid by the command line's writes only.
    """
    path = Path(path).expanduser()
    if path.is_dir():
        raise WorkspaceError("workspace.is_directory", path=str(path))
    try:
        info = path.stat()
    except (FileNotFoundError, NotADirectoryError):  # to be created (or said it cannot)
        info = None
    except OSError as error:
        raise WorkspaceError(
            "workspace.unreadable", path=str(path), reason=error.strerror or str(error)
        ) from error
    if info is not None and not stat.S_ISREG(info.st_mode):
        raise WorkspaceError("workspace.not_a_file", path=str(path))
    exists = info is not None and info.st_size > 0
    if exists:
        version = inspect_existing(path)
        read_only = read_only or not _writable(path)
        if read_only and version < LATEST_VERSION:
            raise WorkspaceError("workspace.read_only_old", path=str(path))
        if verify and not read_only and (problem := integrity_problem(path)):
            raise WorkspaceError("workspace.damaged", path=str(path), reason=problem)
    elif not create or read_only:
        raise WorkspaceError("workspace.missing", path=str(path))
    else:
        _create_private_file(path)

    try:
        if read_only:
            conn = connect_read_only(path, check_same_thread=False)
        else:
            conn = sqlite3.connect(path, isolation_level=None, check_same_thread=False)
        conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
        conn.execute("PRAGMA foreign_keys = ON")
        if not read_only:
            conn.execute("PRAGMA journal_mode = WAL")
            conn.execute("PRAGMA synchronous = NORMAL")
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
    except sqlite3.DatabaseError as error:
        raise WorkspaceError("workspace.unreadable", path=str(path), reason=str(error)) from error
    if not read_only:
        try:
            migrate(conn)
        except sqlite3.DatabaseError as error:
            conn.close()
            raise WorkspaceError(
                "workspace.migration_failed", path=str(path), reason=str(error)
            ) from error
    workspace = Workspace(
        path, conn, read_only=read_only, author=safe_line(author) if author else default_author()
    )
    if ready and not exists:
        try:
            prepare_new(workspace)
        except BaseException:
            workspace.close()
            if info is None:  # made a moment ago, holding nothing else: the next try makes it
                for made in (path, Path(f"{path}-wal"), Path(f"{path}-shm")):
                    made.unlink(missing_ok=True)
            raise
    return workspace


def prepare_new(workspace: Workspace) -> None:
    """Copy the shipped measures and homologation steps into a new workspace, in one
    transaction: a workspace has both or neither. Once, at creation: measures or steps the
    team later deletes do not come back."""
    with workspace.transaction():
        if not workspace.measures.count():
            workspace.measures.import_shipped()
        workspace.homologation.load_shipped_steps()


def default_author() -> str:
    """The login name; it goes into the audit log, so it is one safe line like any text.
    Empty when the environment names nobody (`$USER` is often unset in containers): the
    screens then say "non renseigné" rather than show a made-up name."""
    for variable in ("USER", "LOGNAME", "USERNAME"):
        if name := safe_line(os.environ.get(variable, "")).strip():
            return name
    return ""


def connect_read_only(path: Path, *, check_same_thread: bool = True) -> sqlite3.Connection:
    """A connection that never writes a byte of the workspace. `mode=ro` still needs the
    WAL's shared-memory file beside it; in a folder the user cannot write, where that
    file cannot be made, the file is opened `immutable` (nothing else may be writing it:
    nobody else can write there either, or the -shm would exist)."""
    uri = path.resolve().as_uri()
    options = {"uri": True, "isolation_level": None, "check_same_thread": check_same_thread}
    conn = sqlite3.connect(f"{uri}?mode=ro", **options)  # type: ignore[arg-type]
    try:
        conn.execute("SELECT count(*) FROM sqlite_master").fetchone()
        return conn
    except sqlite3.OperationalError as error:
        conn.close()
        if getattr(error, "sqlite_errorcode", 0) & 0xFF not in (_SQLITE_READONLY, _SQLITE_CANTOPEN):
            raise
    return sqlite3.connect(f"{uri}?immutable=1", **options)  # type: ignore[arg-type]


def inspect_existing(path: Path) -> int:
    """Check the header and schema version without writing a byte (nor opening anything
    but a regular file: a FIFO would block)."""
    try:
        if not stat.S_ISREG(path.stat().st_mode):
            raise WorkspaceError("workspace.not_a_file", path=str(path))
        with path.open("rb") as handle:
            header = handle.read(len(SQLITE_HEADER))
    except OSError as error:
        raise WorkspaceError(
            "workspace.unreadable", path=str(path), reason=error.strerror
        ) from error
    if header != SQLITE_HEADER:
        raise WorkspaceError("workspace.not_sqlite", path=str(path))
    try:
        conn = connect_read_only(path)
        try:
            version = int(conn.execute("PRAGMA user_version").fetchone()[0])
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        raise WorkspaceError("workspace.unreadable", path=str(path), reason=str(error)) from error
    if version > LATEST_VERSION:
        raise WorkspaceError(
            "workspace.too_new", path=str(path), version=version, supported=LATEST_VERSION
        )
    return version


def integrity_problem(path: Path) -> str | None:
    """SQLite's `quick_check` (pages and records, not index contents: a few times faster
    than `integrity_check`), read-only: None when the file is sound, else what is wrong."""
    try:
        conn = connect_read_only(path)
        try:
            conn.execute(f"PRAGMA busy_timeout = {BUSY_TIMEOUT_MS}")
            # Every page is read once: a small cache keeps them from piling up in memory.
            conn.execute("PRAGMA cache_size = -64")
            first = conn.execute("PRAGMA quick_check(1)").fetchone()
        finally:
            conn.close()
    except sqlite3.DatabaseError as error:
        return str(error)
    result = str(first[0]) if first else "?"
    if result == "ok":
        return None
    # One line for a message: SQLite's report spans several ("*** in database main ***").
    return "; ".join(line for line in result.splitlines() if not line.startswith("***"))


def _writable(path: Path) -> bool:
    # WAL needs to create -wal and -shm files beside the workspace.
    return os.access(path, os.W_OK) and os.access(path.parent, os.W_OK)


def _create_private_file(path: Path) -> None:
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(path, os.O_WRONLY | os.O_CREAT, 0o600)
    except OSError as error:
        raise WorkspaceError(
            "workspace.cannot_create", path=str(path), reason=error.strerror or str(error)
        ) from error
    os.close(fd)
    os.chmod(path, 0o600)
