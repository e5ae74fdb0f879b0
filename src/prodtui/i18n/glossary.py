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
)
