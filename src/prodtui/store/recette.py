"""La recette in the workspace: campaigns, test cases, the append-only execution log and the
runs of automated suites.

Executions are never updated nor deleted (the schema's triggers refuse it too): a correction
is a new result. Each result freezes a copy of its case as it was run, and belongs to the
campaign's current pass. A finished or archived campaign takes no new result.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, timedelta
from itertools import islice
from json.encoder import encode_basestring
from pathlib import Path
from typing import TYPE_CHECKING, Any

from pydantic import BaseModel

from prodtui.domain.errors import NotFoundError, ProdtuiError
from prodtui.domain.items import Item, ItemKind
from prodtui.domain.recette import (
    CASE_SNAPSHOT_FIELDS,
    MAX_TITLE,
    AutomatedResult,
    Campaign,
    CampaignListing,
    CampaignState,
    CommandRun,
    Execution,
    ExecutionStatus,
    Progress,
    RunnerPlan,
    RunState,
    TestCase,
    combine,
    comment_missing,
    output_tail,
    rerun_selection,
)
from prodtui.domain.stories import Story, StoryStatus
from prodtui.exchange.story_import import ImportProblem
from prodtui.i18n import t, tn
from prodtui.store.base import BOOKKEEPING, CREATED, Repository, audit_summary, now

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

LOG_PAGE = 100

# One campaign's current pass, counted by SQLite in one statement: a row (NULL, the cases
# of the scope that still exist), then each status with its count of cases, from each
# case's latest result along the covering index of a pass (the bare status beside max(id)
# comes from the row holding the max). The scope (a JSON list of case ids, or NULL for
# every case) is read once into an ephemeral index: no subquery refers to the outer row,
# so it is never parsed again per result (a correlated `json_each` took 164 s for a page
# of closed campaigns of 20,000 cases at ten times the large workspace), and no Python
# object is made per case or per result (a page of 30 such campaigns read as lists and
# sets held 12 MB at once). `+case_id`: the pass's results (a few thousand, along the
# index) are each looked up in the scope, rather than the index probed once per case of
# the scope (20,000), which took three times as long.
PASS_PROGRESS = """
WITH pass (pass_number, scope) AS (SELECT {pass_number}, {scope})
SELECT NULL, CASE WHEN scope IS NULL THEN (SELECT count(*) FROM test_cases)
    ELSE (SELECT count(*) FROM test_cases WHERE id IN (SELECT value FROM json_each(scope)))
    END FROM pass
UNION ALL
SELECT status, count(*) FROM (
    SELECT status, max(id) FROM executions
    WHERE campaign_id = :id AND pass_number = (SELECT pass_number FROM pass)
    AND ((SELECT scope FROM pass) IS NULL
        OR +case_id IN (SELECT value FROM json_each((SELECT scope FROM pass))))
    GROUP BY case_id)
GROUP BY status
"""
STORED_PASS = "coalesce((SELECT pass_number FROM campaigns WHERE id = :id), :pass)"
STORED_SCOPE = "(SELECT coalesce(frozen_cases, pass_cases) FROM campaigns WHERE id = :id)"


def status_label(status: ExecutionStatus) -> str:
    return t(ExecutionStatus(status).label_key)


# -- errors -------------------------------------------------------------------------------


class CampaignReadOnly(ProdtuiError):
    def __init__(self, campaign: Campaign) -> None:
        super().__init__("recette.campaign_read_only", name=campaign.name)


class JUnitImportRefused(ProdtuiError):
    """Results name things the workspace does not have: nothing was written."""

    def __init__(self, problems: list[ImportProblem]) -> None:
        super().__init__("junit.refused", count=len(problems))
        self.problems = problems


# -- campaigns ----------------------------------------------------------------------------

FREEZE_CLOSED = """
UPDATE campaigns SET frozen_cases = (
    SELECT json_group_array(id) FROM (
        SELECT tc.id FROM test_cases AS tc
        WHERE (campaigns.pass_cases IS NULL
               OR tc.id IN (SELECT value FROM json_each(campaigns.pass_cases)))
          AND (tc.created_at <= coalesce(
                  (SELECT max(a.at) FROM audit_log AS a
                   WHERE a.entity = 'campaigns' AND a.entity_id = campaigns.id
                     AND a.field = 'state' AND a.new IN ('finished', 'archived')
                     AND coalesce(a.old, '') NOT IN ('finished', 'archived')),
                  campaigns.end_date || 'T23:59:59.999',
                  campaigns.updated_at)
               OR tc.id IN (SELECT e.case_id FROM executions AS e
                            WHERE e.campaign_id = campaigns.id
                              AND e.pass_number = campaigns.pass_number))
        ORDER BY tc.number
    )
)
WHERE state IN ('finished', 'archived') AND frozen_cases IS NULL
"""
"""The scope of a closed campaign written without one: the cases of its pass written by
the time it was closed (its last move to finished or archived in the audit log; else the
end of its end date; else its last change), and every case with a result in that pass.
Migration 10 runs the same statement."""


CAMPAIGN_ORDER = (
    "CASE state WHEN 'in_progress' THEN 0 WHEN 'planned' THEN 1 WHEN 'finished' THEN 2"
    " ELSE 3 END, coalesce(start_date, substr(created_at, 1, 10)) DESC, id DESC"
)
"""The lists' order: running campaigns first, then planned, then the others newest first."""


