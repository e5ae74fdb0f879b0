"""Evidence files of security measures: their four states, their paths, the messages in
the user's language, the form's staged changes and the checklist's count (issue 17)."""

from __future__ import annotations

import errno
import os
from collections.abc import Iterator
from pathlib import Path

import pytest
from textual.widgets import DataTable, Input, Static

from prodtui.config import load_settings
from prodtui.domain.errors import ProdtuiError
from prodtui.domain.security import EvidenceCheck, EvidenceFile, MeasureStatus
from prodtui.exchange.evidence import (
    check_file,
    evidence_path,
    fingerprint,
    resolved_targets,
    unreadable,
)
from prodtui.i18n import error_message, set_language
from prodtui.store import Workspace, open_workspace
from prodtui.store.base import DeletedElsewhere
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.dialogs import ConfirmScreen, ConflictScreen, PromptScreen
from prodtui.ui.screens.security import MeasureFormScreen, SecurityScreen
from tests.conftest import TODAY, found

UNREADABLE_EVEN_FOR_ROOT = Path("/proc/self/mem")
"""A regular file whose read fails (EIO) whoever reads it."""


@pytest.fixture
def ws(tmp_path: Path) -> Iterator[Workspace]:
    workspace = open_workspace(tmp_path / "ws.db", author="Camille")
    workspace.measures.import_shipped(today=TODAY)
    yield workspace
    workspace.close()


def app_on(ws: Workspace, tmp_path: Path) -> ProdtuiApp:
    config = tmp_path / "config.toml"
    config.write_text('author = "Claire Dumoulin"\n', encoding="utf-8")
    return ProdtuiApp(ws, load_settings(config), config, today=lambda: TODAY)


def recorded(ws: Workspace, path: Path, code: str = "GOUV-01") -> EvidenceFile:
    return ws.measures.record_file(found(ws.measures.entry(code)).state, fingerprint(str(path)))


# -- states ------------------------------------------------------------------------------


def test_a_file_is_unchanged_changed_missing_or_unreadable(tmp_path: Path, ws: Workspace) -> None:
    proof = tmp_path / "pv.txt"
    proof.write_text("PV signé")
    file = recorded(ws, proof)
    assert check_file(file) is EvidenceCheck.UNCHANGED
    proof.write_text("PV modifié")
    assert check_file(file) is EvidenceCheck.CHANGED
    proof.unlink()
    assert check_file(file) is EvidenceCheck.MISSING
    # There but unreadable is not "missing": a read error (as root too) and a permission.
    proof.symlink_to(UNREADABLE_EVEN_FOR_ROOT)
    assert check_file(file) is EvidenceCheck.UNREADABLE
    if os.geteuid() != 0:  # root reads anything
        proof.unlink()
        proof.write_text("PV signé")
        proof.chmod(0)
        assert check_file(file) is EvidenceCheck.UNREADABLE


def test_an_unreadable_file_is_saved_as_such_and_alerts(tmp_path: Path, ws: Workspace) -> None:
    proof = tmp_path / "pv.txt"
    proof.write_text("PV signé")
    file = recorded(ws, proof)
    proof.unlink()
    proof.symlink_to(UNREADABLE_EVEN_FOR_ROOT)
    assert file.id is not None
    assert ws.measures.save_checks({file.id: check_file(file)}) == 1
    (saved,) = ws.measures.all_files()
    assert saved.last_check is EvidenceCheck.UNREADABLE
    assert found(ws.measures.entry("GOUV-01")).evidence_alert
    summary = ws.measures.evidence_summaries()[file.measure_status_id]
    assert (summary.total, summary.alarming) == (1, 1)
    assert summary.counts == {EvidenceCheck.UNREADABLE: 1}


# -- messages ----------------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fr", "en"])
def test_system_errors_are_said_in_the_users_language(language: str) -> None:
    set_language(language)
    try:
        path = Path("/srv/preuves/pv.pdf")
        said = {
            code: error_message(unreadable(path, OSError(code, os.strerror(code))))
            for code in (errno.EACCES, errno.EPERM, errno.EIO, errno.ELOOP, errno.ENOMEM)
        }
    finally:
        set_language("fr")
    for code, message in said.items():
        assert os.strerror(code) not in message, message  # never the system's English
        assert str(path) in message
    if language == "fr":
        assert "droit de lire" in said[errno.EACCES] == said[errno.EPERM]
        assert "erreur de lecture" in said[errno.EIO]
        assert "ENOMEM" in said[errno.ENOMEM]  # an unknown reason named by its code
    refused = unreadable(path, OSError(errno.ENOENT, "No such file or directory"))
    assert refused.key == "security.file_missing"


