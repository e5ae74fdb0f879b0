"""The guided runner: one case at a time, steps shown large, one key per result (taken
back with `u`); at the end, the cases that did not pass."""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import TYPE_CHECKING

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Horizontal, Vertical, VerticalScroll
from textual.content import Content
from textual.widgets import Header, Input, Label, ProgressBar, Select, Static, TextArea

from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.recette import (
    Campaign,
    ExecutionStatus,
    Importance,
    RunnerPlan,
    TestCase,
    comment_missing,
)
from prodtui.i18n import error_message, t
from prodtui.resources import styles_dir
from prodtui.ui.screens.dialogs import FormDialog, PromptScreen, form_bindings, record_key
from prodtui.ui.text import choices, lines, markup, plain
from prodtui.ui.undo import Undoable
from prodtui.ui.widgets.fields import LimitedInput
from prodtui.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from prodtui.store.recette import RecordedResult

END_SECTION_KEYS = {
    ExecutionStatus.FAIL: "recette.end.fail",
    ExecutionStatus.BLOCKED: "recette.end.blocked",
    ExecutionStatus.NOT_TESTABLE: "recette.end.not_testable",
    ExecutionStatus.SKIPPED: "recette.end.skipped",
}
"""The end screen's sections, in this order: the cases that did not pass, one heading
per status, shown only when a case has it."""
END_LISTED = 20
"""Cases listed under a heading; beyond, how many more."""


