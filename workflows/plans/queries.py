"""Plan queries for the pages: the plan list and a plan's tasks with their figures."""

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import defer
from sqlmodel import Session

from models import Agency, Checkpoint, Plan, Section, Task, TaskSupport
from workflows.checkpoints.queries import current_checkpoints
from workflows.checkpoints.status import status_expr
from workflows.kernel.actors import Actor
from workflows.kernel.errors import NotFound


def plans_newest_first(session: Session) -> list[Plan]:
    """Every plan, the most recently issued first (the pages' default is the first)."""
    stmt = select(Plan).options(defer(Plan.source_text)).order_by(Plan.issued_on.desc(), Plan.id.desc())
    return list(session.execute(stmt).scalars().all())  # not hundreds of source texts (~50 kB each)


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


def plan_tasks(session: Session, actor: Actor, today: date, plan_id: int) -> list[PlanTaskRow]:
    """A plan's tasks in plan order with their checkpoints counted by status, for the plan page.

    `current_checkpoint_id` is the earliest checkpoint not yet closed (else the last one) and
    `visible` says whether the actor may open it (its own, a supported task, or sees all).
    """
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
        rows[task_id].counts[st] = n
    tasks_of_plan = select(Task.id).where(Task.plan_id == plan_id)
    current = session.execute(
        select(Checkpoint.task_id, Checkpoint.id).where(Checkpoint.id.in_(current_checkpoints(tasks_of_plan)))
    ).all()
    for task_id, cp_id in current:
        rows[task_id].current_checkpoint_id = cp_id
    return list(rows.values())
