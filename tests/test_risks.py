"""Risks: the level matrix, the repository, and the screen driven with the real keys."""

from __future__ import annotations

import pytest
from pydantic import ValidationError
from textual.widgets import DataTable, Input, Select

from prodtui.domain.errors import ConflictError, NotFoundError
from prodtui.domain.risks import Criterion, Risk, RiskLevel, matrix_counts, risk_level
from prodtui.store import Workspace
from prodtui.ui.screens.dialogs import ConfirmScreen
from prodtui.ui.screens.risks import RiskFormScreen, RisksScreen, matrix_text
from tests.conftest import AppFactory, found, id_of

L, M, H, C = RiskLevel.LOW, RiskLevel.MEDIUM, RiskLevel.HIGH, RiskLevel.CRITICAL

# Severity from 4 (top) down to 1, likelihood 1 to 4 across: the matrix of domain/risks.py.
EXPECTED_MATRIX = {
    4: (M, H, C, C),
    3: (M, H, H, C),
    2: (L, M, H, H),
    1: (L, L, M, M),
}


def risk(title: str = "Fuite de données", likelihood: int = 2, severity: int = 3, **more) -> Risk:
    return Risk(
        title=title,
        criterion=more.pop("criterion", Criterion.CONFIDENTIALITY),
        likelihood=likelihood,
        severity=severity,
        **more,
    )


def test_every_cell_of_the_matrix() -> None:
    for severity, row in EXPECTED_MATRIX.items():
        for likelihood, expected in zip((1, 2, 3, 4), row, strict=True):
            assert risk_level(likelihood, severity) is expected, (likelihood, severity)
            assert risk(likelihood=likelihood, severity=severity).level is expected
    assert [level.rank for level in (L, M, H, C)] == [0, 1, 2, 3]


@pytest.mark.parametrize("likelihood, severity", [(0, 2), (5, 2), (2, 0), (2, 5)])
def test_ratings_outside_one_to_four_are_refused(likelihood: int, severity: int) -> None:
    with pytest.raises(ValueError):
        risk_level(likelihood, severity)
    with pytest.raises(ValidationError):
        risk(likelihood=likelihood, severity=severity)


def test_a_risk_needs_a_title_and_keeps_it_on_one_line() -> None:
    with pytest.raises(ValidationError):
        risk(title="   \n ")
    assert risk(title="  Panne \n de l'hébergeur ").title == "Panne de l'hébergeur"
    assert risk(owner="   ").owner is None
    assert risk(owner=" Léa ").owner == "Léa"


def test_matrix_counts_and_drawing() -> None:
    risks = [risk(likelihood=2, severity=3), risk(likelihood=2, severity=3), risk(likelihood=4)]
    assert matrix_counts(risks) == {(2, 3): 2, (4, 3): 1}
    drawn = matrix_text(risks).plain.splitlines()
    # Severity 3 is the second row under the title: two risks at likelihood 2, one at 4.
    assert drawn[2].split() == ["G3", "·", "2", "·", "1"]
    assert drawn[1].split() == ["G4", "·", "·", "·", "·"]


def test_repository_lists_gravest_first_and_audits_every_change(workspace: Workspace) -> None:
    repo = workspace.risks
    low = repo.create(risk("Erreur de saisie", 1, 2, criterion=Criterion.INTEGRITY))
    critical = repo.create(risk("Fuite massive", 4, 4))
    high_severe = repo.create(risk("Usurpation", 2, 4))
    high = repo.create(risk("Panne", 4, 2, criterion=Criterion.AVAILABILITY))
    assert [r.title for r in repo.list()] == [
        "Fuite massive",
        "Usurpation",
        "Panne",
        "Erreur de saisie",
    ]
    assert repo.count() == 4

    edited = repo.save(low.edit(severity=4, treatment="Contrôle à la saisie", owner="Léa"))
    assert edited.version == 2 and edited.level is RiskLevel.MEDIUM
    with pytest.raises(ConflictError):
        repo.save(low.edit(title="Autre"))  # read before the save above
    repo.delete(id_of(high))
    with pytest.raises(NotFoundError):
        repo.get(id_of(high))
    assert [r.id for r in repo.list()] == [critical.id, high_severe.id, low.id]

    fields = [e.field for e in workspace.audit.history("risks", id_of(low))]
    assert set(fields) >= {"(created)", "severity", "treatment", "owner"}
    assert workspace.audit.history("risks", id_of(high))[0].field == "(deleted)"


