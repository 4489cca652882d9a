"""Chỉ tiêu tracked: who contributes to an indicator, and the values agencies report per period."""

from datetime import date, datetime
from enum import StrEnum

from sqlalchemy import Column, Index, Text
from sqlmodel import Field, SQLModel

from models.types import AwareDateTime, utcnow


class IndicatorContributor(SQLModel, table=True):
    """A supporting agency (phối hợp) that may report toward an indicator besides its owner."""

    indicator_id: int = Field(foreign_key="indicator.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True, index=True)


class ValueStatus(StrEnum):
    pending = "pending"
    accepted = "accepted"
    returned = "returned"


class IndicatorValue(SQLModel, table=True):
    """One reported value of an indicator for a reporting period; reviewed like a report."""

    __table_args__ = (Index("ix_indicator_value_indicator_status", "indicator_id", "status", "period_end"),)
    id: int | None = Field(default=None, primary_key=True)
    indicator_id: int = Field(foreign_key="indicator.id")
    agency_id: int = Field(foreign_key="agency.id", index=True)
    author_id: int = Field(foreign_key="user.id")
    period_label: str = Field(max_length=40)  # "Quý II/2023"
    period_end: date
    value: float  # percent, count, or 1/0 for a yes/no target
    note: str = Field(default="", sa_column=Column(Text, nullable=False))
    evidence_url: str = Field(default="", max_length=2000)
    status: str = Field(default=ValueStatus.pending, max_length=20)
    reported_on: date
    reviewer_id: int | None = Field(default=None, foreign_key="user.id")
    reviewed_on: date | None = None
    return_reason: str = Field(default="", sa_column=Column(Text, nullable=False))
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
