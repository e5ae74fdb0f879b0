"""Global search: the FTS5 index follows every source through its triggers, folds accents,
matches the word being typed as a prefix, survives any text, ranks titles first, and is
built for a workspace migrated from version 4. Real SQLite files, no mocks."""

from __future__ import annotations

import json
import sqlite3
import subprocess
import sys
from datetime import date
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from prodtui.domain.items import Item
from prodtui.domain.people import Person
from prodtui.domain.recette import Campaign, ExecutionStatus
from prodtui.domain.recette import TestCase as Case
from prodtui.domain.risks import Criterion, Risk
from prodtui.domain.search import SearchHit, SearchKind, parse_snippet, search_phrases
from prodtui.domain.standup import StandupEntry
from prodtui.domain.stories import Story
from prodtui.store import Workspace, open_workspace
from prodtui.store.migrations import migration_scripts, split_statements
from prodtui.store.search import match_expression
from tests.conftest import TODAY

K = SearchKind


def kinds_keys(hits: list[SearchHit]) -> list[tuple[SearchKind, str]]:
    return [(hit.kind, hit.key) for hit in hits]


def found(ws: Workspace, query: str) -> set[tuple[SearchKind, str]]:
    return set(kinds_keys(ws.search.search(query)))


def indexed_rows(ws: Workspace) -> int:
    return int(ws.conn.execute("SELECT count(*) FROM search_index").fetchone()[0])


# -- the index follows each source ---------------------------------------------------------


def test_story_insert_update_delete(workspace: Workspace) -> None:
    story = workspace.stories.add(
        Story(title="Exporter les demandes", want="télécharger un fichier tableur")
    )
    assert found(workspace, "tableur") == {(K.STORY, story.key)}
    story = workspace.stories.save(story.edit(want="recevoir un courriel", title="Notifier"))
    assert found(workspace, "tableur") == set()
    assert found(workspace, "courriel") == {(K.STORY, story.key)}
    assert found(workspace, "notifier") == {(K.STORY, story.key)}
    # A change the index does not hold (a status) leaves the row as it was.
    moved = workspace.stories.save(story.edit(points=3))
    assert found(workspace, "courriel") == {(K.STORY, moved.key)}
    assert story.id is not None
    with workspace.transaction() as db:
        db.execute("DELETE FROM stories WHERE id = ?", [story.id])
    assert found(workspace, "courriel") == set()
    assert indexed_rows(workspace) == 0


def test_capture_insert_update_delete(workspace: Workspace) -> None:
    item = workspace.items.add(Item(text="Relancer le bureau juridique"))
    assert found(workspace, "juridique") == {(K.CAPTURE, item.key)}
    item = workspace.items.save(item.edit(text="Relancer la préfecture"))
    assert found(workspace, "juridique") == set()
    assert found(workspace, "prefecture") == {(K.CAPTURE, item.key)}
    assert item.id is not None
    workspace.items.delete(item.id)
    assert found(workspace, "prefecture") == set()
    assert indexed_rows(workspace) == 0


def test_standup_entry_insert_update_delete(workspace: Workspace) -> None:
    lea = workspace.people.add(Person(name="Léa Martin"))
    assert lea.id is not None
    day = date(2026, 11, 26)
    entry = workspace.standups.save_entry(
        day, StandupEntry(person_id=lea.id, yesterday="Revu la maquette", today="Atelier usagers")
    )
    hits = workspace.search.search("maquette")
    assert kinds_keys(hits) == [(K.STANDUP, "2026-11-26")]
    assert (hits[0].title, hits[0].day, hits[0].person_id) == ("Léa Martin", day, lea.id)
    entry = workspace.standups.save_entry(day, entry.edit(yesterday="Revu le parcours"))
    assert found(workspace, "maquette") == set()
    assert found(workspace, "parcours") == {(K.STANDUP, "2026-11-26")}
    # Emptied (the person was absent after all): nothing left to find, nothing indexed.
    entry = workspace.standups.save_entry(day, entry.edit(yesterday="", today="", absent=True))
    assert found(workspace, "parcours") == set()
    assert indexed_rows(workspace) == 0
    workspace.standups.save_entry(day, entry.edit(today="Démo", absent=False))
    assert found(workspace, "demo") == {(K.STANDUP, "2026-11-26")}
    # Deleting the day cascades to its entries, and to their index rows.
    with workspace.transaction() as db:
        db.execute("DELETE FROM standups")
    assert indexed_rows(workspace) == 0


