"""Extension requests (gia hạn): list what you may see; the secretariat decides."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query
from sqlmodel import select

from api.deps import ActorDep, SessionDep, TodayDep
from api.pagination import PageDep, paginate
from api.routes.views import extension_out
from api.schemas import ExtensionDecisionIn, ExtensionOut, IdPath, Page, id_query
from models.checkpoint import Checkpoint
from models.extension import ExtensionRequest
from workflows.checkpoints import extensions
from workflows.checkpoints.queries import visible_to

router = APIRouter(prefix="/extensions", tags=["extensions"])


@router.get("", response_model=Page[ExtensionOut], summary="Extension requests, oldest first")
def list_extensions(
    actor: ActorDep,
    session: SessionDep,
    page: PageDep,
    status: Annotated[Literal["pending", "approved", "refused"] | None, Query()] = None,
    agency_id: Annotated[int | None, id_query("the responsible agency")] = None,
    checkpoint_id: Annotated[int | None, id_query("only this checkpoint")] = None,
) -> Page[ExtensionOut]:
    stmt = (
        select(ExtensionRequest)
        .join(Checkpoint, Checkpoint.id == ExtensionRequest.checkpoint_id)
        .where(visible_to(actor))
        .order_by(ExtensionRequest.requested_at, ExtensionRequest.id)
    )
    if status is not None:
        stmt = stmt.where(ExtensionRequest.status == status)
    if agency_id is not None:
        stmt = stmt.where(Checkpoint.agency_id == agency_id)
    if checkpoint_id is not None:
        stmt = stmt.where(ExtensionRequest.checkpoint_id == checkpoint_id)
    return paginate(session, stmt, page, extension_out)


@router.post(
    "/{extension_id}/decision",
    response_model=ExtensionOut,
    summary="Approve (the due date moves) or refuse a request (secretariat)",
)
def decide(
    extension_id: IdPath, body: ExtensionDecisionIn, actor: ActorDep, session: SessionDep, today: TodayDep
) -> ExtensionOut:
    req = extensions.decide_extension(session, actor, extension_id, body.approve, body.note, today)
    return extension_out(req)
