"""A rung of the escalation ladder fired for a checkpoint — once per rung and due date."""

from datetime import date, datetime

from sqlalchemy import UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import AwareDateTime, utcnow


class Escalation(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("checkpoint_id", "rung", "due_date"),)
    id: int | None = Field(default=None, primary_key=True)
    checkpoint_id: int = Field(foreign_key="checkpoint.id", index=True)
    rung: str = Field(max_length=20)
    due_date: date
    fired_on: date = Field(index=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
