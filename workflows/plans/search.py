"""Finding checkpoints: words (diacritics and case ignored), plan, area, agency, status, quarter, overdue.

The words are matched by the database's own text search over the task index (models/search.py):
FTS5 `MATCH` on SQLite, `to_tsvector … @@ to_tsquery` over `unaccent` on PostgreSQL. Every word
must be there, each as the start of a word ("y te" finds "Sở Y tế", "methad" finds "Methadone").
A quarter holds the checkpoints whose ORIGINAL due date falls in it (as in the quarterly export).
No plan chosen means every active plan. The filters are SQL conditions any list can add.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from sqlalchemy import ColumnElement, Select, column, func, literal_column, or_, select, table
from sqlmodel import Session

from models import Checkpoint, Plan, Section, Task, TaskSupport
from models.search import FTS_TABLE, PG_TEXT_FUNCTION, TaskSearch
from workflows.checkpoints.items import checkpoint_items, count_items
from workflows.checkpoints.queries import Listing, _page, _statuses, visible_to
from workflows.checkpoints.status import Status, overdue_columns, status_expr
from workflows.kernel.actors import Actor, require_agency_visible
from workflows.kernel.errors import InvalidInput
from workflows.kernel.quarters import parse_quarter, quarter_bounds
from workflows.kernel.text import normalize
from workflows.plans.queries import active_plans

MAX_WORDS = 12
MAX_TEXT = 200


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
        simple = literal_column("'simple'::regconfig")  # the index's own expression (models/search.py)
        vector = func.to_tsvector(simple, getattr(func, PG_TEXT_FUNCTION)(TaskSearch.document))
        query = func.to_tsquery(simple, " & ".join(f"{w}:*" for w in words))
        return select(TaskSearch.task_id).where(vector.op("@@")(query))
    fts = table(FTS_TABLE, column("rowid"))
    query = " AND ".join(f'"{w}"*' for w in words)  # words are [a-z0-9]+: nothing to escape
    return select(fts.c.rowid).where(literal_column(FTS_TABLE).op("MATCH")(query))


def search_filters(session: Session, today: date, search: Search) -> list[ColumnElement[bool]]:
    """The SQL conditions on a checkpoint list (joined to Task and Section) that `search` asks for."""
    filters: list[ColumnElement[bool]] = []
    plans = list(search.plan_ids) or active_plans()
    filters.append(Task.plan_id.in_(plans))
    if search.words:
        filters.append(Task.id.in_(matching_tasks(session, search.words)))
    if search.area:
        filters.append(or_(Section.ref == search.area, Section.ref.startswith(search.area + ".")))
    if search.agency_id is not None:
        filters.append(Checkpoint.agency_id == search.agency_id)
    if search.statuses:
        filters.append(status_expr(today).in_(search.statuses))
    if search.overdue:
        filters += [status_expr(today) == Status.overdue.value, *overdue_columns(today)]
    if search.quarter is not None:
        first, last = quarter_bounds(*search.quarter)
        filters.append(Checkpoint.original_due_date.between(first, last))
    return filters


def search_checkpoints(
    session: Session, actor: Actor, today: date, search: Search, limit: int = 50, offset: int = 0
) -> Listing:
    """One page of the checkpoints the actor may see that match `search`, and how many match."""
    _page(limit, offset)
    if search.agency_id is not None and not actor.sees_all:
        require_agency_visible(actor, {search.agency_id}, ("agency", search.agency_id))
    filters = [visible_to(actor), *search_filters(session, today, search)]
    items = checkpoint_items(session, today, *filters, limit=limit, offset=offset)
    return Listing(items, count_items(session, today, *filters))


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
    filters = [
        Checkpoint.task_id.in_(supported),
        Checkpoint.agency_id != agency_id,
        *search_filters(session, today, search),
    ]
    items = checkpoint_items(session, today, *filters, limit=limit, offset=offset)
    return Listing(items, count_items(session, today, *filters))


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
