"""`prodtui import junit` fed by a CI pipeline: a fresh workspace, `--create`, the tester,
the reports of pytest, Jest (jest-junit) and Maven Surefire, a failure's message and body
kept apart, and a pass rate that never reads 100 % while a case failed."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from textual.widgets import Static

from prodtui.domain.recette import (
    AutomatedResult,
    Campaign,
    ExecutionStatus,
    shown_rate,
)
from prodtui.domain.recette import TestCase as Case
from prodtui.exchange.junit import parse_junit
from prodtui.i18n import percent, set_language
from prodtui.store import Workspace, open_workspace
from tests.conftest import AppFactory

PRODTUI = Path(sys.executable).parent / "prodtui"
PASS, FAIL, BLOCKED = ExecutionStatus.PASS, ExecutionStatus.FAIL, ExecutionStatus.BLOCKED
NOT_RUN = ExecutionStatus.NOT_RUN


def prodtui(db: Path, *args: str) -> subprocess.CompletedProcess[str]:
    """The installed command on the workspace `db`, with the test's HOME (see conftest)."""
    return subprocess.run(
        [str(PRODTUI), "--db", str(db), *args],
        capture_output=True,
        text=True,
        encoding="utf-8",
        env={**os.environ, "LANG": "C.UTF-8"},
        timeout=60,
        check=False,
    )


def write(tmp_path: Path, data: str, name: str = "report.xml") -> Path:
    path = tmp_path / name
    path.write_text(data, encoding="utf-8")
    return path


def campaign_names(db: Path) -> list[str]:
    ws = open_workspace(db, author="x")
    try:
        return [c.name for c in ws.campaigns.all()]
    finally:
        ws.close()


SMALL = '<testsuite><testcase classname="a" name="test_ok"/></testsuite>'

# -- reports as each tool writes them -------------------------------------------------------

# pytest --junitxml (xunit2): the message holds the assertion (with a line feed as &#10;),
# the body the source lines and the location.
PYTEST = """\
<?xml version="1.0" encoding="utf-8"?>
<testsuites name="pytest tests"><testsuite name="pytest" errors="1" failures="1" skipped="1" \
tests="5" time="0.061" timestamp="2026-11-26T10:30:00.000000+01:00" hostname="ci-runner">\
<testcase classname="tests.test_decision" name="test_refus_motive" time="0.001" />\
<testcase classname="tests.test_decision" name="test_refus_sans_motif" time="0.002">\
<failure message="AssertionError: La décision n'est pas enregistrée&#10;assert 2 == 3">\
def test_refus_sans_motif():
&gt;       assert enregistrer() == 3, "La décision n'est pas enregistrée"
E       AssertionError: La décision n'est pas enregistrée
E       assert 2 == 3

tests/test_decision.py:7: AssertionError</failure></testcase>\
<testcase classname="tests.test_decision" name="test_archive" time="0.001">\
<error message="failed on setup with &quot;RuntimeError: base de recette indisponible&quot;">\
@pytest.fixture
    def base():
&gt;       raise RuntimeError("base de recette indisponible")
E       RuntimeError: base de recette indisponible

tests/test_decision.py:12: RuntimeError</error></testcase>\
<testcase classname="tests.test_decision" name="test_plus_tard" time="0.000">\
<skipped type="pytest.skip" message="pas encore prêt">tests/test_decision.py:20: pas encore \
prêt</skipped></testcase>\
<testcase classname="tests.test_decision" name="test_depot[TC-1]" time="0.003" />\
</testsuite></testsuites>
"""

# jest-junit: no message attribute, the whole failure (message first, then the stack) as
# the element's text; the test's full title as both classname and name.
JEST = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuites name="jest tests" tests="5" failures="1" errors="1" time="1.204">
  <testsuite name="décision" errors="0" failures="1" skipped="1" \
timestamp="2026-11-26T09:30:00" time="0.912" tests="4">
    <testcase classname="décision enregistre un refus motivé" \
name="décision enregistre un refus motivé" time="0.004">
    </testcase>
    <testcase classname="décision refuse sans motif" name="décision refuse sans motif" \
time="0.006">
      <failure>Error: expect(received).toBe(expected) // Object.is equality

Expected: 3
Received: 2
    at Object.toBe (/builds/demarche/src/decision.test.js:12:21)
    at processTicksAndRejections (node:internal/process/task_queues:95:5)</failure>
    </testcase>
    <testcase classname="décision TC-1 dépôt complet" name="décision TC-1 dépôt complet" \
