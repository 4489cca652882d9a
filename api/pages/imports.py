"""Plan import: upload a plan document; it becomes a draft to review (api/pages/review.py)."""

from typing import Annotated

from fastapi import APIRouter, File, UploadFile
from fastapi.responses import Response

from api.pages.templating import Page, PageDep
from models.user import Role
from workflows.agencies.registry import Registry
from workflows.agencies.store import active_registry
from workflows.kernel.actors import require_role
from workflows.kernel.errors import InvalidInput
from workflows.plans.documents import PlanDocumentError, read_plan_document
from workflows.plans.parsed import ParsedPlan, PlanFormatError
from workflows.plans.parser import parse_plan
from workflows.plans.review.drafts import create_draft, open_drafts

router = APIRouter()
IMPORT_ROLES = (Role.secretariat, Role.admin)
ACCEPTED = ".txt,.docx,.pdf"


def _form(page: Page, error: str | None = None, status: int = 200) -> Response:
    return page.render(
        "import.html",
        status_code=status,
        error=error,
        accepted=ACCEPTED,
        max_upload_mb=page.settings.max_upload_mb,
        drafts=open_drafts(page.session),
    )


@router.get("/plans/import")
def import_form(page: PageDep) -> Response:
    require_role(page.actor, *IMPORT_ROLES)
    return _form(page)


class Unreadable(Exception):
    """A file or text the preview cannot use; `message` says why in Vietnamese."""

    def __init__(self, message: str):
        super().__init__(message)
        self.message = message


def _parse(text: str, registry: Registry) -> ParsedPlan:
    try:
        return parse_plan(text, registry)
    except PlanFormatError as exc:
        raise Unreadable("Không đọc được kế hoạch: " + exc.message("vi")) from None


@router.post("/plans/import")
def upload(page: PageDep, file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Read and parse the upload into a draft for review; nothing is tracked until it is published."""
    require_role(page.actor, *IMPORT_ROLES)
    data = file.file.read() if file is not None else b""
    name = (file.filename if file is not None else "") or ""
    try:
        if not name and not data:
            raise Unreadable(InvalidInput("document.missing_file").message("vi"))
        try:
            text = read_plan_document(data, name, max_bytes=page.settings.max_upload_bytes)
        except PlanDocumentError as exc:
            raise Unreadable(f"Không đọc được tệp «{name}»: {exc.message('vi')}") from None
        registry = active_registry(page.session)
        parsed = _parse(text, registry)
    except Unreadable as exc:
        return _form(page, exc.message, status=422)
    draft = create_draft(page.session, page.actor, parsed, text, registry, page.today, name)
    return page.redirect(
        f"/plans/drafts/{draft.id}",
        f"Đã đọc kế hoạch {parsed.plan.number}: bản nháp chờ xem xét. Chưa cơ quan nào nhận được nhiệm vụ.",
        kind="info",
    )
