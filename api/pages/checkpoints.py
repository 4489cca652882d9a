"""The checkpoint page and its forms: report, contribution, review, extension; evidence downloads."""

import re
from dataclasses import dataclass
from datetime import date
from typing import Annotated
from urllib.parse import quote

from fastapi import APIRouter, File, Form, UploadFile
from fastapi.responses import RedirectResponse, Response

from api.pages.templating import Page, PageDep, safe_next
from models import Agency, Plan, Section, Submission, SubmissionKind, SubmissionStatus, Task
from models.extension import ExtensionRequest
from models.submission import Evidence
from workflows.agencies.queries import agency_names
from workflows.checkpoints.evidence import EvidenceStore, safe_filename
from workflows.checkpoints.extensions import decide_extension, request_extension
from workflows.checkpoints.permissions import allowed_actions, checkpoint_facts
from workflows.checkpoints.queries import checkpoint_history, checkpoint_status, get_checkpoint, task_periods
from workflows.checkpoints.review import accept_submission, return_submission
from workflows.checkpoints.status import days_late
from workflows.checkpoints.submissions import add_contribution, submit_report
from workflows.followup.queries import reminders_of_checkpoint, requests_of_checkpoint
from workflows.kernel.errors import DomainError, InvalidInput, NotFound, TooLarge

router = APIRouter()
_DMY = re.compile(r"^\s*(\d{1,2})/(\d{1,2})/(\d{4})\s*$")


@dataclass(frozen=True)
class Due:
    """What the due-date line needs (the same fields as an inbox item)."""

    due_date: date
    original_due_date: date
    status: str
    days_late: int
    days_left: int


def _form(
    note: str = "",
    links: str = "",
    reason: str = "",
    requested_due: str = "",
    ext_reason: str = "",
    had_files: bool = False,
) -> dict:
    return {
        "note": note,
        "links": links,
        "reason": reason,
        "requested_due": requested_due,
        "ext_reason": ext_reason,
        "had_files": had_files,
        "expected_version": None,
    }


def checkpoint_context(page: Page, checkpoint_id: int) -> dict:
    """Everything the checkpoint page shows; NotFound for checkpoints the actor may not see."""
    s, actor = page.session, page.actor
    history = checkpoint_history(s, actor, checkpoint_id)
    cp = history.checkpoint
    task = s.get(Task, cp.task_id)
    section, plan, lead = (
        s.get(Section, task.section_id),
        s.get(Plan, task.plan_id),
        s.get(Agency, cp.agency_id),
    )
    facts = checkpoint_facts(s, cp)
    supporters = agency_names(s, facts.supporters)
    status = checkpoint_status(s, cp.id, page.today)
    reports = [e for e in history.submissions if e.submission.kind == SubmissionKind.report]
    contributions = [e for e in history.submissions if e.submission.kind == SubmissionKind.contribution]
    pending = next((e for e in reversed(reports) if e.submission.status == SubmissionStatus.pending), None)
    return {
        "cp": cp,
        "task": task,
        "section": section,
        "plan": plan,
        "lead": lead,
        "supporters": supporters,
        "status": status,
        "history": history,
        "reports": reports,
        "contributions": contributions,
        "pending": pending,
        "item": Due(
            cp.due_date,
            cp.original_due_date,
            status,
            days_late(cp.due_date, page.today),
            (cp.due_date - page.today).days,
        ),
        "siblings": task_periods(s, actor, page.today, task.id, cp.agency_id),
        "can": allowed_actions(actor, facts),
        "max_upload_mb": page.settings.max_upload_mb,
        "max_upload_bytes": page.settings.max_upload_bytes,
        "next_url": f"/checkpoints/{cp.id}",
        "reminders": reminders_of_checkpoint(s, cp.id),
        "explanations": requests_of_checkpoint(s, cp.id),
        "form": _form(),
    }


def _page(
    page: Page, checkpoint_id: int, status: int = 200, form_error: str | None = None, form: dict | None = None
) -> Response:
    ctx = checkpoint_context(page, checkpoint_id)
    if form is not None:
        ctx["form"] = form
    return page.render("checkpoint.html", status_code=status, form_error=form_error, **ctx)


