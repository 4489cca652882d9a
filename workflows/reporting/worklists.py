"""Checkpoints as lists show them (inbox, desk, digests): one query, the plan's own words beside the date."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models import Agency, Checkpoint, CheckpointState, Plan, Review, Section, Submission, Task
from workflows.checkpoints.status import days_late, status_expr


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
