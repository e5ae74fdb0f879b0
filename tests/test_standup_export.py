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

DAY = date(2026, 11, 26)  # a Thursday

EXPECTED_FR = """\
# Stand-up du jeudi 26 novembre 2026

**Ont parlé (2) :** Léa Martin, Karim Benali
**Absents (1) :** Sophie Durand
**Sans nouvelles (1) :** Paul Girard

## Tour de table

- **Léa Martin** ☀ — Hier : Écran de dépôt / tests · Aujourd'hui : Recette avec Sophie
- **Karim Benali** — Aujourd'hui : Maquettes v2 📐

## Bloquants (2)

- Pas d'accès à la préprod — Léa Martin, depuis 3 j
- Attente du tampon RGPD — Karim Benali, depuis 0 j

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
    repo.raise_blocker(DAY - timedelta(days=3), people[0], "Pas d'accès à la préprod")
    repo.raise_blocker(DAY, people[1], "Attente du tampon RGPD")
    old = repo.raise_blocker(DAY - timedelta(days=5), people[1], "Levé avant")
    repo.resolve(old, DAY - timedelta(days=1))
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
    assert text.startswith("# Stand-up of Thursday 26 November 2026\n\n**Spoke (2):** Léa Martin")
    assert "- [ ] Relancer la DSI — Paul Girard — due Wed 25/11 (late)" in text


def test_json_summary(standup_day: Workspace) -> None:
    data = json.loads(standup_json(standup_day.standups.day(DAY)))
    assert data["day"] == "2026-11-26"
    assert [p["name"] for p in data["people"] if p["spoke"]] == ["Léa Martin", "Karim Benali"]
    assert data["people"][0]["blockers"] == ["Pas d'accès à la préprod"]
    assert [(b["text"], b["age_days"]) for b in data["blockers"]] == [
        ("Pas d'accès à la préprod", 3),
        ("Attente du tampon RGPD", 0),
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
