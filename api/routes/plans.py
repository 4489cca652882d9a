"""Plans (kế hoạch), their section tree and tasks; a plan is a public document every user may read."""

from typing import Annotated

from fastapi import APIRouter, Query
from sqlmodel import Session, or_, select

from api.deps import CurrentUser, SessionDep
from api.pagination import PageDep, paginate
from api.schemas import IdPath, Page, SectionNode, TaskDetail, id_query
from models.plan import Plan, PlanPublic, Section, Task, TaskSupport
from workflows.kernel.errors import NotFound

router = APIRouter(prefix="/plans", tags=["plans"])


def get_plan_or_404(session: Session, plan_id: int) -> Plan:
    plan = session.get(Plan, plan_id)
    if plan is None:
        raise NotFound("not_found", what="plan", id=plan_id)
    return plan


def task_details(session: Session, tasks: list[Task]) -> list[TaskDetail]:
    """Tasks with their supporting agencies (one query for the whole page)."""
    support: dict[int, list[int]] = {t.id: [] for t in tasks}
    if tasks:
        for task_id, agency_id in session.exec(
            select(TaskSupport.task_id, TaskSupport.agency_id)
            .where(TaskSupport.task_id.in_(support))
            .order_by(TaskSupport.agency_id)
        ):
            support[task_id].append(agency_id)
    return [
        TaskDetail(
            **t.model_dump(exclude={"due_dates", "position"}),
            due_dates=t.due_dates,
            supporting_agency_ids=support[t.id],
        )
        for t in tasks
    ]


def task_query(
    plan_id: int | None = None,
    section_id: int | None = None,
    agency_id: int | None = None,
    include_withdrawn: bool = False,
):
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


@router.get("", response_model=Page[PlanPublic], summary="List plans, newest first")
def list_plans(_user: CurrentUser, session: SessionDep, page: PageDep) -> Page[PlanPublic]:
    stmt = select(Plan).order_by(Plan.issued_on.desc(), Plan.id.desc())
    return paginate(session, stmt, page, lambda p: PlanPublic.model_validate(p, from_attributes=True))


@router.get("/{plan_id}", response_model=PlanPublic, summary="One plan")
def get_plan(plan_id: IdPath, _user: CurrentUser, session: SessionDep) -> PlanPublic:
    return PlanPublic.model_validate(get_plan_or_404(session, plan_id), from_attributes=True)


@router.get("/{plan_id}/sections", response_model=list[SectionNode], summary="The plan's section tree")
def section_tree(plan_id: IdPath, _user: CurrentUser, session: SessionDep) -> list[SectionNode]:
    get_plan_or_404(session, plan_id)
    sections = session.exec(
        select(Section).where(Section.plan_id == plan_id).order_by(Section.position, Section.id)
    ).all()
    nodes = {s.ref: SectionNode(id=s.id, ref=s.ref, title=s.title) for s in sections}
    roots: list[SectionNode] = []
    for s in sections:
        parent = _parent(s.ref, nodes)
        (parent.children if parent else roots).append(nodes[s.ref])
    return roots


def _parent(ref: str, nodes: dict[str, SectionNode]) -> SectionNode | None:
    # the nearest existing ancestor: II.1.2 → II.1, else II (a plan may skip a level)
    parts = ref.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        ancestor = ".".join(parts[:cut])
        if ancestor in nodes:
            return nodes[ancestor]
    return None


@router.get("/{plan_id}/tasks", response_model=Page[TaskDetail], summary="Tasks of a plan, in plan order")
def plan_tasks(
    plan_id: IdPath,
    _user: CurrentUser,
    session: SessionDep,
    page: PageDep,
    section_id: Annotated[int | None, id_query("only tasks filed in this section")] = None,
    agency_id: Annotated[int | None, id_query("tasks this agency leads or supports")] = None,
    include_withdrawn: Annotated[bool, Query(description="include withdrawn tasks")] = False,
) -> Page[TaskDetail]:
    get_plan_or_404(session, plan_id)
    result = paginate(session, task_query(plan_id, section_id, agency_id, include_withdrawn), page)
    result.items = task_details(session, result.items)
    return result
