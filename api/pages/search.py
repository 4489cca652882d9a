"""The search page: checkpoints found by words (diacritics ignored) and filters, a page at a time."""

from fastapi import APIRouter, Query
from fastapi.responses import Response

from api.pages.templating import PageDep, pager
from workflows.agencies.queries import active_agencies
from workflows.checkpoints.status import STATUS_LABELS_VI, Status
from workflows.kernel.errors import DomainError, InvalidInput
from workflows.plans.queries import active_plans_newest_first, plans_newest_first
from workflows.plans.search import Search, parse_search, search_checkpoints

router = APIRouter()
PAGE_SIZE = 50


def _ids(values: list[str], code: str) -> list[int]:
    """Ids typed into the query string; anything not a number is refused with `code`."""
    ids = []
    for value in values:
        if value.strip():
            if not value.strip().isdigit():
                raise InvalidInput(code, id=value)
            ids.append(int(value))
    return ids


@router.get("/search")
def search_page(
    page: PageDep,
    q: str = "",
    plan_id: list[str] = Query(default=[]),  # noqa: B008 - FastAPI's way to read a repeated parameter
    area: str = "",
    agency_id: str = "",
    status: str = "",
    quarter: str = "",
    overdue: str = "",
    offset: str = "0",
) -> Response:
    form = {"q": q, "plan_ids": plan_id, "area": area, "agency_id": agency_id, "status": status}
    form |= {"quarter": quarter, "overdue": bool(overdue)}
    error, listing, start = None, None, 0
    try:
        start = int(offset) if offset.isdigit() else 0
        agencies = _ids([agency_id], "search.unknown_agency")
        wanted = parse_search(
            page.session,
            page.today,
            text=q,
            plan_ids=_ids(plan_id, "search.unknown_plan"),
            area=area,
            agency_id=agencies[0] if agencies else None,
            statuses=[status] if status else [],
            quarter=quarter,
            overdue=bool(overdue),
        )
        listing = search_checkpoints(page.session, page.actor, page.today, wanted, PAGE_SIZE, start)
    except DomainError as exc:
        error, wanted = exc.message("vi"), Search()
    plans = plans_newest_first(page.session)
    return page.render(
        "search.html",
        status_code=422 if error else 200,
        form=form,
        error=error,
        listing=listing,
        pager=pager(page.request, listing.total, PAGE_SIZE, start, capped=listing.capped)
        if listing
        else None,
        plans=plans,
        active=active_plans_newest_first(page.session),
        chosen=[p for p in plans if p.id in wanted.plan_ids],
        agencies=active_agencies(page.session) if page.actor.sees_all else [],
        statuses=[(s.value, STATUS_LABELS_VI[s]) for s in Status],
    )
