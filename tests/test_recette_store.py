"""La recette in a real workspace file: campaigns, cases, the append-only log, passes."""

from __future__ import annotations

import sqlite3
from datetime import date
from pathlib import Path

import pytest
from pydantic import ValidationError

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.recette import (
    AutomatedResult,
    Campaign,
    CampaignState,
    Execution,
    ExecutionStatus,
    Progress,
    combine,
    next_case,
    output_tail,
    pass_rate,
    progress,
    rerun_selection,
)
from prodtui.domain.recette import TestCase as Case
from prodtui.domain.stories import Story
from prodtui.i18n import error_message, set_language
from prodtui.store import Workspace, open_workspace
from prodtui.store.recette import (
    CampaignReadOnly,
    ExecutionFilter,
    Recette,
    recette,
)

PASS, FAIL, BLOCKED = ExecutionStatus.PASS, ExecutionStatus.FAIL, ExecutionStatus.BLOCKED
SKIPPED, NOT_RUN = ExecutionStatus.SKIPPED, ExecutionStatus.NOT_RUN


@pytest.fixture
def rc(workspace: Workspace) -> Recette:
    return recette(workspace)


def cases(rc: Recette, count: int) -> list[Case]:
    return [rc.test_cases.add(Case(title=f"Cas {n}", steps=f"Étape {n}")) for n in range(count)]


def progress_matches_each_plan(rc: Recette) -> None:
    """The list's one-query counts are the runner's, campaign by campaign."""
    campaigns = rc.campaigns.all()
    listed = rc.executions.progress_by_campaign(campaigns)
    assert listed == {c.id: rc.executions.plan(c).progress for c in campaigns}


