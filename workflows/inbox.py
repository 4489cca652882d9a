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

from sqlalchemy import select
from sqlmodel import Session

from models import Agency, Checkpoint, CheckpointState, Plan, Review, Section, Submission, Task, TaskSupport
from workflows.actors import Actor
from workflows.checkpoints import visible_to
from workflows.errors import InvalidInput, NotFound
from workflows.status import Status, days_late, status_expr

HORIZON_DAYS = 14


@dataclass(frozen=True)
class InboxItem:
    """One checkpoint as the inbox shows it: the plan's own words beside the date."""

    checkpoint_id: int
    task_id: int
    task_ref: str
    section_ref: str
    plan_number: str
    task_text: str
    schedule_phrase: str
    period_label: str
    due_date: date
    original_due_date: date
    status: str
    days_late: int
    days_left: int
    agency_id: int
    agency_name: str
    schedule_kind: str = "once"
    return_reason: str = ""  # the secretariat's latest reason, for returned work


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


def checkpoint_rows(session: Session, today: date, *filters):
    """Checkpoints of live tasks with their task, section, plan, agency and status, by due date."""
    status = status_expr(today).label("status")
    stmt = (
        select(
            Checkpoint,
            Task.ref,
            Task.text,
            Task.schedule_phrase,
            Section.ref,
            Plan.number,
            Agency.name,
            status,
            Task.schedule_kind,
        )
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Section, Section.id == Task.section_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Agency, Agency.id == Checkpoint.agency_id)
        .where(Task.withdrawn.is_(False), *filters)
        .order_by(Checkpoint.due_date, Plan.id, Section.position, Task.position, Checkpoint.id)
    )
    return session.execute(stmt).all()


def inbox_item(row, today: date) -> InboxItem:
    """An `InboxItem` from a `checkpoint_rows` row."""
    cp, task_ref, text, phrase, section_ref, plan_number, agency_name, status, kind = row
    return InboxItem(
        checkpoint_id=cp.id,
        task_id=cp.task_id,
        task_ref=task_ref,
        section_ref=section_ref,
        plan_number=plan_number,
        task_text=text,
        schedule_phrase=phrase,
        period_label=cp.period_label,
        due_date=cp.due_date,
        original_due_date=cp.original_due_date,
        status=status,
        days_late=days_late(cp.due_date, today),
        days_left=(cp.due_date - today).days,
        agency_id=cp.agency_id,
        agency_name=agency_name,
        schedule_kind=kind,
    )


def inbox_agency_id(actor: Actor, agency_id: int | None) -> int:
    """The agency whose inbox `actor` may read: their own, or any for those who see all."""
    if not actor.sees_all:
        if actor.agency_id is None:
            raise InvalidInput("this account belongs to no agency")
        if agency_id is not None and agency_id != actor.agency_id:
            raise NotFound("agency not found")
        return actor.agency_id
    if agency_id is None:
        raise InvalidInput("choose an agency")
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
        raise NotFound("agency not found")
    inbox = Inbox(agency_id=agency.id, agency_name=agency.name)
    soon = today + timedelta(days=horizon_days)
    status = status_expr(today)
    for row in checkpoint_rows(session, today, Checkpoint.agency_id == agency_id, status.in_(OPEN_STATUSES)):
        item = inbox_item(row, today)
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


def supported_items(session: Session, agency_id: int, today: date) -> list[InboxItem]:
    """The lead agencies' current checkpoint of every task `agency_id` supports."""
    task_ids = select(TaskSupport.task_id).where(TaskSupport.agency_id == agency_id)
    current: dict[int, InboxItem] = {}
    for row in checkpoint_rows(session, today, Checkpoint.task_id.in_(task_ids)):
        item = inbox_item(row, today)
        held = current.get(item.task_id)
        if held is None or (held.status in (Status.done_on_time, Status.done_late, Status.waived)):
            current[item.task_id] = item  # rows come by due date: keep the first one still open
    return sorted(current.values(), key=lambda i: (i.due_date, i.section_ref, i.task_ref))


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
