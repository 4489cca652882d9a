"""The secretariat's desk and the head-of-agency digest preview."""

from dataclasses import dataclass

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.limits import HeavyPage
from api.pages.templating import Page, PageDep, PlanFilter, plan_filter
from models.agency import Agency
from models.user import Role
from notifications.digests import preview_head_digest
from workflows.followup.queries import open_requests
from workflows.indicators.queries import values_awaiting_review
from workflows.kernel.actors import require_agency_visible, require_role
from workflows.kernel.errors import NotFound
from workflows.plans.queries import plans_newest_first
from workflows.reporting.desk import DESK_ROLES, desk, desk_scope
from workflows.reporting.rollups import agency_area_matrix, agency_rollup, plan_rollup, responsible_agencies

router = APIRouter()
MATRIX_AGENCIES = 50  # agencies per page of the desk's matrix


@dataclass(frozen=True)
class MatrixPager:
    page: int
    pages: int
    agencies: int


RUNG_LABELS = {
    "reminder": "Nhắc trước hạn 7 ngày",
    "overdue": "Quá hạn — báo đơn vị và thủ trưởng",
    "secretariat": "Quá hạn trên 7 ngày — Thường trực theo dõi",
    "leader": "Quá hạn trên 30 ngày — báo lãnh đạo tỉnh",
}


@router.get("/desk", dependencies=[HeavyPage])
def desk_page(page: PageDep, plan_id: str = "", agencies_page: int = Query(1, ge=1, le=10_000)) -> Response:
    require_role(page.actor, *DESK_ROLES)
    snapshots = page.request.app.state.snapshots
    every_plan = snapshots.get(("plans",), lambda: plans_newest_first(page.session)).value
    plans = plan_filter(page.session, plan_id, every_plan)
    scope = desk_scope(page.session, page.actor)
    key = ("desk", page.actor.role, scope, plans.plan_id, agencies_page, page.today)
    snapshot = snapshots.get(key, lambda: _desk_data(page, plans, agencies_page))
    return page.render(
        "desk.html",
        plans=plans.plans,
        plan_filter=plans,
        plan=plans.single,
        rung_labels=RUNG_LABELS,
        taken_at=snapshot.taken_at,
        **snapshot.value,
    )


def _desk_data(page: Page, plans: PlanFilter, agencies_page: int) -> dict:
    """What the desk shows (plain data, kept for the others who ask: api/snapshots.py)."""
    plan = plans.single  # the matrix and per-agency figures are of one plan
    view = desk(page.session, page.actor, page.today, plans.plan_id)
    matrix, totals, pager = None, {}, None
    if plan:
        # the matrix a page of agencies at a time: a national plan has hundreds of rows
        offset = (agencies_page - 1) * MATRIX_AGENCIES
        ids, n = responsible_agencies(page.session, plan.id, MATRIX_AGENCIES, offset, view.scope.province)
        matrix = agency_area_matrix(page.session, page.today, plan.id, agency_ids=ids)
        totals = {r.key: r for r in agency_rollup(page.session, page.today, plan.id, agency_ids=ids)}
        pager = MatrixPager(agencies_page, -(-n // MATRIX_AGENCIES), n)
    per_plan = (
        []
        if plan
        else plan_rollup(page.session, page.today, plan_ids=plans.plan_ids, province=view.scope.province)
    )
    return {
        "desk": view,
        "per_plan": per_plan,
        "matrix": matrix,
        "totals": totals,
        "pager": pager,
        "indicator_values": values_awaiting_review(page.session, limit=20),
        "explanations": open_requests(page.session, page.actor, limit=20),
    }


@router.get("/desk/digest/{agency_id}")
def digest_preview(page: PageDep, agency_id: int, plan_id: str = "") -> Response:
    if page.actor.role == Role.head:  # a head reads the digest of their own agency
        require_agency_visible(page.actor, {agency_id}, ("agency", agency_id))
    else:
        require_role(page.actor, Role.secretariat, Role.admin)
    agency = page.session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    plans = plan_filter(page.session, plan_id)
    preview = preview_head_digest(page.session, page.settings, agency_id, page.today, plans.plan_id)
    return page.render("digest.html", agency=agency, preview=preview, plan_filter=plans)
