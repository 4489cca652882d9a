"""The focal point's (and head's) inbox: what the agency owes, most urgent first."""

from fastapi import APIRouter
from fastapi.responses import Response

from api.pages.templating import PageDep
from workflows.reporting.inbox import agency_inbox

router = APIRouter()


@router.get("/inbox")
def inbox_page(page: PageDep, agency_id: int | None = None) -> Response:
    if page.actor.sees_all and agency_id is None:
        return page.redirect("/")  # those who see every agency start on the desk or the dashboard
    inbox = agency_inbox(page.session, page.actor, page.today, agency_id)
    return page.render("inbox.html", inbox=inbox)