def count(ws: Workspace, table: str) -> int:
    return int(ws.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


# -- cases and campaigns ------------------------------------------------------------------


def test_cases_are_numbered_tc_n_and_keep_their_tags(rc: Recette, workspace: Workspace) -> None:
    first, second = cases(rc, 2)
    assert (first.key, second.key) == ("TC-1", "TC-2")
    brought = rc.test_cases.add(Case(number=40, title="Importé"))
    taken = rc.test_cases.add(Case(number=40, title="Numéro déjà pris"))
    assert (brought.key, taken.key) == ("TC-40", "TC-41")
    assert rc.test_cases.by_key("tc-2") == second and rc.test_cases.by_key("US-2") is None

    tagged = rc.test_cases.save(second.edit(tags="connexion, non_regression,connexion"))
    assert tagged.tags == ["connexion", "non_regression"]
    stored = workspace.conn.execute("SELECT tags FROM test_cases WHERE id = ?", [second.id])
    assert stored.fetchone()[0] == "connexion,non_regression"
    assert [c.key for c in rc.test_cases.page(limit=2, offset=1)] == ["TC-2", "TC-40"]


def test_a_case_with_results_cannot_be_deleted(rc: Recette) -> None:
    run, spare = cases(rc, 2)
    campaign = rc.campaigns.add(Campaign(name="v1"))
    rc.executions.record(campaign, run, PASS)
    with pytest.raises(ProdtuiError) as caught:
        rc.test_cases.delete(run)
    assert "TC-1" in error_message(caught.value)
    rc.test_cases.delete(spare)
    assert rc.test_cases.ids() == [run.id]


def test_campaign_names_are_unique_and_found_regardless_of_case(rc: Recette) -> None:
    rc.campaigns.add(Campaign(name="Recette v1.5", release="1.5.0"))
    with pytest.raises(ProdtuiError) as caught:
        rc.campaigns.add(Campaign(name="Recette v1.5"))
    assert error_message(caught.value) == "Une campagne s'appelle déjà «\u202fRecette v1.5\u202f»."
    named = rc.campaigns.named("recette V1.5")
    assert named is not None and named.release == "1.5.0"
    assert rc.campaigns.named("Recette v9") is None
    with pytest.raises(ValidationError):
        Campaign(name="à l'envers", start_date=date(2026, 12, 1), end_date=date(2026, 11, 1))


# -- the append-only log ------------------------------------------------------------------


def test_executions_cannot_be_updated_or_deleted(rc: Recette, workspace: Workspace) -> None:
    (case,) = cases(rc, 1)
    campaign = rc.campaigns.add(Campaign(name="v1"))
    execution = rc.executions.record(campaign, case, FAIL, "Le bouton ne répond pas")
    for statement in (
        "UPDATE executions SET status = 'pass'",
        "UPDATE executions SET comment = ''",
        "DELETE FROM executions",
    ):
        with pytest.raises(sqlite3.IntegrityError, match="append-only"):
            workspace.conn.execute(statement)
    assert rc.executions.get(execution.id or 0) == execution
    # Nothing in the repository offers to change a result.
    assert not {"save", "update", "delete", "edit"} & set(dir(rc.executions))
    with pytest.raises(ValidationError):
        execution.comment = "réécrit"  # type: ignore[misc]


def test_the_frozen_copy_survives_a_later_edit_of_the_case(rc: Recette) -> None:
    (case,) = cases(rc, 1)
    campaign = rc.campaigns.add(Campaign(name="v1"))
    before = rc.executions.record(campaign, case, PASS, tester="Hélène")
    edited = rc.test_cases.save(case.edit(title="Connexion par FranceConnect", steps="1. Ouvrir"))
    after = rc.executions.record(campaign, edited, PASS, tester="Hélène")

    old, new = rc.executions.history(case)[::-1]
    assert old == before and new == after
    assert old.case.title == "Cas 0" and old.case.steps == "Étape 0" and old.case.version == 1
    assert new.case.title == "Connexion par FranceConnect" and new.case.version == 2
    assert old.case_key == new.case_key == "TC-1"


def test_the_snapshot_is_the_stored_case_not_the_callers_copy(rc: Recette) -> None:
    (case,) = cases(rc, 1)
    campaign = rc.campaigns.add(Campaign(name="v1"))
    stale = case.edit(title="Jamais enregistré")
    assert rc.executions.record(campaign, stale, PASS).case.title == "Cas 0"


@pytest.mark.parametrize("status", [FAIL, BLOCKED])
@pytest.mark.parametrize("comment", ["", "   \n"])
def test_fail_and_blocked_require_a_comment(
    rc: Recette, workspace: Workspace, status: ExecutionStatus, comment: str
) -> None:
    (case,) = cases(rc, 1)
    campaign = rc.campaigns.add(Campaign(name="v1"))
    with pytest.raises(ProdtuiError) as caught:
        rc.executions.record(campaign, case, status, comment)
    assert caught.value.key == "recette.comment_required"
    assert "commentaire" in error_message(caught.value)
    set_language("en")
    assert "needs a comment" in error_message(caught.value)
    assert count(workspace, "executions") == 0
    with pytest.raises(ValidationError):
        Execution(campaign_id=1, case_id=1, status=status, comment=comment, case_snapshot={})


def test_other_statuses_need_no_comment(rc: Recette) -> None:
    (case,) = cases(rc, 1)
    campaign = rc.campaigns.add(Campaign(name="v1"))
    for status in ExecutionStatus:
        if status not in (FAIL, BLOCKED):
            assert rc.executions.record(campaign, case, status).comment == ""


def test_a_finished_or_archived_campaign_is_read_only(rc: Recette, workspace: Workspace) -> None:
    (case,) = cases(rc, 1)
    campaign = rc.campaigns.add(Campaign(name="Recette v1.4", state=CampaignState.IN_PROGRESS))
    seen_before = campaign  # another screen still holds the campaign as it was
    rc.executions.record(campaign, case, PASS)
    for state in (CampaignState.FINISHED, CampaignState.ARCHIVED):
        campaign = rc.campaigns.set_state(rc.campaigns.get(campaign.id or 0), state)
        assert campaign.read_only
        rows = count(workspace, "executions"), count(workspace, "command_runs")
        for attempt in (
            lambda: rc.executions.record(seen_before, case, PASS),
            lambda c=campaign: rc.campaigns.rerun_failed(c),
            lambda c=campaign: rc.campaigns.start_pass(c, None),
            lambda c=campaign: rc.campaigns.save(c.edit(release="9.9")),
            lambda c=campaign: rc.command_runs.start(c, "pytest"),
        ):
            with pytest.raises(CampaignReadOnly) as caught:
                attempt()
            assert error_message(caught.value) == (
                "La campagne «\u202fRecette v1.4\u202f» est terminée ou archivée\u202f: "
                "elle est en lecture seule."
            )
        assert (count(workspace, "executions"), count(workspace, "command_runs")) == rows
    # Reopening a campaign closed by mistake is a change of state, audited like any other.
    reopened = rc.campaigns.set_state(campaign, CampaignState.IN_PROGRESS)
    assert not reopened.read_only
    rc.executions.record(reopened, case, PASS)
    trail = workspace.audit.history("campaigns", campaign.id or 0)
    states = [e.new for e in trail if e.field == "state"]
    assert states[:3] == ["in_progress", "archived", "finished"]


def test_a_planned_campaign_starts_with_its_first_result(rc: Recette) -> None:
    (case,) = cases(rc, 1)
    campaign = rc.campaigns.add(Campaign(name="v1"))
    assert campaign.state is CampaignState.PLANNED
    rc.executions.record(campaign, case, PASS)
    assert rc.campaigns.get(campaign.id or 0).state is CampaignState.IN_PROGRESS


# -- the runner ---------------------------------------------------------------------------


def test_the_runner_goes_to_the_next_case_not_yet_run_and_resumes(
    tmp_path: Path, rc: Recette, workspace: Workspace
) -> None:
    one, two, three, four = cases(rc, 4)
    campaign = rc.campaigns.add(Campaign(name="v1"))
    plan = rc.executions.plan(campaign)
    assert plan.scope == [one.id, two.id, three.id, four.id]
    assert plan.next_case() == one.id and plan.progress.pending == 4

    rc.executions.record(campaign, one, PASS, duration_s=42.5)
    assert rc.executions.plan(campaign).next_case(after=one.id) == two.id
    rc.executions.record(campaign, three, FAIL, "Message d'erreur absent")
    rc.executions.record(campaign, four, NOT_RUN)  # "not run" still waits for a tester
    plan = rc.executions.plan(campaign)
    assert plan.next_case(after=three.id) == four.id
    assert plan.next_case(after=four.id) == two.id, "goes round to the start"
    assert plan.progress.done == 2 and plan.progress.remaining == 2

    # Left and resumed in another session: the runner starts where it stopped.
    workspace.close()
    again = open_workspace(tmp_path / "workspace.db", author="Camille")
    try:
        resumed = recette(again)
        plan = resumed.executions.plan(resumed.campaigns.get(campaign.id or 0))
        assert plan.next_case() == two.id
        assert plan.progress.counts[PASS] == 1 and plan.progress.counts[FAIL] == 1
        for case in (two, four):
            resumed.executions.record(campaign.id or 0, case, PASS)
        done = resumed.executions.plan(resumed.campaigns.get(campaign.id or 0))
        assert done.next_case() is None and done.progress.ratio == 1.0
        assert done.progress.pass_rate == 3 / 4
    finally:
        again.close()


def test_re_run_failed_only_prepares_the_next_pass(rc: Recette, workspace: Workspace) -> None:
    one, two, three, four = cases(rc, 4)
    campaign = rc.campaigns.add(Campaign(name="v1"))
    rc.executions.record(campaign, one, PASS)
    rc.executions.record(campaign, two, FAIL, "Montant faux")
    rc.executions.record(campaign, three, BLOCKED, "Serveur de recette arrêté")
    rc.executions.record(campaign, four, SKIPPED)

    rc.campaigns.add(Campaign(name="v2"))  # nothing run yet: every case pending
    extra = rc.test_cases.add(Case(title="Cas ajouté puis retiré", steps="Étape"))
    progress_matches_each_plan(rc)
    second = rc.campaigns.rerun_failed(rc.campaigns.get(campaign.id or 0))
    assert second.pass_number == 2 and second.pass_cases == [two.id, three.id]
    rc.test_cases.delete(extra)
    progress_matches_each_plan(rc)
    plan = rc.executions.plan(second)
    assert plan.scope == [two.id, three.id] and plan.next_case() == two.id
    assert plan.progress.pending == 2, "pass 1's results do not count in pass 2"

    fixed = rc.executions.record(second, two, PASS, "Corrigé")
    assert fixed.pass_number == 2
    assert rc.executions.plan(second).next_case(after=two.id) == three.id
    latest = rc.executions.latest_per_case(second)
    assert {k: e.status for k, e in latest.items()} == {
        one.id: PASS,
        two.id: PASS,
        three.id: BLOCKED,
        four.id: SKIPPED,
    }
    assert set(rc.executions.latest_per_case(second, pass_number=2)) == {two.id}

    third = rc.campaigns.rerun_failed(rc.campaigns.get(campaign.id or 0))
    assert third.pass_number == 3 and third.pass_cases == [three.id]
    rc.executions.record(third, three, PASS)
    progress_matches_each_plan(rc)
    with pytest.raises(ProdtuiError) as caught:
        rc.campaigns.rerun_failed(rc.campaigns.get(campaign.id or 0))
    assert error_message(caught.value) == (
        "Aucun cas en échec ou bloqué à rejouer dans «\u202fv1\u202f»."
    )
    full = rc.campaigns.start_pass(rc.campaigns.get(campaign.id or 0), None)
    assert full.pass_number == 4 and rc.executions.plan(full).scope == rc.test_cases.ids()
    raw = workspace.conn.execute("SELECT pass_cases FROM campaigns").fetchone()[0]
    assert raw is None


# -- reading the log ----------------------------------------------------------------------


def test_the_log_filters_and_pages(rc: Recette, workspace: Workspace) -> None:
    story = workspace.stories.add(Story(title="Déposer une demande"))
    linked = rc.test_cases.add(Case(title="Dépôt", story_id=story.id))
    other, spare = cases(rc, 2)
    v1 = rc.campaigns.add(Campaign(name="v1"))
    v2 = rc.campaigns.add(Campaign(name="v2"))
    written = []
    for n in range(25):
        case = (linked, other, spare)[n % 3]
        status = (PASS, FAIL, SKIPPED)[n % 3]
        written.append(
            rc.executions.record(
                v1 if n < 20 else v2,
                case,
                status,
                f"Essai {n}" if status is FAIL else "",
                tester=("Hélène", "Julien")[n % 2],
                automated=n % 5 == 0,
            )
        )
    newest_first = written[::-1]

    pages = [rc.executions.log(limit=10, offset=offset) for offset in (0, 10, 20, 30)]
    assert [len(p) for p in pages] == [10, 10, 5, 0]
    assert [e for p in pages for e in p] == newest_first
    assert rc.executions.count() == 25

    def ids(where: ExecutionFilter) -> list[int | None]:
        assert rc.executions.count(where) == len(rc.executions.log(where, limit=100))
        return [e.id for e in rc.executions.log(where, limit=100)]

    def expected(keep: object) -> list[int | None]:
        return [e.id for e in newest_first if keep(e)]  # type: ignore[operator]

    assert ids(ExecutionFilter(status=FAIL)) == expected(lambda e: e.status is FAIL)
    assert ids(ExecutionFilter(case_id=other.id)) == expected(lambda e: e.case_id == other.id)
    assert ids(ExecutionFilter(story_id=story.id)) == expected(lambda e: e.case_id == linked.id)
    assert ids(ExecutionFilter(tester="Julien")) == expected(lambda e: e.tester == "Julien")
    assert ids(ExecutionFilter(campaign_id=v2.id)) == expected(lambda e: e.campaign_id == v2.id)
    assert ids(ExecutionFilter(automated=True)) == expected(lambda e: e.automated)
    both = ExecutionFilter(campaign_id=v1.id, status=PASS, tester="Hélène")
    assert ids(both) == expected(
        lambda e: e.campaign_id == v1.id and e.status is PASS and e.tester == "Hélène"
    )
    assert (
        rc.executions.log(ExecutionFilter(status=PASS), limit=3, offset=2)
        == [e for e in newest_first if e.status is PASS][2:5]
    )


def test_the_log_filters_by_day(rc: Recette, workspace: Workspace) -> None:
    (case,) = cases(rc, 1)
    campaign = rc.campaigns.add(Campaign(name="v1"))
    snapshot = '{"number": 1, "title": "Cas 0"}'
    # Rows of earlier days, as older sessions (or the demo) wrote them: inserting is allowed.
    for stamp in ("2026-11-24T17:59:59.000", "2026-11-25T00:00:00.000", "2026-11-26T23:59:59.999"):
        workspace.conn.execute(
            "INSERT INTO executions (campaign_id, case_id, status, tester, case_snapshot,"
            " created_at) VALUES (?, ?, 'pass', 'Hélène', ?, ?)",
            [campaign.id, case.id, snapshot, stamp],
        )
    days = ExecutionFilter(start=date(2026, 11, 25), end=date(2026, 11, 26))
    assert [e.created_at.day for e in rc.executions.log(days)] == [26, 25]  # type: ignore[union-attr]
    assert rc.executions.count(ExecutionFilter(end=date(2026, 11, 24))) == 1
    assert rc.executions.count(ExecutionFilter(start=date(2026, 11, 27))) == 0


def test_a_cases_history_spans_campaigns_page_by_page(rc: Recette) -> None:
    case, other = cases(rc, 2)
    for name in ("v1", "v2", "v3"):
        campaign = rc.campaigns.add(Campaign(name=name))
        rc.executions.record(campaign, case, PASS)
        rc.executions.record(campaign, other, PASS)
    history = rc.executions.history(case)
    names = {c.id: c.name for c in rc.campaigns.all()}
    assert [names[e.campaign_id] for e in history] == ["v3", "v2", "v1"]
    assert rc.executions.history(case, limit=1, offset=1) == history[1:2]
    assert all(e.case_id == case.id for e in history)


def test_a_storys_latest_results_are_one_per_case_newest_first(
    rc: Recette, workspace: Workspace
) -> None:
    story = workspace.stories.add(Story(title="Payer en ligne"))
    elsewhere = workspace.stories.add(Story(title="Autre"))
    first, second, third = (
        rc.test_cases.add(Case(title=f"Paiement {n}", story_id=story.id)) for n in range(3)
    )
    unrelated = rc.test_cases.add(Case(title="Ailleurs", story_id=elsewhere.id))
    v1 = rc.campaigns.add(Campaign(name="v1"))
    v2 = rc.campaigns.add(Campaign(name="v2"))
    rc.executions.record(v1, first, FAIL, "Refusé")
    rc.executions.record(v1, second, PASS)
    latest_first = rc.executions.record(v2, first, PASS)
    rc.executions.record(v2, unrelated, BLOCKED, "Bloqué")
    latest_second = rc.executions.record(v2, second, SKIPPED)
    # `third` never ran: no result to show for it.

    latest = rc.executions.latest_for_story(story.id)  # type: ignore[arg-type]
    assert latest == [latest_second, latest_first]
    assert rc.executions.latest_for_story(story.id, limit=1) == [latest_second]  # type: ignore[arg-type]
    assert third.id not in {e.case_id for e in latest}


# -- command runs -------------------------------------------------------------------------


def test_command_runs_keep_the_end_of_the_output(rc: Recette) -> None:
    campaign = rc.campaigns.add(Campaign(name="v1", command="pytest --junitxml={report}"))
    run = rc.command_runs.start(campaign, "pytest --junitxml=/tmp/r.xml")
    assert run.running and run.exit_code is None
    output = "".join(f"\x1b[32mligne {n}\x1b[0m\n" for n in range(5000)) + "1 failed, 9 passed\n"
    ended = rc.command_runs.finish(run, 1, output)
    assert not ended.running and ended.exit_code == 1 and ended.duration_s is not None
    assert ended.output_tail.endswith("1 failed, 9 passed\n")
    assert "\x1b" not in ended.output_tail and ended.output_tail.startswith("ligne ")
    with pytest.raises(ProdtuiError):
        rc.command_runs.finish(ended, 0, "again")
    assert rc.command_runs.of_campaign(campaign) == [ended]


# -- the pure rules -----------------------------------------------------------------------


def test_pass_rate_counts_judged_results_only() -> None:
    assert pass_rate([]) is None
    assert pass_rate([SKIPPED, NOT_RUN, ExecutionStatus.NOT_TESTABLE]) is None
    assert pass_rate([PASS, PASS, FAIL, BLOCKED, SKIPPED, ExecutionStatus.SETTLED]) == 0.5


def test_progress_next_case_and_rerun_selection() -> None:
    scope = [1, 2, 3, 4, 5]
    results = {1: PASS, 3: FAIL, 4: NOT_RUN, 9: FAIL}  # 9 is outside this pass
    counted = progress(scope, results)
    assert isinstance(counted, Progress)
    assert (counted.total, counted.pending, counted.remaining, counted.done) == (5, 2, 3, 2)
    assert counted.pass_rate == 0.5 and counted.ratio == 0.4
    assert next_case(scope, results) == 2
    assert next_case(scope, results, after=2) == 4
    assert next_case(scope, results, after=5) == 2
    assert next_case(scope, results, after=77) == 2
    assert next_case([1], {1: PASS}) is None
    assert rerun_selection(scope, {**results, 5: BLOCKED}) == [3, 5]
    assert rerun_selection(scope, {**results, 5: BLOCKED}, [FAIL]) == [3]


def test_results_naming_the_same_case_combine_to_the_worst() -> None:
    def result(name: str, status: ExecutionStatus, comment: str = "") -> AutomatedResult:
        return AutomatedResult(
            position=name, name=name, status=status, comment=comment, duration_s=1.5
        )

    status, comment, seconds = combine(
        [result("a", PASS), result("b", BLOCKED, "timeout"), result("c", FAIL, "assert")]
    )
    assert status is FAIL and comment == "b: timeout\nc: assert" and seconds == 4.5
    assert combine([result("a", PASS), result("b", NOT_RUN)])[0] is PASS
    assert combine([result("a", NOT_RUN)])[0] is NOT_RUN


def test_output_tail_keeps_whole_lines() -> None:
    assert output_tail("a\nb\n") == "a\nb\n"
    assert output_tail("première\nseconde\ntroisième\n", limit=18) == "troisième\n"


# -- the demo workspace -------------------------------------------------------------------


def test_the_demo_results_read_back_through_the_repositories(tmp_path: Path) -> None:
    from prodtui.sample.demo import build_demo_workspace

    path = tmp_path / "demo.db"
    build_demo_workspace(path)
    ws = open_workspace(path)
    try:
        rc = recette(ws)
        current = rc.campaigns.named("Recette v1.5")
        assert current is not None and current.state is CampaignState.IN_PROGRESS
        assert rc.campaigns.all()[0] == current
        plan = rc.executions.plan(current)
        assert plan.progress.counts[FAIL] >= 1 and plan.next_case() is not None
        progress_matches_each_plan(rc)
        failed = rc.executions.log(ExecutionFilter(campaign_id=current.id, status=FAIL))
        assert failed and all(e.comment for e in failed)
        case = rc.test_cases.by_key("TC-1")
        assert case is not None and case.tags == ["connexion", "non_regression"]
        history = rc.executions.history(case)
        assert len({e.campaign_id for e in history}) == 4
        assert history[0].case.title == case.title
        with pytest.raises(CampaignReadOnly):
            rc.executions.record(rc.campaigns.named("Recette v1.2") or 0, case, PASS)
    finally:
        ws.close()


def test_the_list_counts_the_pass_it_shows(rc: Recette) -> None:
    one, two = cases(rc, 2)
    campaign = rc.campaigns.add(Campaign(name="v1"))
    rc.executions.record(campaign, one, PASS)
    rc.executions.record(campaign, two, FAIL, "Montant faux")
    listed = rc.campaigns.all()
    rc.campaigns.rerun_failed(rc.campaigns.get(campaign.id or 0))  # from another session, say
    shown = rc.executions.progress_by_campaign(listed)[campaign.id or 0]
    assert (shown.total, shown.done, shown.pending) == (2, 2, 0), "pass 1, as listed"
    now = rc.executions.progress_by_campaign(rc.campaigns.all())[campaign.id or 0]
    assert (now.total, now.done, now.pending) == (1, 0, 1), "pass 2, once reloaded"
