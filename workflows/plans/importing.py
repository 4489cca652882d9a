"""Store a parsed plan: agencies, sections, tasks, assignments, indicators and checkpoints.

Importing the same document again changes nothing. A revised version is matched by stable
task refs: new refs are added, changed ones updated (their checkpoints reconciled), missing
ones marked withdrawn — never deleted, so submissions and history survive.
"""

import hashlib
import re
import unicodedata
from dataclasses import dataclass, field
from datetime import date

from sqlmodel import Session, select

from models import (
    Agency,
    Checkpoint,
    CheckpointState,
    Indicator,
    Plan,
    PlanIssue,
    Section,
    Submission,
    Task,
    TaskSupport,
)
from models.search import reindex_tasks
from workflows.agencies.registry import Registry
from workflows.agencies.store import sync_registry
from workflows.checkpoints import summary
from workflows.checkpoints.status import CLOSED_STATES
from workflows.kernel.actors import Actor
from workflows.kernel.audit import record
from workflows.plans.parsed import ParsedPlan, ParsedTask
from workflows.plans.parsing.linking import tracked
from workflows.plans.schedules import checkpoints_for


@dataclass
class ImportReport:
    """What an import did, for the CLI and the import page."""

    plan_id: int
    created: bool
    added: list[str] = field(default_factory=list)
    changed: list[str] = field(default_factory=list)
    withdrawn: list[str] = field(default_factory=list)
    unchanged: int = 0
    checkpoints_added: int = 0
    unresolved: int = 0

    @property
    def is_noop(self) -> bool:
        return not (self.created or self.added or self.changed or self.withdrawn)


def import_plan(
    session: Session,
    actor: Actor,
    parsed: ParsedPlan,
    source_text: str,
    registry: Registry,
    today: date,
    corrected: bool = False,
) -> ImportReport:
    """Create or update the plan `parsed` describes; flushes, the caller commits.

    The same text again is a no-op, unless `corrected` (a reviewed draft may differ from the parse).
    """
    sha = hashlib.sha256(source_text.encode()).hexdigest()
    plan = _find_plan(session, parsed)
    if plan is not None and plan.source_sha256 == sha and not corrected:
        return ImportReport(plan_id=plan.id, created=False, unchanged=len(parsed.tasks))
    agency_ids = sync_registry(session, registry)
    created = plan is None
    plan = plan or Plan(
        number=parsed.plan.number,
        issuer=parsed.plan.issuer,
        issued_on=parsed.plan.issued_on,
        title=parsed.plan.title,
        source_sha256=sha,
        source_text=source_text,
    )
    plan.title, plan.source_sha256, plan.source_text = parsed.plan.title, sha, source_text
    session.add(plan)
    session.flush()
    report = ImportReport(plan_id=plan.id, created=created, unresolved=len(parsed.unresolved))
    with summary.changing(session, Task.plan_id == plan.id):  # tasks may move, checkpoints come and go
        sections = _sync_sections(session, plan, parsed)
        _sync_tasks(session, plan, parsed, sections, agency_ids, report)
    reindex_tasks(session, Task.plan_id == plan.id)  # search finds the plan's words as they are now
    _sync_indicators(session, plan, parsed)
    _replace_issues(session, plan, parsed)
    record(
        session,
        actor,
        "plan.import",
        "plan",
        plan.id,
        after={
            "number": plan.number,
            "created": created,
            "added": len(report.added),
            "changed": len(report.changed),
            "withdrawn": len(report.withdrawn),
            "on": today,
        },
    )
    return report


def _find_plan(session: Session, parsed: ParsedPlan) -> Plan | None:
    meta = parsed.plan
    return session.exec(
        select(Plan).where(
            Plan.number == meta.number, Plan.issuer == meta.issuer, Plan.issued_on == meta.issued_on
        )
    ).first()


def _sync_sections(session: Session, plan: Plan, parsed: ParsedPlan) -> dict[str, int]:
    have = {s.ref: s for s in session.exec(select(Section).where(Section.plan_id == plan.id)).all()}
    refs = [s.ref for s in parsed.sections]
    extra = {t.section for t in parsed.tasks} - set(refs)  # e.g. an appendix table "PL"
    for position, (ref, title) in enumerate(
        [(s.ref, s.title) for s in parsed.sections] + [(r, r) for r in sorted(extra)]
    ):
        section = have.get(ref) or Section(plan_id=plan.id, ref=ref, title=title)
        section.title, section.position = title, position
        have[ref] = section
        session.add(section)
    session.flush()
    return {ref: s.id for ref, s in have.items()}


def _agency_id(session: Session, name: str, agency_ids: dict[str, int]) -> int:
    """The registry agency, or one kept under the name as the plan wrote it."""
    if name not in agency_ids:
        agency = Agency(code=_unregistered_code(name), name=name, kind="unregistered", registered=False)
        session.add(agency)
        session.flush()
        agency_ids[name] = agency.id
    return agency_ids[name]


def _unregistered_code(name: str) -> str:
    ascii_name = unicodedata.normalize("NFKD", name.replace("đ", "d").replace("Đ", "D"))
    slug = re.sub(r"[^a-z0-9]+", "-", ascii_name.encode("ascii", "ignore").decode().lower()).strip("-")
    return f"x-{slug[:60]}-{hashlib.sha1(name.encode()).hexdigest()[:6]}"


def reporting_dates(parsed: ParsedPlan) -> tuple[date, ...]:
    """The plan's reporting calendar: the due dates of its continuous duties."""
    return tuple(
        sorted({d for t in parsed.tasks if t.schedule.kind == "continuous" for d in t.schedule.due_dates})
    )


