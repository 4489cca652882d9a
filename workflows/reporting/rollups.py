"""Completion figures per agency, section, plan and agency × plan area, in grouped SQL.

Definitions (the figures a quarterly report quotes), for a given `today`:
- status: `workflows.checkpoints.status.status_expr(today)`, the one definition (a withdrawn task's
  open checkpoints were waived when it was withdrawn; accepted ones stay done);
- `total`: every checkpoint in the group, waived ones included;
- `due`: the denominator of the shares — checkpoints that are not waived and whose ORIGINAL due
  date is on or before `today`, plus checkpoints already done (accepted) before their due date,
  so that an item finished early counts as done and as due and no share exceeds 100 %;
  an approved extension does not take an item out of the denominator;
- `done`: accepted checkpoints (done on time + done late); `done_on_time`: accepted with a
  submission made on or before the original due date;
- `completion_pct` = done / due; `on_time_pct` = done_on_time / due — the Government Office's
  reading "tỷ lệ hoàn thành đúng hạn trên số nhiệm vụ đến hạn", not the on-time share of what
  is done; both None when nothing is due;
- `oldest_overdue`: the overdue checkpoint with the earliest current due date (then lowest id).
Each rollup reads the maintained summary (models/summary.py, `workflows.checkpoints.summary`), not
the checkpoints: one grouped query over its rows plus one for the oldest overdue item. National
and provincial figures read the per-agency grain, a plan's figures the per-section grain; on a
day the summary holds as of (`AgencyDay`: today and tomorrow), they read that day's one row an agency.
"""

from dataclasses import dataclass, field
from datetime import date
from typing import Any

from sqlalchemy import ColumnElement, Select, and_, case, func, or_, select
from sqlalchemy.orm import aliased
from sqlmodel import Session

from models.agency import Agency
from models.checkpoint import Checkpoint
from models.plan import Plan, Section, Task
from models.summary import AgencyDay, AgencySummary, SectionSummary
from workflows.checkpoints.status import DONE, Status, counts_as_due, overdue_columns, status_of
from workflows.checkpoints.summary import window_days


@dataclass(frozen=True)
class OldestOverdue:
    checkpoint_id: int
    due_date: date
    days_late: int


@dataclass
class Rollup:
    """Figures of one group: `key` identifies it (agency id, section ref, plan id, or a pair)."""

    key: Any
    label: str
    counts: dict[str, int] = field(default_factory=lambda: {s.value: 0 for s in Status})
    total: int = 0
    due: int = 0
    done: int = 0
    done_on_time: int = 0
    oldest_overdue: OldestOverdue | None = None

    @property
    def completion_pct(self) -> float | None:
        """Share of due checkpoints done, in percent (None when nothing is due)."""
        return round(100 * self.done / self.due, 1) if self.due else None

    @property
    def on_time_pct(self) -> float | None:
        """Share of due checkpoints done on time, in percent (None when nothing is due)."""
        return round(100 * self.done_on_time / self.due, 1) if self.due else None

    def as_dict(self) -> dict[str, Any]:
        """Plain values for JSON output."""
        oldest = self.oldest_overdue
        return {
            "key": self.key,
            "label": self.label,
            "counts": dict(self.counts),
            "total": self.total,
            "due": self.due,
            "done": self.done,
            "done_on_time": self.done_on_time,
            "completion_pct": self.completion_pct,
            "on_time_pct": self.on_time_pct,
            "oldest_overdue": None
            if oldest is None
            else {
                "checkpoint_id": oldest.checkpoint_id,
                "due_date": oldest.due_date.isoformat(),
                "days_late": oldest.days_late,
            },
        }


@dataclass
class AreaMatrix:
    """Agency × plan area (II.1, II.2 …) figures for the secretariat's desk."""

    areas: list[tuple[str, str]]  # (ref, title) in plan order
    agencies: list[tuple[int, str]]  # (id, name) by name
    cells: dict[tuple[int, str], Rollup]  # (agency id, area ref) → figures; absent = no checkpoint

    def cell(self, agency_id: int, area_ref: str) -> Rollup | None:
        return self.cells.get((agency_id, area_ref))