def test_an_absent_person_is_not_indexed(workspace: Workspace) -> None:
    bob = workspace.people.add(Person(name="Bob"))
    assert bob.id is not None
    workspace.standups.save_entry(TODAY, StandupEntry(person_id=bob.id, absent=True))
    assert indexed_rows(workspace) == 0


def test_execution_comments_are_indexed_on_insert(workspace: Workspace) -> None:
    case = workspace.test_cases.add(Case(title="Déposer une demande"))
    campaign = workspace.campaigns.add(Campaign(name="Recette 2.3"))
    workspace.executions.record(campaign, case, ExecutionStatus.PASS)  # no comment: no row
    assert indexed_rows(workspace) == 0
    execution = workspace.executions.record(
        campaign, case, ExecutionStatus.FAIL, "Pièce jointe refusée au-delà de 2 Mo"
    )
    hits = workspace.search.search("piece jointe")
    assert kinds_keys(hits) == [(K.EXECUTION, case.key)]
    assert (hits[0].ref, hits[0].case_id, hits[0].title) == (
        execution.id,
        case.id,
        "Déposer une demande",
    )
    # The key of the case can be typed too.
    assert (K.EXECUTION, case.key) in found(workspace, case.key)


def test_measure_text_and_state_are_indexed(workspace: Workspace) -> None:
    workspace.measures.import_shipped()
    entry = workspace.measures.entry("PROT-03")
    assert entry is not None
    assert (K.MEASURE, "PROT-03") in found(workspace, "PROT-03")
    word = entry.measure.title.split()[-1]
    assert (K.MEASURE, "PROT-03") in found(workspace, word)
    workspace.measures.save(entry.state.edit(how="Coffre-fort Vaultwarden", evidence="PV signé"))
    assert found(workspace, "vaultwarden") == {(K.MEASURE, "PROT-03")}
    assert found(workspace, "PV signe") == {(K.MEASURE, "PROT-03")}
    entry = workspace.measures.entry("PROT-03")
    assert entry is not None
    workspace.measures.save(
        entry.state.edit(how="Coffre-fort interne", comment="Avis de Zoé Quintal")
    )
    assert found(workspace, "vaultwarden") == set()
    assert found(workspace, "quintal") == {(K.MEASURE, "PROT-03")}
    # One row per measure, whatever the number of edits.
    rows = workspace.conn.execute(
        "SELECT count(*) FROM search_index WHERE kind = 'measure'"
    ).fetchone()[0]
    assert rows == workspace.measures.count()
    measure_id = entry.measure.id
    with workspace.transaction() as db:
        db.execute("DELETE FROM measure_status WHERE measure_id = ?", [measure_id])
        assert found(workspace, "quintal") == set()
        assert (K.MEASURE, "PROT-03") in found(workspace, "PROT-03")  # the measure stays
        db.execute("DELETE FROM measures WHERE id = ?", [measure_id])
    assert found(workspace, "PROT-03") == set()


def test_risk_insert_update_delete(workspace: Workspace) -> None:
    with workspace.transaction() as db:
        risk_id = db.execute(
            "INSERT INTO risks (title, criterion, likelihood, severity, treatment,"
            " created_at, updated_at) VALUES ('Fuite des pièces justificatives',"
            " 'confidentiality', 2, 4, 'Chiffrement au repos', 'now', 'now')"
        ).lastrowid
    assert found(workspace, "chiffrement") == {(K.RISK, f"R-{risk_id}")}
    with workspace.transaction() as db:
        db.execute("UPDATE risks SET treatment = 'Purge mensuelle' WHERE id = ?", [risk_id])
    assert found(workspace, "chiffrement") == set()
    assert found(workspace, "fuite purge") == {(K.RISK, f"R-{risk_id}")}
    with workspace.transaction() as db:
        db.execute("DELETE FROM risks WHERE id = ?", [risk_id])
    assert indexed_rows(workspace) == 0


