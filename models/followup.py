"""Following up late work: requests for explanation (yêu cầu giải trình) and written reminders (đôn đốc)."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import AwareDateTime, utcnow


class ExplanationStatus(StrEnum):
    open = "open"  # awaiting the agency's answer
    answered = "answered"  # awaiting the asker's decision
    accepted = "accepted"  # closed


class ExplanationRequest(SQLModel, table=True):
    """A leader or the secretariat asks an agency to explain chosen overdue items by a date."""

    __table_args__ = (Index("ix_explanation_status_due", "status", "answer_due"),)
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", index=True)
    asked_by: int = Field(foreign_key="user.id")
    asked_on: date
    answer_due: date
    message: str = Field(default="", sa_column=Column(Text, nullable=False))
    status: str = Field(default=ExplanationStatus.open, max_length=20)
    round: int = 1  # a re-ask opens the next round
    escalated_round: int | None = None  # the round whose missed deadline was escalated
    closed_on: date | None = None
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class ExplanationItem(SQLModel, table=True):
    request_id: int = Field(foreign_key="explanationrequest.id", primary_key=True)
    checkpoint_id: int = Field(foreign_key="checkpoint.id", primary_key=True, index=True)


class ExplanationAnswer(SQLModel, table=True):
    """The agency's answer of one round: the reason, a new commitment date, evidence."""

    id: int | None = Field(default=None, primary_key=True)
    request_id: int = Field(foreign_key="explanationrequest.id", index=True)
    round: int
    reason: str = Field(sa_column=Column(Text, nullable=False))
    new_date: date | None = None
    evidence_url: str = Field(default="", max_length=2000)
    answered_by: int = Field(foreign_key="user.id")
    answered_on: date
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class Reminder(SQLModel, table=True):
    """A written reminder (đôn đốc) to an agency about chosen items; one per agency a day."""

    __table_args__ = (UniqueConstraint("agency_id", "sent_on"),)
    id: int | None = Field(default=None, primary_key=True)
    agency_id: int = Field(foreign_key="agency.id")
    sent_by: int = Field(foreign_key="user.id")
    sent_on: date
    message: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class ReminderItem(SQLModel, table=True):
    reminder_id: int = Field(foreign_key="reminder.id", primary_key=True)
    checkpoint_id: int = Field(foreign_key="checkpoint.id", primary_key=True, index=True)
