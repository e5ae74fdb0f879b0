"""The homologation dossier: exact Markdown for a small hand-built workspace, and the
`prodtui export dossier` command."""

from __future__ import annotations

from datetime import date
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import Input

from prodtui.app.dossier import workspace_dossier
from prodtui.cli import main
from prodtui.domain.homologation import HomologationDecision, Opinion, StepStatus
from prodtui.domain.risks import Criterion, Risk
from prodtui.domain.security import Category, Measure, MeasureStatus, Priority
from prodtui.i18n import set_language
from prodtui.store import Workspace, open_workspace
from tests.conftest import TODAY, AppFactory


def fill(ws: Workspace) -> None:
    ws.meta.set("name", "Répit Aidants")
    ws.meta.set("service", "Demande en ligne d'aide au répit")
    ws.meta.set("organisation", "DNUM")
    measures = ws.measures
    for code, category, title, priority, indispensable in [
        ("GOUV-01", Category.GOUVERNANCE, "Désigner l'autorité", Priority.P1, True),
        ("GOUV-02", Category.GOUVERNANCE, "Tenir | le registre", Priority.P2, False),
        ("PROT-01", Category.PROTECTION, "Chiffrer les échanges", Priority.P1, True),
        ("RES-01", Category.RESILIENCE, "Redonder l'hébergement", Priority.P3, False),
    ]:
        measures.add_custom(
            Measure(
                code=code,
                category=category,
                title=title,
                priority=priority,
                indispensable=indispensable,
            ),
            today=TODAY,
        )
    for code, status, owner, justification in [
        ("GOUV-01", MeasureStatus.DONE, "Hélène Marchand", ""),
        ("GOUV-02", MeasureStatus.PARTIAL, None, ""),
        ("PROT-01", MeasureStatus.TODO, "Thomas", ""),
        ("RES-01", MeasureStatus.NOT_APPLICABLE, None, "Interruption\nacceptée"),
    ]:
        entry = measures.entry(code)
        assert entry is not None
        state = measures.save(entry.state.edit(owner=owner), today=TODAY)
        if status is not state.status:
            measures.set_status(state, status, justification, today=TODAY)
    ws.risks.create(
        Risk(
            title="Erreur de saisie",
            criterion=Criterion.INTEGRITY,
            likelihood=1,
            severity=1,
        )
    )
    ws.risks.create(
        Risk(
            title="Fuite de données de santé",
            criterion=Criterion.CONFIDENTIALITY,
            likelihood=2,
            severity=4,
            treatment="Chiffrement, accès limités",
            owner="Marc",
        )
    )
    homologation = ws.homologation
    homologation.load_shipped_steps()
    steps = homologation.steps()
    homologation.save_step(
        steps[0].edit(status=StepStatus.DONE, date=date(2026, 9, 18), notes="Périmètre validé")
    )
    homologation.save_step(steps[4].edit(status=StepStatus.IN_PROGRESS, date=date(2026, 12, 9)))
    homologation.record_decision(
        HomologationDecision(
            authority_name="Nathalie Perrin",
            authority_role="Directrice de programme",
            opinion=Opinion.RESERVATIONS,
            decided_on=date(2026, 1, 1),
            validity_months=12,
        )
    )


