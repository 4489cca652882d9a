"""The audit trail (secretariat and admin only)."""

from typing import Annotated

from fastapi import APIRouter, Depends, Query
from sqlmodel import select

from api.deps import SessionDep, require_roles
from api.pagination import PageDep, paginate
from api.schemas import AuditEventOut, Page, id_query
from models.audit import AuditEvent
from models.user import Role

router = APIRouter(
    prefix="/audit-events",
    tags=["audit"],
    dependencies=[Depends(require_roles(Role.secretariat, Role.admin))],
)


@router.get("", response_model=Page[AuditEventOut], summary="Audit events, newest first")
def list_audit_events(
    session: SessionDep,
    page: PageDep,
    entity_type: Annotated[str | None, Query(max_length=40)] = None,
    entity_id: Annotated[int | None, id_query("only events about this record")] = None,
    actor_id: Annotated[int | None, id_query("only events by this user")] = None,
    action: Annotated[str | None, Query(max_length=60)] = None,
) -> Page[AuditEventOut]:
    stmt = select(AuditEvent).order_by(AuditEvent.id.desc())
    if entity_type is not None:
        stmt = stmt.where(AuditEvent.entity_type == entity_type)
    if entity_id is not None:
        stmt = stmt.where(AuditEvent.entity_id == entity_id)
    if actor_id is not None:
        stmt = stmt.where(AuditEvent.actor_id == actor_id)
    if action is not None:
        stmt = stmt.where(AuditEvent.action == action)
    return paginate(session, stmt, page, lambda e: AuditEventOut.model_validate(e, from_attributes=True))
