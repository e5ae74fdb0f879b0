"""The demo workspace, and the large generated workspace the benchmarks run on.

`build_demo_workspace` fills every table from `sample_data/demo.toml` with dates moved
relative to today, so the demo always looks current. `generate_large_workspace` writes
ten years of one team (DESIGN.md §10) from word lists, deterministically for a seed.
"""

from __future__ import annotations

import contextlib
import dataclasses
import errno
import itertools
import json
import random
import sqlite3
from collections import Counter
from collections.abc import Iterator, Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from prodtui.domain.items import Item
from prodtui.domain.people import Person, Role
from prodtui.domain.recette import CASE_SNAPSHOT_FIELDS
from prodtui.domain.sample import (
    LARGE_ENTRIES_PER_STANDUP,
    LARGE_WORKDAYS_PER_SPRINT,
    DemoWorkspace,
    HomologationReferential,
    LargeWorkspaceCounts,
    MeasureReferential,
    SampleStory,
    add_months,
    iso_week,
    large_counts,
    parse_sample,
    shift,
    week_monday,
    working_day,
    working_days_until,
)
from prodtui.domain.security import (
    Category,
    Measure,
    MeasureEntry,
    MeasureState,
    MeasureStatus,
    plausible_history,
    scorecard,
)
from prodtui.resources import sample_file
from prodtui.store.base import CREATED, audit_summary, to_text
from prodtui.store.workspace import Workspace, open_workspace

DEMO_FILE = "demo.toml"
MEASURES_FILE = "measures.toml"
STEPS_FILE = "homologation_steps.toml"

LARGE_TODAY = date(2026, 11, 27)
RANK_STEP = 1000  # gaps between ranks leave room to move a story without renumbering


# --- Score history -------------------------------------------------------------------------


def seed_score_history(conn: sqlite3.Connection, today: date, *, days: int, seed: int = 7) -> int:
    """Give a freshly built demo workspace a believable score history ending at its
    current score (`domain.security.plausible_history`); returns the rows written."""
    statuses = conn.execute(
        "SELECT m.category, m.indispensable, s.status FROM measures AS m"
        " JOIN measure_status AS s ON s.measure_id = m.id"
    ).fetchall()
    card = scorecard(
        MeasureEntry(
            measure=Measure(
                code="X-1", category=Category(category), title="x", indispensable=bool(ind)
            ),
            state=MeasureState(measure_id=0, status=MeasureStatus(status), justification="x"),
        )
        for category, ind, status in statuses
    )
    points = plausible_history(card, today, days, random.Random(seed))
    stamp = f"{today.isoformat()}T00:00:00.000"
    conn.executemany(
        "INSERT OR REPLACE INTO security_score_history (day, overall, categories, updated_at)"
        " VALUES (?, ?, ?, ?)",
        [
            (
                p.day.isoformat(),
                p.overall,
                json.dumps({c.value: v for c, v in p.categories.items()}),
                stamp,
            )
            for p in points
        ],
    )
    return len(points)


# --- Reading the sample files ----------------------------------------------------------


def load_measures() -> MeasureReferential:
    """The default referential of security measures shipped with prodtui."""
    return parse_sample(MeasureReferential, sample_file(MEASURES_FILE), MEASURES_FILE)


def load_homologation_steps() -> HomologationReferential:
    """The ordered steps of a homologation shipped with prodtui."""
    return parse_sample(HomologationReferential, sample_file(STEPS_FILE), STEPS_FILE)


def load_demo() -> DemoWorkspace:
    return parse_sample(DemoWorkspace, sample_file(DEMO_FILE), DEMO_FILE)


def case_snapshot(case: dict[str, Any]) -> str:
    """The frozen copy of a test case stored with each execution."""
    return json.dumps(
        {name: case[name] for name in CASE_SNAPSHOT_FIELDS}, ensure_ascii=False, sort_keys=True
    )


def stamp(day: date, clock: str = "09:00", seconds: int = 0) -> str:
    """A timestamp in the format the repositories write (`store.base.now`)."""
    return f"{day.isoformat()}T{clock}:{seconds:02d}.000"


def _refuse_existing(path: Path) -> Path:
    path = Path(path).expanduser()
    if path.exists() or path.is_symlink():
        raise FileExistsError(errno.EEXIST, "refusing to overwrite an existing file", str(path))
    return path


