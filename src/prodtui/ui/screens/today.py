"""Today: what needs the user now. Tiles for the panels still to come say so."""

from __future__ import annotations

from rich.markup import escape
from textual.app import ComposeResult
from textual.containers import Grid, Vertical
from textual.widgets import Static

from prodtui.i18n import t
from prodtui.ui.screens.base import WorkspaceScreen

SHOWN = 6


class TodayScreen(WorkspaceScreen):
    mode_name = "today"

    def compose_body(self) -> ComposeResult:
        with Grid(id="today-grid"):
            with Vertical(classes="tile", id="tile-inbox"):
                yield Static(t("today.inbox"), classes="tile-title")
                yield Static("", id="today-inbox", classes="tile-lines")
            with Vertical(classes="tile", id="tile-actions"):
                yield Static(t("today.actions"), classes="tile-title")
                yield Static("", id="today-actions", classes="tile-lines")
            with Vertical(classes="tile", id="tile-blockers"):
                yield Static(t("today.blockers"), classes="tile-title")
                yield Static("", id="today-blockers", classes="tile-lines")
            with Vertical(classes="tile coming", id="tile-coming"):
                yield Static(t("today.coming_title"), classes="tile-title")
                yield Static(t("today.coming"), classes="coming-text")

    def refresh_data(self) -> None:
        if not self.is_mounted:
            return
        items = self.workspace.items
        today = self.prodtui.today()
        inbox = [t("today.inbox_count", count=items.count_inbox())]
        for item in items.inbox(limit=SHOWN):
            inbox.append(f"• [dim]{t(f'kind.{item.kind.value}')}[/] {escape(item.text)}")
        self.query_one("#today-inbox", Static).update("\n".join(inbox))
        actions = items.open_actions_due(today)
        lines = []
        for action in actions[:SHOWN]:
            late = action.due_date is not None and action.due_date < today
            mark = "[b $error]⚠[/]" if late else "•"
            owner = f" [dim]@{escape(action.owner)}[/]" if action.owner else ""
            day = f"{action.due_date.day:02}/{action.due_date.month:02}" if action.due_date else ""
            lines.append(f"{mark} [b]{day}[/] {escape(action.text)}{owner}")
        if len(actions) > SHOWN:
            lines.append(t("today.more", count=len(actions) - SHOWN))
        self.query_one("#today-actions", Static).update("\n".join(lines) or t("today.no_actions"))
        blockers = items.open_blockers(limit=50)
        lines = []
        for blocker in blockers[:SHOWN]:
            age = (today - blocker.created_at.date()).days if blocker.created_at else 0
            lines.append(f"• [b]{t('today.age', days=age)}[/] {escape(blocker.text)}")
        if len(blockers) > SHOWN:
            lines.append(t("today.more", count=len(blockers) - SHOWN))
        self.query_one("#today-blockers", Static).update("\n".join(lines) or t("today.no_blockers"))
