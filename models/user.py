"""People who sign in, and integration tokens."""

from datetime import datetime
from enum import StrEnum

from sqlmodel import Field, SQLModel

from models.types import AwareDateTime, utcnow


class Role(StrEnum):
    focal = "focal"  # cán bộ đầu mối of one agency
    head = "head"  # thủ trưởng of one agency
    secretariat = "secretariat"  # Phòng Tham mưu, thường trực Ban Chỉ đạo
    leader = "leader"  # lãnh đạo tỉnh: read-only
    admin = "admin"


AGENCY_ROLES = frozenset({Role.focal, Role.head})


class UserBase(SQLModel):
    username: str = Field(max_length=80, unique=True, index=True)
    full_name: str = Field(default="", max_length=255)
    email: str | None = Field(default=None, max_length=255)
    role: str = Field(max_length=20)
    agency_id: int | None = Field(default=None, foreign_key="agency.id", index=True)


class User(UserBase, table=True):
    id: int | None = Field(default=None, primary_key=True)
    password_hash: str = Field(max_length=255)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


class UserCreate(UserBase):
    password: str = Field(min_length=8, max_length=200)


class UserPublic(UserBase):
    id: int
    active: bool


class ApiToken(SQLModel, table=True):
    """A bearer token for integrations; only its hash is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    token_sha256: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    expires_at: datetime = Field(sa_type=AwareDateTime)
