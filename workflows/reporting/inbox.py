"""A focal point's inbox: what the agency owes, most urgent first, and the tasks it supports.

The grouping is the one of every worklist (`workflows/reporting/worklists.py`).
`supported`: for each task the agency supports (phối hợp), the lead agency's current checkpoint
(`workflows.checkpoints.queries.current_checkpoints`).
"""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlmodel import Session

from models import Agency, Checkpoint, TaskSupport
from workflows.checkpoints.queries import current_checkpoints
from workflows.kernel.actors import Actor
from workflows.kernel.errors import InvalidInput, NotFound
from workflows.reporting.worklists import HORIZON_DAYS, CheckpointItem, Worklist, checkpoint_items, worklists


@dataclass
class Inbox(Worklist):
    """An agency's worklist, with the lead agencies' checkpoints of the tasks it supports."""

    agency_id: int = 0
    agency_name: str = ""
    supported: list[CheckpointItem] = field(default_factory=list)


def inbox_agency_id(actor: Actor, agency_id: int | None) -> int:
    """The agency whose inbox `actor` may read: their own, or any for those who see all."""
    if not actor.sees_all:
        if actor.agency_id is None:
            raise InvalidInput("account.no_agency")
        if agency_id is not None and agency_id != actor.agency_id:
            raise NotFound("not_found", what="agency", id=agency_id)
        return actor.agency_id
    if agency_id is None:
        raise InvalidInput("agency.choose")
    return agency_id


def agency_inbox(
    session: Session,
    actor: Actor,
    today: date,
    agency_id: int | None = None,
    horizon_days: int = HORIZON_DAYS,
) -> Inbox:
    """The inbox of the actor's agency (or of `agency_id` for the secretariat)."""
    agency_id = inbox_agency_id(actor, agency_id)
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    work = worklists(session, today, Checkpoint.agency_id == agency_id, horizon_days=horizon_days)
    inbox = Inbox(**vars(work.get(agency_id, Worklist())), agency_id=agency.id, agency_name=agency.name)
    inbox.supported = supported_items(session, agency_id, today)
    return inbox


def supported_items(session: Session, agency_id: int, today: date) -> list[CheckpointItem]:
    """The lead agencies' current checkpoint of every task `agency_id` supports."""
    supported = select(TaskSupport.task_id).where(TaskSupport.agency_id == agency_id)
    items = checkpoint_items(session, today, Checkpoint.id.in_(current_checkpoints(supported)))
    return sorted(items, key=lambda i: (i.due_date, i.section_ref, i.task_ref))
