"""The weekly review: five questions answered with one key, a comment each, and the
history of every question as coloured marks with its trend."""

from __future__ import annotations

from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.widgets import DataTable, Header, Input, Static

from prodtui.domain.errors import ConflictError, ProdtuiError
from prodtui.domain.review import (
    HISTORY_WEEKS,
    MAX_COMMENT,
    NO_MARK,
    QUESTIONS,
    TREND_WEEKS,
    HealthReview,
    ReviewAnswer,
    ReviewQuestion,
    Trend,
    shift_week,
    trend,
    week_days,
    week_of,
    weeks_until,
)
from prodtui.i18n import error_message, format_day, t, tn
from prodtui.resources import styles_dir
from prodtui.ui.screens.base import ProdtuiScreen
from prodtui.ui.text import plain
from prodtui.ui.widgets.drafts import DraftInput
from prodtui.ui.widgets.fitted_table import Ending, FittedTable, Row
from prodtui.ui.widgets.key_bar import KeyBar

ANSWER_STYLE = {ReviewAnswer.YES: "green", ReviewAnswer.PARTLY: "yellow", ReviewAnswer.NO: "red"}
TREND_SIGN = {Trend.BETTER: "↗", Trend.SAME: "→", Trend.WORSE: "↘"}
TREND_STYLE = {Trend.BETTER: "green", Trend.SAME: "", Trend.WORSE: "red"}


def draft_key(week: str, question: ReviewQuestion) -> str:
    return f"review:{week}:{question.value}"


class CommentInput(DraftInput):
    """The comment being typed: escape saves it, as in the stand-up's entry, and the key
    bar says so (the screen's escape closes the review)."""

    BINDINGS = [Binding("escape", "screen.close", "key.save", id="review.comment_save")]


