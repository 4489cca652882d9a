"""Turn the rules' rows and dataclasses into the API's public models."""

from api.schemas import CheckpointOut, EvidenceOut, ExtensionOut, ReviewOut, SubmissionOut
from models.extension import ExtensionRequest
from models.submission import Evidence, Review
from workflows.checkpoints.items import CheckpointItem
from workflows.checkpoints.queries import SubmissionEntry


def checkpoint_out(item: CheckpointItem) -> CheckpointOut:
    """The public shape of a listed checkpoint."""
    return CheckpointOut(id=item.checkpoint_id, **{k: getattr(item, k) for k in _CHECKPOINT_FIELDS})


_CHECKPOINT_FIELDS = [f for f in CheckpointOut.model_fields if f != "id"]


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
