"""`limit`/`offset` paging of a SELECT into `{"items", "total", "limit", "offset"}`."""
from collections.abc import Callable
from typing import Annotated, Any

from fastapi import Query
from sqlalchemy import func, select
from sqlalchemy.sql import Select
from sqlmodel import Session

from api.schemas import Page, PageParams

PageDep = Annotated[PageParams, Query()]


def paginate(session: Session, stmt: Select, page: PageParams,
             convert: Callable[[Any], Any] = lambda row: row, scalars: bool = True) -> Page:
    """Run `stmt` (already ordered) for one page, and count every match."""
    total = session.execute(select(func.count()).select_from(stmt.order_by(None).subquery())).scalar_one()
    paged = stmt.limit(page.limit).offset(page.offset)
    rows = session.scalars(paged).all() if scalars else session.execute(paged).all()
    return Page(items=[convert(r) for r in rows], total=total, limit=page.limit, offset=page.offset)


def page_of(items: list, page: PageParams) -> Page:
    """Page a list a rule already returned whole."""
    return Page(items=items[page.offset:page.offset + page.limit], total=len(items),
                limit=page.limit, offset=page.offset)
