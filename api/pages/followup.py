"""Follow-up pages: an agency's overdue items with the two actions (ask to explain, send a reminder),
the open requests, and a request's page with the answer, accept and ask-again forms."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from api.pages.checkpoints import parse_day
from api.pages.templating import Page, PageDep
from models import Agency, Checkpoint, ExplanationStatus
from models.user import Role
from workflows.checkpoints.items import checkpoint_items
from workflows.checkpoints.status import overdue_columns
from workflows.followup.explanations import (
    ASKER_ROLES,
    accept_explanation,
    answer_explanation,
    ask_again,
    ask_explanation,
    get_request,
)
from workflows.followup.queries import open_requests, request_answers, request_items, request_row
from workflows.followup.reminders import SENDER_ROLES, send_reminder
from workflows.kernel.actors import require_role
from workflows.kernel.errors import DomainError, InvalidInput, NotFound

router = APIRouter()
LIST_LIMIT = 300
EMPTY_FORM = {
    "checkpoint_ids": [],
    "answer_due": "",
    "message": "",
    "reason": "",
    "new_date": "",
    "evidence_url": "",
}


def _ids(values: list[str] | None) -> list[int]:
    out = []
    for v in values or []:
        if not v.strip().isdigit():
            raise InvalidInput("form.version_broken")
        out.append(int(v))
    return out


def _optional_day(text: str):
    return parse_day(text) if (text or "").strip() else None


def _followup_page(page: Page, agency_id: int, status: int = 200, form_error=None, form=None) -> Response:
    require_role(page.actor, *ASKER_ROLES, *SENDER_ROLES)
    agency = page.session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    items = checkpoint_items(
        page.session,
        page.today,
        Checkpoint.agency_id == agency_id,
        *overdue_columns(page.today),
        limit=LIST_LIMIT,
    )
    return page.render(
        "followup.html",
        status_code=status,
        agency=agency,
        items=items,
        requests=open_requests(page.session, page.actor, agency_id=agency_id),
        can_ask=page.actor.role in ASKER_ROLES,
        can_remind=page.actor.role in SENDER_ROLES,
        form=form or EMPTY_FORM,
        form_error=form_error,
    )


@router.get("/agencies/{agency_id}/followup")
def followup_page(page: PageDep, agency_id: int) -> Response:
    return _followup_page(page, agency_id)


@router.post("/agencies/{agency_id}/explain")
def ask(
    page: PageDep,
    agency_id: int,
    checkpoint_ids: Annotated[list[str] | None, Form()] = None,
    answer_due: Annotated[str, Form()] = "",
    message: Annotated[str, Form()] = "",
) -> Response:
    form = {
        **EMPTY_FORM,
        "checkpoint_ids": checkpoint_ids or [],
        "answer_due": answer_due,
        "message": message,
    }
    try:
        due = _optional_day(answer_due)
        req = ask_explanation(
            page.session, page.actor, agency_id, _ids(checkpoint_ids), due, message, page.today
        )
    except DomainError as exc:
        page.session.rollback()
        if isinstance(exc, NotFound):
            raise
        return _followup_page(page, agency_id, exc.http_status, exc.message("vi"), form)
    return page.redirect(f"/explanations/{req.id}", "Đã gửi yêu cầu giải trình tới cơ quan.")


@router.post("/agencies/{agency_id}/remind")
def remind(
    page: PageDep,
    agency_id: int,
    checkpoint_ids: Annotated[list[str] | None, Form()] = None,
    message: Annotated[str, Form()] = "",
) -> Response:
    form = {**EMPTY_FORM, "checkpoint_ids": checkpoint_ids or [], "message": message}
    try:
        reminder = send_reminder(
            page.session, page.actor, agency_id, _ids(checkpoint_ids), message, page.today
        )
    except DomainError as exc:
        page.session.rollback()
        if isinstance(exc, NotFound):
            raise
        return _followup_page(page, agency_id, exc.http_status, exc.message("vi"), form)
    return page.redirect(f"/agencies/{agency_id}/followup", f"Đã gửi văn bản đôn đốc (số {reminder.id}).")


@router.get("/explanations")
def requests_page(page: PageDep) -> Response:
    return page.render(
        "explanations.html", requests=open_requests(page.session, page.actor, limit=LIST_LIMIT)
    )


def _request_page(page: Page, explanation_id: int, status: int = 200, form_error=None, form=None) -> Response:
    req = get_request(page.session, page.actor, explanation_id)
    ids = request_items(page.session, req.id)
    items = checkpoint_items(page.session, page.today, Checkpoint.id.in_(ids), live_only=False) if ids else []
    asker_may_decide = page.actor.role in (Role.secretariat, Role.admin) or page.actor.user_id == req.asked_by
    return page.render(
        "explanation.html",
        status_code=status,
        req=req,
        row=request_row(page.session, req.id),
        items=items,
        answers=request_answers(page.session, req.id),
        can_answer=page.actor.role == Role.focal
        and page.actor.agency_id == req.agency_id
        and req.status == ExplanationStatus.open,
        can_decide=page.actor.role in ASKER_ROLES
        and asker_may_decide
        and req.status == ExplanationStatus.answered,
        form=form or EMPTY_FORM,
        form_error=form_error,
    )


def _refused(page: Page, explanation_id: int, exc: DomainError, form: dict) -> Response:
    page.session.rollback()
    if isinstance(exc, NotFound):
        raise exc
    return _request_page(page, explanation_id, exc.http_status, exc.message("vi"), form)


@router.get("/explanations/{explanation_id}")
def request_page(page: PageDep, explanation_id: int) -> Response:
    return _request_page(page, explanation_id)


@router.post("/explanations/{explanation_id}/answer")
def answer(
    page: PageDep,
    explanation_id: int,
    reason: Annotated[str, Form()] = "",
    new_date: Annotated[str, Form()] = "",
    evidence_url: Annotated[str, Form()] = "",
) -> Response:
    form = {**EMPTY_FORM, "reason": reason, "new_date": new_date, "evidence_url": evidence_url}
    try:
        answer_explanation(
            page.session,
            page.actor,
            explanation_id,
            reason,
            _optional_day(new_date),
            evidence_url,
            page.today,
        )
    except DomainError as exc:
        return _refused(page, explanation_id, exc, form)
    return page.redirect(f"/explanations/{explanation_id}", "Đã gửi nội dung giải trình.")


@router.post("/explanations/{explanation_id}/accept")
def accept(page: PageDep, explanation_id: int) -> Response:
    try:
        accept_explanation(page.session, page.actor, explanation_id, page.today)
    except DomainError as exc:
        return _refused(page, explanation_id, exc, EMPTY_FORM)
    return page.redirect(f"/explanations/{explanation_id}", "Đã chấp nhận nội dung giải trình.")


@router.post("/explanations/{explanation_id}/reask")
def reask(
    page: PageDep,
    explanation_id: int,
    message: Annotated[str, Form()] = "",
    answer_due: Annotated[str, Form()] = "",
) -> Response:
    form = {**EMPTY_FORM, "message": message, "answer_due": answer_due}
    try:
        ask_again(page.session, page.actor, explanation_id, message, _optional_day(answer_due), page.today)
    except DomainError as exc:
        return _refused(page, explanation_id, exc, form)
    return page.redirect(f"/explanations/{explanation_id}", "Đã yêu cầu giải trình lại.")
