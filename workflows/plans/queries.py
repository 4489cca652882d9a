"""Plan queries for the pages: the plan list and a plan's tasks with their figures."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import ColumnElement, Select, exists, func, or_, select
from sqlalchemy.orm import aliased, defer
from sqlmodel import Session

from models import Agency, Checkpoint, Indicator, Plan, PlanIssue, Section, Task, TaskSupport
from workflows.checkpoints.queries import current_checkpoints
from workflows.checkpoints.status import status_expr
from workflows.checkpoints.visibility import FigureView, PeerFigures, figure_view
from workflows.kernel.actors import Actor
from workflows.kernel.errors import NotFound


def get_plan(session: Session, plan_id: int) -> Plan:
    """The plan, or NotFound."""
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    return plan


def find_plan(session: Session, ref: str) -> Plan:
    """A plan by id ("12") or by number ("23/KH-UBND"; the newest issue when several share it)."""
    ref = (ref or "").strip()
    plan = session.get(Plan, int(ref)) if ref.isdigit() else None
    if plan is None:
        number = "".join(ref.split())
        plan = session.execute(
            plans_query().where(func.replace(Plan.number, " ", "") == number).limit(1)
        ).scalar_one_or_none()
    if plan is None:
        raise NotFound("not_found", what="plan", id=ref)
    return plan


def plans_query() -> Select:
    """Every plan, the most recently issued first, without its source text."""
    return select(Plan).options(defer(Plan.source_text)).order_by(Plan.issued_on.desc(), Plan.id.desc())


ACTIVE = "active"  # a plan's status while in force (withdrawn and archived ones: lifecycle.py)


def active_plans() -> Select:
    """Ids of the plans in force: what "all plans" means on the lists, the exports and the digests."""
    return select(Plan.id).where(Plan.status == ACTIVE)


def in_active_plan(plan_id=Task.plan_id) -> ColumnElement[bool]:
    """`plan_id IN active_plans()` as a test of each row, so no planner drives a whole list off it."""
    plan = aliased(Plan, name="in_force")  # its own name: a list may join Plan itself
    return exists().where(plan.id == plan_id, plan.status == "active")


def plans_in_scope(plan_id: int | None) -> list[int] | Select:
    """The plans a page, export or digest covers: the one chosen, else every active plan."""
    return active_plans() if plan_id is None else [plan_id]


def plan_sections(session: Session, plan_id: int) -> list[Section]:
    """A plan's sections in plan order."""
    stmt = select(Section).where(Section.plan_id == plan_id).order_by(Section.position, Section.id)
    return list(session.execute(stmt).scalars())


def plan_issues(session: Session, plan_id: int) -> list[PlanIssue]:
    """The passages the parser could not resolve, in text order."""
    stmt = select(PlanIssue).where(PlanIssue.plan_id == plan_id).order_by(PlanIssue.span_start)
    return list(session.execute(stmt).scalars())


def plan_indicators(session: Session, plan_id: int) -> list[Indicator]:
    """A plan's indicators (chỉ tiêu) in plan order."""
    stmt = select(Indicator).where(Indicator.plan_id == plan_id).order_by(Indicator.id)
    return list(session.execute(stmt).scalars())


def tasks_query(
    plan_id: int | None = None,
    section_id: int | None = None,
    agency_id: int | None = None,
    include_withdrawn: bool = False,
) -> Select:
    """Tasks in plan order; `agency_id` matches the lead and the supporting agencies."""
    stmt = select(Task).order_by(Task.plan_id, Task.position, Task.id)
    if plan_id is not None:
        stmt = stmt.where(Task.plan_id == plan_id)
    if section_id is not None:
        stmt = stmt.where(Task.section_id == section_id)
    if agency_id is not None:
        supported = select(TaskSupport.task_id).where(TaskSupport.agency_id == agency_id)
        stmt = stmt.where(or_(Task.lead_agency_id == agency_id, Task.id.in_(supported)))
    if not include_withdrawn:
        stmt = stmt.where(Task.withdrawn.is_(False))
    return stmt