class CampaignRepository(Repository[Campaign]):
    table = "campaigns"
    model = Campaign

    def add(self, campaign: Campaign) -> Campaign:
        with self.ws.transaction():
            if self._exact(campaign.name) is not None:
                raise ProdtuiError("recette.campaign_exists", name=campaign.name)
            # A new campaign starts at its first pass, over every case (frozen at once if
            # it is entered as already closed).
            frozen = TestCaseRepository(self.ws).ids() if campaign.read_only else None
            return self._insert(campaign.edit(pass_number=1, pass_cases=None, frozen_cases=frozen))

    def save(self, campaign: Campaign) -> Campaign:
        """Save edits; a finished or archived campaign only accepts a change of state."""
        assert campaign.id is not None
        with self.ws.transaction():
            stored = self._stored(campaign)
            if stored is None:  # deleted elsewhere: the base's update raises DeletedElsewhere
                return super()._update(campaign)
            if stored.read_only:
                mine = self._fields(campaign.edit(state=stored.state))
                if mine != self._fields(stored):
                    raise CampaignReadOnly(stored)
            if campaign.name != stored.name and self._exact(campaign.name) is not None:
                raise ProdtuiError("recette.campaign_exists", name=campaign.name)
            return self._update(campaign)

    def set_state(self, campaign: Campaign, state: CampaignState) -> Campaign:
        """Any move is allowed (reopening a campaign closed by mistake too): each is audited."""
        return self._update(campaign.edit(state=state))

    def _update(self, campaign: Campaign) -> Campaign:
        """Every save goes through here, so the scope follows the state whatever the path:
        closing a campaign (finished or archived) freezes the cases of its pass as they are
        now; finished then archived keeps the cases it finished with; reopening it lets its
        scope follow the cases again."""
        assert campaign.id is not None
        with self.ws.transaction():
            stored = self._stored(campaign)
            if stored is None:  # deleted elsewhere: the base's update raises DeletedElsewhere
                return super()._update(campaign)
            if not campaign.read_only:
                frozen = None
            elif stored.read_only:
                frozen = stored.frozen_cases
            else:
                frozen = self.scope(stored)
            return super()._update(campaign.edit(frozen_cases=frozen))

    def _stored(self, campaign: Campaign) -> Campaign | None:
        """The campaign as stored now; None when another session deleted it (its id may
        since have gone to another campaign), so that the save reaches the user as a
        deletion elsewhere, not as "not found"."""
        assert campaign.id is not None
        row = self._row(campaign.id)
        stored = Campaign.model_validate(row) if row is not None else None
        if stored is None or (
            campaign.created_at is not None and stored.created_at != campaign.created_at
        ):
            return None
        return stored

    def _check_new(self, campaign: Campaign) -> None:
        # A campaign recreated after a deletion elsewhere: its name may be taken meanwhile.
        if self._exact(campaign.name) is not None:
            raise ProdtuiError("recette.campaign_exists", name=campaign.name)

    def freeze_closed(self) -> int:
        """Record the scope of closed campaigns written without one (by the demo, a sample
        workspace, a dump of an older schema), as migration 10 did for the workspaces of
        the time. Returns how many were frozen."""
        with self.ws.transaction():
            return self.ws.conn.execute(FREEZE_CLOSED).rowcount

    def all(self) -> list[Campaign]:
        """Every campaign whole, scopes included (thousands of ids for each closed one), in
        the list's order: for a list, `listing`."""
        rows = self.ws.rows(f"SELECT * FROM campaigns ORDER BY {CAMPAIGN_ORDER}")
        return [Campaign.model_validate(row) for row in rows]

    def listing(self) -> list[CampaignListing]:
        """Running campaigns first, then planned, then the others newest first; without
        their scopes, which the lists never need (counts read them a page at a time)."""
        rows = self.ws.rows(
            f"SELECT {CampaignListing.COLUMNS} FROM campaigns ORDER BY {CAMPAIGN_ORDER}"
        )
        return [CampaignListing.model_validate(row) for row in rows]

    def names(self) -> dict[int, str]:
        """Each campaign's name as the app shows it, by id."""
        return {c.id: c.name for c in self.listing()}

    def named(self, name: str) -> Campaign | None:
        """By exact name, else by the only name equal to it regardless of case."""
        exact = self._exact(name.strip())
        if exact is not None:
            return exact
        rows = self.ws.rows(
            "SELECT * FROM campaigns WHERE lower(name) = lower(?) LIMIT 2", [name.strip()]
        )
        if len(rows) == 1:
            return Campaign.model_validate(rows[0])
        # A name stored with control characters (by another tool) is typed as it is shown,
        # with its placeholders: found among the names as the app reads them.
        shown = [c for c in self.listing() if c.name == name.strip()]
        return self.get(shown[0].id) if len(shown) == 1 else None

    def _exact(self, name: str) -> Campaign | None:
        rows = self.ws.rows("SELECT * FROM campaigns WHERE name = ?", [name])
        return Campaign.model_validate(rows[0]) if rows else None

    def writable(self, campaign: Campaign | int) -> Campaign:
        """The campaign as stored now, refused if it is read-only (another session may have
        finished it since it was read)."""
        campaign_id = campaign if isinstance(campaign, int) else campaign.id
        assert campaign_id is not None
        stored = self.get(campaign_id)
        if stored.read_only:
            raise CampaignReadOnly(stored)
        return stored

    def scope(self, campaign: Campaign) -> list[int]:
        """The case ids of the current pass in run order (by number); for a closed campaign,
        those it had when it was closed (a case deleted since is left out)."""
        ids = TestCaseRepository(self.ws).ids()
        if campaign.scope_cases is None:
            return ids
        wanted = set(campaign.scope_cases)
        return [case_id for case_id in ids if case_id in wanted]

    def start_pass(self, campaign: Campaign, case_ids: list[int] | None) -> Campaign:
        """Start the next pass over `case_ids` (None: every case)."""
        with self.ws.transaction():
            stored = self.writable(campaign)
            if case_ids is not None and not case_ids:
                raise ProdtuiError("recette.nothing_to_rerun", name=stored.name)
            return self._update(
                campaign.edit(pass_number=stored.pass_number + 1, pass_cases=case_ids)
            )

    def rerun_failed(self, campaign: Campaign) -> Campaign:
        """ "Re-run failed only": the next pass replays the cases whose latest result in the
        campaign is a failure or a block."""
        with self.ws.transaction():
            stored = self.writable(campaign)
            latest = ExecutionRepository(self.ws).latest_per_case(stored)
            statuses = {case_id: e.status for case_id, e in latest.items()}
            selection = rerun_selection(TestCaseRepository(self.ws).ids(), statuses)
            return self.start_pass(campaign, selection)


