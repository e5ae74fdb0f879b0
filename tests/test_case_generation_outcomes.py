"""Test cases generated from Gherkin: what the tester does goes in the steps, what they
check in the expected result — every `Alors`/`Et`/`Mais` from the first `Alors` on."""

from __future__ import annotations

from prodtui.domain.recette import Campaign, ExecutionStatus
from prodtui.domain.stories import Story
from prodtui.store import Workspace
from prodtui.store.recette_cases import generate_cases

CRITERIA = """\
Scénario: Dépôt complet
  Étant donné un aidant connecté
  Et un dossier complet
  Quand il envoie sa demande
  Alors il reçoit un accusé de réception
  Et l'agent voit la demande
  Mais aucun courriel n'est envoyé au médecin
"""


def test_every_outcome_line_is_in_the_expected_result_and_not_in_the_steps(
    workspace: Workspace,
) -> None:
    story = workspace.stories.add(Story(title="Déposer", acceptance=CRITERIA))
    generate_cases(workspace, story)
    [case] = workspace.test_cases.page()
    assert case.steps == (
        "Étant donné un aidant connecté\nEt un dossier complet\nQuand il envoie sa demande"
    )
    assert case.expected == (
        "Alors il reçoit un accusé de réception\n"
        "Et l'agent voit la demande\n"
        "Mais aucun courriel n'est envoyé au médecin"
    )


def test_an_action_after_the_first_outcome_stays_in_the_steps(workspace: Workspace) -> None:
    criteria = (
        "Scenario: Two steps\n  When I open the form\n  Then I see the first page\n"
        "  When I go on\n  And I confirm\n  Then I see the summary\n  But nothing is sent\n"
    )
    story = workspace.stories.add(Story(title="Form", acceptance=criteria))
    generate_cases(workspace, story)
    [case] = workspace.test_cases.page()
    assert case.steps == "When I open the form\nWhen I go on\nAnd I confirm"
    assert case.expected == "Then I see the first page\nThen I see the summary\nBut nothing is sent"


def test_a_case_generated_with_every_step_in_its_steps_is_not_flagged_again(
    workspace: Workspace,
) -> None:
    """Cases generated before kept the outcome in the steps too: criteria unchanged, they
    are the same case, not one to review."""
    story = workspace.stories.add(Story(title="Déposer", acceptance=CRITERIA))
    generate_cases(workspace, story)
    [case] = workspace.test_cases.page()
    older = workspace.test_cases.save(case.edit(steps=f"{case.steps}\n{case.expected}"))
    campaign = workspace.campaigns.add(Campaign(name="Recette 1"))
    workspace.executions.record(campaign, older, ExecutionStatus.PASS)

    again = generate_cases(workspace, story)
    assert again.unchanged == [case.key] and again.to_review == []
    kept = workspace.test_cases.by_key(case.key)
    assert kept is not None and not kept.needs_review and kept.steps == older.steps
