"""Test cases generated from stories' Gherkin, on real workspace files: one per scenario and
per Examples row, kept linked, flagged for review when the criteria change."""

from __future__ import annotations

import pytest

from prodtui.domain.errors import ProdtuiError
from prodtui.domain.recette import Campaign, ExecutionStatus
from prodtui.domain.recette import TestCase as Case
from prodtui.domain.stories import Story
from prodtui.i18n import error_message, set_language
from prodtui.store import Workspace
from prodtui.store.recette_cases import (
    flag_cases_for_review,
    generate_cases,
    generated_cases,
)

FRENCH = """\
# language: fr
Contexte:
  Étant donné que je suis sur le portail

@dépôt @critique
Plan du scénario: Dépôt d'un dossier de <type>
  Étant donné un dossier de <type> avec <pièces> pièce(s)
  Quand je le dépose
  Alors je vois « <message> »
  Et je reçois un courriel

  Exemples:
    | type      | pièces | message        |
    | naturalisation | 3 | Dossier reçu   |
    | titre de séjour | 0 | Pièces manquantes |
    | visa      | 1      | Dossier reçu   |

Scénario: Abandon du dépôt
  Quand j'abandonne
  Alors rien n'est enregistré
"""

ENGLISH = """\
Scenario Outline: Sign in as <role>
  Given an account with the role <role>
  When I sign in
  Then I see the <page> page
  But no error

  Examples:
    | role  | page      |
    | agent | inbox     |
    | admin | dashboard |

@smoke
Scenario: Sign out
  Given I am signed in
  When I sign out
  Then I see the home page
"""


def story(workspace: Workspace, acceptance: str) -> Story:
    return workspace.stories.add(Story(title="Déposer un dossier", acceptance=acceptance))


def count(workspace: Workspace, table: str) -> int:
    return int(workspace.conn.execute(f"SELECT count(*) FROM {table}").fetchone()[0])


def test_french_outline_rows_become_one_case_each(workspace: Workspace) -> None:
    us = story(workspace, FRENCH)
    result = generate_cases(workspace, us)
    assert result.language == "fr"
    assert result.created == ["TC-1", "TC-2", "TC-3", "TC-4"]
    cases = workspace.test_cases.page()
    assert [c.title for c in cases] == [
        "Dépôt d'un dossier de naturalisation",
        "Dépôt d'un dossier de titre de séjour",
        "Dépôt d'un dossier de visa",
        "Abandon du dépôt",
    ]
    second = cases[1]
    assert second.steps == (
        "Étant donné que je suis sur le portail\n"
        "Étant donné un dossier de titre de séjour avec 0 pièce(s)\n"
        "Quand je le dépose"
    )
    assert second.expected == "Alors je vois « Pièces manquantes »\nEt je reçois un courriel"
    assert second.tags == ["dépôt", "critique"]
    assert {c.story_id for c in cases} == {us.id}
    assert not any(c.needs_review or c.automated for c in cases)
    assert [c.automation_key for c in cases] == [
        "gherkin:US-1:Dépôt d'un dossier de <type>#1",
        "gherkin:US-1:Dépôt d'un dossier de <type>#2",
        "gherkin:US-1:Dépôt d'un dossier de <type>#3",
        "gherkin:US-1:Abandon du dépôt#0",
    ]
    assert cases[3].expected == "Alors rien n'est enregistré"
    assert result.summary() == (
        "US-1\u202f: 4 cas créés, 0 mis à jour, 0 à revoir, 0 dont le scénario a disparu."
    )


def test_english_criteria_without_header(workspace: Workspace) -> None:
    us = story(workspace, ENGLISH)
    result = generate_cases(workspace, us)
    assert result.language == "en"
    cases = workspace.test_cases.page()
    assert [c.title for c in cases] == ["Sign in as agent", "Sign in as admin", "Sign out"]
    assert cases[1].steps == "Given an account with the role admin\nWhen I sign in"
    assert cases[1].expected == "Then I see the dashboard page\nBut no error"
    assert cases[2].tags == ["smoke"]


def test_an_outline_without_placeholder_in_its_name_tells_rows_apart(
    workspace: Workspace,
) -> None:
    us = story(
        workspace,
        "Plan du scénario: Calcul\n  Quand je saisis <a>\n  Alors j'obtiens <b>\n"
        "  Exemples:\n    | a | b |\n    | 1 | 2 |\n    | 3 | 4 |\n",
    )
    generate_cases(workspace, us)
    assert [c.title for c in workspace.test_cases.page()] == ["Calcul (1, 2)", "Calcul (3, 4)"]


def test_generating_again_changes_nothing(workspace: Workspace) -> None:
    us = story(workspace, FRENCH)
    generate_cases(workspace, us)
    cases = workspace.test_cases.page()
    audit_rows = count(workspace, "audit_log")
    again = generate_cases(workspace, us)
    assert again.created == [] and again.to_review == []
    assert again.unchanged == ["TC-1", "TC-2", "TC-3", "TC-4"]
    assert workspace.test_cases.page() == cases
    assert count(workspace, "audit_log") == audit_rows


