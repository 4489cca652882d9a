"""The review of an imported plan: /plans/drafts/{id} shows each task beside its source paragraph,
takes the secretariat's corrections, and publishes. Every correction is one small form (no JavaScript
needed); a little script fills the "selected text" form from a selection in the plan's words.
"""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from api.pages.templating import Page, PageDep
from workflows.agencies.store import active_registry
from workflows.kernel.errors import Conflict, DomainError, InvalidInput, NotFound
from workflows.plans.lifecycle import end_plan
from workflows.plans.parser import parse_plan
from workflows.plans.review import edits
from workflows.plans.review.drafts import discard_draft, draft_view, get_draft, publish_draft, redraft_plan

router = APIRouter()
CONTEXT_CHARS = 320  # of the plan's words shown around a task's own
WORDS = {
    "lead": "chủ trì",
    "supporting": "phối hợp",
    "schedule": "thời hạn",
    "delete": "xóa",
    "split": "tách",
    "merge": "gộp",
    "add": "giao việc",
    "text": "nội dung",
}


def _look(flags) -> list[str]:
    """The corrections of a task whose paragraph changed since, in words."""
    return list(dict.fromkeys(WORDS.get(f.kind, f.kind) for f in flags if f.reason == "text_changed"))


def source_context(text: str, span: list[int]) -> tuple[str, str, str]:
    """The paragraph around a span: (before, the task's words, after), trimmed to a readable length."""
    start, end = span
    para_start = text.rfind("\n", 0, max(start - 1, 0)) + 1
    para_end = text.find("\n", end + 1)
    para_end = len(text) if para_end < 0 else para_end
    before = text[max(para_start, start - CONTEXT_CHARS) : start]
    after = text[end : min(para_end, end + CONTEXT_CHARS)]
    return before, text[start:end], after


def _review(page: Page, draft_id: int, status: int = 200, error: dict | None = None) -> Response:
    draft = get_draft(page.session, page.actor, draft_id)
    view = draft_view(page.session, draft)
    registry = active_registry(page.session)
    text = draft.source_text
    tasks = [
        {**t, "context": source_context(text, t["span"]), "look": _look(view.flagged(t["ref"]))}
        for t in view.parsed["tasks"]
    ]
    present = {t["ref"] for t in tasks}
    passages = [{**u, "context": source_context(text, u["span"])} for u in view.parsed["unresolved"]]
    names = sorted(a.name for a in registry.agencies.values() if a.active)
    first, last = edits.plan_years(view.parsed)
    return page.render(
        "review.html",
        status_code=status,
        draft=draft,
        view=view,
        tasks=tasks,
        passages=passages,
        agency_names=names,
        province=registry.province,
        years=(first, last),
        low=[t for t in tasks if t.get("confidence", 1.0) < 0.7 and t["ref"] not in view.corrected],
        error=error or {},
        orphans=[f for f in view.flags if f.ref not in present],
        words=WORDS,
    )


@router.get("/plans/drafts/{draft_id}")
def review_page(page: PageDep, draft_id: int) -> Response:
    return _review(page, draft_id)


def _refused(page: Page, draft_id: int, exc: DomainError, form: dict) -> Response:
    """Re-show the review with the refusal beside the form and what was typed; nothing is stored."""
    page.session.rollback()
    if isinstance(exc, NotFound) and exc.code == "not_found":
        raise exc
    return _review(page, draft_id, exc.http_status, {**form, "message": exc.message("vi")})


