"""Checkpoint status (docs/design.md), computed in SQL from stored state and `today`.

Rules, in order:
- `waived`: the checkpoint was waived — withdrawing a task waives every checkpoint of it not yet
  closed (`CLOSED_STATES`), so the stored state says it; an accepted checkpoint of a withdrawn
  task stays done (the work was done and accepted);
- `done_on_time` / `done_late`: accepted; on time when the accepted submission was made on or
  before the ORIGINAL due date (an approved extension does not make a late item on time);
- `submitted`: awaiting the secretariat's review (even past the due date: the ball is not with
  the agency);
- `overdue`: past the (possibly extended) due date and not accepted — from the day after it;
- `returned`: sent back for rework and not yet past due;
- `not_due`: the reporting period has not opened yet;
- `in_progress_on_time`: the period is open and the due date not passed.
The one CASE expression below is the only definition: single checkpoints, lists, pages, rollups,
exports and mail all use it, and none adds conditions of its own.
"""

from datetime import date
from enum import StrEnum
from functools import lru_cache

from sqlalchemy import ColumnElement, and_, case, literal, or_

from models.checkpoint import Checkpoint, CheckpointState


class Status(StrEnum):
    not_due = "not_due"
    in_progress_on_time = "in_progress_on_time"
    overdue = "overdue"
    submitted = "submitted"
    done_on_time = "done_on_time"
    done_late = "done_late"
    returned = "returned"
    waived = "waived"


STATUS_LABELS_VI = {
    Status.not_due: "Chưa đến kỳ",
    Status.in_progress_on_time: "Đang thực hiện trong hạn",
    Status.overdue: "Quá hạn",
    Status.submitted: "Chờ thẩm định",
    Status.done_on_time: "Hoàn thành đúng hạn",
    Status.done_late: "Hoàn thành quá hạn",
    Status.returned: "Bị trả lại",
    Status.waived: "Miễn thực hiện",
}

DONE = (Status.done_on_time, Status.done_late)
CLOSED_STATES = (CheckpointState.accepted, CheckpointState.waived)  # nothing more is owed
OVERDUE_STATES = (CheckpointState.open, CheckpointState.returned)  # the states `overdue` can come from
SUBMITTABLE_STATES = (CheckpointState.open, CheckpointState.returned)
NO_DATE = date(1, 1, 1)  # a summary row's date that no branch of the status CASE reads


def overdue_columns(
    today: date, state=Checkpoint.state, due_date=Checkpoint.due_date
) -> list[ColumnElement[bool]]:
    """`status_expr(today) == overdue` said in plain columns, so an index on (due_date, state) serves it.

    Over a checkpoint by default; a summary row's columns give the same condition on the summary.
    """
    return [due_date < today, state.in_(OVERDUE_STATES)]


@lru_cache(maxsize=8)  # built once a day, not in every list of every request (SQL elements are immutable)
def status_expr(today: date) -> ColumnElement[str]:
    """SQL expression giving a checkpoint's status on `today`."""
    c = Checkpoint
    return status_of(today, c.state, accepted_on_time(), c.due_date, c.opens_on)


def accepted_on_time() -> ColumnElement[bool]:
    """Whether the accepted (or reviewed) submission was made on or before the ORIGINAL due date."""
    return Checkpoint.submitted_on <= Checkpoint.original_due_date


def status_of(today: date, state, on_time, due_date, opens_on) -> ColumnElement[str]:
    """The status CASE over any row holding a checkpoint's inputs (a checkpoint, or a summary row)."""
    return case(
        (state == CheckpointState.waived, literal(Status.waived.value)),
        (and_(state == CheckpointState.accepted, on_time), literal(Status.done_on_time.value)),
        (state == CheckpointState.accepted, literal(Status.done_late.value)),
        (state == CheckpointState.submitted, literal(Status.submitted.value)),
        (due_date < today, literal(Status.overdue.value)),
        (state == CheckpointState.returned, literal(Status.returned.value)),
        (opens_on > today, literal(Status.not_due.value)),
        else_=literal(Status.in_progress_on_time.value),
    )


def counts_as_due(today: date, state=Checkpoint.state, original_due_date=Checkpoint.original_due_date):
    """Whether a checkpoint is in the figures' denominator on `today` (unless waived): see rollups.py."""
    return or_(original_due_date <= today, state == CheckpointState.accepted)


def summary_inputs() -> dict[str, ColumnElement]:
    """The checkpoint columns `status_of` and `counts_as_due` read, each reduced to what they read.

    A summary row counts the checkpoints that agree on all of these, so the status CASE computed on
    the row equals the status of each of them on any `today`. To keep the summary small, a column
    is replaced by NO_DATE (or False) in the states whose branches of the CASE above never read it:
    on time matters only once accepted; the current due date only for open and returned work (the
    waived, accepted and submitted branches come first); the opening date only for open work (the
    returned branch comes before it); the original due date (`counts_as_due`) not once accepted,
    and not for waived work, which no share counts.
    """
    c = Checkpoint
    keep = lambda column, states, empty=NO_DATE: case((c.state.in_(states), column), else_=empty)  # noqa: E731
    return {
        "state": c.state,
        "on_time": case((and_(c.state == CheckpointState.accepted, accepted_on_time()), True), else_=False),
        "due_date": keep(c.due_date, OVERDUE_STATES),
        "opens_on": keep(c.opens_on, (CheckpointState.open,)),
        "original_due_date": keep(c.original_due_date, (*OVERDUE_STATES, CheckpointState.submitted)),
    }


def days_late(due: date, today: date) -> int:
    """Whole days past the due date (0 when not late)."""
    return max(0, (today - due).days)


def days_late_on(status: str, today: date, due: date, original_due: date, submitted_on: date | None) -> int:
    """How late a checkpoint is, as a report states it: an overdue one by today against its (possibly
    extended) due date; one reported late (done late, or awaiting review) by its report against the
    ORIGINAL due date, as `done_late` is judged; 0 otherwise."""
    if status == Status.overdue:
        return days_late(due, today)
    if status in (Status.done_late, Status.submitted) and submitted_on is not None:
        return days_late(original_due, submitted_on)
    return 0
