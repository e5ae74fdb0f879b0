"""The large workspace the benchmarks run on: ten years of one team, from word lists.

`prodtui demo --size large` writes it (benchmarks/run.py calls that command); its size
and the figures measured on it are in benchmarks/README.md. The same seed always gives
the same content.
"""

from __future__ import annotations

import itertools
import json
import random
import sqlite3
from collections import Counter
from collections.abc import Sequence
from datetime import date, datetime, timedelta
from pathlib import Path
from typing import Any

from prodtui.domain.people import Role
from prodtui.domain.sample import (
    LARGE_ENTRIES_PER_STANDUP,
    LARGE_WORKDAYS_PER_SPRINT,
    HomologationReferential,
    LargeWorkspaceCounts,
    MeasureReferential,
    add_months,
    iso_week,
    large_counts,
    week_monday,
    working_days_until,
)
from prodtui.sample.common import (
    RANK_STEP,
    case_snapshot,
    fresh_workspace,
    load_homologation_steps,
    load_measures,
    measure_row,
    refuse_existing,
    seed_score_history,
    stamp,
)
from prodtui.store.base import CREATED, to_text

LARGE_TODAY = date(2026, 11, 27)  # fixed, so that the same seed gives the same file

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
TEST_COMMAND = "pytest tests/acceptance --junitxml={report}"


BATCH = 5_000
"""Rows handed to `executemany` at a time: memory stays flat whatever the scale."""

# Every creation and every candidate change of the audit trail, in the order they were made,
# before the random choice of the changes kept (`_LargeGenerator.stories_items_and_audit`):
# a temporary table, so that a trail of millions of rows never sits in memory.
TRAIL_TABLE = """
CREATE TEMP TABLE large_trail (
    seq INTEGER PRIMARY KEY, at TEXT, author TEXT, entity TEXT, entity_id INTEGER,
    field TEXT, old TEXT, new TEXT, creation INTEGER
)
"""
PICKED_TABLE = "CREATE TEMP TABLE large_picked (seq INTEGER PRIMARY KEY, author TEXT)"
# A record's version counts its saved changes, and its last change dates it.
BUMP_VERSIONS = """
UPDATE {table} SET version = version + c.n, updated_at = max(updated_at, c.last)
FROM (SELECT t.entity_id AS id, count(*) AS n, max(t.at) AS last
      FROM large_picked AS p JOIN large_trail AS t ON t.seq = p.seq
      WHERE t.entity = '{table}' GROUP BY t.entity_id) AS c
WHERE {table}.id = c.id
"""
# Creations first at equal times, as they were made; then the kept changes.
WRITE_TRAIL = """
INSERT INTO audit_log (at, author, entity, entity_id, field, old, new)
SELECT t.at, coalesce(p.author, t.author), t.entity, t.entity_id, t.field, t.old, t.new
FROM large_trail AS t LEFT JOIN large_picked AS p ON p.seq = t.seq
WHERE t.creation = 1 OR p.seq IS NOT NULL
ORDER BY t.at, t.creation DESC, t.seq
"""


class _Rows:
    """Rows of one table, written `batch` at a time with executemany."""

    def __init__(self, conn: sqlite3.Connection, table: str, batch: int = BATCH) -> None:
        self.conn = conn
        self.table = table
        self.batch = batch
        self.rows: list[dict[str, Any]] = []
        self.sql = ""
        self.written = 0

    def add(self, row: dict[str, Any]) -> None:
        self.rows.append(row)
        if len(self.rows) >= self.batch:
            self.flush()

    def flush(self) -> None:
        if not self.rows:
            return
        if not self.sql:
            columns = list(self.rows[0])
            names = ", ".join(columns)
            marks = ", ".join(f":{c}" for c in columns)
            self.sql = f"INSERT INTO {self.table} ({names}) VALUES ({marks})"
        self.conn.executemany(self.sql, self.rows)
        self.written += len(self.rows)
        self.rows.clear()


