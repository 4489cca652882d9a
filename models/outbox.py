"""Notification outbox: every mail is a row written with the change that caused it."""

from datetime import datetime

from sqlalchemy import JSON, Column, Index, Text, text
from sqlmodel import Field, SQLModel

from models.types import AwareDateTime, utcnow


class OutboxMessage(SQLModel, table=True):
    __table_args__ = (
        Index("ix_outbox_status_next", "status", "next_attempt_at"),
        # the deliverer's claim walks this in order and stops at its batch: no sort of every waiting row
        Index(
            "ix_outbox_claimable",
            "next_attempt_at",
            "id",
            postgresql_where=text("status IN ('pending', 'failed', 'sending')"),
            sqlite_where=text("status IN ('pending', 'failed', 'sending')"),
        ),
    )
    id: int | None = Field(default=None, primary_key=True)
    dedupe_key: str = Field(max_length=255, unique=True)
    template: str = Field(max_length=80)  # notifications template name
    context: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    audience: str | None = Field(default=None, max_length=20)  # focal|head|secretariat|leader
    agency_id: int | None = Field(default=None, foreign_key="agency.id")
    recipients: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    subject: str | None = Field(default=None, max_length=500)
    body_text: str | None = Field(default=None, sa_column=Column(Text))
    body_html: str | None = Field(default=None, sa_column=Column(Text))
    status: str = Field(default="pending", max_length=20)  # pending|sending|sent|failed|dead
    attempts: int = 0
    next_attempt_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=AwareDateTime)
    last_error: str | None = Field(default=None, sa_column=Column(Text))
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    sent_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
