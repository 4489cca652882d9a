"""Tasks (nhiệm vụ) across plans: by plan, section or agency."""

from typing import Annotated

from fastapi import APIRouter, Query

from api.deps import CurrentUser, SessionDep
from api.pagination import PagingDep, paginate
from api.routes.plans import task_details
from api.schemas import IdPath, Paged, TaskDetail, id_query
from models.plan import Task
from workflows.kernel.errors import NotFound
from workflows.plans.queries import tasks_query

router = APIRouter(prefix="/tasks", tags=["tasks"])


@router.get("", response_model=Paged[TaskDetail], summary="List tasks, in plan order")
def list_tasks(
    _user: CurrentUser,
    session: SessionDep,
    page: PagingDep,
    plan_id: Annotated[int | None, id_query("only tasks of this plan")] = None,
    section_id: Annotated[int | None, id_query("only tasks filed in this section")] = None,
    agency_id: Annotated[int | None, id_query("tasks this agency leads or supports")] = None,
    include_withdrawn: Annotated[bool, Query(description="include withdrawn tasks")] = False,
) -> Paged[TaskDetail]:
    result = paginate(session, tasks_query(plan_id, section_id, agency_id, include_withdrawn), page)
    result.items = task_details(session, result.items)
    return result


@router.get("/{task_id}", response_model=TaskDetail, summary="One task with its supporting agencies")
def get_task(task_id: IdPath, _user: CurrentUser, session: SessionDep) -> TaskDetail:
    task = session.get(Task, task_id)
    if task is None:
        raise NotFound("not_found", what="task", id=task_id)
    return task_details(session, [task])[0]
