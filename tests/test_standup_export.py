"""The stand-up summary, compared exactly, from the store and from the shell."""

from __future__ import annotations

import json
from datetime import date, timedelta
from pathlib import Path

import pytest

from prodtui.cli import main
from prodtui.domain.items import Item, ItemKind
from prodtui.domain.people import Person, Role
from prodtui.domain.standup import StandupEntry
from prodtui.exchange.standup import standup_json, standup_markdown
from prodtui.i18n import set_language
from prodtui.store import Workspace
from prodtui.ui.screens.standup import StandupScreen
from tests.conftest import TODAY, AppFactory

DAY = date(2026, 11, 26)  # a Thursday

EXPECTED_FR = """\
# Stand-up du jeudi 26 novembre 2026

**Ont parlé (2)\u202f:** Léa Martin, Karim Benali
**Absents (1)\u202f:** Sophie Durand
**Sans nouvelles (2)\u202f:** Paul Girard, Nina Roux

## Tour de table

- **Léa Martin** ☀ — Hier\u202f: Écran de dépôt / tests · Aujourd'hui\u202f: Recette avec Sophie
- **Karim Benali** — Aujourd'hui\u202f: Maquettes v2 📐

## Bloquants (4)

- Pas d'accès à la préprod — Léa Martin, depuis 3 j
- Jeu de données manquant — Léa Martin, depuis 3 j
- Droits Git à ouvrir — Nina Roux, depuis 1 j
- Attente du tampon RGPD — Karim Benali, depuis aujourd'hui

## Bloquants levés ce jour (2)

- Clé VPN expirée — Léa Martin, levé après 2 j
- Salle de démo réservée — Karim Benali, levé le jour même

## Décisions (1)

- On livre le 3 décembre

## Actions (2)

- [ ] Relancer la DSI — Paul Girard — pour mer. 25/11 (en retard)
- [x] Envoyer le CR — Léa Martin
"""


@pytest.fixture
def standup_day(workspace: Workspace) -> Workspace:
    people = [
        workspace.people.add(Person(name=name, role=role))
        for name, role in [
            ("Léa Martin", Role.DEV),
            ("Karim Benali", Role.DESIGN),
            ("Sophie Durand", Role.BUSINESS),
            ("Paul Girard", Role.PRODUCT),
            ("Nina Roux", Role.DEV),
        ]
    ]
    repo = workspace.standups
    repo.save_entry(
        DAY,
        StandupEntry(
            person_id=people[0].id,
            yesterday="Écran de dépôt\ntests",
            today="Recette avec Sophie",
            mood=5,
        ),
    )
    repo.save_entry(DAY, StandupEntry(person_id=people[1].id, today="Maquettes v2 📐"))
    repo.save_entry(DAY, StandupEntry(person_id=people[2].id, absent=True))
    # Only a mood: she did not speak.
    repo.save_entry(DAY, StandupEntry(person_id=people[4].id, mood=3))
    repo.raise_blocker(DAY - timedelta(days=3), people[0], "Pas d'accès à la préprod")
    repo.raise_blocker(DAY, people[1], "Attente du tampon RGPD")
    repo.raise_blocker(DAY - timedelta(days=1), people[4], "Droits Git à ouvrir")
    old = repo.raise_blocker(DAY - timedelta(days=5), people[1], "Levé avant")
    repo.resolve(old, DAY - timedelta(days=1))
    # Resolved on the day: said in the summary, with how long it lasted.
    vpn = repo.raise_blocker(DAY - timedelta(days=2), people[0], "Clé VPN expirée")
    repo.resolve(vpn, DAY)
    room = repo.raise_blocker(DAY, people[1], "Salle de démo réservée")
    repo.resolve(room, DAY)
    # Resolved the next day: still open on the day.
    later = repo.raise_blocker(DAY - timedelta(days=3), people[0], "Jeu de données manquant")
    repo.resolve(later, DAY + timedelta(days=1))
    items = workspace.items
    items.add(Item(text="On livre le 3 décembre", kind=ItemKind.DECISION, raised_on=DAY))
    items.add(
        Item(
            text="Relancer la DSI",
            kind=ItemKind.ACTION,
            owner="Paul Girard",
            raised_on=DAY - timedelta(days=2),
            due_date=DAY - timedelta(days=1),
        )
    )
    sent = items.add(
        Item(text="Envoyer le CR", kind=ItemKind.ACTION, owner="Léa Martin", raised_on=DAY)
    )
    items.set_done(sent, True, day=DAY)
    return workspace


