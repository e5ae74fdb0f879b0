"""Responsibilities (RACI): the one-A rule, the store, the screen's keys, the export."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input

from prodtui.cli import main
from prodtui.domain.responsibilities import (
    OneAccountableOnly,
    OtherPartyUnnamed,
    Party,
    RaciRole,
    Responsibility,
    next_role,
)
from prodtui.exchange.responsibilities import raci_markdown
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import Workspace, open_workspace
from prodtui.ui.screens.dialogs import ConfirmScreen, PromptScreen
from prodtui.ui.screens.responsibilities import ResponsibilitiesScreen
from tests.conftest import TODAY, AppFactory, id_of

A, R, C, I = RaciRole.A, RaciRole.R, RaciRole.C, RaciRole.I  # noqa: E741


def test_one_accountable_per_activity_and_a_named_other_party() -> None:
    row = Responsibility(activity="  Décider   de la feuille de route ", metier=A)
    assert row.activity == "Décider de la feuille de route"
    with pytest.raises(OneAccountableOnly) as raised:
        row.with_role(Party.DNUM, A)
    assert raised.value.params == {"activity": "Décider de la feuille de route"}
    assert row.with_role(Party.DNUM, R).with_role(Party.METIER, None).accountable() is None
    with pytest.raises(OtherPartyUnnamed):
        row.with_role(Party.OTHER, C)
    named = row.edit(other_party="DPO", other=C)
    assert named.role(Party.OTHER) is C
    assert [next_role(r) for r in (None, R, A, C, I)] == [R, A, C, I, None]


def test_the_store_keeps_order_rule_and_trail(workspace: Workspace) -> None:
    repo = workspace.responsibilities
    roadmap = repo.add(Responsibility(activity="Feuille de route", metier=A))
    stories = repo.add(Responsibility(activity="Stories", dnum=A))
    gdpr = repo.add(Responsibility(activity="RGPD", other_party="DPO", other=C))
    assert [r.position for r in repo.all()] == [1, 2, 3]
    with pytest.raises(OneAccountableOnly):
        repo.set_role(roadmap, Party.RSSI, A)
    assert repo.all()[0].rssi is None
    # The schema holds the rule too, whatever writes to the file.
    with pytest.raises(sqlite3.IntegrityError):
        workspace.conn.execute("UPDATE responsibilities SET dnum = 'A' WHERE id = ?", [roadmap.id])
    assert [r.activity for r in repo.move(gdpr, -1)] == ["Feuille de route", "RGPD", "Stories"]
    assert [r.activity for r in repo.move(roadmap, 5)] == ["RGPD", "Stories", "Feuille de route"]
    repo.delete(id_of(stories))
    assert [r.activity for r in repo.all()] == ["RGPD", "Feuille de route"]
    fields = [e.field for e in workspace.audit.history("responsibilities", id_of(roadmap))]
    assert "position" in fields and "(created)" in fields


def test_markdown_export_is_exact() -> None:
    rows = [
        Responsibility(activity="Décider de la feuille de route", dnum=R, metier=A, rssi=C),
        Responsibility(activity="Tri | urgences", dnum=A),
        Responsibility(
            activity="Signer l'homologation", rssi=C, other=A, other_party="Autorité d'homologation"
        ),
    ]
    assert raci_markdown(rows, "Répit Aidants") == (
        "# Responsabilités (RACI) — Répit Aidants\n"
        "\n"
        "| Activité | DNUM | Métier | RSSI | Autre |\n"
        "| --- | :-: | :-: | :-: | :-: |\n"
        "| Décider de la feuille de route | R | A | C |  |\n"
        "| Tri \\| urgences | A |  |  |  |\n"
        "| Signer l'homologation |  |  | C | A (Autorité d'homologation) |\n"
        "\n"
        "**R** réalise · **A** décide et rend des comptes · **C** est consulté avant"
        " · **I** est informé après\n"
    )
    assert (
        raci_markdown([], "X")
        == "# Responsabilités (RACI) — X\n\nAucune activité pour l'instant.\n"
    )


def test_the_demo_is_seeded_and_exported_from_the_shell(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = build_demo_workspace(tmp_path / "demo.db", today=TODAY)
    assert main(["--db", str(db), "export", "raci"]) == 0
    text = capsys.readouterr().out
    assert "| Répondre aux questions RGPD | R | A |  | C (DPO) |" in text
    assert "Signer la décision d'homologation" in text
    out = tmp_path / "raci.md"
    assert main(["--db", str(db), "export", "raci", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == text
    assert main(["--db", str(db), "export", "raci", "--out", str(out)]) == 2  # never overwritten
    assert "existe déjà" in capsys.readouterr().err


async def test_editing_the_table_with_keys(make_app: AppFactory, workspace: Workspace) -> None:
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ResponsibilitiesScreen())
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, ResponsibilitiesScreen)
        await pilot.press("n", *"Décider de la feuille de route", "enter")
        await pilot.pause()
        await pilot.press("n", *"Traiter les questions RGPD", "enter")
        await pilot.pause()
        assert [r.activity for r in workspace.responsibilities.all()] == [
            "Décider de la feuille de route",
            "Traiter les questions RGPD",
        ]
        table = screen.query_one(DataTable)
        # First row: Métier A (cycle twice from empty), DNUM R.
        table.move_cursor(row=0, column=2)
        await pilot.press("space", "space")
        await pilot.pause()
        await pilot.press("left", "r")
        await pilot.pause()
        first = workspace.responsibilities.all()[0]
        assert (first.dnum, first.metier) == (R, A)
        # A second A is refused with the rule, and nothing changes.
        await pilot.press("a")
        await pilot.pause()
        assert workspace.responsibilities.all()[0].dnum is R
        assert any("une seule par activité" in n.message for n in app._notifications)
        # The cycle steps over A while the Métier holds it: R → C.
        await pilot.press("space")
        await pilot.pause()
        assert workspace.responsibilities.all()[0].dnum is C
        # Second row, other party: its name is asked first.
        await pilot.press("down", "right", "right", "right", "c")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = ""
        await pilot.press(*"DPO", "enter")
        await pilot.pause()
        second = workspace.responsibilities.all()[1]
        assert (second.other_party, second.other) == ("DPO", C)
        # Move it up, then delete the other one after confirming.
        await pilot.press("shift+up")
        await pilot.pause()
        assert workspace.responsibilities.all()[0].activity == "Traiter les questions RGPD"
        await pilot.press("down", "d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("n")
        await pilot.pause()
        assert workspace.responsibilities.count() == 2
        await pilot.press("d", "o")
        await pilot.pause()
        assert [r.activity for r in workspace.responsibilities.all()] == [
            "Traiter les questions RGPD"
        ]
        # Rename.
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one(Input).value = "Répondre aux questions RGPD"
        await pilot.press("enter")
        await pilot.pause()
        assert workspace.responsibilities.all()[0].activity == "Répondre aux questions RGPD"
        await pilot.press("escape")
        await pilot.pause()
        assert not isinstance(app.screen, ResponsibilitiesScreen)


async def test_export_from_the_screen_writes_a_new_file(
    make_app: AppFactory, workspace: Workspace, tmp_path: Path
) -> None:
    workspace.responsibilities.add(Responsibility(activity="Recette", metier=A, dnum=R))
    app = make_app()
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
    assert "| Recette | R | A |  |  |" in out.read_text(encoding="utf-8")


async def test_deleting_a_row_changed_meanwhile_elsewhere_is_refused(
    make_app: AppFactory, workspace: Workspace
) -> None:
    row = workspace.responsibilities.add(Responsibility(activity="Recette", metier=A))
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        app.push_screen(ResponsibilitiesScreen())
        await pilot.pause()
        assert "RACI · 1 activité ·" in str(app.screen.query_one("#raci-title").render())
        other = open_workspace(workspace.path, author="Léa")
        other.responsibilities.save(other.responsibilities.get(id_of(row)).edit(rssi=I))
        other.close()
        await pilot.press("d")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen)
        await pilot.press("o")
        await pilot.pause()
        assert [r.rssi for r in workspace.responsibilities.all()] == [I]  # not deleted
        assert any("autre session" in n.message for n in app._notifications)
        await pilot.press("d", "o")  # the table shows their version now: deleted
        await pilot.pause()
        assert workspace.responsibilities.all() == []
        assert "RACI · 0 activité ·" in str(app.screen.query_one("#raci-title").render())
