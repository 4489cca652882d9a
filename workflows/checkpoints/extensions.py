"""Extension requests (gia hạn): the lead's focal point asks, the secretariat decides."""

from datetime import date

from sqlalchemy import func, update
from sqlmodel import Session, select

from models.extension import ExtensionRequest
from workflows.checkpoints.guard import change_checkpoint, lock_checkpoint
from workflows.checkpoints.permissions import (
    checkpoint_facts,
    refuse_if,
    when_may_ask_extension,
    who_may_ask_extension,
    who_may_review,
)
from workflows.checkpoints.queries import get_checkpoint
from workflows.checkpoints.review import notice_context
from workflows.checkpoints.status import CLOSED_STATES
from workflows.kernel import audit
from workflows.kernel.actors import Actor
from workflows.kernel.errors import Conflict, InvalidInput, NotFound
from workflows.kernel.outbox import enqueue

MAX_REASON = 5_000


def request_extension(
    session: Session, actor: Actor, checkpoint_id: int, requested_due: date, reason: str, today: date
) -> ExtensionRequest:
    """Ask for a later due date; one pending request per checkpoint."""
    cp = get_checkpoint(session, actor, checkpoint_id)
    facts = checkpoint_facts(session, cp)
    refuse_if(who_may_ask_extension(actor, facts))
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("extension.reason_missing")
    if len(reason) > MAX_REASON:
        raise InvalidInput("extension.reason_too_long", n=len(reason), max=MAX_REASON)
    if requested_due <= cp.due_date:
        raise InvalidInput(
            "extension.not_later", new=f"{requested_due:%d/%m/%Y}", current=f"{cp.due_date:%d/%m/%Y}"
        )
    refuse_if(when_may_ask_extension(facts))
    lock_checkpoint(session, cp.id)  # two requests racing: the second waits, then sees the first
    pending = session.exec(
        select(ExtensionRequest.id).where(
            ExtensionRequest.checkpoint_id == cp.id, ExtensionRequest.status == "pending"
        )
    ).first()
    if pending is not None:
        raise Conflict("extension.pending", id=pending)
    req = ExtensionRequest(
        checkpoint_id=cp.id,
        requested_by=actor.user_id,
        previous_due=cp.due_date,
        requested_due=requested_due,
        reason=reason,
    )
    session.add(req)
    session.flush()
    audit.record(
        session,
        actor,
        "extension.request",
        "checkpoint",
        cp.id,
        None,
        {
            "request_id": req.id,
            "previous_due": cp.due_date,
            "requested_due": requested_due,
            "reason": reason,
            "requested_on": today,
        },
    )
    return req


def decide_extension(
    session: Session, actor: Actor, request_id: int, approve: bool, note: str | None, today: date
) -> ExtensionRequest:
    """Approve (the due date moves; the original stays for on-time figures) or refuse."""
    req = session.get(ExtensionRequest, request_id)
    if req is None:
        raise NotFound("not_found", what="extension request", id=request_id)
    cp = get_checkpoint(session, actor, req.checkpoint_id, ("extension request", request_id))
    refuse_if(who_may_review(actor))
    note = (note or "").strip()
    if len(note) > MAX_REASON:
        raise InvalidInput("extension.note_too_long", n=len(note), max=MAX_REASON)
    session.refresh(req)
    if req.status != "pending":
        raise Conflict("extension.already_decided", id=req.id, state=req.status)
    before = {"status": req.status, "due_date": cp.due_date, "version": cp.version}
    if approve:
        if cp.state in CLOSED_STATES:
            raise Conflict("extension.approve_closed", id=cp.id, state=cp.state)
        if req.requested_due <= cp.due_date:
            raise Conflict(
                "extension.already_later",
                current=f"{cp.due_date:%d/%m/%Y}",
                new=f"{req.requested_due:%d/%m/%Y}",
            )
        # the escalation ladder keys on due_date, so it restarts from the new date
        change_checkpoint(session, cp, None, due_date=req.requested_due)
    status = "approved" if approve else "refused"
    done = session.execute(
        update(ExtensionRequest)
        .where(ExtensionRequest.id == req.id, ExtensionRequest.status == "pending")
        .values(status=status, decided_by=actor.user_id, decision_note=note, decided_at=func.now())
        .execution_options(synchronize_session=False)
    ).rowcount
    if done != 1:
        raise Conflict("extension.decided_meanwhile", id=req.id)
    session.refresh(req)
    audit.record(
        session,
        actor,
        f"extension.{'approve' if approve else 'refuse'}",
        "checkpoint",
        cp.id,
        before,
        {
            "status": status,
            "due_date": cp.due_date,
            "version": cp.version,
            "request_id": req.id,
            "note": note,
            "decided_on": today,
        },
    )
    enqueue(
        session,
        f"notice:extension:{req.id}",
        "notice_extension",
        notice_context(
            session,
            actor,
            cp,
            request_id=req.id,
            approved=approve,
            note=note,
            reason=req.reason,
            previous_due=req.previous_due.isoformat(),
            requested_due=req.requested_due.isoformat(),
        ),
        audience="focal",
        agency_id=cp.agency_id,
    )
    return req
