"""The security checklist driven with the real keys, on the demo workspace."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from textual.widgets import DataTable, Input

from prodtui.config import load_settings
from prodtui.domain.errors import ConflictError
from prodtui.domain.security import EvidenceCheck, MeasureStatus, next_status
from prodtui.exchange.evidence import fingerprint
from prodtui.i18n import t
from prodtui.sample.demo import build_demo_workspace
from prodtui.store import Workspace, open_workspace
from prodtui.store.security import MeasureFilter
from prodtui.ui.app import ProdtuiApp
from prodtui.ui.screens.dialogs import ConflictScreen, PromptScreen
from prodtui.ui.screens.security import MeasureFormScreen, SecurityScreen
from tests.conftest import TODAY, found, id_of, wait_until

S = MeasureStatus


@pytest.fixture
def demo(tmp_path: Path) -> Iterator[Workspace]:
    ws = open_workspace(build_demo_workspace(tmp_path / "demo.db", today=TODAY), author="Camille")
    yield ws
    ws.close()


def security(app: ProdtuiApp) -> SecurityScreen:
    screen = app.screen
    assert isinstance(screen, SecurityScreen)
    return screen


def app_on(ws: Workspace, tmp_path: Path) -> ProdtuiApp:
    config = tmp_path / "config.toml"
    config.write_text('author = "Claire Dumoulin"\n', encoding="utf-8")
    return ProdtuiApp(ws, load_settings(config), config, today=lambda: TODAY)


async def test_walking_the_checklist_with_keys(demo: Workspace, tmp_path: Path) -> None:
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SecurityScreen)
        table = screen.query_one(DataTable)
        total = table.row_count
        assert total >= 40
        assert "Indice de sécurité" in str(screen.query_one("#security-score").render())
        code = found(screen.selected()).code
        before = found(screen.selected()).state.status
        await pilot.press("s")
        await pilot.pause()
        assert found(demo.measures.entry(code)).state.status is not before
        # Not applicable needs a justification.
        await pilot.press("down", "a")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        app.screen.query_one(Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*"Pas de données personnelles ici", "enter")
        await pilot.pause()
        second = screen.entries[1]
        assert second.state.status is MeasureStatus.NOT_APPLICABLE
        assert second.state.justification == "Pas de données personnelles ici"
        # Filters: mine (the settings' author), then none.
        await pilot.press("m")
        await pilot.pause()
        assert 0 < table.row_count < total
        assert all(e.state.owner == "Claire Dumoulin" for e in screen.entries)
        await pilot.press("m", "o")
        await pilot.pause()
        assert all(not e.state.owner for e in screen.entries)
        await pilot.press("o", "exclamation_mark")
        await pilot.pause()
        assert all(e.measure.indispensable for e in screen.entries)
        await pilot.press("exclamation_mark")
        await pilot.pause()
        table.move_cursor(row=0)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#mf-owner", Input).value = "Inès Garnier"
        app.screen.query_one("#mf-due", Input).value = "31/02"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert "31/02" in str(app.screen.query_one("#mf-error").render())
        app.screen.query_one("#mf-due", Input).value = "2026-12-15"
        await pilot.press("ctrl+s")
        await pilot.pause()
    first = found(demo.measures.entry(code))
    assert first.state.owner == "Inès Garnier" and str(first.state.due_date) == "2026-12-15"


async def test_a_measure_planned_in_a_story_shows_on_both_screens(
    demo: Workspace, tmp_path: Path
) -> None:
    from prodtui.ui.screens.stories import StoriesScreen

    unplanned = demo.measures.entries(MeasureFilter(no_plan=True))
    assert unplanned, "the demo has indispensable measures with no plan"
    target = unplanned[0]
    story = demo.stories.page(limit=1)[0]
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5", "p")
        await pilot.pause()
        screen = security(app)
        assert {e.code for e in screen.entries} == {e.code for e in unplanned}
        screen.query_one(DataTable).move_cursor(row=0)
        await pilot.press("e")
        await pilot.pause()
        app.screen.query_one("#mf-story", Input).value = story.key
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert target.code not in {e.code for e in screen.entries}
        await pilot.press("3")
        await pilot.pause()
        assert isinstance(app.screen, StoriesScreen)
        preview = str(app.screen.query_one("#stories-preview-text").render())
        assert target.code in preview


async def test_status_keys_walk_every_status_and_na_needs_a_reason(
    demo: Workspace, tmp_path: Path
) -> None:
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SecurityScreen)
        table = screen.query_one(DataTable)
        await pilot.press("down", "down", "up")
        await pilot.pause()
        assert table.cursor_row == 1
        code = found(screen.selected()).code
        seen = []
        for _ in range(4):
            await pilot.press("s")
            await pilot.pause()
            seen.append(found(demo.measures.entry(code)).state.status)
            assert found(screen.selected()).code == code  # the cursor stays on the measure
        # Four presses walk the whole cycle, whatever the start, and come back to it.
        assert set(seen) == {S.TODO, S.PARTIAL, S.DONE, S.IGNORED}
        assert [next_status(s) for s in seen[:-1]] == seen[1:]

        # `a` with an empty justification: enter is refused in the dialog, escape leaves
        # the measure as it was and says why.
        before = found(demo.measures.entry(code)).state
        await pilot.press("a")
        await pilot.pause()
        prompt = app.screen
        assert isinstance(prompt, PromptScreen)
        prompt.query_one(Input).value = ""
        await pilot.press("enter")
        await pilot.pause()
        assert app.screen is prompt
        assert "justification" in str(prompt.query_one("#prompt-error").render())
        await pilot.press("escape")
        await pilot.pause()
        assert app.screen is screen
        assert found(demo.measures.entry(code)).state == before
        assert any("demande une justification" in n.message for n in app._notifications)
        # Then with a reason.
        await pilot.press("a", *"Aucun agent n'administre ce service", "enter")
        await pilot.pause()
        after = found(demo.measures.entry(code)).state
        assert after.status is S.NOT_APPLICABLE
        assert after.justification == "Aucun agent n'administre ce service"
        assert "Non applicable" in str(table.get_row_at(1))
        # The change is in the day's score history, shown with the trend.
        assert demo.measures.history(since=TODAY)[0].day == TODAY
        assert "Tendance" in str(screen.query_one("#security-trend").render())


async def test_show_measure_clears_hiding_filters(demo: Workspace, tmp_path: Path) -> None:
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5", "m")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, SecurityScreen)
        mine = {e.code for e in screen.entries}
        target = next(e.code for e in demo.measures.entries() if e.code not in mine)
        screen.show_measure(target.lower())
        await pilot.pause()
        assert screen.filters == set()
        assert found(screen.selected()).code == target
        # A measure the filters show keeps them.
        await pilot.press("m")
        await pilot.pause()
        shown = screen.entries[-1].code
        screen.show_measure(shown)
        await pilot.pause()
        assert screen.filters == {"mine"} and found(screen.selected()).code == shown
        screen.show_measure("NOPE-1")
        await pilot.pause()
        assert found(screen.selected()).code == shown
        assert any("NOPE-1" in n.message for n in app._notifications)


def first_file(files: DataTable[Any]) -> str:
    """The first row of a form's evidence files, or '' while there is none."""
    return str(files.get_row_at(0)[0]) if files.row_count else ""


