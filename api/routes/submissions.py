"""Submissions: one report or contribution; the secretariat's accept / return."""

from fastapi import APIRouter
from sqlmodel import Session

from api.deps import ActorDep, SessionDep, TodayDep
from api.routes.views import review_out, submission_out
from api.schemas import AcceptIn, IdPath, ReturnIn, ReviewOut, SubmissionOut
from models.submission import Submission
from models.user import User
from workflows.checkpoints import queries as checkpoints
from workflows.checkpoints import review
from workflows.kernel.actors import Actor
from workflows.kernel.errors import NotFound

router = APIRouter(prefix="/submissions", tags=["submissions"])


def submission_checkpoint_id(session: Session, submission_id: int) -> int:
    sub = session.get(Submission, submission_id)
    if sub is None:
        raise NotFound("not_found", what="submission", id=submission_id)
    return sub.checkpoint_id


def visible_submission(session: Session, actor: Actor, submission_id: int) -> SubmissionOut:
    """The submission with its evidence and reviews; 404 when its checkpoint is not visible."""
    try:
        checkpoint_id = submission_checkpoint_id(session, submission_id)
        history = checkpoints.checkpoint_history(session, actor, checkpoint_id)
    except NotFound:
        raise NotFound(
            "not_found", what="submission", id=submission_id
        ) from None  # same words as a missing id
    entry = next(e for e in history.submissions if e.submission.id == submission_id)
    return submission_out(entry, history.names)


@router.get(
    "/{submission_id}", response_model=SubmissionOut, summary="One submission with evidence and reviews"
)
def get_submission(submission_id: IdPath, actor: ActorDep, session: SessionDep) -> SubmissionOut:
    return visible_submission(session, actor, submission_id)


def _review_out(session: Session, rv) -> ReviewOut:
    user = session.get(User, rv.reviewer_id)
    return review_out(rv, {user.id: user.full_name or user.username} if user else {})


@router.post("/{submission_id}/accept", response_model=ReviewOut, summary="Accept a report (secretariat)")
def accept(
    submission_id: IdPath, actor: ActorDep, session: SessionDep, today: TodayDep, body: AcceptIn | None = None
) -> ReviewOut:
    expected = body.expected_version if body else None
    return _review_out(session, review.accept_submission(session, actor, submission_id, today, expected))


@router.post(
    "/{submission_id}/return",
    response_model=ReviewOut,
    summary="Return a report for rework with a reason (secretariat)",
)
def return_(
    submission_id: IdPath, body: ReturnIn, actor: ActorDep, session: SessionDep, today: TodayDep
) -> ReviewOut:
    return _review_out(
        session,
        review.return_submission(session, actor, submission_id, body.reason, today, body.expected_version),
    )
