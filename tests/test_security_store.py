"""Security measures: the score, the N/A rule, the status cycle, the checklist filters and
the referential import, on real SQLite workspaces (an empty one and the demo)."""

from __future__ import annotations

import hashlib
import os
import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from prodtui import resources
from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.security import (
    CATEGORIES,
    Category,
    EvidenceCheck,
    JustificationRequired,
    Measure,
    MeasureCodeTaken,
    MeasureState,
    MeasureStatus,
    Progress,
    ScorePoint,
    Trend,
    daily_series,
    evidence_check,
    next_status,
    score_change,
    security_score,
    suggested_validity,
)
from prodtui.exchange.evidence import check_files, fingerprint
from prodtui.exchange.referential import ReferentialRefused, read_referential
from prodtui.i18n import t
from prodtui.sample.common import load_measures
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import Workspace, open_workspace
from prodtui.store.security import MeasureFilter, MeasureRepository
from tests.conftest import TODAY

S = MeasureStatus
IND, REC = True, False

SMALL = """
[[measures]]
code = "GOUV-01"
category = "gouvernance"
title = "Désigner l'autorité d'homologation"
priority = "P1"
indispensable = true

[[measures]]
code = "GOUV-02"
category = "gouvernance"
title = "Nommer un référent sécurité"

[[measures]]
code = "PROT-01"
category = "protection"
title = "Chiffrer les flux"
indispensable = true

[[measures]]
code = "PROT-02"
category = "protection"
title = "Durcir les postes d'administration"

[[measures]]
code = "DEF-01"
category = "defense"
title = "Centraliser les journaux"
priority = "P3"

[[measures]]
code = "RES-01"
category = "resilience"
title = "Sauvegarder hors ligne"
indispensable = true
"""


@pytest.fixture
def measures(workspace: Workspace) -> MeasureRepository:
    repo = MeasureRepository(workspace)
    # Two days before the pinned date: the import is the first point of the score history.
    repo.import_referential(SMALL, "small.toml", today=TODAY - timedelta(days=2))
    return repo


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Workspace]:
    path = build_demo_workspace(tmp_path / "demo.db", today=TODAY)
    ws = open_workspace(path, author="Camille")
    yield ws
    ws.close()


def state_of(repo: MeasureRepository, code: str) -> MeasureState:
    entry = repo.entry(code)
    assert entry is not None
    return entry.state


def set_statuses(repo: MeasureRepository, statuses: dict[str, MeasureStatus]) -> None:
    for code, status in statuses.items():
        repo.set_status(state_of(repo, code), status, "Hors périmètre du service")


def audit_count(ws: Workspace) -> int:
    return int(ws.conn.execute("SELECT count(*) FROM audit_log").fetchone()[0])


# --- The score --------------------------------------------------------------------------


def test_score_weighs_indispensable_twice_and_partial_half() -> None:
    # Applicable weight: 2 indispensable × 2 + 2 recommended × 1 = 6 (the N/A one is out).
    # Done: indispensable 1 (Faite) + 0.5 (Partielle) = 1.5, × 2 = 3; recommended 1 + 0 = 1.
    # 5 × (3 + 1) / 6 = 3.333… → 3.3
    pairs = [(IND, S.DONE), (IND, S.PARTIAL), (REC, S.DONE), (REC, S.TODO)]
    assert security_score([*pairs, (IND, S.NOT_APPLICABLE)]) == 3.3
    # An indispensable measure done counts more than a recommended one done:
    # 5 × 2 / 3 = 3.333… → 3.3, against 5 × 1 / 3 = 1.666… → 1.7.
    assert security_score([(IND, S.DONE), (REC, S.TODO)]) == 3.3
    assert security_score([(IND, S.TODO), (REC, S.DONE)]) == 1.7
    # Non prise en compte counts like À lancer: nothing.
    assert security_score([(IND, S.IGNORED), (REC, S.TODO)]) == 0.0
    assert security_score([(IND, S.DONE), (REC, S.DONE)]) == 5.0