def alert(screen: SecurityScreen, code: str) -> bool:
    return next(e for e in screen.entries if e.code == code).evidence_alert


async def test_evidence_files_in_the_form(demo: Workspace, tmp_path: Path) -> None:
    proof = tmp_path / "pv-recette.txt"
    proof.write_text("PV de recette signé\n", encoding="utf-8")
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = security(app)
        code = found(screen.selected()).code
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MeasureFormScreen)
        form.query_one("#mf-file", Input).focus()
        # Files are looked at in a thread: each step waits for what it shows.
        await pilot.press(*str(tmp_path / "absent.pdf"), "enter")
        status = form.query_one("#mf-file-status")
        await wait_until(pilot, lambda: "n'existe pas" in str(status.render()))
        assert "n'existe pas" in str(status.render())
        form.query_one("#mf-file", Input).value = str(proof)
        await pilot.press("enter")
        files = form.query_one("#mf-files", DataTable)
        await wait_until(pilot, lambda: "à ajouter" in first_file(files))
        assert files.row_count == 1 and "à ajouter" in first_file(files)
        await pilot.press("ctrl+s")  # staged until the form is saved
        await wait_until(pilot, lambda: app.screen is screen)

        # The file changes: a check from the checklist marks the measure.
        proof.write_text("PV de recette modifié\n", encoding="utf-8")
        await pilot.press("c")
        await wait_until(pilot, lambda: alert(screen, code))
        entry = next(e for e in screen.entries if e.code == code)
        assert entry.evidence_alert
        assert "⚠ 1/1" in str(screen.query_one(DataTable).get_row(code)[1])
        line = str(screen.query_one("#security-evidence").render())
        assert "1 fichier de preuve" in line and "1 modifié" in line

        # Opening the form checks again; `r` on the file accepts the new content.
        await pilot.press("e")
        await wait_until(
            pilot,
            lambda: (
                isinstance(app.screen, MeasureFormScreen)
                and "modifié" in first_file(app.screen.query_one("#mf-files", DataTable))
            ),
        )
        form = app.screen
        files = form.query_one("#mf-files", DataTable)
        assert "modifié" in first_file(files)
        files.focus()
        await pilot.press("r")
        await wait_until(pilot, lambda: "à réenregistrer" in first_file(files))
        assert "à réenregistrer" in first_file(files)
        await pilot.press("ctrl+s")
        await wait_until(pilot, lambda: app.screen is screen and not alert(screen, code))
        assert not next(e for e in screen.entries if e.code == code).evidence_alert
        assert "1 ✓" in str(screen.query_one(DataTable).get_row(code)[1])
    (recorded,) = demo.measures.files(found(demo.measures.entry(code)).state)
    assert recorded.sha256 == hashlib.sha256(proof.read_bytes()).hexdigest()


