"""Checkpoint queries: who sees what, lists, one checkpoint's status, history and audit trail."""

from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, case, false, func, or_, true
from sqlmodel import Session, select

from models.agency import Agency
from models.audit import AuditEvent
from models.checkpoint import Checkpoint
from models.extension import ExtensionRequest
from models.plan import Task, TaskSupport
from models.submission import Evidence, Review, Submission
from models.user import User
from workflows.checkpoints.items import CheckpointItem, checkpoint_items, count_items
from workflows.checkpoints.status import CLOSED_STATES, Status, status_expr
from workflows.kernel.actors import Actor, require_agency_visible
from workflows.kernel.errors import InvalidInput, NotFound

MAX_PAGE = 500


@dataclass
class SubmissionEntry:
    """One submission (report round or contribution) with its evidence and reviews, oldest first."""

    submission: Submission
    agency_name: str
    evidence: list[Evidence] = field(default_factory=list)
    reviews: list[Review] = field(default_factory=list)


@dataclass
class CheckpointHistory:
    """Everything that happened to a checkpoint; `names` maps user ids to display names."""

    checkpoint: Checkpoint
    submissions: list[SubmissionEntry]
    extensions: list[ExtensionRequest]
    names: dict[int, str]


def visible_to(actor: Actor) -> ColumnElement[bool]:
    """Checkpoints an actor may see: all, or its agency's own and those of tasks it supports."""
    if actor.sees_all:
        return true()
    if actor.agency_id is None:
        return false()
    supported = select(TaskSupport.task_id).where(TaskSupport.agency_id == actor.agency_id)
    return or_(Checkpoint.agency_id == actor.agency_id, Checkpoint.task_id.in_(supported))


def get_checkpoint(
    session: Session, actor: Actor, checkpoint_id: int, via: tuple[str, object] | None = None
) -> Checkpoint:
    """The checkpoint, freshly read; NotFound when it does not exist or the actor may not see it.

    Reached through a child record, pass `via` (("submission", 7)): the refusal then reads exactly
    like that record's own "not found", so it reveals nothing.
    """
    cp = session.exec(
        select(Checkpoint)
        .where(Checkpoint.id == checkpoint_id, visible_to(actor))
        .execution_options(populate_existing=True)
    ).first()
    if cp is None:
        what, record_id = via or ("checkpoint", checkpoint_id)
        raise NotFound("not_found", what=what, id=record_id)
    return cp


def _statuses(status: str | Iterable[str] | None) -> list[str] | None:
    if status is None:
        return None
    wanted = [status] if isinstance(status, str) else list(status)
    unknown = [s for s in wanted if s not in set(Status)]
    if unknown:
        raise InvalidInput("list.unknown_status", unknown=", ".join(unknown), allowed=", ".join(Status))
    return wanted


def _page(limit: int, offset: int) -> None:
    if not 1 <= limit <= MAX_PAGE:
        raise InvalidInput("list.limit", max=MAX_PAGE)
    if offset < 0:
        raise InvalidInput("list.offset")


@dataclass(frozen=True)
class Listing:
    """One page of a checkpoint list and how many match in all."""

    items: list[CheckpointItem]
    total: int
    capped: bool = False  # counted no further than `total`: more match ("hơn 1.000")


def _listing(
    session: Session,
    today: date,
    where: list,
    status,
    due_from: date | None,
    due_to: date | None,
    plan_id: int | None,
    limit: int,
    offset: int,
) -> Listing:
    _page(limit, offset)
    wanted = _statuses(status)
    filters = list(where)
    if wanted is not None:
        filters.append(status_expr(today).in_(wanted))
    if due_from is not None:
        filters.append(Checkpoint.due_date >= due_from)
    if due_to is not None:
        filters.append(Checkpoint.due_date <= due_to)
    if plan_id is not None:
        filters.append(Task.plan_id == plan_id)
    items = checkpoint_items(session, today, *filters, live_only=False, limit=limit, offset=offset)
    return Listing(items, count_items(session, today, *filters, live_only=False))


