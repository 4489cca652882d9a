"""The escalation sweep: fire each checkpoint's current rung once per due date, with its mail.

Which checkpoints climb the ladder: those in state `open` or `returned` of a task that is not
withdrawn. Accepted and waived ones are settled; `submitted` ones wait on the secretariat's
review, not on the agency (status_expr does not call them overdue either), so no rung fires
for them — if the submission is returned, the rung current on that day fires.

Only the current rung fires (`workflows.escalation.ladder.windows`): a rung missed while the sweep did not
run, or while the checkpoint was submitted, is superseded, never sent late in a burst. The
escalation row is keyed on (checkpoint, rung, CURRENT due date): an approved extension moves
the due date and so restarts the ladder, and the unique key makes a re-run — or two sweeps at
once — fire nothing twice. The mail goes to the outbox in the same transaction, for exactly
the rows this sweep inserted, built by the database in the sweep's own statement.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import JSON, Integer, String, and_, case, cast, false, func, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models.agency import Agency
from models.checkpoint import Checkpoint, CheckpointState
from models.escalation import Escalation
from models.outbox import OutboxMessage
from models.plan import Plan, Task
from models.types import AwareDateTime, utcnow
from workflows.escalation.ladder import DEFAULT_LADDER, Rung, ladder_of, windows
from workflows.kernel.text import excerpt_sql

CLIMBING_STATES = (CheckpointState.open.value, CheckpointState.returned.value)
EXCERPT_CHARS = 300
TITLE_CHARS = 120
_CHUNK = 500


@dataclass(frozen=True)
class FiredRung:
    escalation_id: int
    checkpoint_id: int
    rung: str
    due_date: date
    audience: str
    agency_id: int


def escalate_overdue(session: Session, today: date) -> list[FiredRung]:
    """Insert the rungs current on `today` that have not fired yet, and queue their mail; flushes only."""
    fired: list[FiredRung] = []
    groups = _ladders(session)
    for ladder, plan_ids in groups.items():
        # one ladder for every plan (the usual case): no plan filter, whatever the number of plans
        fired.extend(_fire(session, ladder, today, None if len(groups) == 1 else plan_ids))
    return fired


def candidates(ladder: tuple[Rung, ...], today: date, plan_ids: list[int] | None):
    """Checkpoints for which some rung is current, with that rung's name as `rung`.

    The rungs' windows (`workflows.escalation.ladder.windows`) together are one due-date range on
    ix_checkpoint_due_state; a CASE names the rung of each due date.
    """
    ranges = windows(ladder, today)
    in_window = [and_(Checkpoint.due_date > w.lo, Checkpoint.due_date <= w.hi) for w in ranges]
    rung = case(*[(cond, literal(w.rung.rung)) for cond, w in zip(in_window, ranges, strict=True)])
    stmt = (
        select(Checkpoint.id, rung.label("rung"), Checkpoint.due_date)
        .join(Task, Task.id == Checkpoint.task_id)
        .where(
            Checkpoint.due_date > min(w.lo for w in ranges),
            Checkpoint.due_date <= max(w.hi for w in ranges),
            or_(*in_window),
            Checkpoint.state.in_(CLIMBING_STATES),
            Task.withdrawn == false(),
        )
    )
    return stmt if plan_ids is None else stmt.where(Task.plan_id.in_(plan_ids))


def _ladders(session: Session) -> dict[tuple[Rung, ...], list[int]]:
    """Plans grouped by the ladder they use (usually one group: the defaults)."""
    groups: dict[tuple[Rung, ...], list[int]] = defaultdict(list)
    # plain columns, not Plan objects with their source texts (~50 kB each, hundreds of plans)
    for plan_id, number, raw in session.execute(select(Plan.id, Plan.number, Plan.ladder).order_by(Plan.id)):
        ladder = DEFAULT_LADDER if raw is None else ladder_of(Plan(id=plan_id, number=number, ladder=raw))
        groups[ladder].append(plan_id)
    return groups


def _fire(
    session: Session, ladder: tuple[Rung, ...], today: date, plan_ids: list[int] | None
) -> list[FiredRung]:
    """The ladder's current rungs and their outbox rows, built in SQL.

    PostgreSQL: ONE statement — INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING into the
    escalations, whose RETURNING feeds the outbox INSERT in a data-modifying CTE. SQLite has no
    DML in CTEs: the same outbox INSERT … SELECT runs over the ids just returned. Either way the
    mail's JSON context is assembled by the database, for exactly the rows this sweep inserted.
    """
    found = candidates(ladder, today, plan_ids).subquery("c")
    rows = select(
        found.c.id, found.c.rung, found.c.due_date, literal(today), literal(utcnow(), AwareDateTime)
    ).order_by(found.c.id)  # same lock order in concurrent sweeps: they wait, never deadlock
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    fire = (
        insert(Escalation)
        .from_select(["checkpoint_id", "rung", "due_date", "fired_on", "created_at"], rows)
        .on_conflict_do_nothing(index_elements=["checkpoint_id", "rung", "due_date"])
        .returning(Escalation.id, Escalation.checkpoint_id, Escalation.rung, Escalation.due_date)
    )
    audiences = {r.rung: r.audience for r in ladder}
    if dialect == "postgresql":
        fired = fire.cte("fired")
        queue = _queue(session, insert, fired, ladder, today).cte("queued")
        result = select(
            fired.c.id, fired.c.checkpoint_id, fired.c.rung, fired.c.due_date, Checkpoint.agency_id
        )
        result = result.join(Checkpoint, Checkpoint.id == fired.c.checkpoint_id).add_cte(queue)
        out = session.execute(result).all()
    else:
        inserted = session.execute(fire).all()
        out = []
        ids = [row[0] for row in inserted]
        for start in range(0, len(ids), _CHUNK):
            chunk = select(Escalation).where(Escalation.id.in_(ids[start : start + _CHUNK])).subquery("fired")
            session.execute(_queue(session, insert, chunk, ladder, today))
            agencies = select(
                chunk.c.id, chunk.c.checkpoint_id, chunk.c.rung, chunk.c.due_date, Checkpoint.agency_id
            )
            out += session.execute(agencies.join(Checkpoint, Checkpoint.id == chunk.c.checkpoint_id)).all()
    fired_rungs = [FiredRung(eid, cid, rung, due, audiences[rung], aid) for eid, cid, rung, due, aid in out]
    return sorted(fired_rungs, key=lambda f: f.escalation_id)


def _queue(session: Session, insert, fired, ladder: tuple[Rung, ...], today: date):
    """INSERT INTO outbox … SELECT one row per fired rung (with its JSON context) … ON CONFLICT DO NOTHING."""
    pg = session.get_bind().dialect.name == "postgresql"
    due = fired.c.due_date
    if pg:
        due_iso, due_vn = func.to_char(due, "YYYY-MM-DD"), func.to_char(due, "DD/MM/YYYY")
        late, left = literal(today) - due, due - literal(today)
        json_object = func.json_build_object
    else:
        due_iso, due_vn = func.strftime("%Y-%m-%d", due), func.strftime("%d/%m/%Y", due)
        days = func.julianday(due) - func.julianday(literal(today.isoformat()))
        late, left = cast(-days, Integer), cast(days, Integer)
        json_object = func.json_object
    greatest = func.greatest if pg else func.max
    context = json_object(
        "checkpoint_id", fired.c.checkpoint_id,
        "rung", fired.c.rung,
        "agency_name", Agency.name,
        "plan_number", Plan.number,
        "task_ref", Task.ref,
        "task_title", excerpt_sql(session, Task.title, TITLE_CHARS),
        "task_text", excerpt_sql(session, Task.text, EXCERPT_CHARS),
        "period_label", Checkpoint.period_label,
        "due_date", due_iso,
        "due_date_vn", due_vn,
        "days_late", greatest(0, late),
        "days_left", greatest(0, left),
    )  # fmt: skip
    audience = case(*[(fired.c.rung == r.rung, literal(r.audience)) for r in ladder])
    key = literal("escalation:") + cast(fired.c.checkpoint_id, String) + ":" + fired.c.rung + ":" + due_iso
    now = literal(utcnow(), AwareDateTime)
    rows = (
        select(
            key,
            literal("escalation_") + fired.c.rung,
            cast(context, JSON) if pg else func.json(context),
            audience,
            Checkpoint.agency_id,
            literal([], JSON),
            literal("pending"),
            literal(0),
            now,
            now,
        )
        .select_from(fired)
        .join(Checkpoint, Checkpoint.id == fired.c.checkpoint_id)
        .join(Task, Task.id == Checkpoint.task_id)
        .join(Agency, Agency.id == Checkpoint.agency_id)
        .join(Plan, Plan.id == Task.plan_id)
        .order_by(fired.c.id)
    )
    columns = ["dedupe_key", "template", "context", "audience", "agency_id", "recipients", "status",
               "attempts", "next_attempt_at", "created_at"]  # fmt: skip
    return (
        insert(OutboxMessage).from_select(columns, rows).on_conflict_do_nothing(index_elements=["dedupe_key"])
    )
