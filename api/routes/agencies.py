"""Agencies (cơ quan, đơn vị): the registry every signed-in user may read."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser, SessionDep
from api.pagination import PagingDep, paginate
from api.schemas import IdPath, Paged
from models.agency import Agency, AgencyPublic
from workflows.agencies import queries as agencies
from workflows.agencies.queries import agencies_query

router = APIRouter(prefix="/agencies", tags=["agencies"])


def _public(agency: Agency) -> AgencyPublic:
    return AgencyPublic.model_validate(agency, from_attributes=True)


@router.get("", response_model=Paged[AgencyPublic], summary="List agencies")
def list_agencies(
    _user: CurrentUser,
    session: SessionDep,
    page: PagingDep,
    active: bool | None = None,
    kind: Annotated[str | None, Query(max_length=40)] = None,
) -> Paged[AgencyPublic]:
    return paginate(session, agencies_query(active, kind), page, _public)


@router.get("/{agency_id}", response_model=AgencyPublic, summary="One agency")
def get_agency(agency_id: IdPath, _user: CurrentUser, session: SessionDep) -> AgencyPublic:
    return _public(agencies.get_agency(session, agency_id))
