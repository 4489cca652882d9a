"""Follow-up lists: open requests for the desk, answers for the report, reminders on an item."""

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlmodel import Session

from models import (
    Agency,
    ExplanationAnswer,
    ExplanationItem,
    ExplanationRequest,
    ExplanationStatus,
    Reminder,
    ReminderItem,
    User,
)
from workflows.kernel.actors import Actor

STATUS_LABELS_VI = {
    ExplanationStatus.open: "Chờ giải trình",
    ExplanationStatus.answered: "Đã trả lời, chờ xem xét",
    ExplanationStatus.accepted: "Đã chấp nhận",
}


@dataclass(frozen=True)
class RequestRow:
    id: int
    agency_id: int
    agency_name: str
    asked_by: str
    asked_on: date
    answer_due: date
    status: str
    round: int
    message: str
    items: int

    @property
    def status_label(self) -> str:
        return STATUS_LABELS_VI[ExplanationStatus(self.status)]

    def late(self, today: date) -> bool:
        return self.status == ExplanationStatus.open and today > self.answer_due


def _request_rows():
    items = (
        select(ExplanationItem.request_id, func.count().label("n"))
        .group_by(ExplanationItem.request_id)
        .subquery()
    )
    r = ExplanationRequest
    return (
        select(
            r.id,
            r.agency_id,
            Agency.name,
            func.coalesce(func.nullif(User.full_name, ""), User.username),
            r.asked_on,
            r.answer_due,
            r.status,
            r.round,
            r.message,
            func.coalesce(items.c.n, 0),
        )
        .join(Agency, Agency.id == r.agency_id)
        .join(User, User.id == r.asked_by)
        .outerjoin(items, items.c.request_id == r.id)
    )


def open_requests(
    session: Session, actor: Actor, agency_id: int | None = None, limit: int = 100
) -> list[RequestRow]:
    """Requests not yet closed, soonest answer deadline first (an agency user sees its own agency's)."""
    stmt = _request_rows().where(ExplanationRequest.status != ExplanationStatus.accepted)
    if not actor.sees_all:
        stmt = stmt.where(ExplanationRequest.agency_id == actor.agency_id)
    if agency_id is not None:
        stmt = stmt.where(ExplanationRequest.agency_id == agency_id)
    stmt = stmt.order_by(ExplanationRequest.answer_due, ExplanationRequest.id).limit(limit)
    return [RequestRow(*row) for row in session.execute(stmt).all()]


def request_row(session: Session, request_id: int) -> RequestRow:
    """One request as the lists show it."""
    return RequestRow(*session.execute(_request_rows().where(ExplanationRequest.id == request_id)).one())


@dataclass(frozen=True)
class AnswerRow:
    round: int
    reason: str
    new_date: date | None
    evidence_url: str
    answered_on: date
    by: str


def request_answers(session: Session, request_id: int) -> list[AnswerRow]:
    """Every round's answer of a request, oldest first."""
    a = ExplanationAnswer
    stmt = (
        select(
            a.round,
            a.reason,
            a.new_date,
            a.evidence_url,
            a.answered_on,
            func.coalesce(func.nullif(User.full_name, ""), User.username),
        )
        .join(User, User.id == a.answered_by)
        .where(a.request_id == request_id)
        .order_by(a.round, a.id)
    )
    return [AnswerRow(*row) for row in session.execute(stmt).all()]


def request_items(session: Session, request_id: int) -> list[int]:
    """The checkpoint ids a request is about."""
    stmt = select(ExplanationItem.checkpoint_id).where(ExplanationItem.request_id == request_id)
    return list(session.execute(stmt.order_by(ExplanationItem.checkpoint_id)).scalars())


def answers_for_checkpoints(
    session: Session, checkpoint_ids: list[int]
) -> dict[int, tuple[str, date | None, str]]:
    """The latest answer about each checkpoint: (reason, new commitment date, request status)."""
    if not checkpoint_ids:
        return {}
    a = ExplanationAnswer
    ranked = (
        select(
            ExplanationItem.checkpoint_id,
            a.reason,
            a.new_date,
            ExplanationRequest.status,
            func.row_number()
            .over(partition_by=ExplanationItem.checkpoint_id, order_by=(a.answered_on.desc(), a.id.desc()))
            .label("rn"),
        )
        .join(a, a.request_id == ExplanationItem.request_id)
        .join(ExplanationRequest, ExplanationRequest.id == a.request_id)
        .where(ExplanationItem.checkpoint_id.in_(checkpoint_ids))
        .subquery()
    )
    stmt = select(ranked.c.checkpoint_id, ranked.c.reason, ranked.c.new_date, ranked.c.status).where(
        ranked.c.rn == 1
    )
    return {cp: (reason, new_date, status) for cp, reason, new_date, status in session.execute(stmt).all()}


def explanation_text(answer: tuple[str, date | None, str]) -> str:
    """An answer as a report quotes it: the reason, and the new commitment date when one was given."""
    reason, new_date, _status = answer
    return reason + (f" (cam kết hoàn thành {new_date:%d/%m/%Y})" if new_date else "")


@dataclass(frozen=True)
class ReminderRow:
    sent_on: date
    message: str
    by: str


def reminders_of_checkpoint(session: Session, checkpoint_id: int) -> list[ReminderRow]:
    """The written reminders that named a checkpoint, oldest first."""
    stmt = (
        select(
            Reminder.sent_on, Reminder.message, func.coalesce(func.nullif(User.full_name, ""), User.username)
        )
        .join(ReminderItem, ReminderItem.reminder_id == Reminder.id)
        .join(User, User.id == Reminder.sent_by)
        .where(ReminderItem.checkpoint_id == checkpoint_id)
        .order_by(Reminder.sent_on, Reminder.id)
    )
    return [ReminderRow(*row) for row in session.execute(stmt).all()]


def requests_of_checkpoint(session: Session, checkpoint_id: int) -> list[RequestRow]:
    """The explanation requests that named a checkpoint, oldest first."""
    stmt = (
        _request_rows()
        .join(ExplanationItem, ExplanationItem.request_id == ExplanationRequest.id)
        .where(ExplanationItem.checkpoint_id == checkpoint_id)
        .order_by(ExplanationRequest.asked_on, ExplanationRequest.id)
    )
    return [RequestRow(*row) for row in session.execute(stmt).all()]
