"""Finding checkpoints: words (diacritics and case ignored), plan, area, agency, status, quarter, overdue.

The words are matched by the database's own text search over the task index (models/search.py):
FTS5 `MATCH` on SQLite, `to_tsvector … @@ to_tsquery` over `unaccent` on PostgreSQL. Every word
must be there, each as the start of a word ("y te" finds "Sở Y tế", "methad" finds "Methadone").
A quarter holds the checkpoints whose ORIGINAL due date falls in it (as in the quarterly export).
No plan chosen means every active plan. The filters are SQL conditions any list can add.

Fast at any size by design (bench/bench_search.py): a narrow search goes text index → task ids →
their checkpoints (`ix_checkpoint_task_due`); results are in due-date order then id
(`SEARCH_ORDER`, the index `ix_checkpoint_due_id`), so a broad search reads its first page off that
index, checking each checkpoint's task against the index (a stored vector on PostgreSQL, a list
built once on SQLite), instead of sorting every match; the page's ids are found before its rows are
read in full; and the count stops at `COUNT_CAP` ("hơn 1.000"), so no search counts every match.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, column, func, literal_column, or_, select, table
from sqlmodel import Session

from models import Checkpoint, Plan, Section, Task, TaskSupport
from models.search import FTS_TABLE, PG_VECTOR, TaskSearch
from workflows.checkpoints.items import checkpoint_page, count_items_up_to
from workflows.checkpoints.queries import Listing, _page, _statuses, visible_to
from workflows.checkpoints.status import overdue_columns, status_expr
from workflows.kernel.actors import Actor, require_agency_visible
from workflows.kernel.errors import InvalidInput
from workflows.kernel.quarters import parse_quarter, quarter_bounds
from workflows.kernel.text import normalize
from workflows.plans.queries import in_active_plan

MAX_WORDS = 12
MAX_TEXT = 200
COUNT_CAP = 1000  # a search counts its matches up to here (or to the page shown), then says "more"
SEARCH_ORDER = (Checkpoint.due_date, Checkpoint.id)


@dataclass(frozen=True)
class Search:
    """What a list is narrowed to; an empty field narrows nothing."""

    text: str = ""
    plan_ids: tuple[int, ...] = ()  # () = every active plan
    area: str = ""  # a section ref ("II.1"): that section and its subsections
    agency_id: int | None = None  # the agency responsible for the checkpoint
    statuses: tuple[str, ...] = ()
    quarter: tuple[int, int] | None = None  # (year, quarter) of the original due date
    overdue: bool = False

    @property
    def words(self) -> list[str]:
        """The search words, folded (no diacritics, lower case, no punctuation)."""
        return search_words(self.text)


def search_words(text: str) -> list[str]:
    """Words of a search box, folded; refuses a text longer than MAX_TEXT or with too many words."""
    if len(text or "") > MAX_TEXT:
        raise InvalidInput("search.too_long", max=MAX_TEXT)
    words = normalize(text or "").split()
    if len(words) > MAX_WORDS:
        raise InvalidInput("search.too_many_words", max=MAX_WORDS)
    return words


def matching_tasks(session: Session, words: list[str]) -> Select:
    """Ids of the tasks whose index holds every word (each as a word prefix), in the database's search."""
    if session.get_bind().dialect.name == "postgresql":
        vector = literal_column(f"{TaskSearch.__tablename__}.{PG_VECTOR}")  # stored (models/search.py)
        query = func.to_tsquery(literal_column("'simple'::regconfig"), " & ".join(f"{w}:*" for w in words))
        return select(TaskSearch.task_id).where(vector.op("@@")(query))
    fts = table(FTS_TABLE, column("rowid"))
    query = " AND ".join(f'"{w}"*' for w in words)  # words are [a-z0-9]+: nothing to escape
    return select(fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(query))


def _has_words(session: Session, words: list[str], walk: bool) -> ColumnElement[bool]:
    """The task is among the text index's hits; with `walk`, tested row by row as checkpoints are read.

    SQLite otherwise reads every hit's checkpoints and sorts them (it takes an IN list as the way
    in); `+ 0` makes the test one it cannot start from, so it walks `ix_checkpoint_due_id` instead.
    PostgreSQL chooses between the two from its statistics on the stored vector.
    """
    task_id = Checkpoint.task_id + 0 if walk and session.get_bind().dialect.name == "sqlite" else Task.id
    return task_id.in_(matching_tasks(session, words))


