"""The Today dashboard: its figures on a hand-built workspace, its empty states, each tile's
key landing on the right place, and snapshots at 120×40 and 80×24."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta

import pytest
from textual.widgets import Static

from prodtui.domain.dashboard import BlockersTile, SprintTile, TileItem, burndown, working_days
from prodtui.domain.homologation import ExpiryLevel, HomologationDecision, add_months
from prodtui.domain.items import Item, ItemKind
from prodtui.domain.people import Person, Role
from prodtui.domain.recette import Campaign, CampaignState, ExecutionStatus, TestCase
from prodtui.domain.security import MeasureStatus
from prodtui.domain.standup import StandupEntry
from prodtui.domain.stories import Sprint, Story, StoryStatus
from prodtui.i18n import set_language
from prodtui.store import Workspace
from prodtui.store.stories import StoryFilter
from prodtui.ui.screens.inbox import InboxScreen
from prodtui.ui.screens.recette import RecetteScreen
from prodtui.ui.screens.security import SecurityScreen
from prodtui.ui.screens.standup import StandupScreen
from prodtui.ui.screens.stories import StoriesScreen
from prodtui.ui.screens.today import TodayScreen, bar
from tests.conftest import TODAY, AppFactory, found, id_of

MONDAY = TODAY - timedelta(days=4)  # TODAY is a Friday: the sprint's second week is next

REFERENTIAL = """
[[measures]]
code = "GOUV-01"
category = "gouvernance"
title = "Désigner l'autorité d'homologation"
indispensable = true

[[measures]]
code = "PROT-01"
category = "protection"
title = "Chiffrer les flux"

