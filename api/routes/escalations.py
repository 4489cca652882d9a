"""Escalations: rungs of the ladder fired for checkpoints the user may see."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import select

from api.deps import ActorDep, SessionDep
from api.pagination import PageDep, paginate
from api.schemas import EscalationOut, Page, id_query
from models.checkpoint import Checkpoint
from models.escalation import Escalation
from workflows.checkpoints.queries import visible_to

router = APIRouter(prefix="/escalations", tags=["escalations"])


@router.get("", response_model=Page[EscalationOut], summary="Fired escalations, newest first")
def list_escalations(
    actor: ActorDep,
    session: SessionDep,
    page: PageDep,
    rung: Annotated[str | None, Query(max_length=20, description="e.g. overdue")] = None,
    fired_from: date | None = None,
    fired_to: date | None = None,
    agency_id: Annotated[int | None, id_query("only this agency's checkpoints")] = None,
    checkpoint_id: Annotated[int | None, id_query("only this checkpoint")] = None,
) -> Page[EscalationOut]:
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
    return paginate(
        session,
        stmt,
        page,
        scalars=False,
        convert=lambda row: EscalationOut(
            **row[0].model_dump(include={"id", "checkpoint_id", "rung", "due_date", "fired_on"}),
            agency_id=row[1],
        ),
    )
