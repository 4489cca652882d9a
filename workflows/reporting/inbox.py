"""A focal point's inbox: what the agency owes, most urgent first, and the tasks it supports.

Grouping (each checkpoint in exactly one group, by its status on `today`):
- `overdue`: past the (possibly extended) due date and not accepted — oldest due date first;
- `returned`: sent back for rework, not yet past due;
- `due_soon`: open, not submitted, due within `horizon_days` (14) days;
- `later`: the rest still to do (including periods not yet open);
- `awaiting_review`: submitted, the ball is with the secretariat.
Ties are broken by the task's position in the plan, so the plan's own order is kept.
`supported`: for each task the agency supports (phối hợp), the lead agency's current checkpoint —
the earliest one not accepted or waived, or the last one when all are closed.
"""

from dataclasses import dataclass, field, replace
from datetime import date, timedelta

from sqlalchemy import case, func, select
from sqlmodel import Session

from models import Agency, Checkpoint, TaskSupport
from workflows.checkpoints.queries import CLOSED, visible_to
from workflows.checkpoints.status import Status, status_expr
from workflows.kernel.actors import Actor
from workflows.kernel.errors import InvalidInput, NotFound
from workflows.reporting.worklists import CheckpointItem, checkpoint_items, return_reasons

HORIZON_DAYS = 14


InboxItem = CheckpointItem  # the inbox shows checkpoints as every list does


@dataclass
class Inbox:
    agency_id: int
    agency_name: str
    overdue: list[InboxItem] = field(default_factory=list)
    returned: list[InboxItem] = field(default_factory=list)
    due_soon: list[InboxItem] = field(default_factory=list)
    later: list[InboxItem] = field(default_factory=list)
    awaiting_review: list[InboxItem] = field(default_factory=list)
    supported: list[InboxItem] = field(default_factory=list)

    @property
    def owed(self) -> list[InboxItem]:
        """Everything the agency still has to do, in inbox order."""
        return self.overdue + self.returned + self.due_soon + self.later


OPEN_STATUSES = (
    Status.overdue,
    Status.returned,
    Status.in_progress_on_time,
    Status.not_due,
    Status.submitted,
)


def inbox_agency_id(actor: Actor, agency_id: int | None) -> int:
    """The agency whose inbox `actor` may read: their own, or any for those who see all."""
    if not actor.sees_all:
        if actor.agency_id is None:
            raise InvalidInput("account.no_agency")
        if agency_id is not None and agency_id != actor.agency_id:
            raise NotFound("not_found", what="agency", id=agency_id)
        return actor.agency_id
    if agency_id is None:
        raise InvalidInput("agency.choose")
    return agency_id


def agency_inbox(
    session: Session,
    actor: Actor,
    today: date,
    agency_id: int | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> Inbox:
    """The inbox of the actor's agency (or of `agency_id` for the secretariat)."""
    agency_id = inbox_agency_id(actor, agency_id)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    inbox = Inbox(agency_id=agency.id, agency_name=agency.name)
    soon = today + timedelta(days=horizon_days)
    still_open = status_expr(today).in_(OPEN_STATUSES)
    for item in checkpoint_items(session, today, Checkpoint.agency_id == agency_id, still_open):
        if item.status == Status.overdue:
            inbox.overdue.append(item)
        elif item.status == Status.returned:
            inbox.returned.append(item)
        elif item.status == Status.submitted:
            inbox.awaiting_review.append(item)
        elif item.due_date <= soon and item.status == Status.in_progress_on_time:
            inbox.due_soon.append(item)
        else:
            inbox.later.append(item)
    reasons = return_reasons(session, [i.checkpoint_id for i in inbox.returned + inbox.overdue])
    inbox.returned = [replace(i, return_reason=reasons.get(i.checkpoint_id, "")) for i in inbox.returned]
    inbox.overdue = [replace(i, return_reason=reasons.get(i.checkpoint_id, "")) for i in inbox.overdue]
    inbox.supported = supported_items(session, agency_id, today)
    return inbox


def supported_items(session: Session, agency_id: int, today: date) -> list[InboxItem]:
    """The lead agencies' current checkpoint of every task `agency_id` supports (picked in SQL)."""
    closed = Checkpoint.state.in_(CLOSED)
    rank = (
        func.row_number()
        .over(
            partition_by=Checkpoint.task_id,
            # the earliest one still open; when every period is closed, the latest
            order_by=(
                case((closed, 1), else_=0),
                case((closed, None), else_=Checkpoint.due_date),
                Checkpoint.due_date.desc(),
                Checkpoint.id,
            ),
        )
        .label("rank")
    )
    ranked = (
        select(Checkpoint.id, rank)
        .join(TaskSupport, TaskSupport.task_id == Checkpoint.task_id)
        .where(TaskSupport.agency_id == agency_id)
        .subquery()
    )
    current = select(ranked.c.id).where(ranked.c.rank == 1)
    items = checkpoint_items(session, today, Checkpoint.id.in_(current))
    return sorted(items, key=lambda i: (i.due_date, i.section_ref, i.task_ref))


@dataclass(frozen=True)
class Period:
    checkpoint: Checkpoint
    status: str


def task_periods(session: Session, actor: Actor, today: date, task_id: int, agency_id: int) -> list[Period]:
    """Every checkpoint one agency has on one task (its reporting periods) the actor may see, by due date."""
    stmt = (
        select(Checkpoint, status_expr(today))
        .where(Checkpoint.task_id == task_id, Checkpoint.agency_id == agency_id, visible_to(actor))
        .order_by(Checkpoint.due_date, Checkpoint.id)
    )
    return [Period(cp, status) for cp, status in session.execute(stmt).all()]
