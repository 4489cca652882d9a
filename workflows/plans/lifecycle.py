"""A plan's life cycle: active → withdrawn (cancelled, replaced) or archived (over), with a reason.

Either way every checkpoint not yet closed is waived (one UPDATE, versions bumped, the summary kept
in step), so nothing of the plan is chased, reminded or counted as due any more. Accepted work,
submissions, reviews and the audit trail stay: the plan's history reads as it was. A plan that is not
active takes no new draft or publication (`review/drafts.py`).
"""

from datetime import date

from sqlalchemy import select, update
from sqlmodel import Session

from models import Checkpoint, CheckpointState, Plan, Task
from models.types import utcnow
from models.user import Role
from workflows.checkpoints import summary
from workflows.checkpoints.status import CLOSED_STATES
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.audit import record
from workflows.kernel.errors import Conflict, InvalidInput, NotFound

ENDINGS = ("withdrawn", "archived")


def end_plan(session: Session, actor: Actor, plan_id: int, status: str, reason: str, today: date) -> int:
    """Withdraw or archive the plan (secretariat, admin); returns how many checkpoints were waived."""
    require_role(actor, Role.secretariat, Role.admin, "system")
    if status not in ENDINGS:
        raise InvalidInput("plan.bad_status", action=status)
    plan = session.get(Plan, plan_id, populate_existing=True)
    if plan is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    if plan.status != "active":
        raise Conflict("plan.not_active", number=plan.number, state=plan.status)
    reason = " ".join((reason or "").split())
    if not reason:
        raise InvalidInput("plan.reason_missing")
    open_ones = Checkpoint.task_id.in_(select(Task.id).where(Task.plan_id == plan.id))
    with summary.changing(session, Task.plan_id == plan.id):
        waived = session.execute(
            update(Checkpoint)
            .where(open_ones, Checkpoint.state.not_in(CLOSED_STATES))
            .values(state=CheckpointState.waived, version=Checkpoint.version + 1)
            .execution_options(synchronize_session=False)
        ).rowcount
    before = {"status": plan.status}
    plan.status, plan.status_reason, plan.status_changed_at = status, reason[:500], utcnow()
    session.add(plan)
    session.flush()
    after = {"status": status, "reason": plan.status_reason, "waived": waived, "on": today}
    record(session, actor, f"plan.{status}", "plan", plan.id, before, after)
    return waived
