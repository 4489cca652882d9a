"""The audit trail (secretariat and admin only)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query

from api.deps import SessionDep, require_roles
from api.pagination import PagingDep, paginate
from api.schemas import AuditEventOut, Paged, id_query
from models.user import Role
from workflows.kernel.audit import audit_events_query

router = APIRouter(
    prefix="/audit-events",
    tags=["audit"],
    dependencies=[Depends(require_roles(Role.secretariat, Role.admin))],
)


@router.get("", response_model=Paged[AuditEventOut], summary="Audit events, newest first")
def list_audit_events(
    session: SessionDep,
    page: PagingDep,
    entity_type: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: Annotated[int | None, id_query("only events about this record")] = None,
    actor_id: Annotated[int | None, id_query("only events by this user")] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
) -> Paged[AuditEventOut]:
    stmt = audit_events_query(entity_type, entity_id, actor_id, action)
    return paginate(session, stmt, page, lambda e: AuditEventOut.model_validate(e, from_attributes=True))
