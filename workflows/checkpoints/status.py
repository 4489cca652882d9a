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

from sqlalchemy import ColumnElement, and_, case, literal

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


def overdue_columns(today: date) -> list[ColumnElement[bool]]:
    """`status_expr(today) == overdue` said in plain columns, so an index on (due_date, state) serves it."""
    return [Checkpoint.due_date < today, Checkpoint.state.in_(OVERDUE_STATES)]


def status_expr(today: date) -> ColumnElement[str]:
    """SQL expression giving a checkpoint's status on `today`."""
    c = Checkpoint
    return case(
        (c.state == CheckpointState.waived, literal(Status.waived.value)),
        (
            and_(c.state == CheckpointState.accepted, c.submitted_on <= c.original_due_date),
            literal(Status.done_on_time.value),
        ),
        (c.state == CheckpointState.accepted, literal(Status.done_late.value)),
        (c.state == CheckpointState.submitted, literal(Status.submitted.value)),
        (c.due_date < today, literal(Status.overdue.value)),
        (c.state == CheckpointState.returned, literal(Status.returned.value)),
        (c.opens_on > today, literal(Status.not_due.value)),
        else_=literal(Status.in_progress_on_time.value),
    )


def days_late(due: date, today: date) -> int:
    """Whole days past the due date (0 when not late)."""
    return max(0, (today - due).days)
