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
the rows this sweep inserted.
"""

from collections import defaultdict
from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, false, literal, or_, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models.agency import Agency
from models.checkpoint import Checkpoint, CheckpointState
from models.escalation import Escalation
from models.plan import Plan, Task
from models.types import AwareDateTime, utcnow
from workflows.escalation.ladder import DEFAULT_LADDER, Rung, ladder_of, windows
from workflows.kernel.outbox import enqueue_many
from workflows.kernel.text import excerpt

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
    inserted: list[_Inserted] = []
    groups = _ladders(session)
    for ladder, plan_ids in groups.items():
        # one ladder for every plan (the usual case): no plan filter, whatever the number of plans
        inserted.extend(_fire(session, ladder, today, None if len(groups) == 1 else plan_ids))
    return _queue_mail(session, inserted, today)


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
) -> list["_Inserted"]:
    """One INSERT … SELECT … ON CONFLICT DO NOTHING RETURNING for every rung of a ladder."""
    found = candidates(ladder, today, plan_ids).subquery("c")
    rows = select(
        found.c.id, found.c.rung, found.c.due_date, literal(today), literal(utcnow(), AwareDateTime)
    ).order_by(found.c.id)  # same lock order in concurrent sweeps: they wait, never deadlock
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(Escalation)
    stmt = (
        insert.from_select(["checkpoint_id", "rung", "due_date", "fired_on", "created_at"], rows)
        .on_conflict_do_nothing(index_elements=["checkpoint_id", "rung", "due_date"])
        .returning(Escalation.id, Escalation.checkpoint_id, Escalation.rung, Escalation.due_date)
    )
    rungs = {r.rung: r for r in ladder}
    return [_Inserted(eid, cid, due, rungs[rung]) for eid, cid, rung, due in session.execute(stmt).all()]


def _queue_mail(session: Session, inserted: list["_Inserted"], today: date) -> list[FiredRung]:
    """One outbox row per newly fired rung, with plain values to render."""
    details = {}
    ids = sorted({i.checkpoint_id for i in inserted})
    for start in range(0, len(ids), _CHUNK):
        stmt = (
            select(
                Checkpoint.id,
                Checkpoint.agency_id,
                Checkpoint.period_label,
                Agency.name,
                Task.ref,
                Task.title,
                Task.text,
                Plan.number,
            )
            .join(Task, Task.id == Checkpoint.task_id)
            .join(Agency, Agency.id == Checkpoint.agency_id)
            .join(Plan, Plan.id == Task.plan_id)
            .where(Checkpoint.id.in_(ids[start : start + _CHUNK]))
        )
        details.update({row.id: row for row in session.execute(stmt).all()})
    fired, rows = [], []
    for i in inserted:
        d, rung = details[i.checkpoint_id], i.rung.rung
        fired.append(
            FiredRung(i.escalation_id, i.checkpoint_id, rung, i.due_date, i.rung.audience, d.agency_id)
        )
        rows.append(
            dict(
                dedupe_key=f"escalation:{i.checkpoint_id}:{rung}:{i.due_date.isoformat()}",
                template=f"escalation_{rung}",
                audience=i.rung.audience,
                agency_id=d.agency_id,
                context={
                    "checkpoint_id": i.checkpoint_id,
                    "rung": rung,
                    "agency_name": d.name,
                    "plan_number": d.number,
                    "task_ref": d.ref,
                    "task_title": excerpt(d.title, TITLE_CHARS),
                    "task_text": excerpt(d.text, EXCERPT_CHARS),
                    "period_label": d.period_label,
                    "due_date": i.due_date.isoformat(),
                    "due_date_vn": i.due_date.strftime("%d/%m/%Y"),
                    "days_late": max(0, (today - i.due_date).days),
                    "days_left": max(0, (i.due_date - today).days),
                },
            )
        )
    for start in range(0, len(rows), _CHUNK):  # one INSERT stays under PostgreSQL's 65,535 parameters
        enqueue_many(session, rows[start : start + _CHUNK])
    return fired


@dataclass(frozen=True)
class _Inserted:
    escalation_id: int
    checkpoint_id: int
    due_date: date
    rung: Rung