def test_score_rounds_half_up_and_needs_an_applicable_measure() -> None:
    # 9 recommended measures done out of 20: 5 × 9 / 20 = 2.25 exactly → 2.3 (half up,
    # where round() on the float would give 2.2).
    assert security_score([(REC, S.DONE)] * 9 + [(REC, S.TODO)] * 11) == 2.3
    assert security_score([(IND, S.NOT_APPLICABLE)]) is None
    assert security_score([]) is None


@pytest.mark.parametrize(
    ("score", "months"),
    [(0.0, 6), (1.99, 6), (2.0, 12), (2.99, 12), (3.0, 24), (3.99, 24), (4.0, 36), (5.0, 36)],
)
def test_suggested_validity_boundaries(score: float, months: int) -> None:
    assert suggested_validity(score) == months


def test_store_scores_per_category_and_overall(measures: MeasureRepository) -> None:
    set_statuses(
        measures,
        {
            "GOUV-01": S.DONE,  # indispensable
            "GOUV-02": S.PARTIAL,
            "PROT-01": S.PARTIAL,  # indispensable
            "PROT-02": S.NOT_APPLICABLE,
            # DEF-01 stays À lancer
            "RES-01": S.NOT_APPLICABLE,  # indispensable
        },
    )
    card = measures.score()
    # Gouvernance: 5 × (2 × 1 + 0.5) / (2 + 1) = 5 × 2.5 / 3 = 4.166… → 4.2
    # Protection: PROT-02 is out; 5 × (2 × 0.5) / 2 = 2.5
    # Défense: 5 × 0 / 1 = 0.0
    # Résilience: nothing applies → no score
    assert card.categories == {
        Category.GOUVERNANCE: 4.2,
        Category.PROTECTION: 2.5,
        Category.DEFENSE: 0.0,
        Category.RESILIENCE: None,
    }
    # Overall: weight 2 + 1 + 2 + 1 = 6; done 2 × 1 + 0.5 + 2 × 0.5 + 0 = 3.5
    # 5 × 3.5 / 6 = 2.916… → 2.9, which suggests 12 months.
    assert card.overall == 2.9
    assert card.suggested_validity == 12
    assert card.category_progress[Category.PROTECTION] == Progress(
        done=0, partial=1, total=1, not_applicable=1
    )
    assert card.overall_progress == Progress(done=1, partial=2, total=4, not_applicable=2)
    assert card.overall_progress.share == pytest.approx((1 + 2 / 2) / 4)


def test_demo_score_has_every_category(demo: Workspace) -> None:
    card = MeasureRepository(demo).score()
    assert list(card.categories) == list(CATEGORIES)
    assert card.overall is not None and 0 <= card.overall <= 5
    assert sum(p.total + p.not_applicable for p in card.category_progress.values()) == len(
        load_measures().measures
    )


# --- Not applicable needs a justification ------------------------------------------------


def test_not_applicable_without_justification_is_refused_by_the_domain() -> None:
    with pytest.raises(ValidationError):
        MeasureState(measure_id=1, status=S.NOT_APPLICABLE)
    with pytest.raises(ValidationError):
        MeasureState(measure_id=1, status=S.NOT_APPLICABLE, justification="  \n ")
    with pytest.raises(ValidationError):
        MeasureState(measure_id=1).edit(status=S.NOT_APPLICABLE)
    state = MeasureState(measure_id=1, status=S.NOT_APPLICABLE, justification="Pas de données")
    assert state.status is S.NOT_APPLICABLE