def list_checkpoints(
    session: Session,
    actor: Actor,
    today: date,
    agency_id: int | None = None,
    status: str | Iterable[str] | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    plan_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Listing:
    """Checkpoints the actor may see (narrowed to those `agency_id` leads), by status, due date, plan."""
    if not actor.sees_all and agency_id is not None:
        require_agency_visible(actor, {agency_id}, ("agency", agency_id))
    where = [visible_to(actor)]
    if agency_id is not None:
        where.append(Checkpoint.agency_id == agency_id)
    return _listing(session, today, where, status, due_from, due_to, plan_id, limit, offset)


def supported_checkpoints(
    session: Session,
    actor: Actor,
    today: date,
    agency_id: int | None = None,
    status: str | Iterable[str] | None = None,
    due_from: date | None = None,
    due_to: date | None = None,
    plan_id: int | None = None,
    limit: int = 50,
    offset: int = 0,
) -> Listing:
    """Other agencies' checkpoints on tasks that `agency_id` supports (phối hợp)."""
    agency_id = actor.agency_id if agency_id is None else agency_id
    if agency_id is None:
        raise InvalidInput("list.supporting_agency")
    require_agency_visible(actor, {agency_id}, ("agency", agency_id))
    supported = select(TaskSupport.task_id).where(TaskSupport.agency_id == agency_id)
    where = [Checkpoint.task_id.in_(supported), Checkpoint.agency_id != agency_id]
    return _listing(session, today, where, status, due_from, due_to, plan_id, limit, offset)


def checkpoint_status(session: Session, checkpoint_id: int, today: date) -> str:
    """One checkpoint's status on `today` (the same CASE expression as the lists)."""
    return session.exec(select(status_expr(today)).where(Checkpoint.id == checkpoint_id)).one()


def checkpoint_history(session: Session, actor: Actor, checkpoint_id: int) -> CheckpointHistory:
    """Submissions (with evidence and reviews) and extension requests, oldest first; 5 queries."""
    cp = get_checkpoint(session, actor, checkpoint_id)
    subs = session.exec(
        select(Submission, Agency.name)
        .join(Agency, Agency.id == Submission.agency_id)
        .where(Submission.checkpoint_id == cp.id)
        .order_by(Submission.submitted_at, Submission.id)
    ).all()
    entries = {s.id: SubmissionEntry(s, name) for s, name in subs}
    if entries:
        for ev in session.exec(
            select(Evidence).where(Evidence.submission_id.in_(entries)).order_by(Evidence.id)
        ).all():
            entries[ev.submission_id].evidence.append(ev)
        for rv in session.exec(
            select(Review).where(Review.submission_id.in_(entries)).order_by(Review.reviewed_at, Review.id)
        ).all():
            entries[rv.submission_id].reviews.append(rv)
    extensions = list(
        session.exec(
            select(ExtensionRequest)
            .where(ExtensionRequest.checkpoint_id == cp.id)
            .order_by(ExtensionRequest.requested_at, ExtensionRequest.id)
        ).all()
    )
    people = {e.submission.author_id for e in entries.values()}
    people |= {r.reviewer_id for e in entries.values() for r in e.reviews}
    people |= {x.requested_by for x in extensions} | {x.decided_by for x in extensions if x.decided_by}
    names = {}
    if people:
        names = {
            uid: full or uname
            for uid, full, uname in session.exec(
                select(User.id, User.full_name, User.username).where(User.id.in_(people))
            )
        }
    return CheckpointHistory(cp, list(entries.values()), extensions, names)


def checkpoint_audit(session: Session, actor: Actor, checkpoint_id: int) -> list[AuditEvent]:
    """The checkpoint's audit trail, oldest first (every workflow rule records against the checkpoint)."""
    cp = get_checkpoint(session, actor, checkpoint_id)
    return list(
        session.exec(
            select(AuditEvent)
            .where(AuditEvent.entity_type == "checkpoint", AuditEvent.entity_id == cp.id)
            .order_by(AuditEvent.id)
        ).all()
    )


def current_checkpoints(task_ids, open_due_by: date | None = None) -> Select:
    """The current checkpoint of each task in `task_ids` (a select of task ids), picked in SQL.

    Current = the earliest one not closed (accepted or waived); when every period is closed, the
    latest. The plan page, the inbox's supported tasks and the API all point at this one.
    `open_due_by` keeps only the current checkpoints not closed and due by that day, and ranks only
    those (open periods rank first, by due date, so the same one is picked from far fewer rows).
    """
    closed = Checkpoint.state.in_(CLOSED_STATES)
    rank = (
        func.row_number()
        .over(
            partition_by=Checkpoint.task_id,
            order_by=(
                case((closed, 1), else_=0),
                case((closed, None), else_=Checkpoint.due_date),
                Checkpoint.due_date.desc(),
                Checkpoint.id,
            ),
        )
        .label("rank")
    )
    ranked = select(Checkpoint.id, rank).where(Checkpoint.task_id.in_(task_ids))
    if open_due_by is not None:
        ranked = ranked.where(~closed, Checkpoint.due_date <= open_due_by)
    ranked = ranked.subquery()
    return select(ranked.c.id).where(ranked.c.rank == 1)


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


def extensions_query(
    actor: Actor, status: str | None = None, agency_id: int | None = None, checkpoint_id: int | None = None
) -> Select:
    """Extension requests on checkpoints the actor may see, oldest first."""
    stmt = (
        select(ExtensionRequest)
        .join(Checkpoint, Checkpoint.id == ExtensionRequest.checkpoint_id)
        .where(visible_to(actor))
        .order_by(ExtensionRequest.requested_at, ExtensionRequest.id)
    )
    if status is not None:
        stmt = stmt.where(ExtensionRequest.status == status)
    if agency_id is not None:
        stmt = stmt.where(Checkpoint.agency_id == agency_id)
    if checkpoint_id is not None:
        stmt = stmt.where(ExtensionRequest.checkpoint_id == checkpoint_id)
    return stmt