def _refused(page: Page, checkpoint_id: int, exc: DomainError, form: dict) -> Response:
    """Re-show the page with the refusal and everything the user typed (nothing is stored)."""
    page.session.rollback()
    if isinstance(exc, NotFound):
        raise exc
    return _page(page, checkpoint_id, exc.http_status, exc.message("vi"), form)


@router.get("/checkpoints/{checkpoint_id}")
def checkpoint_page(page: PageDep, checkpoint_id: int) -> Response:
    return _page(page, checkpoint_id)


def _uploads(files: list[UploadFile] | None) -> list[tuple[str, bytes]]:
    # a browser sends one empty, nameless part for an untouched file input
    out = []
    for f in files or []:
        data = f.file.read()
        if f.filename or data:
            out.append((f.filename or "", data))
    return out


def _links(text: str) -> list[str]:
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def _version(raw: str) -> int | None:
    raw = (raw or "").strip()
    if not raw:
        return None
    if not raw.isdigit():
        raise InvalidInput("form.version_broken")
    return int(raw)


Files = Annotated[list[UploadFile] | None, File()]


# forms whose oversized posts come back re-shown with what was typed (api/limits.py)
KEEPS_FORM_ON_413 = re.compile(r"/checkpoints/\d+/(submit|contribute)")


def _send_evidence(page, checkpoint_id: int, note: str, links: str, files, rule, done: str) -> Response:
    """Run `rule` (a report or a contribution) on the form's note, files and links, then redirect."""
    uploads, link_list = _uploads(files), _links(links)
    too_large = getattr(page.request.state, "body_too_large", None)
    if too_large is not None:  # the files were dropped before the app: say so, keep the note
        refusal = TooLarge("request.too_large", **too_large)
        return _refused(page, checkpoint_id, refusal, _form(note=note, links=links, had_files=True))
    try:
        rule(
            page.session,
            page.actor,
            checkpoint_id,
            note,
            uploads,
            link_list,
            page.today,
            EvidenceStore.from_settings(page.settings),
        )
    except DomainError as exc:
        return _refused(page, checkpoint_id, exc, _form(note=note, links=links, had_files=bool(uploads)))
    return page.redirect(f"/checkpoints/{checkpoint_id}", done.format(n=len(uploads) + len(link_list)))


@router.post("/checkpoints/{checkpoint_id}/submit")
def submit(
    page: PageDep,
    checkpoint_id: int,
    note: Annotated[str, Form()] = "",
    links: Annotated[str, Form()] = "",
    expected_version: Annotated[str, Form()] = "",
    files: Files = None,
) -> Response:
    def rule(*args):  # the version is read inside the guarded call: a broken form is refused too
        return submit_report(*args, expected_version=_version(expected_version))

    done = "Đã gửi báo cáo ({n} minh chứng). Báo cáo đang chờ Thường trực Ban Chỉ đạo thẩm định."
    return _send_evidence(page, checkpoint_id, note, links, files, rule, done)


@router.post("/checkpoints/{checkpoint_id}/contribute")
def contribute(
    page: PageDep,
    checkpoint_id: int,
    note: Annotated[str, Form()] = "",
    links: Annotated[str, Form()] = "",
    files: Files = None,
) -> Response:
    return _send_evidence(
        page,
        checkpoint_id,
        note,
        links,
        files,
        add_contribution,
        "Đã gửi ý kiến phối hợp tới đơn vị chủ trì.",
    )


def parse_day(text: str) -> date:
    """A date from <input type=date> (yyyy-mm-dd) or typed as dd/mm/yyyy."""
    text = (text or "").strip()
    m = _DMY.match(text)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(text)
    except ValueError:
        raise InvalidInput("form.date_invalid", text=text) from None


