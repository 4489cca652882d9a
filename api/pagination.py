"""`limit`/`offset` paging of a SELECT into `{"items", "total", "limit", "offset"}`."""

from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Depends, Query
from sqlalchemy import func, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from api.schemas import MAX_ID, MAX_LIMIT, Paged, Paging

Limit = Annotated[int, Query(ge=1, le=MAX_LIMIT, description=f"page size (1–{MAX_LIMIT})")]
Offset = Annotated[int, Query(ge=0, le=MAX_ID, description="records to skip")]


def paging_params(limit: Limit = 50, offset: Offset = 0) -> Paging:
    """`limit` and `offset` as two plain query parameters (flattened on every FastAPI version)."""
    return Paging(limit=limit, offset=offset)


PagingDep = Annotated[Paging, Depends(paging_params)]


def paginate(
    session: Session,
    stmt: Select,
    page: Paging,
    convert: Callable[[Any], Any] = lambda row: row,
    scalars: bool = True,
) -> Paged:
    """Run `stmt` (already ordered) for one page, and count every match."""
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    paged = stmt.limit(page.limit).offset(page.offset)
    rows = session.scalars(paged).all() if scalars else session.execute(paged).all()
    return Paged(items=[convert(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


def page_of(items: list, page: Paging) -> Paged:
    """Paged a list a rule already returned whole."""
    return Paged(
        items=items[page.offset : page.offset + page.limit],
        total=len(items),
        limit=page.limit,
        offset=page.offset,
    )
