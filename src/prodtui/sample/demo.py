"""The demo workspace: every table filled from `sample_data/demo.toml`.

Dates in the sample file are relative to today, so the demo always looks current
(`prodtui demo`).
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from prodtui.domain.items import Item
from prodtui.domain.people import Person
from prodtui.domain.sample import (
    DemoWorkspace,
    HomologationReferential,
    MeasureReferential,
    SampleStory,
    iso_week,
    shift,
    week_monday,
    working_day,
)
from prodtui.sample.common import (
    RANK_STEP,
    case_snapshot,
    fresh_workspace,
    load_demo,
    load_homologation_steps,
    load_measures,
    measure_row,
    refuse_existing,
    seed_score_history,
    stamp,
)
from prodtui.store.base import CREATED, audit_summary
from prodtui.store.workspace import Workspace


def build_demo_workspace(path: Path, *, today: date | None = None, author: str = "demo") -> Path:
    """Create a new workspace at `path` holding the demo.

    An existing path, even an empty file, raises FileExistsError and is left untouched.
    """
    path = refuse_existing(path)
    demo = load_demo()
    measures = load_measures()
    steps = load_homologation_steps()
    demo.check_referentials(measures, steps)
    with fresh_workspace(path, author) as ws, ws.transaction():
        _DemoBuilder(ws, demo, today or date.today()).build(measures, steps)
    return path


class _DemoBuilder:
    def __init__(self, ws: Workspace, demo: DemoWorkspace, today: date) -> None:
        self.ws = ws
        self.demo = demo
        self.today = today
        self.people: dict[str, int] = {}
        self.epics: dict[str, int] = {}
        self.sprints: dict[str, int] = {}
        self.stories: dict[int, int] = {}
        self.cases: dict[int, dict[str, Any]] = {}
        self.measures: dict[str, int] = {}

    def day(self, offset: int) -> date:
        """A calendar day: due dates and plans."""
        return shift(self.today, offset)

    def workday(self, offset: int) -> date:
        """The day some work was done: a weekend falls back to the Friday before."""
        return working_day(shift(self.today, offset), 0)

    def moments(self, when: Sequence[tuple[int, str]]) -> list[datetime]:
        """Timestamps of events given in order as (day_offset, "HH:MM").

        Events move off weekends to the Friday before; when two days fall on the same
        Friday, each event is nudged after the one before, so the order still holds.
        """
        moments: list[datetime] = []
        for offset, clock in when:
            moment = datetime.fromisoformat(stamp(self.workday(offset), clock))
            if moments and moment <= moments[-1]:
                moment = moments[-1] + timedelta(minutes=1)
            moments.append(moment)
        return moments

    def create(self, table: str, row: dict[str, Any], at: str) -> int:
        """Insert a row of a table that has no repository yet, with its audit line."""
        row = row | {"created_at": at, "updated_at": at, "version": 1}
        names = ", ".join(row)
        marks = ", ".join("?" * len(row))
        cursor = self.ws.db.execute(
            f"INSERT INTO {table} ({names}) VALUES ({marks})", list(row.values())
        )
        record_id = int(cursor.lastrowid or 0)
        self.audit(table, record_id, at, audit_summary(row))
        return record_id

    def audit(self, table: str, record_id: int, at: str, summary: str) -> None:
        self.ws.db.execute(
            "INSERT INTO audit_log (at, author, entity, entity_id, field, old, new)"
            " VALUES (?, ?, ?, ?, ?, NULL, ?)",
            [at, self.ws.author, table, record_id, CREATED, summary],
        )

    def backdate(self, table: str, record_id: int, at: str, updated: str | None = None) -> None:
        """Repositories stamp rows with the current time; the demo's history is older."""
        self.ws.db.execute(
            f"UPDATE {table} SET created_at = ?, updated_at = ? WHERE id = ?",
            [at, updated or at, record_id],
        )
        self.ws.db.execute(
            "UPDATE audit_log SET at = ? WHERE entity = ? AND entity_id = ? AND field = ?",
            [at, table, record_id, CREATED],
        )

    def build(self, measures: MeasureReferential, steps: HomologationReferential) -> None:
        self.meta()
        self.team()
        self.backlog()
        self.recette()
        self.captures()
        self.standups()
        self.security(measures, steps)
        self.health()
        self.responsibilities()
        self.milestones()

    def meta(self) -> None:
        meta = self.demo.meta
        for key, value in (
            ("name", meta.name),
            ("service", meta.service),
            ("organisation", meta.organisation),
            ("sample", "demo"),
        ):
            if value:
                self.ws.meta.set(key, value)

    def team(self) -> None:
        joined = stamp(self.workday(-180))
        for person in self.demo.people:
            saved = self.ws.people.add(
                Person(name=person.name, role=person.role, active=person.active)
            )
            assert saved.id is not None
            self.backdate("people", saved.id, joined)
            self.people[person.name] = saved.id

    def backlog(self) -> None:
        row: dict[str, Any]
        for epic in self.demo.epics:
            row = {"title": epic.title, "description": epic.description}
            if epic.target_offset is not None:
                row["target_date"] = self.day(epic.target_offset).isoformat()
            self.epics[epic.key] = self.create("epics", row, stamp(self.workday(-150)))
        sprint_starts: dict[str, date] = {}
        for sprint in self.demo.sprints:
            start = week_monday(self.today, sprint.start_week)
            sprint_starts[sprint.key] = start
            row = {
                "name": sprint.name,
                "start_date": start.isoformat(),
                "end_date": (start + timedelta(days=7 * sprint.weeks - 1)).isoformat(),
                "capacity": sprint.capacity,
            }
            planned = min(start - timedelta(days=3), self.today)
            self.sprints[sprint.key] = self.create("sprints", row, stamp(planned, "15:00"))
        ranks = _backlog_ranks(self.demo.stories, sprint_starts)
        for story in self.demo.stories:
            row = {
                "number": story.number,
                "title": story.title,
                "persona": story.persona,
                "want": story.want,
                "so_that": story.so_that,
                "description": story.description,
                "acceptance": story.acceptance,
                "status": story.status,
                "priority": story.priority,
                "points": story.points,
                "epic_id": self.epics[story.epic] if story.epic else None,
                "sprint_id": self.sprints[story.sprint] if story.sprint else None,
                "rank": ranks[story.number],
            }
            self.stories[story.number] = self.create(
                "stories", row, stamp(self.workday(story.day_offset), "11:00")
            )

    def recette(self) -> None:
        row: dict[str, Any]
        for test_case in self.demo.test_cases:
            row = {
                "number": test_case.number,
                "title": test_case.title,
                "steps": test_case.steps,
                "expected": test_case.expected,
                "story_id": self.stories[test_case.story] if test_case.story else None,
                "tags": ",".join(test_case.tags),
                "importance": test_case.importance,
                "automated": int(test_case.automated),
                "needs_review": 0,
            }
            at = stamp(self.workday(test_case.day_offset), "14:00")
            row["id"] = self.create("test_cases", row, at)
            self.cases[test_case.number] = row | {"version": 1}
        for campaign in self.demo.campaigns:
            start = self.day(campaign.start_offset) if campaign.start_offset is not None else None
            end = self.day(campaign.end_offset) if campaign.end_offset is not None else None
            row = {
                "name": campaign.name,
                "release": campaign.release,
                "sprint_id": self.sprints[campaign.sprint] if campaign.sprint else None,
                "start_date": start.isoformat() if start else None,
                "end_date": end.isoformat() if end else None,
                "state": campaign.state,
                "command": campaign.command,
            }
            created = min(start or self.today, self.today) - timedelta(days=2)
            campaign_id = self.create("campaigns", row, stamp(created, "16:00"))
            # Results in story order: by day, then by time; manual results without a time
            # follow each other from 10:00, a few minutes apart.
            manual: Counter[int] = Counter()
            ordered = []
            for index, execution in enumerate(campaign.executions):
                offset = execution.day_offset
                if offset is None:
                    offset = campaign.day_offset or 0
                clock = execution.time
                if clock is None:
                    minutes = 10 * 60 + 6 * manual[offset]
                    manual[offset] += 1
                    clock = f"{minutes // 60:02d}:{minutes % 60:02d}"
                ordered.append(((offset, clock, index), execution))
            ordered.sort(key=lambda pair: pair[0])
            moments = self.moments([(offset, clock) for (offset, clock, _), _ in ordered])
            rows = []
            for moment, (_, execution) in zip(moments, ordered, strict=True):
                case = self.cases[execution.case]
                automated = execution.automated
                rows.append(
                    (
                        moment.isoformat(timespec="milliseconds"),
                        campaign_id,
                        case["id"],
                        execution.status,
                        execution.comment,
                        execution.tester or campaign.tester or "",
                        execution.duration_s,
                        case["automated"] if automated is None else int(automated),
                        case_snapshot(case),
                    )
                )
            self.ws.conn.executemany(
                "INSERT INTO executions (created_at, campaign_id, case_id, status, comment, tester,"
                " duration_s, automated, case_snapshot) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                rows,
            )
            runs = sorted(campaign.command_runs, key=lambda r: (r.day_offset, r.time))
            starts = self.moments([(run.day_offset, run.time) for run in runs])
            for started, run in zip(starts, runs, strict=True):
                ended = started + timedelta(seconds=run.duration_s)
                self.ws.db.execute(
                    "INSERT INTO command_runs (campaign_id, command, started_at, ended_at,"
                    " exit_code, output_tail) VALUES (?, ?, ?, ?, ?, ?)",
                    [
                        campaign_id,
                        run.command,
                        started.isoformat(timespec="milliseconds"),
                        ended.isoformat(timespec="milliseconds"),
                        run.exit_code,
                        run.output_tail,
                    ],
                )
        # Closed campaigns keep the cases they had when they ended (by their end date).
        self.ws.campaigns.freeze_closed()

    def captures(self) -> None:
        # Inserted in story order, so capture numbers grow with time as in real use.
        captures = sorted(self.demo.items, key=lambda c: (c.day_offset, c.time))
        moments = self.moments([(c.day_offset, c.time) for c in captures])
        for created, capture in zip(moments, captures, strict=True):
            resolved = None
            if capture.status == "done":
                offset = capture.resolved_offset
                resolved_day = self.workday(capture.day_offset if offset is None else offset)
                evening = datetime.combine(resolved_day, datetime.min.time()) + timedelta(hours=17)
                resolved = max(created + timedelta(hours=1), evening)
            due = capture.due_offset
            item = self.ws.items.add(
                Item(
                    kind=capture.kind,
                    text=capture.text,
                    status=capture.status,
                    owner=capture.owner,
                    due_date=self.day(due) if due is not None else None,
                    story_key=f"US-{capture.story}" if capture.story else None,
                    triaged=capture.triaged,
                    source=capture.source,
                    resolved_at=resolved,
                    raised_on=created.date(),
                    resolved_on=resolved.date() if resolved else None,
                )
            )
            assert item.id is not None
            at = created.isoformat(timespec="milliseconds")
            changed = resolved.isoformat(timespec="milliseconds") if resolved else at
            self.backdate("items", item.id, at, changed)

    def standups(self) -> None:
        for standup in sorted(self.demo.standups, key=lambda s: s.workday_offset):
            day = working_day(self.today, standup.workday_offset)
            standup_id = self.create(
                "standups", {"day": day.isoformat(), "notes": standup.notes}, stamp(day, "09:30")
            )
            for minute, entry in enumerate(standup.entries, start=31):
                row = {
                    "standup_id": standup_id,
                    "person_id": self.people[entry.person],
                    "yesterday": entry.yesterday,
                    "today": entry.today,
                    "mood": entry.mood,
                    "absent": int(entry.absent),
                }
                self.create("standup_entries", row, stamp(day, f"09:{min(minute, 59):02d}"))

    def security(self, measures: MeasureReferential, steps: HomologationReferential) -> None:
        row: dict[str, Any]
        adopted = stamp(self.workday(-120), "10:00")
        for measure in measures.measures:
            row = measure_row(measure)
            self.measures[measure.code] = self.create("measures", row, adopted)
        # Every measure gets its status row, "todo" unless the demo says otherwise.
        states = {s.code: s for s in self.demo.measure_status}
        for measure in measures.measures:
            state = states.get(measure.code)
            row = {"measure_id": self.measures[measure.code], "status": "todo"}
            at = adopted
            if state is not None:
                row |= {
                    "status": state.status,
                    "owner": state.owner,
                    "due_date": self.day(state.due_offset).isoformat()
                    if state.due_offset is not None
                    else None,
                    "how": state.how,
                    "evidence": state.evidence,
                    "comment": state.comment,
                    "justification": state.justification,
                    "story_id": self.stories[state.story] if state.story else None,
                }
                at = stamp(self.workday(-45), "10:30")
            self.create("measure_status", row, at)
        for risk in self.demo.risks:
            row = risk.model_dump()
            self.create("risks", row, stamp(self.workday(-40), "15:00"))
        progress = {s.step: s for s in self.demo.homologation.steps}
        for position, step in enumerate(steps.steps, start=1):
            done = progress.get(step.key)
            row = {
                "position": position,
                "key": step.key,
                "title": step.title,
                "status": "todo",
                "date": None,
                "notes": "",
            }
            if done is not None:
                row |= {
                    "status": done.status,
                    "date": self.day(done.day_offset).isoformat()
                    if done.day_offset is not None
                    else None,
                    "notes": done.notes,
                }
            self.create("homologation_steps", row, stamp(self.workday(-75), "10:00"))
        for decision in self.demo.homologation.decisions:
            decided = self.workday(decision.decided_offset)
            row = {
                "authority_name": decision.authority_name,
                "authority_role": decision.authority_role,
                "opinion": decision.opinion,
                "decided_on": decided.isoformat(),
                "validity_months": decision.validity_months,
            }
            self.create("homologation_decisions", row, stamp(decided, "17:00"))
        # Four months of score history, so the trend has something to show.
        seed_score_history(self.ws.conn, self.today, days=120)

    def health(self) -> None:
        for review in sorted(self.demo.health_reviews, key=lambda r: r.week_offset):
            monday = week_monday(self.today, review.week_offset)
            answered = min(monday + timedelta(days=4), self.today)
            for question, answer in review.answers.items():
                row = {
                    "week": iso_week(monday),
                    "question": question,
                    "answer": answer,
                    "comment": review.comments.get(question, ""),
                }
                self.create("health_reviews", row, stamp(answered, "16:00"))

    def responsibilities(self) -> None:
        at = stamp(self.workday(-90), "11:00")
        for position, row in enumerate(self.demo.responsibilities, start=1):
            self.create("responsibilities", row.model_dump() | {"position": position}, at)

    def milestones(self) -> None:
        at = stamp(self.workday(-30), "10:00")
        for milestone in self.demo.milestones:
            row = {
                "name": milestone.name,
                "kind": milestone.kind,
                "day": self.day(milestone.day_offset).isoformat(),
            }
            self.create("milestones", row, at)


_ACTIVE_FIRST = {"in_progress": 0, "in_recette": 0, "ready": 1, "refining": 2, "idea": 3}
_MOSCOW = {"must": 0, "should": 1, "could": 2, "wont": 3, None: 2}


def _backlog_ranks(
    stories: Sequence[SampleStory], sprint_starts: dict[str, date]
) -> dict[int, int]:
    """Work to come first (by sprint, then MoSCoW), finished and abandoned work last."""
    far = date.max

    def key(story: SampleStory) -> tuple[Any, ...]:
        if story.status in ("done", "abandoned"):
            return (1, 0, far, 0, story.number)
        start = sprint_starts[story.sprint] if story.sprint else far
        return (
            0,
            _ACTIVE_FIRST[story.status] if start == far else 0,
            start,
            _MOSCOW[story.priority],
            story.number,
        )

    ordered = sorted(stories, key=key)
    return {story.number: RANK_STEP * (n + 1) for n, story in enumerate(ordered)}
