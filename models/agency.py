"""Agencies (cơ quan, đơn vị) and the groups plans name."""

from sqlalchemy import JSON, Column
from sqlmodel import Field, SQLModel


class AgencyBase(SQLModel):
    code: str = Field(max_length=80, unique=True, index=True)
    name: str = Field(max_length=255, unique=True)
    kind: str = Field(default="department", max_length=40)
    head_email: str | None = Field(default=None, max_length=255)
    focal_email: str | None = Field(default=None, max_length=255)


class Agency(AgencyBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))
    parent_id: int | None = Field(default=None, foreign_key="agency.id")
    active: bool = True
    successor_id: int | None = Field(default=None, foreign_key="agency.id", index=True)  # merged into
    province: str | None = Field(default=None, max_length=80, index=True)
    registered: bool = True  # False: kept under the name a plan wrote, not in the registry


class AgencyPublic(AgencyBase):
    id: int
    active: bool
    successor_id: int | None


class AgencyGroup(SQLModel, table=True):
    id: int | None = Field(default=None, primary_key=True)
    name: str = Field(max_length=255, unique=True)
    code: str | None = Field(default=None, max_length=80)
    concrete: bool = True  # False: a vague collective ("các cơ quan liên quan") never expanded
    aliases: list[str] = Field(default_factory=list, sa_column=Column(JSON, nullable=False))


class AgencyGroupMember(SQLModel, table=True):
    group_id: int = Field(foreign_key="agencygroup.id", primary_key=True)
    agency_id: int = Field(foreign_key="agency.id", primary_key=True)
