"""Agency lookups the API, pages and commands list from."""

import difflib

from sqlalchemy import Select, func, select
from sqlmodel import Session

from models.agency import Agency
from models.search import alias_text, folded
from workflows.kernel.errors import InvalidInput, NotFound
from workflows.kernel.text import normalize


def agencies_query(active: bool | None = None, kind: str | None = None) -> Select:
    """Agencies by name, optionally only (in)active ones or one kind."""
    stmt = select(Agency).order_by(Agency.name, Agency.id)
    if active is not None:
        stmt = stmt.where(Agency.active == active)
    if kind is not None:
        stmt = stmt.where(Agency.kind == kind)
    return stmt


def active_agencies(session: Session) -> list[Agency]:
    """Agencies in service, by name (the pickers of the lists' filters)."""
    return list(session.execute(agencies_query(active=True)).scalars())


def get_agency(session: Session, agency_id: int) -> Agency:
    """The agency, or NotFound."""
    agency = session.get(Agency, agency_id)
    if agency is None:
        raise NotFound("not_found", what="agency", id=agency_id)
    return agency


def agency_names(session: Session, agency_ids) -> list[str]:
    """The names of the given agencies, sorted."""
    ids = list(agency_ids)
    if not ids:
        return []
    return sorted(session.execute(select(Agency.name).where(Agency.id.in_(ids))).scalars())


def find_agency(session: Session, query: str) -> Agency:
    """The agency named `query` (name, code or alias, any case, with or without diacritics).

    Else the only agency whose name contains it; else a refusal naming the matches or the closest.
    Compared in Python on `normalize`d names: SQLite's lower() folds ASCII letters only.
    """
    q = normalize(query or "")
    if not q:
        raise InvalidInput("agency.name_missing")
    agencies = list(session.scalars(agencies_query()))
    keys = {a.id: {normalize(a.name), normalize(a.code), *map(normalize, a.aliases)} for a in agencies}
    exact = [a for a in agencies if q in keys[a.id]]
    if len(exact) == 1:
        return exact[0]
    like = exact or [a for a in agencies if q in normalize(a.name)]
    if len(like) == 1:
        return like[0]
    if like:
        names = ", ".join(a.name for a in like[:10])
        raise InvalidInput("agency.ambiguous", name=query, n=len(like), matches=names)
    by_key = {normalize(a.name): a.name for a in agencies}
    closest = [by_key[k] for k in difflib.get_close_matches(q, list(by_key), n=3, cutoff=0.5)]
    if closest:
        raise NotFound("agency.unknown_close", name=query, closest=", ".join(closest))
    raise NotFound("agency.unknown", name=query)


REGISTRY_PAGE = 100


def registry_list(
    session: Session, kind: str | None = None, q: str = "", offset: int = 0, limit: int = REGISTRY_PAGE
) -> tuple[list[Agency], int]:
    """Registered agencies by kind and name, one page of them and the total (both in SQL)."""
    stmt = select(Agency).where(Agency.registered)
    if kind:
        stmt = stmt.where(Agency.kind == kind)
    key = normalize(q or "")
    if key:
        # name, code or an alias, ignoring diacritics and case on both databases (like search)
        aliases = func.coalesce(alias_text(Agency, session.get_bind().dialect.name), "")
        stmt = stmt.where(folded(Agency.name + " " + Agency.code + " " + aliases).contains(key))
    total = session.execute(select(func.count()).select_from(stmt.subquery())).scalar_one()
    rows = session.execute(stmt.order_by(Agency.kind, Agency.name, Agency.id).offset(offset).limit(limit))
    return list(rows.scalars()), total


def registry_kinds(session: Session) -> list[str]:
    """The kinds of the registered agencies, for the filter."""
    return list(
        session.execute(
            select(Agency.kind).where(Agency.registered).distinct().order_by(Agency.kind)
        ).scalars()
    )
