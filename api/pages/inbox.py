"""The focal point's (and head's) inbox: what the agency owes, most urgent first."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages.templating import PageDep, pager
from workflows.reporting.inbox import agency_inbox, supported_list

router = APIRouter()


@router.get("/inbox")
def inbox_page(page: PageDep, agency_id: int | None = None) -> Response:
    if page.actor.sees_all and agency_id is None:
        return page.redirect("/")  # those who see every agency start on the desk or the dashboard
    inbox = agency_inbox(page.session, page.actor, page.today, agency_id)
    supported_url = "/inbox/supported" + (f"?agency_id={inbox.agency_id}" if agency_id is not None else "")
    return page.render("inbox.html", inbox=inbox, supported_url=supported_url)


@router.get("/inbox/supported")
def supported_page(page: PageDep, agency_id: int | None = None, offset: str = "0") -> Response:
    """Every task the agency supports, its lead's current checkpoint, a page at a time."""
    if page.actor.sees_all and agency_id is None:
        return page.redirect("/")
    start = int(offset) if offset.isdigit() and len(offset) <= 9 else 0
    listing = supported_list(page.session, page.actor, page.today, agency_id, start)
    return page.render(
        "inbox_supported.html",
        listing=listing,
        inbox_url="/inbox" + (f"?agency_id={listing.agency_id}" if agency_id is not None else ""),
        pager=pager(page.request, listing.total, listing.limit, listing.offset),
    )