async def test_create_edit_and_delete_a_risk_with_keys(
    make_app: AppFactory, workspace: Workspace
) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5", "r")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RisksScreen)
        assert "Aucun risque" in str(screen.query_one("#risks-title").render())

        await pilot.press("n")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RiskFormScreen)
        await pilot.press(*"Usurpation d'un compte agent")
        await pilot.press("tab", "enter", "down", "down", "enter")  # criterion: confidentiality
        await pilot.press("tab", "9", "tab", "3", "ctrl+s")
        await pilot.pause()
        # A rating outside 1–4 is explained, and nothing is written.
        assert "vraisemblance se note de 1 à 4" in str(form.query_one("#rf-error").render())
        assert workspace.risks.count() == 0
        assert form.focused is form.query_one("#rf-likelihood")
        await pilot.press("backspace", "3")
        await pilot.pause()
        assert "Élevé" in str(form.query_one("#rf-level").render())
        await pilot.press("tab", "tab", *"Second facteur", "tab", *"Marc", "ctrl+s")
        await pilot.pause()
        assert app.screen is screen
        (saved,) = workspace.risks.list()
        assert (saved.title, saved.criterion, saved.likelihood, saved.severity) == (
            "Usurpation d'un compte agent",
            Criterion.CONFIDENTIALITY,
            3,
            3,
        )
        assert (saved.treatment, saved.owner, saved.level) == ("Second facteur", "Marc", H)
        assert screen.query_one(DataTable).row_count == 1

        # Edit: an empty title is refused with a clear message, then fixed.
        await pilot.press("e")
        await pilot.pause()
        edit_form = app.screen
        assert isinstance(edit_form, RiskFormScreen)
        edit_form.query_one("#rf-title", Input).value = "  "
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "ne peut pas être vide" in str(edit_form.query_one("#rf-error").render())
        edit_form.query_one("#rf-title", Input).value = "Compte agent usurpé"
        edit_form.query_one("#rf-severity", Input).value = "4"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert workspace.risks.get(id_of(saved)).title == "Compte agent usurpé"
        assert workspace.risks.get(id_of(saved)).level is C

        # Delete asks first: "n" keeps it, "o" removes it.
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert workspace.risks.count() == 1
        await pilot.press("d", "o")
        await pilot.pause()
        assert workspace.risks.count() == 0
        assert screen.query_one(DataTable).row_count == 0
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is not screen


async def test_select_puts_the_cursor_on_a_risk(make_app: AppFactory, workspace: Workspace) -> None:
    created = [
        workspace.risks.create(risk(f"Risque {n}", 1 + n % 4, 2, treatment=f"Plan {n}"))
        for n in range(6)
    ]
    target = created[2]
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(RisksScreen(select=target.id))
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RisksScreen)
        assert found(screen.selected()).id == target.id
        assert "Plan 2" in str(screen.query_one("#risks-treatment").render())
        # enter opens the selected risk.
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, RiskFormScreen)
        assert app.screen.query_one("#rf-title", Input).value == target.title
        assert app.screen.query_one("#rf-criterion", Select).value is Criterion.CONFIDENTIALITY


async def test_a_risk_saved_elsewhere_meanwhile_shows_both_versions(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.ui.screens.dialogs import ConflictScreen

    created = workspace.risks.create(risk("Panne de l'hébergeur", 2, 2))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(RisksScreen())
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        # Another session raises the severity while the form is open.
        workspace.risks.save(created.edit(severity=4, owner="Thomas"))
        form.query_one("#rf-treatment", Input).value = "Plan de continuité"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("m")  # keep mine, over theirs
        await pilot.pause()
        kept = workspace.risks.get(id_of(created))
        assert (kept.treatment, kept.severity, kept.version) == ("Plan de continuité", 2, 3)


async def test_typing_in_a_prefilled_risk_field_adds_to_its_text(
    make_app: AppFactory, workspace: Workspace
) -> None:
    saved = workspace.risks.create(risk("Fuite de données", treatment="Chiffrement", owner="Marc"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await app.push_screen(RisksScreen(select=saved.id))
        await pilot.pause()
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, RiskFormScreen)
        # The cursor lands at the end of the saved text: nothing is replaced by a key.
        for field, typed, expected in (
            ("#rf-title", " client", "Fuite de données client"),
            ("#rf-treatment", " TLS", "Chiffrement TLS"),
            ("#rf-owner", "o", "Marco"),
        ):
            form.query_one(field, Input).focus()
            await pilot.pause()
            await pilot.press(*typed)
            assert form.query_one(field, Input).value == expected
