"""The reviewer's corrections of a draft: lead, supporting, schedule, delete, split, merge, add.

Each correction is checked against the draft as the form saw it (its version), stored as an
override (`overrides.py`, one per task ref and kind) and audit-logged. Agencies must be in the
registry (a new one can be added on the spot); dates must fall within the plan's years.
"""

from __future__ import annotations

import re
from datetime import date

from sqlmodel import Session, select

from models import TaskOverride
from workflows.agencies.registry import Registry, RegistryAgency
from workflows.agencies.store import add_agency
from workflows.kernel.actors import Actor
from workflows.kernel.audit import record
from workflows.kernel.errors import InvalidInput, NotFound
from workflows.plans.review.drafts import DraftView, bump, draft_view, get_draft
from workflows.plans.review.overrides import section_at, text_sha

KINDS = ("once", "recurring", "continuous")
PLAN_YEARS = 5  # a plan runs at most this many years after the year it was issued in (or to its last date)


def plan_years(parsed: dict) -> tuple[int, int]:
    """First and last year a due date of the plan may fall in."""
    first = date.fromisoformat(parsed["plan"]["issued_on"]).year
    years = [int(d[:4]) for t in parsed["tasks"] for d in t["schedule"]["due_dates"]]
    return first, max([first + PLAN_YEARS, *(y for y in years if y >= first)])


def parse_day(text: str) -> date:
    """A date typed as dd/mm/yyyy (or ISO yyyy-mm-dd), or InvalidInput."""
    raw = text.strip()
    m = re.fullmatch(r"(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})", raw)
    try:
        if m:
            return date(int(m.group(3)), int(m.group(2)), int(m.group(1)))
        return date.fromisoformat(raw)
    except ValueError:
        raise InvalidInput("draft.bad_date", text=raw) from None


def check_schedule(parsed: dict, kind: str, dates: list[str], start: date | None = None) -> list[str]:
    """The due dates (ISO) of a schedule as the reviewer set it, or a refusal.

    With a start, no due date may come before it; a continuous duty reports from its start on.
    """
    if kind not in KINDS:
        raise InvalidInput("draft.bad_kind", kind=kind)
    days = sorted({parse_day(d) for d in dates if d.strip()})
    for day in days:
        _within_plan(parsed, day)
        if start is not None and day < start:
            raise InvalidInput(
                "draft.due_before_start", day=day.strftime("%d/%m/%Y"), start=start.strftime("%d/%m/%Y")
            )
    if kind == "continuous" and not days:
        calendar = {
            d
            for t in parsed["tasks"]
            if t["schedule"]["kind"] == "continuous"
            for d in t["schedule"]["due_dates"]
            if start is None or d >= start.isoformat()
        }
        if not calendar and start is not None:
            raise InvalidInput("draft.start_after_reports", start=start.strftime("%d/%m/%Y"))
        return sorted(calendar) or _missing()
    return [d.isoformat() for d in days] or _missing()


def check_start(parsed: dict, typed: str) -> date | None:
    """The day the duty starts as the reviewer typed it (empty: from the plan's issue), or a refusal."""
    if not (typed or "").strip():
        return None
    return _within_plan(parsed, parse_day(typed))


def _within_plan(parsed: dict, day: date) -> date:
    first, last = plan_years(parsed)
    if not first <= day.year <= last:
        raise InvalidInput("draft.date_outside_plan", day=day.strftime("%d/%m/%Y"), first=first, last=last)
    return day


def _missing() -> list[str]:
    raise InvalidInput("draft.dates_missing")


def agency_name(
    session: Session, actor: Actor, registry: Registry, name: str, today: date, add_new: bool = False
) -> str:
    """The registry's name for what the reviewer typed, or a new agency when asked, or a refusal."""
    typed = " ".join((name or "").split())
    if not typed:
        raise InvalidInput("draft.lead_missing")
    entry = registry.resolve(typed)
    if isinstance(entry, RegistryAgency):
        return entry.name
    if add_new:
        return add_agency(session, actor, typed, "department", today).name
    close = registry.suggest(typed)
    if close:
        raise InvalidInput("draft.unknown_agency_close", name=typed, closest=", ".join(close))
    raise InvalidInput("draft.unknown_agency", name=typed)


