"""Checkpoints (one dated obligation of one agency): lists, one, history; submissions and extensions on it."""

from datetime import date
from typing import Annotated

from fastapi import APIRouter, File, Form, Query, UploadFile
from starlette.concurrency import run_in_threadpool

from api.deps import ActorDep, SessionDep, StoreDep, TodayDep
from api.pagination import PagingDep, page_of
from api.routes.views import checkpoint_out, extension_out, submission_out
from api.schemas import (
    MAX_ID,
    CheckpointHistoryOut,
    CheckpointOut,
    ExtensionIn,
    ExtensionOut,
    IdPath,
    Paged,
    SubmissionOut,
    id_query,
)
from models.checkpoint import Checkpoint
from workflows.checkpoints import extensions, submissions
from workflows.checkpoints import queries as checkpoints
from workflows.checkpoints.items import checkpoint_items
from workflows.checkpoints.status import Status
from workflows.kernel.errors import InvalidInput

router = APIRouter(prefix="/checkpoints", tags=["checkpoints"])


def _one(session, actor, today, checkpoint_id: int) -> CheckpointOut:
    cp = checkpoints.get_checkpoint(session, actor, checkpoint_id)
    (item,) = checkpoint_items(session, today, Checkpoint.id == cp.id, live_only=False)
    return checkpoint_out(item)


@router.get(
    "",
    response_model=Paged[CheckpointOut],
    summary="Checkpoints you may see, by due date",
    description="Agency users see their agency's checkpoints and those of tasks it supports; "
    "`agency_id` narrows to the checkpoints one agency is responsible for.",
)
def list_checkpoints(
    actor: ActorDep,
    session: SessionDep,
    today: TodayDep,
    page: PagingDep,
    agency_id: Annotated[int | None, id_query("the responsible agency")] = None,
    plan_id: Annotated[int | None, id_query("only this plan")] = None,
    status: Annotated[list[Status] | None, Query(description="computed status (repeatable)")] = None,
    due_from: date | None = None,
    due_to: date | None = None,
) -> Paged[CheckpointOut]:
    if due_from and due_to and due_from > due_to:
        raise InvalidInput("list.due_range", due_from=due_from, due_to=due_to)
    listing = checkpoints.list_checkpoints(
        session,
        actor,
        today,
        agency_id=agency_id,
        status=[s.value for s in status] if status else None,
        due_from=due_from,
        due_to=due_to,
        plan_id=plan_id,
        limit=page.limit,
        offset=page.offset,
    )
    return Paged(
        items=[checkpoint_out(i) for i in listing.items],
        total=listing.total,
        limit=page.limit,
        offset=page.offset,
    )


@router.get("/{checkpoint_id}", response_model=CheckpointOut, summary="One checkpoint with its status")
def get_checkpoint(
    checkpoint_id: IdPath, actor: ActorDep, session: SessionDep, today: TodayDep
) -> CheckpointOut:
    return _one(session, actor, today, checkpoint_id)


@router.get(
    "/{checkpoint_id}/history",
    response_model=CheckpointHistoryOut,
    summary="Submissions (with evidence and reviews) and extension requests, oldest first",
)
def get_history(
    checkpoint_id: IdPath, actor: ActorDep, session: SessionDep, today: TodayDep
) -> CheckpointHistoryOut:
    history = checkpoints.checkpoint_history(session, actor, checkpoint_id)
    return CheckpointHistoryOut(
        checkpoint=_one(session, actor, today, checkpoint_id),
        submissions=[submission_out(e, history.names) for e in history.submissions],
        extensions=[extension_out(x) for x in history.extensions],
    )


@router.get(
    "/{checkpoint_id}/submissions",
    response_model=Paged[SubmissionOut],
    summary="Reports and contributions on a checkpoint, oldest first",
)
def list_submissions(
    checkpoint_id: IdPath, actor: ActorDep, session: SessionDep, page: PagingDep
) -> Paged[SubmissionOut]:
    history = checkpoints.checkpoint_history(session, actor, checkpoint_id)
    return page_of([submission_out(e, history.names) for e in history.submissions], page)


