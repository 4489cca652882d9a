"""Indicator (chỉ tiêu) pages: progress and history, the focal point's report form, review, owner."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from api.pages.templating import Page, PageDep
from models import Agency, Indicator, IndicatorValue, Plan
from models.user import Role
from workflows.agencies.queries import agencies_query
from workflows.indicators.owners import set_indicator_owner
from workflows.indicators.queries import indicator_progress, indicator_values
from workflows.indicators.values import (
    REVIEWER_ROLES,
    ValueInput,
    accept_value,
    get_indicator,
    report_value,
    reporting_agencies,
    return_value,
)
from workflows.kernel.errors import DomainError, InvalidInput, NotFound
from workflows.kernel.quarters import quarter_bounds, quarter_label, quarter_of

router = APIRouter()


def _periods(plan: Plan, page: Page) -> list[tuple[str, str]]:
    """The quarters a value may be reported for: from the plan's issue to the current one."""
    out = []
    year, q = quarter_of(plan.issued_on)
    while quarter_bounds(year, q)[0] <= page.today and len(out) < 40:
        out.append((f"{year}-{q}", quarter_label(year, q)))
        year, q = (year + 1, 1) if q == 4 else (year, q + 1)
    return list(reversed(out))


def _page(page: Page, indicator_id: int, status: int = 200, form_error: str | None = None, form=None):
    indicator = get_indicator(page.session, page.actor, indicator_id)
    plan = page.session.get(Plan, indicator.plan_id)
    (progress,) = [
        p for p in indicator_progress(page.session, page.today, plan_id=plan.id) if p.id == indicator.id
    ]
    reporters = reporting_agencies(page.session, indicator)
    contributors = sorted(reporters - {indicator.owner_agency_id})
    agencies = list(page.session.scalars(agencies_query(active=True))) if page.actor.sees_all else []
    names = {a.id: a.name for a in page.session.scalars(agencies_query())} if reporters else {}
    return page.render(
        "indicator.html",
        status_code=status,
        indicator=indicator,
        plan=plan,
        p=progress,
        contributors=[names.get(a, "") for a in contributors],
        contributor_ids=contributors,
        values=indicator_values(page.session, page.actor, indicator.id),
        can_report=page.actor.role == Role.focal and page.actor.agency_id in reporters,
        can_review=page.actor.role in REVIEWER_ROLES,
        agencies=agencies,
        periods=_periods(plan, page),
        form=form or {"period": "", "value": "", "note": "", "evidence_url": "", "reason": ""},
        form_error=form_error,
    )


def _refused(page: Page, indicator_id: int, exc: DomainError, form: dict) -> Response:
    page.session.rollback()
    if isinstance(exc, NotFound):
        raise exc
    return _page(page, indicator_id, exc.http_status, exc.message("vi"), form)


@router.get("/indicators/{indicator_id}")
def indicator_page(page: PageDep, indicator_id: int) -> Response:
    return _page(page, indicator_id)


def _period(text: str) -> tuple[int, int]:
    year, _, quarter = (text or "").partition("-")
    if not (year.isdigit() and quarter.isdigit()):
        raise InvalidInput("indicator.period_invalid", year=year or "?", quarter=quarter or "?")
    return int(year), int(quarter)


@router.post("/indicators/{indicator_id}/values")
def report(
    page: PageDep,
    indicator_id: int,
    period: Annotated[str, Form()] = "",
    value: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    evidence_url: Annotated[str, Form()] = "",
) -> Response:
    form = {"period": period, "value": value, "note": note, "evidence_url": evidence_url, "reason": ""}
    try:
        year, quarter = _period(period)
        row = report_value(
            page.session,
            page.actor,
            indicator_id,
            ValueInput(year, quarter, value, note, evidence_url),
            page.today,
        )
    except DomainError as exc:
        return _refused(page, indicator_id, exc, form)
    return page.redirect(
        f"/indicators/{indicator_id}",
        f"Đã gửi số liệu {row.period_label}; số liệu đang chờ Thường trực Ban Chỉ đạo thẩm định.",
    )


def _value_indicator(page: Page, value_id: int) -> int:
    row = page.session.get(IndicatorValue, value_id)
    if row is None:
        raise NotFound("not_found", what="indicator value", id=value_id)
    return get_indicator(page.session, page.actor, row.indicator_id).id


@router.post("/indicator-values/{value_id}/accept")
def accept(page: PageDep, value_id: int) -> Response:
    indicator_id = _value_indicator(page, value_id)
    try:
        accept_value(page.session, page.actor, value_id, page.today)
    except DomainError as exc:
        return _refused(page, indicator_id, exc, None)
    return page.redirect(
        f"/indicators/{indicator_id}", "Đã chấp nhận số liệu; tiến độ chỉ tiêu đã được cập nhật."
    )


@router.post("/indicator-values/{value_id}/return")
def send_back(page: PageDep, value_id: int, reason: Annotated[str, Form()] = "") -> Response:
    indicator_id = _value_indicator(page, value_id)
    try:
        return_value(page.session, page.actor, value_id, reason, page.today)
    except DomainError as exc:
        form = {"period": "", "value": "", "note": "", "evidence_url": "", "reason": reason}
        return _refused(page, indicator_id, exc, form)
    return page.redirect(f"/indicators/{indicator_id}", "Đã trả lại số liệu; đơn vị sẽ nhận được lý do.")


@router.post("/indicators/{indicator_id}/owner")
def set_owner(
    page: PageDep,
    indicator_id: int,
    owner_id: Annotated[str, Form()] = "",
    contributor_ids: Annotated[list[str] | None, Form()] = None,
) -> Response:
    try:
        if page.session.get(Indicator, indicator_id) is None:
            raise NotFound("not_found", what="indicator", id=indicator_id)
        owner = int(owner_id) if owner_id.strip().isdigit() else None
        contributors = [int(c) for c in contributor_ids or [] if c.strip().isdigit()]
        set_indicator_owner(page.session, page.actor, indicator_id, owner, contributors)
    except DomainError as exc:
        return _refused(page, indicator_id, exc, None)
    owner_name = page.session.get(Agency, owner).name
    return page.redirect(f"/indicators/{indicator_id}", f"Đã giao chủ trì chỉ tiêu cho {owner_name}.")