def _task(view: DraftView, ref: str) -> dict:
    task = next((t for t in view.parsed["tasks"] if t["ref"] == ref), None)
    if task is None:
        raise NotFound("draft.unknown_task", ref=ref)
    return task


def _save(
    session: Session, actor: Actor, view: DraftView, ref: str, kind: str, sha: str, value: dict
) -> None:
    """Store one override (replacing the task's previous one of the kind) and its audit event."""
    key = view.draft.plan_key
    row = session.exec(
        select(TaskOverride).where(
            TaskOverride.plan_key == key, TaskOverride.ref == ref, TaskOverride.kind == kind
        )
    ).first()
    before = dict(row.value) if row is not None else None
    row = row or TaskOverride(plan_key=key, ref=ref, kind=kind, text_sha256=sha)
    row.text_sha256, row.value, row.created_by = sha, value, actor.user_id
    session.add(row)
    session.flush()
    record(
        session,
        actor,
        f"draft.{kind}",
        "plan_draft",
        view.draft.id,
        before and {"value": before},
        {"ref": ref, "value": value},
    )


def _added(session: Session, view: DraftView, ref: str) -> TaskOverride | None:
    return session.exec(
        select(TaskOverride).where(
            TaskOverride.plan_key == view.draft.plan_key, TaskOverride.ref == ref, TaskOverride.kind == "add"
        )
    ).first()


def _edit(session: Session, actor: Actor, draft_id: int) -> DraftView:
    return draft_view(session, get_draft(session, actor, draft_id))


def _correct(
    session: Session, actor: Actor, view: DraftView, seen: int, task: dict, kind: str, value: dict
) -> None:
    """Apply a correction to a task: an added task's own record changes, a parsed one gets an override."""
    bump(session, view.draft, seen)
    added = _added(session, view, task["ref"])
    if added is not None and kind in ("lead", "supporting", "schedule"):
        new = dict(added.value["task"])
        new[kind] = _schedule_json(value) if kind == "schedule" else value[kind]
        _save(session, actor, view, task["ref"], "add", added.text_sha256, {"task": new})
        return
    _save(session, actor, view, task["ref"], kind, text_sha(task["text"]), value)


def _schedule_json(value: dict) -> dict:
    """A schedule as the parse JSON writes it: ``starts_on`` only when there is one."""
    return {k: v for k, v in value.items() if k != "starts_on" or v}


def set_lead(
    session: Session,
    actor: Actor,
    draft_id: int,
    seen: int,
    ref: str,
    name: str,
    registry: Registry,
    today: date,
    add_new: bool = False,
) -> None:
    """Make `name` the task's lead agency."""
    view = _edit(session, actor, draft_id)
    task = _task(view, ref)
    lead = agency_name(session, actor, registry, name, today, add_new)
    _correct(session, actor, view, seen, task, "lead", {"lead": lead})


def set_supporting(
    session: Session,
    actor: Actor,
    draft_id: int,
    seen: int,
    ref: str,
    names: list[str],
    registry: Registry,
    today: date,
    add_new: bool = False,
) -> None:
    """Make `names` the task's supporting agencies (an empty list clears them)."""
    view = _edit(session, actor, draft_id)
    task = _task(view, ref)
    chosen = [agency_name(session, actor, registry, n, today, add_new) for n in names if n.strip()]
    _correct(session, actor, view, seen, task, "supporting", {"supporting": list(dict.fromkeys(chosen))})


def set_schedule(
    session: Session,
    actor: Actor,
    draft_id: int,
    seen: int,
    ref: str,
    kind: str,
    dates: list[str],
    today: date,
    starts_on: str = "",
) -> None:
    """Set the task's schedule: once (a date), recurring (dates) or continuous (the reporting calendar).

    `starts_on` (typed, may be empty) is the day the work starts: its first period opens then.
    """
    view = _edit(session, actor, draft_id)
    task = _task(view, ref)
    start = check_start(view.parsed, starts_on)
    due = check_schedule(view.parsed, kind, dates, start)
    value = {
        "kind": kind,
        "due_dates": due,
        "phrase": task["schedule"].get("phrase", ""),
        "starts_on": start.isoformat() if start else None,
    }
    _correct(session, actor, view, seen, task, "schedule", value)