def test_the_risk_key_shown_finds_the_risk(workspace: Workspace) -> None:
    risks = [
        workspace.risks.create(
            Risk(title=f"Risque {n}", criterion=Criterion.INTEGRITY, likelihood=1, severity=1)
        )
        for n in range(1, 13)
    ]
    key = f"R-{risks[-1].id}"
    hits = workspace.search.search(key)
    assert (hits[0].kind, hits[0].key) == (K.RISK, key)
    assert (K.RISK, key) in found(workspace, key.lower() + " ")  # typed whole, lower case


def test_risk_owner_and_criterion_are_indexed(workspace: Workspace) -> None:
    risk = workspace.risks.create(
        Risk(
            title="Indisponibilité du guichet",
            criterion=Criterion.AVAILABILITY,
            likelihood=2,
            severity=3,
            owner="Zoé Quintal",
        )
    )
    key = f"R-{risk.id}"
    assert found(workspace, "quintal") == {(K.RISK, key)}
    assert found(workspace, "disponibilite") == {(K.RISK, key)}
    # Each column that feeds the row reindexes it when it changes.
    risk = workspace.risks.save(risk.edit(owner="Paul Arnaud"))
    assert found(workspace, "quintal") == set()
    assert found(workspace, "arnaud") == {(K.RISK, key)}
    risk = workspace.risks.save(risk.edit(criterion=Criterion.TRACEABILITY))
    assert found(workspace, "disponibilite") == set()
    assert found(workspace, "tracabilite") == {(K.RISK, key)}
    workspace.risks.save(risk.edit(owner=None))
    assert found(workspace, "arnaud") == set()
    assert found(workspace, "guichet") == {(K.RISK, key)}
    assert indexed_rows(workspace) == 1


def test_a_renumbered_case_rekeys_its_comments(workspace: Workspace) -> None:
    case = workspace.test_cases.add(Case(title="Déposer une demande"))
    campaign = workspace.campaigns.add(Campaign(name="Recette 2.3"))
    workspace.executions.record(campaign, case, ExecutionStatus.FAIL, "Pièce refusée")
    assert case.id is not None
    with workspace.transaction() as db:
        db.execute("UPDATE test_cases SET number = 90 WHERE id = ?", [case.id])
    assert found(workspace, "TC-90") == {(K.EXECUTION, "TC-90")}
    assert found(workspace, case.key + " ") == set()
    assert found(workspace, "piece") == {(K.EXECUTION, "TC-90")}


# -- matching -------------------------------------------------------------------------------


@pytest.fixture
def texts(workspace: Workspace) -> Workspace:
    workspace.items.add(Item(text="Planifier l'audit de sécurité"))
    workspace.items.add(Item(text="Echeance de l'homologation en mars"))
    workspace.items.add(Item(text="Relire l'accessibilité du formulaire"))
    return workspace


def test_accents_are_folded_both_ways(texts: Workspace) -> None:
    assert len(texts.search.search("securite")) == 1
    assert len(texts.search.search("SÉCURITÉ")) == 1
    assert len(texts.search.search("ECHEANCE")) == 1
    assert len(texts.search.search("échéance")) == 1


@pytest.fixture
def ligatures(workspace: Workspace) -> Workspace:
    workspace.items.add(Item(text="Mise en œuvre des mesures"))
    workspace.items.add(Item(text="Le cœur du parcours"))
    workspace.items.add(Item(text="Ouvrir le chef-d'oeuvre"))
    workspace.stories.add(Story(title="Curriculum vitæ", description="ÆSTHÉTIQUE, ŒUVRE"))
    return workspace


def texts_found(ws: Workspace, query: str) -> set[str]:
    return {hit.title for hit in ws.search.search(query)}


