"""The campaign report: the exact Markdown of a hand-built campaign, in French and English,
and `prodtui export recette` on a real workspace file."""

from __future__ import annotations

import argparse
from datetime import date, datetime
from pathlib import Path

import pytest

from prodtui.app.recette import campaign_report
from prodtui.cli.commands.exports import run_export_recette
from prodtui.domain.recette import Campaign, CampaignState, Execution, ExecutionStatus
from prodtui.domain.recette import TestCase as Case
from prodtui.domain.stories import Story
from prodtui.exchange.recette_report import recette_report
from prodtui.i18n import set_language
from prodtui.store import Workspace

PASS, FAIL, BLOCKED = ExecutionStatus.PASS, ExecutionStatus.FAIL, ExecutionStatus.BLOCKED
SKIPPED = ExecutionStatus.SKIPPED


def _data() -> tuple[Campaign, dict[int, Case], dict[int, Execution], dict[int, Story]]:
    campaign = Campaign(
        id=1,
        name="Recette 2.3",
        release="2.3.0",
        state=CampaignState.IN_PROGRESS,
        start_date=date(2026, 11, 23),
        end_date=date(2026, 11, 27),
        pass_number=2,
    )
    stories = {
        10: Story(id=10, number=4, title="Déposer | un dossier"),
        11: Story(id=11, number=2, title="Suivre sa demande"),
    }
    cases = {
        1: Case(id=1, number=1, title="Dépôt complet", story_id=10),
        2: Case(id=2, number=2, title="Dépôt sans pièce", story_id=10),
        3: Case(id=3, number=3, title="Suivi par courriel", story_id=11),
        4: Case(id=4, number=4, title="test_api_health", automated=True),
        5: Case(id=5, number=5, title="Accessibilité clavier", story_id=11),
        6: Case(id=6, number=6, title="Ancien cas", story_id=99),  # its story was deleted
    }
    when = datetime(2026, 11, 26, 10, 30)

    def result(case_id: int, status: ExecutionStatus, tester: str, comment: str = "", **kw):
        case = cases[case_id]
        return Execution(
            id=case_id,
            campaign_id=1,
            case_id=case_id,
            status=status,
            comment=comment,
            tester=tester,
            case_snapshot=case.snapshot(),
            created_at=when,
            automated=case.automated,
            **kw,
        )

    latest = {
        1: result(1, PASS, "Camille"),
        2: result(2, FAIL, "Léa", "Le bouton « Envoyer » reste grisé\nmême après l'ajout"),
        3: result(3, BLOCKED, "Camille", "Serveur de courriel indisponible"),
        4: result(4, PASS, "CI"),
        5: result(5, SKIPPED, "Camille"),
        6: result(6, PASS, ""),
    }
    return campaign, cases, latest, stories


FRENCH = """\
# Rapport de recette\u202f: Recette 2.3

- **Version\u202f:** 2.3.0
- **État\u202f:** en cours
- **Passe\u202f:** 2
- **Dates\u202f:** 23/11/2026 → 27/11/2026

## Résultats

**Taux de réussite\u202f: 60\u202f%** (3 réussis sur 5 cas jugés\u202f: réussis, en échec ou bloqués)

| Résultat | Cas |
| --- | --- |
| réussi | 3 |
| en échec | 1 |
| bloqué | 1 |
| ignoré | 1 |
| non testable | 0 |
| soldé | 0 |
| non exécuté | 0 |
| sans résultat | 2 |

## Réussite par story

| Story | Titre | Cas | Réussis | Échecs | Bloqués | Réussite |
| --- | --- | --- | --- | --- | --- | --- |
| US-2 | Suivre sa demande | 2 | 0 | 0 | 1 | 0\u202f% |
| US-4 | Déposer \\| un dossier | 2 | 1 | 1 | 0 | 50\u202f% |
| Sans story |  | 2 | 2 | 0 | 0 | 100\u202f% |

## Échecs et blocages (2)

- **TC-2** Dépôt sans pièce — en échec · Léa · 26/11/2026
  > Le bouton « Envoyer » reste grisé
  > même après l'ajout
- **TC-3** Suivi par courriel — bloqué · Camille · 26/11/2026
  > Serveur de courriel indisponible

## Qui a testé quoi

| Testeur | Résultats |
| --- | --- |
| Camille | 3 |
| CI | 1 |
| Léa | 1 |
| testeur inconnu | 1 |

## Automatisé ou manuel

|  | Cas | Réussite |
| --- | --- | --- |
| Automatisés | 1 | 100\u202f% |
| Manuels | 5 | 50\u202f% |
"""  # noqa: E501 - Markdown lines are as long as the report writes them


def test_the_report_of_a_hand_built_campaign_is_exact() -> None:
    campaign, cases, latest, stories = _data()
    assert recette_report(campaign, cases, latest, stories, without_result=2) == FRENCH