def test_changed_criteria_flag_cases_and_never_rewrite_a_case_with_results(
    workspace: Workspace,
) -> None:
    us = story(workspace, FRENCH)
    generate_cases(workspace, us)
    run, unrun = workspace.test_cases.by_key("TC-1"), workspace.test_cases.by_key("TC-2")
    assert run is not None and unrun is not None
    campaign = workspace.campaigns.add(Campaign(name="Recette 2.3"))
    workspace.executions.record(campaign, run, ExecutionStatus.PASS)
    # A tag added by hand stays.
    workspace.test_cases.save(unrun.edit(tags=[*unrun.tags, "à-la-main"]))

    changed = (
        FRENCH.replace("Et je reçois un courriel", "Et je reçois un SMS")
        .replace("    | visa      | 1      | Dossier reçu   |\n", "")
        .replace("Scénario: Abandon du dépôt", "Scénario: Reprise d'un brouillon")
    )
    us = workspace.stories.save(workspace.stories.get(us.id or 0).edit(acceptance=changed))
    result = generate_cases(workspace, us)

    assert result.flagged == ["TC-1"]  # has a result: kept as it was run
    assert result.updated == ["TC-2"]  # no result yet: rewritten, flagged too
    assert result.created == ["TC-5"]  # the new scenario
    assert result.disappeared == ["TC-3", "TC-4"]  # the visa row, the old scenario
    kept = workspace.test_cases.by_key("TC-1")
    assert kept is not None and kept.needs_review and kept.steps == run.steps
    assert kept.expected.endswith("Et je reçois un courriel")
    rewritten = workspace.test_cases.by_key("TC-2")
    assert rewritten is not None and rewritten.needs_review
    assert rewritten.expected.endswith("Et je reçois un SMS")
    assert rewritten.tags == ["dépôt", "critique", "à-la-main"]
    assert all(workspace.test_cases.by_key(k).needs_review for k in ("TC-3", "TC-4"))  # type: ignore[union-attr]
    assert workspace.test_cases.by_key("TC-5").needs_review is False  # type: ignore[union-attr]
    assert count(workspace, "test_cases") == 5  # nothing deleted, nothing duplicated

    # Generating once more: still the same cases, still to review.
    again = generate_cases(workspace, us)
    assert again.created == [] and again.flagged == ["TC-1"]
    assert again.unchanged == ["TC-2", "TC-5"] and again.disappeared == ["TC-3", "TC-4"]


def test_flagging_after_an_edit_rewrites_and_creates_nothing(workspace: Workspace) -> None:
    us = story(workspace, ENGLISH)
    generate_cases(workspace, us)
    before = {c.key: c.steps for c in workspace.test_cases.page()}
    edited = ENGLISH.replace("When I sign in", "When I sign in with FranceConnect")
    edited += (
        "\nScenario: Forgotten password\n  When I ask for a new password\n  Then I get a mail\n"
    )
    us = workspace.stories.save(us.edit(acceptance=edited))

    result = flag_cases_for_review(workspace, us)
    assert result.flagged == ["TC-1", "TC-2"]
    assert result.unchanged == ["TC-3"]
    assert result.missing == ["Forgotten password"]
    assert result.created == [] and result.updated == []
    cases = workspace.test_cases.page()
    assert {c.key: c.steps for c in cases} == before
    assert [c.needs_review for c in cases] == [True, True, False]


def test_removing_every_scenario_flags_every_generated_case(workspace: Workspace) -> None:
    us = story(workspace, ENGLISH)
    generate_cases(workspace, us)
    manual = workspace.test_cases.add(Case(title="Written by hand", story_id=us.id))
    us = workspace.stories.save(us.edit(acceptance=""))
    result = flag_cases_for_review(workspace, us)
    assert result.disappeared == ["TC-1", "TC-2", "TC-3"]
    assert workspace.test_cases.get(manual.id or 0).needs_review is False
    assert [c.key for c in generated_cases(workspace, us)] == ["TC-1", "TC-2", "TC-3"]


def test_invalid_gherkin_is_refused_and_nothing_is_written(workspace: Workspace) -> None:
    us = story(workspace, "Scénario: Dépôt\n  Étant donné un dossier\n  Alorss ça marche\n")
    cases, audit_rows = count(workspace, "test_cases"), count(workspace, "audit_log")
    with pytest.raises(ProdtuiError) as raised:
        generate_cases(workspace, us)
    assert raised.value.key == "recette.cases.invalid_gherkin"
    message = error_message(raised.value)
    assert message.startswith("Les critères d'acceptation d'US-1 ne sont pas du Gherkin valide")
    assert "(1 problème)\u202f; ligne 3\u202f: «\u202fAlorss ça marche\u202f»" in message
    assert message.endswith("Aucun cas n'a été créé ni modifié.")
    assert (count(workspace, "test_cases"), count(workspace, "audit_log")) == (cases, audit_rows)

    set_language("en")
    assert "are not valid Gherkin" in error_message(raised.value)


def test_an_invalid_outline_table_is_refused_too(workspace: Workspace) -> None:
    us = story(
        workspace,
        "Plan du scénario: X <a>\n  Quand <a>\n  Alors ok\n  Exemples:\n    | a |\n    | 1 | 2 |\n",
    )
    with pytest.raises(ProdtuiError, match="invalid_gherkin"):
        generate_cases(workspace, us)
    assert count(workspace, "test_cases") == 0


def test_criteria_without_scenario_generate_nothing(workspace: Workspace) -> None:
    us = story(workspace, "")
    with pytest.raises(ProdtuiError) as raised:
        generate_cases(workspace, us)
    assert error_message(raised.value) == (
        "US-1 n'a aucun scénario Gherkin dans ses critères d'acceptation\u202f: aucun cas à créer."
    )
    assert count(workspace, "test_cases") == 0