async def test_importing_a_csv_referential_from_the_screen(demo: Workspace, tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("code;category;title\nEQ-1;hygiene;Revue\n", encoding="utf-8")
    good = tmp_path / "good.csv"
    good.write_text("code;category;title;indispensable\nEQ-1;Défense;Revue;oui\n", "utf-8")
    count = demo.measures.count()
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5", "I")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen)
        await pilot.press(*str(bad), "enter")
        # Read in a thread, said when done.
        await wait_until(
            pilot, lambda: any("bad.csv:2 (EQ-1)" in n.message for n in app._notifications)
        )
        assert demo.measures.count() == count
        await pilot.press("I", *str(good), "enter")
        await wait_until(pilot, lambda: "EQ-1" in {e.code for e in security(app).entries})
        assert demo.measures.count() == count + 1
        assert "EQ-1" in {e.code for e in security(app).entries}


def test_security_screen_snapshot(snap_compare, tmp_path: Path) -> None:
    ws = open_workspace(build_demo_workspace(tmp_path / "demo.db", today=TODAY), author="Camille")
    try:
        assert snap_compare(app_on(ws, tmp_path), press=["5"], terminal_size=(120, 40))
    finally:
        ws.close()


async def test_a_conflict_in_the_measure_form_shows_both_and_keeps_the_chosen_one(
    demo: Workspace, tmp_path: Path
) -> None:
    other = open_workspace(demo.path, author="Léa")  # another session on the same file
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        code = found(security(app).selected()).code
        await pilot.press("e")
        await pilot.pause()
        form = app.screen
        assert isinstance(form, MeasureFormScreen)
        other.measures.save(found(other.measures.entry(code)).state.edit(comment="Vu avec le RSSI"))
        form.query_one("#mf-comment", Input).value = "Revue faite le 20/11"
        await pilot.press("ctrl+s")
        await pilot.pause()
        conflict = app.screen
        assert isinstance(conflict, ConflictScreen)
        assert conflict.mine["Commentaire"] == "Revue faite le 20/11"
        assert found(conflict.theirs)["Commentaire"] == "Vu avec le RSSI"
        await pilot.press("m")
        await pilot.pause()
        assert isinstance(app.screen, SecurityScreen)  # saved over theirs, form closed
        assert found(demo.measures.entry(code)).state.comment == "Revue faite le 20/11"

        # Theirs: the form closes and their version stays.
        await pilot.press("e")
        await pilot.pause()
        other.measures.save(found(other.measures.entry(code)).state.edit(how="Procédure écrite"))
        app.screen.query_one("#mf-how", Input).value = "Oral"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("t")
        await pilot.pause()
        assert isinstance(app.screen, SecurityScreen)
    other.close()
    assert found(demo.measures.entry(code)).state.how == "Procédure écrite"


async def test_typing_into_a_prefilled_field_of_the_measure_form_appends(
    demo: Workspace, tmp_path: Path
) -> None:
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        owner = found(security(app).selected()).state.owner
        assert owner
        await pilot.press("e")
        await pilot.pause()
        field = app.screen.query_one("#mf-owner", Input)
        assert field.has_focus
        await pilot.press("space", "B", "tab", "shift+tab", "x")
        await pilot.pause()
        assert field.value == f"{owner} Bx"


@pytest.mark.parametrize("width, height", [(80, 24), (120, 40)])
async def test_the_security_table_shows_status_owner_and_due_on_screen(
    demo: Workspace, tmp_path: Path, width: int, height: int
) -> None:
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(width, height)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        table = app.screen.query_one("#security-table", DataTable)
        keys = [column.key.value for column in table.ordered_columns]
        assert keys[-3:] == ["status", "owner", "due"]
        assert ("priority" in keys) is (width >= 100)
        used = sum(column.get_render_width(table) for column in table.ordered_columns)
        assert used <= table.scrollable_content_region.width
        # A late measure shows its warning in the due column, whole.
        late = next(e for e in security(app).entries if e.is_late(TODAY))
        due = str(table.get_row(late.code)[-1])
        assert due.startswith("⚠") and len(due) <= table.ordered_columns[-1].width
        hint = str(app.screen.query_one("#security-filters").render())
        assert " r\u202f: risques " in hint and " x\u202f: dossier" in hint


async def test_an_evidence_check_ending_after_the_form_closed_is_saved(
    demo: Workspace, tmp_path: Path
) -> None:
    proof = tmp_path / "sauvegardes.tar"
    proof.write_bytes(b"\0" * (64 << 20))  # hashing takes a while
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        state = found(security(app).selected()).state
        (file,) = [demo.measures.record_file(state, fingerprint(str(proof)))]
        with proof.open("r+b") as changed:
            changed.write(b"1")
        form = MeasureFormScreen(found(security(app).selected()))
        await app.push_screen(form)
        form.dismiss(None)  # closed as soon as opened, before the hash is known
        await pilot.pause()
        assert isinstance(app.screen, SecurityScreen)
        # The check starts with the form's mount and ends in a thread.
        await wait_until(pilot, lambda: demo.measures.files(state)[0].last_check is not None)
    (checked,) = demo.measures.files(state)
    assert checked.id == file.id and checked.last_check is EvidenceCheck.CHANGED


def test_deleting_a_risk_changed_meanwhile_elsewhere_is_refused(demo: Workspace) -> None:
    risk = demo.risks.list()[0]
    other = open_workspace(demo.path, author="Léa")
    try:
        other.risks.save(other.risks.get(id_of(risk)).edit(owner="Léa"))
    finally:
        other.close()
    with pytest.raises(ConflictError) as refused:
        demo.risks.delete(id_of(risk), risk.version)
    assert refused.value.theirs.owner == "Léa"
    assert demo.risks.get(id_of(risk)).owner == "Léa"  # still there
    fresh = demo.risks.get(id_of(risk))
    demo.risks.delete(id_of(fresh), fresh.version)
    assert all(r.id != risk.id for r in demo.risks.list())


async def test_a_status_set_by_one_key_comes_back_with_u(demo: Workspace, tmp_path: Path) -> None:
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(140, 40), notifications=True) as pilot:
        await pilot.press("5")
        await pilot.pause()
        screen = security(app)
        entry = found(screen.selected())
        before = entry.state.status
        after = next_status(before)
        await pilot.press("s")
        await pilot.pause()
        said = [n.message for n in app._notifications]
        assert said[-1] == f"{entry.code}\u202f: {t(after.label_key)} · u pour annuler"
        assert found(demo.measures.entry(entry.code)).state.status is after
        await pilot.press("u")
        await pilot.pause()
        assert found(demo.measures.entry(entry.code)).state.status is before
        said = [n.message for n in app._notifications]
        assert said[-1] == f"Annulé — {entry.code}\u202f: {t(before.label_key)}"