def test_ligatures_are_folded_both_ways(ligatures: Workspace) -> None:
    assert texts_found(ligatures, "coeur") == {"Le cœur du parcours"}
    assert texts_found(ligatures, "cœur") == {"Le cœur du parcours"}
    both = {"Mise en œuvre des mesures", "Ouvrir le chef-d'oeuvre", "Curriculum vitæ"}
    assert texts_found(ligatures, "oeuvre") == both
    assert texts_found(ligatures, "œuvre") == both
    assert texts_found(ligatures, "ŒUVRE") == both
    assert texts_found(ligatures, "œuv") == both  # as a prefix too
    assert texts_found(ligatures, "vitae") == {"Curriculum vitæ"}
    assert texts_found(ligatures, "aesthetique") == {"Curriculum vitæ"}


def test_a_snippet_shows_the_ligature_as_written(ligatures: Workspace) -> None:
    marked = {hit.marked("[", "]") for hit in ligatures.search.search("oeuvre")}
    assert marked == {
        "Mise en [œuvre] des mesures",
        "Ouvrir le chef-d'[oeuvre]",
        "ÆSTHÉTIQUE, [ŒUVRE]",
    }
    [hit] = ligatures.search.search("cœur")
    assert hit.marked("[", "]") == "Le [cœur] du parcours"
    [hit] = ligatures.search.search("vitae")
    assert hit.marked("[", "]") == "Curriculum [vitæ]"


def test_ligatures_are_unindexed_as_indexed(ligatures: Workspace) -> None:
    # FTS5 'delete' must be given what was indexed (the folded text): if not, the old
    # words would stay in the index.
    with ligatures.transaction() as db:
        db.execute("UPDATE items SET text = 'Autre chose'")
        db.execute("DELETE FROM stories")
    assert ligatures.search.search("oeuvre") == []
    assert ligatures.search.search("coeur") == []
    assert ligatures.search.count("oeuvre") == 0
    assert len(ligatures.search.search("autre")) == 3
    assert ligatures.conn.execute("SELECT count(*) FROM search_index_data").fetchone()[0] > 0
    ligatures.conn.execute("INSERT INTO search_index (search_index) VALUES ('integrity-check')")


def test_search_phrases_spell_out_ligatures() -> None:
    assert search_phrases("Cœur ŒUVRE vitæ Æ") == ["Coeur", "OEUVRE", "vitae", "AE"]


def test_the_word_being_typed_is_a_prefix(texts: Workspace) -> None:
    assert len(texts.search.search("homolog")) == 1
    assert len(texts.search.search("formulaire acces")) == 1
    assert texts.search.search("formul accessibilite") == []  # only the last word
    # Once a space follows it, the word is whole.
    assert texts.search.search("homolog ") == []
    # A single letter is no prefix (it would read the whole vocabulary).
    assert texts.search.search("h") == []


def test_words_are_all_required(texts: Workspace) -> None:
    assert len(texts.search.search("audit securite")) == 1
    assert texts.search.search("audit formulaire") == []


def test_snippet_marks_the_matched_words(texts: Workspace) -> None:
    [hit] = texts.search.search("securite")
    assert hit.marked("[", "]") == "Planifier l'audit de [sécurité]"
    assert [hit.snippet[a:b] for a, b in hit.marks] == ["sécurité"]


HOSTILE = [
    '"',
    '""',
    "*",
    "-",
    ":",
    "(",
    ")",
    "AND",
    "OR NOT",
    "NEAR(a b)",
    "title:audit",
    "{key title}: x",
    '"unbalanced',
    "a* OR b*",
    "^audit",
    "audit -securite",
    "\x00\x1b[31m",
    "🙂",
    "l'",
    "_",
]


@pytest.mark.parametrize("query", HOSTILE)
def test_hostile_queries_do_not_raise(texts: Workspace, query: str) -> None:
    texts.search.search(query)


def test_fts_operators_are_only_words(texts: Workspace) -> None:
    assert len(texts.search.search("audit AND")) == 0  # "and" is a word that is not there
    assert len(texts.search.search('"audit"')) == 1
    assert len(texts.search.search("(audit)")) == 1
    assert len(texts.search.search("title:audit")) == 0  # "title" is a word, not a column


