"""Quarterly compilation downloads (.xlsx, .csv) and the page that offers them."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages.templating import Page, PageDep, plan_filter
from models import Plan
from workflows.kernel.actors import require_role
from workflows.kernel.errors import InvalidInput, NotFound
from workflows.kernel.quarters import parse_quarter, quarter_label, quarter_reported
from workflows.reporting.exports import (
    EXPORT_ROLES,
    QuarterlyExport,
    quarterly_csv,
    quarterly_export,
    quarterly_xlsx,
)
from workflows.reporting.report_docx import quarterly_docx, quarterly_report

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"


@router.get("/exports")
def exports_page(page: PageDep) -> Response:
    require_role(page.actor, *EXPORT_ROLES)
    year, reported = quarter_reported(page.today)  # on 01/07 the report is about quarter II
    plans = plan_filter(page.session, "")
    first_year = min((p.issued_on.year for p in plans.plans), default=year)
    quarters = [
        (f"{y}-Q{q}", quarter_label(y, q)) for y in range(year, first_year - 1, -1) for q in (4, 3, 2, 1)
    ]
    return page.render(
        "exports.html", plans=plans.plans, plan_filter=plans, quarters=quarters, current=f"{year}-Q{reported}"
    )


def _plan_quarter(page: Page, plan_id: int | None, quarter: str | None) -> tuple[Plan, int, int, str]:
    require_role(page.actor, *EXPORT_ROLES)
    if plan_id is None:
        raise InvalidInput("plan.choose")
    plan = page.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    year, q = parse_quarter(quarter or "", plan.issued_on.year)
    return plan, year, q, f"bao-cao-{plan.number.replace('/', '-')}-{year}-Q{q}"


def _export(page: Page, plan_id: int | None, quarter: str | None) -> tuple[QuarterlyExport, str]:
    """The quarter's export of one plan, or of every active plan when none is chosen; the file stem."""
    if plan_id is None:
        require_role(page.actor, *EXPORT_ROLES)
        year, q = parse_quarter(quarter or "", page.today.year)
        stem = f"bao-cao-tat-ca-ke-hoach-{year}-Q{q}"
    else:
        plan, year, q, stem = _plan_quarter(page, plan_id, quarter)
    return quarterly_export(page.session, page.actor, plan_id, year, q, page.today), stem


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, max-age=0"}


@router.get("/exports/quarterly.xlsx")
def quarterly_xlsx_download(page: PageDep, plan_id: str = "", quarter: str | None = None) -> Response:
    export, stem = _export(page, plan_filter(page.session, plan_id).plan_id, quarter)
    return Response(quarterly_xlsx(export), media_type=XLSX, headers=_attachment(f"{stem}.xlsx"))


@router.get("/exports/quarterly.csv")
def quarterly_csv_download(page: PageDep, plan_id: str = "", quarter: str | None = None) -> Response:
    export, stem = _export(page, plan_filter(page.session, plan_id).plan_id, quarter)
    return Response(
        quarterly_csv(export.rows), media_type="text/csv; charset=utf-8", headers=_attachment(f"{stem}.csv")
    )


@router.get("/exports/quarterly.docx")
def quarterly_docx_download(page: PageDep, plan_id: str = "", quarter: str | None = None) -> Response:
    """The quarterly báo cáo in Word (Nghị định 30/2020 layout), figures as of today."""
    plan, year, q, stem = _plan_quarter(page, plan_filter(page.session, plan_id).plan_id, quarter)
    report = quarterly_report(page.session, page.actor, plan.id, year, q, page.today)
    return Response(quarterly_docx(report), media_type=DOCX, headers=_attachment(f"{stem}.docx"))
