"""Completion figures per agency, section and plan (`workflows.reporting.rollups`)."""

from typing import Annotated

from fastapi import APIRouter, Depends

from api.deps import ActorDep, SessionDep, SettingsDep, TodayDep
from api.pagination import PagingDep, page_of
from api.schemas import Paged, RollupOut, id_query
from workflows.checkpoints.visibility import FigureView, figure_view, require_mixed_figures
from workflows.plans.queries import get_plan
from workflows.reporting import rollups

router = APIRouter(prefix="/rollups", tags=["rollups"])
PlanId = Annotated[int, id_query("the plan")]
POLICY = (
    "Who sees what follows PLANTRACK_PEER_FIGURES (own: agency users see only their own agency's "
    "figures; all: every figure)."
)


def get_figures(actor: ActorDep, settings: SettingsDep) -> FigureView:
    """The figures the caller may see (workflows.checkpoints.visibility)."""
    return figure_view(actor, settings.peer_figures)


FiguresDep = Annotated[FigureView, Depends(get_figures)]


def mixed_figures(figures: FiguresDep) -> None:
    require_mixed_figures(figures)


Mixed = [Depends(mixed_figures)]


def _out(items: list[rollups.Rollup]) -> list[RollupOut]:
    return [RollupOut.model_validate(r.as_dict()) for r in items]


@router.get(
    "/agencies",
    response_model=Paged[RollupOut],
    summary="Figures per responsible agency",
    description=POLICY,
)
def agency_rollups(
    figures: FiguresDep,
    session: SessionDep,
    today: TodayDep,
    page: PagingDep,
    plan_id: Annotated[int | None, id_query("only this plan")] = None,
) -> Paged[RollupOut]:
    if plan_id is not None:
        get_plan(session, plan_id)
    own = figures.agency_ids()
    if own is not None:
        return page_of(_out(rollups.agency_rollup(session, today, plan_id=plan_id, agency_ids=own)), page)
    items, total = rollups.agency_rollup_page(session, today, plan_id, page.limit, page.offset)
    return Paged(items=_out(items), total=total, limit=page.limit, offset=page.offset)


@router.get(
    "/sections",
    response_model=Paged[RollupOut],
    summary="Figures per section of a plan (subtrees)",
    description=POLICY,
    dependencies=Mixed,
)
def section_rollups(
    plan_id: PlanId, session: SessionDep, today: TodayDep, page: PagingDep
) -> Paged[RollupOut]:
    get_plan(session, plan_id)
    return page_of(_out(rollups.section_rollup(session, today, plan_id)), page)


@router.get(
    "/plans",
    response_model=Paged[RollupOut],
    summary="Figures per plan",
    description=POLICY,
    dependencies=Mixed,
)
def plan_rollups(
    session: SessionDep,
    today: TodayDep,
    page: PagingDep,
    plan_id: Annotated[int | None, id_query("only this plan")] = None,
) -> Paged[RollupOut]:
    return page_of(_out(rollups.plan_rollup(session, today, plan_id)), page)
