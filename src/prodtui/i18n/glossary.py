"""The glossary: one French word per concept, the forms it must never take, and the way
every key hint is written. docs/glossary.md explains the choices; tests/test_french.py
checks the catalogue against this table. Only the tests import this module.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Term:
    concept: str
    french: str
    english: str
    keys: tuple[str, ...] = ()
    """Catalogue keys whose French text must be exactly the term (case aside)."""
    forbidden: tuple[str, ...] = ()
    """Regular expressions no French message may match."""


TERMS: tuple[Term, ...] = (
    Term("test passed", "réussi", "passed", ("recette.status.pass", "recette.key.pass")),
    Term("test failed", "en échec", "failed", ("recette.status.fail",)),
    Term("test blocked", "bloqué", "blocked", ("recette.status.blocked", "recette.key.blocked")),
    Term(
        "test skipped",
        "ignoré",
        "skipped",
        ("recette.status.skipped", "recette.key.skipped"),
        # « passé » reads as "passed" to a French tester (Squash TM: « Succès »).
        (r"(?i)\bpassée?s?\b",),
    ),
    Term(
        "cannot be tested",
        "non testable",
        "not testable",
        ("recette.status.not_testable", "recette.key.not_testable"),
    ),
    Term(
        "test settled without a verdict",
        "soldé",
        "settled",
        ("recette.status.settled", "recette.key.settled"),
        (r"(?i)\bréglée?s?\b", r"(?i)\barbitrée?s?\b"),
    ),
    Term("test not run", "non exécuté", "not run", ("recette.status.not_run",)),
    Term(
        "blocker resolved",
        "levé",
        "resolved",
        (),
        (r"(?i)\brésolue?s?\b", r"(?i)bloquants? réglés?"),
    ),
    Term(
        "recette report",
        "rapport de recette",
        "test report",
        ("recette.report.title",),
        (r"(?i)compte[- ]rendu de (la )?recette",),
    ),
    Term(
        "Definition of Ready",
        "Définition de prêt (DoR)",
        "Definition of Ready (DoR)",
        ("story.dor_title",),
        (r"Definition of Ready",),
    ),
    Term("epic", "épopée", "epic", ("story.field.epic",), (r"(?i)\bepics?\b",)),
    Term(
        "homologation authority",
        "autorité d'homologation",
        "homologation authority",
        ("field.authority_name", "homologation.field.authority_name"),
    ),
    Term(
        "low importance of a test case",
        "faible",
        "low",
        ("recette.importance.low", "recette.importance_short.low"),
        (r"(?i)importance basse", r"(?i)^basse$"),
    ),
    Term("milestone", "jalon", "milestone", ("roadmap.milestone_title",), (r"(?i)milestone",)),
    Term(
        "release to production",
        "mise en production",
        "release to production",
        ("roadmap.kind.release",),
        (r"(?i)(?<![{_])\breleases?\b(?![_}])",),  # not the placeholders {release…}
    ),
    Term("steering committee", "comité de pilotage", "steering committee"),
    Term(
        "quick capture",
        "capture rapide",
        "quick capture",
        ("key.capture", "capture.title"),
        (r"(?i)saisie rapide",),
    ),
    Term("draft", "brouillon", "draft", ("drafts.discarded",), (r"(?i)\bdrafts?\b",)),
    Term("defect", "anomalie", "defect", (), (r"(?i)\bbugs?\b",)),
    Term("dashboard", "tableau de bord", "dashboard", (), (r"(?i)dashboard",)),
    Term(
        "the user's version in a conflict",
        "votre version",
        "my version",
        ("conflict.mine",),
        # The dialog says « vous »: « ma version » would switch person.
        (r"(?i)\bma version\b",),
    ),
    Term(
        "the version saved meanwhile elsewhere",
        "l'autre version",
        "their version",
        ("conflict.theirs",),
        # « leur » translates "theirs" for one single person.
        (r"(?i)\bleur version\b", r"(?i)garder la leur"),
    ),
)

# Every key hint is written « Touche : action », the keys named as on a French keyboard.
HINT_KEY_NAMES = ("Ctrl+", "Maj+", "Échap", "Entrée", "Tab", "Suppr", "Espace", "Retour")
HINT_FORBIDDEN = (
    r"\bctrl\+",
    r"\bmaj\+",
    r"(?<![\wÀ-ÿ])échap\b",
    r"(?<![\wÀ-ÿ])entrée :",
    r"(?<![\wÀ-ÿ])suppr\b",
    r"(?<![\wÀ-ÿ])espace :",
    r"(?<![\wÀ-ÿ])tab\b",
    # Page keys are named as the key bar names them (PgPréc, PgSuiv).
    r"Pg[↑↓]",
    r"\bPg(Up|Dn)\b",
    # Moving reads « Maj+↑/↓ : déplacer »; an action is a verb (« Échap : revenir »).
    r"Maj\+↑ / Maj\+↓",
    r"Échap : retour\b",
)
