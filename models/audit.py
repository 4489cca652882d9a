"""Append-only audit trail: who did what to which record, before and after."""

from datetime import datetime

from sqlalchemy import JSON, Column, Index
from sqlmodel import Field, SQLModel

from models.types import AwareDateTime, utcnow


class AuditEvent(SQLModel, table=True):
    __table_args__ = (Index("ix_audit_entity", "entity_type", "entity_id"),)
    id: int | None = Field(default=None, primary_key=True)
    at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    actor_id: int | None = Field(default=None, foreign_key="user.id")
    actor_label: str = Field(default="system", max_length=120)
    action: str = Field(max_length=60)
    entity_type: str = Field(max_length=40)
    entity_id: int | None = None
    before: dict | None = Field(default=None, sa_column=Column(JSON))
    after: dict | None = Field(default=None, sa_column=Column(JSON))