EXPECTED = """\
# Dossier d'homologation — Répit Aidants

- **Service\u202f:** Demande en ligne d'aide au répit
- **Organisation\u202f:** DNUM
- **Établi le\u202f:** 27/11/2026

## Indice de sécurité

**Indice global\u202f: 2,5 / 5**, validité suggérée de l'homologation\u202f: 1 an.

Indice de 0 à 5 calculé sur les mesures applicables\u202f: une mesure indispensable compte double, une mesure partielle pour moitié.

| Catégorie | Indice | Faites | Partielles | Applicables | Non applicables |
| --- | --- | --- | --- | --- | --- |
| Gouvernance | 4,2 | 1 | 1 | 2 | 0 |
| Protection | 0,0 | 0 | 0 | 1 | 0 |
| Défense | — | 0 | 0 | 0 | 0 |
| Résilience | — | 0 | 0 | 0 | 1 |
| **Ensemble** | 2,5 | 1 | 1 | 3 | 1 |

## Mesures de sécurité (4)

### Gouvernance

| Code | Mesure | Priorité | Indispensable | Statut | Responsable |
| --- | --- | --- | --- | --- | --- |
| GOUV-01 | Désigner l'autorité | P1 | oui | Faite | Hélène Marchand |
| GOUV-02 | Tenir \\| le registre | P2 |  | Partielle | — |

### Protection

| Code | Mesure | Priorité | Indispensable | Statut | Responsable |
| --- | --- | --- | --- | --- | --- |
| PROT-01 | Chiffrer les échanges | P1 | oui | À lancer | Thomas |

### Résilience

| Code | Mesure | Priorité | Indispensable | Statut | Responsable |
| --- | --- | --- | --- | --- | --- |
| RES-01 | Redonder l'hébergement | P3 |  | Non applicable (Interruption acceptée) | — |

## Risques (2)

| Risque | Critère | Vraisemblance | Gravité | Niveau | Traitement | Responsable |
| --- | --- | --- | --- | --- | --- | --- |
| Fuite de données de santé | Confidentialité | 2 | 4 | **Élevé** | Chiffrement, accès limités | Marc |
| Erreur de saisie | Intégrité | 1 | 1 | **Faible** | — | — |

## Étapes de l'homologation

| # | Étape | Statut | Date | Notes |
| --- | --- | --- | --- | --- |
| 1 | Stratégie d'homologation | Faite | 18/09/2026 | Périmètre validé |
| 2 | Description du service | À faire | — |  |
| 3 | Mise en œuvre des mesures | À faire | — |  |
| 4 | Analyse de risque | À faire | — |  |
| 5 | Audit de sécurité | En cours | 09/12/2026 |  |
| 6 | Plan d'action | À faire | — |  |
| 7 | Dossier d'homologation | À faire | — |  |
| 8 | Commission d'homologation | À faire | — |  |
| 9 | Décision d'homologation | À faire | — |  |
| 10 | Suivi et renouvellement | À faire | — |  |

## Décision d'homologation

- **Autorité\u202f:** Nathalie Perrin, Directrice de programme
- **Avis\u202f:** Favorable avec réserves
- **Date de la décision\u202f:** 01/01/2026
- **Validité\u202f:** 1 an
- **Valable jusqu'au\u202f:** 31/12/2026
- **Échéance\u202f:** encore 34 jours (bientôt)
"""  # noqa: E501 - Markdown lines are as long as the dossier writes them


def test_the_dossier_of_a_small_workspace(workspace: Workspace) -> None:
    fill(workspace)
    assert workspace_dossier(workspace, TODAY) == EXPECTED
    # Deterministic: the same day gives the same text.
    assert workspace_dossier(workspace, TODAY) == EXPECTED


def test_the_dossier_of_an_empty_workspace(workspace: Workspace) -> None:
    workspace.meta.set("name", "Nouveau service")
    assert workspace_dossier(workspace, TODAY) == (
        "# Dossier d'homologation — Nouveau service\n"
        "\n"
        "- **Service\u202f:** Nouveau service\n"
        "- **Établi le\u202f:** 27/11/2026\n"
        "\n"
        "## Indice de sécurité\n"
        "\n"
        "**Indice global\u202f: — / 5**, validité suggérée de l'homologation\u202f: —.\n"
        "\n"
        "Indice de 0 à 5 calculé sur les mesures applicables\u202f: une mesure indispensable"
        " compte double, une mesure partielle pour moitié.\n"
        "\n"
        "| Catégorie | Indice | Faites | Partielles | Applicables | Non applicables |\n"
        "| --- | --- | --- | --- | --- | --- |\n"
        "| Gouvernance | — | 0 | 0 | 0 | 0 |\n"
        "| Protection | — | 0 | 0 | 0 | 0 |\n"
        "| Défense | — | 0 | 0 | 0 | 0 |\n"
        "| Résilience | — | 0 | 0 | 0 | 0 |\n"
        "| **Ensemble** | — | 0 | 0 | 0 | 0 |\n"
        "\n"
        "## Mesures de sécurité (0)\n"
        "\n"
        "Aucune mesure dans l'espace de travail.\n"
        "\n"
        "## Risques (0)\n"
        "\n"
        "Aucun risque enregistré.\n"
        "\n"
        "## Étapes de l'homologation\n"
        "\n"
        "Aucune étape enregistrée.\n"
        "\n"
        "## Décision d'homologation\n"
        "\n"
        "Aucune décision enregistrée.\n"
    )


@pytest.mark.parametrize(
    "today, countdown",
    [
        (date(2026, 12, 30), "encore 1 jour (urgent)"),
        (date(2026, 12, 31), "dernier jour de validité (urgent)"),
        (date(2027, 1, 1), "expirée depuis 1 jour"),
        (date(2027, 1, 10), "expirée depuis 10 jours"),
    ],
)
def test_the_countdown_line_follows_the_day(
    workspace: Workspace, today: date, countdown: str
) -> None:
    fill(workspace)
    assert workspace_dossier(workspace, today).endswith(f"- **Échéance\u202f:** {countdown}\n")


def test_the_dossier_in_english(workspace: Workspace) -> None:
    fill(workspace)
    set_language("en")
    text = workspace_dossier(workspace, TODAY)
    assert text.startswith("# Homologation dossier — Répit Aidants\n")
    assert "**Overall score: 2.5 / 5**, suggested homologation validity: 1 year." in text
    assert "- **Valid until:** 31/12/2026\n- **Expiry:** 34 days to go (soon)\n" in text


