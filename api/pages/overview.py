"""Read pages: an agency's standing, the plans and their section tree, the leaders' dashboard."""

from dataclasses import replace

from fastapi import APIRouter
from fastapi.responses import Response
from markupsafe import Markup

from api.pages.templating import PageDep, pager, plan_filter
from models import Agency, Plan
from models.user import Role
from workflows.checkpoints.status import Status
from workflows.checkpoints.visibility import FigureView, figure_view
from workflows.indicators.progress import STATUS_LABELS_VI
from workflows.indicators.queries import indicator_progress, status_counts
from workflows.kernel.actors import require_agency_visible, require_role
from workflows.kernel.errors import NotFound
from workflows.plans.queries import (
    plan_issues,
    plan_sections,
    plan_tasks,
    plans_newest_first,
)
from workflows.plans.search import Search, search_checkpoints, search_supported
from workflows.reporting import charts, trends
from workflows.reporting.rollups import (
    agency_area_matrix,
    agency_rollup,
    combined,
    plan_rollup,
    section_rollup,
)

router = APIRouter()
DASHBOARD_ROLES = (Role.leader, Role.secretariat, Role.admin)
LIST_LIMIT = 100  # rows a page of the agency's lists shows; the pager walks the rest


@router.get("/agencies/{agency_id}")
def agency_page(
    page: PageDep,
    agency_id: int,
    status: str | None = None,
    plan_id: str = "",
    offset: str = "0",
    soffset: str = "0",
) -> Response:
    require_agency_visible(page.actor, {agency_id}, ("agency", agency_id))
    agency = page.session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    plans = plan_filter(page.session, plan_id)
    wanted = status if status in set(Status) else None
    start = int(offset) if offset.isdigit() else 0
    sstart = int(soffset) if soffset.isdigit() else 0
    rollups = agency_rollup(page.session, page.today, plan_ids=plans.plan_ids, agency_ids=[agency_id])
    scope = Search(plan_ids=tuple(p.id for p in plans.chosen_list), statuses=(wanted,) if wanted else ())
    rows = search_checkpoints(
        page.session, page.actor, page.today, replace(scope, agency_id=agency_id), LIST_LIMIT, start
    )
    supported = search_supported(page.session, page.actor, page.today, agency_id, scope, LIST_LIMIT, sstart)
    indicators = indicator_progress(page.session, page.today, agency_id=agency_id)
    trend, trend_svg = None, ""
    if rollups:
        quarters = trends.plan_quarters(page.session, plans.plan_ids, page.today)
        trend = trends.scope_trend(page.session, page.today, quarters, plans.plan_ids, agency_id=agency_id)
        trend_svg = charts.trend_svg(trend.points, f"{agency.name}: tiến độ theo quý")
    return page.render(
        "agency.html",
        indicators=indicators,
        trend=trend,
        trend_svg=Markup(trend_svg),
        agency=agency,
        rollup=rollups[0] if rollups else None,
        rows=rows.items,
        supported=supported.items,
        rows_pager=pager(page.request, rows.total, LIST_LIMIT, start, capped=rows.capped),
        supported_pager=pager(
            page.request, supported.total, LIST_LIMIT, sstart, key="soffset", capped=supported.capped
        ),
        status_filter=wanted,
        statuses=list(Status),
        plan_filter=plans,
    )


def _figures(page) -> FigureView:
    """The figures this user may see (the province's PLANTRACK_PEER_FIGURES)."""
    return figure_view(page.actor, page.settings.peer_figures)


@router.get("/plans")
def plans_page(page: PageDep) -> Response:
    plans = plans_newest_first(page.session)
    mixed = _figures(page).mixed
    figures = {r.key: r for r in plan_rollup(page.session, page.today)} if mixed else {}
    return page.render("plans.html", plans=plans, figures=figures)


@router.get("/plans/{plan_id}")
def plan_page(page: PageDep, plan_id: int) -> Response:
    plan = page.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    view = _figures(page)
    tasks = plan_tasks(page.session, page.actor, page.today, plan_id, view)
    by_section: dict[str, list] = {}
    for t in tasks:
        by_section.setdefault(t.section_ref, []).append(t)

    all_sections = plan_sections(page.session, plan_id)
    sections = section_rollup(page.session, page.today, plan_id) if view.mixed else []
    figures = {r.key: r for r in sections}
    totals = plan_rollup(page.session, page.today, plan_id) if view.mixed else []
    issues = plan_issues(page.session, plan_id) if page.actor.sees_all else []
    indicators = indicator_progress(page.session, page.today, plan_id=plan_id)
    return page.render(
        "plan.html",
        plan=plan,
        sections=all_sections,
        figures=figures,
        by_section=by_section,
        total=totals[0] if totals else None,
        mixed_figures=view.mixed,
        issues=issues,
        indicators=indicators,
    )