class ReviewScreen(ProdtuiScreen[None]):
    CSS_PATH = styles_dir() / "review.tcss"
    BINDINGS = [
        Binding("y,o", "answer('yes')", "review.key.yes", id="review.yes"),
        Binding("p", "answer('partly')", "review.key.partly", id="review.partly"),
        Binding("n", "answer('no')", "review.key.no", id="review.no"),
        Binding("c,enter", "comment", "review.key.comment", id="review.comment"),
        Binding("left_square_bracket", "week(-1)", "review.key.previous", id="review.previous"),
        Binding("right_square_bracket", "week(1)", "review.key.next", id="review.next"),
        Binding("t", "this_week", "review.key.this_week", id="review.this_week"),
        Binding("escape", "close", "key.close", id="review.close"),
    ]

    def __init__(self, week: str | None = None, question: ReviewQuestion | None = None) -> None:
        super().__init__()
        self._start = (week, question)
        self.week = week or ""
        self.answers: dict[ReviewQuestion, HealthReview] = {}
        self.roadmap_warnings = 0
        # The answer as it was when its comment was opened: the save checks against that
        # version, even if a refresh meanwhile showed a newer one.
        self._commenting: HealthReview | None = None

    def compose(self) -> ComposeResult:
        yield Header()
        yield Static("", id="review-title", classes="screen-title", markup=False)
        yield Static("", id="review-status", markup=False)
        yield FittedTable(
            [
                ("question", t("review.col.question")),
                ("answer", t("review.col.answer")),
                ("history", t("review.col.history", weeks=HISTORY_WEEKS)),
                ("trend", t("review.col.trend")),
            ],
            flex="question",
            id="review-table",
        )
        yield Static("", id="review-detail", markup=False)
        yield CommentInput(
            "review:",
            id="review-comment",
            classes="hidden",
            max_length=MAX_COMMENT,
            placeholder=t("review.comment_placeholder"),
            select_on_focus=False,  # the saved comment is edited, not replaced
        )
        yield Static(plain(t("review.hint")), id="review-hint", classes="dialog-hint")
        yield KeyBar()

    def on_mount(self) -> None:
        week, question = self._start
        self.week = week or week_of(self.today())
        self.reload()
        table = self.query_one(DataTable)
        table.focus()
        if question is not None:
            table.move_cursor(row=QUESTIONS.index(question))
            self.action_comment()

    # -- showing ----------------------------------------------------------------------------

    def refresh_data(self) -> None:
        if self.is_mounted:
            self.reload()

    def reload(self) -> None:
        repo = self.workspace.reviews
        self.answers = repo.week(self.week)
        marks = repo.marks(weeks_until(self.week, HISTORY_WEEKS))
        # The security question shows the roadmap's warnings beside it.
        self.roadmap_warnings = self.workspace.roadmap.warning_count(self.today())
        rows: list[Row] = []
        for question in QUESTIONS:
            answered = self.answers.get(question)
            name: str | Ending = t(question.short_key)
            if question is ReviewQuestion.SECURITY_ROADMAP and self.roadmap_warnings:
                # The mark stays whole when the name is cut.
                mark = t("review.roadmap_mark", count=self.roadmap_warnings)
                name = Ending(t(question.short_key), mark)
            cells: list[Text | str | Ending] = [
                name,
                _answer_cell(answered.answer if answered else None),
                _marks_cell(marks[question]),
                _trend_cell(trend(marks[question][-TREND_WEEKS:])),
            ]
            rows.append((cells, question.value))
        self.query_one("#review-table", FittedTable).fill(rows)
        monday, sunday = week_days(self.week)
        self.query_one("#review-title", Static).update(
            plain(
                t(
                    "review.title",
                    week=int(self.week[-2:]),
                    year=self.week[:4],  # the ISO year: week 1 may start in December
                    start=format_day(monday, short=True),
                    end=format_day(sunday, short=True),
                )
            )
        )
        missing = len(QUESTIONS) - len(self.answers)
        status = self.query_one("#review-status", Static)
        current = self.week == week_of(self.today())
        if missing:
            key = "review.pending_this_week" if current else "review.pending"
            status.update(plain(tn(key, missing)))
        else:
            status.update(plain(t("review.done")))
        status.set_class(bool(missing) and current, "review-pending")
        self._show_detail()

    def selected(self) -> ReviewQuestion:
        row = self.query_one(DataTable).cursor_row
        return QUESTIONS[min(max(row, 0), len(QUESTIONS) - 1)]

    def on_data_table_row_highlighted(self, event: DataTable.RowHighlighted) -> None:
        self._show_detail()

    def _show_detail(self) -> None:
        question = self.selected()
        answered = self.answers.get(question)
        lines = [t(question.label_key)]
        if question is ReviewQuestion.SECURITY_ROADMAP and self.roadmap_warnings:
            lines.append(tn("review.roadmap_warnings", self.roadmap_warnings))
        if answered and answered.comment:
            lines.append(t("review.comment_line", comment=answered.comment))
        elif answered:
            lines.append(t("review.no_comment"))
        self.query_one("#review-detail", Static).update(plain("\n".join(lines)))

    # -- answering --------------------------------------------------------------------------

    def action_answer(self, value: str) -> None:
        question = self.selected()
        try:
            self.workspace.reviews.answer(
                self.week, question, ReviewAnswer(value), seen=self.answers.get(question)
            )
        except ConflictError as conflict:
            self._resolve(conflict)
            return
        except ProdtuiError as error:
            self.notify(error_message(error), severity="error", markup=False)
            return
        # The selection stays on the answered question: the `c` that often follows comments
        # this answer, not the next question. The arrows move on.
        self.reload()

    def action_comment(self) -> None:
        question = self.selected()
        field = self.query_one("#review-comment", DraftInput)
        key = draft_key(self.week, question)
        field.draft.key = key
        field.draft.label = t("review.draft_label", week=self.week, question=t(question.short_key))
        draft = self.workspace.drafts.get(key)
        answered = self._commenting = self.answers.get(question)
        with field.prevent(Input.Changed):  # filling the field is not typing: no draft
            field.value = draft.content if draft else answered.comment if answered else ""
        field.draft.enabled = True
        field.remove_class("hidden")
        field.focus()

    def on_input_submitted(self, event: Input.Submitted) -> None:
        event.stop()
        self._save_comment(event.value, leave=False)

    def _save_comment(self, value: str, *, leave: bool) -> None:
        """Save the comment typed (enter, or escape as in the stand-up's entry). Without an
        answer it cannot be saved: it stays a draft, and escape still leaves the field."""
        field = self.query_one("#review-comment", DraftInput)
        question = self.selected()
        answered = self._commenting or self.answers.get(question)
        if answered is None:
            field.draft.flush_if_pending()
            if value.strip():
                self.notify(t("review.answer_first"), severity="warning")
            if leave:
                self._leave_comment()
            return
        if value.strip() == answered.comment:  # nothing changed: nothing to write
            self._commented()
            return
        try:
            self.workspace.reviews.save(answered.edit(comment=value.strip()))
        except ConflictError as conflict:
            field.draft.flush_if_pending()  # kept until the user has chosen
            self._resolve(conflict)
            return
        except ProdtuiError as error:
            field.draft.flush_if_pending()
            self.notify(error_message(error), severity="error", markup=False)
            self.reload()
            return
        self._commented()

    def _commented(self) -> None:
        self.query_one("#review-comment", DraftInput).draft.discard()
        self._leave_comment()
        self.reload()

    def _resolve(self, conflict: ConflictError[HealthReview]) -> None:
        """Another session answered this question first: show both answers and comments,
        keep the one the user picks (mine is saved over theirs)."""
        mine = conflict.mine
        assert mine is not None  # an answer saved, not a delete
        commenting = self.query_one("#review-comment", DraftInput).has_focus

        def shown(review: HealthReview) -> dict[str, str]:
            return {
                t("review.col.answer"): t(review.answer.label_key),
                t("review.conflict_comment"): review.comment,
            }

        def done() -> None:
            if commenting:
                self._commented()
            else:
                self.reload()

        def keep_mine(theirs: HealthReview) -> None:
            kept = theirs.edit(answer=mine.answer, comment=mine.comment)
            try:
                self.workspace.reviews.save(kept)
            except ConflictError as again:  # a third save meanwhile: choose again
                self._resolve(again)
                return
            except ProdtuiError as error:
                # Mine cannot be written over theirs: theirs stands, mine goes to the
                # history. If even that fails, the comment stays in its field (a draft).
                if not self.set_aside(conflict):
                    if not commenting:
                        self.reload()
                    return
                reason = error_message(error)
                self.notify(
                    t("conflict.mine_not_applied", reason=reason), severity="warning", markup=False
                )
            done()

        self.ask_conflict(conflict, shown, keep_mine, lambda _theirs: done())

    def _leave_comment(self) -> None:
        self._commenting = None
        field = self.query_one("#review-comment", DraftInput)
        field.add_class("hidden")
        self.query_one(DataTable).focus()

    # -- moving -----------------------------------------------------------------------------

    def action_week(self, offset: int) -> None:
        target = shift_week(self.week, offset)
        if target > week_of(self.today()):
            self.notify(t("review.no_future"), severity="warning")
            return
        self.week = target
        self.reload()

    def action_this_week(self) -> None:
        self.week = week_of(self.today())
        self.reload()

    def action_close(self) -> None:
        field = self.query_one("#review-comment", DraftInput)
        if field.has_focus:  # escape saves, as everywhere text is typed
            self._save_comment(field.value, leave=True)
            return
        self.dismiss(None)


def _answer_cell(answer: ReviewAnswer | None) -> Text:
    if answer is None:
        return Text(t("review.unanswered"), style="dim")
    return Text(f"{answer.mark} {t(answer.label_key)}", style=ANSWER_STYLE[answer])


def _marks_cell(answers: list[ReviewAnswer | None]) -> Text:
    text = Text()
    for n, answer in enumerate(answers):
        if n:
            text.append(" ")
        if answer is None:
            text.append(NO_MARK, style="dim")
        else:
            text.append(answer.mark, style=ANSWER_STYLE[answer])
    return text


def _trend_cell(value: Trend | None) -> Text:
    if value is None:
        return Text("—", style="dim")
    return Text(f"{TREND_SIGN[value]} {t(value.label_key)}", style=TREND_STYLE[value])