def test_export_dossier_from_the_shell(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    path = tmp_path / "w.db"
    ws = open_workspace(path, author="Camille")
    fill(ws)
    expected = workspace_dossier(ws, date.today())
    ws.close()

    assert main(["--db", str(path), "export", "dossier"]) == 0
    assert capsys.readouterr().out == expected

    out = tmp_path / "dossier.md"
    assert main(["--db", str(path), "export", "dossier", "--out", str(out)]) == 0
    assert capsys.readouterr().out.strip() == str(out)
    assert out.read_text(encoding="utf-8") == expected
    # An existing file is never overwritten.
    out.write_text("à garder", encoding="utf-8")
    assert main(["--db", str(path), "export", "dossier", "--out", str(out)]) == 2
    assert "existe déjà" in capsys.readouterr().err
    assert out.read_text(encoding="utf-8") == "à garder"


async def test_export_from_the_security_screen(
    make_app: AppFactory, workspace: Workspace, tmp_path: Path
) -> None:
    from prodtui.ui.screens.dialogs import PromptScreen

    fill(workspace)
    target = tmp_path / "exports" / "dossier.md"
    app = make_app()
    started: list[tuple[str, bool]] = []
    run_worker = app.run_worker

    def spied(work: Any, *args: Any, **kwargs: Any) -> Any:
        started.append((kwargs.get("group", ""), kwargs.get("thread", False)))
        return run_worker(work, *args, **kwargs)

    app.run_worker = spied  # type: ignore[method-assign]
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5", "x")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        assert prompt.query_one(Input).value.endswith(".md")  # a default name is offered
        prompt.query_one(Input).value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        # Built and written in a thread worker, off the event loop.
        assert ("dossier-export", True) in started
        await pilot.pause()
        assert target.read_text(encoding="utf-8") == EXPECTED
        # The same name again is refused, and the file is left as it was.
        target.write_text("déjà là", encoding="utf-8")
        await pilot.press("x")
        await pilot.pause()
        app.screen.query_one(Input).value = str(target)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert target.read_text(encoding="utf-8") == "déjà là"
        assert any("existe déjà" in str(n.message) for n in app._notifications)


def test_a_damaged_workspace_is_one_line_on_stderr(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = tmp_path / "w.db"
    ws = open_workspace(path, author="Camille")
    fill(ws)
    ws.conn.execute("ALTER TABLE risks RENAME TO risks_gone")  # a table gone from the file
    ws.close()
    out = tmp_path / "dossier.md"
    assert main(["--db", str(path), "export", "dossier", "--out", str(out)]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == f"prodtui: Impossible de lire {path}\u202f: no such table: risks\n"
    assert not out.exists()


def test_an_unfavourable_decision_has_no_validity_in_the_dossier(workspace: Workspace) -> None:
    workspace.homologation.record_decision(
        HomologationDecision(
            authority_name="Nathalie Perrin",
            authority_role="Directrice de programme",
            opinion=Opinion.UNFAVOURABLE,
            decided_on=date(2026, 11, 20),
            validity_months=12,
        )
    )
    assert workspace_dossier(workspace, TODAY).endswith(
        "## Décision d'homologation\n"
        "\n"
        "- **Autorité\u202f:** Nathalie Perrin, Directrice de programme\n"
        "- **Avis\u202f:** Défavorable\n"
        "- **Date de la décision\u202f:** 20/11/2026\n"
        "- **Homologation\u202f:** refusée, le service n'est pas homologué\n"
    )


async def test_the_raci_export_is_written_in_a_thread_worker(
    make_app: AppFactory, workspace: Workspace, tmp_path: Path
) -> None:
    from prodtui.domain.responsibilities import RaciRole, Responsibility
    from prodtui.ui.screens.responsibilities import ResponsibilitiesScreen

    workspace.responsibilities.add(
        Responsibility(activity="Recette", metier=RaciRole.A, dnum=RaciRole.R)
    )
    app = make_app()
    started: list[tuple[str, bool]] = []
    run_worker = app.run_worker

    def spied(work: Any, *args: Any, **kwargs: Any) -> Any:
        started.append((kwargs.get("group", ""), kwargs.get("thread", False)))
        return run_worker(work, *args, **kwargs)

    app.run_worker = spied  # type: ignore[method-assign]
    out = tmp_path / "raci.md"
    async with app.run_test(size=(120, 40)) as pilot:
        app.push_screen(ResponsibilitiesScreen())
        await pilot.pause()
        await pilot.press("w")
        await pilot.pause()
        app.screen.query_one(Input).value = str(out)
        await pilot.press("enter")
        await app.workers.wait_for_complete()
        await pilot.pause()
        assert ("raci-export", True) in started
        assert "| Recette | R | A |  |  |" in out.read_text(encoding="utf-8")
        assert any(str(out) in str(n.message) for n in app._notifications)
