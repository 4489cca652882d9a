"""Completion figures per agency, section and plan (`workflows.reporting.rollups`)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import ActorDep, SessionDep, TodayDep, require_roles
from api.pagination import PagingDep, page_of
from api.schemas import Paged, RollupOut, id_query
from models.user import Role
from workflows.plans.queries import get_plan
from workflows.reporting import rollups

router = APIRouter(prefix="/rollups", tags=["rollups"])
SeesAll = [Depends(require_roles(Role.secretariat, Role.leader, Role.admin))]
PlanId = Annotated[int, id_query("the plan")]


def _out(items: list[rollups.Rollup]) -> list[RollupOut]:
    return [RollupOut.model_validate(r.as_dict()) for r in items]


@router.get(
    "/agencies",
    response_model=Paged[RollupOut],
    summary="Figures per responsible agency",
    description="Agency users see only their own agency's figures.",
)
def agency_rollups(
    actor: ActorDep,
    session: SessionDep,
    today: TodayDep,
    page: PagingDep,
    plan_id: Annotated[int | None, id_query("only this plan")] = None,
) -> Paged[RollupOut]:
    if plan_id is not None:
        get_plan(session, plan_id)
    if not actor.sees_all:
        own = {actor.agency_id or 0}
        return page_of(_out(rollups.agency_rollup(session, today, plan_id=plan_id, agency_ids=own)), page)
    items, total = rollups.agency_rollup_page(session, today, plan_id, page.limit, page.offset)
    return Paged(items=_out(items), total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/sections",
    response_model=Paged[RollupOut],
    summary="Figures per section of a plan (subtrees)",
    dependencies=SeesAll,
)
def section_rollups(
    plan_id: PlanId, session: SessionDep, today: TodayDep, page: PagingDep
) -> Paged[RollupOut]:
    get_plan(session, plan_id)
    return page_of(_out(rollups.section_rollup(session, today, plan_id)), page)


@router.get("/plans", response_model=Paged[RollupOut], summary="Figures per plan", dependencies=SeesAll)
def plan_rollups(
    session: SessionDep,
    today: TodayDep,
    page: PagingDep,
    plan_id: Annotated[int | None, id_query("only this plan")] = None,
) -> Paged[RollupOut]:
    return page_of(_out(rollups.plan_rollup(session, today, plan_id)), page)