def test_not_applicable_without_justification_is_refused_by_the_store(
    workspace: Workspace, measures: MeasureRepository
) -> None:
    before = state_of(measures, "PROT-02")
    trail = audit_count(workspace)
    with pytest.raises(JustificationRequired) as refused:
        measures.set_status(before, S.NOT_APPLICABLE)
    assert refused.value.params == {"code": "PROT-02"}
    with pytest.raises(JustificationRequired):
        measures.set_status(before, S.NOT_APPLICABLE, "   ")
    # A copy that skipped validation is validated again before it is written.
    with pytest.raises(ValidationError):
        measures.save(before.model_copy(update={"status": S.NOT_APPLICABLE}))
    assert state_of(measures, "PROT-02") == before
    assert audit_count(workspace) == trail

    saved = measures.set_status(before, S.NOT_APPLICABLE, " Aucun poste d'administration ")
    assert (saved.status, saved.justification) == (S.NOT_APPLICABLE, "Aucun poste d'administration")
    assert saved.version == before.version + 1
    changed = {e.field for e in workspace.audit.history("measure_status", before.id or 0)}
    assert {"status", "justification"} <= changed
    # Back to À lancer and to N/A again: the justification already written is enough.
    again = measures.set_status(measures.set_status(saved, S.TODO), S.NOT_APPLICABLE)
    assert again.justification == "Aucun poste d'administration"


# --- The status cycle ---------------------------------------------------------------------


def test_status_cycle_skips_not_applicable() -> None:
    assert [next_status(s) for s in (S.TODO, S.PARTIAL, S.DONE, S.IGNORED)] == [
        S.PARTIAL,
        S.DONE,
        S.IGNORED,
        S.TODO,
    ]
    assert next_status(S.NOT_APPLICABLE) is S.TODO
    assert [t(S.TODO.label_key), t(S.NOT_APPLICABLE.label_key)] == ["À lancer", "Non applicable"]


def test_status_cycle_through_the_store(measures: MeasureRepository) -> None:
    state = state_of(measures, "DEF-01")
    seen = []
    for _ in range(4):
        state = measures.set_status(state, next_status(state.status))
        seen.append(state.status)
    assert seen == [S.PARTIAL, S.DONE, S.IGNORED, S.TODO]
    assert state_of(measures, "DEF-01").version == 5


def test_save_is_optimistic(measures: MeasureRepository) -> None:
    mine = state_of(measures, "GOUV-02")
    theirs = state_of(measures, "GOUV-02")
    measures.save(theirs.edit(owner="Thomas Lefèvre"))
    with pytest.raises(ConflictError):
        measures.save(mine.edit(owner="Camille"))
    assert state_of(measures, "GOUV-02").owner == "Thomas Lefèvre"


# --- Late measures and the filters ----------------------------------------------------------


def test_is_late() -> None:
    yesterday = TODAY - timedelta(days=1)

    def late(status: MeasureStatus, due: object) -> bool:
        state = MeasureState(measure_id=1, status=status, due_date=due, justification="x")
        return state.is_late(TODAY)

    assert late(S.TODO, yesterday) and late(S.PARTIAL, yesterday) and late(S.IGNORED, yesterday)
    assert not late(S.DONE, yesterday)
    assert not late(S.NOT_APPLICABLE, yesterday)
    assert not late(S.TODO, TODAY)  # due today is not late yet
    assert not late(S.TODO, None)


def test_filters_on_a_hand_made_checklist(measures: MeasureRepository) -> None:
    yesterday, tomorrow = TODAY - timedelta(days=1), TODAY + timedelta(days=1)
    plan: dict[str, dict[str, object]] = {
        "GOUV-01": {"owner": "Camille", "due_date": yesterday, "status": S.DONE},
        "GOUV-02": {"owner": "Camille", "due_date": yesterday},
        "PROT-01": {"owner": "Thomas", "due_date": tomorrow, "status": S.PARTIAL},
        "RES-01": {"status": S.NOT_APPLICABLE, "justification": "Pas de données"},
    }
    for code, changes in plan.items():
        measures.save(state_of(measures, code).edit(**changes))

    def codes(**where: object) -> list[str]:
        return [e.code for e in measures.entries(MeasureFilter(**where), today=TODAY)]

    assert codes() == ["GOUV-01", "GOUV-02", "PROT-01", "PROT-02", "DEF-01", "RES-01"]
    assert codes(late=True) == ["GOUV-02"]  # GOUV-01 is late but done
    assert codes(owner="Camille") == ["GOUV-01", "GOUV-02"]
    assert codes(no_owner=True) == ["PROT-02", "DEF-01", "RES-01"]
    # Indispensable: GOUV-01 done, RES-01 N/A; PROT-01 is only partial.
    assert codes(indispensable_not_done=True) == ["PROT-01"]
    assert codes(owner="Camille", late=True) == ["GOUV-02"]
    assert codes(category=Category.PROTECTION) == ["PROT-01", "PROT-02"]
    with pytest.raises(ValueError):
        measures.entries(MeasureFilter(late=True))