def test_markdown_summary_is_exactly_this(standup_day: Workspace) -> None:
    assert standup_markdown(standup_day.standups.day(DAY)) == EXPECTED_FR


def test_markdown_summary_in_english(standup_day: Workspace) -> None:
    set_language("en")
    text = standup_markdown(standup_day.standups.day(DAY))
    assert text.startswith("# Stand-up of Thursday, 26 November 2026\n\n**Spoke (2):** Léa Martin")
    assert "- [ ] Relancer la DSI — Paul Girard — due Wed 25/11 (late)" in text
    assert "- Pas d'accès à la préprod — Léa Martin, 3 days old" in text
    assert "- Droits Git à ouvrir — Nina Roux, 1 day old" in text
    assert "- Attente du tampon RGPD — Karim Benali, raised today" in text
    assert "## Blockers resolved that day (2)" in text
    assert "- Clé VPN expirée — Léa Martin, resolved after 2 days" in text
    assert "- Salle de démo réservée — Karim Benali, resolved the same day" in text


def test_json_summary(standup_day: Workspace) -> None:
    data = json.loads(standup_json(standup_day.standups.day(DAY)))
    assert data["day"] == "2026-11-26"
    assert [p["name"] for p in data["people"] if p["spoke"]] == ["Léa Martin", "Karim Benali"]
    assert data["people"][4]["mood"] == 3 and not data["people"][4]["spoke"]
    assert data["people"][0]["blockers"] == ["Pas d'accès à la préprod", "Jeu de données manquant"]
    assert [(b["text"], b["age_days"]) for b in data["blockers"]] == [
        ("Pas d'accès à la préprod", 3),
        ("Jeu de données manquant", 3),
        ("Droits Git à ouvrir", 1),
        ("Attente du tampon RGPD", 0),
    ]
    assert [(b["text"], b["resolved_on"]) for b in data["resolved_blockers"]] == [
        ("Clé VPN expirée", "2026-11-26"),
        ("Salle de démo réservée", "2026-11-26"),
    ]
    assert data["actions"][0]["late"] is True


def test_export_from_the_shell(
    standup_day: Workspace, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    db = str(standup_day.path)
    assert main(["export", "standup", "--db", db, "--date", "2026-11-26"]) == 0
    assert capsys.readouterr().out == EXPECTED_FR
    assert main(["export", "standup", "--db", db, "--date", "26/11/2026", "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["day"] == "2026-11-26"
    out = tmp_path / "cr.md"
    assert main(["export", "standup", "--db", db, "--date", "2026-11-26", "--out", str(out)]) == 0
    assert out.read_text(encoding="utf-8") == EXPECTED_FR
    assert main(["export", "standup", "--db", db, "--out", str(out)]) == 2, "never overwrites"
    assert "existe déjà" in capsys.readouterr().err


def test_export_refuses_an_impossible_date(
    standup_day: Workspace, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["export", "standup", "--db", str(standup_day.path), "--date", "2026-02-30"]) == 2
    err = capsys.readouterr().err
    assert "2026-02-30" in err and err.count("\n") == 1


async def test_the_stand_up_screen_counts_who_spoke_as_the_summary_does(
    make_app: AppFactory, workspace: Workspace
) -> None:
    lea, nina = (workspace.people.add(Person(name=name)) for name in ("Léa Martin", "Nina Roux"))
    workspace.standups.save_entry(TODAY, StandupEntry(person_id=lea.id, today="Recette"))
    workspace.standups.save_entry(TODAY, StandupEntry(person_id=nina.id, mood=4))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("2")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StandupScreen)
        assert "1/2 ont parlé" in str(screen.query_one("#standup-title").render())


def test_a_day_nobody_spoke_and_a_blocker_without_owner_read_in_words(
    workspace: Workspace,
) -> None:
    workspace.items.add(
        Item(text="Serveur de recette en panne", kind=ItemKind.BLOCKER, raised_on=DAY)
    )
    text = standup_markdown(workspace.standups.day(DAY))
    assert "**Ont parlé (0)\u202f:** personne\n" in text
    assert "- Serveur de recette en panne — sans responsable, depuis aujourd'hui\n" in text
    assert "?" not in text
