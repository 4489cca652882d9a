"""Search: checkpoints found by words (diacritics ignored) and filters, one page at a time."""

from typing import Annotated

from fastapi import APIRouter, Query
from pydantic import Field

from api.deps import ActorDep, SessionDep, TodayDep
from api.pagination import PagingDep
from api.routes.views import checkpoint_out
from api.schemas import MAX_ID, CheckpointOut, Paged, id_query
from workflows.checkpoints.status import Status
from workflows.plans.search import MAX_TEXT, parse_search, search_checkpoints

router = APIRouter(prefix="/search", tags=["search"])
PlanId = Annotated[int, Field(ge=1, le=MAX_ID)]


@router.get(
    "/checkpoints",
    response_model=Paged[CheckpointOut],
    summary="Find checkpoints by words and filters",
    description="`q` matches the task's ref, text, plan number and agencies, ignoring case and "
    'diacritics ("y te" finds "Sở Y tế"); every word must start a word of the task. Without '
    "`plan_id` every active plan is searched. `quarter` (2023-Q2, Q2/2023, 2) is the quarter of "
    "the original due date; `area` a section ref and its subsections. In due-date order; `total` "
    "counts up to 1,000 (or to the end of the page asked for) and `total_capped` says more match.",
)
def search(
    actor: ActorDep,
    session: SessionDep,
    today: TodayDep,
    page: PagingDep,
    q: Annotated[str, Query(max_length=MAX_TEXT, description="words to find")] = "",
    plan_id: Annotated[
        list[int] | None, Query(description="plan ids (repeatable); none: active plans")
    ] = None,
    area: Annotated[str, Query(max_length=80, description="section ref, e.g. II.1")] = "",
    agency_id: Annotated[int | None, id_query("the responsible agency")] = None,
    status: Annotated[list[Status] | None, Query(description="computed status (repeatable)")] = None,
    quarter: Annotated[str, Query(max_length=20)] = "",
    overdue: bool = False,
) -> Paged[CheckpointOut]:
    wanted = parse_search(
        session,
        today,
        text=q,
        plan_ids=plan_id or (),
        area=area,
        agency_id=agency_id,
        statuses=[s.value for s in status or ()],
        quarter=quarter,
        overdue=overdue,
    )
    listing = search_checkpoints(session, actor, today, wanted, limit=page.limit, offset=page.offset)
    return Paged(
        items=[checkpoint_out(i) for i in listing.items],
        total=listing.total,
        limit=page.limit,
        offset=page.offset,
        total_capped=listing.capped,
    )
