"""Two sessions on one workspace file, the last screens on the one conflict path: the
weekly review when mine cannot be applied over theirs, a person renamed, a campaign's
automated command (saved meanwhile, or deleted meanwhile), and the homologation
decision's text fields merged by hand. Harness: `tests/test_two_sessions_records.py`."""

from __future__ import annotations

from pathlib import Path

from textual.widgets import DataTable, Input

from prodtui.domain.homologation import HomologationDecision, Opinion
from prodtui.domain.people import Person
from prodtui.domain.recette import Campaign
from prodtui.store import Workspace
from prodtui.ui.screens.automated_run import AutomatedRunScreen
from prodtui.ui.screens.dialogs import ConflictScreen, PromptScreen
from prodtui.ui.screens.homologation import DecisionFormScreen
from prodtui.ui.screens.recette import RecetteScreen
from prodtui.ui.screens.review import ReviewScreen
from prodtui.ui.screens.team import TeamScreen
from tests.conftest import TODAY, id_of
from tests.test_app import messages
from tests.test_two_sessions_records import (
    answer_prompt,
    discarded,
    everything_said,
    open_screen,
    save_and_see_conflict,
    two_sessions,
)


def ballast_table(ws: Workspace) -> None:
    """A table the disk-full trap below fills (made before the app opens the file)."""
    with ws.transaction():
        ws.conn.execute("CREATE TABLE ballast (data BLOB)")


def fill_the_disk_on_review_updates(ws: Workspace) -> None:
    """From now on, on this connection only, updating an answer of the weekly review
    fails with SQLite's real "database or disk is full": the update writes a large blob
    beside it, and the file may grow by a few pages only. Smaller writes (the audit log)
    still fit."""
    ws.conn.execute(
        "CREATE TEMP TRIGGER review_fills_the_disk AFTER UPDATE ON main.health_reviews"
        " BEGIN INSERT INTO ballast (data) VALUES (zeroblob(4000000)); END"
    )
    [(pages,)] = ws.conn.execute("PRAGMA page_count").fetchall()
    ws.conn.execute(f"PRAGMA max_page_count = {pages + 50}")


# -- weekly review -----------------------------------------------------------------------------


async def test_review_comment_kept_as_mine_but_not_applied_goes_to_the_history(
    tmp_path: Path,
) -> None:
    async with two_sessions(tmp_path, ballast_table) as (alice, bruno, app, pilot):
        await open_screen(pilot, ReviewScreen())
        screen = app.screen
        assert isinstance(screen, ReviewScreen)
        question = screen.selected()
        await pilot.press("y")
        await pilot.pause()
        screen.query_one(DataTable).move_cursor(row=0)
        await pilot.press("c")
        await pilot.pause()
        [answered] = [r for r in alice.reviews.history(question) if r.week == screen.week]
        alice.reviews.save(answered.edit(comment="commentaire d'Alice"))
        await pilot.press(*"selon Bruno", "enter")
        await pilot.pause()
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        fill_the_disk_on_review_updates(bruno)
        await pilot.press("m")  # keep mine: it cannot be written over theirs
        await pilot.pause()
        [review] = [r for r in bruno.reviews.history(question) if r.week == screen.week]
        assert review.comment == "commentaire d'Alice", "theirs stands"
        kept = discarded(bruno, "health_reviews", id_of(review))
        assert any("selon Bruno" in text for text in kept), "mine is in the history"
        assert any("ne peut pas s'appliquer" in text for text in messages(app))


# -- team --------------------------------------------------------------------------------------