def supporting_agencies(session: Session, task_ids: list[int]) -> dict[int, list[int]]:
    """The supporting agencies of each task, by agency id (one query)."""
    support: dict[int, list[int]] = {}
    if task_ids:
        stmt = (
            select(TaskSupport.task_id, TaskSupport.agency_id)
            .where(TaskSupport.task_id.in_(task_ids))
            .order_by(TaskSupport.agency_id)
        )
        for task_id, agency_id in session.execute(stmt):
            support.setdefault(task_id, []).append(agency_id)
    return support


def active_plans_newest_first(session: Session) -> list[Plan]:
    """The plans in force, the most recently issued first (what "all plans" means on the lists)."""
    return list(session.execute(plans_query().where(Plan.id.in_(active_plans()))).scalars().all())


def plans_newest_first(session: Session) -> list[Plan]:
    """Every plan, the most recently issued first (the pages' default is the first)."""
    return list(session.execute(plans_query()).scalars().all())


@dataclass
class PlanTaskRow:
    task_id: int
    ref: str
    section_ref: str
    title: str
    lead_agency_id: int
    lead_agency_name: str
    schedule_phrase: str
    withdrawn: bool
    counts: dict[str, int] = field(default_factory=dict)
    current_checkpoint_id: int | None = None
    visible: bool = False
    starts_on: date | None = None  # the duty starts later than the plan (from the plan's words)


def plan_tasks(
    session: Session, actor: Actor, today: date, plan_id: int, figures: FigureView | None = None
) -> list[PlanTaskRow]:
    """A plan's tasks in plan order with their checkpoints counted by status, for the plan page.

    `current_checkpoint_id` is the earliest checkpoint not yet closed (else the last one) and
    `visible` says whether the actor may open it (its own, a supported task, or sees all).
    Counts are filled only where `figures` (default: the actor's own under the `own` policy) allows.
    """
    figures = figures or figure_view(actor, PeerFigures.own)
    if session.get(Plan, plan_id) is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    supported = set()
    if not actor.sees_all and actor.agency_id is not None:
        supported = set(
            session.execute(
                select(TaskSupport.task_id).where(TaskSupport.agency_id == actor.agency_id)
            ).scalars()
        )
    tasks = session.execute(
        select(Task, Section.ref, Agency.name)
        .join(Section, Section.id == Task.section_id)
        .join(Agency, Agency.id == Task.lead_agency_id)
        .where(Task.plan_id == plan_id)
        .order_by(Section.position, Task.position, Task.id)
    ).all()
    rows = {
        t.id: PlanTaskRow(
            t.id,
            t.ref,
            section_ref,
            t.title,
            t.lead_agency_id,
            name,
            t.schedule_phrase,
            t.withdrawn,
            visible=actor.sees_all or t.lead_agency_id == actor.agency_id or t.id in supported,
            starts_on=t.starts_on,
        )
        for t, section_ref, name in tasks
    }
    status = status_expr(today)
    counts = session.execute(
        select(Checkpoint.task_id, status, func.count())
        .join(Task, Task.id == Checkpoint.task_id)
        .where(Task.plan_id == plan_id)
        .group_by(Checkpoint.task_id, status)
    ).all()
    for task_id, st, n in counts:
        row = rows[task_id]
        if figures.task_counts(row.lead_agency_id, supported=row.task_id in supported):
            row.counts[st] = n
    tasks_of_plan = select(Task.id).where(Task.plan_id == plan_id)
    current = session.execute(
        select(Checkpoint.task_id, Checkpoint.id).where(Checkpoint.id.in_(current_checkpoints(tasks_of_plan)))
    ).all()
    for task_id, cp_id in current:
        rows[task_id].current_checkpoint_id = cp_id
    return list(rows.values())