def delete_task(session: Session, actor: Actor, draft_id: int, seen: int, ref: str, today: date) -> None:
    """Take a false task out of the draft (an added one is simply dropped)."""
    view = _edit(session, actor, draft_id)
    task = _task(view, ref)
    bump(session, view.draft, seen)
    added = _added(session, view, ref)
    if added is not None:
        session.delete(added)
        session.flush()
        record(
            session, actor, "draft.delete", "plan_draft", view.draft.id, {"value": added.value}, {"ref": ref}
        )
        return
    _save(session, actor, view, ref, "delete", text_sha(task["text"]), {})


def split_task(
    session: Session, actor: Actor, draft_id: int, seen: int, ref: str, second: str, today: date
) -> None:
    """Split a task where the words `second` (the start of the second part) begin."""
    view = _edit(session, actor, draft_id)
    task = _task(view, ref)
    at = task["text"].find(" ".join(second.split())[:80]) if second.strip() else -1
    if at <= 0:
        raise InvalidInput("draft.split_point")
    bump(session, view.draft, seen)
    _save(session, actor, view, ref, "split", text_sha(task["text"]), {"at": at})


def merge_tasks(
    session: Session, actor: Actor, draft_id: int, seen: int, ref: str, other: str, today: date
) -> None:
    """Join task `other` into task `ref`."""
    view = _edit(session, actor, draft_id)
    task = _task(view, ref)
    if other == ref or not any(t["ref"] == other for t in view.parsed["tasks"]):
        raise InvalidInput("draft.merge_pair")
    bump(session, view.draft, seen)
    _save(session, actor, view, ref, "merge", text_sha(task["text"]), {"with": other})


def add_task(
    session: Session,
    actor: Actor,
    draft_id: int,
    seen: int,
    text: str,
    lead: str,
    kind: str,
    dates: list[str],
    registry: Registry,
    today: date,
    add_new: bool = False,
) -> str:
    """Turn a passage (an unresolved one, or any text selected in the plan) into a task; its ref."""
    view = _edit(session, actor, draft_id)
    words = (text or "").strip()
    if not words:
        raise InvalidInput("draft.text_empty")
    start = view.draft.source_text.find(words)
    if start < 0:
        raise InvalidInput("draft.text_not_in_plan")
    lead_name = agency_name(session, actor, registry, lead, today, add_new)
    due = check_schedule(view.parsed, kind, dates)
    sha = text_sha(words)
    ref = f"TC-{sha[:6]}"
    task = {
        "ref": ref,
        "section": section_at(view.parsed, start),
        "title": " ".join(words.split())[:200],
        "text": words,
        "span": [start, start + len(words)],
        "lead": lead_name,
        "supporting": [],
        "schedule": {"kind": kind, "due_dates": due, "phrase": ""},
        "rule": "reviewer",
        "confidence": 1.0,
    }
    bump(session, view.draft, seen)
    _save(session, actor, view, ref, "add", sha, {"task": task})
    return ref


def add_from_passage(
    session: Session,
    actor: Actor,
    draft_id: int,
    seen: int,
    index: int,
    lead: str,
    kind: str,
    dates: list[str],
    registry: Registry,
    today: date,
    add_new: bool = False,
) -> str:
    """Turn unresolved passage `index` (as the page listed it) into a task."""
    view = _edit(session, actor, draft_id)
    passages = view.parsed["unresolved"]
    if not 0 <= index < len(passages):
        raise NotFound("draft.unknown_passage", index=index + 1)
    return add_task(
        session, actor, draft_id, seen, passages[index]["text"], lead, kind, dates, registry, today, add_new
    )


def accept_suggestion(
    session: Session,
    actor: Actor,
    draft_id: int,
    seen: int,
    index: int,
    choice: int,
    registry: Registry,
    today: date,
) -> str:
    """One click: the passage becomes a continuous task led by the parser's suggestion `choice`."""
    view = _edit(session, actor, draft_id)
    passages = view.parsed["unresolved"]
    if not 0 <= index < len(passages) or not 0 <= choice < len(passages[index]["suggestions"]):
        raise NotFound("draft.unknown_passage", index=index + 1)
    lead = passages[index]["suggestions"][choice]
    return add_from_passage(session, actor, draft_id, seen, index, lead, "continuous", [], registry, today)
