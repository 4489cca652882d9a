"""Agencies (cơ quan, đơn vị): the registry every signed-in user may read."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import select

from api.deps import CurrentUser, SessionDep
from api.pagination import PageDep, paginate
from api.schemas import IdPath, Page
from models.agency import Agency, AgencyPublic
from workflows.kernel.errors import NotFound

router = APIRouter(prefix="/agencies", tags=["agencies"])


def _public(agency: Agency) -> AgencyPublic:
    return AgencyPublic.model_validate(agency, from_attributes=True)


@router.get("", response_model=Page[AgencyPublic], summary="List agencies")
def list_agencies(
    _user: CurrentUser,
    session: SessionDep,
    page: PageDep,
    active: bool | None = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
) -> Page[AgencyPublic]:
    stmt = select(Agency).order_by(Agency.name, Agency.id)
    if active is not None:
        stmt = stmt.where(Agency.active == active)
    if kind is not None:
        stmt = stmt.where(Agency.kind == kind)
    return paginate(session, stmt, page, _public)


@router.get("/{agency_id}", response_model=AgencyPublic, summary="One agency")
def get_agency(agency_id: IdPath, _user: CurrentUser, session: SessionDep) -> AgencyPublic:
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    return _public(agency)