def test_filters_on_the_demo(demo: Workspace) -> None:
    repo = MeasureRepository(demo)
    everything = repo.entries()
    assert len(everything) == len(load_measures().measures)
    order = [(CATEGORIES.index(e.measure.category), e.code) for e in everything]
    assert order == sorted(order)

    late = repo.entries(MeasureFilter(late=True), today=TODAY)
    assert [e.code for e in late] == [e.code for e in everything if e.is_late(TODAY)]
    assert "GOUV-09" in {e.code for e in late}  # partial, due five days ago

    mine = repo.entries(MeasureFilter(owner="Thomas Lefèvre"))
    assert {"GOUV-05", "GOUV-09"} <= {e.code for e in mine}
    assert all(e.state.owner == "Thomas Lefèvre" for e in mine)

    unowned = repo.entries(MeasureFilter(no_owner=True))
    assert unowned and all(not e.state.owner for e in unowned)

    missing = {e.code for e in repo.entries(MeasureFilter(indispensable_not_done=True))}
    assert "GOUV-03" in missing and "GOUV-01" not in missing  # partial / done
    assert missing == {
        e.code
        for e in everything
        if e.measure.indispensable and e.status not in (S.DONE, S.NOT_APPLICABLE)
    }


# --- Custom measures -------------------------------------------------------------------------


def test_add_custom_measure(workspace: Workspace, measures: MeasureRepository) -> None:
    entry = measures.add_custom(
        Measure(code="EQ-1", category=Category.DEFENSE, title="Revue des alertes chaque lundi")
    )
    assert entry.measure.custom and entry.status is S.TODO and entry.measure.id is not None
    assert [e.code for e in measures.entries(MeasureFilter(category=Category.DEFENSE))] == [
        "DEF-01",
        "EQ-1",
    ]
    count, trail = measures.count(), audit_count(workspace)
    with pytest.raises(MeasureCodeTaken):
        measures.add_custom(Measure(code="DEF-01", category=Category.DEFENSE, title="Doublon"))
    assert (measures.count(), audit_count(workspace)) == (count, trail)


# --- Importing a referential -------------------------------------------------------------------


def test_invalid_referential_is_reported_record_by_record_and_nothing_written(
    workspace: Workspace, measures: MeasureRepository
) -> None:
    before, trail = measures.entries(), audit_count(workspace)
    text = """
version = 2

[[measures]]
code = "GOUV-01"
category = "gouvernance"
title = "Titre modifié, mais le fichier est refusé"

[[measures]]
code = "PROT-09"
category = "hygiene"

[[measures]]
code = "GOUV-01"
category = "gouvernance"
title = "Doublon"

[[measures]]
code = "pas un code"
category = "defense"
title = "Code invalide"
couleur = "rouge"
"""
    with pytest.raises(ReferentialRefused) as refused:
        measures.import_referential(text, "autre.toml")
    found = [(p.position, p.field) for p in refused.value.problems]
    assert found == [
        ("autre.toml", "version"),
        ("autre.toml:measure 2 (PROT-09)", "category"),
        ("autre.toml:measure 2 (PROT-09)", "title"),
        ("autre.toml:measure 3 (GOUV-01)", "code"),
        ("autre.toml:measure 4 (pas un code)", "code"),
        ("autre.toml:measure 4 (pas un code)", "couleur"),
    ]
    assert refused.value.params == {"source": "autre.toml", "count": 6}
    assert refused.value.problems[3].message.endswith("mesure 1")  # the duplicate names the first
    assert measures.entries() == before
    assert audit_count(workspace) == trail