def generate_large_workspace(
    path: Path, *, seed: int = 1, today: date | None = None, scale: float = 1.0
) -> Path:
    """Write the large workspace at `path` (benchmarks/README.md lists its tables); same seed,
    same file content.

    `today` defaults to a fixed date, not the real one, so the output is deterministic;
    `scale` multiplies every growing table (see `large_counts`): 10 is ten times the
    large workspace, 0.01 a small one for quick tests. Rows are written in batches as
    they are made, so memory does not grow with the scale.
    """
    path = refuse_existing(path)
    counts = large_counts(scale)
    measures = load_measures()
    steps = load_homologation_steps()
    with fresh_workspace(path, "generator") as ws:
        conn = ws.conn
        # Nobody else can see this file yet: skip the safety nets that cost time.
        conn.execute("PRAGMA foreign_keys = OFF")
        conn.execute("PRAGMA synchronous = OFF")
        conn.execute("PRAGMA journal_mode = MEMORY")
        conn.execute("PRAGMA cache_size = -65536")
        with ws.transaction():
            generator = _LargeGenerator(conn, random.Random(seed), today or LARGE_TODAY, counts)
            generator.generate(measures, steps, f"large seed={seed} scale={scale:g}")
            # The generator writes the scope of every closed campaign itself (the rule's
            # query is quadratic: 20 s at scale 1); this only fills one it would have missed.
            ws.campaigns.freeze_closed()
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
        # Filled as tables are built; later tables refer to earlier ones.
        self.sprint_days: list[list[date]] = []
        self.story_sprint: list[int] = []  # sprint index of each story, -1 for the backlog
        conn.execute("DROP TABLE IF EXISTS temp.large_trail")
        conn.execute("DROP TABLE IF EXISTS temp.large_picked")
        conn.execute(TRAIL_TABLE)
        conn.execute(PICKED_TABLE)
        self.trail = _Rows(conn, "temp.large_trail")
        self.creations = 0

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
        self._trail(at, author, entity, entity_id, CREATED, None, new, creation=1)
        self.creations += 1

    def changed(self, at: str, entity: str, entity_id: int, field: str, old: Any, new: Any) -> None:
        """A candidate change for the audit trail; its author is drawn if it is kept."""
        self._trail(at, "", entity, entity_id, field, to_text(old), to_text(new), creation=0)

    def _trail(
        self,
        at: str,
        author: str,
        entity: str,
        entity_id: int,
        field: str,
        old: str | None,
        new: str | None,
        *,
        creation: int,
    ) -> None:
        self.trail.add(
            {
                "at": at,
                "author": author,
                "entity": entity,
                "entity_id": entity_id,
                "field": field,
                "old": old,
                "new": new,
                "creation": creation,
            }
        )

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
        # Written at version 1; the audit trail's changes set versions at the end.
        rows = _Rows(self.conn, "stories")
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
            rows.add(
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
        rows.flush()

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
        case_rows = _Rows(self.conn, "test_cases")
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
            case_rows.add(case_row | _stamps(at))
            snapshots.append(case_snapshot(case_row))
            automated.append(int(case_row["automated"]))
            available[sprint] += 1
            self.created("test_cases", c + 1, at, number=c + 1, title=case_row["title"])
        case_rows.flush()

        # Campaign k can run every case written up to sprint k; runs grow with the suite.
        pools = list(itertools.accumulate(available[k] for k in range(len(self.sprint_days))))
        shares = _spread(self.counts.executions, pools)
        last = len(self.sprint_days) - 1
        # A closed campaign keeps the cases written by its end: those of its sprint and the
        # ones before, ids 1 to its pool (`FREEZE_CLOSED` in store/recette.py gives the same).
        # Each scope is a prefix of one list, cut where the pool ends.
        case_ids = ",".join(str(i) for i in range(1, n_cases + 1))
        ends = [0, *itertools.accumulate(len(str(i)) + 1 for i in range(1, n_cases + 1))]
        # A scope holds up to n_cases ids: a few campaigns at a time.
        campaigns = _Rows(self.conn, "campaigns", batch=50)
        runs = _Rows(self.conn, "command_runs")
        executions = _Rows(self.conn, "executions")
        for k, (sprint_days, pool, share) in enumerate(
            zip(self.sprint_days, pools, shares, strict=True)
        ):
            release = f"{k // 20 + 1}.{k % 20}.0"
            days = sprint_days[-5:]
            at = stamp(days[0] - timedelta(days=2), "16:00")
            state = "in_progress" if k == last else "finished" if k >= last - 10 else "archived"
            frozen = None if k == last else f"[{case_ids[: max(0, ends[pool] - 1)]}]"
            campaigns.add(
                {
                    "id": k + 1,
                    "name": f"Recette v{release}",
                    "release": release,
                    "sprint_id": k + 1,
                    "start_date": days[0].isoformat(),
                    "end_date": days[-1].isoformat(),
                    "state": state,
                    "command": TEST_COMMAND,
                    "frozen_cases": frozen,
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
                executions.add(
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
            runs.add(
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
        for rows in (campaigns, executions, runs):
            rows.flush()

    def captures(self) -> None:
        rng = self.rng
        n_items = self.counts.items
        n_stories = self.counts.stories
        day_indexes = sorted(rng.randrange(len(self.days)) for _ in range(n_items))
        kinds = rng.choices(CAPTURE_KINDS, CAPTURE_WEIGHTS, k=n_items)
        inbox_from = n_items - min(25, n_items)  # the newest captures still wait for triage
        recent = self.today - timedelta(days=30)
        latest = stamp(self.today, "17:00")
        rows = _Rows(self.conn, "items")  # at version 1, like the stories
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
            rows.add(
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
        rows.flush()

    def standups(self) -> None:
        rng = self.rng
        n_people = len(self.people)
        n_stories = self.counts.stories
        standups = _Rows(self.conn, "standups")
        entries = _Rows(self.conn, "standup_entries")
        for s, day in enumerate(self.days, start=1):
            notes = rng.choice(
                ("", "", "", "Démo de fin de sprint cet après-midi.", "Point sécurité vendredi.")
            )
            standups.add(
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
                entries.add(entry | _stamps(stamp(day, f"09:{31 + p:02d}")))
        standups.flush()
        entries.flush()

    def security(self, measures: MeasureReferential, steps: HomologationReferential) -> None:
        rng = self.rng
        at = stamp(self.days[0], "10:00")
        measure_rows, status_rows = [], []
        for n, measure in enumerate(measures.measures, start=1):
            measure_rows.append({"id": n} | measure_row(measure) | _stamps(at))
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
        self.trail.flush()
        conn = self.conn
        left = conn.execute("SELECT count(*) FROM large_trail WHERE creation = 0").fetchone()[0]
        wanted = min(max(0, self.counts.audit_log - self.creations), left)
        # Selection sampling (Knuth's algorithm S): each change in turn is kept with the
        # chance still needed, which keeps exactly `wanted` of them, uniformly, in one pass.
        picked = _Rows(conn, "temp.large_picked")
        changes = conn.execute("SELECT seq FROM large_trail WHERE creation = 0 ORDER BY seq")
        for (seq,) in changes:
            if wanted and rng.random() * left < wanted:
                picked.add({"seq": seq, "author": rng.choice(self.people)})
                wanted -= 1
            left -= 1
        picked.flush()
        for table in ("stories", "items"):
            conn.execute(BUMP_VERSIONS.format(table=table))
        conn.execute(WRITE_TRAIL)
        conn.execute("DROP TABLE temp.large_trail")
        conn.execute("DROP TABLE temp.large_picked")


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