@contextlib.contextmanager
def _fresh_workspace(path: Path, author: str) -> Iterator[Workspace]:
    """Create the workspace; if filling it fails, remove the half-made file."""
    ws = open_workspace(path, author=author)
    try:
        yield ws
    except BaseException:
        ws.close()
        for leftover in (
            path,
            path.with_name(path.name + "-wal"),
            path.with_name(path.name + "-shm"),
        ):
            leftover.unlink(missing_ok=True)
        raise
    ws.close()


# --- The demo workspace -----------------------------------------------------------------


def build_demo_workspace(path: Path, *, today: date | None = None, author: str = "demo") -> Path:
    """Create a new workspace at `path` holding the demo.

    An existing path, even an empty file, raises FileExistsError and is left untouched.
    """
    path = _refuse_existing(path)
    demo = load_demo()
    measures = load_measures()
    steps = load_homologation_steps()
    demo.check_referentials(measures, steps)
    with _fresh_workspace(path, author) as ws, ws.transaction():
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
            row = {
                "code": measure.code,
                "category": measure.category,
                "title": measure.title,
                "description": measure.description,
                "priority": measure.priority,
                "indispensable": int(measure.indispensable),
                "custom": 0,
            }
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


# --- The large workspace ----------------------------------------------------------------

FIRST_NAMES = (
    "Camille",
    "Léa",
    "Hugo",
    "Manon",
    "Nicolas",
    "Sophie",
    "Karim",
    "Élodie",
    "Antoine",
    "Chloé",
    "Mathieu",
    "Nadia",
    "Romain",
    "Julie",
    "Olivier",
    "Fatou",
    "Guillaume",
    "Laura",
    "Yann",
    "Aurélie",
    "Samir",
    "Pauline",
    "Vincent",
    "Émilie",
    "Benoît",
    "Lina",
    "Quentin",
    "Margaux",
    "Cédric",
    "Anaïs",
)
LAST_NAMES = (
    "Martin",
    "Bernard",
    "Durand",
    "Petit",
    "Moreau",
    "Laurent",
    "Simon",
    "Michel",
    "Lefebvre",
    "Leroy",
    "Roux",
    "David",
    "Bertrand",
    "Morel",
    "Fournier",
    "Girard",
    "Bonnet",
    "Dupont",
    "Lambert",
    "Fontaine",
    "Rousseau",
    "Vincent",
    "Muller",
    "Faure",
    "André",
    "Mercier",
    "Blanc",
    "Guérin",
    "Boyer",
    "Garnier",
)
LARGE_ROLES = (
    Role.PRODUCT,
    Role.BUSINESS,
    Role.SECURITY,
    Role.DESIGN,
    Role.DESIGN,
    Role.DEV,
    Role.DEV,
    Role.DEV,
    Role.DEV,
    Role.DEV,
    Role.DEV,
    Role.DEV,
    Role.DEV,
    Role.OTHER,
    Role.OTHER,
)
SUBJECTS = (
    "le formulaire de dépôt",
    "la liste des demandes",
    "l'export CSV",
    "les courriels de relance",
    "le tableau de bord",
    "les droits des agents",
    "la recherche",
    "le journal d'audit",
    "la page d'accueil",
    "les pièces justificatives",
    "la frise de suivi",
    "le calendrier",
    "la connexion des agents",
    "les statistiques",
    "la purge des brouillons",
    "le mode dégradé",
    "l'API des départements",
    "le parcours sur téléphone",
    "l'accessibilité du formulaire",
    "les tests de charge",
    "la page de maintenance",
    "les motifs de refus",
    "l'annuaire des agents",
    "la sauvegarde nocturne",
    "la supervision",
    "les gabarits de courriel",
    "le second facteur",
    "la réattribution des dossiers",
    "le registre des traitements",
    "le guide d'exploitation",
)
DONE_VERBS = (
    "Terminé",
    "Avancé sur",
    "Relu",
    "Testé",
    "Corrigé",
    "Documenté",
    "Déployé",
    "Affiné",
    "Commencé",
    "Revu",
)
TODO_VERBS = (
    "Terminer",
    "Avancer sur",
    "Relire",
    "Tester",
    "Corriger",
    "Documenter",
    "Déployer",
    "Affiner",
    "Commencer",
    "Revoir",
)
BLOCKERS = (
    "Recette indisponible",
    "En attente d'une réponse du métier",
    "Accès à la production refusé",
    "Dépendance bloquée par une vulnérabilité",
    "Jeu de données incomplet",
    "Quota d'API atteint",
    "Revue de code en attente depuis deux jours",
    "Maquette pas encore validée",
)
PERSONAS = (
    "proche aidant",
    "agent instructeur",
    "responsable du bureau des aidants",
    "RSSI",
    "déléguée à la protection des données",
    "aidant qui navigue au clavier",
    "chef de service départemental",
    "agent d'accueil téléphonique",
)
WANT_VERBS = (
    "consulter",
    "modifier",
    "exporter",
    "filtrer",
    "valider",
    "archiver",
    "imprimer",
    "partager",
    "signaler",
    "retrouver",
)
WANT_OBJECTS = (
    "ma demande",
    "les demandes du département",
    "les pièces justificatives",
    "l'historique d'un dossier",
    "les décisions du mois",
    "les relances en attente",
    "le calendrier des jours de répit",
    "les statistiques de délais",
    "la liste des agents",
    "les messages reçus",
    "les motifs de refus",
    "le bilan annuel",
)
BENEFITS = (
    "gagner du temps",
    "ne rien oublier",
    "rassurer l'aidant",
    "respecter les délais",
    "éviter les erreurs de saisie",
    "préparer le bilan mensuel",
    "limiter les appels au support",
    "garder une trace des décisions",
    "travailler sans papier",
    "répondre aux contrôles",
)
CAPTURE_TEMPLATES: dict[str, tuple[str, ...]] = {
    "note": ("Retour usager sur {s}", "Point métier sur {s}", "Atelier : remarques sur {s}"),
    "action": ("{v} {s}", "Planifier un point sur {s}", "Envoyer le compte rendu sur {s}"),
    "blocker": ("{b} pour {s}",),
    "decision": ("Priorité à {s} au prochain sprint", "Report de {s} au trimestre suivant"),
    "question": ("Qui valide {s} ?", "Faut-il revoir {s} ?"),
    "idea": ("Simplifier {s}", "Proposer un atelier usagers sur {s}"),
    "risk": ("Retard possible sur {s}", "Dépendance externe pour {s}"),
}
# Who does what in the large workspace: activity, then DNUM, métier and RSSI.
LARGE_RACI = (
    ("Arbitrer la feuille de route", "C", "A", "I"),
    ("Rédiger les user stories", "R", "A", None),
    ("Mener la recette", "R", "A", None),
    ("Suivre les mesures de sécurité", "R", "I", "A"),
)

