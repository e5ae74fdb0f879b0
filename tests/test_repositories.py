"""Repositories on real files: concurrency, audit trail, other sessions, drafts."""

from __future__ import annotations

from pathlib import Path

import pytest

from prodtui.domain.capture import parse_capture
from prodtui.domain.errors import ConflictError, NotFoundError
from prodtui.domain.items import Item, ItemKind, ItemStatus
from prodtui.domain.people import Person, Role
from prodtui.store import Workspace, open_workspace
from tests.conftest import TODAY, found, id_of


def test_two_sessions_editing_the_same_row_give_a_conflict(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    alice = open_workspace(path, author="Alice")
    bob = open_workspace(path, author="Bob")
    created = alice.items.add(Item(text="Relancer la DSI"))

    mine = alice.items.get(id_of(created))
    theirs = bob.items.get(id_of(created))
    saved = alice.items.save(mine.model_copy(update={"text": "Relancer la DSI lundi"}))
    assert saved.version == 2

    with pytest.raises(ConflictError) as caught:
        bob.items.save(theirs.model_copy(update={"text": "Relancer la DSI mardi"}))
    assert found(caught.value.mine).text == "Relancer la DSI mardi"
    assert caught.value.theirs.text == "Relancer la DSI lundi"
    assert bob.items.get(id_of(created)).text == "Relancer la DSI lundi"

    # Bob chooses his own version knowingly: it is saved over the newer one.
    forced = found(caught.value.mine).model_copy(update={"version": caught.value.theirs.version})
    assert bob.items.save(forced).text == "Relancer la DSI mardi"
    alice.close()
    bob.close()


def test_a_delete_of_a_row_saved_elsewhere_since_is_refused(tmp_path: Path) -> None:
    from prodtui.domain.recette import TestCase
    from prodtui.store.recette import recette

    path = tmp_path / "shared.db"
    alice = open_workspace(path, author="Alice")
    bob = open_workspace(path, author="Bob")
    item = alice.items.add(Item(text="Relancer la DSI"))
    case = recette(alice).test_cases.add(TestCase(title="Connexion"))
    seen_item, seen_case = bob.items.get(id_of(item)), recette(bob).test_cases.get(id_of(case))

    alice.items.save(item.model_copy(update={"text": "Relancer la DSI lundi"}))
    recette(alice).test_cases.save(case.edit(title="Connexion FranceConnect"))
    with pytest.raises(ConflictError) as caught:
        bob.items.delete(id_of(seen_item), seen_item.version)
    assert caught.value.theirs.text == "Relancer la DSI lundi"
    with pytest.raises(ConflictError):
        recette(bob).test_cases.delete(seen_case)
    assert alice.items.get(id_of(item)).text == "Relancer la DSI lundi"
    assert recette(alice).test_cases.get(id_of(case)).title == "Connexion FranceConnect"

    # Read again, they go.
    bob.items.delete(id_of(item), bob.items.get(id_of(item)).version)
    recette(bob).test_cases.delete(recette(bob).test_cases.get(id_of(case)))
    assert bob.items.count(inbox_only=False) == 0 and recette(bob).test_cases.ids() == []
    alice.close()
    bob.close()


def test_every_change_is_in_the_audit_log(workspace: Workspace) -> None:
    item = workspace.items.add(Item(text="Préparer la démo", kind=ItemKind.ACTION))
    item = workspace.items.save(
        item.model_copy(update={"owner": "Léa", "text": "Préparer la démo 2"})
    )
    workspace.items.set_done(item, True)
    workspace.items.delete(id_of(item))

    history = workspace.audit.history("items", id_of(item))
    fields = [(h.field, h.old, h.new) for h in reversed(history)]
    assert fields[0][0] == "(created)" and "Préparer la démo" in found(fields[0][2])
    assert ("owner", None, "Léa") in fields
    assert ("text", "Préparer la démo", "Préparer la démo 2") in fields
    assert ("status", "open", "done") in fields
    assert fields[-1][0] == "(deleted)"
    assert {h.author for h in history} == {"Camille"}


def test_a_save_without_change_writes_nothing(workspace: Workspace) -> None:
    item = workspace.items.add(Item(text="rien"))
    again = workspace.items.save(item)
    assert again.version == item.version
    assert len(workspace.audit.history("items", id_of(item))) == 1


def test_delete_then_restore_keeps_the_number(workspace: Workspace) -> None:
    first = workspace.items.add(Item(text="un"))
    workspace.items.add(Item(text="deux"))
    removed = workspace.items.delete(id_of(first))
    with pytest.raises(NotFoundError):
        workspace.items.get(id_of(first))
    restored = workspace.items.restore(removed)
    assert restored.id == first.id and restored.text == "un"


def test_a_failed_write_leaves_nothing_behind(workspace: Workspace) -> None:
    before = workspace.db.execute("SELECT count(*) FROM audit_log").fetchone()[0]
    with pytest.raises(RuntimeError), workspace.transaction():
        workspace.items.add(Item(text="à moitié"))
        raise RuntimeError("coupure")
    assert workspace.items.count(inbox_only=False) == 0
    assert workspace.db.execute("SELECT count(*) FROM audit_log").fetchone()[0] == before


def test_other_sessions_commits_are_noticed(tmp_path: Path) -> None:
    path = tmp_path / "shared.db"
    watcher = open_workspace(path)
    other = open_workspace(path)
    assert not watcher.changed_elsewhere()
    watcher.items.add(Item(text="moi"))
    assert not watcher.changed_elsewhere(), "our own commits are not news"
    other.items.add(Item(text="quelqu'un d'autre"))
    assert watcher.changed_elsewhere()
    assert not watcher.changed_elsewhere()
    watcher.close()
    other.close()


def test_capture_resolves_the_owner_against_the_team(workspace: Workspace) -> None:
    workspace.people.add(Person(name="Marie Dupont", role=Role.DEV))
    workspace.people.add(Person(name="Marc Léger", role=Role.DESIGN))
    item = workspace.items.capture(parse_capture("+ envoyer le CR @marie vendredi", TODAY))
    assert item.owner == "Marie Dupont"
    assert item.kind is ItemKind.ACTION
    assert found(item.due_date).isoformat() == "2026-12-04"
    ambiguous = workspace.items.capture(parse_capture("+ voir @mar", TODAY))
    assert ambiguous.owner == "mar", "an ambiguous handle is kept as typed"
    accent = workspace.items.capture(parse_capture("+ voir @marc.leger", TODAY))
    assert accent.owner == "Marc Léger"


def test_inbox_pages_filters_and_counts(workspace: Workspace) -> None:
    for n in range(30):
        workspace.items.add(Item(text=f"capture {n} 100%_sûr" if n == 7 else f"capture {n}"))
    page = workspace.items.inbox(limit=10)
    assert [i.text for i in page][:2] == ["capture 29", "capture 28"]
    assert len(workspace.items.inbox(limit=10, offset=25)) == 5
    assert workspace.items.count(text="100%_") == 1
    assert workspace.items.count(text="%") == 1, "LIKE wildcards are searched literally"
    item = page[0]
    workspace.items.save(item.model_copy(update={"triaged": True}))
    assert workspace.items.count_inbox() == 29
    assert workspace.items.count(inbox_only=False) == 30
    # Where a capture sits in the same order, so that a screen can keep its cursor on it.
    assert workspace.items.position(id_of(item), inbox_only=False) == 0
    assert workspace.items.position(id_of(item)) is None, "triaged: not in the inbox"
    assert workspace.items.position(id_of(page[3])) == 2
    assert workspace.items.position(id_of(page[3]), text="100%_") is None
    assert workspace.items.position(8, text="100%_") == 0
    assert workspace.items.position(999) is None


def test_open_actions_due_and_blockers(workspace: Workspace) -> None:
    late = workspace.items.add(Item(text="en retard", kind=ItemKind.ACTION, due_date="2026-11-20"))
    workspace.items.add(Item(text="plus tard", kind=ItemKind.ACTION, due_date="2026-12-20"))
    done = workspace.items.add(Item(text="faite", kind=ItemKind.ACTION, due_date="2026-11-01"))
    workspace.items.set_done(done, True)
    workspace.items.add(Item(text="bloqué", kind=ItemKind.BLOCKER))
    assert [i.id for i in workspace.items.open_actions_due(TODAY)] == [late.id]
    assert late.is_late(TODAY)
    assert [i.text for i in workspace.items.open_blockers()] == ["bloqué"]
    assert workspace.items.get(id_of(done)).status is ItemStatus.DONE


def test_drafts_are_kept_until_discarded(workspace: Workspace) -> None:
    workspace.drafts.save("capture", "texte à moitié tapé", "Capture rapide")
    workspace.drafts.save("capture", "texte à moitié tapé, fini", "Capture rapide")
    assert [d.content for d in workspace.drafts.all()] == ["texte à moitié tapé, fini"]
    workspace.drafts.discard("capture")
    assert workspace.drafts.get("capture") is None


def test_people_are_ordered_and_versioned(workspace: Workspace) -> None:
    a = workspace.people.add(Person(name="Zoé", role=Role.PRODUCT))
    b = workspace.people.add(Person(name="Adam", role=Role.SECURITY))
    assert [p.name for p in workspace.people.all()] == ["Zoé", "Adam"]
    workspace.people.save(b.model_copy(update={"active": False}))
    assert [p.name for p in workspace.people.all(active_only=True)] == ["Zoé"]
    assert a.position < b.position


def test_meta_name_defaults_to_the_file_name(workspace: Workspace) -> None:
    assert workspace.meta.workspace_name == "workspace"
    workspace.meta.set("name", "Mon service")
    assert workspace.meta.workspace_name == "Mon service"


def test_drafts_of_the_same_second_come_back_in_one_order(workspace: Workspace) -> None:
    """Drafts are offered back newest first; two written within the same second keep
    one order, the later first, at every start."""
    for key in ("story:1", "capture", "standup:entry"):
        workspace.drafts.save(key, f"text of {key}")
    workspace.conn.execute("UPDATE drafts SET updated_at = '2020-01-06T09:00:00.000'")
    assert [d.key for d in workspace.drafts.all()] == ["standup:entry", "capture", "story:1"]
    workspace.drafts.save("capture", "typed on")
    assert workspace.drafts.all()[0].key == "capture"
