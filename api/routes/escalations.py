"""Escalations: rungs of the ladder fired for checkpoints the user may see."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import ActorDep, SessionDep
from api.pagination import PagingDep, paginate
from api.schemas import EscalationOut, Paged, id_query
from workflows.escalation.queries import escalations_query

router = APIRouter(prefix="/escalations", tags=["escalations"])


@router.get("", response_model=Paged[EscalationOut], summary="Fired escalations, newest first")
def list_escalations(
    actor: ActorDep,
    session: SessionDep,
    page: PagingDep,
    rung: Annotated[str | None, Query(max_length=20, description="e.g. overdue")] = None,
    fired_from: date | None = None,
    fired_to: date | None = None,
    agency_id: Annotated[int | None, id_query("only this agency's checkpoints")] = None,
    checkpoint_id: Annotated[int | None, id_query("only this checkpoint")] = None,
) -> Paged[EscalationOut]:
    stmt = escalations_query(actor, rung, fired_from, fired_to, agency_id, checkpoint_id)
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