@router.get("/dashboard")
def dashboard(page: PageDep, plan_id: str = "", agency_id: str = "") -> Response:
    require_role(page.actor, *DASHBOARD_ROLES)
    plans = plan_filter(page.session, plan_id)
    plan = plans.single  # areas, the matrix and the indicators are of one plan
    agencies = agency_rollup(page.session, page.today, plan_ids=plans.plan_ids) if plans.plans else []
    ranked = sorted(
        agencies,
        key=lambda r: (r.on_time_pct is None, -(r.on_time_pct or 0), -(r.completion_pct or 0), r.label),
    )
    per_plan = plan_rollup(page.session, page.today, plan_ids=plans.plan_ids)
    total = combined(per_plan)
    chosen_agency = _dashboard_agency(page, agency_id)
    ctx = {
        "plans": plans.plans,
        "plan_filter": plans,
        "plan": plan,
        "per_plan": per_plan,
        "total": total,
        "ranking": ranked,
        "areas": [],
        "matrix": None,
        "totals": {r.key: r for r in agencies},
        "indicators": [],
        "indicator_counts": {},
        "charts": [],
        "trend": None,
        "area_trends": [],
        "chosen_agency": chosen_agency,
        "agency_trend": None,
    }
    if plans.plans:
        ctx.update(_dashboard_trends(page, plans, plan, chosen_agency))
    if total:
        ctx["charts"].append(
            Markup(charts.status_svg(charts.status_counts(total), "Trạng thái các mốc nhiệm vụ"))
        )
    if plan:  # areas are a plan's own sections: shown for one plan at a time
        indicators = indicator_progress(page.session, page.today, plan_id=plan.id)
        if indicators:
            ctx["charts"].append(Markup(charts.indicator_svg(tuple(indicators), "Tiến độ các chỉ tiêu")))
        ctx.update(
            indicators=indicators,
            indicator_counts=[(STATUS_LABELS_VI[k], n) for k, n in status_counts(indicators).items() if n],
            areas=[r for r in section_rollup(page.session, page.today, plan.id) if r.key.count(".") == 1],
            matrix=agency_area_matrix(page.session, page.today, plan.id),
        )
    return page.render("dashboard.html", **ctx)


def _dashboard_agency(page, agency_id: str) -> Agency | None:
    """The agency whose trend the dashboard draws (`?agency_id=`; none by default)."""
    text = agency_id.strip()
    if not text:
        return None
    agency = page.session.get(Agency, int(text)) if text.isdigit() else None
    if agency is None:
        raise NotFound("not_found", what="agency", id=text)
    return agency


def _dashboard_trends(page, plans, plan, agency: Agency | None) -> dict:
    """The trends of the scope, of each area of a single plan and of the chosen agency, drawn."""
    session, today = page.session, page.today
    quarters = trends.plan_quarters(session, plans.plan_ids, today)
    scope = trends.scope_trend(session, today, quarters, plans.plan_ids)
    drawn = {
        "trend": scope,
        "charts": [Markup(charts.trend_svg(scope.points, "Tỷ lệ hoàn thành và đúng hạn theo quý"))],
    }
    if plan:
        areas = trends.area_trends(session, today, quarters, plan.id)
        drawn["area_trends"] = [
            (t, Markup(charts.trend_svg(t.points, _area_title(t), small=True))) for t in areas
        ]
    if agency is not None:
        mine = trends.scope_trend(
            session, today, quarters, plans.plan_ids, agency_id=agency.id, label=agency.name
        )
        drawn["agency_trend"] = mine
        drawn["agency_trend_svg"] = Markup(charts.trend_svg(mine.points, f"{agency.name}: tiến độ theo quý"))
    return drawn


def _area_title(trend) -> str:
    """'II.4 Công tác rà soát, phát hiện …' cut to what a small chart's title holds."""
    words = f"{trend.key} {trend.label}"
    return words if len(words) <= 44 else words[:43].rstrip() + "…"
