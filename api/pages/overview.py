"""Read pages: an agency's standing, the plans and their section tree, the leaders' dashboard."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages.templating import PageDep
from models import Agency, Plan
from models.user import Role
from workflows.checkpoints.queries import list_checkpoints, supported_checkpoints
from workflows.checkpoints.status import Status
from workflows.kernel.actors import require_agency_visible, require_role
from workflows.kernel.errors import NotFound
from workflows.plans.queries import (
    plan_indicators,
    plan_issues,
    plan_sections,
    plan_tasks,
    plans_newest_first,
)
from workflows.reporting.rollups import agency_area_matrix, agency_rollup, plan_rollup, section_rollup

router = APIRouter()
DASHBOARD_ROLES = (Role.leader, Role.secretariat, Role.admin)
LIST_LIMIT = 500


@router.get("/agencies/{agency_id}")
def agency_page(page: PageDep, agency_id: int, status: str | None = None) -> Response:
    require_agency_visible(page.actor, {agency_id}, ("agency", agency_id))
    agency = page.session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    wanted = status if status in set(Status) else None
    rollups = agency_rollup(page.session, page.today, agency_ids=[agency_id])
    rows = list_checkpoints(
        page.session, page.actor, page.today, agency_id=agency_id, status=wanted, limit=LIST_LIMIT
    ).items
    supported = supported_checkpoints(
        page.session, page.actor, page.today, agency_id=agency_id, limit=LIST_LIMIT
    ).items
    return page.render(
        "agency.html",
        agency=agency,
        rollup=rollups[0] if rollups else None,
        rows=rows,
        supported=supported,
        status_filter=wanted,
        statuses=list(Status),
    )


@router.get("/plans")
def plans_page(page: PageDep) -> Response:
    plans = plans_newest_first(page.session)
    figures = {r.key: r for r in plan_rollup(page.session, page.today)}
    return page.render("plans.html", plans=plans, figures=figures)


@router.get("/plans/{plan_id}")
def plan_page(page: PageDep, plan_id: int) -> Response:
    plan = page.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    sections = section_rollup(page.session, page.today, plan_id)
    tasks = plan_tasks(page.session, page.actor, page.today, plan_id)
    by_section: dict[str, list] = {}
    for t in tasks:
        by_section.setdefault(t.section_ref, []).append(t)

    all_sections = plan_sections(page.session, plan_id)
    figures = {r.key: r for r in sections}
    totals = plan_rollup(page.session, page.today, plan_id)
    issues = plan_issues(page.session, plan_id) if page.actor.sees_all else []
    indicators = plan_indicators(page.session, plan_id)
    return page.render(
        "plan.html",
        plan=plan,
        sections=all_sections,
        figures=figures,
        by_section=by_section,
        total=totals[0] if totals else None,
        issues=issues,
        indicators=indicators,
    )


@router.get("/dashboard")
def dashboard(page: PageDep, plan_id: int | None = None) -> Response:
    require_role(page.actor, *DASHBOARD_ROLES)
    plans = plans_newest_first(page.session)
    plan = next((p for p in plans if p.id == plan_id), None) if plan_id else (plans[0] if plans else None)
    if plan_id and plan is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    ctx = {
        "plans": plans,
        "plan": plan,
        "total": None,
        "ranking": [],
        "areas": [],
        "matrix": None,
        "totals": {},
    }
    if plan:
        agencies = agency_rollup(page.session, page.today, plan.id)
        ranked = sorted(
            agencies,
            key=lambda r: (r.on_time_pct is None, -(r.on_time_pct or 0), -(r.completion_pct or 0), r.label),
        )
        totals = plan_rollup(page.session, page.today, plan.id)
        areas = [r for r in section_rollup(page.session, page.today, plan.id) if r.key.count(".") == 1]
        ctx.update(
            total=totals[0] if totals else None,
            ranking=ranked,
            areas=areas,
            matrix=agency_area_matrix(page.session, page.today, plan.id),
            totals={r.key: r for r in agencies},
        )
    return page.render("dashboard.html", **ctx)
