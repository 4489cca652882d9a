"""Fired escalations still worth showing: the desk's queue and the secretariat's digest read them here."""

from sqlalchemy import Select, select

from models import Checkpoint, Escalation, Task
from workflows.checkpoints.status import CLOSED_STATES


def open_escalations(*columns) -> Select:
    """Rungs fired for a checkpoint's current due date whose work is still open (Task joined)."""
    return (
        select(*columns)
        .select_from(Escalation)
        .join(Checkpoint, Checkpoint.id == Escalation.checkpoint_id)
        .join(Task, Task.id == Checkpoint.task_id)
        .where(Escalation.due_date == Checkpoint.due_date, Checkpoint.state.not_in(CLOSED_STATES))
    )
