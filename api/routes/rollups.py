"""Completion figures per agency, section and plan (`workflows.reporting.rollups`)."""

from typing import Annotated

from fastapi import APIRouter, Depends
from sqlalchemy import func, select

from api.deps import ActorDep, SessionDep, TodayDep, require_roles
from api.pagination import PageDep, page_of
from api.routes.plans import get_plan_or_404
from api.schemas import Page, RollupOut, id_query
from models.agency import Agency
from models.checkpoint import Checkpoint
from models.plan import Task
from models.user import Role
from workflows.reporting import rollups

router = APIRouter(prefix="/rollups", tags=["rollups"])
SeesAll = [Depends(require_roles(Role.secretariat, Role.leader, Role.admin))]
PlanId = Annotated[int, id_query("the plan")]


def _out(items: list[rollups.Rollup]) -> list[RollupOut]:
    return [RollupOut.model_validate(r.as_dict()) for r in items]


@router.get(
    "/agencies",
    response_model=Page[RollupOut],
    summary="Figures per responsible agency",
    description="Agency users see only their own agency's figures.",
)
def agency_rollups(
    actor: ActorDep,
    session: SessionDep,
    today: TodayDep,
    page: PageDep,
    plan_id: Annotated[int | None, id_query("only this plan")] = None,
) -> Page[RollupOut]:
    if plan_id is not None:
        get_plan_or_404(session, plan_id)
    if not actor.sees_all:
        own = {actor.agency_id or 0}
        return page_of(_out(rollups.agency_rollup(session, today, plan_id=plan_id, agency_ids=own)), page)
    # page the responsible agencies first (in the rollup's order: by name), then figure only that
    # page: nationally the whole rollup is ~1M checkpoints, a page of 50 agencies a few thousand
    responsible = select(Checkpoint.agency_id)
    if plan_id is not None:
        responsible = responsible.join(Task, Task.id == Checkpoint.task_id).where(Task.plan_id == plan_id)
    agencies = select(Agency.id).where(Agency.id.in_(responsible)).order_by(Agency.name, Agency.id)
    total = session.execute(select(func.count()).select_from(agencies.order_by(None).subquery())).scalar_one()
    ids = session.execute(agencies.limit(page.limit).offset(page.offset)).scalars().all()
    items = rollups.agency_rollup(session, today, plan_id=plan_id, agency_ids=ids) if ids else []
    return Page(items=_out(items), total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/sections",
    response_model=Page[RollupOut],
    summary="Figures per section of a plan (subtrees)",
    dependencies=SeesAll,
)
def section_rollups(plan_id: PlanId, session: SessionDep, today: TodayDep, page: PageDep) -> Page[RollupOut]:
    get_plan_or_404(session, plan_id)
    return page_of(_out(rollups.section_rollup(session, today, plan_id)), page)


@router.get("/plans", response_model=Page[RollupOut], summary="Figures per plan", dependencies=SeesAll)
def plan_rollups(
    session: SessionDep,
    today: TodayDep,
    page: PageDep,
    plan_id: Annotated[int | None, id_query("only this plan")] = None,
) -> Page[RollupOut]:
    return page_of(_out(rollups.plan_rollup(session, today, plan_id)), page)