def _seen(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise InvalidInput("draft.stale", seen=raw) from None


def _list(raw: str) -> list[str]:
    """Comma, semicolon or line separated entries."""
    return [p.strip() for p in raw.replace(";", "\n").replace(",", "\n").splitlines() if p.strip()]


def _dates(raw: str) -> list[str]:
    return [p.strip() for p in raw.replace(";", " ").replace(",", " ").split() if p.strip()]


@router.post("/plans/drafts/{draft_id}/edit")
def edit(
    page: PageDep,
    draft_id: int,
    action: Annotated[str, Form()],
    version: Annotated[str, Form()] = "",
    ref: Annotated[str, Form()] = "",
    lead: Annotated[str, Form()] = "",
    supporting: Annotated[str, Form()] = "",
    kind: Annotated[str, Form()] = "",
    dates: Annotated[str, Form()] = "",
    starts_on: Annotated[str, Form()] = "",
    text: Annotated[str, Form()] = "",
    other: Annotated[str, Form()] = "",
    index: Annotated[str, Form()] = "",
    choice: Annotated[str, Form()] = "",
    add_new: Annotated[str, Form()] = "",
) -> Response:
    """One correction of the draft (`action` names which); back to the task on the review page."""
    form = {
        "action": action,
        "ref": ref,
        "lead": lead,
        "supporting": supporting,
        "kind": kind,
        "dates": dates,
        "starts_on": starts_on,
        "text": text,
        "other": other,
        "index": index,
    }
    s, actor, today = page.session, page.actor, page.today
    try:
        seen, registry, new = _seen(version), active_registry(s), bool(add_new)
        anchor = f"t-{ref}"
        if action == "lead":
            edits.set_lead(s, actor, draft_id, seen, ref, lead, registry, today, new)
            done = f"Đã đổi cơ quan chủ trì nhiệm vụ {ref}."
        elif action == "supporting":
            edits.set_supporting(s, actor, draft_id, seen, ref, _list(supporting), registry, today, new)
            done = f"Đã cập nhật cơ quan phối hợp nhiệm vụ {ref}."
        elif action == "schedule":
            edits.set_schedule(s, actor, draft_id, seen, ref, kind, _dates(dates), today, starts_on)
            done = f"Đã cập nhật thời hạn nhiệm vụ {ref}."
        elif action == "delete":
            edits.delete_task(s, actor, draft_id, seen, ref, today)
            done, anchor = f"Đã xóa nhiệm vụ {ref} khỏi bản nháp.", "tasks"
        elif action == "split":
            edits.split_task(s, actor, draft_id, seen, ref, text, today)
            done = f"Đã tách nhiệm vụ {ref} thành {ref} và {ref}/2."
        elif action == "merge":
            edits.merge_tasks(s, actor, draft_id, seen, ref, other, today)
            done = f"Đã gộp nhiệm vụ {other} vào {ref}."
        elif action == "passage":
            made = edits.add_from_passage(
                s, actor, draft_id, seen, _index(index), lead, kind, _dates(dates), registry, today, new
            )
            done, anchor = f"Đã giao việc từ đoạn chưa xác định: nhiệm vụ {made}.", f"t-{made}"
        elif action == "suggestion":
            made = edits.accept_suggestion(
                s, actor, draft_id, seen, _index(index), _index(choice), registry, today
            )
            done, anchor = f"Đã nhận gợi ý: nhiệm vụ {made}.", f"t-{made}"
        elif action == "selection":
            made = edits.add_task(
                s, actor, draft_id, seen, text, lead, kind, _dates(dates), registry, today, new
            )
            done, anchor = f"Đã giao việc từ đoạn văn bản đã chọn: nhiệm vụ {made}.", f"t-{made}"
        else:
            raise InvalidInput("plan.bad_status", action=action)
    except DomainError as exc:
        return _refused(page, draft_id, exc, form)
    return page.redirect(f"/plans/drafts/{draft_id}#{anchor}", done)


def _index(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise NotFound("draft.unknown_passage", index=raw) from None


@router.post("/plans/drafts/{draft_id}/publish")
def publish(
    page: PageDep,
    draft_id: int,
    version: Annotated[str, Form()] = "",
    confirm_foreign: Annotated[str, Form()] = "",
) -> Response:
    """Publish the reviewed draft: its tasks reach the agencies' inboxes."""
    try:
        registry = active_registry(page.session)
        report = publish_draft(
            page.session, page.actor, draft_id, _seen(version), registry, page.today, bool(confirm_foreign)
        )
    except DomainError as exc:
        return _refused(page, draft_id, exc, {"action": "publish"})
    draft = get_draft(page.session, page.actor, draft_id)
    if report.created:
        message = (
            f"Đã xuất bản kế hoạch {draft.number}: {len(report.added)} nhiệm vụ, "
            f"{report.checkpoints_added} mốc báo cáo."
        )
    elif report.is_noop:
        message = f"Kế hoạch {draft.number} không thay đổi."
    else:
        message = (
            f"Đã cập nhật kế hoạch {draft.number}: thêm {len(report.added)}, sửa {len(report.changed)}, "
            f"rút {len(report.withdrawn)} nhiệm vụ; {report.checkpoints_added} mốc mới."
        )
    return page.redirect(f"/plans/{report.plan_id}", message)


@router.post("/plans/drafts/{draft_id}/discard")
def discard(page: PageDep, draft_id: int, version: Annotated[str, Form()] = "") -> Response:
    try:
        draft = discard_draft(page.session, page.actor, draft_id, _seen(version), page.today)
    except DomainError as exc:
        return _refused(page, draft_id, exc, {"action": "discard"})
    return page.redirect("/plans/import", f"Đã hủy bản nháp kế hoạch {draft.number}.")


@router.post("/plans/{plan_id}/redraft")
def redraft(page: PageDep, plan_id: int) -> Response:
    """Open a new draft of a published plan from its stored text, to correct it again."""
    registry = active_registry(page.session)
    draft = redraft_plan(page.session, page.actor, plan_id, registry, page.today, parse_plan)
    return page.redirect(f"/plans/drafts/{draft.id}", "Đã mở bản nháp để sửa; xuất bản lại khi xong.")


@router.post("/plans/{plan_id}/end")
def end(
    page: PageDep,
    plan_id: int,
    status: Annotated[str, Form()] = "",
    reason: Annotated[str, Form()] = "",
) -> Response:
    """Withdraw or archive a plan with a reason: its open checkpoints are waived, its history kept."""
    try:
        waived = end_plan(page.session, page.actor, plan_id, status, reason, page.today)
    except DomainError as exc:
        page.session.rollback()
        if isinstance(exc, InvalidInput | Conflict):
            return page.redirect(f"/plans/{plan_id}#lifecycle", exc.message("vi"), kind="error")
        raise
    word = "Đã rút kế hoạch" if status == "withdrawn" else "Đã lưu trữ kế hoạch"
    return page.redirect(f"/plans/{plan_id}", f"{word}: miễn {waived} mốc còn mở; lịch sử được giữ nguyên.")
