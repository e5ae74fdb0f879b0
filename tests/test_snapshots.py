"""A few snapshots of the shell; Pilot tests carry the behaviour, these catch layout drift."""

from __future__ import annotations

import shutil
from datetime import timedelta
from pathlib import Path

import pytest

from prodtui.domain.items import Item, ItemKind
from prodtui.domain.people import Person, Role
from prodtui.domain.standup import StandupEntry
from prodtui.i18n import set_language
from prodtui.store import Workspace, open_workspace
from tests.conftest import TODAY, AppFactory


def fill(workspace: Workspace) -> None:
    workspace.meta.set("name", "Démarches simplifiées")
    workspace.items.add(
        Item(
            text="Relancer l'hébergeur pour le certificat",
            kind=ItemKind.ACTION,
            owner="Inès Moreau",
            due_date="2026-11-25",
        )
    )
    workspace.items.add(
        Item(text="On garde FranceConnect comme seul mode de connexion", kind=ItemKind.DECISION)
    )
    workspace.items.add(
        Item(
            text="Qui signe la décision d'homologation ?", kind=ItemKind.QUESTION, story_key="US-12"
        )
    )


def test_today_at_80_by_24(snap_compare, make_app: AppFactory, workspace: Workspace) -> None:
    fill(workspace)
    assert snap_compare(make_app(), terminal_size=(80, 24))


def test_inbox(snap_compare, make_app: AppFactory, workspace: Workspace) -> None:
    fill(workspace)
    assert snap_compare(make_app(), press=["i"], terminal_size=(100, 30))


def test_capture_overlay(snap_compare, make_app: AppFactory, workspace: Workspace) -> None:
    fill(workspace)
    keys = ["i", "ctrl+n", *"+ relire la note @ines vendredi #US-3"]
    assert snap_compare(make_app(), press=keys, terminal_size=(100, 30))


def test_help(snap_compare, make_app: AppFactory, workspace: Workspace) -> None:
    assert snap_compare(make_app(), press=["i", "f1"], terminal_size=(100, 40))


def test_standup(snap_compare, make_app: AppFactory, workspace: Workspace) -> None:
    people = [
        workspace.people.add(Person(name=name, role=Role.DEV))
        for name in ("Inès Moreau", "Karim Benali", "Sophie Durand")
    ]
    repo = workspace.standups
    repo.save_entry(
        TODAY - timedelta(days=1), StandupEntry(person_id=people[1].id, today="Maquettes")
    )
    repo.save_entry(
        TODAY,
        StandupEntry(
            person_id=people[0].id, yesterday="Revue de code", today="Recette du parcours", mood=4
        ),
    )
    repo.save_entry(TODAY, StandupEntry(person_id=people[2].id, absent=True))
    repo.raise_blocker(TODAY - timedelta(days=2), people[0], "Pas d'accès à la préprod")
    workspace.items.add(
        Item(text="On garde le parcours actuel", kind=ItemKind.DECISION, raised_on=TODAY)
    )
    assert snap_compare(make_app(), press=["2"], terminal_size=(100, 30))


def test_stories(snap_compare, make_app: AppFactory, workspace: Workspace) -> None:
    from prodtui.domain.stories import Epic, Priority, Story, StoryStatus

    epic = workspace.epics.add(Epic(title="Dépôt de demande"))
    workspace.stories.add(
        Story(
            title="Déposer une demande de répit",
            persona="aidant",
            want="déposer en ligne",
            so_that="ne plus envoyer de papier",
            points=5,
            priority=Priority.MUST,
            epic_id=epic.id,
            status=StoryStatus.READY,
            acceptance="Scénario: Dépôt\\n  Étant donné un aidant\\n  Quand il dépose\\n"
            "  Alors il reçoit un accusé\\n",
        )
    )
    workspace.stories.add(Story(title="Joindre un justificatif", priority=Priority.SHOULD))
    assert snap_compare(make_app(), press=["3"], terminal_size=(120, 30))


def test_recette_runner(snap_compare, make_app: AppFactory, workspace: Workspace) -> None:
    from prodtui.domain.recette import Campaign, TestCase

    workspace.test_cases.add(
        TestCase(
            title="Déposer une demande complète",
            steps="1. Se connecter\n2. Remplir\n3. Envoyer",
            expected="Un accusé de réception s'affiche",
        )
    )
    workspace.test_cases.add(TestCase(title="Joindre un justificatif"))
    workspace.campaigns.add(Campaign(name="Recette v2", release="2.0"))
    assert snap_compare(make_app(), press=["4", "r"], terminal_size=(100, 30))


# -- every main screen, at 80×24 and 60×20, in both languages ---------------------------------

SCREENS = {
    "today": [],
    "standup": ["2"],
    "stories": ["3"],
    "story_editor": ["3", "e"],
    "recette": ["4"],
    "security": ["5"],
    "roadmap": ["6"],
    "inbox": ["i"],
}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize("size", [(80, 24), (60, 20)], ids=["80x24", "60x20"])
@pytest.mark.parametrize("screen", list(SCREENS))
def test_every_screen_reads_on_a_small_terminal(
    snap_compare,
    make_app: AppFactory,
    demo_file: Path,
    tmp_path: Path,
    screen: str,
    size: tuple[int, int],
    language: str,
) -> None:
    """The demo on each main screen and the story editor: no text cut without an
    ellipsis, nothing wrapped mid-word, the navigation and key bars whole."""
    set_language(language)
    copy = tmp_path / "demo.db"
    shutil.copyfile(demo_file, copy)
    ws = open_workspace(copy, author="Camille")
    try:
        assert snap_compare(make_app(ws=ws), press=SCREENS[screen], terminal_size=size)
    finally:
        ws.close()