async def _files(uploads: list[UploadFile]) -> list[tuple[str, bytes]]:
    # the body-size middleware already bounded the total; the evidence rules judge each file
    return [(u.filename or "", await u.read()) for u in uploads]


UPLOAD_DOC = (
    "multipart/form-data: `note`, any number of `files` and `links`, and `expected_version` "
    "(the checkpoint version you saw). Files are judged by content: "
    "PDF, DOCX, XLSX, ODT, JPEG, PNG."
)


@router.post(
    "/{checkpoint_id}/submissions",
    response_model=SubmissionOut,
    status_code=201,
    summary="Submit a report (lead agency's focal point)",
    description=UPLOAD_DOC,
    responses={413: {"description": "request body over the upload limit"}},
)
async def submit_report(
    checkpoint_id: IdPath,
    actor: ActorDep,
    session: SessionDep,
    today: TodayDep,
    store: StoreDep,
    note: Annotated[str, Form(max_length=20_000)] = "",
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006 (FastAPI copies it)
    links: Annotated[list[str], Form(max_length=2000)] = [],  # noqa: B006
    expected_version: Annotated[int | None, Form(ge=1, le=MAX_ID)] = None,
) -> SubmissionOut:
    data = await _files(files)
    sub = await run_in_threadpool(
        submissions.submit_report,
        session,
        actor,
        checkpoint_id,
        note,
        data,
        [x for x in links if x.strip()],
        today,
        store,
        expected_version,
    )
    return await run_in_threadpool(_submission, session, actor, sub.checkpoint_id, sub.id)


@router.post(
    "/{checkpoint_id}/contributions",
    response_model=SubmissionOut,
    status_code=201,
    summary="Add a contribution (supporting agency's focal point)",
    description=UPLOAD_DOC,
    responses={413: {"description": "request body over the upload limit"}},
)
async def add_contribution(
    checkpoint_id: IdPath,
    actor: ActorDep,
    session: SessionDep,
    today: TodayDep,
    store: StoreDep,
    note: Annotated[str, Form(max_length=20_000)] = "",
    files: Annotated[list[UploadFile], File()] = [],  # noqa: B006
    links: Annotated[list[str], Form(max_length=2000)] = [],  # noqa: B006
) -> SubmissionOut:
    data = await _files(files)
    sub = await run_in_threadpool(
        submissions.add_contribution,
        session,
        actor,
        checkpoint_id,
        note,
        data,
        [x for x in links if x.strip()],
        today,
        store,
    )
    return await run_in_threadpool(_submission, session, actor, sub.checkpoint_id, sub.id)


def _submission(session, actor, checkpoint_id: int, submission_id: int) -> SubmissionOut:
    history = checkpoints.checkpoint_history(session, actor, checkpoint_id)
    entry = next(e for e in history.submissions if e.submission.id == submission_id)
    return submission_out(entry, history.names)


@router.get(
    "/{checkpoint_id}/extensions",
    response_model=Paged[ExtensionOut],
    summary="Extension requests of a checkpoint, oldest first",
)
def list_checkpoint_extensions(
    checkpoint_id: IdPath, actor: ActorDep, session: SessionDep, page: PagingDep
) -> Paged[ExtensionOut]:
    history = checkpoints.checkpoint_history(session, actor, checkpoint_id)
    return page_of([extension_out(x) for x in history.extensions], page)


@router.post(
    "/{checkpoint_id}/extensions",
    response_model=ExtensionOut,
    status_code=201,
    summary="Ask for a later due date (lead agency's focal point)",
)
def request_extension(
    checkpoint_id: IdPath, body: ExtensionIn, actor: ActorDep, session: SessionDep, today: TodayDep
) -> ExtensionOut:
    return extension_out(
        extensions.request_extension(session, actor, checkpoint_id, body.requested_due, body.reason, today)
    )