class RunnerScreen(Undoable):
    CSS_PATH = styles_dir() / "recette.tcss"
    BINDINGS = [
        Binding("p", "result('pass')", "recette.key.pass", id="runner.pass"),
        Binding("f", "result('fail')", "recette.key.fail", id="runner.fail"),
        Binding("b", "result('blocked')", "recette.key.blocked", id="runner.blocked"),
        # Before the rarer results: settling a failure is the next step of a fix-and-retest
        # loop, and the key bar keeps the first keys that fit.
        Binding("o", "result('settled')", "recette.key.settled", id="runner.settled"),
        Binding("s", "result('skipped')", "recette.key.skipped", id="runner.skipped"),
        Binding(
            "x", "result('not_testable')", "recette.key.not_testable", id="runner.not_testable"
        ),
        Binding("right", "skip_ahead", "recette.key.later", show=False, id="runner.later"),
        Binding("escape", "leave", "recette.key.leave", id="runner.leave"),
    ]

    def __init__(self, campaign: Campaign) -> None:
        super().__init__()
        self.campaign = campaign
        self.case: TestCase | None = None
        self.shown_at = time.monotonic()
        self.now: Callable[[], float] = time.monotonic

    def compose(self) -> ComposeResult:
        yield Header()
        with Vertical(id="runner"):
            yield Static("", id="runner-campaign", classes="screen-title")
            yield ProgressBar(id="runner-progress", show_eta=False)
            yield Static("", id="runner-counts")
            with VerticalScroll(id="runner-case"):
                yield Static("", id="runner-title")
                yield Label(t("recette.steps"), classes="section-title case-part")
                yield Static("", id="runner-steps", classes="case-part")
                yield Label(t("recette.expected"), classes="section-title case-part")
                yield Static("", id="runner-expected", classes="case-part")
                yield Static("", id="runner-end")
        yield KeyBar()

    def on_mount(self) -> None:
        self.show_next(None)

    def show_next(self, after: int | None) -> None:
        """The case after `after` still to run in this pass, or the end."""
        plan = self._show_progress()
        self._show_case(plan, plan.next_case(after))

    def _show_progress(self) -> RunnerPlan:
        plan = self.workspace.executions.plan(self.campaign)
        progress = plan.progress
        bar = self.query_one("#runner-progress", ProgressBar)
        bar.update(total=max(progress.total, 1), progress=progress.done)
        counts = " · ".join(
            t("recette.count", label=t(status.label_key), count=count)
            for status, count in progress.counts.items()
            if count
        )
        self.query_one("#runner-counts", Static).update(
            plain(
                t("recette.progress", done=progress.done, total=progress.total)
                + (f" — {counts}" if counts else "")
            )
        )
        self.query_one("#runner-campaign", Static).update(
            plain(
                t(
                    "recette.runner_title",
                    name=self.campaign.name,
                    number=self.campaign.pass_number,
                )
            )
        )
        return plan

    def _show_case(self, plan: RunnerPlan, case_id: int | None) -> None:
        # A case shows its steps and expected result; the end shows none of their headings.
        for part in self.query(".case-part"):
            part.display = case_id is not None
        end = self.query_one("#runner-end", Static)
        end.display = case_id is None
        if case_id is None:
            self.case = None
            failed = {plan.results.get(case) for case in plan.scope} & {
                ExecutionStatus.FAIL,
                ExecutionStatus.BLOCKED,
            }
            done = t("recette.all_done") if failed else t("recette.all_done_clean")
            self.query_one("#runner-title", Static).update(done)
            end.update(lines(self._end_sections()))
            return
        self.case = self.workspace.test_cases.get(case_id)
        self.shown_at = self.now()
        case = self.case
        status = plan.results.get(case_id)
        title = markup("[b]${key}[/b] ${title}", key=case.key, title=case.title)
        if status:  # the result of an earlier pass
            title += markup(" [dim](${status})[/]", status=t(status.label_key))
        self.query_one("#runner-title", Static).update(title)
        self.query_one("#runner-steps", Static).update(plain(case.steps or "—"))
        self.query_one("#runner-expected", Static).update(plain(case.expected or "—"))

    def action_result(self, status_name: str) -> None:
        if self.case is None:
            return
        status = ExecutionStatus(status_name)
        if comment_missing(status, ""):

            def commented(comment: str | None) -> None:
                if comment:
                    self._record(status, comment)

            self.app.push_screen(
                PromptScreen(
                    t("recette.comment_title", status=t(status.label_key)),
                    hint=t("recette.comment_hint"),
                    check=lambda v: None if v.strip() else t("recette.comment_needed"),
                    draft=f"execution:{self.case.id}:comment",
                ),
                commented,
            )
            return
        self._record(status, "")

    def _end_sections(self) -> list[Content | str]:
        """The cases of this pass that did not pass, under one heading per status; none
        for a status no case has."""
        latest = self.workspace.executions.latest_per_case(
            self.campaign, pass_number=self.campaign.pass_number
        )
        scope = set(self.workspace.campaigns.scope(self.campaign))
        parts: list[Content | str] = []
        for status, key in END_SECTION_KEYS.items():
            found = [e for case_id, e in sorted(latest.items()) if case_id in scope]
            found = [e for e in found if e.status is status]
            if not found:
                continue
            if parts:  # a blank line between sections; the title keeps its own margin
                parts.append("")
            parts.append(markup("[b]${heading}[/b]", heading=t(key, count=len(found))))
            for execution in found[:END_LISTED]:
                line = f"  {execution.case_key} {execution.case.title}"
                comment = " ".join(execution.comment.split())
                parts.append(f"{line} — {comment}" if comment else line)
            if len(found) > END_LISTED:
                parts.append("  " + t("recette.end.more", count=len(found) - END_LISTED))
        return parts

    def _record(self, status: ExecutionStatus, comment: str) -> None:
        case = self.case
        assert case is not None and case.id is not None
        try:
            recorded = self.workspace.executions.record_result(
                self.campaign,
                case,
                status,
                comment,
                tester=self.settings.author or None,
                duration_s=round(self.now() - self.shown_at, 1),
                reopen_story=self.settings.recette_failure_reopens_story,
            )
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            return
        if recorded.blocker is not None:
            self.notify(t("recette.story_reopened", case=case.key), markup=False)
        self._reread_campaign()
        self.show_next(case.id)
        # Short-lived: a tester records results a few seconds apart.
        self.offer_undo(
            t("undo.result", case=case.key, status=t(status.label_key)),
            lambda: self._withdraw(recorded, case),
            timeout=3,
        )

    def _withdraw(self, recorded: RecordedResult, case: TestCase) -> None:
        """Take a result back, with the blocker and the story reopening its failure
        brought; the case is shown again, to be run."""
        try:
            self.workspace.executions.withdraw(recorded)
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            return
        self.undone(t("undo.result_withdrawn", case=case.key))
        self._reread_campaign()
        self._show_case(self._show_progress(), case.id)

    def _reread_campaign(self) -> None:
        if self.campaign.id is not None:  # always saved: reread as it is now
            self.campaign = self.workspace.campaigns.get(self.campaign.id)

    def action_skip_ahead(self) -> None:
        if self.case is not None:
            self.show_next(self.case.id)

    def action_leave(self) -> None:
        self.dismiss(None)


