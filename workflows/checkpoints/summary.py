"""The maintained summary (models/summary.py), kept in step with the checkpoints in the same transaction.

Every write that changes checkpoints wraps the change in `changing(session, <which checkpoints>)`:
their counts are taken out before the change and put back after it, as delta upserts
(`n = n + delta`), so concurrent changes add up without locks and a rolled-back change leaves no
trace. The counts are grouped by `status.summary_inputs()`, so the status rule stays the one
definition: a rollup computes `status_of` on summary rows exactly as on checkpoints.
`differences` compares the summary with a full recomputation (the `plantrack summary check`
command and the tests); `rebuild` replaces it with one (after bulk loads, or to repair).

The per-agency figures as of a day (`AgencyDay`, for the days of `AgencyDayWindow`: today and
tomorrow) move with the same deltas, pivoted by `status_of` on that day; each change then takes
the oldest overdue item of the agencies it touched again (a minimum cannot be moved by a delta).
The delta upsert locks an agency's row until commit, so the next change of that agency sees this
one when it takes the oldest again. `roll_forward` (the daily job) opens the next day's rows.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date, timedelta

from sqlalchemy import ColumnElement, Date, Select, and_, case, delete, func, literal, select, true, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, SQLModel

from models.checkpoint import Checkpoint
from models.plan import Task
from models.summary import KEY, AgencyDay, AgencyDayWindow, AgencySummary, SectionSummary
from workflows.checkpoints.status import Status, counts_as_due, overdue_columns, status_of, summary_inputs

_CHANGING = "summary.changing"  # session.info flag: a change is being counted
_TOUCHED = "summary.touched"  # session.info: agencies a change took counts out of (their oldest item moves)
GRAINS: tuple[type[SQLModel], ...] = (AgencySummary, SectionSummary)
DAY_COUNTS = (*(s.value for s in Status), "due")  # AgencyDay's count columns


def _key_columns(grain: type[SQLModel]) -> list[str]:
    return ["agency_id", *(["plan_id", "section_id"] if grain is SectionSummary else []), *KEY]


def recomputed(grain: type[SQLModel], *where: ColumnElement[bool], sign: int = 1) -> Select:
    """The grain's rows computed from the checkpoints matching `where` (counts times `sign`)."""
    inputs = summary_inputs()
    columns = [Checkpoint.agency_id.label("agency_id")]
    if grain is SectionSummary:
        columns += [Task.plan_id.label("plan_id"), Task.section_id.label("section_id")]
    columns += [inputs[k].label(k) for k in KEY]
    # joined to tasks always: `where` may name the plan (a re-import) as well as checkpoints
    rows = select(*columns).join(Task, Task.id == Checkpoint.task_id).where(true(), *where).subquery("cp")
    keys = [rows.c[k] for k in _key_columns(grain)]
    # the WHERE keeps SQLite's INSERT … SELECT … ON CONFLICT unambiguous
    return select(*keys, (sign * func.count()).label("n")).where(true()).group_by(*keys).order_by(*keys)


def _apply(session: Session, where: tuple[ColumnElement[bool], ...], sign: int) -> None:
    """Add (`sign` 1) or take out (-1) the counts of the checkpoints matching `where`, in every grain."""
    dialect = session.get_bind().dialect.name
    for grain in GRAINS:
        keys = _key_columns(grain)
        insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(grain)
        stmt = insert.from_select([*keys, "n"], recomputed(grain, *where, sign=sign))
        # rows in key order: concurrent changes lock summary rows in the same order, never deadlock
        stmt = stmt.on_conflict_do_update(index_elements=keys, set_={"n": grain.n + stmt.excluded.n})
        session.execute(stmt)
    days = window_days(session, lock=True)
    if not days:
        return
    delta = recomputed(AgencySummary, *where, sign=sign).subquery("delta")
    for day in days:
        _upsert_day(session, day, delta, add=True)
    touched = set(session.execute(select(delta.c.agency_id).distinct()).scalars())
    if sign < 0:  # the oldest items move once the change is made
        session.info.setdefault(_TOUCHED, set()).update(touched)
        return
    touched |= session.info.pop(_TOUCHED, set())
    for day in days:
        _take_oldest(session, day, sorted(touched))