@pytest.mark.parametrize("query", ["", "   ", "!!!", "*:-()", '"'])
def test_no_words_no_hits(texts: Workspace, query: str) -> None:
    assert match_expression(query) is None
    assert texts.search.search(query) == []


@settings(
    max_examples=200, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(query=st.text(max_size=60))
def test_any_text_never_raises(texts: Workspace, query: str) -> None:
    hits = texts.search.search(query)
    assert len(hits) <= 3


def test_search_phrases_keep_keys_and_elisions_together() -> None:
    assert search_phrases("US-12  l'accès (export)") == ["US 12", "l accès", "export"]
    assert search_phrases("e\u0301cheance") == ["écheance"]  # decomposed accents composed
    assert search_phrases("*** -- ::") == []


def test_parse_snippet() -> None:
    assert parse_snippet("a \x02b\x03 c \x02d\x03") == ("a b c d", [(2, 3), (6, 7)])
    assert parse_snippet("\x03x\x02") == ("x", [])


# -- ranking --------------------------------------------------------------------------------


def test_a_title_match_ranks_before_a_body_match(workspace: Workspace) -> None:
    body = workspace.stories.add(
        Story(title="Tableau de bord", description="Afficher le nombre de demandes de répit")
    )
    title = workspace.stories.add(Story(title="Demander un répit", description="Un formulaire"))
    workspace.items.add(Item(text="Le répit du week-end est-il compté ?"))
    hits = workspace.search.search("repit")
    assert hits[0].key == title.key
    assert body.key in [hit.key for hit in hits]
    assert [hit.rank for hit in hits] == sorted(hit.rank for hit in hits)


def test_a_typed_key_finds_its_story_first(workspace: Workspace) -> None:
    for n in range(1, 15):
        workspace.stories.add(Story(title=f"Story numéro {n}"))
    workspace.items.add(Item(text="Voir avec l'équipe pour US-12"))
    hits = workspace.search.search("US-12")
    assert (hits[0].kind, hits[0].key) == (K.STORY, "US-12")


def test_limit(workspace: Workspace) -> None:
    for n in range(8):
        workspace.items.add(Item(text=f"Réunion de suivi {n}"))
    assert len(workspace.search.search("reunion", limit=5)) == 5
    assert workspace.search.search("reunion", limit=0) == []
    assert workspace.search.count("reunion") == 8


def test_broad_queries_stay_titles_first(workspace: Workspace, monkeypatch) -> None:
    """Past BROAD matches only key and title matches are ranked; body matches follow."""
    from prodtui.store import search

    monkeypatch.setattr(search, "BROAD", 3)
    for n in range(6):
        workspace.items.add(Item(text=f"Point sur le dossier {n}"))
    story = workspace.stories.add(Story(title="Dossier de l'aidant"))
    hits = workspace.search.search("dossier")
    assert hits[0].key == story.key
    assert len(hits) == 7
    assert len({(hit.kind, hit.ref) for hit in hits}) == 7


# -- migration --------------------------------------------------------------------------------


def test_migration_from_version_4_fills_the_index(tmp_path: Path) -> None:
    path = tmp_path / "v4.db"
    conn = sqlite3.connect(path, isolation_level=None)
    for version, script in migration_scripts():
        if version > 4:
            break
        for statement in split_statements(script):
            conn.execute(statement)
        conn.execute(f"PRAGMA user_version = {version}")
    stamp = "2026-11-20T09:00:00.000"
    conn.execute(
        "INSERT INTO stories (number, title, description, rank, created_at, updated_at)"
        " VALUES (7, 'Suivre sa demande', 'Un écran de suivi', 1000, ?, ?)",
        [stamp, stamp],
    )
    conn.execute(
        "INSERT INTO items (text, created_at, updated_at) VALUES ('Échéance fixée', ?, ?)",
        [stamp, stamp],
    )
    conn.execute(
        "INSERT INTO people (name, created_at, updated_at) VALUES ('Léa', ?, ?)", [stamp, stamp]
    )
    conn.execute(
        "INSERT INTO standups (day, created_at, updated_at) VALUES ('2026-11-20', ?, ?)",
        [stamp, stamp],
    )
    conn.execute(
        "INSERT INTO standup_entries (standup_id, person_id, yesterday, created_at, updated_at)"
        " VALUES (1, 1, 'Écran de suivi relu', ?, ?)",
        [stamp, stamp],
    )
    conn.execute(
        "INSERT INTO test_cases (number, title, created_at, updated_at) VALUES (3, 'Suivi', ?, ?)",
        [stamp, stamp],
    )
    conn.execute(
        "INSERT INTO campaigns (name, created_at, updated_at) VALUES ('R1', ?, ?)", [stamp, stamp]
    )
    conn.execute(
        "INSERT INTO executions (campaign_id, case_id, status, comment, case_snapshot,"
        " created_at) VALUES (1, 1, 'fail', 'Suivi vide', '{}', ?)",
        [stamp],
    )
    conn.execute(
        "INSERT INTO risks (title, criterion, likelihood, severity, treatment, owner,"
        " created_at, updated_at) VALUES ('Perte du cœur de données', 'integrity', 2, 3,"
        " 'Sauvegarde', 'Zoé Quintal', ?, ?)",
        [stamp, stamp],
    )
    conn.close()

    ws = open_workspace(path)
    try:
        assert int(ws.conn.execute("PRAGMA user_version").fetchone()[0]) >= 5
        assert found(ws, "suivi") == {
            (K.STORY, "US-7"),
            (K.STANDUP, "2026-11-20"),
            (K.EXECUTION, "TC-3"),
        }
        assert found(ws, "echeance") == {(K.CAPTURE, "#1")}
        assert found(ws, "R-1") == {(K.RISK, "R-1")}
        assert found(ws, "coeur quintal integrite") == {(K.RISK, "R-1")}
        [hit] = ws.search.search("coeur")
        assert hit.marked("[", "]") == "Perte du [cœur] de données"
        # And from now on the triggers keep it.
        ws.items.add(Item(text="Suivi de l'échéance"))
        assert len(ws.search.search("echeance")) == 2
    finally:
        ws.close()


def test_fts5_is_available() -> None:
    conn = sqlite3.connect(":memory:")
    options = {row[0] for row in conn.execute("PRAGMA compile_options")}
    assert "ENABLE_FTS5" in options


# -- the command line ---------------------------------------------------------------------------


@pytest.fixture
def filled(workspace: Workspace) -> Workspace:
    workspace.stories.add(Story(title="Exporter la sécurité", description="Fichier CSV"))
    workspace.items.add(Item(text="Vérifier la sécurité de l'export"))
    return workspace


def run_cli(*args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "prodtui", *args],
        capture_output=True,
        text=True,
        check=False,
        timeout=60,
    )


