"""Checkpoints as lists show them (inbox, desk, digests): one item shape, one query, one grouping.

Grouping of what an agency owes (each checkpoint in exactly one group, by its status on `today`):
- `overdue`: past the (possibly extended) due date and not accepted — oldest due date first;
- `returned`: sent back for rework, not yet past due;
- `due_soon`: open, not submitted, due within `horizon_days` (14) days;
- `later`: the rest still to do (including periods not yet open);
- `awaiting_review`: submitted, the ball is with the secretariat.
Overdue and returned items carry the secretariat's latest return reason. Ties keep the plan's order.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import and_, or_, select
from sqlmodel import Session

from models import Agency, Checkpoint, CheckpointState, Plan, Review, Section, Submission, Task
from workflows.checkpoints.status import Status, days_late, status_expr

HORIZON_DAYS = 14  # "due soon" in the inbox and the head digest
OWED = (Status.overdue, Status.returned, Status.in_progress_on_time, Status.not_due, Status.submitted)


@dataclass(frozen=True)
class CheckpointItem:
    """One checkpoint with its task's words, deadline phrase, agency and status on `today`."""

    checkpoint_id: int
    task_id: int
    task_ref: str
    section_ref: str
    plan_number: str
    task_text: str
    schedule_phrase: str
    schedule_kind: str
    period_label: str
    due_date: date
    original_due_date: date
    status: str
    days_late: int
    days_left: int
    agency_id: int
    agency_name: str
    submitted_on: date | None = None
    return_reason: str = ""  # the secretariat's latest reason, for returned work


def checkpoint_items(session: Session, today: date, *filters) -> list[CheckpointItem]:
    """Checkpoints of live tasks matching `filters`, by due date then plan order (one query)."""
    stmt = (
        select(
            Checkpoint,
            Task.ref,
            Task.text,
            Task.schedule_phrase,
            Task.schedule_kind,
            Section.ref,
            Plan.number,
            Agency.name,
            status_expr(today).label("status"),
        )
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Section, Section.id == Task.section_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Agency, Agency.id == Checkpoint.agency_id)
        .where(Task.withdrawn.is_(False), *filters)
        .order_by(Checkpoint.due_date, Plan.id, Section.position, Task.position, Checkpoint.id)
    )
    return [
        CheckpointItem(
            checkpoint_id=cp.id,
            task_id=cp.task_id,
            task_ref=ref,
            section_ref=section_ref,
            plan_number=number,
            task_text=text,
            schedule_phrase=phrase,
            schedule_kind=kind,
            period_label=cp.period_label,
            due_date=cp.due_date,
            original_due_date=cp.original_due_date,
            status=status,
            days_late=days_late(cp.due_date, today),
            days_left=(cp.due_date - today).days,
            agency_id=cp.agency_id,
            agency_name=agency,
            submitted_on=cp.submitted_on,
        )
        for cp, ref, text, phrase, kind, section_ref, number, agency, status in session.execute(stmt).all()
    ]


def return_reasons(session: Session, checkpoint_ids: list[int]) -> dict[int, str]:
    """The latest return reason of each checkpoint still returned (absent when never returned)."""
    if not checkpoint_ids:
        return {}
    stmt = (
        select(Submission.checkpoint_id, Review.reason)
        .join(Review, Review.submission_id == Submission.id)
        .join(Checkpoint, Checkpoint.id == Submission.checkpoint_id)
        .where(
            Submission.checkpoint_id.in_(checkpoint_ids),
            Review.decision == "return",
            Checkpoint.state == CheckpointState.returned,
        )
        .order_by(Review.reviewed_at, Review.id)
    )
    return {cp_id: reason for cp_id, reason in session.execute(stmt).all()}  # later rows win


@dataclass
class Worklist:
    """What one agency owes, grouped (see the module docstring)."""

    overdue: list[CheckpointItem] = field(default_factory=list)
    returned: list[CheckpointItem] = field(default_factory=list)
    due_soon: list[CheckpointItem] = field(default_factory=list)
    later: list[CheckpointItem] = field(default_factory=list)
    awaiting_review: list[CheckpointItem] = field(default_factory=list)

    @property
    def owed(self) -> list[CheckpointItem]:
        """Everything the agency still has to do, in inbox order."""
        return self.overdue + self.returned + self.due_soon + self.later

    def add(self, item: CheckpointItem, soon: date) -> None:
        """File one item in its group."""
        if item.status == Status.overdue:
            self.overdue.append(item)
        elif item.status == Status.returned:
            self.returned.append(item)
        elif item.status == Status.submitted:
            self.awaiting_review.append(item)
        elif item.status == Status.in_progress_on_time and item.due_date <= soon:
            self.due_soon.append(item)
        else:
            self.later.append(item)


def worklists(
    session: Session, today: date, *filters, horizon_days: int = HORIZON_DAYS, with_later: bool = True
) -> dict[int, Worklist]:
    """Each agency's grouped worklist of the checkpoints matching `filters` (two queries in all).

    `with_later=False` leaves the `later` group empty without reading it (the digests).
    """
    soon = today + timedelta(days=horizon_days)
    status = status_expr(today)
    if with_later:
        wanted = status.in_(OWED)
    else:
        wanted = or_(
            status.in_((Status.overdue, Status.returned, Status.submitted)),
            and_(status == Status.in_progress_on_time, Checkpoint.due_date <= soon),
        )
    items = checkpoint_items(session, today, *filters, wanted)
    reasons = return_reasons(
        session, [i.checkpoint_id for i in items if i.status in (Status.returned, Status.overdue)]
    )
    lists: dict[int, Worklist] = {}
    for item in items:
        if item.checkpoint_id in reasons:
            item = replace(item, return_reason=reasons[item.checkpoint_id])
        lists.setdefault(item.agency_id, Worklist()).add(item, soon)
    return lists