def _listing(session: Session, today: date, filters, limit: int, offset: int) -> Listing:
    """A page in `SEARCH_ORDER` and its count up to `COUNT_CAP` (or the end of the page, if further).

    `filters(walk)` gives the conditions; a capped count means the matches are many, so the page
    walks the due-date index (it finds 50 early) rather than gathering and sorting every match.
    """
    total, capped = count_items_up_to(session, today, *filters(False), cap=max(COUNT_CAP, offset + limit))
    items = checkpoint_page(session, today, *filters(capped), order=SEARCH_ORDER, limit=limit, offset=offset)
    return Listing(items, total, capped)


def search_filters(
    session: Session, today: date, search: Search, walk: bool = False
) -> list[ColumnElement[bool]]:
    """The SQL conditions on a checkpoint list (joined to Task and Section) that `search` asks for."""
    filters: list[ColumnElement[bool]] = []
    filters.append(Task.plan_id.in_(search.plan_ids) if search.plan_ids else in_active_plan())
    if search.words:
        filters.append(_has_words(session, search.words, walk))
    if search.area:
        filters.append(or_(Section.ref == search.area, Section.ref.startswith(search.area + ".")))
    if search.agency_id is not None:
        filters.append(Checkpoint.agency_id == search.agency_id)
    if search.statuses:
        filters.append(status_expr(today).in_(search.statuses))
    if search.overdue:
        filters += overdue_columns(today)  # the status in plain columns: the planner can estimate them
    if search.quarter is not None:
        first, last = quarter_bounds(*search.quarter)
        filters.append(Checkpoint.original_due_date.between(first, last))
    return filters


def search_checkpoints(
    session: Session, actor: Actor, today: date, search: Search, limit: int = 50, offset: int = 0
) -> Listing:
    """One page of the checkpoints the actor may see that match `search`, and how many (up to a cap)."""
    _page(limit, offset)
    if search.agency_id is not None and not actor.sees_all:
        require_agency_visible(actor, {search.agency_id}, ("agency", search.agency_id))
    return _listing(
        session,
        today,
        lambda walk: [visible_to(actor), *search_filters(session, today, search, walk)],
        limit,
        offset,
    )


def search_supported(
    session: Session,
    actor: Actor,
    today: date,
    agency_id: int,
    search: Search,
    limit: int = 50,
    offset: int = 0,
) -> Listing:
    """One page of other agencies' checkpoints on tasks `agency_id` supports (phối hợp), by `search`."""
    _page(limit, offset)
    require_agency_visible(actor, {agency_id}, ("agency", agency_id))
    supported = select(TaskSupport.task_id).where(TaskSupport.agency_id == agency_id)
    return _listing(
        session,
        today,
        lambda walk: [
            Checkpoint.task_id.in_(supported),
            Checkpoint.agency_id != agency_id,
            *search_filters(session, today, search, walk),
        ],
        limit,
        offset,
    )


def parse_search(
    session: Session,
    today: date,
    text: str = "",
    plan_ids: Iterable[int] = (),
    area: str = "",
    agency_id: int | None = None,
    statuses: Iterable[str] = (),
    quarter: str = "",
    overdue: bool = False,
) -> Search:
    """A `Search` from what a page or the API received; unknown plans, statuses, quarters are refused.

    A quarter without a year ("Q2") is of `today`'s year.
    """
    search_words(text)
    wanted = tuple(dict.fromkeys(plan_ids))
    if wanted:
        known = set(session.execute(select(Plan.id).where(Plan.id.in_(wanted))).scalars())
        missing = [p for p in wanted if p not in known]
        if missing:
            raise InvalidInput("search.unknown_plan", id=missing[0])
    area = " ".join((area or "").split()).rstrip(".")
    if len(area) > 80:
        raise InvalidInput("search.area_too_long")
    return Search(
        text=(text or "").strip(),
        plan_ids=wanted,
        area=area,
        agency_id=agency_id,
        statuses=tuple(_statuses(list(statuses)) or ()),
        quarter=parse_quarter(quarter, today.year) if (quarter or "").strip() else None,
        overdue=overdue,
    )