def test_cli_text(filled: Workspace) -> None:
    done = run_cli("--db", str(filled.path), "search", "securite")
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert "US-1" in lines[0] and "Exporter la sécurité" in lines[0]
    assert "**sécurité**" in done.stdout
    assert "#1" in done.stdout


def test_cli_json_gives_the_same_results(filled: Workspace) -> None:
    done = run_cli("--db", str(filled.path), "search", "securite", "--format", "json")
    assert done.returncode == 0, done.stderr
    data = json.loads(done.stdout)
    expected = filled.search.search("securite")
    assert [(d["kind"], d["key"], d["title"]) for d in data] == [
        (hit.kind.value, hit.key, hit.title) for hit in expected
    ]
    assert set(data[0]) >= {"kind", "key", "title", "snippet", "rank"}
    assert data[0]["snippet"] == expected[0].snippet


def test_cli_limit_and_no_hits(filled: Workspace) -> None:
    done = run_cli("--db", str(filled.path), "search", "securite", "--limit", "1")
    assert done.returncode == 0
    assert "US-1" in done.stdout and "#1" not in done.stdout
    done = run_cli("--db", str(filled.path), "search", "introuvable")
    assert (done.returncode, done.stdout) == (0, "")
    assert "introuvable" in done.stderr
    done = run_cli("--db", str(filled.path), "search", "introuvable", "--format", "json")
    assert (done.returncode, json.loads(done.stdout)) == (0, [])
