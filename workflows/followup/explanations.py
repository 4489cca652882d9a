"""Yêu cầu giải trình: a leader or the secretariat asks an agency to explain overdue items by a date.

- ask: a leader, the secretariat or an admin names an agency and some of its overdue items (none
  named: every item of the agency overdue on the day), a message and an answer deadline (after
  today, within MAX_ANSWER_DAYS);
- answer: a focal point of the agency, while the request is open: the reason, optionally a new
  commitment date (after today) and an evidence link; an answer after the deadline is still taken;
- accept (closes the request) or ask again (opens the next round with a new deadline): the
  secretariat, an admin or the leader who asked, while an answer awaits a decision;
- escalate: a request still open the day after its deadline goes up the ladder (the department
  head and the provincial leader are told), once per round (`escalate_unanswered`).
Each step writes an audit event (on the request, and on every item so its history shows it) and
queues a notice through the outbox.
"""

import unicodedata
from datetime import date, timedelta

from sqlalchemy import update
from sqlmodel import Session, select

from models import (
    Agency,
    Checkpoint,
    ExplanationAnswer,
    ExplanationItem,
    ExplanationRequest,
    ExplanationStatus,
    Task,
    User,
)
from models.user import Role
from workflows.checkpoints.evidence import check_link
from workflows.checkpoints.status import Status, status_expr
from workflows.kernel import audit
from workflows.kernel.actors import SYSTEM, Actor, require_role
from workflows.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.kernel.outbox import enqueue

ASKER_ROLES = (Role.leader, Role.secretariat, Role.admin)
MAX_ANSWER_DAYS = 60
MAX_TEXT = 5_000
MAX_ITEMS = 200


def ask_explanation(
    session: Session,
    actor: Actor,
    agency_id: int,
    checkpoint_ids: list[int],
    answer_due: date | None,
    message: str,
    today: date,
) -> ExplanationRequest:
    """Ask an agency to explain overdue items (all of them when none is named) by `answer_due`."""
    require_role(actor, *ASKER_ROLES)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    _check_answer_due(answer_due, today)
    message = _text(message)
    items = overdue_items(session, agency_id, today, checkpoint_ids)
    if len(items) > MAX_ITEMS:
        raise InvalidInput("submission.too_many_items", n=len(items), max=MAX_ITEMS)
    req = ExplanationRequest(
        agency_id=agency_id, asked_by=actor.user_id, asked_on=today, answer_due=answer_due, message=message
    )
    session.add(req)
    session.flush()
    session.add_all(ExplanationItem(request_id=req.id, checkpoint_id=cp_id) for cp_id in items)
    session.flush()
    _record(session, actor, "explanation.ask", req, items, {"answer_due": answer_due, "message": message})
    _notice(session, actor, req, "ask", audience="focal,head")
    return req


def answer_explanation(
    session: Session,
    actor: Actor,
    request_id: int,
    reason: str,
    new_date: date | None,
    evidence_url: str,
    today: date,
) -> ExplanationAnswer:
    """The agency explains: a reason, optionally a new commitment date and an evidence link."""
    req = get_request(session, actor, request_id)
    if actor.role != Role.focal or actor.agency_id != req.agency_id:
        raise PermissionDenied("explanation.not_focal")
    if req.status == ExplanationStatus.accepted:
        raise Conflict("explanation.closed")
    if req.status == ExplanationStatus.answered:
        raise Conflict("explanation.awaiting_decision")
    reason = _text(reason)
    if not reason:
        raise InvalidInput("explanation.reason_missing")
    if new_date is not None and new_date <= today:
        raise InvalidInput("explanation.new_date_past", date=new_date.strftime("%d/%m/%Y"))
    url = check_link(evidence_url) if (evidence_url or "").strip() else ""
    _move(session, req, ExplanationStatus.open, status=ExplanationStatus.answered)
    answer = ExplanationAnswer(
        request_id=req.id,
        round=req.round,
        reason=reason,
        new_date=new_date,
        evidence_url=url,
        answered_by=actor.user_id,
        answered_on=today,
    )
    session.add(answer)
    session.flush()
    _record(
        session,
        actor,
        "explanation.answer",
        req,
        _items(session, req),
        {"reason": reason, "new_date": new_date},
    )
    _notice(session, actor, req, "answer", audience="secretariat", reason=reason, new_date=_iso(new_date))
    return answer


def accept_explanation(session: Session, actor: Actor, request_id: int, today: date) -> ExplanationRequest:
    """The asker accepts the answer: the request is closed."""
    req = _decidable(session, actor, request_id)
    _move(session, req, ExplanationStatus.answered, status=ExplanationStatus.accepted, closed_on=today)
    _record(session, actor, "explanation.accept", req, _items(session, req), {})
    _notice(session, actor, req, "accept", audience="focal")
    return req


def ask_again(
    session: Session, actor: Actor, request_id: int, message: str, answer_due: date | None, today: date
) -> ExplanationRequest:
    """The answer is not enough: a new round with a new deadline."""
    req = _decidable(session, actor, request_id)
    _check_answer_due(answer_due, today)
    message = _text(message)
    if not message:
        raise InvalidInput("explanation.reask_message_missing")
    _move(
        session,
        req,
        ExplanationStatus.answered,
        status=ExplanationStatus.open,
        round=req.round + 1,
        answer_due=answer_due,
        message=message,
    )
    _record(
        session,
        actor,
        "explanation.reask",
        req,
        _items(session, req),
        {"answer_due": answer_due, "message": message},
    )
    _notice(session, actor, req, "reask", audience="focal,head")
    return req


