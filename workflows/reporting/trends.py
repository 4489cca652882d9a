"""Completion and on-time share over time: the figures of `rollups.py` as they stood on past dates.

The maintained summary keeps no history, so a trend reads the checkpoints' own dates. On a date E:
- `due(E)`: checkpoints not waived whose ORIGINAL due date is on or before E, plus those accepted
  on or before E (done early counts as done and as due, as in rollups.py);
- `done(E)`: accepted on or before E; `done_on_time(E)`: of those, submitted on or before the
  original due date; completion and on-time share are done / due and done on time / due.
A quarter's point is taken on its last day, the quarter under way on `today`, so the last point of
a trend equals the rollup of `today`. Waived checkpoints count in no quarter (a withdrawal keeps no
date on them; rollups leave them out of the shares too). A series set (the scope, each area of a
plan, one agency) is one grouped query with a due/done/on-time sum per quarter.
"""

from dataclasses import dataclass
from datetime import date
from typing import Any

from sqlalchemy import Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models import Checkpoint, CheckpointState, Plan, Section, Task
from workflows.kernel.quarters import ROMAN, quarter_bounds, quarter_of
from workflows.reporting.rollups import area_of

MOST_QUARTERS = 8  # two years: what a chart can show legibly; older quarters drop off the left


@dataclass(frozen=True)
class TrendPoint:
    label: str  # "Quý II/2023"
    completion_pct: float | None
    on_time_pct: float | None
    as_of: date | None = None  # the quarter's last day, or today for the quarter under way
    due: int = 0
    done: int = 0
    done_on_time: int = 0

    @property
    def partial(self) -> bool:
        """The quarter is still under way: its point is of `as_of`, not of its last day."""
        return self.as_of is not None and self.as_of != quarter_bounds(*quarter_of(self.as_of))[1]


@dataclass(frozen=True)
class Trend:
    """One series: `key` is None (the whole scope), an area ref or an agency id."""

    key: Any
    label: str
    points: tuple[TrendPoint, ...]


def trend_quarters(first_day: date, today: date, most: int = MOST_QUARTERS) -> list[tuple[int, int]]:
    """The quarters from the one holding `first_day` to today's, the latest `most` of them."""
    year, quarter = quarter_of(min(first_day, today))
    last = quarter_of(today)
    quarters = [(year, quarter)]
    while quarters[-1] != last:
        y, q = quarters[-1]
        quarters.append((y + (q == 4), 1 if q == 4 else q + 1))
    return quarters[-most:]


def plan_quarters(session: Session, plan_ids: list[int] | Select, today: date) -> list[tuple[int, int]]:
    """The quarters a trend of these plans shows: from the earliest one's issue to `today`."""
    first = session.execute(select(func.min(Plan.issued_on)).where(Plan.id.in_(plan_ids))).scalar_one()
    return trend_quarters(first or today, today)


def scope_trend(
    session: Session,
    today: date,
    quarters: list[tuple[int, int]],
    plan_ids: list[int] | Select,
    agency_id: int | None = None,
    label: str = "",
) -> Trend:
    """The trend of every checkpoint of the plans (of one agency, with `agency_id`)."""
    filters = [Task.plan_id.in_(plan_ids)]
    if agency_id is not None:
        filters.append(Checkpoint.agency_id == agency_id)
    (found,) = _series(session, today, quarters, filters)
    return Trend(agency_id, label, found.points)


def area_trends(
    session: Session, today: date, quarters: list[tuple[int, int]], plan_id: int, agency_id: int | None = None
) -> list[Trend]:
    """One trend per area of a plan (the area of `rollups.area_of`), in plan order."""
    own = aliased(Section, name="own_section")
    area = aliased(Section, name="area")
    filters = [Task.plan_id == plan_id]
    if agency_id is not None:
        filters.append(Checkpoint.agency_id == agency_id)
    joins = [
        (own, own.id == Task.section_id),
        (area, and_(area.plan_id == plan_id, area_of(own.ref, area.ref))),
    ]
    return _series(session, today, quarters, filters, (area.ref, area.title, area.position), joins)


def _series(
    session: Session,
    today: date,
    quarters: list[tuple[int, int]],
    filters: list,
    group: tuple = (),
    joins: list = (),
) -> list[Trend]:
    """The query: per group (key, label, order; one row without), the due, done and on-time counts
    on each point's date."""
    c = Checkpoint
    dates = _point_dates(today, quarters)
    accepted_on = func.coalesce(c.accepted_on, c.submitted_on, c.original_due_date)
    accepted = c.state == CheckpointState.accepted
    on_time = c.submitted_on <= c.original_due_date
    sums = []
    for i, day in enumerate(dates):
        done = and_(accepted, accepted_on <= day)
        sums += [
            _count(or_(c.original_due_date <= day, done), f"due{i}"),
            _count(done, f"done{i}"),
            _count(and_(done, on_time), f"ontime{i}"),
        ]
    named = [col.label(name) for col, name in zip(group, ("key", "label"), strict=False)]
    stmt = select(*named, *sums).select_from(c).join(Task, Task.id == c.task_id)
    for target, on in joins:
        stmt = stmt.join(target, on)
    stmt = stmt.where(c.state != CheckpointState.waived, *filters)
    if group:
        stmt = stmt.group_by(*group).order_by(*group[2:], group[0])
    trends = []
    for row in session.execute(stmt).mappings():
        points = tuple(
            _point(quarters[i], day, row[f"due{i}"], row[f"done{i}"], row[f"ontime{i}"])
            for i, day in enumerate(dates)
        )
        trends.append(Trend(row.get("key"), row.get("label", ""), points))
    return trends


def _count(condition, name: str):
    return func.coalesce(func.sum(case((condition, 1), else_=0)), 0).label(name)


def _point_dates(today: date, quarters: list[tuple[int, int]]) -> list[date]:
    return [min(quarter_bounds(y, q)[1], today) for y, q in quarters]


def _point(quarter: tuple[int, int], day: date, due: int, done: int, on_time: int) -> TrendPoint:
    year, q = quarter
    share = (lambda n: round(100 * n / due, 1)) if due else (lambda n: None)
    return TrendPoint(f"Quý {ROMAN[q]}/{year}", share(done), share(on_time), day, due, done, on_time)