def test_hashing_an_unreadable_file_says_why_in_french(tmp_path: Path) -> None:
    link = tmp_path / "pv.pdf"
    link.symlink_to(UNREADABLE_EVEN_FOR_ROOT)
    with pytest.raises(ProdtuiError) as refused:
        fingerprint(str(link))
    message = error_message(refused.value)
    assert "erreur de lecture" in message and "Input/output" not in message


# -- paths -------------------------------------------------------------------------------


def test_paths_are_normalised_and_links_kept_as_given(
    tmp_path: Path, isolated_home: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    (tmp_path / "preuves").mkdir()
    proof = tmp_path / "preuves" / "pv.txt"
    proof.write_text("PV")
    work = tmp_path / "travail"
    work.mkdir()
    monkeypatch.chdir(work)
    # A relative path is taken from the folder prodtui was started in; `..` is removed.
    assert fingerprint("../preuves/./pv.txt").path == str(proof)
    assert evidence_path("  ../preuves//pv.txt ") == proof
    (isolated_home / "pv.txt").write_text("x")
    assert fingerprint("~/pv.txt").path == str(isolated_home / "pv.txt")
    # A link is recorded as given, and shown with where it leads.
    link = tmp_path / "dernier-pv.txt"
    link.symlink_to(proof)
    assert fingerprint(str(link)).path == str(link)
    assert resolved_targets([str(link), str(proof)]) == {str(link): str(proof)}
    # `..` after a link to a folder leaves the folder the link leads to, as the system does.
    deep = tmp_path / "a" / "b"
    deep.mkdir(parents=True)
    (tmp_path / "a" / "pv.txt").write_text("au bon endroit")
    (work / "raccourci").symlink_to(deep)
    assert evidence_path("raccourci/../pv.txt") == tmp_path / "a" / "pv.txt"


# -- store -------------------------------------------------------------------------------


def test_a_measure_deleted_elsewhere_is_a_deletion_not_not_found(ws: Workspace) -> None:
    state = found(ws.measures.entry("GOUV-01")).state
    other = open_workspace(ws.path, author="Léa")
    try:
        with other.transaction() as db:
            db.execute("DELETE FROM measure_status WHERE id = ?", [state.id])
    finally:
        other.close()
    with pytest.raises(DeletedElsewhere):
        ws.measures.save(state.edit(owner="Camille"))


def test_files_staged_in_a_form_are_saved_with_the_state_or_not_at_all(
    tmp_path: Path, ws: Workspace
) -> None:
    proof = tmp_path / "pv.txt"
    proof.write_text("PV")
    state = found(ws.measures.entry("GOUV-01")).state
    ws.measures.save(state.edit(owner="Léa"))  # another save: the form's state is stale
    with pytest.raises(ProdtuiError):
        ws.measures.save(state.edit(owner="Camille"), add_files=[fingerprint(str(proof))])
    assert ws.measures.files(state) == []  # nothing half written
    fresh = found(ws.measures.entry("GOUV-01")).state
    ws.measures.save(fresh.edit(owner="Camille"), add_files=[fingerprint(str(proof))])
    (file,) = ws.measures.files(fresh)
    latest = found(ws.measures.entry("GOUV-01")).state
    ws.measures.save(latest, remove_files=[file])
    assert ws.measures.files(fresh) == []


# -- the form ----------------------------------------------------------------------------


async def open_form(app: ProdtuiApp, pilot: object) -> MeasureFormScreen:
    await pilot.press("5")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    await pilot.press("e")  # type: ignore[attr-defined]
    await pilot.pause()  # type: ignore[attr-defined]
    form = app.screen
    assert isinstance(form, MeasureFormScreen)
    return form


async def settle(app: ProdtuiApp, pilot: object) -> None:
    await app.workers.wait_for_complete()
    await pilot.pause()  # type: ignore[attr-defined]


async def test_file_changes_wait_for_save_and_escape_drops_them(
    tmp_path: Path, ws: Workspace
) -> None:
    kept, added = tmp_path / "kept.txt", tmp_path / "added.txt"
    kept.write_text("gardé")
    added.write_text("ajouté")
    state = found(ws.measures.entry("GOUV-01")).state
    recorded(ws, kept)
    app = app_on(ws, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(app, pilot)
        form.query_one("#mf-file", Input).focus()
        await pilot.press(*str(added), "enter")
        await settle(app, pilot)
        files = form.query_one("#mf-files", DataTable)
        files.focus()
        await pilot.press("delete")  # the recorded file: to remove
        await pilot.pause()
        assert [str(files.get_row_at(n)[0]) for n in range(2)] == ["à retirer", "à ajouter"]
        assert [f.path for f in ws.measures.files(state)] == [str(kept)]  # nothing yet
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, ConfirmScreen), "staged files are changes: asked first"
        await pilot.press("o")
        await pilot.pause()
        assert isinstance(app.screen, SecurityScreen)
        assert [f.path for f in ws.measures.files(state)] == [str(kept)]

        # Again, and delete twice keeps the file; ctrl+s writes the rest.
        form = await open_form(app, pilot)
        form.query_one("#mf-file", Input).focus()
        await pilot.press(*str(added), "enter")
        await settle(app, pilot)
        files = form.query_one("#mf-files", DataTable)
        files.focus()
        await pilot.press("delete")
        await pilot.pause()
        status = str(form.query_one("#mf-file-status", Static).render())
        assert "Suppr de nouveau pour le garder" in status
        await pilot.press("delete")
        await pilot.pause()
        assert "reste dans les preuves" in str(form.query_one("#mf-file-status", Static).render())
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, SecurityScreen)
    assert [f.path for f in ws.measures.files(state)] == [str(kept), str(added)]


