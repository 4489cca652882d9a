"""Plans (kế hoạch), their section tree and tasks; a plan is a public document every user may read."""

import json
from typing import Annotated

from fastapi import APIRouter, Query, Response
from sqlmodel import Session

from api.deps import ActorDep, CurrentUser, SessionDep
from api.pagination import PagingDep, paginate
from api.schemas import IdPath, LadderIn, LadderOut, Paged, RungIO, SectionNode, TaskDetail, id_query
from models.plan import PlanPublic, Task
from workflows.escalation.ladder import ladder_of, set_plan_ladder
from workflows.plans import queries as plan_queries

router = APIRouter(prefix="/plans", tags=["plans"])
JSON = "application/json"


def task_details(session: Session, tasks: list[Task]) -> list[TaskDetail]:
    """Tasks with their supporting agencies (one query for the whole page)."""
    support = plan_queries.supporting_agencies(session, [t.id for t in tasks])
    return [
        TaskDetail(
            **t.model_dump(exclude={"due_dates", "position"}),
            due_dates=t.due_dates,
            supporting_agency_ids=support.get(t.id, []),
        )
        for t in tasks
    ]


@router.get("", response_model=Paged[PlanPublic], summary="List plans, newest first")
def list_plans(_user: CurrentUser, session: SessionDep, page: PagingDep) -> Paged[PlanPublic]:
    stmt = plan_queries.plans_query()  # without the source texts (~50 kB each)
    return paginate(session, stmt, page, lambda p: PlanPublic.model_validate(p, from_attributes=True))


@router.get("/{plan_id}", response_model=PlanPublic, summary="One plan")
def get_plan(plan_id: IdPath, _user: CurrentUser, session: SessionDep) -> PlanPublic:
    return PlanPublic.model_validate(plan_queries.get_plan(session, plan_id), from_attributes=True)


@router.get("/{plan_id}/sections", response_model=list[SectionNode], summary="The plan's section tree")
def section_tree(plan_id: IdPath, _user: CurrentUser, session: SessionDep) -> Response:
    plan_queries.get_plan(session, plan_id)
    # written without recursion: a plan nested hundreds of levels deep still answers
    return Response(dump_tree(section_nodes(plan_queries.plan_sections(session, plan_id))), media_type=JSON)


def section_nodes(sections: list) -> list[dict]:
    """The sections as nested {id, ref, title, children} dicts, under their nearest existing ancestor."""
    nodes = {s.ref: {"id": s.id, "ref": s.ref, "title": s.title, "children": []} for s in sections}
    roots: list[dict] = []
    for s in sections:
        parent = _parent(s.ref, nodes)
        (parent["children"] if parent else roots).append(nodes[s.ref])
    return roots


def dump_tree(roots: list[dict]) -> str:
    """JSON of a section tree of any depth (an explicit stack instead of the encoder's recursion)."""
    out, stack, first = ["["], [iter(roots)], [True]
    while stack:
        node = next(stack[-1], None)
        if node is None:
            stack.pop()
            first.pop()
            out.append("]}" if stack else "]")
            continue
        if not first[-1]:
            out.append(",")
        first[-1] = False
        head = json.dumps({k: node[k] for k in ("id", "ref", "title")}, ensure_ascii=False)
        out.append(head[:-1] + ', "children": [')
        stack.append(iter(node["children"]))
        first.append(True)
    return "".join(out)


def _parent(ref: str, nodes: dict[str, dict]) -> dict | None:
    # the nearest existing ancestor: II.1.2 → II.1, else II (a plan may skip a level)
    parts = ref.split(".")
    for cut in range(len(parts) - 1, 0, -1):
        ancestor = ".".join(parts[:cut])
        if ancestor in nodes:
            return nodes[ancestor]
    return None


@router.get("/{plan_id}/tasks", response_model=Paged[TaskDetail], summary="Tasks of a plan, in plan order")
def plan_tasks(
    plan_id: IdPath,
    _user: CurrentUser,
    session: SessionDep,
    page: PagingDep,
    section_id: Annotated[int | None, id_query("only tasks filed in this section")] = None,
    agency_id: Annotated[int | None, id_query("tasks this agency leads or supports")] = None,
    include_withdrawn: Annotated[bool, Query(description="include withdrawn tasks")] = False,
) -> Paged[TaskDetail]:
    plan_queries.get_plan(session, plan_id)
    stmt = plan_queries.tasks_query(plan_id, section_id, agency_id, include_withdrawn)
    result = paginate(session, stmt, page)
    result.items = task_details(session, result.items)
    return result


def _ladder_out(plan) -> LadderOut:
    rungs = [RungIO(**r.as_dict()) for r in ladder_of(plan)]
    return LadderOut(plan_id=plan.id, default=plan.ladder is None, rungs=rungs)


@router.get("/{plan_id}/ladder", response_model=LadderOut, summary="The plan's escalation ladder")
def get_ladder(plan_id: IdPath, _user: CurrentUser, session: SessionDep) -> LadderOut:
    return _ladder_out(plan_queries.get_plan(session, plan_id))


@router.put(
    "/{plan_id}/ladder",
    response_model=LadderOut,
    summary="Give the plan its own escalation ladder, or null for the default (secretariat, admin)",
)
def put_ladder(plan_id: IdPath, body: LadderIn, actor: ActorDep, session: SessionDep) -> LadderOut:
    raw = None if body.rungs is None else [r.model_dump() for r in body.rungs]
    set_plan_ladder(session, actor, plan_id, raw)
    return _ladder_out(plan_queries.get_plan(session, plan_id))
