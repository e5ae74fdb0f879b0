"""Security measures: the score, the N/A rule, the status cycle, the checklist filters and
the referential import, on real SQLite workspaces (an empty one and the demo)."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from datetime import timedelta
from pathlib import Path

import pytest
from pydantic import ValidationError

from prodtui import resources
from prodtui.domain.errors import ConflictError
from prodtui.domain.security import (
    CATEGORIES,
    Category,
    JustificationRequired,
    Measure,
    MeasureCodeTaken,
    MeasureState,
    MeasureStatus,
    Progress,
    next_status,
    security_score,
    suggested_validity,
)
from prodtui.store import Workspace, open_workspace
from prodtui.store.demo import build_demo_workspace, load_measures
from prodtui.store.security import (
    MeasureFilter,
    MeasureRepository,
    ReferentialRefused,
)
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
    repo.import_referential(SMALL, "small.toml")
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
    assert S.TODO.label == "À lancer" and S.NOT_APPLICABLE.label == "Non applicable"


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
    for code, changes in {
        "GOUV-01": {"owner": "Camille", "due_date": yesterday, "status": S.DONE},
        "GOUV-02": {"owner": "Camille", "due_date": yesterday},
        "PROT-01": {"owner": "Thomas", "due_date": tomorrow, "status": S.PARTIAL},
        "RES-01": {"status": S.NOT_APPLICABLE, "justification": "Pas de données"},
    }.items():
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
