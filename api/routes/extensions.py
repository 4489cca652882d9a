"""Extension requests (gia hạn): list what you may see; the secretariat decides."""

from typing import Annotated, Literal

from fastapi import APIRouter, Query

from api.deps import ActorDep, SessionDep, TodayDep
from api.pagination import PagingDep, paginate
from api.routes.views import extension_out
from api.schemas import ExtensionDecisionIn, ExtensionOut, IdPath, Paged, id_query
from workflows.checkpoints import extensions
from workflows.checkpoints.queries import extensions_query

router = APIRouter(prefix="/extensions", tags=["extensions"])


@router.get("", response_model=Paged[ExtensionOut], summary="Extension requests, oldest first")
def list_extensions(
    actor: ActorDep,
    session: SessionDep,
    page: PagingDep,
    status: Annotated[Literal["pending", "approved", "refused"] | None, Query()] = None,
    agency_id: Annotated[int | None, id_query("the responsible agency")] = None,
    checkpoint_id: Annotated[int | None, id_query("only this checkpoint")] = None,
) -> Paged[ExtensionOut]:
    return paginate(session, extensions_query(actor, status, agency_id, checkpoint_id), page, extension_out)


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
