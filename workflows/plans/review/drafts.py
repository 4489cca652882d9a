"""Drafts: an import is stored for review; publishing is an explicit act that puts tasks in inboxes.

A draft keeps the text and the parser's output as read; the corrections are overrides
(`overrides.py`) shared by every draft of the same plan, so a revised text keeps them. A new draft
of a plan supersedes its open one. A draft of a plan whose issuer is not the registry's province
is *foreign*: it publishes only once the reviewer confirms the agencies are meant.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import update
from sqlmodel import Session, select

from models import Plan, PlanDraft, Task, TaskOverride
from models.types import utcnow
from models.user import Role
from workflows.agencies.registry import Registry
from workflows.agencies.store import is_foreign
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.audit import record
from workflows.kernel.errors import Conflict, NotFound
from workflows.plans.importing import ImportReport, import_plan
from workflows.plans.parsed import ParsedPlan
from workflows.plans.review.overrides import Flag, apply_overrides, text_sha

REVIEW_ROLES = (Role.secretariat, Role.admin, "system")


def plan_key(number: str, issuer: str, issued_on: date) -> str:
    """What identifies a plan across its revisions (as `Plan`'s unique key)."""
    return f"{number}|{issuer}|{issued_on.isoformat()}"


@dataclass
class DraftView:
    """A draft as the reviewer sees it: the corrected parse, what needs a look, the diff to the plan."""

    draft: PlanDraft
    parsed: dict
    flags: list[Flag]
    corrected: set[str]
    added: list[str] = field(default_factory=list)  # refs new against the published plan
    changed: list[str] = field(default_factory=list)  # refs whose text changed
    removed: list[str] = field(default_factory=list)  # refs the revision no longer has

    @property
    def unresolved(self) -> int:
        return len(self.parsed["unresolved"])

    def flagged(self, ref: str) -> list[Flag]:
        return [f for f in self.flags if f.ref == ref]


def create_draft(
    session: Session,
    actor: Actor,
    parsed: ParsedPlan,
    source_text: str,
    registry: Registry,
    today: date,
    filename: str = "",
) -> PlanDraft:
    """Store the parse for review; an open draft of the same plan is superseded. Flushes."""
    require_role(actor, *REVIEW_ROLES)
    meta = parsed.plan
    key = plan_key(meta.number, meta.issuer, meta.issued_on)
    plan = session.exec(
        select(Plan).where(
            Plan.number == meta.number, Plan.issuer == meta.issuer, Plan.issued_on == meta.issued_on
        )
    ).first()
    for old in session.exec(select(PlanDraft).where(PlanDraft.plan_key == key, PlanDraft.state == "open")):
        old.state, old.version = "discarded", old.version + 1
        session.add(old)
    draft = PlanDraft(
        plan_key=key,
        number=meta.number,
        issuer=meta.issuer[:255],
        issued_on=meta.issued_on,
        title=meta.title[:500],
        filename=filename[:255],
        source_sha256=hashlib.sha256(source_text.encode()).hexdigest(),
        source_text=source_text,
        parsed=parsed.to_dict(),
        foreign=is_foreign(meta.issuer, registry.province),
        plan_id=plan.id if plan is not None else None,
        created_by=actor.user_id,
    )
    session.add(draft)
    session.flush()
    record(session, actor, "draft.create", "plan_draft", draft.id, after={"plan": key, "on": today})
    return draft


def get_draft(session: Session, actor: Actor, draft_id: int) -> PlanDraft:
    """The draft, or NotFound (only the secretariat and admins review)."""
    require_role(actor, *REVIEW_ROLES)
    draft = session.get(PlanDraft, draft_id, populate_existing=True)
    if draft is None:
        raise NotFound("not_found", what="plan draft", id=draft_id)
    return draft


def overrides_of(session: Session, key: str) -> list[TaskOverride]:
    """The corrections made to a plan, oldest first."""
    return list(
        session.exec(select(TaskOverride).where(TaskOverride.plan_key == key).order_by(TaskOverride.id))
    )


def draft_view(session: Session, draft: PlanDraft) -> DraftView:
    """The corrected parse of a draft and, for a revision, its diff against the published plan."""
    parsed, flags, corrected = apply_overrides(
        draft.parsed, overrides_of(session, draft.plan_key), draft.source_text
    )
    view = DraftView(draft=draft, parsed=parsed, flags=flags, corrected=corrected)
    if draft.plan_id is not None:
        have = {
            ref: text_sha(text)
            for ref, text in session.exec(
                select(Task.ref, Task.text).where(Task.plan_id == draft.plan_id, Task.withdrawn.is_(False))
            )
        }
        refs = {t["ref"]: text_sha(t["text"]) for t in parsed["tasks"]}
        view.added = [r for r in refs if r not in have]
        view.changed = [r for r in refs if r in have and have[r] != refs[r]]
        view.removed = sorted(set(have) - set(refs))
    # a corrected passage whose words changed against the published plan needs a new look
    known = {(f.ref, f.reason) for f in view.flags}
    for ref in view.changed:
        if ref in corrected and (ref, "text_changed") not in known:
            view.flags.append(Flag(ref, "text", "text_changed"))
    return view


def bump(session: Session, draft: PlanDraft, seen: int) -> None:
    """Claim the draft at the version the form showed (UPDATE … WHERE version = seen), or Conflict."""
    if draft.state != "open":
        raise Conflict("draft.not_open", id=draft.id, state=draft.state)
    done = session.execute(
        update(PlanDraft)
        .where(PlanDraft.id == draft.id, PlanDraft.version == seen, PlanDraft.state == "open")
        .values(version=seen + 1)
        .execution_options(synchronize_session=False)
    )
    if done.rowcount != 1:
        raise Conflict("draft.stale", seen=seen)
    session.refresh(draft)


def publish_draft(
    session: Session,
    actor: Actor,
    draft_id: int,
    seen: int,
    registry: Registry,
    today: date,
    confirm_foreign: bool = False,
) -> ImportReport:
    """Publish the corrected draft: the plan is created or updated and its checkpoints opened."""
    draft = get_draft(session, actor, draft_id)
    if draft.state != "open":
        raise Conflict("draft.not_open", id=draft.id, state=draft.state)
    if draft.foreign and not (confirm_foreign or draft.foreign_confirmed):
        raise Conflict("draft.foreign_unconfirmed", issuer=draft.issuer, province=registry.province)
    plan = session.get(Plan, draft.plan_id) if draft.plan_id is not None else None
    if plan is not None and plan.status != "active":
        raise Conflict("plan.not_active", number=plan.number, state=plan.status)
    bump(session, draft, seen)
    view = draft_view(session, draft)
    report = import_plan(
        session, actor, ParsedPlan.from_dict(view.parsed), draft.source_text, registry, today, corrected=True
    )
    draft.state, draft.plan_id, draft.published_at = "published", report.plan_id, utcnow()
    draft.foreign_confirmed = draft.foreign_confirmed or (draft.foreign and confirm_foreign)
    session.add(draft)
    session.flush()
    record(
        session,
        actor,
        "draft.publish",
        "plan_draft",
        draft.id,
        after={
            "plan_id": report.plan_id,
            "tasks": len(view.parsed["tasks"]),
            "corrections": len(view.corrected),
            "foreign_confirmed": draft.foreign_confirmed,
            "on": today,
        },
    )
    return report


def discard_draft(session: Session, actor: Actor, draft_id: int, seen: int, today: date) -> PlanDraft:
    """Drop a draft unpublished (its corrections stay for the next import of the plan)."""
    draft = get_draft(session, actor, draft_id)
    bump(session, draft, seen)
    draft.state = "discarded"
    session.add(draft)
    session.flush()
    record(session, actor, "draft.discard", "plan_draft", draft.id, after={"on": today})
    return draft


def open_drafts(session: Session, limit: int = 50) -> list[PlanDraft]:
    """Drafts waiting for review, newest first."""
    return list(
        session.exec(
            select(PlanDraft).where(PlanDraft.state == "open").order_by(PlanDraft.id.desc()).limit(limit)
        )
    )


def redraft_plan(
    session: Session, actor: Actor, plan_id: int, registry: Registry, today: date, parse
) -> PlanDraft:
    """A new draft from a published plan's stored text, to correct it again."""
    require_role(actor, *REVIEW_ROLES)
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    if plan.status != "active":
        raise Conflict("plan.not_active", number=plan.number, state=plan.status)
    return create_draft(session, actor, parse(plan.source_text, registry), plan.source_text, registry, today)