def _task_values(pt: ParsedTask, position: int, sections: dict[str, int], lead_id: int) -> dict:
    return dict(
        section_id=sections[pt.section],
        title=pt.title,
        text=pt.text,
        span_start=pt.span[0],
        span_end=pt.span[1],
        schedule_kind=pt.schedule.kind,
        schedule_phrase=pt.schedule.phrase,
        starts_on=pt.schedule.starts_on,
        lead_agency_id=lead_id,
        due_dates=[d.isoformat() for d in pt.schedule.due_dates],
        position=position,
        withdrawn=False,
    )


# A moved paragraph shifts spans and positions: update them, but don't call the task changed.
_SILENT = {"span_start", "span_end", "position"}


def _sync_tasks(
    session: Session,
    plan: Plan,
    parsed: ParsedPlan,
    sections: dict[str, int],
    agency_ids: dict[str, int],
    report: ImportReport,
) -> None:
    existing = {t.ref: t for t in session.exec(select(Task).where(Task.plan_id == plan.id)).all()}
    supports: dict[int, set[int]] = {}
    for s in session.exec(select(TaskSupport).join(Task).where(Task.plan_id == plan.id)).all():
        supports.setdefault(s.task_id, set()).add(s.agency_id)
    calendar = reporting_dates(parsed)
    for position, pt in enumerate(tracked(parsed.tasks)):  # a work item written twice is tracked once
        values = _task_values(pt, position, sections, _agency_id(session, pt.lead, agency_ids))
        support_ids = {_agency_id(session, name, agency_ids) for name in pt.supporting}
        task = existing.pop(pt.ref, None)
        if task is None:
            task = Task(plan_id=plan.id, ref=pt.ref, **values)
            session.add(task)
            session.flush()
            report.added.append(pt.ref)
        elif (
            any(getattr(task, k) != v for k, v in values.items() if k not in _SILENT)
            or supports.get(task.id, set()) != support_ids
        ):
            report.changed.append(pt.ref)
        else:
            report.unchanged += 1
        revived = task.withdrawn
        for key, value in values.items():
            setattr(task, key, value)
        _sync_supports(session, task.id, supports.get(task.id, set()), support_ids)
        starts_on = task.starts_on or plan.issued_on  # a duty starting later opens its first period then
        report.checkpoints_added += _sync_checkpoints(session, task, starts_on, calendar, revived)
    for task in existing.values():
        if not task.withdrawn:
            withdraw_task(session, task)
            report.withdrawn.append(task.ref)


def _sync_supports(session: Session, task_id: int, have: set[int], want: set[int]) -> None:
    session.add_all(TaskSupport(task_id=task_id, agency_id=a) for a in want - have)
    for agency_id in have - want:
        session.delete(session.get(TaskSupport, (task_id, agency_id)))


def _sync_checkpoints(
    session: Session, task: Task, starts_on: date, calendar: tuple[date, ...], revived: bool = False
) -> int:
    """Add the checkpoints the task now needs; retire those it no longer needs; follow a moved start."""
    dues = [date.fromisoformat(d) for d in task.due_dates]
    wanted = {
        (c.agency_id, c.original_due_date): c
        for c in checkpoints_for(task.id, task.lead_agency_id, dues, task.schedule_kind, starts_on, calendar)
    }
    have = session.exec(select(Checkpoint).where(Checkpoint.task_id == task.id)).all()
    for cp in have:
        want = wanted.pop((cp.agency_id, cp.original_due_date), None)
        if want is None:
            _retire(session, cp)
            continue
        if revived and cp.state == CheckpointState.waived and cp.submitted_on is None:
            cp.state = CheckpointState.open  # the withdrawn task is back in the plan
        if cp.opens_on != want.opens_on and cp.state == CheckpointState.open and cp.submitted_on is None:
            cp.opens_on, cp.version = want.opens_on, cp.version + 1  # the duty's start moved
    session.add_all(wanted.values())
    return len(wanted)


def _retire(session: Session, cp: Checkpoint) -> None:
    """Delete an untouched checkpoint; waive one that has submissions (history stays)."""
    if session.exec(select(Submission.id).where(Submission.checkpoint_id == cp.id)).first() is None:
        session.delete(cp)
    elif cp.state not in CLOSED_STATES:
        cp.state, cp.version = CheckpointState.waived, cp.version + 1


def withdraw_task(session: Session, task: Task) -> None:
    """Take a task out of the plan: every checkpoint not yet closed is waived (history stays)."""
    task.withdrawn = True
    with summary.changing(session, Checkpoint.task_id == task.id):
        for cp in session.exec(
            select(Checkpoint).where(Checkpoint.task_id == task.id, Checkpoint.state.not_in(CLOSED_STATES))
        ).all():
            cp.state, cp.version = CheckpointState.waived, cp.version + 1


def _sync_indicators(session: Session, plan: Plan, parsed: ParsedPlan) -> None:
    have = {i.ref: i for i in session.exec(select(Indicator).where(Indicator.plan_id == plan.id)).all()}
    for pi in parsed.indicators:
        ind = have.pop(pi.ref, None) or Indicator(plan_id=plan.id, ref=pi.ref, text=pi.text)
        ind.text, ind.target, ind.unit, ind.due_date = pi.text, pi.target, pi.unit, pi.due_date
        session.add(ind)
    for stale in have.values():
        session.delete(stale)


def _replace_issues(session: Session, plan: Plan, parsed: ParsedPlan) -> None:
    for issue in session.exec(select(PlanIssue).where(PlanIssue.plan_id == plan.id)).all():
        session.delete(issue)
    session.add_all(
        PlanIssue(
            plan_id=plan.id,
            text=u.text,
            span_start=u.span[0],
            span_end=u.span[1],
            reason=u.reason,
            suggestions=list(u.suggestions),
        )
        for u in parsed.unresolved
    )
    session.flush()