def escalate_unanswered(session: Session, today: date) -> list[int]:
    """Requests still unanswered after their deadline go up the ladder, once per round; their ids."""
    due = session.exec(
        select(ExplanationRequest)
        .where(
            ExplanationRequest.status == ExplanationStatus.open,
            ExplanationRequest.answer_due < today,
            (ExplanationRequest.escalated_round.is_(None))
            | (ExplanationRequest.escalated_round < ExplanationRequest.round),
        )
        .order_by(ExplanationRequest.id)
    ).all()
    for req in due:
        _move(session, req, ExplanationStatus.open, escalated_round=req.round)
        _record(session, SYSTEM, "explanation.escalate", req, _items(session, req), {"on": today})
        days = (today - req.answer_due).days
        _notice(session, SYSTEM, req, "escalate", audience="head,leader", days_late=days)
    return [r.id for r in due]


def get_request(session: Session, actor: Actor, request_id: int) -> ExplanationRequest:
    """The request, or not found (also for another agency's user)."""
    req = session.get(ExplanationRequest, request_id)
    if req is None or (not actor.sees_all and actor.agency_id != req.agency_id):
        raise NotFound("not_found", what="explanation request", id=request_id)
    return req


def overdue_items(session: Session, agency_id: int, today: date, checkpoint_ids: list[int]) -> list[int]:
    """The named checkpoints (or all) of the agency that are overdue on `today`; refuses any other."""
    stmt = (
        select(Checkpoint.id)
        .join(Task, Task.id == Checkpoint.task_id)
        .where(
            Checkpoint.agency_id == agency_id,
            Task.withdrawn.is_(False),
            status_expr(today) == Status.overdue.value,
        )
        .order_by(Checkpoint.due_date, Checkpoint.id)
    )
    wanted = list(dict.fromkeys(checkpoint_ids))
    if wanted:
        stmt = stmt.where(Checkpoint.id.in_(wanted))
    found = list(session.exec(stmt).all())
    for cp_id in wanted:
        if cp_id not in found:
            raise InvalidInput("explanation.item_not_overdue", id=cp_id)
    if not found:
        raise InvalidInput("explanation.nothing_overdue")
    return found


def _decidable(session: Session, actor: Actor, request_id: int) -> ExplanationRequest:
    require_role(actor, *ASKER_ROLES)
    req = get_request(session, actor, request_id)
    if actor.role == Role.leader and actor.user_id != req.asked_by:
        raise PermissionDenied("explanation.not_asker")
    if req.status != ExplanationStatus.answered:
        raise Conflict("explanation.not_answered", state=req.status)
    return req


def _move(session: Session, req: ExplanationRequest, seen: ExplanationStatus, **values) -> None:
    """Change the request only if it is still in `seen` (a second click is refused, not applied twice)."""
    done = session.execute(
        update(ExplanationRequest)
        .where(
            ExplanationRequest.id == req.id,
            ExplanationRequest.status == seen,
            ExplanationRequest.round == req.round,
        )
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount
    session.refresh(req)
    if not done:
        raise Conflict("explanation.changed")


def _check_answer_due(answer_due: date | None, today: date) -> None:
    if answer_due is None:
        raise InvalidInput("explanation.due_missing")
    if answer_due <= today:
        raise InvalidInput("explanation.due_past", date=answer_due.strftime("%d/%m/%Y"))
    if answer_due > today + timedelta(days=MAX_ANSWER_DAYS):
        raise InvalidInput("explanation.due_far", days=MAX_ANSWER_DAYS)


def _text(value: str) -> str:
    text = unicodedata.normalize("NFC", value or "").strip()
    if len(text) > MAX_TEXT:
        raise InvalidInput("submission.note_too_long", n=len(text), max=MAX_TEXT)
    return text


def _items(session: Session, req: ExplanationRequest) -> list[int]:
    return list(
        session.exec(
            select(ExplanationItem.checkpoint_id)
            .where(ExplanationItem.request_id == req.id)
            .order_by(ExplanationItem.checkpoint_id)
        ).all()
    )


def _record(
    session: Session, actor: Actor, action: str, req: ExplanationRequest, items: list[int], facts: dict
):
    after = {"status": req.status, "round": req.round, "request_id": req.id, **facts}
    audit.record(session, actor, action, "explanation", req.id, None, after)
    for cp_id in items:  # so the item's own history shows the follow-up
        audit.record(session, actor, action, "checkpoint", cp_id, None, after)


def _notice(
    session: Session, actor: Actor, req: ExplanationRequest, step: str, audience: str, **extra
) -> None:
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    enqueue(
        session,
        f"explanation:{step}:{req.id}:{req.round}",
        "explanation_notice",
        {
            "step": step,
            "request_id": req.id,
            "round": req.round,
            "agency_name": session.get(Agency, req.agency_id).name,
            "answer_due": req.answer_due.isoformat(),
            "message": req.message,
            "items": _item_lines(session, req),
            "by": (user.full_name or user.username) if user else "hệ thống",
            **extra,
        },
        audience=audience,
        agency_id=req.agency_id,
    )


def _item_lines(session: Session, req: ExplanationRequest) -> list[dict]:
    rows = session.execute(
        select(Checkpoint.id, Task.ref, Task.title, Checkpoint.due_date)
        .join(ExplanationItem, ExplanationItem.checkpoint_id == Checkpoint.id)
        .join(Task, Task.id == Checkpoint.task_id)
        .where(ExplanationItem.request_id == req.id)
        .order_by(Checkpoint.due_date, Checkpoint.id)
    ).all()
    return [
        {"checkpoint_id": i, "task_ref": r, "task_title": t, "due_date": d.isoformat()} for i, r, t, d in rows
    ]


def _iso(d: date | None) -> str | None:
    return d.isoformat() if d else None
