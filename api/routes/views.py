"""Turn the rules' rows and dataclasses into the API's public models."""

from api.schemas import CheckpointOut, EvidenceOut, ExtensionOut, ReviewOut, SubmissionOut
from models.checkpoint import Checkpoint
from models.extension import ExtensionRequest
from models.submission import Evidence, Review
from workflows.checkpoints.queries import CheckpointRow, SubmissionEntry


def checkpoint_out(cp: Checkpoint, status: str, **extra) -> CheckpointOut:
    return CheckpointOut(**cp.model_dump(exclude={"updated_at"}), status=status, **extra)


def checkpoint_row_out(row: CheckpointRow) -> CheckpointOut:
    return checkpoint_out(
        row.checkpoint,
        row.status,
        task_ref=row.task_ref,
        task_title=row.task_title,
        agency_name=row.agency_name,
        plan_id=row.plan_id,
    )


def evidence_out(ev: Evidence) -> EvidenceOut:
    url = f"/api/v1/evidence/{ev.id}" if ev.kind == "file" else None
    return EvidenceOut(**ev.model_dump(), download_url=url)


def review_out(rv: Review, names: dict[int, str]) -> ReviewOut:
    return ReviewOut(**rv.model_dump(), reviewer_name=names.get(rv.reviewer_id))


def submission_out(entry: SubmissionEntry, names: dict[int, str]) -> SubmissionOut:
    sub = entry.submission
    return SubmissionOut(
        **sub.model_dump(),
        agency_name=entry.agency_name,
        author_name=names.get(sub.author_id),
        evidence=[evidence_out(e) for e in entry.evidence],
        reviews=[review_out(r, names) for r in entry.reviews],
    )


def extension_out(req: ExtensionRequest) -> ExtensionOut:
    return ExtensionOut(**req.model_dump())
