"""What the Today screen shows, read with a few aggregate queries.

Every query is bounded: counts and sums run on indexes, lists stop at `shown` rows, and
the tables that grow forever (stand-up entries, executions, audit log) are only read
through their indexes for today's stand-up, the running campaign and the sprint's stories.
The homologation decision in force comes from the tracker's repository (a workspace holds a
handful of decisions).
"""

from __future__ import annotations

import json
from datetime import date
from typing import TYPE_CHECKING, Any

from prodtui.domain.dashboard import (
    ActionsTile,
    BlockersTile,
    CampaignTile,
    InboxTile,
    SecurityTile,
    SprintTile,
    StandupTile,
    TileItem,
    TodaySnapshot,
)
from prodtui.domain.homologation import HomologationDecision
from prodtui.domain.recette_status import ExecutionStatus, Progress
from prodtui.domain.security_score import MeasureStatus, security_score

if TYPE_CHECKING:
    from prodtui.store.workspace import Workspace

SHOWN = 6
"""Rows listed per tile: the tallest tile has room for about this many at 120×40."""


def _day(value: str | None) -> date | None:
    return date.fromisoformat(value[:10]) if value else None


class DashboardRepository:
    def __init__(self, workspace: Workspace) -> None:
        self.ws = workspace

    def snapshot(self, today: date, *, shown: int = SHOWN, roadmap: bool = True) -> TodaySnapshot:
        """Every tile; `roadmap=False` leaves the roadmap's warnings out (counted as 0):
        they read every epic's plan, pages of the stories table not yet in the cache on a
        first read (about 120 ms at ten times the large workspace), so Today's first frame
        does without them and adds them right after."""
        return TodaySnapshot(
            today=today,
            standup=self.standup(today),
            blockers=self.blockers(shown),
            actions=self.actions(today, shown),
            inbox=self.inbox(shown),
            sprint=self.sprint(today),
            campaign=self.campaign(),
            security=self.security(today, roadmap=roadmap),
            has_stories=self._exists("stories"),
            has_campaigns=self._exists("campaigns"),
        )

    # -- stand-up and captures ---------------------------------------------------------------

    def standup(self, today: date) -> StandupTile:
        # The active team, plus anyone no longer active who still wrote today; entries are
        # found through UNIQUE (standup_id, person_id).
        rows = self.ws.conn.execute(
            # Spoke: an entry with text (a mood alone is not a word, as in the summary).
            "SELECT p.name, coalesce(e.yesterday, '') <> '' OR coalesce(e.today, '') <> '',"
            " coalesce(e.absent, 0) FROM people AS p"
            " LEFT JOIN standup_entries AS e ON e.person_id = p.id"
            " AND e.standup_id = (SELECT id FROM standups WHERE day = ?)"
            " WHERE p.active = 1 OR e.id IS NOT NULL ORDER BY p.position, p.id",
            [today.isoformat()],
        ).fetchall()
        spoke: list[str] = []
        absent: list[str] = []
        waiting: list[str] = []
        for name, has_text, is_absent in rows:
            (absent if is_absent else spoke if has_text else waiting).append(name)
        return StandupTile(day=today, spoke=spoke, absent=absent, waiting=waiting)

    def _items(self, where: str, params: list[Any], day_column: str) -> list[TileItem]:
        rows = self.ws.rows(
            f"SELECT id, kind, text, owner, {day_column} AS day FROM items WHERE {where}",
            params,
        )
        return [TileItem.model_validate(row | {"day": _day(row["day"])}) for row in rows]

    def blockers(self, shown: int = SHOWN) -> BlockersTile:
        # items_open_blockers (kind, status, raised_on) covers both the count and the order.
        count = self._count("SELECT count(*) FROM items WHERE kind = 'blocker' AND status = 'open'")
        oldest = self._items(
            "kind = 'blocker' AND status = 'open' ORDER BY raised_on, id LIMIT ?",
            [shown],
            "coalesce(raised_on, created_at)",
        )
        return BlockersTile(count=count, oldest=oldest)

    def actions(self, today: date, shown: int = SHOWN) -> ActionsTile:
        # items_open (status, kind, due_date): a range scan of the open actions due by today.
        iso = today.isoformat()
        count, late = self.ws.conn.execute(
            "SELECT count(*), coalesce(sum(due_date < ?), 0) FROM items"
            " WHERE status = 'open' AND kind = 'action' AND due_date <= ?",
            [iso, iso],
        ).fetchone()
        first = self._items(
            "status = 'open' AND kind = 'action' AND due_date <= ? ORDER BY due_date, id LIMIT ?",
            [iso, shown],
            "due_date",
        )
        return ActionsTile(count=count, late=late, first=first)

    def inbox(self, shown: int = SHOWN) -> InboxTile:
        # items_inbox (triaged, created_at): newest first without sorting the inbox.
        count = self._count("SELECT count(*) FROM items WHERE triaged = 0")
        newest = self._items(
            "triaged = 0 ORDER BY created_at DESC, id DESC LIMIT ?", [shown], "due_date"
        )
        return InboxTile(count=count, newest=newest)

    # -- sprint ------------------------------------------------------------------------------

    def sprint(self, today: date) -> SprintTile | None:
        """The sprint running today (the one started last if two overlap)."""
        iso = today.isoformat()
        found = self.ws.rows(
            "SELECT id, name, start_date, end_date FROM sprints"
            " WHERE start_date <= ? AND end_date >= ? ORDER BY start_date DESC, id DESC LIMIT 1",
            [iso, iso],
        )
        if not found:
            return None
        sprint = found[0]
        # stories_sprint (sprint_id); abandoned stories are no longer committed work.
        totals = self.ws.conn.execute(
            "SELECT count(*), coalesce(sum(points), 0), sum(points IS NULL),"
            " coalesce(sum(status = 'done'), 0),"
            " coalesce(sum(CASE WHEN status = 'done' THEN points END), 0)"
            " FROM stories WHERE sprint_id = ? AND status <> 'abandoned'",
            [sprint["id"]],
        ).fetchone()
        stories, points, unestimated, done_stories, done_points = totals
        # When each finished story was last marked done, from its audit trail (one index
        # lookup per story through audit_log_entity); a story with no trail counts from
        # its last change.
        finished = self.ws.conn.execute(
            "SELECT coalesce(s.points, 0), coalesce((SELECT max(a.at) FROM audit_log AS a"
            " WHERE a.entity = 'stories' AND a.entity_id = s.id AND a.field = 'status'"
            " AND a.new = 'done'), s.updated_at)"
            " FROM stories AS s WHERE s.sprint_id = ? AND s.status = 'done'",
            [sprint["id"]],
        ).fetchall()
        return SprintTile(
            id=sprint["id"],
            name=sprint["name"],
            start=sprint["start_date"],
            end=sprint["end_date"],
            today=today,
            committed_points=points,
            done_points=done_points,
            committed_stories=stories,
            done_stories=done_stories,
            unestimated=unestimated or 0,
            done_on=[(_day(at), work) for work, at in finished],
        )

    # -- campaign ----------------------------------------------------------------------------

    def campaign(self) -> CampaignTile | None:
        """The campaign in progress (the one started last if several are)."""
        found = self.ws.rows(
            "SELECT id, name, release, pass_number, pass_cases FROM campaigns"
            " WHERE state = 'in_progress'"
            " ORDER BY coalesce(start_date, substr(created_at, 1, 10)) DESC, id DESC LIMIT 1"
        )
        if not found:
            return None
        campaign = found[0]
        # The pass's scope is every case, or the cases listed for a re-run.
        if campaign["pass_cases"] is None:
            total = self._count("SELECT count(*) FROM test_cases")
            scope, params = "", []
        else:
            total = len(json.loads(campaign["pass_cases"]))
            scope = "AND case_id IN (SELECT value FROM json_each(?))"
            params = [campaign["pass_cases"]]
        # Each case's latest result in this pass, through executions_campaign
        # (campaign_id, case_id, id): executions are append-only, so max(id) is the latest,
        # and SQLite takes the bare `status` from that same row.
        rows = self.ws.conn.execute(
            "SELECT status, count(*) FROM (SELECT status, max(id) FROM executions"
            f" WHERE campaign_id = ? AND pass_number = ? {scope} GROUP BY case_id)"
            " GROUP BY status",
            [campaign["id"], campaign["pass_number"], *params],
        ).fetchall()
        counts = dict.fromkeys(ExecutionStatus, 0)
        for status, count in rows:
            counts[ExecutionStatus(status)] = count
        progress = Progress(
            total=total, counts=counts, pending=max(total - sum(counts.values()), 0)
        )
        return CampaignTile(
            id=campaign["id"],
            name=campaign["name"],
            release=campaign["release"],
            pass_number=campaign["pass_number"],
            progress=progress,
        )

    # -- security ----------------------------------------------------------------------------

    def security(self, today: date, *, roadmap: bool = True) -> SecurityTile:
        # A referential has at most a few hundred measures: one grouped pass over them.
        rows = self.ws.conn.execute(
            "SELECT m.indispensable, s.status, count(*),"
            " coalesce(sum(s.due_date IS NOT NULL AND s.due_date < ?), 0)"
            " FROM measures AS m JOIN measure_status AS s ON s.measure_id = m.id"
            " GROUP BY m.indispensable, s.status",
            [today.isoformat()],
        ).fetchall()
        pairs: list[tuple[bool, MeasureStatus]] = []
        measures = applicable = done = partial = late = 0
        for indispensable, status, count, overdue in rows:
            state = MeasureStatus(status)
            pairs += [(bool(indispensable), state)] * count
            measures += count
            if state is MeasureStatus.NOT_APPLICABLE:
                continue
            applicable += count
            done += count if state is MeasureStatus.DONE else 0
            partial += count if state is MeasureStatus.PARTIAL else 0
            late += overdue if state is not MeasureStatus.DONE else 0
        return SecurityTile(
            score=security_score(pairs),
            measures=measures,
            applicable=applicable,
            done=done,
            partial=partial,
            late=late,
            roadmap_warnings=self.ws.roadmap.warning_count(today) if roadmap else 0,
            homologation=self.homologation(),
        )

    def homologation(self) -> HomologationDecision | None:
        """The decision in force, by the homologation tracker's own rule."""
        return self.ws.homologation.current_decision()

    def _exists(self, table: str) -> bool:
        return bool(self.ws.conn.execute(f"SELECT EXISTS (SELECT 1 FROM {table})").fetchone()[0])

    def _count(self, sql: str) -> int:
        return int(self.ws.conn.execute(sql).fetchone()[0])