# -- test cases ---------------------------------------------------------------------------


class TestCaseRepository(Repository[TestCase]):
    __test__ = False  # not a pytest class, whatever its name

    table = "test_cases"
    model = TestCase

    def add(self, case: TestCase) -> TestCase:
        """A new case takes its own number if it brings a free one, else the next."""
        with self.ws.transaction():
            following = self.ws.conn.execute(
                "SELECT coalesce(max(number), 0) + 1 FROM test_cases"
            ).fetchone()[0]
            number = case.number
            if number is None or self.by_number(number) is not None:
                number = following
            return self._insert(case.edit(number=number))

    def save(self, case: TestCase) -> TestCase:
        return self._update(case)

    def delete(self, case: TestCase) -> TestCase:
        """Only a case never run: the log keeps pointing at the others. The case as the
        caller read it: one saved by another session since is not deleted (ConflictError)."""
        assert case.id is not None
        with self.ws.transaction():
            used = self.ws.conn.execute(
                "SELECT 1 FROM executions WHERE case_id = ? LIMIT 1", [case.id]
            ).fetchone()
            if used:
                raise ProdtuiError("recette.case_has_results", case=case.key)
            return self._delete(case.id, case.version)

    def by_number(self, number: int) -> TestCase | None:
        rows = self.ws.rows("SELECT * FROM test_cases WHERE number = ?", [number])
        return TestCase.model_validate(rows[0]) if rows else None

    def by_key(self, key: str) -> TestCase | None:
        text = key.strip().upper().removeprefix("#")
        if not (text.startswith("TC-") and text[3:].isdigit()):
            return None
        return self.by_number(int(text[3:]))

    def by_automation_key(self, automation_key: str) -> TestCase | None:
        rows = self.ws.rows("SELECT * FROM test_cases WHERE automation_key = ?", [automation_key])
        return TestCase.model_validate(rows[0]) if rows else None

    def by_automation_keys(self, keys: set[str]) -> dict[str, TestCase]:
        """The automated cases of these keys, read 500 at a time."""
        found: dict[str, TestCase] = {}
        wanted = sorted(keys)
        for start in range(0, len(wanted), 500):  # stays under SQLite's variable limit
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self.ws.rows(
                f"SELECT * FROM test_cases WHERE automation_key IN ({marks})", chunk
            ):
                case = TestCase.model_validate(row)
                found[case.automation_key] = case  # type: ignore[index]
        return found

    def by_numbers(self, numbers: set[int]) -> dict[int, TestCase]:
        found: dict[int, TestCase] = {}
        wanted = sorted(numbers)
        for start in range(0, len(wanted), 500):  # stays under SQLite's variable limit
            chunk = wanted[start : start + 500]
            marks = ", ".join("?" * len(chunk))
            for row in self.ws.rows(f"SELECT * FROM test_cases WHERE number IN ({marks})", chunk):
                case = TestCase.model_validate(row)
                found[case.number] = case  # type: ignore[index]
        return found

    def ids(self) -> list[int]:
        """Every case id in run order (by number)."""
        return [row[0] for row in self.ws.conn.execute("SELECT id FROM test_cases ORDER BY number")]

    def count(self, story_id: int | None = None) -> int:
        clause, params = _story_clause(story_id)
        return int(
            self.ws.conn.execute(f"SELECT count(*) FROM test_cases {clause}", params).fetchone()[0]
        )

    def page(
        self, *, story_id: int | None = None, offset: int = 0, limit: int = 100
    ) -> list[TestCase]:
        clause, params = _story_clause(story_id)
        rows = self.ws.rows(
            f"SELECT * FROM test_cases {clause} ORDER BY number LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [TestCase.model_validate(row) for row in rows]


def _story_clause(story_id: int | None) -> tuple[str, list[Any]]:
    return ("WHERE story_id = ?", [story_id]) if story_id is not None else ("", [])


# -- the execution log --------------------------------------------------------------------


class ExecutionFilter(BaseModel):
    """What the log shows; every field narrows it. Dates are days, both ends included."""

    campaign_id: int | None = None
    status: ExecutionStatus | None = None
    case_id: int | None = None
    story_id: int | None = None
    """The story the case is linked to now."""
    tester: str | None = None
    start: date | None = None
    end: date | None = None
    automated: bool | None = None
    pass_number: int | None = None

    def where(self) -> tuple[str, list[Any]]:
        clauses: list[str] = []
        params: list[Any] = []
        for column in ("campaign_id", "status", "case_id", "tester", "pass_number"):
            value = getattr(self, column)
            if value is not None:
                clauses.append(f"{column} = ?")
                params.append(value.value if isinstance(value, ExecutionStatus) else value)
        if self.automated is not None:
            clauses.append("automated = ?")
            params.append(int(self.automated))
        if self.story_id is not None:
            clauses.append("case_id IN (SELECT id FROM test_cases WHERE story_id = ?)")
            params.append(self.story_id)
        # Timestamps are ISO text: a day range compares as text, from midnight to midnight.
        if self.start is not None:
            clauses.append("created_at >= ?")
            params.append(self.start.isoformat())
        if self.end is not None:
            clauses.append("created_at < ?")
            params.append((self.end + timedelta(days=1)).isoformat())
        return ("WHERE " + " AND ".join(clauses) if clauses else ""), params


def _execution(row: dict[str, Any]) -> Execution:
    return Execution.model_validate(row, context={"stored": True})


class AutomatedImport(BaseModel):
    """What an import of automated results wrote."""

    campaign: str
    pass_number: int
    recorded: int
    counts: dict[ExecutionStatus, int]
    linked: list[str]
    """Cases the report named by their key."""
    created: list[str]
    """Automated cases created by this import."""
    reused: list[str]
    """Automated cases found again from an earlier import."""
    skipped: list[ImportProblem] = []
    """Results left out (only when the valid part was kept)."""

    def summary(self) -> str:
        statuses = ", ".join(
            t("recette.count", label=status_label(status), count=count)
            for status, count in self.counts.items()
            if count
        )
        return t(
            "junit.imported",
            results=tn("junit.results", self.recorded),
            campaign=self.campaign,
            run=self.pass_number,
            statuses=statuses or "0",
            linked=tn("junit.linked", len(self.linked)),
            automated=tn("junit.automated", len(self.created) + len(self.reused)),
            created=tn("junit.created", len(self.created)),
        )


class RecordedResult(BaseModel):
    """A result just recorded and what it changed, so that the runner's `u` takes all of
    it back (`ExecutionRepository.withdraw`)."""

    execution: Execution
    reopened: Story | None = None
    """The story as the failure left it: back to "En cours"…"""
    story_status: StoryStatus | None = None
    """…from this status."""
    blocker: Item | None = None
    """The blocker the failure raised."""


class ExecutionRepository:
    """The log: rows are added, read page by page, never changed."""

    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    # -- writing ----------------------------------------------------------------------------

    def record(
        self,
        campaign: Campaign | int,
        case: TestCase | int,
        status: ExecutionStatus,
        comment: str = "",
        *,
        tester: str | None = None,
        duration_s: float | None = None,
        automated: bool = False,
        reopen_story: bool = False,
    ) -> Execution:
        """Add one result with a frozen copy of the case as stored now. A planned campaign
        starts with its first result. With `reopen_story`, a failure sends the case's story
        back to "En cours" and raises a blocker linked to it, in the same transaction."""
        return self.record_result(
            campaign,
            case,
            status,
            comment,
            tester=tester,
            duration_s=duration_s,
            automated=automated,
            reopen_story=reopen_story,
        ).execution

    def record_result(
        self,
        campaign: Campaign | int,
        case: TestCase | int,
        status: ExecutionStatus,
        comment: str = "",
        *,
        tester: str | None = None,
        duration_s: float | None = None,
        automated: bool = False,
        reopen_story: bool = False,
    ) -> RecordedResult:
        """`record`, returning what the result changed besides (see `withdraw`)."""
        status = ExecutionStatus(status)
        if comment_missing(status, comment):
            raise ProdtuiError("recette.comment_required", status=status.value)
        with self.ws.transaction():
            stored = self._open_campaign(campaign)
            case_id = case if isinstance(case, int) else case.id
            assert case_id is not None
            fresh = TestCaseRepository(self.ws).get(case_id)
            execution = self._append(
                stored,
                fresh,
                status,
                comment,
                tester=self.ws.author if tester is None else tester,
                duration_s=duration_s,
                automated=automated,
            )
            recorded = RecordedResult(execution=execution)
            if reopen_story and status is ExecutionStatus.FAIL and fresh.story_id is not None:
                recorded = self._reopen_story(fresh, comment, stored, recorded)
            return recorded

    def _reopen_story(
        self, case: TestCase, comment: str, campaign: Campaign, recorded: RecordedResult
    ) -> RecordedResult:
        assert case.story_id is not None
        story = self.ws.stories.get(case.story_id)
        changes: dict[str, Any] = {}
        if story.status is not StoryStatus.IN_PROGRESS:
            reason = t("recette.reopened_reason", case=case.key, campaign=campaign.name)
            reopened = self.ws.stories.set_status(story, StoryStatus.IN_PROGRESS, reason=reason)
            changes |= {"reopened": reopened, "story_status": story.status}
        changes["blocker"] = self.ws.items.add(
            Item(
                kind=ItemKind.BLOCKER,
                text=t("recette.failure_blocker", case=case.key, title=case.title, comment=comment),
                owner=self.ws.author,
                story_key=story.key,
                triaged=True,
                source="recette",
            )
        )
        return recorded.model_copy(update=changes)

    def withdraw(self, recorded: RecordedResult) -> Execution:
        """Take back a result just recorded, and what it changed, in one transaction (the
        runner's `u`). The log stays append-only: a correction is a new result, "not run"
        (the case waits in the runner again) saying which result it withdraws; the
        blocker its failure raised is deleted and its story goes back to its status.
        Refused, with nothing changed, when another result of the case was recorded since
        or a new pass started (`recette.result_superseded`), or when a record it changed
        was saved elsewhere since (ConflictError): never written over."""
        execution = recorded.execution
        assert execution.id is not None
        with self.ws.transaction():
            campaign = CampaignRepository(self.ws).writable(execution.campaign_id)
            newer = self.ws.conn.execute(
                "SELECT count(*) FROM executions WHERE campaign_id = ? AND case_id = ? AND id > ?",
                [execution.campaign_id, execution.case_id, execution.id],
            ).fetchone()[0]
            if newer or campaign.pass_number != execution.pass_number:
                raise ProdtuiError("recette.result_superseded", case=execution.case_key)
            if recorded.blocker is not None and recorded.blocker.id is not None:
                self.ws.items.delete(recorded.blocker.id, recorded.blocker.version)
            if recorded.reopened is not None and recorded.story_status is not None:
                self.ws.stories.set_status(recorded.reopened, recorded.story_status)
            said = t("recette.withdrawn_comment", status=t(execution.status.label_key))
            return self._append(
                campaign,
                TestCaseRepository(self.ws).get(execution.case_id),
                ExecutionStatus.NOT_RUN,
                said,
                tester=self.ws.author,
                duration_s=None,
                automated=False,
            )

    def latest_for_story(self, story_id: int, limit: int = 20) -> list[Execution]:
        """The latest result of each case linked to a story, newest first."""
        # Executions are append-only: a case's latest is its max(id), on executions_case.
        rows = self.ws.rows(
            "SELECT * FROM executions WHERE id IN (SELECT max(id) FROM executions"
            " WHERE case_id IN (SELECT id FROM test_cases WHERE story_id = ?) GROUP BY case_id)"
            " ORDER BY id DESC LIMIT ?",
            [story_id, limit],
        )
        return [_execution(row) for row in rows]

    def _open_campaign(self, campaign: Campaign | int) -> Campaign:
        campaigns = CampaignRepository(self.ws)
        stored = campaigns.writable(campaign)
        if stored.state is CampaignState.PLANNED:
            stored = campaigns._update(stored.edit(state=CampaignState.IN_PROGRESS))
        return stored

    def _append(
        self,
        campaign: Campaign,
        case: TestCase,
        status: ExecutionStatus,
        comment: str,
        *,
        tester: str,
        duration_s: float | None,
        automated: bool,
    ) -> Execution:
        assert campaign.id is not None and case.id is not None
        execution = Execution(
            campaign_id=campaign.id,
            case_id=case.id,
            status=status,
            comment=comment,
            tester=tester,
            duration_s=duration_s,
            automated=automated,
            case_snapshot=case.snapshot(),
            pass_number=campaign.pass_number,
        )
        row = execution.model_dump(mode="json", exclude={"id"}) | {"created_at": now()}
        row["automated"] = int(execution.automated)
        names = list(row)
        cursor = self.ws.conn.execute(
            f"INSERT INTO executions ({', '.join(names)}) VALUES ({', '.join('?' * len(names))})",
            [row[name] for name in names],
        )
        return _execution(row | {"id": cursor.lastrowid})

    def import_automated(
        self,
        campaign: Campaign | int,
        results: Iterable[AutomatedResult] | ReportResults,
        *,
        tester: str | None = None,
        keep_valid: bool = False,
        progress: Callable[[int, int], None] | None = None,
    ) -> AutomatedImport:
        """Write a parsed report in one transaction. A result naming `TC-n` goes to that case;
        any other to the automated case of its test, created on its first import. Several
        results for one case make one result (see `combine`). A key the workspace does not
        know refuses the whole import (JUnitImportRefused), or is left out when
        `keep_valid`. Any error leaves the workspace as it was.

        `results` may be a stream (`iter_junit`): each result is taken once and only what
        its case's result needs is kept (see `ReportResults`), before anything is read or
        written. Written IMPORT_BATCH cases at a time: the automated cases of a batch are
        read with one query, numbers and ids of new cases are given once, and each batch of
        new cases, their audit rows and the results is one statement each, so the cost per
        test does not grow with the report or the workspace. `progress(done, total)` is told
        how many results are written after each batch."""
        report = results if isinstance(results, ReportResults) else ReportResults(results)
        cases = TestCaseRepository(self.ws)
        with self.ws.transaction():
            stored = self._open_campaign(campaign)
            # The cases a report names by key are few (written by hand): read at once.
            known = cases.by_numbers({key for key in report.groups if isinstance(key, int)})
            problems = [
                ImportProblem(position=position, message=t("junit.unknown_case", case=f"TC-{n}"))
                for n, position in report.named
                if n not in known
            ]
            if problems and not keep_valid:
                raise JUnitImportRefused(problems)
            linked = [
                known[key].key for key in report.groups if isinstance(key, int) and key in known
            ]
            total = sum(1 for key in report.groups if not isinstance(key, int) or key in known)
            # Each case's results, in the order the report first names the case.
            pending = (
                (key, group)
                for key, group in report.groups.items()
                if not isinstance(key, int) or key in known
            )
            batch = _AutomatedBatch(self.ws, stored, self.ws.author if tester is None else tester)
            reused: list[str] = []
            done = 0
            while chunk := list(islice(pending, IMPORT_BATCH)):
                # The automated cases of this batch only: a second import of 50,000 tests
                # never holds 50,000 cases at once.
                existing = cases.by_automation_keys({k for k, _ in chunk if isinstance(k, str)})
                targets: list[tuple[TestCase | None, str, list[KeptResult]]] = []
                for key, group in chunk:
                    if isinstance(key, int):
                        targets.append((known[key], "", group))
                        continue
                    case = existing.get(key)
                    if case is not None:
                        reused.append(case.key)
                    targets.append((case, key, group))
                batch.write(targets)
                done += len(chunk)
                if progress is not None:
                    progress(done, total)
        return AutomatedImport(
            campaign=stored.name,
            pass_number=stored.pass_number,
            recorded=done,
            counts=batch.counts,
            linked=linked,
            created=batch.created,
            reused=reused,
            skipped=problems,
        )

    # -- reading ----------------------------------------------------------------------------

    def get(self, execution_id: int) -> Execution:
        rows = self.ws.rows("SELECT * FROM executions WHERE id = ?", [execution_id])
        if not rows:
            raise NotFoundError("executions", execution_id)
        return _execution(rows[0])

    def count(self, where: ExecutionFilter | None = None) -> int:
        clause, params = (where or ExecutionFilter()).where()
        return int(
            self.ws.conn.execute(f"SELECT count(*) FROM executions {clause}", params).fetchone()[0]
        )

    def log(
        self, where: ExecutionFilter | None = None, limit: int = LOG_PAGE, offset: int = 0
    ) -> list[Execution]:
        """One page of the log, newest first."""
        clause, params = (where or ExecutionFilter()).where()
        rows = self.ws.rows(
            f"SELECT * FROM executions {clause} ORDER BY id DESC LIMIT ? OFFSET ?",
            [*params, limit, offset],
        )
        return [_execution(row) for row in rows]

    def latest_per_case(
        self, campaign: Campaign | int, pass_number: int | None = None
    ) -> dict[int, Execution]:
        """Each case's latest result in the campaign (in one pass when `pass_number`)."""
        campaign_id = campaign if isinstance(campaign, int) else campaign.id
        extra, params = ("AND pass_number = ?", [pass_number]) if pass_number else ("", [])
        rows = self.ws.rows(
            "SELECT * FROM executions WHERE id IN (SELECT max(id) FROM executions"
            f" WHERE campaign_id = ? {extra} GROUP BY case_id)",
            [campaign_id, *params],
        )
        return {row["case_id"]: _execution(row) for row in rows}

    def history(
        self, case: TestCase | int, limit: int = LOG_PAGE, offset: int = 0
    ) -> list[Execution]:
        """A case's results across campaigns, newest first."""
        case_id = case if isinstance(case, int) else case.id
        return self.log(ExecutionFilter(case_id=case_id), limit=limit, offset=offset)

    def progress_by_campaign(
        self, campaigns: Sequence[Campaign | CampaignListing]
    ) -> dict[int, Progress]:
        """Each campaign's current pass: the same figures as `plan(campaign).progress`, for
        a page of the list of campaigns. A whole `Campaign` is counted at the pass it was
        read with; a listed one, which carries no scope, at its pass as stored now, its
        scope read by the same statement, so that its counts and its total always agree."""
        result = {}
        for campaign in campaigns:
            assert campaign.id is not None
            if isinstance(campaign, Campaign):
                scope = campaign.scope_cases
                sql = PASS_PROGRESS.format(pass_number=":pass", scope=":scope")
                params: dict[str, Any] = {
                    "id": campaign.id,
                    "pass": campaign.pass_number,
                    "scope": None if scope is None else json.dumps(list(scope)),
                }
            else:
                # Deleted since it was listed: counted over every case until the reload.
                sql = PASS_PROGRESS.format(pass_number=STORED_PASS, scope=STORED_SCOPE)
                params = {"id": campaign.id, "pass": campaign.pass_number}
            found = dict.fromkeys(ExecutionStatus, 0)
            total = 0
            for status, count in self.ws.conn.execute(sql, params):
                if status is None:
                    total = count
                else:
                    found[ExecutionStatus(status)] = count
            result[campaign.id] = Progress(
                total=total, counts=found, pending=total - sum(found.values())
            )
        return result

    def plan(self, campaign: Campaign) -> RunnerPlan:
        """The current pass of `campaign` as the guided runner walks it."""
        scope = CampaignRepository(self.ws).scope(campaign)
        latest = self.latest_per_case(campaign, pass_number=campaign.pass_number)
        return RunnerPlan(
            pass_number=campaign.pass_number,
            scope=scope,
            results={case_id: e.status for case_id, e in latest.items()},
        )


KeptResult = tuple[str, ExecutionStatus, str, float | None]
"""What the import keeps of a result: its test's name, status, comment and duration."""


class ReportResults:
    """The results of a report grouped by the case they go to, read from a stream of
    results (`iter_junit`) one at a time. Only what a case's result needs is kept of each
    (`KeptResult`, about 300 bytes with its key, where a parsed `AutomatedResult` weighs
    1.3 KB): 50,000 tests stand in a few MB. Nothing of the workspace is read: made
    before the import's transaction, the write lock is not held while the file is read."""

    def __init__(self, results: Iterable[AutomatedResult]) -> None:
        self.groups: dict[int | str, list[KeptResult]] = {}
        """Each case's results in the order the report first names the case, under its
        number (the report names it by key) or its test's automation key."""
        self.named: list[tuple[int, str]] = []
        """The number and position of each result naming a case by key, in report order:
        to say where a key the workspace lacks was written."""
        for result in results:
            key: int | str
            if result.case_number is not None:
                key = result.case_number
                self.named.append((key, result.position))
            else:
                key = result.automation_key
            kept = (result.name, result.status, result.comment, result.duration_s)
            group = self.groups.get(key)
            if group is None:
                self.groups[key] = [kept]
            else:
                group.append(kept)

    def __len__(self) -> int:
        return sum(len(group) for group in self.groups.values())


def _combined(group: list[KeptResult]) -> tuple[ExecutionStatus, str, float | None]:
    """`combine` of a case's results."""
    if len(group) == 1:  # the usual case, as `combine` gives it without a model per result
        _, status, comment, duration = group[0]
        return status, comment, None if duration is None else round(duration, 3)
    return combine(
        [
            AutomatedResult.model_construct(
                position="", name=name, status=status, comment=comment, duration_s=duration
            )
            for name, status, comment, duration in group
        ]
    )


def _automated_case(name: str, key: str) -> TestCase:
    return TestCase(
        title=(name or key)[:MAX_TITLE],
        steps=t("junit.case_steps", test=key),
        automated=True,
        automation_key=key,
    )


IMPORT_BATCH = 500
"""Cases an import of automated results writes with one statement each for the new
cases, their audit rows and the results."""
_EXECUTION_COLUMNS = [name for name in Execution.model_fields if name != "id"]
_KEY_LIMIT = min(
    getattr(rule, "max_length", 2_000) for rule in TestCase.model_fields["automation_key"].metadata
)
_SNAPSHOT_JSON = json.JSONEncoder(ensure_ascii=False, sort_keys=True)
"""`json.dumps(…, ensure_ascii=False, sort_keys=True)` without a new encoder per call."""
_VARYING = ("id", "number", "title", "steps", "automation_key")
"""What differs between the rows of the cases an import creates."""


def _snapshot_json(row: dict[str, Any]) -> str:
    return _SNAPSHOT_JSON.encode({name: row[name] for name in CASE_SNAPSHOT_FIELDS})


class _FilledJson:
    """`encode(row)` for rows that differ from `template` only in the fields `varying`,
    each an int or a non-empty string: the template is encoded once with a marker in each
    of them, and a row's text is that one with its values, written as JSON, in place of
    the markers. Encoding each row took a third of the Python time of an import of
    50,000 new cases. Any other row is encoded by `encode`."""

    def __init__(
        self,
        encode: Callable[[dict[str, Any]], str],
        template: dict[str, Any],
        varying: tuple[str, ...],
    ) -> None:
        self.encode = encode
        markers = {f"\x00{n}\x00": name for n, name in enumerate(varying)}
        text = encode(template | {name: marker for marker, name in markers.items()})
        found = re.compile("|".join(re.escape(json.dumps(marker)) for marker in markers))
        self.names = [markers[json.loads(match.group())] for match in found.finditer(text)]
        self.text = "%s".join(piece.replace("%", "%%") for piece in found.split(text))

    def __call__(self, row: dict[str, Any]) -> str:
        values: list[str] = []
        for name in self.names:
            value = row[name]
            if type(value) is int:
                values.append(str(value))
            elif type(value) is str and value:
                values.append(encode_basestring(value))
            else:
                return self.encode(row)
        return self.text % tuple(values)


class _AutomatedBatch:
    """What an import of automated results carries from batch to batch: the next number
    and id of a new case, the counts by status and the keys of the cases it created."""

    def __init__(self, workspace: Workspace, campaign: Campaign, tester: str) -> None:
        self.ws = workspace
        self.number, self.id = workspace.conn.execute(
            "SELECT coalesce(max(number), 0) + 1, coalesce(max(id), 0) + 1 FROM test_cases"
        ).fetchone()
        self.counts = dict.fromkeys(ExecutionStatus, 0)
        self.created: list[str] = []
        self.case_row: dict[str, Any] | None = None
        """The row of the first case created, as `TestCase` checked and dumped it."""
        self.snapshot_json: Callable[[dict[str, Any]], str] = _snapshot_json
        self.audit_json: Callable[[dict[str, Any]], str] = audit_summary
        # What every result of the import shares, checked once as `Execution` checks it
        # (a tester name too long is refused before anything is written).
        assert campaign.id is not None
        shared = Execution(
            campaign_id=campaign.id,
            case_id=0,
            status=ExecutionStatus.PASS,
            tester=tester,
            automated=True,
            case_snapshot={},
            pass_number=campaign.pass_number,
        )
        self.shared = shared.model_dump(
            mode="json", include={"campaign_id", "tester", "automated", "pass_number"}
        )
        self.shared["automated"] = 1

    def new_case(self, name: str, key: str) -> dict[str, Any]:
        """The row of the automated case of test `key` (`name` its test's name), as
        `TestCase` would check and dump it. Only the first is made by `TestCase`; the
        others differ from it in their title, steps and key alone, which need no check of
        their own: the name and key are clean lines already (`AutomatedResult`), the
        title is cut to its limit and the steps are far below theirs. A key over its
        limit goes through `TestCase`, which refuses it."""
        if self.case_row is None or len(key) > _KEY_LIMIT:
            row = _automated_case(name, key).model_dump(mode="json", exclude=set(BOOKKEEPING))
            self.case_row = row
            return dict(row)
        return self.case_row | {
            "title": (name or key)[:MAX_TITLE],
            "steps": t("junit.case_steps", test=key),
            "automation_key": key,
        }

    def write(self, targets: list[tuple[TestCase | None, str, list[KeptResult]]]) -> None:
        """One result per target: its stored case, or (None) a case created now for the
        test of automation key `key`."""
        stamp = now()
        new_cases: list[dict[str, Any]] = []
        executions: list[dict[str, Any]] = []
        for case, key, group in targets:
            if case is None:
                row = self.new_case(group[0][0], key)
                row |= {"number": self.number, "id": self.id, "version": 1}
                row |= {"created_at": stamp, "updated_at": stamp}
                if not new_cases and not self.created:  # the import's first new case
                    self.snapshot_json = _FilledJson(_snapshot_json, row, _VARYING)
                    self.audit_json = _FilledJson(audit_summary, row, _VARYING)
                new_cases.append(row)
                self.created.append(f"TC-{self.number}")
                self.id += 1
                self.number += 1
                case_id, snapshot = row["id"], self.snapshot_json(row)
            else:
                case_id, snapshot = case.id, _SNAPSHOT_JSON.encode(case.snapshot())
            status, comment, duration = _combined(group)
            if comment_missing(status, comment):
                comment = t("junit.no_message")
            # The row `Execution` would dump: its shared fields were checked once (see
            # __init__), the rest comes from results the parser checked.
            executions.append(
                self.shared
                | {
                    "case_id": case_id,
                    "status": status.value,
                    "comment": comment,
                    "duration_s": duration,
                    "case_snapshot": snapshot,
                    "created_at": stamp,
                }
            )
            self.counts[status] += 1
        conn = self.ws.conn
        if new_cases:
            columns = list(new_cases[0])
            conn.executemany(
                f"INSERT INTO test_cases ({', '.join(columns)})"
                f" VALUES ({', '.join(':' + c for c in columns)})",
                new_cases,
            )
            author = self.ws.author
            conn.executemany(
                "INSERT INTO audit_log (at, author, entity, entity_id, field, old, new)"
                " VALUES (?, ?, ?, ?, ?, ?, ?)",
                [
                    (stamp, author, "test_cases", row["id"], CREATED, None, self.audit_json(row))
                    for row in new_cases
                ],
            )
        conn.executemany(
            f"INSERT INTO executions ({', '.join(_EXECUTION_COLUMNS)})"
            f" VALUES ({', '.join(':' + c for c in _EXECUTION_COLUMNS)})",
            executions,
        )


# -- runs of the automated suite ----------------------------------------------------------


class CommandRunRepository:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def start(
        self, campaign: Campaign | int, command: str, *, owner_pid: int | None = None
    ) -> CommandRun:
        """Stored as it starts, so a run cut short (the app killed) still shows; its whole
        output goes to `log_path`, beside the workspace."""
        with self.ws.transaction():
            stored = CampaignRepository(self.ws).writable(campaign)
            run = CommandRun(campaign_id=stored.id or 0, command=command, started_at=now())
            cursor = self.ws.conn.execute(
                "INSERT INTO command_runs (campaign_id, command, started_at, state, owner_pid)"
                " VALUES (?, ?, ?, ?, ?)",
                # The text of `now()`, as every other timestamp of the workspace.
                [run.campaign_id, run.command, now(), RunState.RUNNING, owner_pid],
            )
            run_id = int(cursor.lastrowid or 0)
            self.ws.conn.execute(
                "UPDATE command_runs SET log_path = ? WHERE id = ?",
                [str(self.log_folder() / f"{run_id}.log"), run_id],
            )
            return self.get(run_id)

    def log_folder(self) -> Path:
        """Where runs' outputs are written: `<workspace>.runs/`, beside the workspace."""
        return self.ws.path.with_name(f"{self.ws.path.name}.runs")

    def finish(
        self,
        run: CommandRun,
        exit_code: int | None,
        output: str,
        *,
        state: RunState = RunState.FINISHED,
        log_kept: bool = True,
        notice_pending: bool = False,
    ) -> CommandRun:
        """Close a run once: its end, exit code (None if it was stopped), output tail and
        state; `log_kept` False when its output file could not be written."""
        assert run.id is not None
        with self.ws.transaction():
            cursor = self.ws.conn.execute(
                "UPDATE command_runs SET ended_at = ?, exit_code = ?, output_tail = ?,"
                " state = ?, notice_pending = ?,"
                " log_path = CASE WHEN ? THEN log_path END"
                " WHERE id = ? AND ended_at IS NULL",
                [
                    now(),
                    exit_code,
                    output_tail(output),
                    state,
                    notice_pending,
                    log_kept,
                    run.id,
                ],
            )
            if cursor.rowcount != 1:
                raise ProdtuiError("recette.run_already_ended")
        return self.get(run.id)

    def mark_imported(self, run: CommandRun) -> CommandRun:
        """Its report was imported into its campaign."""
        assert run.id is not None
        with self.ws.transaction():
            self.ws.conn.execute(
                "UPDATE command_runs SET state = ? WHERE id = ?", [RunState.IMPORTED, run.id]
            )
        return self.get(run.id)

    def to_report(self, alive: Callable[[int], bool]) -> list[CommandRun]:
        """Runs whose end the user has not heard of, taken once: those left `running` by
        a prodtui that is gone (`alive(pid)` False), now recorded as interrupted, and
        those that ended while prodtui was closing. A run another open session owns is
        left alone."""
        rows = self.ws.rows(
            "SELECT * FROM command_runs WHERE state = 'running' OR notice_pending = 1 ORDER BY id"
        )
        runs = [CommandRun.model_validate(row) for row in rows]
        told = [
            run
            for run in runs
            if run.state is not RunState.RUNNING
            or run.owner_pid is None
            or not alive(run.owner_pid)
        ]
        if not told or self.ws.read_only:
            return told
        with self.ws.transaction():
            for run in told:
                self.ws.conn.execute(
                    "UPDATE command_runs SET notice_pending = 0,"
                    " state = CASE state WHEN 'running' THEN 'interrupted' ELSE state END,"
                    " ended_at = coalesce(ended_at, ?) WHERE id = ?",
                    [now(), run.id],
                )
        return told

    def get(self, run_id: int) -> CommandRun:
        rows = self.ws.rows("SELECT * FROM command_runs WHERE id = ?", [run_id])
        if not rows:
            raise NotFoundError("command_runs", run_id)
        return CommandRun.model_validate(rows[0])

    def of_campaign(
        self, campaign: Campaign | int, limit: int = 50, offset: int = 0
    ) -> list[CommandRun]:
        """A campaign's runs, newest first."""
        campaign_id = campaign if isinstance(campaign, int) else campaign.id
        rows = self.ws.rows(
            "SELECT * FROM command_runs WHERE campaign_id = ? ORDER BY id DESC LIMIT ? OFFSET ?",
            [campaign_id, limit, offset],
        )
        return [CommandRun.model_validate(row) for row in rows]


class Recette:
    """The four repositories of this part, for a workspace that does not expose them yet."""

    def __init__(self, workspace: Workspace) -> None:
        self.campaigns = CampaignRepository(workspace)
        self.test_cases = TestCaseRepository(workspace)
        self.executions = ExecutionRepository(workspace)
        self.command_runs = CommandRunRepository(workspace)


def recette(workspace: Workspace) -> Recette:
    """The recette repositories of `workspace` (its own properties once it has them)."""
    return Recette(workspace)
