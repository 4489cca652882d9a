"""Checkpoint: one dated obligation of one agency — what is actually tracked."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Index, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import AwareDateTime, utcnow


class CheckpointState(StrEnum):
    """Stored workflow state; the reported status is computed from it and `today`."""

    open = "open"
    submitted = "submitted"
    returned = "returned"
    accepted = "accepted"
    waived = "waived"


class CheckpointBase(SQLModel):
    period_label: str = Field(default="", max_length=80)
    opens_on: date
    due_date: date
    original_due_date: date


class Checkpoint(CheckpointBase, table=True):
    __table_args__ = (
        UniqueConstraint("task_id", "agency_id", "original_due_date"),
        Index("ix_checkpoint_due_state", "due_date", "state"),
        Index("ix_checkpoint_agency_due", "agency_id", "due_date"),
        # a task's checkpoints in date order (search narrows tasks first), and every checkpoint in the
        # search lists' own order (due date, then id) so a broad search reads its page off the index
        Index("ix_checkpoint_task_due", "task_id", "due_date"),
        Index("ix_checkpoint_due_id", "due_date", "id"),
    )
    id: int | None = Field(default=None, primary_key=True)
    task_id: int = Field(foreign_key="task.id")
    agency_id: int = Field(foreign_key="agency.id")
    state: str = Field(default=CheckpointState.open, max_length=20)
    submitted_on: date | None = None  # date of the submission under review or accepted
    accepted_on: date | None = None
    version: int = 1
    updated_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
