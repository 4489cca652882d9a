"""A plan under review (draft), the human corrections that outlive a revision, the registry's authority."""

from datetime import date, datetime

from sqlalchemy import JSON, Column, Text, UniqueConstraint
from sqlmodel import Field, SQLModel

from models.types import AwareDateTime, utcnow


class PlanDraft(SQLModel, table=True):
    """An imported text and its parse, waiting for review; nothing reaches an inbox until published."""

    id: int | None = Field(default=None, primary_key=True)
    plan_key: str = Field(max_length=400, index=True)  # number|issuer|issued_on: the plan it becomes
    number: str = Field(max_length=80)
    issuer: str = Field(max_length=255)
    issued_on: date
    title: str = Field(max_length=500)
    filename: str = Field(default="", max_length=255)
    source_sha256: str = Field(max_length=64)
    source_text: str = Field(sa_column=Column(Text, nullable=False))
    parsed: dict = Field(sa_column=Column(JSON, nullable=False))  # the parser's output, uncorrected
    state: str = Field(default="open", max_length=20, index=True)  # open | published | discarded
    version: int = 1
    foreign: bool = False  # the issuer is not the registry's own authority
    foreign_confirmed: bool = False
    plan_id: int | None = Field(default=None, foreign_key="plan.id")  # the plan it revises or became
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    published_at: datetime | None = Field(default=None, sa_type=AwareDateTime)


class TaskOverride(SQLModel, table=True):
    """One human correction of a plan's task, tied to its ref and the text it was made on."""

    __table_args__ = (UniqueConstraint("plan_key", "ref", "kind"),)
    id: int | None = Field(default=None, primary_key=True)
    plan_key: str = Field(max_length=400, index=True)
    ref: str = Field(max_length=160)
    kind: str = Field(max_length=20)  # lead | supporting | schedule | delete | add
    text_sha256: str = Field(max_length=64)  # of the task's text when corrected
    value: dict = Field(default_factory=dict, sa_column=Column(JSON, nullable=False))
    created_by: int | None = Field(default=None, foreign_key="user.id")
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class RegistryAuthority(SQLModel, table=True):
    """The province whose registry is in the database (one row): plans of other issuers are foreign."""

    id: int | None = Field(default=None, primary_key=True)
    province: str = Field(max_length=80)
    authority: str = Field(max_length=255)  # "UBND tỉnh Sơn La"
    set_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