def agency_rollup(
    session: Session,
    today: date,
    plan_id: int | None = None,
    agency_ids: list[int] | set[int] | None = None,
    plan_ids: list[int] | Select | None = None,
) -> list[Rollup]:
    """Figures per responsible agency, ordered by agency name; `plan_ids` (ids, or a select of them)
    narrows them to those plans (the per-section grain: the per-agency one spans every plan)."""
    grain = AgencySummary if plan_id is None and plan_ids is None else SectionSummary
    if grain is AgencySummary and today in window_days(session):
        return _day_rollups(session, today, agency_ids)
    filters = _plan_filter(grain, plan_id)
    if plan_ids is not None:
        filters.append(grain.plan_id.in_(plan_ids))
    if agency_ids is not None:
        filters.append(grain.agency_id.in_(list(agency_ids)))
    return _rollups(
        session,
        today,
        grain,
        keys=[Agency.id],
        labels=[Agency.name],
        joins=[(Agency, Agency.id == grain.agency_id)],
        filters=filters,
        order_by=[Agency.name, Agency.id],
    )


def _day_rollups(session: Session, today: date, agency_ids: list[int] | set[int] | None) -> list[Rollup]:
    """`agency_rollup` over every plan, read from the day's rows (the summary as of `today`)."""
    d = AgencyDay
    statuses = [s.value for s in Status]
    stmt = (
        select(d.agency_id, Agency.name, *[getattr(d, s) for s in statuses], d.due, d.oldest_id, d.oldest_due)
        .join(Agency, Agency.id == d.agency_id)
        .where(d.day == today, or_(*[getattr(d, s) != 0 for s in statuses]))
        .order_by(Agency.name, Agency.id)
    )
    if agency_ids is not None:
        stmt = stmt.where(d.agency_id.in_(list(agency_ids)))
    n, on_time = len(statuses), statuses.index(Status.done_on_time.value)
    late = statuses.index(Status.done_late.value)
    rollups = []
    # 20k agencies nationally: Core rows (no ORM layer), plain positions, no per-row lookups
    for row in session.connection().execute(stmt).all():  # one fetch, not a fetch a row
        figures = row[2 : 2 + n]
        oldest = None if row[-2] is None else OldestOverdue(row[-2], row[-1], (today - row[-1]).days)
        done_on_time = figures[on_time]
        counts = dict(zip(statuses, figures, strict=True))
        rollups.append(
            Rollup(
                row[0],
                row[1],
                counts,
                sum(figures),
                row[-3],
                done_on_time + figures[late],
                done_on_time,
                oldest,
            )
        )
    return rollups


def agency_rollup_page(
    session: Session,
    today: date,
    plan_id: int | None,
    limit: int,
    offset: int,
    province: str | None = None,
) -> tuple[list[Rollup], int]:
    """One page of `agency_rollup` and how many responsible agencies there are in all.

    The responsible agencies are paged first (by name, the rollup's order) and only that page is
    figured: nationally the whole rollup is ~1M checkpoints, a page of 50 agencies a few thousand.
    """
    ids, total = responsible_agencies(session, plan_id, limit, offset, province)
    return (agency_rollup(session, today, plan_id=plan_id, agency_ids=ids) if ids else []), total


def responsible_agencies(
    session: Session, plan_id: int | None, limit: int, offset: int, province: str | None = None
) -> tuple[list[int], int]:
    """A page of the agencies owing checkpoints (of the plan, of the province) by name, and their number."""
    grain = AgencySummary if plan_id is None else SectionSummary
    responsible = select(grain.agency_id).where(grain.n != 0, *_plan_filter(grain, plan_id))
    agencies = select(Agency.id).where(Agency.id.in_(responsible))
    if province is not None:
        agencies = agencies.where(Agency.province == province)
    total = session.execute(select(func.count()).select_from(agencies.subquery())).scalar_one()
    page = agencies.order_by(Agency.name, Agency.id).limit(limit).offset(offset)
    return list(session.execute(page).scalars()), total


def section_rollup(session: Session, today: date, plan_id: int) -> list[Rollup]:
    """Figures per section of a plan, each section counting its whole subtree (II counts II.1.2)."""
    s = SectionSummary
    section = aliased(Section, name="own_section")
    joins = [
        (section, section.id == s.section_id),
        (Section, and_(Section.plan_id == s.plan_id, _within(section.ref, Section.ref))),
    ]
    return _rollups(
        session,
        today,
        s,
        keys=[Section.ref],
        labels=[Section.title],
        joins=joins,
        filters=[s.plan_id == plan_id],
        order_by=[Section.position, Section.ref],
    )


