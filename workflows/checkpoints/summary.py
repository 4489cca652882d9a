"""The maintained summary (models/summary.py), kept in step with the checkpoints in the same transaction.

Every write that changes checkpoints wraps the change in `changing(session, <which checkpoints>)`:
their counts are taken out before the change and put back after it, as delta upserts
(`n = n + delta`), so concurrent changes add up without locks and a rolled-back change leaves no
trace. The counts are grouped by `status.summary_inputs()`, so the status rule stays the one
definition: a rollup computes `status_of` on summary rows exactly as on checkpoints.
`differences` compares the summary with a full recomputation (the `plantrack summary check`
command and the tests); `rebuild` replaces it with one (after bulk loads, or to repair).
"""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import ColumnElement, Select, delete, func, select, true
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.exc import SQLAlchemyError
from sqlmodel import Session, SQLModel

from models.checkpoint import Checkpoint
from models.plan import Task
from models.summary import KEY, AgencySummary, SectionSummary
from workflows.checkpoints.status import summary_inputs

_CHANGING = "summary.changing"  # session.info flag: a change is being counted
GRAINS: tuple[type[SQLModel], ...] = (AgencySummary, SectionSummary)


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
    return found


def rebuild(session: Session) -> dict[str, int]:
    """Replace the summary with a full recomputation; returns the rows of each grain."""
    sizes: dict[str, int] = {}
    for grain in GRAINS:
        session.execute(delete(grain))
        keys = _key_columns(grain)
        session.execute(grain.__table__.insert().from_select([*keys, "n"], recomputed(grain)))
        sizes[grain.__tablename__] = session.execute(select(func.count()).select_from(grain)).scalar_one()
    return sizes
