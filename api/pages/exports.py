"""Quarterly compilation downloads (.xlsx, .csv) and the page that offers them."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages.templating import Page, PageDep
from models import Plan
from workflows.kernel.actors import require_role
from workflows.kernel.errors import InvalidInput, NotFound
from workflows.kernel.quarters import quarter_label
from workflows.plans.queries import plans_newest_first
from workflows.reporting.exports import (
    EXPORT_ROLES,
    parse_quarter,
    quarterly_csv,
    quarterly_rows,
    quarterly_xlsx,
)

router = APIRouter()
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"


@router.get("/exports")
def exports_page(page: PageDep) -> Response:
    require_role(page.actor, *EXPORT_ROLES)
    current = (page.today.month - 1) // 3 + 1
    return page.render("exports.html", plans=plans_newest_first(page.session), current_quarter=current)


def _rows(page: Page, plan_id: int | None, quarter: str | None):
    require_role(page.actor, *EXPORT_ROLES)
    if plan_id is None:
        raise InvalidInput("plan.choose")
    plan = page.session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    year, q = parse_quarter(quarter or "", plan.issued_on.year)
    rows = quarterly_rows(page.session, page.actor, plan.id, year, q, page.today)
    slug = plan.number.replace("/", "-")
    return rows, quarter_label(year, q), f"bao-cao-{slug}-{year}-Q{q}"


def _attachment(name: str) -> dict[str, str]:
    return {"Content-Disposition": f'attachment; filename="{name}"', "Cache-Control": "private, max-age=0"}


@router.get("/exports/quarterly.xlsx")
def quarterly_xlsx_download(
    page: PageDep, plan_id: int | None = None, quarter: str | None = None
) -> Response:
    rows, label, stem = _rows(page, plan_id, quarter)
    return Response(quarterly_xlsx(rows, label), media_type=XLSX, headers=_attachment(f"{stem}.xlsx"))


@router.get("/exports/quarterly.csv")
def quarterly_csv_download(page: PageDep, plan_id: int | None = None, quarter: str | None = None) -> Response:
    rows, _label, stem = _rows(page, plan_id, quarter)
    return Response(
        quarterly_csv(rows), media_type="text/csv; charset=utf-8", headers=_attachment(f"{stem}.csv")
    )