def plan_rollup(
    session: Session,
    today: date,
    plan_id: int | None = None,
    plan_ids: list[int] | Select | None = None,
    province: str | None = None,
) -> list[Rollup]:
    """Figures per plan (one row when `plan_id` is given; those of `plan_ids`), labelled with the number;
    with `province`, of that province's agencies only (a provincial desk)."""
    s = SectionSummary
    filters = _plan_filter(s, plan_id)
    if plan_ids is not None:
        filters.append(s.plan_id.in_(plan_ids))
    if province is not None:
        filters.append(s.agency_id.in_(select(Agency.id).where(Agency.province == province)))
    return _rollups(
        session,
        today,
        s,
        keys=[Plan.id],
        labels=[Plan.number],
        joins=[(Plan, Plan.id == s.plan_id)],
        filters=filters,
        order_by=[Plan.issued_on, Plan.id],
    )


def combined(rows: list[Rollup], key: Any = None, label: str = "") -> Rollup | None:
    """The figures of several disjoint groups together (the plans of a scope): counts add up."""
    if not rows:
        return None
    total = Rollup(key=key, label=label)
    for r in rows:
        for status, n in r.counts.items():
            total.counts[status] += n
        total.total += r.total
        total.due += r.due
        total.done += r.done
        total.done_on_time += r.done_on_time
        mine, theirs = total.oldest_overdue, r.oldest_overdue
        if theirs and (
            mine is None or (theirs.due_date, theirs.checkpoint_id) < (mine.due_date, mine.checkpoint_id)
        ):
            total.oldest_overdue = theirs
    return total


def agency_area_matrix(
    session: Session, today: date, plan_id: int, agency_ids: list[int] | None = None
) -> AreaMatrix:
    """Figures per (agency, plan area); an area is the second-level section (II.1) holding the task.

    A task filed directly under a first-level section (III) counts under that section. With
    `agency_ids`, only those agencies' rows (a page of the desk).
    """
    s = SectionSummary
    section = aliased(Section, name="own_section")
    joins = [
        (section, section.id == s.section_id),
        (Section, and_(Section.plan_id == s.plan_id, area_of(section.ref, Section.ref))),
        (Agency, Agency.id == s.agency_id),
    ]
    rows = _rollups(
        session,
        today,
        s,
        keys=[s.agency_id, Section.ref],
        labels=[Agency.name, Section.title, Section.position],
        joins=joins,
        filters=[s.plan_id == plan_id, *([] if agency_ids is None else [s.agency_id.in_(agency_ids)])],
        order_by=[Section.position, Section.ref],
    )
    areas: dict[str, tuple[int, str]] = {}
    agencies: dict[int, str] = {}
    cells: dict[tuple[int, str], Rollup] = {}
    for r in rows:
        agency_id, ref = r.key
        agency_name, title, position = r.label
        areas[ref] = (position, title)
        agencies[agency_id] = agency_name
        r.label = f"{agency_name} — {ref}"
        cells[(agency_id, ref)] = r
    in_plan_order = sorted(areas.items(), key=lambda a: (a[1][0], a[0]))
    return AreaMatrix(
        areas=[(ref, t) for ref, (_, t) in in_plan_order],
        agencies=sorted(agencies.items(), key=lambda a: (a[1], a[0])),
        cells=cells,
    )


def area_of(own_ref, area_ref) -> ColumnElement[bool]:
    """`area_ref` is the area of a task filed under `own_ref`: the second-level section holding it
    (II.1 for II.1.2), or its own first-level section when it is filed directly there (III)."""
    return or_(
        and_(area_ref == own_ref, own_ref.not_like("%.%.%")),
        and_(_strictly_within(own_ref, area_ref), area_ref.like("%.%"), area_ref.not_like("%.%.%")),
    )


def _plan_filter(grain, plan_id: int | None) -> list[ColumnElement[bool]]:
    return [] if plan_id is None else [grain.plan_id == plan_id]


def _within(ref, ancestor_ref) -> ColumnElement[bool]:
    """`ref` is `ancestor_ref` or below it (refs are dotted: II, II.1, II.1.2)."""
    return or_(ref == ancestor_ref, _strictly_within(ref, ancestor_ref))


def _strictly_within(ref, ancestor_ref) -> ColumnElement[bool]:
    # "II.1.%" does not match "II.10"; section refs hold no LIKE wildcards
    return ref.like(ancestor_ref.concat(".%"))


def _base(grain, today: date, keys: list, joins: list, filters: list, extra: list = ()) -> Select:
    """Summary rows of the group with their status on `today` and whether their due date has come."""
    status = status_of(today, grain.state, grain.on_time, grain.due_date, grain.opens_on)
    reached = counts_as_due(today, grain.state, grain.original_due_date)
    stmt = select(
        *[k.label(f"k{i}") for i, k in enumerate(keys)],
        *extra,
        status.label("status"),
        case((reached, 1), else_=0).label("reached"),
        grain.n.label("n"),
    ).select_from(grain)
    for target, on in joins:
        stmt = stmt.join(target, on)
    return stmt.where(grain.n != 0, *filters)


