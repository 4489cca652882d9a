"""Evidence files: download (only the checkpoint's agencies and those who see all) and withdrawal."""

from fastapi import APIRouter
from fastapi.responses import FileResponse
from sqlmodel import Session

from api.deps import ActorDep, SessionDep, StoreDep, TodayDep
from api.routes.views import evidence_out
from api.schemas import EvidenceOut, IdPath
from models.submission import Evidence, Submission
from workflows.checkpoints import evidence
from workflows.checkpoints import queries as checkpoints
from workflows.kernel.actors import Actor
from workflows.kernel.errors import NotFound

router = APIRouter(prefix="/evidence", tags=["evidence"])


def visible_evidence(session: Session, actor: Actor, evidence_id: int) -> Evidence:
    """The evidence row; 404 — with the words of a missing id — unless its checkpoint is visible."""
    ev = session.get(Evidence, evidence_id)
    sub = session.get(Submission, ev.submission_id) if ev else None
    if sub is None:
        raise NotFound("not_found", what="evidence", id=evidence_id)
    checkpoints.get_checkpoint(session, actor, sub.checkpoint_id, via=("evidence", evidence_id))
    return ev


@router.get(
    "/{evidence_id}",
    summary="Download an evidence file",
    response_class=FileResponse,
    responses={
        200: {"content": {"application/octet-stream": {}}, "description": "the file, as an attachment"},
        404: {"description": "no such evidence, a link, or not visible to you"},
    },
)
def download(evidence_id: IdPath, actor: ActorDep, session: SessionDep, store: StoreDep) -> FileResponse:
    ev = visible_evidence(session, actor, evidence_id)
    if ev.kind != "file" or not ev.sha256:
        raise NotFound("evidence.is_link", id=evidence_id, url=ev.url)
    path = store.path_of(ev.sha256)
    if not path.is_file():
        raise NotFound("evidence.file_missing", id=evidence_id)
    # always an attachment with a sniffed type and nosniff: an upload can never render as a page
    return FileResponse(
        path,
        media_type=ev.content_type or "application/octet-stream",
        filename=evidence.safe_filename(ev.filename, ev.content_type),
        content_disposition_type="attachment",
        headers={"X-Content-Type-Options": "nosniff", "Cache-Control": "private, no-store"},
    )


@router.get("/{evidence_id}/info", response_model=EvidenceOut, summary="An evidence record's details")
def info(evidence_id: IdPath, actor: ActorDep, session: SessionDep) -> EvidenceOut:
    return evidence_out(visible_evidence(session, actor, evidence_id))


@router.post(
    "/{evidence_id}/withdraw",
    response_model=EvidenceOut,
    summary="Withdraw evidence (kept and listed, marked withdrawn)",
)
def withdraw(evidence_id: IdPath, actor: ActorDep, session: SessionDep, today: TodayDep) -> EvidenceOut:
    return evidence_out(evidence.withdraw_evidence(session, actor, evidence_id, today))