CAPTURE_KINDS = ("note", "action", "blocker", "decision", "question", "idea", "risk")
CAPTURE_WEIGHTS = (30, 30, 8, 10, 8, 8, 6)
EXECUTION_STATUSES = ("pass", "fail", "blocked", "skipped", "not_testable", "settled", "not_run")
EXECUTION_WEIGHTS = (85, 6, 3, 3, 1, 1, 1)
MEASURE_STATES = ("done", "partial", "todo", "ignored", "not_applicable")
MEASURE_WEIGHTS = (60, 15, 15, 5, 5)
HEALTH_QUESTIONS = ("roles", "team_flow", "practices", "security_roadmap", "stories_recette")
STORY_FLOW = ("idea", "refining", "ready", "in_progress", "in_recette", "done")
RISK_CRITERIA = ("availability", "integrity", "confidentiality", "traceability")
TEST_COMMAND = "pytest tests/acceptance --junitxml=rapport-recette.xml"


@dataclasses.dataclass
class _Change:
    at: str
    author: str
    entity: str
    entity_id: int
    field: str
    old: str | None
    new: str | None


def generate_large_workspace(
    path: Path, *, seed: int = 1, today: date | None = None, scale: float = 1.0
) -> Path:
    """Write the large workspace of DESIGN.md §10 at `path`; same seed, same file content.

    `today` defaults to a fixed date, not the real one, so the output is deterministic;
    `scale` shrinks every growing table (see `large_counts`) for quick tests.
    """
    path = _refuse_existing(path)
    counts = large_counts(scale)
    measures = load_measures()
    steps = load_homologation_steps()
    with _fresh_workspace(path, "generator") as ws:
        conn = ws.conn
        # Nobody else can see this file yet: skip the safety nets that cost time.
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("PRAGMA cache_size = -65536")
        with ws.transaction():
            generator = _LargeGenerator(conn, random.Random(seed), today or LARGE_TODAY, counts)
            generator.generate(measures, steps, f"large seed={seed} scale={scale:g}")
        conn.execute("PRAGMA journal_mode = WAL")
        conn.execute("PRAGMA foreign_keys = ON")
    return path