def test_unreadable_referential_is_refused(measures: MeasureRepository) -> None:
    with pytest.raises(ReferentialRefused) as refused:
        measures.import_referential('[[measures]]\ncode = "GOUV-01\n', "cassé.toml")
    (problem,) = refused.value.problems
    assert problem.position == "cassé.toml" and "line 2" in problem.message
    with pytest.raises(ReferentialRefused) as empty:
        measures.import_referential("", "vide.toml")
    assert [p.position for p in empty.value.problems] == ["vide.toml"]
    assert measures.count() == 6


def test_valid_referential_adds_new_measures_and_updates_existing_ones(
    workspace: Workspace, measures: MeasureRepository
) -> None:
    done = measures.set_status(state_of(measures, "GOUV-01"), S.DONE)
    text = SMALL.replace("Désigner l'autorité d'homologation", "Désigner et former l'autorité") + (
        '\n[[measures]]\ncode = "RES-02"\ncategory = "resilience"\n'
        'title = "Tester la restauration"\npriority = "P1"\nindispensable = true\n'
    )
    outcome = measures.import_referential(text, "v2.toml")
    assert outcome.added == ["RES-02"]
    assert outcome.updated == ["GOUV-01"]
    assert len(outcome.unchanged) == 5

    gouv = measures.entry("GOUV-01")
    assert gouv is not None
    assert gouv.measure.title == "Désigner et former l'autorité"
    assert gouv.state == done  # the state is the workspace's: an import leaves it alone
    assert gouv.measure.version == 2
    history = workspace.audit.history("measures", gouv.measure.id or 0)
    assert history[0].field == "title" and history[0].new == "Désigner et former l'autorité"

    new = measures.entry("RES-02")
    assert new is not None
    assert new.status is S.TODO and new.measure.indispensable and not new.measure.custom

    again = measures.import_referential(text, "v2.toml")
    assert (again.added, again.updated) == ([], [])


def test_the_shipped_referential_imports_into_an_empty_workspace(workspace: Workspace) -> None:
    repo = MeasureRepository(workspace)
    outcome = repo.import_shipped()
    shipped = load_measures().measures
    assert len(outcome.added) == len(shipped) >= 40
    assert {e.measure.category for e in repo.entries()} == set(CATEGORIES)
    assert all(e.status is S.TODO for e in repo.entries())


