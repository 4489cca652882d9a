"""Public API models that are not tables' own `*Public` models."""

from datetime import date, datetime
from typing import Annotated, Any, Generic, TypeVar

from fastapi import Path, Query
from pydantic import BaseModel, Field

from models.user import UserPublic

T = TypeVar("T")

MAX_ID = 2**31 - 1  # ids are 32-bit INTEGER on PostgreSQL; a bigger number is simply not found
MAX_LIMIT = 200

IdPath = Annotated[int, Path(ge=1, le=MAX_ID, description="record id")]


def id_query(description: str):
    """An id filter in the query string, bounded like ids are (give the default with `= None`)."""
    return Query(ge=1, le=MAX_ID, description=description)


class Paged(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int = Field(description="number of matching records over all pages")
    limit: int
    offset: int
    total_capped: bool = Field(
        False,
        description="true when counting stopped at `total`: more records match (a search counts to 1,000)",
    )


class Paging(BaseModel):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"page size (1–{MAX_LIMIT})")
    offset: int = Field(0, ge=0, le=MAX_ID, description="records to skip")


class ErrorOut(BaseModel):
    """Every refusal of the API: the English text and its catalogue code."""

    detail: str
    code: str


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)
    otp: str | None = Field(
        default=None,
        max_length=40,
        description="for accounts with two-step sign-in: the authenticator's 6-digit code or a recovery code",
    )


class SessionOut(BaseModel):
    csrf_token: str
    user: UserPublic


class SectionNode(BaseModel):
    """A section of a plan with its subsections (refs are dotted: II, II.1, II.1.2)."""

    id: int
    ref: str
    title: str
    children: list["SectionNode"] = Field(default_factory=list)


class TaskDetail(BaseModel):
    id: int
    plan_id: int
    section_id: int
    ref: str
    title: str
    text: str
    span_start: int
    span_end: int
    schedule_kind: str
    schedule_phrase: str
    starts_on: date | None = None  # the work starts then; its first period opens on it
    lead_agency_id: int
    supporting_agency_ids: list[int]
    due_dates: list[date]
    withdrawn: bool


class EscalationOut(BaseModel):
    id: int
    checkpoint_id: int
    agency_id: int
    rung: str
    due_date: date
    fired_on: date


class AuditEventOut(BaseModel):
    id: int
    at: datetime
    actor_id: int | None
    actor_label: str
    action: str
    entity_type: str
    entity_id: int | None
    before: dict[str, Any] | None
    after: dict[str, Any] | None


class OldestOverdueOut(BaseModel):
    checkpoint_id: int
    due_date: date
    days_late: int


class RollupOut(BaseModel):
    """Completion figures of one agency, section or plan (definitions: workflows/reporting/rollups.py)."""

    key: int | str
    label: str
    counts: dict[str, int] = Field(description="checkpoints per status")
    total: int
    due: int
    done: int
    done_on_time: int
    completion_pct: float | None
    on_time_pct: float | None
    oldest_overdue: OldestOverdueOut | None


class CheckpointOut(BaseModel):
    """A checkpoint with its status on the app's `today` and what it belongs to."""

    id: int
    task_id: int
    agency_id: int
    period_label: str
    opens_on: date
    due_date: date
    original_due_date: date
    state: str
    status: str = Field(description="computed status on today (workflows/checkpoints/status.py)")
    submitted_on: date | None
    accepted_on: date | None
    version: int = Field(description="send back as expected_version when changing it")
    task_ref: str | None = None
    task_title: str | None = None
    agency_name: str | None = None
    plan_id: int | None = None
    plan_number: str | None = None
    section_ref: str | None = None


class EvidenceOut(BaseModel):
    id: int
    submission_id: int
    kind: str = Field(description="file | link")
    filename: str
    content_type: str | None
    size: int | None
    sha256: str | None
    url: str | None
    created_at: datetime
    withdrawn_at: datetime | None
    download_url: str | None = Field(description="where a file is downloaded (files only)")


class ReviewOut(BaseModel):
    id: int
    submission_id: int
    reviewer_id: int
    reviewer_name: str | None = None
    decision: str
    reason: str
    reviewed_on: date
    reviewed_at: datetime


class SubmissionOut(BaseModel):
    id: int
    checkpoint_id: int
    agency_id: int
    agency_name: str | None = None
    author_id: int
    author_name: str | None = None
    kind: str = Field(description="report | contribution")
    status: str
    note: str
    round: int
    submitted_on: date
    submitted_at: datetime
    evidence: list[EvidenceOut] = Field(default_factory=list)
    reviews: list[ReviewOut] = Field(default_factory=list)


class ExtensionOut(BaseModel):
    id: int
    checkpoint_id: int
    requested_by: int
    previous_due: date
    requested_due: date
    reason: str
    status: str = Field(description="pending | approved | refused")
    decided_by: int | None
    decision_note: str
    requested_at: datetime
    decided_at: datetime | None


class CheckpointHistoryOut(BaseModel):
    checkpoint: CheckpointOut
    submissions: list[SubmissionOut]
    extensions: list[ExtensionOut]


class AcceptIn(BaseModel):
    expected_version: int | None = Field(
        None, ge=1, le=MAX_ID, description="the checkpoint version the reviewer saw"
    )


class ReturnIn(AcceptIn):
    reason: str = Field(min_length=1, max_length=5000, description="why it goes back (sent to the agency)")


class ExtensionIn(BaseModel):
    requested_due: date
    reason: str = Field(min_length=1, max_length=5000)


class ExtensionDecisionIn(BaseModel):
    approve: bool
    note: str = Field("", max_length=5000)


class RungIO(BaseModel):
    """One rung of an escalation ladder: fires `offset_days` after the current due date (negative: before)."""

    rung: str = Field(description="reminder | overdue | secretariat | leader")
    offset_days: int
    audience: str = Field(description="focal, head, secretariat, leader joined by ','")


class LadderOut(BaseModel):
    plan_id: int
    default: bool = Field(description="true when the plan uses the default ladder")
    rungs: list[RungIO]


class LadderIn(BaseModel):
    rungs: list[RungIO] | None = Field(description="the plan's own ladder; null: back to the default")