class CaseFormScreen(FormDialog[TestCase]):
    """A manual test case: title, steps, expected result."""

    CSS_PATH = styles_dir() / "recette.tcss"
    BINDINGS = form_bindings("case_form")

    def __init__(self, case: TestCase | None = None) -> None:
        super().__init__()
        self.case = case

    def draft_identity(self) -> tuple[str, str] | None:
        case = self.case
        if case is None:
            return record_key("case", None), t("recette.new_case")
        return record_key("case", case), t("recette.edit_case", key=case.key)

    def compose(self) -> ComposeResult:
        case = self.case
        story = None
        if case is not None and case.story_id is not None:
            story = self.workspace.stories.get(case.story_id)
        title = t("recette.edit_case", key=case.key) if case else t("recette.new_case")
        with Vertical(classes="dialog wide"):
            yield Static(plain(title), classes="dialog-title")
            yield Label(t("recette.case_title"))
            yield LimitedInput(case.title if case else "", id="case-title", max_length=300)
            yield Label(t("recette.steps"))
            yield TextArea(case.steps if case else "", id="case-steps")
            yield Label(t("recette.expected"))
            yield TextArea(case.expected if case else "", id="case-expected")
            with Horizontal(classes="fields"):
                yield LimitedInput(
                    story.key if story else "",
                    placeholder=t("recette.filter_story"),
                    id="case-story",
                )
                yield LimitedInput(
                    ", ".join(case.tags) if case else "",
                    placeholder=t("recette.case_tags"),
                    id="case-tags",
                )
                yield Select(
                    choices([(t(i.label_key), i) for i in Importance]),
                    value=case.importance if case else Importance.MEDIUM,
                    allow_blank=False,
                    id="case-importance",
                )
            with Vertical(classes="dialog-footer"):
                yield Static("", id="case-error", classes="dialog-error", markup=False)
                yield Static(plain(t("recette.case_hint")), classes="dialog-hint")

    def action_save(self) -> None:
        workspace = self.workspace
        story_key = self.query_one("#case-story", Input).value.strip()
        story = workspace.stories.by_key(story_key) if story_key else None
        if story_key and story is None:
            self.query_one("#case-error", Static).update(
                plain(t("recette.unknown_key", key=story_key))
            )
            return
        tags = [tag.strip() for tag in self.query_one("#case-tags", Input).value.split(",")]
        values = {
            "title": self.query_one("#case-title", Input).value.strip(),
            "steps": self.query_one("#case-steps", TextArea).text,
            "expected": self.query_one("#case-expected", TextArea).text,
            "story_id": story.id if story else None,
            "tags": [tag for tag in tags if tag],
            "importance": self.query_one("#case-importance", Select).value,
        }
        try:
            case = (
                workspace.test_cases.add(TestCase(**values))
                if self.case is None
                else workspace.test_cases.save(self.case.edit(**values, needs_review=False))
            )
        except ConflictError as conflict:
            self._resolve(conflict)
            return
        except (ProdtuiError, ValueError) as error:
            self.query_one("#case-error", Static).update(plain(error_message(error)))
            return
        self.notify(t("recette.case_saved", key=case.key), markup=False)
        self.dismiss(case)

    def _resolve(self, conflict: ConflictError[TestCase]) -> None:
        def shown(case: TestCase) -> dict[str, str]:
            return {
                t("recette.case_title"): case.title,
                t("recette.steps"): case.steps,
                t("recette.expected"): case.expected,
                t("recette.case_tags"): ", ".join(case.tags),
            }

        def rebase(theirs: TestCase) -> None:
            self.case = theirs

        self.resolve_conflict(conflict, shown, rebase)