def test_the_workspace_copy_is_independent_of_the_shipped_file(
    demo: Workspace, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    repo = MeasureRepository(demo)
    before = repo.entries()
    edited = tmp_path / "edited_sample_data"
    shutil.copytree(Path(str(resources.sample_data())), edited)
    shipped = edited / "measures.toml"
    text = shipped.read_text(encoding="utf-8")
    first = before[0].measure.title
    shipped.write_text(text.replace(first, "Titre réécrit dans le fichier"), encoding="utf-8")
    monkeypatch.setattr(resources, "sample_data", lambda: edited)

    # The shipped file now says something else…
    assert load_measures().measures[0].title == "Titre réécrit dans le fichier"
    # …and the workspace, read again from its own file, has not moved.
    demo.close()
    reopened = open_workspace(demo.path, author="Camille")
    try:
        assert MeasureRepository(reopened).entries() == before
    finally:
        reopened.close()


# --- Importing a CSV referential ---------------------------------------------------------------


def test_csv_referential_accepts_semicolons_labels_and_french_flags(
    measures: MeasureRepository,
) -> None:
    # Header names in any case and order, a BOM, a category written as its label.
    text = (
        "\ufeffTitle;CODE;category;Indispensable;priority;description\n"
        'Revue des alertes chaque lundi;EQ-1;Défense;oui;p1;"Une ligne; avec un point-virgule"\n'
        "\n"
        "Sauvegarde testée;EQ-2;RÉSILIENCE;0;;\n"
    )
    outcome = measures.import_referential(text, "équipe.csv", today=TODAY)
    assert outcome.added == ["EQ-1", "EQ-2"]
    first, second = measures.entry("EQ-1"), measures.entry("EQ-2")
    assert first is not None and second is not None
    assert first.measure.category is Category.DEFENSE and first.measure.indispensable
    assert first.measure.priority.value == "P1"
    assert first.measure.description == "Une ligne; avec un point-virgule"
    assert second.measure.category is Category.RESILIENCE and not second.measure.indispensable
    assert second.measure.priority.value == "P2"  # empty: the default
    # Commas too, and true/false; an existing code is updated like with TOML.
    again = measures.import_referential(
        "code,category,title,indispensable\nEQ-2,resilience,Restauration testée,true\n", "v2.csv"
    )
    assert again.updated == ["EQ-2"]
    assert measures.entry("EQ-2").measure.indispensable  # type: ignore[union-attr]


def test_csv_referential_errors_carry_their_line_and_nothing_is_written(
    workspace: Workspace, measures: MeasureRepository
) -> None:
    before, trail = measures.entries(), audit_count(workspace)
    text = (
        "code;category;title;description;priority;indispensable\n"  # line 1
        "EQ-1;defense;Revue des alertes;;P2;non\n"  # line 2: valid, but not written
        "EQ-2;hygiene;Sauvegardes;;P2;non\n"  # line 3: bad category
        "EQ-1;defense;Doublon;;P3;oui\n"  # line 4: duplicate of line 2
        '"EQ-3";protection;"";"sur\ndeux lignes";P1;peut-être\n'  # line 5: empty title, bad flag
        "EQ-4;defense;Trop;de;P1;non;valeurs\n"  # line 7 (the quoted line break takes two)
    )
    with pytest.raises(ReferentialRefused) as refused:
        measures.import_referential(text, "équipe.csv")
    found = [(p.position, p.field) for p in refused.value.problems]
    assert found == [
        ("équipe.csv:3 (EQ-2)", "category"),
        ("équipe.csv:4 (EQ-1)", "code"),
        ("équipe.csv:5 (EQ-3)", "title"),
        ("équipe.csv:5 (EQ-3)", "indispensable"),
        ("équipe.csv:7 (EQ-4)", None),
    ]
    messages = [p.message for p in refused.value.problems]
    assert "hygiene" in messages[0]
    assert messages[1] == "le code EQ-1 figure déjà ligne 2"
    assert messages[2] == "title\u202f: ne peut pas être vide"
    assert "peut-être" in messages[3]
    assert refused.value.params == {"source": "équipe.csv", "count": 5}
    assert measures.entry("EQ-1") is None
    assert measures.entries() == before
    assert audit_count(workspace) == trail


def test_csv_referential_header_problems_are_reported_once(measures: MeasureRepository) -> None:
    with pytest.raises(ReferentialRefused) as refused:
        measures.import_referential("code,category,couleur\nEQ-1,defense,rouge\n", "sans.csv")
    assert [(p.position, p.field) for p in refused.value.problems] == [
        ("sans.csv:1", "couleur"),
        ("sans.csv:1", "title"),
    ]
    assert refused.value.problems[1].message == (
        "la colonne «\u202ftitle\u202f» manque dans l'en-tête"
    )
    for empty in ("", "code,category,title\n", "\n\n"):
        with pytest.raises(ReferentialRefused):
            measures.import_referential(empty, "vide.csv")
    assert measures.count() == 6


def test_referential_files_are_read_by_their_suffix(
    measures: MeasureRepository, tmp_path: Path
) -> None:
    csv_file = tmp_path / "ref.csv"
    csv_file.write_text("code;category;title\nEQ-9;gouvernance;Comité mensuel\n", "utf-8-sig")
    assert [m.code for m in read_referential(csv_file)] == ["EQ-9"]
    toml_file = tmp_path / "ref.toml"
    toml_file.write_text(SMALL, encoding="utf-8")
    assert len(read_referential(toml_file)) == 6
    latin = tmp_path / "latin.csv"
    latin.write_bytes("code;category;title\nEQ-9;défense;Comité\n".encode("latin-1"))
    with pytest.raises(ProdtuiError) as refused:
        read_referential(latin)
    assert refused.value.key == "security.import_not_utf8"
    with pytest.raises(ProdtuiError) as missing:
        read_referential(tmp_path / "absent.csv")
    assert missing.value.key == "security.file_missing"


# --- Evidence files ------------------------------------------------------------------------------


def test_evidence_file_hash_change_detection(
    workspace: Workspace, measures: MeasureRepository, tmp_path: Path
) -> None:
    proof = tmp_path / "pv-recette.txt"
    proof.write_bytes(b"PV de recette, version 1\n" * 50_000)  # more than one chunk
    state = state_of(measures, "GOUV-01")
    recorded = measures.record_file(state, fingerprint(str(proof)))
    assert recorded.sha256 == hashlib.sha256(proof.read_bytes()).hexdigest()
    assert recorded.size == proof.stat().st_size
    assert recorded.path == str(proof) and recorded.recorded_at is not None
    assert measures.files(state) == [recorded]

    def check() -> EvidenceCheck:
        results = check_files(measures.files(state))
        measures.save_checks(results)
        return results[recorded.id or 0]

    assert check() is EvidenceCheck.UNCHANGED
    assert not measures.entry("GOUV-01").evidence_alert  # type: ignore[union-attr]

    data = bytearray(proof.read_bytes())
    data[1000] ^= 1  # one byte, same size
    proof.write_bytes(bytes(data))
    assert check() is EvidenceCheck.CHANGED
    assert measures.entry("GOUV-01").evidence_alert  # type: ignore[union-attr]
    assert not measures.entry("GOUV-02").evidence_alert  # type: ignore[union-attr]

    again = measures.record_file(state, fingerprint(str(proof)))  # accepts the new content
    assert (again.id, again.version) == (recorded.id, recorded.version + 1)
    assert again.sha256 != recorded.sha256
    assert check() is EvidenceCheck.UNCHANGED
    assert not measures.entry("GOUV-01").evidence_alert  # type: ignore[union-attr]
    fields = {e.field for e in workspace.audit.history("measure_evidence_files", again.id or 0)}
    assert "sha256" in fields

    proof.unlink()
    assert check() is EvidenceCheck.MISSING
    assert measures.entry("GOUV-01").evidence_alert  # type: ignore[union-attr]
    proof.write_bytes(b"PV de recette, version 2\n")
    measures.record_file(state, fingerprint(str(proof)))
    assert check() is EvidenceCheck.UNCHANGED
    assert len(measures.files(state)) == 1  # one row per path, however often re-recorded


def test_evidence_paths_must_be_readable_regular_files(tmp_path: Path, isolated_home: Path) -> None:
    (isolated_home / "preuve.pdf").write_bytes(b"%PDF-1.7")
    found = fingerprint("~/preuve.pdf")  # `~` expanded; the stored path is absolute
    assert found.path == str(isolated_home / "preuve.pdf") and found.size == 8

    def refusal(text: str) -> str:
        with pytest.raises(ProdtuiError) as refused:
            fingerprint(text)
        return refused.value.key

    assert refusal("   ") == "security.file_empty_path"
    assert refusal(str(tmp_path / "absent.pdf")) == "security.file_missing"
    assert refusal(str(tmp_path)) == "security.file_not_regular"
    fifo = tmp_path / "tube"
    os.mkfifo(fifo)
    assert refusal(str(fifo)) == "security.file_not_regular"  # never opened: no hang
    locked = tmp_path / "secret.pdf"
    locked.write_bytes(b"x")
    locked.chmod(0)
    try:
        if os.geteuid() != 0:  # root reads anything
            assert refusal(str(locked)) == "security.file_denied"
    finally:
        locked.chmod(0o600)
    assert evidence_check("a" * 64, None) is EvidenceCheck.MISSING
    assert evidence_check("a" * 64, "b" * 64) is EvidenceCheck.CHANGED
    assert evidence_check("a" * 64, "a" * 64) is EvidenceCheck.UNCHANGED


# --- The score's history and trend ---------------------------------------------------------------


def test_score_history_is_upserted_once_a_day_when_a_status_changes(
    measures: MeasureRepository,
) -> None:
    yesterday = TODAY - timedelta(days=1)
    measures.set_status(state_of(measures, "GOUV-01"), S.DONE, today=yesterday)
    # GOUV-01 indispensable done: 5 × 2 / (3 × 2 + 3 × 1) = 10 / 9 = 1.11 → 1.1
    measures.set_status(state_of(measures, "GOUV-02"), S.PARTIAL, today=TODAY)
    # + GOUV-02 half: 5 × 2.5 / 9 = 1.38 → 1.4
    measures.set_status(state_of(measures, "DEF-01"), S.DONE, today=TODAY)
    # + DEF-01 done: 5 × 3.5 / 9 = 1.94 → 1.9; the day's row is replaced, not added
    # Saving an owner changes no status: no new point.
    measures.save(state_of(measures, "PROT-02").edit(owner="Inès"), today=TODAY + timedelta(1))
    history = measures.history()
    assert [(p.day, p.overall) for p in history] == [
        (TODAY - timedelta(days=2), 0.0),  # the referential imported, nothing done
        (yesterday, 1.1),
        (TODAY, 1.9),
    ]
    # Gouvernance: GOUV-01 indispensable done, GOUV-02 partial: 5 × 2.5 / 3 = 4.16… → 4.2
    assert history[2].categories[Category.GOUVERNANCE] == 4.2
    assert history[2].categories[Category.RESILIENCE] == 0.0
    assert measures.history(since=TODAY) == history[2:]


def test_score_change_and_daily_series_on_hand_made_points() -> None:
    day = TODAY
    points = [
        ScorePoint(day - timedelta(days=45), 1.0),
        ScorePoint(day - timedelta(days=31), 1.5),  # in force 30 days ago
        ScorePoint(day - timedelta(days=10), 2.2),
        ScorePoint(day - timedelta(days=2), None),  # nothing applied that day: skipped
    ]
    change = score_change(points, 2.4, day)
    assert change is not None
    assert (change.delta, change.since, change.full_window) == (0.9, day - timedelta(30), True)
    assert change.trend is Trend.UP and change.trend.arrow == "↗"
    down = score_change(points, 1.45, day)
    assert down is not None and down.delta == -0.1 and down.trend is Trend.DOWN
    flat = score_change(points, 1.5, day)
    assert flat is not None and flat.trend is Trend.FLAT and flat.trend.arrow == "→"
    # A history younger than 30 days compares with its oldest point, and says so.
    young = score_change(points[2:], 2.0, day)
    assert young is not None
    assert (young.delta, young.since, young.full_window) == (-0.2, day - timedelta(10), False)
    assert score_change([], 2.0, day) is None
    assert score_change(points, None, day) is None
    # One value a day over the last 5 days, carried forward, today's is the current one.
    assert daily_series(points, 2.4, day, 5) == [2.2, 2.2, 2.2, 2.2, 2.4]
    assert daily_series(points[2:], 2.4, day, 12) == [2.2] * 10 + [2.4]


def test_the_demo_has_a_rising_score_history(demo: Workspace) -> None:
    repo = MeasureRepository(demo)
    history = repo.history()
    assert len(history) >= 10
    assert history[0].day >= TODAY - timedelta(days=120) and history[-1].day < TODAY
    assert all(p.day.weekday() < 5 for p in history)
    current = repo.score().overall
    change = score_change(history, current, TODAY)
    assert change is not None and change.full_window and change.trend is Trend.UP
    assert history[0].overall is not None and current is not None
    assert history[0].overall < current


def test_an_evidence_file_recorded_again_elsewhere_is_not_forgotten_unseen(
    workspace: Workspace, measures: MeasureRepository, tmp_path: Path
) -> None:
    proof = tmp_path / "pv.txt"
    proof.write_text("version 1\n", encoding="utf-8")
    state = state_of(measures, "GOUV-01")
    shown = measures.record_file(state, fingerprint(str(proof)))
    proof.write_text("version 2\n", encoding="utf-8")
    measures.record_file(state, fingerprint(str(proof)))  # another session accepts v2
    with pytest.raises(ConflictError):
        measures.remove_file(shown)
    assert [f.sha256 for f in measures.files(state)] != [shown.sha256]
    measures.remove_file(measures.files(state)[0])
    assert measures.files(state) == []
