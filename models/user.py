"""People who sign in, and integration tokens."""

from datetime import datetime
from enum import StrEnum

from sqlalchemy import event
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
    # the username casefolded: `YTE` and `yte` are one account name (kept by the hook below)
    username_key: str = Field(default="", max_length=80, unique=True)
    password_hash: str = Field(max_length=255)
    active: bool = True
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)


def username_key(username: str) -> str:
    """The comparison form of an account name (case does not make a different account)."""
    return (username or "").strip().casefold()


@event.listens_for(User, "before_insert")
@event.listens_for(User, "before_update")
def _keep_username_key(_mapper, _connection, user: User) -> None:
    user.username_key = username_key(user.username)


class UserCreate(UserBase):
    password: str = Field(min_length=8, max_length=200)


class UserPublic(UserBase):
    id: int
    active: bool


class SessionKind(StrEnum):
    cookie = "cookie"  # a browser session (page or API cookie)
    token = "token"  # a bearer token for integrations


class AuthSession(SQLModel, table=True):
    """A sign-in that can end: a cookie session or a bearer token; only the secret's sha256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    kind: str = Field(max_length=10)
    token_sha256: str = Field(max_length=64, unique=True)
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    last_used_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    expires_at: datetime = Field(sa_type=AwareDateTime)
    user_agent: str = Field(default="", max_length=255)
    client: str = Field(default="", max_length=64)
    revoked_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    revoked_reason: str = Field(default="", max_length=40)


class AuthSessionPublic(SQLModel):
    """A sign-in as its owner sees it (never the secret)."""

    id: int
    kind: str
    created_at: datetime
    last_used_at: datetime
    expires_at: datetime
    user_agent: str
    client: str
    current: bool = False


class LoginThrottle(SQLModel, table=True):
    """Consecutive failed sign-ins of one account name or one client address, and its lock."""

    id: int | None = Field(default=None, primary_key=True)
    key: str = Field(max_length=120, unique=True)
    failures: int = 0
    last_failure_at: datetime = Field(sa_type=AwareDateTime)
    locked_until: datetime | None = Field(default=None, sa_type=AwareDateTime)


class SecondFactor(SQLModel, table=True):
    """A user's TOTP key: pending until a first code confirms it, then asked at every sign-in."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", unique=True)
    secret: str = Field(max_length=64)  # base32; the code generator needs the key itself
    created_at: datetime = Field(default_factory=utcnow, sa_type=AwareDateTime)
    confirmed_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
    # the last 30-second step a code was accepted for: the same code cannot sign in twice
    last_step: int = 0


class RecoveryCode(SQLModel, table=True):
    """A one-time code for signing in without the authenticator; only its sha256 is stored."""

    id: int | None = Field(default=None, primary_key=True)
    user_id: int = Field(foreign_key="user.id", index=True)
    code_sha256: str = Field(max_length=64, unique=True)
    used_at: datetime | None = Field(default=None, sa_type=AwareDateTime)
