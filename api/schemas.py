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


class Page(BaseModel, Generic[T]):
    """One page of a list."""

    items: list[T]
    total: int = Field(description="number of matching records over all pages")
    limit: int
    offset: int


class PageParams(BaseModel):
    limit: int = Field(50, ge=1, le=MAX_LIMIT, description=f"page size (1–{MAX_LIMIT})")
    offset: int = Field(0, ge=0, le=MAX_ID, description="records to skip")


class TokenOut(BaseModel):
    access_token: str
    token_type: str = "bearer"
    expires_at: datetime


class LoginIn(BaseModel):
    username: str = Field(min_length=1, max_length=80)
    password: str = Field(min_length=1, max_length=200)


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
    """Completion figures of one agency, section or plan (definitions: workflows/rollups.py)."""

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