time="0.002">
    </testcase>
    <testcase classname="décision archive" name="décision archive" time="0">
      <skipped/>
    </testcase>
  </testsuite>
  <testsuite name="src/archive.test.js" errors="1" failures="0" skipped="0" \
timestamp="2026-11-26T09:30:00" time="0" tests="0">
    <testcase classname="Test suite failed to run" name="src/archive.test.js" time="0">
      <error>Cannot find module './archive' from 'src/archive.test.js'</error>
    </testcase>
  </testsuite>
</testsuites>
"""

# Maven Surefire (TEST-*.xml): a schema reference on the root, JVM properties, the
# exception's type and message as attributes and its stack trace as CDATA, a test that
# failed then passed on a rerun (flakyFailure).
SUREFIRE = """\
<?xml version="1.0" encoding="UTF-8"?>
<testsuite xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance" \
xsi:noNamespaceSchemaLocation="https://maven.apache.org/surefire/maven-surefire-plugin/xsd/\
surefire-test-report-3.0.xsd" version="3.0" name="fr.gouv.demarche.DecisionTest" \
time="0.512" tests="5" errors="1" skipped="1" failures="1">
  <properties>
    <property name="java.version" value="21.0.2"/>
    <property name="user.name" value="runner"/>
  </properties>
  <testcase name="enregistreUnRefusMotive" classname="fr.gouv.demarche.DecisionTest" \
time="0.012"/>
  <testcase name="refuseSansMotif" classname="fr.gouv.demarche.DecisionTest" time="0.004">
    <failure message="La décision n'est pas enregistrée ==&gt; expected: &lt;3&gt; but was: \
&lt;2&gt;" type="org.opentest4j.AssertionFailedError"><![CDATA[\
org.opentest4j.AssertionFailedError: La décision n'est pas enregistrée ==> expected: <3> but \
was: <2>
\tat org.junit.jupiter.api.AssertionUtils.fail(AssertionUtils.java:151)
\tat fr.gouv.demarche.DecisionTest.refuseSansMotif(DecisionTest.java:27)
]]></failure>
    <system-out><![CDATA[décision 42 refusée
]]></system-out>
  </testcase>
  <testcase name="archive" classname="fr.gouv.demarche.DecisionTest" time="0.001">
    <error message="Connection refused" type="java.net.ConnectException"><![CDATA[\
java.net.ConnectException: Connection refused
\tat java.base/sun.nio.ch.Net.connect0(Native Method)
]]></error>
  </testcase>
  <testcase name="plusTard" classname="fr.gouv.demarche.DecisionTest" time="0">
    <skipped message="pas encore prêt"/>
  </testcase>
  <testcase name="TC_1_depotComplet" classname="fr.gouv.demarche.DecisionTest" time="0.2">
    <flakyFailure message="timeout" type="java.util.concurrent.TimeoutException">
      <stackTrace>java.util.concurrent.TimeoutException: timeout</stackTrace>
    </flakyFailure>
  </testcase>