class _LargeGenerator:
    def __init__(
        self,
        conn: sqlite3.Connection,
        rng: random.Random,
        today: date,
        counts: LargeWorkspaceCounts,
    ) -> None:
        self.conn = conn
        self.rng = rng
        self.today = today
        self.counts = counts
        self.days = working_days_until(today, counts.standups)
        self.people: list[str] = []
        self.creations: list[_Change] = []
        # Filled as tables are built; later tables refer to earlier ones.
        self.sprint_days: list[list[date]] = []
        self.story_sprint: list[int] = []  # sprint index of each story, -1 for the backlog
        # Stories and captures are written last, once the audit trail has set their versions.
        self.story_rows: list[dict[str, Any]] = []
        self.item_rows: list[dict[str, Any]] = []
        self.changes: list[_Change] = []  # candidate changes for the audit trail

    def insert(self, table: str, rows: Sequence[dict[str, Any]]) -> None:
        if not rows:
            return
        columns = list(rows[0])
        names = ", ".join(columns)
        marks = ", ".join(f":{c}" for c in columns)
        self.conn.executemany(f"INSERT INTO {table} ({names}) VALUES ({marks})", rows)

    def created(self, entity: str, entity_id: int, at: str, **summary: Any) -> None:
        new = json.dumps(summary, ensure_ascii=False)
        author = self.rng.choice(self.people)
        self.creations.append(_Change(at, author, entity, entity_id, CREATED, None, new))

    def changed(self, at: str, entity: str, entity_id: int, field: str, old: Any, new: Any) -> None:
        self.changes.append(_Change(at, "", entity, entity_id, field, to_text(old), to_text(new)))

    def generate(
        self, measures: MeasureReferential, steps: HomologationReferential, label: str
    ) -> None:
        self.meta(label)
        self.team()
        self.sprints_and_epics()
        self.stories()
        self.recette()
        self.captures()
        self.standups()
        self.security(measures, steps)
        self.health()
        self.responsibilities()
        self.stories_items_and_audit()

    def meta(self, label: str) -> None:
        service = "Répit Aidants — dix ans d'une équipe, générés pour mesurer les performances"
        self.insert(
            "meta",
            [
                {"key": "name", "value": "Grand espace de test"},
                {"key": "service", "value": service},
                {"key": "sample", "value": label},
            ],
        )

    def team(self) -> None:
        rng = self.rng
        while len(self.people) < self.counts.people:
            name = f"{rng.choice(FIRST_NAMES)} {rng.choice(LAST_NAMES)}"
            if name not in self.people:
                self.people.append(name)
        at = stamp(self.days[0] - timedelta(days=30))
        rows = []
        for n, name in enumerate(self.people, start=1):
            role = LARGE_ROLES[(n - 1) % len(LARGE_ROLES)].value
            rows.append({"id": n, "name": name, "role": role, "position": n} | _stamps(at))
            self.created("people", n, at, name=name, role=role)
        self.insert("people", rows)

    def sprints_and_epics(self) -> None:
        per = LARGE_WORKDAYS_PER_SPRINT
        self.sprint_days = [self.days[k : k + per] for k in range(0, len(self.days), per)]
        rows = []
        for k, days in enumerate(self.sprint_days, start=1):
            # The last sprint may have started only days ago: it still runs two weeks.
            end = days[-1] if len(days) == per else days[0] + timedelta(days=11)
            at = stamp(days[0] - timedelta(days=3), "15:00")
            row = {
                "id": k,
                "name": f"Sprint {k}",
                "start_date": days[0].isoformat(),
                "end_date": end.isoformat(),
                "capacity": self.rng.randint(18, 32),
            }
            rows.append(row | _stamps(at))
            self.created("sprints", k, at, name=row["name"])
        self.insert("sprints", rows)
        rows = []
        for e in range(1, self.counts.epics + 1):
            first = self.sprint_days[(e - 1) * len(self.sprint_days) // self.counts.epics][0]
            at = stamp(first - timedelta(days=7), "11:00")
            title = f"{self.rng.choice(SUBJECTS).capitalize()}, lot {e}"
            rows.append({"id": e, "title": title, "description": f"Épopée n°{e}."} | _stamps(at))
            self.created("epics", e, at, title=title)
        self.insert("epics", rows)

    def stories(self) -> None:
        rng = self.rng
        n_sprints = len(self.sprint_days)
        n_stories = self.counts.stories
        in_sprints = n_stories - max(1, n_stories // 30)  # the rest waits in the backlog
        for n in range(n_stories):
            number = n + 1
            sprint = n * n_sprints // in_sprints if n < in_sprints else -1
            if sprint < 0:
                status = rng.choice(("idea", "idea", "refining", "ready"))
                created_day = self.today - timedelta(days=rng.randint(0, 120))
                epic = rng.randrange(self.counts.epics)
            else:
                current = sprint == n_sprints - 1
                status = rng.choices(
                    ("in_progress", "in_recette", "ready", "done")
                    if current
                    else ("done", "abandoned"),
                    (3, 2, 2, 3) if current else (95, 5),
                )[0]
                created_day = self.sprint_days[sprint][0] - timedelta(days=rng.randint(1, 40))
                epic = sprint * self.counts.epics // n_sprints
            self.story_sprint.append(sprint)
            persona = rng.choice(PERSONAS)
            want = f"{rng.choice(WANT_VERBS)} {rng.choice(WANT_OBJECTS)}"
            so_that = rng.choice(BENEFITS)
            title = want[0].upper() + want[1:]
            at = stamp(created_day, "11:00", n % 60)
            priority = rng.choice(("must", "should", "should", "could", "wont"))
            self.story_rows.append(
                {
                    "id": number,
                    "number": number,
                    "title": title,
                    "persona": persona,
                    "want": want,
                    "so_that": so_that,
                    "description": f"Demandée par {rng.choice(PERSONAS)} pour {so_that}.",
                    "acceptance": _acceptance(title, persona, want, rng.randint(2, 30)),
                    "status": status,
                    "priority": priority,
                    "points": rng.choice((1, 2, 3, 5, 8, 13)) if status != "idea" else None,
                    "epic_id": epic + 1,
                    "sprint_id": sprint + 1 if sprint >= 0 else None,
                    "rank": number * RANK_STEP,
                }
                | _stamps(at)
            )
            self.created("stories", number, at, number=number, title=title)
            first_priority = rng.choice(("must", "should", "could"))
            if first_priority != priority:
                self.changed(
                    stamp(created_day, "11:30"),
                    "stories",
                    number,
                    "priority",
                    first_priority,
                    priority,
                )
            self._story_history(number, status, sprint, created_day)

    def _story_history(self, number: int, status: str, sprint: int, created: date) -> None:
        """The status changes that led a story from `idea` to where it is."""
        if status == "abandoned":
            path = ["idea", "refining", "abandoned"]
        else:
            path = list(STORY_FLOW[: STORY_FLOW.index(status) + 1])
        days = self.sprint_days[sprint] if sprint >= 0 else [created]
        for step, (old, new) in enumerate(itertools.pairwise(path)):
            day = max(created, days[min(step * len(days) // (len(path) - 1), len(days) - 1)])
            self.changed(stamp(day, "15:00", step), "stories", number, "status", old, new)

    def recette(self) -> None:
        rng = self.rng
        n_cases = self.counts.test_cases
        in_sprints = [n for n, sprint in enumerate(self.story_sprint) if sprint >= 0]
        case_rows = []
        snapshots: list[str] = []
        automated: list[int] = []
        available: Counter[int] = Counter()  # cases written in each sprint
        for c in range(n_cases):
            story = in_sprints[c * len(in_sprints) // n_cases]  # cases follow story order
            sprint = self.story_sprint[story]
            subject = rng.choice(SUBJECTS)
            case_row: dict[str, Any] = {
                "id": c + 1,
                "number": c + 1,
                "title": f"Vérifier {subject}",
                "steps": (
                    f"1. Se connecter comme {rng.choice(PERSONAS)}\n2. Ouvrir {subject}\n"
                    f"3. {rng.choice(TODO_VERBS)} {rng.choice(WANT_OBJECTS)}"
                ),
                "expected": f"Le résultat est conforme à US-{story + 1}.",
                "story_id": story + 1,
                "tags": rng.choice(("non_regression", "accessibilite", "securite", "depot")),
                "importance": rng.choice(("high", "medium", "medium", "low")),
                "automated": int(rng.random() < 0.3),
                "needs_review": 0,
                "version": 1,
            }
            at = stamp(self.sprint_days[sprint][0], "14:00", c % 60)
            case_rows.append(case_row | _stamps(at))
            snapshots.append(case_snapshot(case_row))
            automated.append(int(case_row["automated"]))
            available[sprint] += 1
            self.created("test_cases", c + 1, at, number=c + 1, title=case_row["title"])
        self.insert("test_cases", case_rows)

        # Campaign k can run every case written up to sprint k; runs grow with the suite.
        pools = list(itertools.accumulate(available[k] for k in range(len(self.sprint_days))))
        shares = _spread(self.counts.executions, pools)
        last = len(self.sprint_days) - 1
        campaigns, runs, executions = [], [], []
        for k, (sprint_days, pool, share) in enumerate(
            zip(self.sprint_days, pools, shares, strict=True)
        ):
            release = f"{k // 20 + 1}.{k % 20}.0"
            days = sprint_days[-5:]
            at = stamp(days[0] - timedelta(days=2), "16:00")
            state = "in_progress" if k == last else "finished" if k >= last - 10 else "archived"
            campaigns.append(
                {
                    "id": k + 1,
                    "name": f"Recette v{release}",
                    "release": release,
                    "sprint_id": k + 1,
                    "start_date": days[0].isoformat(),
                    "end_date": days[-1].isoformat(),
                    "state": state,
                    "command": TEST_COMMAND,
                }
                | _stamps(at)
            )
            self.created("campaigns", k + 1, at, name=f"Recette v{release}")
            if not share:
                continue
            cases = (
                rng.sample(range(pool), share)
                if share <= pool
                else [i % pool for i in range(share)]
            )
            statuses = rng.choices(EXECUTION_STATUSES, EXECUTION_WEIGHTS, k=share)
            for j, (case, status) in enumerate(zip(cases, statuses, strict=True)):
                comment = ""
                if status == "fail":
                    comment = f"Écart constaté sur {rng.choice(SUBJECTS)}"
                elif status == "blocked":
                    comment = rng.choice(BLOCKERS)
                # Spread over the campaign's days from 09:00 to 17:00, in id order.
                slot = j * len(days) * 480 // share
                minute = 9 * 60 + slot % 480
                executions.append(
                    {
                        "campaign_id": k + 1,
                        "case_id": case + 1,
                        "status": status,
                        "comment": comment,
                        "tester": self.people[(case + k) % len(self.people)],
                        "duration_s": round(rng.uniform(0.5, 60), 1) if automated[case] else None,
                        "automated": automated[case],
                        "case_snapshot": snapshots[case],
                        "created_at": stamp(
                            days[slot // 480], f"{minute // 60:02d}:{minute % 60:02d}", j % 60
                        ),
                    }
                )
            started = datetime.combine(days[-1], datetime.min.time()) + timedelta(hours=18)
            failed = rng.random() < 0.2
            runs.append(
                {
                    "campaign_id": k + 1,
                    "command": TEST_COMMAND,
                    "started_at": started.isoformat(timespec="milliseconds"),
                    "ended_at": (started + timedelta(seconds=rng.randint(40, 400))).isoformat(
                        timespec="milliseconds"
                    ),
                    "exit_code": int(failed),
                    "output_tail": f"{'1 failed, ' * failed}{rng.randint(20, 400)} passed",
                }
            )
        self.insert("campaigns", campaigns)
        self.insert("executions", executions)
        self.insert("command_runs", runs)

    def captures(self) -> None:
        rng = self.rng
        n_items = self.counts.items
        n_stories = self.counts.stories
        day_indexes = sorted(rng.randrange(len(self.days)) for _ in range(n_items))
        kinds = rng.choices(CAPTURE_KINDS, CAPTURE_WEIGHTS, k=n_items)
        inbox_from = n_items - min(25, n_items)  # the newest captures still wait for triage
        recent = self.today - timedelta(days=30)
        latest = stamp(self.today, "17:00")
        for i, (d, kind) in enumerate(zip(day_indexes, kinds, strict=True)):
            number = i + 1
            day = self.days[d]
            text = rng.choice(CAPTURE_TEMPLATES[kind]).format(
                s=rng.choice(SUBJECTS), v=rng.choice(TODO_VERBS), b=rng.choice(BLOCKERS)
            )
            story_key = None
            if rng.random() < 0.2:
                story_key = f"US-{min(n_stories, 1 + d * n_stories // len(self.days))}"
                text += f" #{story_key}"
            owner = None
            if kind in ("action", "blocker", "risk") or rng.random() < 0.3:
                owner = rng.choice(self.people)
            done = kind not in ("note", "idea") and rng.random() < (0.97 if day < recent else 0.4)
            clock = f"{9 + i % 9:02d}:{i % 60:02d}"
            created = stamp(day, clock)
            resolved = None
            if done:
                resolved = min(stamp(day + timedelta(days=rng.randint(0, 10)), "17:00"), latest)
                self.changed(resolved, "items", number, "status", "open", "done")
            if owner is not None:
                self.changed(stamp(day, clock, 59), "items", number, "owner", None, owner)
            self.item_rows.append(
                {
                    "id": number,
                    "kind": kind,
                    "text": text,
                    "status": "done" if done else "open",
                    "owner": owner,
                    "due_date": (day + timedelta(days=rng.randint(1, 14))).isoformat()
                    if kind == "action"
                    else None,
                    "story_key": story_key,
                    "triaged": int(i < inbox_from),
                    "source": "tui",
                    "resolved_at": resolved,
                    "raised_on": day.isoformat(),
                    "resolved_on": resolved[:10] if resolved else None,
                }
                | _stamps(created)
            )
            self.created("items", number, created, kind=kind, text=text)

    def standups(self) -> None:
        rng = self.rng
        n_people = len(self.people)
        n_stories = self.counts.stories
        standups, entries = [], []
        for s, day in enumerate(self.days, start=1):
            notes = rng.choice(
                ("", "", "", "Démo de fin de sprint cet après-midi.", "Point sécurité vendredi.")
            )
            standups.append(
                {"id": s, "day": day.isoformat(), "notes": notes} | _stamps(stamp(day, "09:30"))
            )
            missing = rng.randrange(n_people)  # one person has no entry that day
            story = 1 + (s - 1) * n_stories // len(self.days)  # stories of the time
            present = [p for p in range(n_people) if p != missing][:LARGE_ENTRIES_PER_STANDUP]
            for p in present:
                entry: dict[str, Any] = {
                    "standup_id": s,
                    "person_id": p + 1,
                    "yesterday": "",
                    "today": "",
                    "mood": None,
                    "absent": 1,
                }
                if rng.random() >= 0.06:
                    near = max(1, min(n_stories, story + rng.randint(-15, 15)))
                    entry |= {
                        "yesterday": f"{rng.choice(DONE_VERBS)} {rng.choice(SUBJECTS)} (US-{near})",
                        "today": f"{rng.choice(TODO_VERBS)} {rng.choice(SUBJECTS)}",
                        "mood": rng.choices((1, 2, 3, 4, 5), (2, 8, 25, 45, 20))[0],
                        "absent": 0,
                    }
                entries.append(entry | _stamps(stamp(day, f"09:{31 + p:02d}")))
        self.insert("standups", standups)
        self.insert("standup_entries", entries)

    def security(self, measures: MeasureReferential, steps: HomologationReferential) -> None:
        rng = self.rng
        at = stamp(self.days[0], "10:00")
        measure_rows, status_rows = [], []
        for n, measure in enumerate(measures.measures, start=1):
            measure_rows.append(
                {
                    "id": n,
                    "code": measure.code,
                    "category": measure.category,
                    "title": measure.title,
                    "description": measure.description,
                    "priority": measure.priority,
                    "indispensable": int(measure.indispensable),
                    "custom": 0,
                }
                | _stamps(at)
            )
            state = rng.choices(MEASURE_STATES, MEASURE_WEIGHTS)[0]
            due = None
            if state in ("todo", "partial"):
                due = (self.today + timedelta(days=rng.randint(-30, 120))).isoformat()
            status_rows.append(
                {
                    "measure_id": n,
                    "status": state,
                    "owner": rng.choice(self.people),
                    "due_date": due,
                    "justification": "Sans objet pour ce service, accepté par l'autorité."
                    if state == "not_applicable"
                    else "",
                }
                | _stamps(at)
            )
        self.insert("measures", measure_rows)
        self.insert("measure_status", status_rows)

        risks = []
        n_risks = self.counts.risks
        for n in range(n_risks):
            what = rng.choice(("Retard", "Fuite", "Panne", "Erreur", "Perte"))
            risks.append(
                {
                    "title": f"{what} sur {rng.choice(SUBJECTS)}",
                    "criterion": rng.choice(RISK_CRITERIA),
                    "likelihood": rng.randint(1, 4),
                    "severity": rng.randint(1, 4),
                    "treatment": f"Traité au sprint {1 + n * len(self.sprint_days) // n_risks}.",
                    "owner": rng.choice(self.people),
                }
                | _stamps(at)
            )
        self.insert("risks", risks)

        self.insert(
            "homologation_steps",
            [
                {
                    "position": n,
                    "key": step.key,
                    "title": step.title,
                    "status": "done" if n <= 4 else "in_progress" if n == 5 else "todo",
                }
                | _stamps(at)
                for n, step in enumerate(steps.steps, start=1)
            ],
        )
        # A two-year homologation renewed since the start, the last one four months ago.
        decided = add_months(self.today, -4)
        decisions: list[dict[str, Any]] = []
        while decided >= self.days[0] or not decisions:
            decisions.append(
                {
                    "authority_name": "Autorité d'homologation",
                    "authority_role": "Directeur de programme",
                    "opinion": rng.choice(("favourable", "reservations")),
                    "decided_on": decided.isoformat(),
                    "validity_months": 24,
                }
                | _stamps(stamp(decided, "17:00"))
            )
            decided = add_months(decided, -24)
        self.insert("homologation_decisions", decisions[::-1])
        seed_score_history(self.conn, self.today, days=730)

    def health(self) -> None:
        rng = self.rng
        rows = []
        for w in range(self.counts.health_reviews // len(HEALTH_QUESTIONS) - 1, -1, -1):
            monday = week_monday(self.today, -w)
            at = stamp(min(monday + timedelta(days=4), self.today), "16:00")
            for question in HEALTH_QUESTIONS:
                answer = rng.choices(("yes", "partly", "no"), (6, 3, 1))[0]
                rows.append(
                    {"week": iso_week(monday), "question": question, "answer": answer} | _stamps(at)
                )
        self.insert("health_reviews", rows)

    def responsibilities(self) -> None:
        at = stamp(self.days[0], "11:00")
        rows = [
            {"activity": activity, "position": n, "dnum": dnum, "metier": metier, "rssi": rssi}
            | {"other": None, "other_party": ""}
            | _stamps(at)
            for n, (activity, dnum, metier, rssi) in enumerate(LARGE_RACI, start=1)
        ]
        self.insert("responsibilities", rows)

    def stories_items_and_audit(self) -> None:
        """The trail holds every creation, then a random choice of the changes."""
        rng = self.rng
        room = max(0, self.counts.audit_log - len(self.creations))
        chosen = sorted(rng.sample(range(len(self.changes)), min(room, len(self.changes))))
        picked = [self.changes[i] for i in chosen]
        # A record's version counts its saved changes, and its last change dates it.
        rows_of = {"stories": self.story_rows, "items": self.item_rows}
        for change in picked:
            change.author = rng.choice(self.people)
            row = rows_of[change.entity][change.entity_id - 1]
            row["version"] += 1
            row["updated_at"] = max(row["updated_at"], change.at)
        self.insert("stories", self.story_rows)
        self.insert("items", self.item_rows)
        trail = sorted(self.creations + picked, key=lambda c: c.at)
        self.insert("audit_log", [vars(c) for c in trail])


def _stamps(at: str) -> dict[str, Any]:
    return {"created_at": at, "updated_at": at, "version": 1}


def _acceptance(title: str, persona: str, want: str, seconds: int) -> str:
    return (
        f"# language: fr\nFonctionnalité: {title}\n\n"
        f"  Scénario: {title}\n"
        f"    Étant donné que je suis {persona}\n"
        f"    Quand je veux {want}\n"
        f"    Alors c'est fait en moins de {seconds} secondes\n"
        f"    Et l'historique en garde la trace\n"
    )


def _spread(total: int, weights: Sequence[int]) -> list[int]:
    """Split `total` in proportion to `weights`, exactly, largest remainders first."""
    weight_sum = sum(weights)
    if weight_sum == 0:
        return [0] * len(weights)
    exact = [total * w / weight_sum for w in weights]
    shares = [int(x) for x in exact]
    by_remainder = sorted(range(len(weights)), key=lambda i: (shares[i] - exact[i], i))
    for i in by_remainder[: total - sum(shares)]:
        shares[i] += 1
    return shares


__all__ = [
    "build_demo_workspace",
    "case_snapshot",
    "generate_large_workspace",
    "load_demo",
    "load_homologation_steps",
    "load_measures",
]
