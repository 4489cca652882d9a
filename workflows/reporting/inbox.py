"""A focal point's inbox: what the agency owes, most urgent first, and the tasks it supports.

The grouping is the one of every worklist (`workflows/reporting/worklists.py`).
Supported tasks (phối hợp): for each task the agency supports, the lead agency's current checkpoint
(`workflows.checkpoints.queries.current_checkpoints`). The inbox shows the first SUPPORTED_LIMIT of
those needing attention (`worklists.needs_attention`: overdue or due within the horizon), with
how many need it and how many there are in all; `supported_list` pages through all of them. A
department supporting a commune-wide duty supports ~1,400 tasks at national scale.
"""

from dataclasses import dataclass, field
from datetime import date, timedelta
from functools import lru_cache

from sqlalchemy import ColumnElement, Integer, Select, bindparam, func, select
from sqlmodel import Session

from models import Agency, Checkpoint, Section, Task, TaskSupport
from workflows.checkpoints.items import checkpoint_items
from workflows.checkpoints.queries import current_checkpoints
from workflows.kernel.actors import Actor
from workflows.kernel.errors import InvalidInput, NotFound
from workflows.reporting.worklists import HORIZON_DAYS, CheckpointItem, Worklist, needs_attention, worklists

SUPPORTED_LIMIT = 20  # supported checkpoints the inbox shows; the full list pages through the rest
SUPPORTED_PAGE = 50  # rows a page of the full list of supported tasks shows
# by due date, then plan order (as every worklist); the section's place read per row, not joined: with
# the few rows PostgreSQL expects from the current-checkpoint ranking it scanned every section per row
# (60 ms at 1,368 supported tasks, 7 ms this way)
SECTION_POSITION = (
    select(Section.position).where(Section.id == Task.section_id).correlate(Task).scalar_subquery()
)
SUPPORTED_ORDER = (Checkpoint.due_date, Task.plan_id, SECTION_POSITION, Task.position, Checkpoint.id)


@dataclass
class Inbox(Worklist):
    """An agency's worklist, with the lead agencies' checkpoints of the tasks it supports."""

    agency_id: int = 0
    agency_name: str = ""
    supported: list[CheckpointItem] = field(
        default_factory=list
    )  # the first SUPPORTED_LIMIT needing attention
    supported_due: int = 0  # how many supported tasks' current checkpoints need attention
    supported_total: int = 0  # how many supported tasks (with a checkpoint) in all


@dataclass(frozen=True)
class SupportedList:
    """One page of the current checkpoints of every task an agency supports, and how many there are."""

    agency_id: int
    agency_name: str
    items: list[CheckpointItem]
    total: int
    offset: int
    limit: int


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


def _inbox_agency(session: Session, actor: Actor, agency_id: int | None) -> Agency:
    agency_id = inbox_agency_id(actor, agency_id)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    return agency


def agency_inbox(
    session: Session,
    actor: Actor,
    today: date,
    agency_id: int | None = None,
    horizon_days: int = HORIZON_DAYS,
    supported_limit: int = SUPPORTED_LIMIT,
) -> Inbox:
    """The inbox of the actor's agency (or of `agency_id` for the secretariat)."""
    agency = _inbox_agency(session, actor, agency_id)
    work = worklists(session, today, Checkpoint.agency_id == agency.id, horizon_days=horizon_days)
    inbox = Inbox(**vars(work.get(agency.id, Worklist())), agency_id=agency.id, agency_name=agency.name)
    inbox.supported_total, inbox.supported_due = supported_counts(session, agency.id, today, horizon_days)
    if inbox.supported_due:
        inbox.supported = supported_items(session, agency.id, today, horizon_days, supported_limit)
    return inbox


# the statements below name the supporting agency by this parameter, so each is built once a day
SUPPORTER = bindparam("supporting_agency_id", type_=Integer)


def _supported() -> Select:
    return select(TaskSupport.task_id).where(TaskSupport.agency_id == SUPPORTER)


@lru_cache(maxsize=8)
def _attention(today: date, horizon_days: int) -> tuple[ColumnElement[bool], ...]:
    """The lead's current checkpoint of a task SUPPORTER supports, needing attention on `today`."""
    current = current_checkpoints(_supported(), open_due_by=today + timedelta(days=horizon_days))
    return Checkpoint.id.in_(current), needs_attention(today, horizon_days)


@lru_cache(maxsize=8)
def _counts(today: date, horizon_days: int) -> Select:
    tasks = (
        select(func.count())
        .select_from(Task)
        .where(
            Task.id.in_(_supported()),
            Task.withdrawn.is_(False),
            select(Checkpoint.id).where(Checkpoint.task_id == Task.id).exists(),
        )
        .scalar_subquery()
    )
    due = (
        select(func.count())
        .select_from(Checkpoint)
        .join(Task, Task.id == Checkpoint.task_id)
        .where(*_attention(today, horizon_days), Task.withdrawn.is_(False))
        .scalar_subquery()
    )
    return select(tasks, due)


def supported_counts(session: Session, agency_id: int, today: date, horizon_days: int) -> tuple[int, int]:
    """How many live tasks `agency_id` supports (each has a current checkpoint); how many need attention."""
    total, attention = session.execute(_counts(today, horizon_days), {SUPPORTER.key: agency_id}).one()
    return total, attention


def supported_items(
    session: Session,
    agency_id: int,
    today: date,
    horizon_days: int = HORIZON_DAYS,
    limit: int = SUPPORTED_LIMIT,
) -> list[CheckpointItem]:
    """The first `limit` current checkpoints of supported tasks that need attention, oldest due first."""
    return _supported_page(session, today, agency_id, _attention(today, horizon_days), limit, 0)


def _supported_page(
    session: Session, today: date, agency_id: int, where, limit: int, offset: int
) -> list[CheckpointItem]:
    """One page in SUPPORTED_ORDER: the ids (checkpoint and task only), then their rows."""
    keys = (
        select(Checkpoint.id)
        .join(Task, Task.id == Checkpoint.task_id)
        .where(*where, Task.withdrawn.is_(False))
        .order_by(*SUPPORTED_ORDER)
        .limit(limit)
        .offset(offset)
    )
    ids = list(session.execute(keys, {SUPPORTER.key: agency_id}).scalars())
    return checkpoint_items(session, today, Checkpoint.id.in_(ids), order=SUPPORTED_ORDER) if ids else []


def supported_list(
    session: Session,
    actor: Actor,
    today: date,
    agency_id: int | None = None,
    offset: int = 0,
    limit: int = SUPPORTED_PAGE,
) -> SupportedList:
    """A page of the current checkpoint of every task the agency supports, by due date."""
    agency = _inbox_agency(session, actor, agency_id)
    offset = max(0, offset)
    total, _due = supported_counts(session, agency.id, today, HORIZON_DAYS)
    items = []
    if offset < total:
        current = Checkpoint.id.in_(current_checkpoints(_supported()))
        items = _supported_page(session, today, agency.id, (current,), limit, offset)
    return SupportedList(agency.id, agency.name, items, total, offset, limit)