async def test_person_renamed_meanwhile_can_be_merged_by_hand(tmp_path: Path) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.people.add(Person(name="Chloé"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        [person] = bruno.people.all()
        await open_screen(pilot, TeamScreen())
        await pilot.press("e")
        await pilot.pause()
        alice.people.save(person.edit(name="Chloé Martin"))
        await answer_prompt(pilot, "Chloé Durand")
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen), "merging by hand opens the prompt again"
        both = app.screen.query_one(Input).value
        assert "Chloé Durand" in both and "Chloé Martin" in both
        await answer_prompt(pilot, "Chloé Durand-Martin")
        assert not isinstance(app.screen, ConflictScreen | PromptScreen)
        assert bruno.people.get(id_of(person)).name == "Chloé Durand-Martin"
        assert "Chloé Martin" in everything_said(bruno, "people", id_of(person))


# -- campaign command --------------------------------------------------------------------------


async def test_a_command_typed_over_a_campaign_saved_meanwhile_can_be_merged(
    tmp_path: Path,
) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.campaigns.add(Campaign(name="Recette 1"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        await open_screen(pilot, RecetteScreen())
        await pilot.press("a")
        await pilot.pause()
        [campaign] = alice.campaigns.all()
        alice.campaigns.save(campaign.edit(command="echo alice"))
        await answer_prompt(pilot, "echo bruno")
        assert isinstance(app.screen, ConflictScreen), "the loser sees the conflict"
        await pilot.press("f")
        await pilot.pause()
        assert isinstance(app.screen, PromptScreen), "merging by hand opens the prompt again"
        both = app.screen.query_one(Input).value
        assert "echo bruno" in both and "echo alice" in both
        await answer_prompt(pilot, "echo fusion")
        assert isinstance(app.screen, AutomatedRunScreen), "the merged command runs"
        assert bruno.campaigns.get(id_of(campaign)).command == "echo fusion"
        assert "echo alice" in everything_said(bruno, "campaigns", id_of(campaign))


def delete_campaign(ws: Workspace, campaign: Campaign) -> None:
    """No screen deletes a campaign yet; another tool on the file may."""
    with ws.transaction():
        ws.conn.execute("DELETE FROM campaigns WHERE id = ?", [id_of(campaign)])


async def test_a_command_typed_over_a_campaign_deleted_meanwhile_offers_to_recreate_it(
    tmp_path: Path,
) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.campaigns.add(Campaign(name="Recette 1"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        await open_screen(pilot, RecetteScreen())
        await pilot.press("a")
        await pilot.pause()
        [campaign] = alice.campaigns.all()
        delete_campaign(alice, campaign)
        await answer_prompt(pilot, "echo bruno")
        assert isinstance(app.screen, ConflictScreen), "the deletion is shown, not 'introuvable'"
        assert app.screen.theirs is None
        assert not any("introuvable" in text for text in messages(app))
        await pilot.press("m")  # recreate mine
        await pilot.pause()
        [recreated] = bruno.campaigns.all()
        assert (recreated.name, recreated.command) == ("Recette 1", "echo bruno")


async def test_a_command_typed_over_a_campaign_deleted_meanwhile_and_let_go_is_kept(
    tmp_path: Path,
) -> None:
    async with two_sessions(tmp_path, lambda ws: ws.campaigns.add(Campaign(name="Recette 1"))) as (
        alice,
        bruno,
        app,
        pilot,
    ):
        await open_screen(pilot, RecetteScreen())
        await pilot.press("a")
        await pilot.pause()
        [campaign] = alice.campaigns.all()
        delete_campaign(alice, campaign)
        await answer_prompt(pilot, "echo bruno")
        assert isinstance(app.screen, ConflictScreen)
        await pilot.press("escape")  # let it go
        await pilot.pause()
        assert bruno.campaigns.all() == []
        kept = discarded(bruno, "campaigns", id_of(campaign))
        assert any("echo bruno" in text for text in kept)


async def test_a_campaign_state_set_after_a_deletion_elsewhere_is_a_conflict(
    tmp_path: Path,
) -> None:
    """`set_state` reads the stored campaign first too: the deletion reaches the user."""
    async with two_sessions(tmp_path, lambda ws: ws.campaigns.add(Campaign(name="Recette 1"))) as (
        alice,
        bruno,
        _app,
        _pilot,
    ):
        [campaign] = bruno.campaigns.all()
        delete_campaign(alice, campaign)
        from prodtui.domain.recette import CampaignState
        from prodtui.store.base import DeletedElsewhere

        try:
            bruno.campaigns.set_state(campaign, CampaignState.IN_PROGRESS)
        except DeletedElsewhere as conflict:
            assert conflict.recreate is not None
        else:
            raise AssertionError("a campaign deleted elsewhere was saved")


# -- homologation decision ---------------------------------------------------------------------


async def test_a_decision_recorded_meanwhile_can_be_merged_by_hand(tmp_path: Path) -> None:
    async with two_sessions(tmp_path) as (alice, bruno, app, pilot):
        await open_screen(pilot, DecisionFormScreen())
        form = app.screen
        form.query_one("#df-name", Input).value = "Autorité selon Bruno"
        form.query_one("#df-role", Input).value = "Directrice"
        form.query_one("#df-date", Input).value = TODAY.isoformat()
        alice.homologation.record_decision(
            HomologationDecision(
                authority_name="Autorité selon Alice",
                authority_role="Préfète",
                opinion=Opinion.FAVOURABLE,
                decided_on=TODAY,
                validity_months=12,
            )
        )
        await save_and_see_conflict(pilot)
        await pilot.press("f")
        await pilot.pause()
        assert app.screen is form, "both texts are in the form"
        name = form.query_one("#df-name", Input).value
        role = form.query_one("#df-role", Input).value
        assert "Autorité selon Bruno" in name and "Autorité selon Alice" in name
        assert "Directrice" in role and "Préfète" in role
        form.query_one("#df-name", Input).value = "Autorité commune"
        form.query_one("#df-role", Input).value = "Préfète"
        await pilot.press("ctrl+s")
        await pilot.pause()
        assert not isinstance(app.screen, DecisionFormScreen | ConflictScreen)
        current = bruno.homologation.current_decision()
        assert current is not None
        assert (current.authority_name, current.authority_role) == ("Autorité commune", "Préfète")