@router.post("/checkpoints/{checkpoint_id}/extension")
def ask_extension(
    page: PageDep,
    checkpoint_id: int,
    requested_due: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    form = _form(requested_due=requested_due, ext_reason=reason)
    try:
        if not requested_due.strip():
            raise InvalidInput("extension.date_missing")
        new_due = parse_day(requested_due)
        request_extension(page.session, page.actor, checkpoint_id, new_due, reason, page.today)
    except DomainError as exc:
        return _refused(page, checkpoint_id, exc, form)
    return page.redirect(
        f"/checkpoints/{checkpoint_id}",
        f"Đã gửi đề nghị gia hạn đến ngày {new_due:%d/%m/%Y}; chờ Thường trực quyết định.",
    )


def _visible_checkpoint(page: Page, checkpoint_id: int | None, record: tuple[str, int]) -> int:
    """The checkpoint a record hangs on, if the actor may see it; else the record is "not found"
    with the very words a missing id gets (guessing ids reveals nothing)."""
    if checkpoint_id is None:
        raise NotFound("not_found", what=record[0], id=record[1])
    return get_checkpoint(page.session, page.actor, checkpoint_id, via=record).id


def _submission_checkpoint(page: Page, submission_id: int) -> int:
    sub = page.session.get(Submission, submission_id)
    return _visible_checkpoint(page, sub.checkpoint_id if sub else None, ("submission", submission_id))


@router.post("/submissions/{submission_id}/accept")
def accept(
    page: PageDep,
    submission_id: int,
    expected_version: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    checkpoint_id = _submission_checkpoint(page, submission_id)
    try:
        accept_submission(page.session, page.actor, submission_id, page.today, _version(expected_version))
    except DomainError as exc:
        return _refused(page, checkpoint_id, exc, _form())
    return page.redirect(safe_next(next, f"/checkpoints/{checkpoint_id}"), "Đã chấp nhận báo cáo.")


@router.post("/submissions/{submission_id}/return")
def send_back(
    page: PageDep,
    submission_id: int,
    reason: Annotated[str, Form()] = "",
    expected_version: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    checkpoint_id = _submission_checkpoint(page, submission_id)
    try:
        return_submission(
            page.session, page.actor, submission_id, reason, page.today, _version(expected_version)
        )
    except DomainError as exc:
        return _refused(page, checkpoint_id, exc, _form(reason=reason))
    return page.redirect(
        safe_next(next, f"/checkpoints/{checkpoint_id}"),
        "Đã trả lại báo cáo; đơn vị sẽ nhận được lý do qua thư điện tử.",
    )


@router.post("/extensions/{request_id}/decide")
def decide(
    page: PageDep,
    request_id: int,
    decision: Annotated[str, Form()] = "",
    note: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    req = page.session.get(ExtensionRequest, request_id)
    checkpoint_id = _visible_checkpoint(
        page, req.checkpoint_id if req else None, ("extension request", request_id)
    )
    try:
        if decision not in ("approve", "refuse"):
            raise InvalidInput("extension.decision_missing")
        decide_extension(page.session, page.actor, request_id, decision == "approve", note, page.today)
    except DomainError as exc:
        return _refused(page, checkpoint_id, exc, _form())
    word = "Đã đồng ý gia hạn." if decision == "approve" else "Đã từ chối đề nghị gia hạn."
    return page.redirect(safe_next(next, f"/checkpoints/{checkpoint_id}"), word)


def _disposition(filename: str) -> str:
    ascii_name = re.sub(r"[^A-Za-z0-9._-]+", "_", filename).strip("_") or "minh-chung"
    return f"attachment; filename=\"{ascii_name}\"; filename*=UTF-8''{quote(filename, safe='')}"


@router.get("/evidence/{evidence_id}")
def download(page: PageDep, evidence_id: int) -> Response:
    ev = page.session.get(Evidence, evidence_id)
    sub = page.session.get(Submission, ev.submission_id) if ev else None
    _visible_checkpoint(page, sub.checkpoint_id if sub else None, ("evidence", evidence_id))
    if ev.kind != "file":
        return RedirectResponse(ev.url, status_code=303)
    with EvidenceStore.from_settings(page.settings).open_evidence(ev.sha256) as fh:
        data = fh.read()
    return Response(
        data,
        media_type=ev.content_type or "application/octet-stream",
        headers={
            "Content-Disposition": _disposition(safe_filename(ev.filename, ev.content_type)),
            "X-Content-Type-Options": "nosniff",
            "Cache-Control": "private, max-age=0",
        },
    )
