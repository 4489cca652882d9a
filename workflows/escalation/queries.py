"""Fired escalations still worth showing: the desk's queue and the secretariat's digest read them here."""

from datetime import date

from sqlalchemy import Select, select

from models import Checkpoint, Escalation, Task
from workflows.checkpoints.queries import visible_to
from workflows.checkpoints.status import CLOSED_STATES
from workflows.kernel.actors import Actor


def open_escalations(*columns) -> Select:
    """Rungs fired for a checkpoint's current due date whose work is still open (Task joined)."""
    return (
        select(*columns)
        .select_from(Escalation)
        .join(Checkpoint, Checkpoint.id == Escalation.checkpoint_id)
        .join(Task, Task.id == Checkpoint.task_id)
        .where(Escalation.due_date == Checkpoint.due_date, Checkpoint.state.not_in(CLOSED_STATES))
    )


def escalations_query(
    actor: Actor,
    rung: str | None = None,
    fired_from: date | None = None,
    fired_to: date | None = None,
    agency_id: int | None = None,
    checkpoint_id: int | None = None,
) -> Select:
    """Fired rungs of checkpoints the actor may see, newest first: (Escalation, agency id) rows."""
    stmt = (
        select(Escalation, Checkpoint.agency_id)
        .join(Checkpoint, Checkpoint.id == Escalation.checkpoint_id)
        .where(visible_to(actor))
        .order_by(Escalation.fired_on.desc(), Escalation.id.desc())
    )
    if rung is not None:
        stmt = stmt.where(Escalation.rung == rung)
    if fired_from is not None:
        stmt = stmt.where(Escalation.fired_on >= fired_from)
    if fired_to is not None:
        stmt = stmt.where(Escalation.fired_on <= fired_to)
    if agency_id is not None:
        stmt = stmt.where(Checkpoint.agency_id == agency_id)
    if checkpoint_id is not None:
        stmt = stmt.where(Escalation.checkpoint_id == checkpoint_id)
    return stmt
