"""A checkpoint as every list shows it (inbox, desk, digests, agency page, API): one shape, one query."""

from dataclasses import dataclass
from datetime import date
from functools import lru_cache

from sqlalchemy import Select, func, select
from sqlmodel import Session

from models import Agency, Checkpoint, CheckpointState, Plan, Review, Section, Submission, Task
from workflows.checkpoints.status import days_late, status_expr


@dataclass(frozen=True)
class CheckpointItem:
    """One checkpoint with its task's words, deadline phrase, agency and status on `today`."""

    checkpoint_id: int
    task_id: int
    task_ref: str
    task_title: str
    section_ref: str
    plan_id: int
    plan_number: str
    task_text: str
    schedule_phrase: str
    schedule_kind: str
    period_label: str
    opens_on: date
    due_date: date
    original_due_date: date
    state: str
    version: int
    status: str
    days_late: int
    days_left: int
    agency_id: int
    agency_name: str
    submitted_on: date | None = None
    accepted_on: date | None = None
    return_reason: str = ""  # the secretariat's latest reason, for returned work


def _select(today: date, filters, live_only: bool) -> Select:
    return _columns(today, live_only).where(*filters)


@lru_cache(maxsize=16)  # the columns and joins are built once a day; each list adds its filters
def _columns(today: date, live_only: bool) -> Select:
    stmt = (
        select(
            Checkpoint,
            Task.ref,
            Task.title,
            Task.text,
            Task.schedule_phrase,
            Task.schedule_kind,
            Section.ref,
            Plan.id,
            Plan.number,
            Agency.name,
            status_expr(today).label("status"),
        )
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Section, Section.id == Task.section_id)
        .join(Plan, Plan.id == Task.plan_id)
        .join(Agency, Agency.id == Checkpoint.agency_id)
    )
    return stmt.where(Task.withdrawn.is_(False)) if live_only else stmt


def checkpoint_items(
    session: Session,
    today: date,
    *filters,
    live_only: bool = True,
    limit: int | None = None,
    offset: int = 0,
    order: tuple | None = None,
) -> list[CheckpointItem]:
    """Checkpoints matching `filters` (live tasks only unless `live_only=False`), by due date, plan order."""
    order = order or (Checkpoint.due_date, Plan.id, Section.position, Task.position, Checkpoint.id)
    stmt = _select(today, filters, live_only).order_by(*order)
    rows = session.execute(stmt.limit(limit).offset(offset)).all()
    return [
        CheckpointItem(
            checkpoint_id=cp.id,
            task_id=cp.task_id,
            task_ref=ref,
            task_title=title,
            section_ref=section_ref,
            plan_id=plan_id,
            plan_number=number,
            task_text=text,
            schedule_phrase=phrase,
            schedule_kind=kind,
            period_label=cp.period_label,
            opens_on=cp.opens_on,
            due_date=cp.due_date,
            original_due_date=cp.original_due_date,
            state=cp.state,
            version=cp.version,
            status=status,
            days_late=days_late(cp.due_date, today),
            days_left=(cp.due_date - today).days,
            agency_id=cp.agency_id,
            agency_name=agency,
            submitted_on=cp.submitted_on,
            accepted_on=cp.accepted_on,
        )
        for cp, ref, title, text, phrase, kind, section_ref, plan_id, number, agency, status in rows
    ]


def checkpoint_page(
    session: Session, today: date, *filters, order: tuple, limit: int, offset: int = 0
) -> list[CheckpointItem]:
    """One page of `checkpoint_items` in `order`: ids first (checkpoint, task, section), then the rows."""
    keys = (
        select(Checkpoint.id)
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Section, Section.id == Task.section_id)
        .where(*filters, Task.withdrawn.is_(False))
        .order_by(*order)
        .limit(limit)
        .offset(offset)
    )
    ids = list(session.execute(keys).scalars())
    if not ids:
        return []
    return checkpoint_items(session, today, Checkpoint.id.in_(ids), order=order)


def count_items_up_to(session: Session, today: date, *filters, cap: int) -> tuple[int, bool]:
    """How many live checkpoints match, counting no further than `cap`; and whether more match."""
    inner = (
        select(Checkpoint.id)
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Section, Section.id == Task.section_id)
        .where(*filters, Task.withdrawn.is_(False))
        .limit(cap + 1)
        .subquery()
    )
    counted = session.execute(select(func.count()).select_from(inner)).scalar_one()
    return min(counted, cap), counted > cap


def count_items(session: Session, today: date, *filters, live_only: bool = True) -> int:
    """How many checkpoints `checkpoint_items` would list without a limit."""
    inner = _select(today, filters, live_only).with_only_columns(Checkpoint.id).subquery()
    return session.execute(select(func.count()).select_from(inner)).scalar_one()


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