async def test_undoing_a_status_gives_back_not_applicable_and_its_reason(
    demo: Workspace, tmp_path: Path
) -> None:
    first = demo.measures.entries(MeasureFilter())[0]  # the checklist's first row
    code = first.code
    demo.measures.set_status(first.state, S.NOT_APPLICABLE, "Pas de données personnelles")
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        assert found(security(app).selected()).code == code
        await pilot.press("s")  # "Non applicable" goes back to "À lancer"
        await pilot.pause()
        assert found(demo.measures.entry(code)).state.status is S.TODO
        await pilot.press("u")
        await pilot.pause()
    state = found(demo.measures.entry(code)).state
    assert (state.status, state.justification) == (S.NOT_APPLICABLE, "Pas de données personnelles")


async def test_an_undo_over_a_measure_saved_elsewhere_shows_both(
    demo: Workspace, tmp_path: Path
) -> None:
    app = app_on(demo, tmp_path)
    async with app.run_test(size=(140, 40)) as pilot:
        await pilot.press("5")
        await pilot.pause()
        entry = found(security(app).selected())
        await pilot.press("s")
        await pilot.pause()
        other = open_workspace(demo.path, author="Bob")
        theirs = found(other.measures.entry(entry.code)).state
        other.measures.save(theirs.edit(owner="Bob"))
        other.close()
        await pilot.press("u")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("t")  # theirs: my status stays as the key set it
        await pilot.pause()
    state = found(demo.measures.entry(entry.code)).state
    assert (state.status, state.owner) == (next_status(entry.state.status), "Bob")
