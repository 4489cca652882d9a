"""The secretariat's desk and the head-of-agency digest preview."""

from dataclasses import dataclass

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.limits import HeavyPage
from api.pages.templating import PageDep, plan_filter
from models.agency import Agency
from models.user import Role
from notifications.digests import preview_head_digest
from workflows.followup.queries import open_requests
from workflows.indicators.queries import values_awaiting_review
from workflows.kernel.actors import require_agency_visible, require_role
from workflows.kernel.errors import NotFound
from workflows.reporting.desk import DESK_ROLES, desk
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
    plans = plan_filter(page.session, plan_id)
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
    return page.render(
        "desk.html",
        desk=view,
        plans=plans.plans,
        plan_filter=plans,
        plan=plan,
        per_plan=[] if plan else plan_rollup(page.session, page.today, plan_ids=plans.plan_ids),
        matrix=matrix,
        totals=totals,
        pager=pager,
        rung_labels=RUNG_LABELS,
        indicator_values=values_awaiting_review(page.session, limit=20),
        explanations=open_requests(page.session, page.actor, limit=20),
    )


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
