"""Who may do what to a checkpoint, and when: the one definition the rules enforce and the pages show.

Each action has two checks, asked in this order by the rule: *who* (the actor's role and agency —
a refusal is PermissionDenied) and *when* (the checkpoint's state — a refusal is Conflict). A rule
raises the first refusal; `allowed_actions` says which buttons a page shows, from the same checks.

- report (submit a round): a focal point of the lead agency, while the checkpoint is open or
  returned and its task is in the plan;
- contribute: a focal point of a supporting agency (not the lead), until the checkpoint closes;
- ask for an extension: a focal point of the lead agency, until the checkpoint closes, one
  pending request at a time;
- review a report: the secretariat or an admin, while the checkpoint awaits review;
- decide an extension: the secretariat or an admin.
"""

from dataclasses import dataclass

from sqlmodel import Session, select

from models.checkpoint import Checkpoint, CheckpointState
from models.extension import ExtensionRequest
from models.plan import Task, TaskSupport
from models.user import Role
from workflows.checkpoints.status import CLOSED_STATES, SUBMITTABLE_STATES
from workflows.kernel.actors import Actor
from workflows.kernel.errors import Conflict, DomainError, PermissionDenied

REVIEWER_ROLES = (Role.secretariat, Role.admin)


@dataclass(frozen=True)
class CheckpointFacts:
    """What the permissions depend on, read once: the checkpoint, its task and its partners."""

    checkpoint_id: int
    agency_id: int
    state: str
    task_withdrawn: bool
    supporters: frozenset[int]
    pending_extension: bool


def checkpoint_facts(session: Session, cp: Checkpoint) -> CheckpointFacts:
    """The facts of one checkpoint (three small queries)."""
    task = session.get(Task, cp.task_id)
    supporters = session.exec(select(TaskSupport.agency_id).where(TaskSupport.task_id == cp.task_id)).all()
    pending = session.exec(
        select(ExtensionRequest.id).where(
            ExtensionRequest.checkpoint_id == cp.id, ExtensionRequest.status == "pending"
        )
    ).first()
    return CheckpointFacts(
        cp.id, cp.agency_id, cp.state, task.withdrawn, frozenset(supporters), pending is not None
    )


def who_may_report(actor: Actor, f: CheckpointFacts) -> DomainError | None:
    """Only a focal point of the lead agency reports."""
    if actor.role != Role.focal or actor.agency_id != f.agency_id:
        return PermissionDenied("focal.not_lead")
    return None


def when_may_report(f: CheckpointFacts) -> DomainError | None:
    """A report goes to an open or returned checkpoint of a task still in the plan."""
    if f.state not in SUBMITTABLE_STATES:
        return Conflict("submission.not_open", id=f.checkpoint_id, state=f.state)
    if f.task_withdrawn:
        return Conflict("submission.task_withdrawn", id=f.checkpoint_id)
    return None


def who_may_contribute(actor: Actor, f: CheckpointFacts) -> DomainError | None:
    """Only a focal point of a supporting agency, not the lead, contributes."""
    if actor.role != Role.focal:
        return PermissionDenied("contribution.not_focal")
    if actor.agency_id == f.agency_id:
        return PermissionDenied("contribution.is_lead")
    if actor.agency_id not in f.supporters:
        return PermissionDenied("contribution.not_supporting")
    return None


def when_may_contribute(f: CheckpointFacts) -> DomainError | None:
    """Contributions are taken until the checkpoint closes."""
    if f.state in CLOSED_STATES:
        return Conflict("contribution.closed", id=f.checkpoint_id, state=f.state)
    return None


def who_may_ask_extension(actor: Actor, f: CheckpointFacts) -> DomainError | None:
    """Only a focal point of the lead agency asks for more time."""
    return who_may_report(actor, f)


def when_may_ask_extension(f: CheckpointFacts) -> DomainError | None:
    """Until the checkpoint closes; the pending-request check runs again under the row lock."""
    if f.state in CLOSED_STATES:
        return Conflict("extension.closed", id=f.checkpoint_id, state=f.state)
    return None


def who_may_review(actor: Actor) -> DomainError | None:
    """The secretariat and admins review reports and decide extensions."""
    if actor.role not in REVIEWER_ROLES:
        return PermissionDenied("role.not_allowed", role=actor.role, needs=", ".join(REVIEWER_ROLES))
    return None


def refuse_if(*refusals: DomainError | None) -> None:
    """Raise the first refusal given (the rules' way of asking the checks above)."""
    for refusal in refusals:
        if refusal is not None:
            raise refusal


@dataclass(frozen=True)
class Actions:
    """The buttons a checkpoint page shows to one actor."""

    submit: bool
    contribute: bool
    request_extension: bool
    review: bool
    decide_extension: bool


def allowed_actions(actor: Actor, f: CheckpointFacts) -> Actions:
    """What `actor` may do now to the checkpoint described by `f` (the rules' own checks)."""
    return Actions(
        submit=who_may_report(actor, f) is None and when_may_report(f) is None,
        contribute=who_may_contribute(actor, f) is None and when_may_contribute(f) is None,
        request_extension=who_may_ask_extension(actor, f) is None
        and when_may_ask_extension(f) is None
        and not f.pending_extension,
        review=who_may_review(actor) is None and f.state == CheckpointState.submitted,
        decide_extension=who_may_review(actor) is None,
    )