async def test_typing_goes_on_while_a_file_is_hashed(tmp_path: Path, ws: Workspace) -> None:
    big = tmp_path / "sauvegarde.tar"
    with big.open("wb") as sparse:  # 4 GiB without writing them: seconds to hash
        sparse.truncate(4 << 30)
    app = app_on(ws, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        form = await open_form(app, pilot)
        field = form.query_one("#mf-file", Input)
        field.focus()
        field.value = str(big)
        await pilot.press("enter")
        await pilot.pause()
        field.value = ""  # the next path, typed while the first file is hashed
        await pilot.press("~", "/")
        assert form.hashing, "still hashing while the next path is typed"
        await pilot.press("ctrl+s")  # a file being read would be lost: refused and said
        await pilot.press(*"b.pdf")
        await pilot.pause()
        assert app.screen is form
        assert "en cours de lecture" in str(form.query_one("#mf-error", Static).render())
        for _ in range(200):
            await settle(app, pilot)
            if not form.hashing:
                break
        assert field.value == "~/b.pdf", "what was typed meanwhile stays"
        assert str(big) in form.added


async def test_the_checklist_counts_files_even_when_all_are_unchanged(
    tmp_path: Path, ws: Workspace
) -> None:
    for name in ("a", "b", "c"):
        (tmp_path / name).write_text(name)
        recorded(ws, tmp_path / name)
    app = app_on(ws, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SecurityScreen)
        table = screen.query_one("#security-table", DataTable)
        assert str(table.get_row("GOUV-01")[1]) == "3 ✓"
        line = str(screen.query_one("#security-evidence", Static).render())
        assert "GOUV-01" in line and "3 fichiers de preuve" in line and "3 inchangés" in line
        await pilot.press("down")
        await pilot.pause()
        assert not screen.query_one("#security-evidence", Static).display  # no files: no line
    async with app_on(ws, tmp_path).run_test(size=(80, 24)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        table = pilot.app.screen.query_one("#security-table", DataTable)
        assert str(table.get_row("GOUV-01")[1]) == "✓"


async def test_the_na_reason_saved_over_another_sessions_offers_a_merge(
    tmp_path: Path, ws: Workspace
) -> None:
    app = app_on(ws, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        entry = found(app.screen.selected())  # type: ignore[attr-defined]
        await pilot.press("a")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        other = open_workspace(ws.path, author="Léa")
        try:
            other.measures.set_status(
                entry.state, MeasureStatus.NOT_APPLICABLE, "Service sans données"
            )
        finally:
            other.close()
        await pilot.press(*"Hors périmètre", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen) and app.screen.merge
        await pilot.press("f")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        both = prompt.query_one(Input).value
        assert "Hors périmètre" in both and "Service sans données" in both
        prompt.query_one(Input).value = "Hors périmètre, sans données"
        await pilot.press("enter")
        await pilot.pause()
    saved = found(ws.measures.entry(entry.code)).state
    assert saved.status is MeasureStatus.NOT_APPLICABLE
    assert saved.justification == "Hors périmètre, sans données"
