"""Extension requests (gia hạn)."""

from datetime import date, datetime

from sqlalchemy import Column, Text
from sqlmodel import Field, SQLModel

from models.types import AwareDateTime, utcnow


class ExtensionRequest(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    checkpoint_id: int = Field(foreign_key="checkpoint.id", index=True)
    requested_by: int = Field(foreign_key="user.id")
    previous_due: date
    requested_due: date
    reason: str = Field(sa_column=Column(Text, nullable=False))
    status: str = Field(default="pending", max_length=20, index=True)  # pending|approved|refused
    decided_by: int | None = Field(default=None, foreign_key="user.id")
    decision_note: str = Field(default="", sa_column=Column(Text, nullable=False))
    requested_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    decided_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