def test_the_report_follows_the_interface_language() -> None:
    campaign, cases, latest, stories = _data()
    set_language("en")
    text = recette_report(campaign, cases, latest, stories)
    assert text.startswith(
        "# Acceptance test report: Recette 2.3\n\n"
        "- **Release:** 2.3.0\n- **State:** in progress\n- **Pass:** 2\n"
        "- **Dates:** 23/11/2026 → 27/11/2026\n\n## Results\n\n"
        "**Pass rate: 60%** (3 passed out of 5 judged cases: passed, failed or blocked)\n"
    )
    assert "| passed | 3 |" in text and "| no result yet | 0 |" in text
    assert "| US-4 | Déposer \\| un dossier | 2 | 1 | 1 | 0 | 50% |" in text
    assert "| No story |  | 2 | 2 | 0 | 0 | 100% |" in text
    assert "## Failures and blocks (2)" in text
    assert "- **TC-2** Dépôt sans pièce — failed · Léa · 26/11/2026\n" in text
    assert "## Who tested what" in text and "| unknown tester | 1 |" in text
    assert text.endswith("| Automated | 1 | 100% |\n| Manual | 5 | 50% |\n")


def test_a_campaign_without_results_says_so() -> None:
    campaign = Campaign(id=1, name="Vide")
    text = recette_report(campaign, {}, {}, {}, without_result=3)
    assert "Aucun résultat dans cette campagne pour l'instant." in text
    assert "| sans résultat | 3 |" in text
    assert "## Échecs" not in text
    assert "- **Version\u202f:** —" in text


# -- from a workspace and from the shell ----------------------------------------------------


@pytest.fixture
def campaign(workspace: Workspace) -> Campaign:
    story = workspace.stories.add(Story(title="Déposer un dossier"))
    first = workspace.test_cases.add(Case(title="Dépôt complet", story_id=story.id))
    second = workspace.test_cases.add(Case(title="Dépôt sans pièce", story_id=story.id))
    workspace.test_cases.add(Case(title="Pas encore joué"))
    stored = workspace.campaigns.add(Campaign(name="Recette 2.3", release="2.3.0"))
    workspace.executions.record(stored, first, FAIL, "erreur 500")
    workspace.executions.record(stored, first, PASS)  # the latest result counts
    workspace.executions.record(stored, second, FAIL, "bouton grisé", tester="Léa")
    return stored


def test_the_report_is_gathered_from_the_workspace(
    workspace: Workspace, campaign: Campaign
) -> None:
    text = campaign_report(workspace, campaign)
    assert "- **État\u202f:** en cours" in text  # moved on by the first result, read again
    assert "**Taux de réussite\u202f: 50\u202f%**" in text
    assert "| sans résultat | 1 |" in text
    assert "| US-1 | Déposer un dossier | 2 | 1 | 1 | 0 | 50\u202f% |" in text
    assert "- **TC-2** Dépôt sans pièce — en échec · Léa · " in text
    assert "  > bouton grisé\n" in text
    assert "erreur 500" not in text  # superseded by a later result
    assert "| Camille | 1 |\n| Léa | 1 |" in text


def _args(name: str, out: Path | None = None) -> argparse.Namespace:
    return argparse.Namespace(campaign=name, out=out)


def test_the_export_writes_to_stdout(
    workspace: Workspace, campaign: Campaign, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run_export_recette(_args("recette 2.3"), workspace) == 0  # case does not matter
    out, err = capsys.readouterr()
    assert out == campaign_report(workspace, campaign)
    assert err == ""


def test_the_export_writes_a_new_file_and_never_overwrites(
    workspace: Workspace, campaign: Campaign, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "rapports" / "recette.md"
    assert run_export_recette(_args("Recette 2.3", target), workspace) == 0
    assert capsys.readouterr().out.strip() == str(target)
    assert target.read_text(encoding="utf-8") == campaign_report(workspace, campaign)

    target.write_text("à garder", encoding="utf-8")
    assert run_export_recette(_args("Recette 2.3", target), workspace) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"prodtui: {target} existe déjà\u202f: choisissez un autre nom.\n"
    assert target.read_text(encoding="utf-8") == "à garder"


def test_an_unknown_campaign_is_one_line_on_stderr(
    workspace: Workspace, campaign: Campaign, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    target = tmp_path / "recette.md"
    assert run_export_recette(_args("Recette 9", target), workspace) == 2
    out, err = capsys.readouterr()
    assert out == ""
    assert err == "prodtui: Aucune campagne ne s'appelle «\u202fRecette 9\u202f».\n"
    assert not target.exists()


def test_a_damaged_workspace_is_one_line_on_stderr(
    workspace: Workspace, campaign: Campaign, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    # A table gone from under the session: the read fails in SQLite, the user reads why.
    workspace.conn.execute("ALTER TABLE executions RENAME TO executions_gone")
    target = tmp_path / "recette.md"
    assert run_export_recette(_args("Recette 2.3", target), workspace) == 1
    out, err = capsys.readouterr()
    assert out == ""
    assert err == f"prodtui: Impossible de lire {workspace.path}\u202f: no such table: executions\n"
    assert not target.exists()
