"""Public API models that are not tables' own `*Public` models."""
from datetime import datetime
from typing import Annotated, Generic, TypeVar

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