</testsuite>
"""

SHAPES = {
    "pytest": (
        PYTEST,
        "tests.test_decision::test_refus_sans_motif",
        "AssertionError: La décision n'est pas enregistrée\nassert 2 == 3\n\ndef test_refus",
        "E       assert 2 == 3\n\ntests/test_decision.py:7: AssertionError",
    ),
    "jest": (
        JEST,
        "décision refuse sans motif::décision refuse sans motif",
        "Error: expect(received).toBe(expected) // Object.is equality\n\nExpected: 3\n",
        "at processTicksAndRejections (node:internal/process/task_queues:95:5)",
    ),
    "surefire": (
        SUREFIRE,
        "fr.gouv.demarche.DecisionTest::refuseSansMotif",
        "La décision n'est pas enregistrée ==> expected: <3> but was: <2>\n\n"
        "org.opentest4j.AssertionFailedError: ",
        "\tat fr.gouv.demarche.DecisionTest.refuseSansMotif(DecisionTest.java:27)",
    ),
}


@pytest.mark.parametrize("shape", list(SHAPES))
def test_reports_of_pytest_jest_and_surefire_import_into_a_fresh_workspace(
    tmp_path: Path, shape: str
) -> None:
    data, failed_test, head, tail = SHAPES[shape]
    db = tmp_path / "ci.db"
    # A case the pipeline names by its key (TC-1), written beforehand by the team.
    ws = open_workspace(db, author="Camille")
    ws.test_cases.add(Case(title="Dépôt complet"))
    ws.close()

    done = prodtui(db, "import", "junit", str(write(tmp_path, data)), "--campaign", "CI")
    assert done.returncode == 2, "no campaign yet, and no --create"
    done = prodtui(
        db, "import", "junit", str(write(tmp_path, data)), "--campaign", "CI", "--create"
    )
    assert done.returncode == 0, done.stderr
    assert done.stderr == ""
    assert (
        "réussi\u202f: 2, en échec\u202f: 1, bloqué\u202f: 1, non exécuté\u202f: 1" in done.stdout
    )

    ws = open_workspace(db, author="Camille")
    try:
        (campaign,) = ws.campaigns.all()
        latest = {e.case.title: e for e in ws.executions.latest_per_case(campaign).values()}
        assert latest["Dépôt complet"].status is PASS  # named by its key
        assert all(e.tester == "automatique" for e in latest.values())
        failed = ws.test_cases.by_automation_key(failed_test)
        assert failed is not None
        (failure,) = [e for e in latest.values() if e.case_id == failed.id]
        assert failure.status is FAIL
        # The message first, a blank line, then the body: never glued together.
        assert failure.comment.startswith(head), failure.comment
        assert failure.comment.rstrip().endswith(tail), failure.comment
        blocked = [e for e in latest.values() if e.status is BLOCKED]
        assert len(blocked) == 1 and blocked[0].comment
    finally:
        ws.close()


# -- a campaign that does not exist ---------------------------------------------------------


def test_an_unknown_campaign_names_the_closest_ones_and_the_create_flag(
    tmp_path: Path,
) -> None:
    db = tmp_path / "ws.db"
    ws = open_workspace(db, author="Camille")
    for name in ("Recette v1.5", "Recette v1.6", "Homologation 2026"):
        ws.campaigns.add(Campaign(name=name))
    ws.close()
    report = str(write(tmp_path, SMALL))

    done = prodtui(db, "import", "junit", report, "--campaign", "Recete v1.5")
    assert done.returncode == 2 and done.stdout == ""
    assert done.stderr == (
        "prodtui: Aucune campagne ne s'appelle «\u202fRecete v1.5\u202f». Les plus proches\u202f: "
        "«\u202fRecette v1.5\u202f», «\u202fRecette v1.6\u202f». "
        "Pour créer cette campagne, ajoutez --create.\n"
    )
    done = prodtui(db, "--lang", "en", "import", "junit", report, "--campaign", "recette v2")
    assert done.returncode == 2
    assert done.stderr == (
        "prodtui: No campaign is named “recette v2”. The closest: “Recette v1.5”, "
        "“Recette v1.6”. To create this campaign, add --create.\n"
    )
    # Nothing close: the flag is still named.
    done = prodtui(db, "import", "junit", report, "--campaign", "Sprint 12")
    assert done.returncode == 2
    assert done.stderr == (
        "prodtui: Aucune campagne ne s'appelle «\u202fSprint 12\u202f». "
        "Pour créer cette campagne, ajoutez --create.\n"
    )
    assert sorted(campaign_names(db)) == ["Homologation 2026", "Recette v1.5", "Recette v1.6"]


def test_create_makes_the_campaign_once_and_says_so(tmp_path: Path) -> None:
    db = tmp_path / "new" / "ci.db"
    db.parent.mkdir()
    report = str(write(tmp_path, SMALL))
    args = ("import", "junit", report, "--campaign", "Recette 3.0", "--create", "--tester", "ci")

    done = prodtui(db, *args)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "Campagne «\u202fRecette 3.0\u202f» créée."
    assert lines[1].startswith("1 résultat importé dans «\u202fRecette 3.0\u202f», passe 1")
    assert len(lines) == 2 and done.stderr == ""

    done = prodtui(db, *args)  # the next pipeline run: the same campaign, nothing created
    assert done.returncode == 0, done.stderr
    assert "créée" not in done.stdout and len(done.stdout.splitlines()) == 1
    assert campaign_names(db) == ["Recette 3.0"]

    report_md = prodtui(db, "export", "recette", "--campaign", "Recette 3.0").stdout
    assert "| ci | 1 |" in report_md

    done = prodtui(
        db, "--lang", "en", "import", "junit", report, "--campaign", "Nightly", "--create"
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.splitlines()[0] == "Campaign “Nightly” created."


def test_a_refused_report_creates_no_campaign(tmp_path: Path) -> None:
    db = tmp_path / "ci.db"
    broken = str(write(tmp_path, "<testsuite><testcase name='a'>"))
    unknown_key = str(write(tmp_path, '<testsuite><testcase name="test_TC-9"/></testsuite>'))
    for report in (broken, unknown_key):
        done = prodtui(db, "import", "junit", report, "--campaign", "CI", "--create")
        assert done.returncode == 2 and done.stdout == ""
        assert "créée" not in done.stderr
        assert campaign_names(db) == []


def test_a_finished_campaign_is_not_recreated(tmp_path: Path) -> None:
    from prodtui.domain.recette import CampaignState

    db = tmp_path / "ci.db"
    ws = open_workspace(db, author="Camille")
    ws.campaigns.set_state(ws.campaigns.add(Campaign(name="CI")), CampaignState.FINISHED)
    ws.close()
    done = prodtui(
        db, "import", "junit", str(write(tmp_path, SMALL)), "--campaign", "ci", "--create"
    )
    assert done.returncode == 2 and "lecture seule" in done.stderr
    assert campaign_names(db) == ["CI"]


# -- who tested -----------------------------------------------------------------------------


def test_results_are_attributed_to_the_automated_run_or_to_the_tester_given(
    tmp_path: Path,
) -> None:
    db = tmp_path / "ci.db"
    report = str(write(tmp_path, SMALL))
    assert prodtui(db, "import", "junit", report, "--campaign", "A", "--create").returncode == 0
    assert (
        prodtui(
            db, "--lang", "en", "import", "junit", report, "--campaign", "B", "--create"
        ).returncode
        == 0
    )
    done = prodtui(db, "import", "junit", report, "--campaign", "C", "--create", "--tester", "")
    assert done.returncode == 0
    done = prodtui(
        db, "import", "junit", report, "--campaign", "D", "--create", "--tester", "GitLab CI"
    )
    assert done.returncode == 0
    ws = open_workspace(db, author="x")
    try:
        testers = {
            c.name: [e.tester for e in ws.executions.latest_per_case(c).values()]
            for c in ws.campaigns.all()
        }
    finally:
        ws.close()
    assert testers == {
        "A": ["automatique"],
        "B": ["automated"],
        "C": ["automatique"],
        "D": ["GitLab CI"],
    }


# -- a failure's message and its body -------------------------------------------------------

GLUED = """\
<testsuite><testcase classname="decision" name="refus">\
<failure message="La décision n'est pas enregistrée">2 !== 3</failure>\
</testcase></testsuite>"""


def test_message_and_body_are_kept_apart_in_the_report(tmp_path: Path) -> None:
    (result,) = parse_junit(GLUED.encode()).results
    assert result.comment == "La décision n'est pas enregistrée\n\n2 !== 3"
    db = tmp_path / "ci.db"
    done = prodtui(
        db, "import", "junit", str(write(tmp_path, GLUED)), "--campaign", "CI", "--create"
    )
    assert done.returncode == 0, done.stderr
    report_md = prodtui(db, "export", "recette", "--campaign", "CI").stdout
    assert "  > La décision n'est pas enregistrée\n  >\n  > 2 !== 3\n" in report_md


def test_a_body_only_names_its_error_first() -> None:
    """No message: a Python traceback ends with its error, a JavaScript or Java stack
    starts with it; either way the error comes first, then the rest, not twice."""
    python = parse_junit(
        b"<testsuite><testcase name='t'><failure>Traceback (most recent call last):\n"
        b'  File "t.py", line 2\nValueError: motif absent</failure></testcase></testsuite>'
    ).results[0]
    assert python.comment == (
        'ValueError: motif absent\n\nTraceback (most recent call last):\n  File "t.py", line 2'
    )
    (java,) = parse_junit(
        b"<testsuite><testcase name='t'><error>java.io.IOException: disque plein\n"
        b"\tat A.b(A.java:3)\n\tat A.c(A.java:9)</error></testcase></testsuite>"
    ).results
    assert (
        java.comment
        == "java.io.IOException: disque plein\n\n\tat A.b(A.java:3)\n\tat A.c(A.java:9)"
    )
    (single,) = parse_junit(
        b"<testsuite><testcase name='t'><failure message='KO'>KO</failure></testcase></testsuite>"
    ).results
    assert single.comment == "KO"


def test_long_bodies_of_tests_sharing_a_case_still_import(workspace: Workspace) -> None:
    """Three failing tests naming TC-1, each with a long traceback: one result whose
    comment is cut, instead of a refused import."""
    workspace.test_cases.add(Case(title="Dépôt"))
    campaign = workspace.campaigns.add(Campaign(name="CI"))
    body = "\n".join(f"  frame {n} " + "x" * 60 for n in range(200))
    results = [
        AutomatedResult(
            position=str(n),
            name=f"test_TC-1_{n}",
            case_number=1,
            status=FAIL,
            comment=f"erreur {n}\n\n{body}"[:4_000],
        )
        for n in range(3)
    ]
    outcome = workspace.executions.import_automated(campaign, results)
    assert outcome.recorded == 1
    (execution,) = workspace.executions.log()
    assert execution.status is FAIL and execution.comment.startswith("test_TC-1_0: erreur 0")
    assert len(execution.comment) <= 10_000


async def test_the_execution_log_shows_message_and_body_apart(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.app.recette import import_junit
    from prodtui.ui.screens.execution_log import ExecutionLogScreen
    from prodtui.ui.widgets.lazy_table import LazyTable

    campaign = workspace.campaigns.add(Campaign(name="CI"))
    path = Path(workspace.path).parent / "glued.xml"
    path.write_text(GLUED, encoding="utf-8")
    import_junit(workspace, campaign, path)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("4")
        await pilot.pause()
        await pilot.press("l")
        for _ in range(50):
            await pilot.pause()
            if isinstance(app.screen, ExecutionLogScreen):
                break
        log = app.screen
        assert isinstance(log, ExecutionLogScreen)
        table = log.query_one(LazyTable)
        row = table.format(table.cells_at(0), 140).plain
        assert "La décision n'est pas enregistrée · 2 !== 3" in row
        assert "automatique" in row
        detail = log.query_one("#log-comment", Static)
        for _ in range(50):
            if "2 !== 3" in str(detail.render()):
                break
            await pilot.pause()
        assert str(detail.render()) == "La décision n'est pas enregistrée\n\n2 !== 3"


# -- the pass rate ---------------------------------------------------------------------------


def test_a_rate_reads_100_only_when_all_passed_and_0_only_when_none_did() -> None:
    for judged in range(1, 1_201):
        for passed in range(judged + 1):
            rate, places = shown_rate(passed / judged)
            text = f"{rate * 100:.{places}f}"
            assert (float(text) == 100) == (passed == judged), (passed, judged)
            assert (float(text) == 0) == (passed == 0), (passed, judged)
            if 0.01 <= passed / judged <= 0.99:
                assert places == 0, "a rate far from either end keeps its whole percent"
    assert shown_rate(1 - 1e-9)[0] < 1 and shown_rate(1e-9)[0] > 0
    assert percent(*shown_rate(1_483 / 1_485)) == "99,9\u202f%"
    assert percent(*shown_rate(1 / 1_485)) == "0,1\u202f%"
    assert percent(*shown_rate(2 / 3)) == "67\u202f%"
    set_language("en")
    assert percent(*shown_rate(1_483 / 1_485)) == "99.9%"


BIG = 1_485


def big_report(failures: int) -> str:
    cases = "".join(
        f'<testcase classname="suite" name="test_{n}">'
        + ('<failure message="KO"/>' if n < failures else "")
        + "</testcase>"
        for n in range(BIG)
    )
    return f"<testsuite>{cases}</testsuite>"


def test_the_report_of_1483_passed_out_of_1485_reads_99_9(tmp_path: Path) -> None:
    db = tmp_path / "ci.db"
    done = prodtui(
        db, "import", "junit", str(write(tmp_path, big_report(2))), "--campaign", "CI", "--create"
    )
    assert done.returncode == 0, done.stderr
    report_md = prodtui(db, "export", "recette", "--campaign", "CI").stdout
    assert "**Taux de réussite\u202f: 99,9\u202f%** (1\u202f483 réussis sur 1\u202f485" in report_md
    assert "100\u202f%" not in report_md


async def test_the_recette_screen_and_today_read_99_9(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.app.recette import import_junit
    from prodtui.ui.screens.recette import RecetteScreen
    from prodtui.ui.widgets.lazy_table import LazyTable

    campaign = workspace.campaigns.add(Campaign(name="CI"))
    path = Path(workspace.path).parent / "big.xml"
    path.write_text(big_report(2), encoding="utf-8")
    import_junit(workspace, campaign, path)
    app = make_app()
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.pause()
        tile = str(app.screen.query_one("#tile-campaign", Static).render())
        assert "Réussite\u202f: 99,9\u202f%" in tile
        await pilot.press("4")
        await pilot.pause()
        assert isinstance(app.screen, RecetteScreen)
        table = app.screen.query_one("#recette-campaigns", LazyTable)
        cells = [str(c) for c in table.cells_at(0)]
        assert "99,9\u202f%" in cells and "100\u202f%" not in cells