@contextmanager
def changing(session: Session, *where: ColumnElement[bool]) -> Iterator[None]:
    """Keep the summary right across a change to the checkpoints matching `where` (before and after).

    `where` must select the same checkpoints before and after the change (by id, task or plan):
    those that disappear are counted out, those that appear counted in. Inside another `changing`
    (withdrawing a task during a plan's re-import) it does nothing: the outer one, whose
    checkpoints must include these, counts them.
    """
    if session.info.get(_CHANGING):
        yield
        return
    session.flush()
    _apply(session, where, -1)
    session.info[_CHANGING] = True
    try:
        yield
    except SQLAlchemyError:  # the transaction is lost anyway (and PostgreSQL refuses more statements)
        raise
    except BaseException:  # a refused change counts back what it took out: the summary follows the data
        counted_in(session, *where)
        raise
    finally:
        session.info.pop(_CHANGING, None)
    counted_in(session, *where)


def counted_in(session: Session, *where: ColumnElement[bool]) -> None:
    """Count the checkpoints matching `where` in (newly written ones: a bulk load, test data)."""
    session.flush()
    _apply(session, where, +1)


def window_days(session: Session, lock: bool = False) -> list[date]:
    """The days AgencyDay holds (none before the first roll); `lock`: FOR SHARE, so a roll waits for us."""
    stmt = select(AgencyDayWindow.first_day, AgencyDayWindow.last_day)
    found = session.execute(stmt.with_for_update(read=True) if lock else stmt).first()
    if found is None:
        return []
    first, last = found
    return [first + timedelta(days=i) for i in range((last - first).days + 1)]


def day_pivot(day: date, rows) -> Select:
    """Per agency, of summary-shaped `rows`: counts per status on `day` and the due count (AgencyDay's)."""
    status = status_of(day, rows.c.state, rows.c.on_time, rows.c.due_date, rows.c.opens_on)
    reached = and_(counts_as_due(day, rows.c.state, rows.c.original_due_date), status != Status.waived.value)
    counts = [func.sum(case((status == s.value, rows.c.n), else_=0)).label(s.value) for s in Status]
    counts.append(func.sum(case((reached, rows.c.n), else_=0)).label("due"))
    agency = rows.c.agency_id
    # the WHERE keeps SQLite's INSERT … SELECT … ON CONFLICT unambiguous; agency order: lock order
    stmt = select(literal(day, Date).label("day"), agency, *counts).where(true())
    return stmt.group_by(agency).order_by(agency)


def _upsert_day(session: Session, day: date, rows, add: bool) -> None:
    """Add the pivot of `rows` to the day's rows (`add`), or write it as they are (a fresh day)."""
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(AgencyDay)
    stmt = insert.from_select(["day", "agency_id", *DAY_COUNTS], day_pivot(day, rows))
    if add:
        moved = {c: getattr(AgencyDay, c) + getattr(stmt.excluded, c) for c in DAY_COUNTS}
        stmt = stmt.on_conflict_do_update(index_elements=["day", "agency_id"], set_=moved)
    session.execute(stmt)


def _take_oldest(session: Session, day: date, agency_ids: list[int] | None) -> None:
    """Set the day's oldest overdue item of these agencies (None: all) from the checkpoints."""
    c = Checkpoint
    oldest = (
        select(c.id)
        .where(c.agency_id == AgencyDay.agency_id, *overdue_columns(day))
        .order_by(c.due_date, c.id)
        .limit(1)
    )
    stmt = update(AgencyDay).where(AgencyDay.day == day)
    if agency_ids is not None:
        if not agency_ids:
            return
        stmt = stmt.where(AgencyDay.agency_id.in_(agency_ids))
    due = oldest.with_only_columns(c.due_date)
    session.execute(stmt.values(oldest_id=oldest.scalar_subquery(), oldest_due=due.scalar_subquery()))


def open_day(session: Session, day: date) -> None:
    """(Re)write the day's rows from the per-agency summary (the status rule applied on `day`)."""
    session.execute(delete(AgencyDay).where(AgencyDay.day == day))
    rows = select(AgencySummary).where(AgencySummary.n != 0).subquery("rows")
    _upsert_day(session, day, rows, add=False)
    _take_oldest(session, day, None)