[[measures]]
code = "DEF-01"
category = "defense"
title = "Journaliser les accès"
"""


@dataclass
class Built:
    sprint_id: int
    campaign_id: int
    other_campaign_id: int


def build(ws: Workspace) -> Built:
    """A team of three, a sprint of 13 points (5 done), a campaign of four cases (pass,
    fail, blocked, one left), three measures, and a homologation expiring in 20 days."""
    ws.meta.set("name", "Démarches simplifiées")
    lea, karim, sophie = (
        ws.people.add(Person(name=name, role=Role.DEV))
        for name in ("Léa Martin", "Karim Benali", "Sophie Durand")
    )
    ws.standups.save_entry(TODAY, StandupEntry(person_id=lea.id, today="Recette du dépôt"))
    ws.standups.save_entry(TODAY, StandupEntry(person_id=sophie.id, absent=True))
    ws.standups.raise_blocker(TODAY - timedelta(days=3), karim, "Pas d'accès à la préprod")
    ws.standups.raise_blocker(TODAY, lea, "Certificat expiré en recette")
    for text, due in (
        ("Relancer l'hébergeur", TODAY - timedelta(days=2)),
        ("Envoyer le compte rendu", TODAY),
        ("Préparer la démo", TODAY + timedelta(days=3)),
    ):
        ws.items.add(Item(kind=ItemKind.ACTION, text=text, due_date=due, owner="Léa Martin"))
    ws.items.add(Item(kind=ItemKind.IDEA, text="Un tutoriel vidéo pour les aidants"))

    sprint = ws.sprints.add(
        Sprint(name="Sprint 7", start_date=MONDAY, end_date=MONDAY + timedelta(days=11))
    )
    stories = [
        ws.stories.add(Story(title=title, points=points, sprint_id=sprint.id))
        for title, points in (("Déposer une demande", 5), ("Suivre sa demande", 8))
    ]
    ws.stories.add(Story(title="Abandonnée", points=3, sprint_id=sprint.id))
    ws.stories.set_status(ws.stories.get(id_of(stories[0])), StoryStatus.DONE)
    abandoned = ws.stories.by_key("US-3")
    assert abandoned is not None
    ws.stories.set_status(abandoned, StoryStatus.ABANDONED)

    cases = [ws.test_cases.add(TestCase(title=f"Cas {n}")) for n in range(1, 5)]
    older = ws.campaigns.add(Campaign(name="Recette v1.0", state=CampaignState.PLANNED))
    campaign = ws.campaigns.add(
        Campaign(name="Recette v1.1", start_date=MONDAY, state=CampaignState.IN_PROGRESS)
    )
    ws.executions.record(campaign, cases[0], ExecutionStatus.FAIL, "Écran blanc")
    ws.executions.record(campaign, cases[0], ExecutionStatus.PASS)  # the latest result counts
    ws.executions.record(campaign, cases[1], ExecutionStatus.FAIL, "Bouton absent")
    ws.executions.record(campaign, cases[2], ExecutionStatus.BLOCKED, "Préprod en panne")

    ws.measures.import_referential(REFERENTIAL, "test.toml")
    entries = {e.code: e for e in ws.measures.entries()}
    ws.measures.set_status(entries["GOUV-01"].state, MeasureStatus.DONE)
    partial = ws.measures.set_status(entries["PROT-01"].state, MeasureStatus.PARTIAL)
    ws.measures.save(partial.model_copy(update={"due_date": TODAY - timedelta(days=1)}))
    # Valid until the day before the date plus the validity: 20 days from today.
    ws.homologation.record_decision(
        _decision(decided_on=add_months(TODAY + timedelta(days=21), -12), validity_months=12)
    )
    assert sprint.id and campaign.id and older.id
    return Built(sprint_id=sprint.id, campaign_id=campaign.id, other_campaign_id=older.id)


def _decision(**fields: object) -> HomologationDecision:
    return HomologationDecision(
        **{"authority_name": "Préfète de région", "opinion": "favourable", **fields}
    )


def tile_text(app: object, name: str) -> str:
    return str(app.screen.query_one(f"#tile-{name}", Static).render())  # type: ignore[attr-defined]


# -- the figures ------------------------------------------------------------------------------


def test_every_tile_figure_on_a_hand_built_workspace(workspace: Workspace) -> None:
    built = build(workspace)
    snap = workspace.dashboard.snapshot(TODAY)

    assert snap.standup.spoke == ["Léa Martin"]
    assert snap.standup.absent == ["Sophie Durand"]
    assert snap.standup.waiting == ["Karim Benali"]
    assert snap.standup.held

    assert snap.blockers.count == 2
    assert [snap.blockers.age(b, TODAY) for b in snap.blockers.oldest] == [3, 0]

    assert (snap.actions.count, snap.actions.late, snap.actions.due_today) == (2, 1, 1)
    assert [a.text for a in snap.actions.first] == [
        "Relancer l'hébergeur",
        "Envoyer le compte rendu",
    ]
    # Captures typed in are to triage; blockers raised in the stand-up are filed already.
    assert snap.inbox.count == 4
    assert snap.inbox.newest[0].text == "Un tutoriel vidéo pour les aidants"

    sprint = snap.sprint
    assert sprint is not None and sprint.id == built.sprint_id
    assert (sprint.committed_points, sprint.done_points) == (13, 5)
    assert (sprint.committed_stories, sprint.done_stories) == (2, 1)
    assert sprint.remaining == 8
    assert len(sprint.days) == 10 and len(sprint.elapsed) == 5
    assert sprint.series[-1] == 8  # done today (the audit trail's date), counted by today
    assert sprint.ideal == 6 and sprint.behind

    campaign = snap.campaign
    assert campaign is not None and campaign.id == built.campaign_id
    assert campaign.progress.total == 4
    assert campaign.progress.pass_rate == pytest.approx(1 / 3)
    assert (campaign.failed, campaign.blocked, campaign.left) == (1, 1, 1)

    security = snap.security
    # 5 × (2 × 1 + 0.5 + 0) / (2 + 1 + 1) = 3.125, rounded half up to one decimal.
    assert security.score == 3.1
    assert (security.applicable, security.done, security.partial, security.late) == (3, 1, 1, 1)
    assert security.homologation is not None
    countdown = found(security.homologation.countdown(TODAY))
    assert countdown.days_left == 20 and countdown.level is ExpiryLevel.URGENT


async def test_the_tiles_show_the_figures(make_app: AppFactory, workspace: Workspace) -> None:
    build(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        assert "1/3 ont parlé · 1 absent" in tile_text(app, "standup")
        assert "Pas encore entendus\u202f: Karim" in tile_text(app, "standup")
        assert "le plus ancien\u202f: 3 j" in tile_text(app, "blockers")
        assert "1 en retard, 1 pour aujourd'hui" in tile_text(app, "actions")
        assert "4 capture" in tile_text(app, "inbox")
        sprint = tile_text(app, "sprint")
        assert "5/13 points faits · 1/2 stories" in sprint
        assert "reste 8 · idéal 6" in sprint and "En retard" in sprint
        campaign = tile_text(app, "campaign")
        assert "Recette v1.1" in campaign and "Réussite\u202f: 33\u202f%" in campaign
        assert (
            "en échec\u202f: 1 · bloqués\u202f: 1" in campaign and "1 cas restant sur 4" in campaign
        )
        security = tile_text(app, "security")
        assert "Indice 3,1 / 5" in security and "1 mesure en retard" in security
        assert "J-20\u202f: renouvellement urgent" in security
        # Each tile shows its key.
        titles = [str(tile.border_title) for tile in app.screen.query(".tile")]
        assert [title.split("]")[1].strip()[0] for title in titles] == list("sbatpch")


async def test_a_keymap_override_shows_on_the_tile(make_app: AppFactory) -> None:
    app = make_app('[keymap]\n"today.sprint" = "f2"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        title = str(app.screen.query_one("#tile-sprint").border_title)
        assert "f2" in title
        await pilot.press("f2")
        await pilot.pause()
        assert isinstance(app.screen, StoriesScreen)


def test_burndown_counts_work_from_the_day_it_was_done() -> None:
    days = working_days(MONDAY, TODAY)
    assert days == [MONDAY + timedelta(days=n) for n in range(5)]
    done = [(MONDAY - timedelta(days=2), 2), (MONDAY + timedelta(days=2), 3)]
    assert burndown(days, 10, done) == [8, 8, 5, 5, 5]
    assert bar([10, 5, 0], 10) == "█▄ "
    sprint = SprintTile(
        id=1, name="S", start=MONDAY, end=TODAY + timedelta(days=7), today=TODAY,
        committed_stories=4, done_stories=2,
        done_on=[(MONDAY, 0), (TODAY + timedelta(days=1), 0)],
    )  # fmt: skip
    # No points in the sprint: stories are the unit; a date after today counts as today.
    assert not sprint.in_points and sprint.series == [3, 3, 3, 3, 2]
    assert sprint.days_left == 5 and sprint.ideal == 2 and not sprint.behind
    blocker = TileItem(id=1, kind=ItemKind.BLOCKER, text="x", day=TODAY + timedelta(days=1))
    assert BlockersTile.age(blocker, TODAY) == 0


def test_the_levels_of_the_homologation_countdown(workspace: Workspace) -> None:
    # Each decision is dated after the one before: it becomes the latest.
    for days, level in ((60, ExpiryLevel.SOON), (120, ExpiryLevel.PLAN), (200, ExpiryLevel.OK)):
        workspace.homologation.record_decision(
            _decision(
                decided_on=add_months(TODAY + timedelta(days=days + 1), -24), validity_months=24
            )
        )
        homologation = workspace.dashboard.security(TODAY).homologation
        assert homologation is not None and found(homologation.countdown(TODAY)).level is level
    workspace.homologation.record_decision(
        _decision(decided_on=date(2025, 5, 26), validity_months=6)  # older: not the latest
    )
    homologation = workspace.dashboard.security(TODAY).homologation
    assert homologation is not None and found(homologation.countdown(TODAY)).days_left == 200


# -- empty workspace --------------------------------------------------------------------------


async def test_an_empty_workspace_says_so(make_app: AppFactory, workspace: Workspace) -> None:
    snap = workspace.dashboard.snapshot(TODAY)
    assert snap.sprint is None and snap.campaign is None and snap.security.score is None
    assert not snap.has_stories and not snap.has_campaigns
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        # Each empty tile says what it lacks, then what to do first: where, which key.
        assert (
            tile_text(app, "standup") == "Pas encore d'équipe.\n2 puis p\u202f: composer l'équipe"
        )
        assert "Aucun bloquant ouvert." in tile_text(app, "blockers")
        assert "Aucune action due aujourd'hui." in tile_text(app, "actions")
        assert tile_text(app, "inbox") == "Rien à trier.\n^n\u202f: capturer une note"
        assert tile_text(app, "sprint") == (
            "Aucune story pour l'instant.\n3 puis n\u202f: écrire une story"
        )
        assert tile_text(app, "campaign") == (
            "Aucune campagne pour l'instant.\n4 puis n\u202f: créer une campagne"
        )
        assert tile_text(app, "security") == (
            "Aucune mesure de sécurité pour l'instant.\n"
            "5 puis I\u202f: importer le référentiel fourni\n"
            "Aucune décision d'homologation enregistrée.\n"
            "5 puis h\u202f: suivre l'homologation"
        )
        # Jumping from an empty tile still lands on its screen.
        await pilot.press("p")
        await pilot.pause()
        assert isinstance(app.screen, StoriesScreen) and not app.screen.filter.active


async def test_stories_without_a_sprint_and_campaigns_none_running(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.stories.add(Story(title="Déposer une demande"))
    workspace.campaigns.add(Campaign(name="Recette v1", state=CampaignState.FINISHED))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert (
            tile_text(app, "sprint") == "Aucun sprint en cours.\n3 puis m\u202f: prévoir un sprint"
        )
        assert tile_text(app, "campaign") == "Aucune campagne en cours."


def test_the_keys_an_empty_tile_names_are_the_ones_bound() -> None:
    from textual.binding import Binding

    from prodtui.ui.app import ProdtuiApp
    from prodtui.ui.screens.today import HINT_KEYS

    bound = {
        b.id: b.key
        for screen in (ProdtuiApp, StandupScreen, StoriesScreen, RecetteScreen, SecurityScreen)
        for b in screen.BINDINGS
        if isinstance(b, Binding) and b.id in HINT_KEYS
    }
    assert bound == HINT_KEYS


async def test_an_empty_tile_names_the_keys_of_the_keymap(make_app: AppFactory) -> None:
    app = make_app('[keymap]\n"go.stories" = "f3"\n"stories.new" = "ctrl+o"\ncapture = "ctrl+k"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "f3 puis ^o\u202f: écrire une story" in tile_text(app, "sprint")
        assert "^k\u202f: capturer une note" in tile_text(app, "inbox")


async def test_a_team_without_stand_up_today(make_app: AppFactory, workspace: Workspace) -> None:
    workspace.people.add(Person(name="Léa Martin", role=Role.DEV))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        text = tile_text(app, "standup")
        assert "Pas encore de stand-up aujourd'hui" in text and "Léa" in text


async def test_english_tiles(make_app: AppFactory, workspace: Workspace) -> None:
    build(workspace)
    set_language("en")
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert "1/3 have spoken" in tile_text(app, "standup")
        assert "D-20: renewal urgent" in tile_text(app, "security")


# -- jumps ------------------------------------------------------------------------------------


async def test_s_b_a_open_todays_stand_up_on_people_blockers_and_actions(
    make_app: AppFactory, workspace: Workspace
) -> None:
    build(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        # Leave the stand-up on another day first: the tiles are about today.
        await pilot.press("2", "left_square_bracket", "1")
        await pilot.pause()
        for key, focused in (
            ("s", "standup-people"),
            ("b", "standup-blockers"),
            ("a", "standup-items"),
        ):
            await pilot.press(key)
            await pilot.pause()
            screen = app.screen
            assert isinstance(screen, StandupScreen)
            assert screen.day == TODAY
            assert app.focused is not None and app.focused.id == focused
            await pilot.press("1")
            await pilot.pause()
            assert isinstance(app.screen, TodayScreen)
        blockers = workspace.standups.blockers_on(TODAY)
        assert len(blockers) == 2


async def test_t_opens_the_inbox_to_triage(make_app: AppFactory, workspace: Workspace) -> None:
    build(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        # The inbox was left showing every capture: t brings back the ones to triage.
        await pilot.press("i", "a", "1", "t")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, InboxScreen) and not screen.show_all
        assert screen.table.row_count == 4
        assert app.focused is screen.table


async def test_p_opens_the_backlog_filtered_on_the_sprint(
    make_app: AppFactory, workspace: Workspace
) -> None:
    built = build(workspace)
    workspace.stories.add(Story(title="Hors sprint"))
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("p")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, StoriesScreen)
        assert screen.filter == StoryFilter(sprint_id=built.sprint_id)
        assert screen.table.row_count == 3  # the sprint's stories, the abandoned one too
        assert "Sprint 7" in str(screen.query_one("#stories-title", Static).render())


async def test_c_opens_the_campaign_in_progress(make_app: AppFactory, workspace: Workspace) -> None:
    built = build(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("4", "down")
        await pilot.pause()
        screen = app.screen
        assert isinstance(screen, RecetteScreen)
        assert found(screen.selected()).id == built.other_campaign_id
        await pilot.press("1", "c")
        await pilot.pause()
        assert found(screen.selected()).id == built.campaign_id
        assert app.screen is screen


async def test_h_opens_security(make_app: AppFactory, workspace: Workspace) -> None:
    build(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("h")
        await pilot.pause()
        assert isinstance(app.screen, SecurityScreen)


async def test_a_click_on_a_tile_jumps_too(make_app: AppFactory, workspace: Workspace) -> None:
    build(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.click("#tile-campaign")
        await pilot.pause()
        assert isinstance(app.screen, RecetteScreen)


async def test_the_tiles_follow_a_change(make_app: AppFactory, workspace: Workspace) -> None:
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("ctrl+n", *"! serveur de recette en panne", "enter")
        await pilot.pause()
        assert "1 ouvert" in tile_text(app, "blockers")


# -- layout -----------------------------------------------------------------------------------


async def test_the_grid_reflows_with_the_width(make_app: AppFactory, workspace: Workspace) -> None:
    build(workspace)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        grid = app.screen.query_one("#today-grid")
        assert grid.styles.grid_size_columns == 3
        await pilot.resize_terminal(80, 24)
        await pilot.pause()
        assert grid.styles.grid_size_columns == 2
        for tile in app.screen.query(".tile"):
            assert tile.region.right <= 80 and tile.region.bottom <= 23
        await pilot.resize_terminal(50, 30)
        await pilot.pause()
        assert grid.styles.grid_size_columns == 1


def test_snapshot_120_by_40(snap_compare, make_app: AppFactory, workspace: Workspace) -> None:
    build(workspace)
    assert snap_compare(make_app(), terminal_size=(120, 40))


def test_snapshot_80_by_24(snap_compare, make_app: AppFactory, workspace: Workspace) -> None:
    build(workspace)
    assert snap_compare(make_app(), terminal_size=(80, 24))


async def test_light_theme(make_app: AppFactory, workspace: Workspace) -> None:
    build(workspace)
    app = make_app('theme = "textual-light"\n')
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert app.theme == "textual-light" and not app.current_theme.dark
        assert "Indice 3,1 / 5" in tile_text(app, "security")


async def test_w_and_r_open_the_review_and_the_responsibilities(make_app: AppFactory) -> None:
    from prodtui.ui.screens.responsibilities import ResponsibilitiesScreen
    from prodtui.ui.screens.review import ReviewScreen

    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.press("w")
        await pilot.pause()
        assert isinstance(app.screen, ReviewScreen)
        await pilot.press("escape")
        await pilot.pause()
        assert isinstance(app.screen, TodayScreen)
        await pilot.press("r")
        await pilot.pause()
        assert isinstance(app.screen, ResponsibilitiesScreen)


def _reminders(app: object) -> list[str]:
    return [n.message for n in app._notifications if "revue" in n.message]  # type: ignore[attr-defined]


async def test_the_weekly_review_is_recalled_on_friday_until_answered(
    make_app: AppFactory, workspace: Workspace
) -> None:
    from prodtui.domain.review import QUESTIONS, ReviewAnswer, week_of

    # Never reviewed: nothing to recall.
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert _reminders(app) == []
    last_week = week_of(TODAY - timedelta(days=7))
    workspace.reviews.answer(last_week, QUESTIONS[0], ReviewAnswer.YES)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert _reminders(app) == [
            "La revue de la semaine n'est pas encore faite\u202f: w pour y répondre."
        ]
    for question in QUESTIONS:
        workspace.reviews.answer(week_of(TODAY), question, ReviewAnswer.PARTLY)
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        assert _reminders(app) == []


# -- homologation refused, lists cut ------------------------------------------------------------


async def test_an_unfavourable_decision_is_a_refusal_on_today(
    make_app: AppFactory, workspace: Workspace
) -> None:
    workspace.homologation.record_decision(
        _decision(decided_on=date(2026, 11, 20), opinion="unfavourable", validity_months=12)
    )
    homologation = workspace.dashboard.security(TODAY).homologation
    assert homologation is not None and not homologation.granted
    assert homologation.countdown(TODAY) is None
    app = make_app()
    async with app.run_test(size=(120, 40)) as pilot:
        await pilot.pause()
        security = tile_text(app, "security")
        assert "Homologation refusée le ven. 20/11" in security
        assert "valable" not in security and "J-" not in security


async def test_the_blockers_tile_says_how_many_it_cannot_show(
    make_app: AppFactory, workspace: Workspace
) -> None:
    build(workspace)
    lea = workspace.people.all()[0]
    workspace.standups.raise_blocker(TODAY, lea, "Jeu de données de recette incomplet")
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        tile = app.screen.query_one("#tile-blockers")
        lines = tile_text(app, "blockers").splitlines()
        # The tile holds three lines at 80×24: the count, one blocker, what is left.
        assert tile.content_size.height == len(lines) == 3
        assert lines[2] == "+2 de plus"
        await pilot.resize_terminal(120, 40)
        await pilot.pause()
        await pilot.pause()
        lines = tile_text(app, "blockers").splitlines()
        assert len(lines) == 4 and not any("de plus" in line for line in lines)


async def test_the_actions_and_inbox_tiles_say_how_many_they_cannot_show(
    make_app: AppFactory, workspace: Workspace
) -> None:
    for n in range(6):
        workspace.items.add(Item(text=f"capture {n}", kind=ItemKind.NOTE))
        workspace.items.add(
            Item(text=f"relance {n}", kind=ItemKind.ACTION, due_date=TODAY - timedelta(days=n))
        )
    app = make_app()
    async with app.run_test(size=(80, 24)) as pilot:
        await pilot.pause()
        await pilot.pause()
        for name in ("actions", "inbox"):
            tile = app.screen.query_one(f"#tile-{name}")
            lines = tile_text(app, name).splitlines()
            assert len(lines) == tile.content_size.height, name
            shown = len(lines) - 2  # the count line and the "+N" line
            total = 6 if name == "actions" else 12  # the inbox holds the actions too
            assert lines[-1] == f"+{total - shown} de plus", name


async def test_the_security_tile_hint_imports_the_shipped_referential(
    make_app: AppFactory, workspace: Workspace
) -> None:
    """What the empty tile says, done as said: 5, then I, then Enter with no path."""
    app = make_app()
    async with app.run_test(size=(120, 40), notifications=True) as pilot:
        await pilot.pause()
        await pilot.press("5", "I")
        await pilot.pause()
        await pilot.press("enter")
        await pilot.pause()
        assert isinstance(app.screen, SecurityScreen)
        assert workspace.measures.count() == 45
        assert any("45 mesures ajoutées" in str(n.message) for n in app._notifications)
        await pilot.press("1")
        await pilot.pause()
        assert "sur 45" in tile_text(app, "security")