def _rollups(
    session: Session, today: date, grain, keys: list, labels: list, joins: list, filters: list, order_by: list
) -> list[Rollup]:
    """One query over the summary, one row a group: its counts per status and its due count, pivoted in SQL.

    Labels and order columns depend on the keys, so grouping by them adds no groups.
    """
    extra = [x.label(f"l{i}") for i, x in enumerate(labels)] + [
        o.label(f"o{i}") for i, o in enumerate(order_by)
    ]
    base = _base(grain, today, keys, joins, filters, extra).subquery("cp")
    key_cols = [base.c[f"k{i}"] for i in range(len(keys))]
    label_cols = [base.c[f"l{i}"] for i in range(len(labels))]
    order_cols = [base.c[f"o{i}"] for i in range(len(order_by))]
    per_status = [
        func.sum(case((base.c.status == s.value, base.c.n), else_=0)).label(f"s_{s.value}") for s in Status
    ]
    counted = and_(base.c.reached == 1, base.c.status != Status.waived.value)
    due = func.sum(case((counted, base.c.n), else_=0)).label("due_n")
    stmt = (
        select(*key_cols, *label_cols, *per_status, due)
        .group_by(*key_cols, *label_cols, *order_cols)
        .order_by(*order_cols, *key_cols)
    )
    by_key: dict[Any, Rollup] = {}
    for row in session.execute(stmt).mappings():
        counts = {s.value: int(row[f"s_{s.value}"]) for s in Status}
        label_values = tuple(row[f"l{i}"] for i in range(len(labels)))
        by_key[_key(row, len(keys))] = Rollup(
            key=_key(row, len(keys)),
            label=label_values[0] if len(labels) == 1 else label_values,
            counts=counts,
            total=sum(counts.values()),
            due=int(row["due_n"]),
            done=sum(counts[s.value] for s in DONE),
            done_on_time=counts[Status.done_on_time.value],
        )
    for key, oldest in _oldest_overdue(session, today, grain, keys, joins, filters).items():
        if key in by_key:
            by_key[key].oldest_overdue = oldest
    return list(by_key.values())


def _oldest_overdue(
    session: Session, today: date, grain, keys: list, joins: list, filters: list
) -> dict[Any, OldestOverdue]:
    """Per group, the overdue checkpoint with the earliest due date, then the lowest id.

    The summary gives each group's earliest overdue due date; the checkpoints counted in those
    rows are found again by agency, state and due date (and section), on ix_checkpoint_agency_due.
    """
    overdue = overdue_columns(today, grain.state, grain.due_date)
    extra = [grain.agency_id.label("agency_id"), grain.state.label("state"), grain.due_date.label("due_date")]
    if grain is SectionSummary:
        extra.append(grain.section_id.label("section_id"))
    base = _base(grain, today, keys, joins, [*filters, *overdue], extra).subquery("cp")
    key_cols = [base.c[f"k{i}"] for i in range(len(keys))]
    rank = func.rank().over(partition_by=key_cols, order_by=base.c.due_date)
    earliest = select(base, rank.label("rank")).subquery("earliest")
    found = (
        select(*[earliest.c[f"k{i}"] for i in range(len(keys))], earliest.c.due_date, func.min(Checkpoint.id))
        .join(
            Checkpoint,
            and_(
                Checkpoint.agency_id == earliest.c.agency_id,
                Checkpoint.due_date == earliest.c.due_date,
                Checkpoint.state == earliest.c.state,
            ),
        )
        .where(earliest.c.rank == 1)
        .group_by(*[earliest.c[f"k{i}"] for i in range(len(keys))], earliest.c.due_date)
    )
    if grain is SectionSummary:
        found = found.join(
            Task, and_(Task.id == Checkpoint.task_id, Task.section_id == earliest.c.section_id)
        )
    result: dict[Any, OldestOverdue] = {}
    for row in session.execute(found).tuples():
        *key, due, cp_id = row
        result[key[0] if len(keys) == 1 else tuple(key)] = OldestOverdue(cp_id, due, (today - due).days)
    return result


def _key(row, n: int) -> Any:
    return row["k0"] if n == 1 else tuple(row[f"k{i}"] for i in range(n))
