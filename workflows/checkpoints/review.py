"""The secretariat accepts or returns a report; every round is kept and the agency is notified."""

from datetime import date

from sqlalchemy import update
from sqlmodel import Session

from models.agency import Agency
from models.checkpoint import Checkpoint, CheckpointState
from models.plan import Task
from models.submission import Review, Submission, SubmissionKind, SubmissionStatus
from models.user import User
from workflows.checkpoints.guard import change_checkpoint, require_version
from workflows.checkpoints.permissions import refuse_if, who_may_review
from workflows.checkpoints.queries import get_checkpoint
from workflows.kernel import audit
from workflows.kernel.actors import Actor
from workflows.kernel.errors import Conflict, InvalidInput, NotFound
from workflows.kernel.outbox import enqueue

MAX_REASON = 5_000


def accept_submission(
    session: Session, actor: Actor, submission_id: int, today: date, expected_version: int | None = None
) -> Review:
    """Accept: the checkpoint is done, dated by the accepted submission (on time or late)."""
    sub, cp = _reviewable(session, actor, submission_id, expected_version)
    return _decide(
        session,
        actor,
        sub,
        cp,
        "accept",
        "",
        today,
        expected_version,
        dict(state=CheckpointState.accepted, submitted_on=sub.submitted_on, accepted_on=today),
    )


def return_submission(
    session: Session,
    actor: Actor,
    submission_id: int,
    reason: str,
    today: date,
    expected_version: int | None = None,
) -> Review:
    """Return for rework with a reason; the checkpoint goes back to the agency."""
    sub, cp = _reviewable(session, actor, submission_id, expected_version)
    reason = (reason or "").strip()
    if not reason:
        raise InvalidInput("review.reason_missing")
    if len(reason) > MAX_REASON:
        raise InvalidInput("review.reason_too_long", n=len(reason), max=MAX_REASON)
    return _decide(
        session,
        actor,
        sub,
        cp,
        "return",
        reason,
        today,
        expected_version,
        dict(state=CheckpointState.returned, submitted_on=None),
    )


def _reviewable(
    session: Session, actor: Actor, submission_id: int, expected_version: int | None
) -> tuple[Submission, Checkpoint]:
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise NotFound("not_found", what="submission", id=submission_id)
    cp = get_checkpoint(session, actor, sub.checkpoint_id, ("submission", submission_id))
    refuse_if(who_may_review(actor))
    if sub.kind != SubmissionKind.report:
        raise Conflict("review.contribution")
    require_version(cp, expected_version)
    session.refresh(sub)  # another reviewer may have decided since this session read it
    if sub.status != SubmissionStatus.pending or cp.state != CheckpointState.submitted:
        raise Conflict("review.already_decided", id=sub.id, state=sub.status)
    return sub, cp


def _decide(
    session: Session,
    actor: Actor,
    sub: Submission,
    cp: Checkpoint,
    decision: str,
    reason: str,
    today: date,
    expected_version: int | None,
    changes: dict,
) -> Review:
    before = {
        "state": cp.state,
        "submitted_on": cp.submitted_on,
        "accepted_on": cp.accepted_on,
        "version": cp.version,
        "submission_status": sub.status,
    }
    change_checkpoint(session, cp, expected_version, **changes)
    status = SubmissionStatus.accepted if decision == "accept" else SubmissionStatus.returned
    session.execute(
        update(Submission)
        .where(Submission.id == sub.id)
        .values(status=status)
        .execution_options(synchronize_session=False)
    )
    session.refresh(sub)
    review = Review(
        submission_id=sub.id, reviewer_id=actor.user_id, decision=decision, reason=reason, reviewed_on=today
    )
    session.add(review)
    session.flush()
    audit.record(
        session,
        actor,
        f"submission.{decision}",
        "checkpoint",
        cp.id,
        before,
        {
            "state": cp.state,
            "submitted_on": cp.submitted_on,
            "accepted_on": cp.accepted_on,
            "version": cp.version,
            "submission_status": sub.status,
            "submission_id": sub.id,
            "round": sub.round,
            "review_id": review.id,
            "reason": reason,
        },
    )
    word = "accepted" if decision == "accept" else "returned"
    enqueue(
        session,
        f"notice:{word}:{sub.id}",
        f"notice_{word}",
        notice_context(session, actor, cp, reason=reason, round=sub.round, submission_id=sub.id),
        audience="focal",
        agency_id=cp.agency_id,
    )
    return review


def notice_context(session: Session, actor: Actor, cp: Checkpoint, **extra) -> dict:
    """Plain values a notice template needs about a checkpoint (rendered later, outside the rule)."""
    task = session.get(Task, cp.task_id)
    agency = session.get(Agency, cp.agency_id)
    user = session.get(User, actor.user_id) if actor.user_id is not None else None
    reviewer = (user.full_name or user.username) if user else actor.label
    return {
        "checkpoint_id": cp.id,
        "agency_name": agency.name,
        "task_ref": task.ref,
        "task_title": task.title,
        "period_label": cp.period_label,
        "due_date": cp.due_date.isoformat(),
        "original_due_date": cp.original_due_date.isoformat(),
        "reviewer": reviewer,
        **extra,
    }