def roll_forward(session: Session, today: date, ahead: int = 1) -> list[date]:
    """Hold the figures of `today` … `today + ahead` (the daily job): open the days missing, drop older ones.

    The window row is locked first, so changes in flight finish before the new days are computed
    from the summary, and changes after them see the new window.
    """
    wanted = [today + timedelta(days=i) for i in range(ahead + 1)]
    window = session.execute(select(AgencyDayWindow).with_for_update()).scalar_one_or_none()
    if window is None:
        window = AgencyDayWindow(first_day=today, last_day=wanted[-1])
        session.add(window)
        held: list[date] = []
    else:
        held = window_days(session)
        window.first_day, window.last_day = today, wanted[-1]
    session.flush()
    session.execute(delete(AgencyDay).where(AgencyDay.day.not_in(wanted)))
    for day in wanted:
        if day not in held:
            open_day(session, day)
    session.flush()
    return wanted


def day_differences(session: Session) -> list[tuple]:
    """AgencyDay rows unlike a recomputation from the checkpoints: (day, agency, stored, expected)."""
    found = []
    for day in window_days(session):
        fresh = day_pivot(day, recomputed(AgencySummary).subquery("rows")).subquery("fresh")
        expected = {r[1]: tuple(r[2:]) for r in session.execute(select(fresh)).tuples()}
        oldest_of = {a: (cp, due) for a, cp, due in session.execute(_oldest_by_agency(day)).tuples()}
        cols = [getattr(AgencyDay, c) for c in DAY_COUNTS]
        stored = {
            r[0]: (tuple(r[1:-2]), (r[-2], r[-1]))
            for r in session.execute(
                select(AgencyDay.agency_id, *cols, AgencyDay.oldest_id, AgencyDay.oldest_due).where(
                    AgencyDay.day == day
                )
            ).tuples()
        }
        for agency_id in sorted(stored.keys() | expected.keys()):
            counts, oldest_pair = stored.get(agency_id, ((0,) * len(DAY_COUNTS), (None, None)))
            want = (expected.get(agency_id, (0,) * len(DAY_COUNTS)), oldest_of.get(agency_id, (None, None)))
            if (counts, oldest_pair) != want:
                found.append((day, agency_id, (counts, oldest_pair), want))
    return found


def _oldest_by_agency(day: date) -> Select:
    """Each agency's overdue checkpoint with the earliest due date, then lowest id, on `day`."""
    c = Checkpoint
    rank = func.row_number().over(partition_by=c.agency_id, order_by=(c.due_date, c.id)).label("rank")
    ranked = select(c.agency_id, c.id, c.due_date, rank).where(*overdue_columns(day)).subquery("ranked")
    return select(ranked.c.agency_id, ranked.c.id, ranked.c.due_date).where(ranked.c.rank == 1)


def differences(session: Session) -> dict[str, list[tuple]]:
    """Rows where each grain disagrees with a full recomputation: (key…, stored n, recomputed n)."""
    found: dict[str, list[tuple]] = {}
    for grain in GRAINS:
        keys = _key_columns(grain)
        stored = {
            tuple(r[:-1]): r[-1]
            for r in session.execute(
                select(*[getattr(grain, k) for k in keys], grain.n).where(grain.n != 0)
            ).tuples()
        }
        expected = {tuple(r[:-1]): r[-1] for r in session.execute(recomputed(grain)).tuples()}
        diff = [
            (*k, stored.get(k, 0), expected.get(k, 0))
            for k in sorted(stored.keys() | expected.keys(), key=repr)
            if stored.get(k, 0) != expected.get(k, 0)
        ]
        if diff:
            found[grain.__tablename__] = diff
    if days := day_differences(session):
        found[AgencyDay.__tablename__] = days
    return found


def rebuild(session: Session) -> dict[str, int]:
    """Replace the summary (and the days it holds) with a full recomputation; returns each table's rows."""
    sizes = rebuild_counts(session)
    for day in window_days(session):
        open_day(session, day)
    sizes[AgencyDay.__tablename__] = session.execute(select(func.count()).select_from(AgencyDay)).scalar_one()
    return sizes


def rebuild_counts(session: Session) -> dict[str, int]:
    """Replace the grains' counts with a full recomputation (not the days); returns the rows of each."""
    sizes: dict[str, int] = {}
    for grain in GRAINS:
        session.execute(delete(grain))
        keys = _key_columns(grain)
        session.execute(grain.__table__.insert().from_select([*keys, "n"], recomputed(grain)))
        sizes[grain.__tablename__] = session.execute(select(func.count()).select_from(grain)).scalar_one()
    return sizes
