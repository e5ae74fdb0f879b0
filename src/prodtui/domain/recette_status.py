"""What the Today dashboard needs of the recette, without the recette's models: the
result statuses, the pass rate and a pass's progress (imported before the first frame;
`prodtui.domain.recette` holds the rest and re-exports these)."""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from enum import StrEnum

from pydantic import BaseModel, ConfigDict


class ExecutionStatus(StrEnum):
    PASS = "pass"
    FAIL = "fail"
    BLOCKED = "blocked"
    SKIPPED = "skipped"
    NOT_TESTABLE = "not_testable"
    SETTLED = "settled"
    NOT_RUN = "not_run"

    @property
    def label_key(self) -> str:
        """The catalogue key of its label: `recette.status.<value>`."""
        return f"recette.status.{self.value}"


COMMENT_REQUIRED = frozenset({ExecutionStatus.FAIL, ExecutionStatus.BLOCKED})
"""The actual result must be written down: a bare "KO" helps nobody fix anything."""

JUDGED = frozenset({ExecutionStatus.PASS, ExecutionStatus.FAIL, ExecutionStatus.BLOCKED})
"""The statuses the pass rate is computed over: a case skipped, not testable, settled
(closed without a verdict) or not run says nothing about the product's quality."""

RERUN_STATUSES = frozenset({ExecutionStatus.FAIL, ExecutionStatus.BLOCKED})
"""What "re-run failed only" replays: failures and blocks, both still waiting for an OK."""


def pass_rate(statuses: Iterable[ExecutionStatus]) -> float | None:
    """Passed over judged (pass, fail, blocked); None when nothing was judged yet."""
    judged = passed = 0
    for status in statuses:
        if status in JUDGED:
            judged += 1
            passed += status is ExecutionStatus.PASS
    return passed / judged if judged else None


RATE_PLACES = 3
"""The most decimals a pass rate is shown with (99.999 %, past 200,000 judged cases)."""


def shown_rate(rate: float) -> tuple[float, int]:
    """A pass rate as it may be shown, and its decimals: whole percents, except near either
    end, where as many decimals as it takes (1,483 of 1,485 reads 99.9 %, not 100 %); so it
    reads 100 % only when every judged case passed and 0 % only when none did. Give both to
    the language's `percent`."""
    for places in range(RATE_PLACES + 1):
        shown = round(rate * 100, places)  # rounded as `percent` formats it
        if (shown < 100 or rate >= 1) and (shown > 0 or rate <= 0):
            return rate, places
    # Closer to an end than RATE_PLACES decimals can tell: one unit short of it.
    unit = 10.0 ** -(RATE_PLACES + 2)
    return min(max(rate, unit), 1 - unit), RATE_PLACES


def is_done(status: ExecutionStatus | None) -> bool:
    """A case still waits in the runner until it has a result other than "not run"."""
    return status is not None and status is not ExecutionStatus.NOT_RUN


class Progress(BaseModel):
    model_config = ConfigDict(defer_build=True)

    total: int
    counts: dict[ExecutionStatus, int]
    pending: int
    """Cases without any result in this pass."""

    @property
    def remaining(self) -> int:
        return self.pending + self.counts.get(ExecutionStatus.NOT_RUN, 0)

    @property
    def done(self) -> int:
        return self.total - self.remaining

    @property
    def ratio(self) -> float:
        return self.done / self.total if self.total else 1.0

    @property
    def pass_rate(self) -> float | None:
        judged = sum(self.counts.get(status, 0) for status in JUDGED)
        passed = self.counts.get(ExecutionStatus.PASS, 0)
        return passed / judged if judged else None


def progress(scope: Sequence[int], results: Mapping[int, ExecutionStatus]) -> Progress:
    """Counts per status of the cases in `scope`, from each case's latest result."""
    counts = dict.fromkeys(ExecutionStatus, 0)
    pending = 0
    for case_id in scope:
        status = results.get(case_id)
        if status is None:
            pending += 1
        else:
            counts[status] += 1
    return Progress(total=len(scope), counts=counts, pending=pending)
