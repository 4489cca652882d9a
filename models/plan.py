"""A plan (kế hoạch), its section tree, tasks, indicators and unresolved passages."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import AwareDateTime, utcnow


class PlanBase(SQLModel):
    number: str = Field(max_length=80)
    issuer: str = Field(max_length=255)
    issued_on: date
    title: str = Field(max_length=500)


class Plan(PlanBase, table=True):
    __table_args__ = (UniqueConstraint("number", "issuer", "issued_on"),)
    id: int | None = Field(default=None, primary_key=True)
    source_sha256: str = Field(max_length=64)
    source_text: str = Field(sa_column=Column(Text, nullable=False))
    ladder: list[dict] | None = Field(default=None, sa_column=Column(JSON))  # None: the default
    imported_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    status: str = Field(default="active", max_length=20)  # active | withdrawn | archived (lifecycle.py)
    status_reason: str = Field(default="", max_length=500)
    status_changed_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class PlanPublic(PlanBase):
    id: int


class Section(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "ref"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    ref: str = Field(max_length=80)
    title: str = Field(sa_column=Column(Text, nullable=False))
    position: int = 0


class TaskBase(SQLModel):
    ref: str = Field(max_length=160)
    title: str = Field(sa_column=Column(Text, nullable=False))
    text: str = Field(sa_column=Column(Text, nullable=False))
    span_start: int
    span_end: int
    schedule_kind: str = Field(max_length=20)
    schedule_phrase: str = Field(default="", max_length=500)
    starts_on: date | None = None  # the work starts then ("từ ngày 01/7/2026"): its first period opens


class Task(TaskBase, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "ref"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    section_id: int = Field(foreign_key="section.id", index=True)
    lead_agency_id: int = Field(foreign_key="agency.id", index=True)
    due_dates: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    withdrawn: bool = False
    position: int = 0


class TaskSupport(SQLModel, table=True):
    task_id: int = Field(foreign_key="task.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True, index=True)


class Indicator(SQLModel, table=True):
    __table_args__ = (UniqueConstraint("plan_id", "ref"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    ref: str = Field(max_length=80)
    text: str = Field(sa_column=Column(Text, nullable=False))
    target: str = Field(default="", max_length=80)
    unit: str = Field(default="", max_length=255)
    due_date: date | None = None
    owner_agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)


class PlanIssue(SQLModel, table=True):
    """A passage the parser could not turn into an obligation (the `unresolved` list)."""

    id: int | None = Field(default=None, primary_key=True)
    plan_id: int = Field(foreign_key="plan.id", index=True)
    text: str = Field(sa_column=Column(Text, nullable=False))
    span_start: int
    span_end: int
    reason: str = Field(max_length=255)
    suggestions: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
