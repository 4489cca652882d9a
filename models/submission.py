"""Submissions (báo cáo), their evidence and the secretariat's reviews."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from models.types import AwareDateTime, utcnow


class SubmissionKind(StrEnum):
    report = "report"  # the lead agency's submission for review
    contribution = "contribution"  # a supporting agency's input shown on the lead's checkpoint


class SubmissionStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    returned = "returned"
    withdrawn = "withdrawn"
    noted = "noted"  # contributions are not reviewed


class Submission(SQLModel, table=True):
    # the review queue (pending reports, oldest first) reads its page off this index instead of
    # scanning every submission ever made (bench/RESULTS.md); not partial: bound parameters
    # (status = $1) cannot use a partial index
    __table_args__ = (Index("ix_submission_status_submitted", "status", "submitted_at", "id"),)
    id: int | None = Field(default=None, primary_key=True)
    checkpoint_id: int = Field(foreign_key="checkpoint.id", index=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    author_id: int = Field(foreign_key="user.id")
    kind: str = Field(default=SubmissionKind.report, max_length=20)
    status: str = Field(default=SubmissionStatus.pending, max_length=20)
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    round: int = 1
    submitted_on: date
    submitted_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class Evidence(SQLModel, table=True):
    """A file (content-addressed under the data directory) or a link; never deleted."""

    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    kind: str = Field(max_length=10)  # file | link
    sha256: str | None = Field(default=None, max_length=64, index=True)
    size: int | None = None
    content_type: str | None = Field(default=None, max_length=120)
    filename: str = Field(default="", max_length=255)
    url: str | None = Field(default=None, max_length=2000)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    withdrawn_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class Review(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    submission_id: int = Field(foreign_key="submission.id", index=True)
    reviewer_id: int = Field(foreign_key="user.id")
    decision: str = Field(max_length=10)  # accept | return
    reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    reviewed_on: date
    reviewed_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
