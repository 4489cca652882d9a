"""Plan import: upload a plan document, preview what the parser found, then publish it."""

import base64
import hashlib
from typing import Annotated

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import Response
from sqlmodel import select

from api.pages.templating import Page, PageDep
from models import Plan
from models.user import Role
from workflows.agencies.registry import load_registry
from workflows.kernel.actors import require_role
from workflows.kernel.errors import DomainError, InvalidInput
from workflows.plans.documents import PlanDocumentError, read_plan_document
from workflows.plans.importing import import_plan
from workflows.plans.parsed import ParsedPlan, PlanFormatError
from workflows.plans.parser import parse_plan

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


def _parse(text: str) -> ParsedPlan:
    try:
        return parse_plan(text, load_registry())
    except PlanFormatError as exc:
        raise Unreadable("Không đọc được kế hoạch: " + exc.message("vi")) from None


def _existing(page: Page, parsed: ParsedPlan) -> Plan | None:
    meta = parsed.plan
    return page.session.exec(
        select(Plan).where(
            Plan.number == meta.number, Plan.issuer == meta.issuer, Plan.issued_on == meta.issued_on
        )
    ).first()


@router.post("/plans/import")
def preview(page: PageDep, file: Annotated[UploadFile | None, File()] = None) -> Response:
    """Read and parse the upload; nothing is stored until the preview is published."""
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
        parsed = _parse(text)
    except Unreadable as exc:
        return _form(page, exc.message, status=422)
    return _preview(page, parsed, text, name)


def _preview(page: Page, parsed: ParsedPlan, text: str, name: str) -> Response:
    checkpoints = sum(len(t.schedule.due_dates) for t in parsed.tasks)
    leads = sorted({t.lead for t in parsed.tasks})
    return page.render(
        "import_preview.html",
        parsed=parsed,
        filename=name,
        text_b64=base64.b64encode(text.encode()).decode("ascii"),
        sha=hashlib.sha256(text.encode()).hexdigest(),
        checkpoints=checkpoints,
        leads=leads,
        existing=_existing(page, parsed),
    )


def _decode(text_b64: str) -> str:
    try:
        return base64.b64decode(text_b64.encode("ascii"), validate=True).decode("utf-8")
    except (ValueError, UnicodeError):
        return ""


@router.post("/plans/import/publish")
def publish(
    page: PageDep, text_b64: Annotated[str, Form()] = "", sha: Annotated[str, Form()] = ""
) -> Response:
    require_role(page.actor, *IMPORT_ROLES)
    try:
        # base64 carries the previewed text byte for byte (a textarea would turn line breaks into CRLF)
        text = _decode(text_b64)
        if not text or hashlib.sha256(text.encode()).hexdigest() != sha:
            raise InvalidInput("plan.preview_mismatch")
        parsed = _parse(text)
        report = import_plan(page.session, page.actor, parsed, text, load_registry(), page.today)
    except Unreadable as exc:
        return _form(page, exc.message, status=422)
    except DomainError as exc:
        page.session.rollback()
        return _form(page, exc.message("vi"), status=422)
    if report.is_noop:
        message = f"Kế hoạch {parsed.plan.number} đã có và không thay đổi."
    elif report.created:
        message = (
            f"Đã xuất bản kế hoạch {parsed.plan.number}: {len(report.added)} nhiệm vụ, "
            f"{report.checkpoints_added} mốc báo cáo, {report.unresolved} đoạn cần xem lại."
        )
    else:
        message = (
            f"Đã cập nhật kế hoạch {parsed.plan.number}: thêm {len(report.added)}, sửa "
            f"{len(report.changed)}, rút {len(report.withdrawn)} nhiệm vụ; "
            f"{report.checkpoints_added} mốc mới."
        )
    return page.redirect(f"/plans/{report.plan_id}", message)