class CampaignFormScreen(FormDialog[Campaign]):
    """A campaign's name, target release, sprint and dates."""

    CSS_PATH = styles_dir() / "recette.tcss"
    BINDINGS = form_bindings("campaign_form")

    def __init__(self, campaign: Campaign | None) -> None:
        super().__init__()
        self.campaign = campaign
        self.known: set[int | None] = set()

    def draft_identity(self) -> tuple[str, str] | None:
        campaign = self.campaign
        label = f"{t('recette.campaign_form')} {campaign.name if campaign else ''}"
        return record_key("campaign", campaign), label

    def compose(self) -> ComposeResult:
        c = self.campaign
        # The campaigns there when the form opened: one of the same name created since,
        # in another session, is a conflict rather than a name already taken.
        self.known = {campaign.id for campaign in self.workspace.campaigns.listing()}
        sprints = [(s.name, s.id) for s in self.workspace.sprints.all()]
        with Vertical(classes="dialog wide"):
            yield Static(plain(t("recette.campaign_form")), classes="dialog-title")
            with Horizontal(classes="fields"):
                yield LimitedInput(
                    c.name if c else "", placeholder=t("recette.col.name"), id="cf-name"
                )
                yield LimitedInput(
                    c.release if c else "", placeholder=t("recette.col.release"), id="cf-release"
                )
            with Horizontal(classes="fields"):
                yield LimitedInput(
                    c.start_date.isoformat() if c and c.start_date else "",
                    placeholder=t("story.start"),
                    id="cf-start",
                )
                yield LimitedInput(
                    c.end_date.isoformat() if c and c.end_date else "",
                    placeholder=t("story.end"),
                    id="cf-end",
                )
                yield Select(
                    choices(sprints),
                    value=c.sprint_id if c and c.sprint_id else Select.NULL,
                    prompt=t("story.field.sprint"),
                    id="cf-sprint",
                )
            with Vertical(classes="dialog-footer"):
                yield Static("", id="cf-error", classes="dialog-error", markup=False)
                yield Static(plain(t("story.sprint_hint")), classes="dialog-hint")

    def action_save(self) -> None:
        from prodtui.domain.capture import parse_day
        from prodtui.ui.widgets.fields import select_value

        workspace = self.workspace
        error = self.query_one("#cf-error", Static)
        days = {}
        for name, selector in (("start_date", "#cf-start"), ("end_date", "#cf-end")):
            text = self.query_one(selector, Input).value.strip()
            day = parse_day(text, self.today()) if text else None
            if text and day is None:
                error.update(plain(t("standup.bad_date", value=text)))
                return
            days[name] = day
        values = {
            "name": self.query_one("#cf-name", Input).value.strip(),
            "release": self.query_one("#cf-release", Input).value.strip(),
            "sprint_id": select_value(self.query_one("#cf-sprint", Select)),
            **days,
        }
        try:
            theirs = (
                workspace.campaigns.named(str(values["name"])) if self.campaign is None else None
            )
            if theirs is not None and theirs.id not in self.known:
                mine = Campaign(**values).edit(id=theirs.id)
                raise ConflictError(workspace.campaigns.table, mine, theirs)
            saved = (
                workspace.campaigns.add(Campaign(**values))
                if self.campaign is None
                else workspace.campaigns.save(self.campaign.edit(**values))
            )
        except ConflictError as conflict:
            self._resolve(conflict)
            return
        except (ProdtuiError, ValueError) as problem:
            error.update(plain(error_message(problem)))
            return
        self.dismiss(saved)

    def _resolve(self, conflict: ConflictError[Campaign]) -> None:
        def shown(campaign: Campaign) -> dict[str, str]:
            days = (campaign.start_date, campaign.end_date)
            start, end = (day.isoformat() if day else "" for day in days)
            return {
                t("recette.col.name"): campaign.name,
                t("recette.col.release"): campaign.release,
                t("story.start"): start,
                t("story.end"): end,
            }

        def rebase(theirs: Campaign) -> None:
            self.campaign = theirs

        self.resolve_conflict(conflict, shown, rebase)
