"""Queue mail in the caller's transaction (delivery, notifications/, happens later); requeue dead mail."""

from datetime import datetime
from typing import Any

from sqlalchemy import JSON, case, literal, update
from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session, select

from models.outbox import OutboxMessage
from models.user import Role
from workflows.kernel.actors import SYSTEM, Actor, require_role
from workflows.kernel.audit import record


def enqueue(
    session: Session,
    dedupe_key: str,
    template: str,
    context: dict[str, Any],
    audience: str | None = None,
    agency_id: int | None = None,
    recipients: list[str] | None = None,
) -> bool:
    """Add one outbox row unless its dedupe key exists; True when a row was added."""
    return (
        enqueue_many(
            session,
            [
                dict(
                    dedupe_key=dedupe_key,
                    template=template,
                    context=context,
                    audience=audience,
                    agency_id=agency_id,
                    recipients=recipients or [],
                )
            ],
        )
        == 1
    )


def enqueue_many(session: Session, rows: list[dict[str, Any]]) -> int:
    """Bulk insert outbox rows, skipping dedupe keys already queued; returns rows added."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(OutboxMessage.__table__)
    stmt = insert.on_conflict_do_nothing(index_elements=["dedupe_key"]).returning(OutboxMessage.id)
    # executemany, not one multi-VALUES statement: SQLAlchemy batches it ("insertmanyvalues") with a
    # cached statement; a 2,000-row VALUES list took ~1 s to compile and parse (bench/RESULTS.md)
    batches: dict[tuple[str, ...], list[dict[str, Any]]] = {}
    for r in rows:
        value = {"recipients": [], "audience": None, "agency_id": None, **r}
        batches.setdefault(tuple(sorted(value)), []).append(value)
    conn = session.connection()
    # rowcount is unreliable for multi-row inserts: count the ids returned
    return sum(len(conn.execute(stmt, values).all()) for values in batches.values())


def dead_mail(session: Session, limit: int = 100) -> list[OutboxMessage]:
    """Mail delivery gave up on, newest first."""
    stmt = select(OutboxMessage).where(OutboxMessage.status == "dead").order_by(OutboxMessage.id.desc())
    return list(session.exec(stmt.limit(limit)).all())


def requeue_dead(
    session: Session,
    actor: Actor,
    now: datetime,
    ids: list[int] | None = None,
    key_prefix: str | None = None,
    readdress: bool = False,
) -> list[int]:
    """Put dead mail (all, or those ids / dedupe keys starting with `key_prefix`) back in the queue.

    The rows become `pending` with a fresh attempt count, due at `now`. With `readdress`, rows that
    name an audience forget their recipients, so delivery resolves them again from the registry
    (after an address was corrected). One audit event per row; returns the requeued ids.
    """
    require_role(actor, Role.admin, SYSTEM.role)
    t = OutboxMessage.__table__
    where = [t.c.status == "dead"]
    if ids:
        where.append(t.c.id.in_(ids))
    if key_prefix:
        where.append(t.c.dedupe_key.startswith(key_prefix, autoescape=True))
    values: dict[str, Any] = dict(status="pending", attempts=0, next_attempt_at=now, locked_until=None)
    if readdress:
        values["recipients"] = case((t.c.audience.is_not(None), literal([], JSON)), else_=t.c.recipients)
    stmt = update(t).where(*where).values(**values).returning(t.c.id, t.c.dedupe_key, t.c.last_error)
    requeued = sorted(session.connection().execute(stmt).all())
    for row in requeued:
        before = {"status": "dead", "dedupe_key": row.dedupe_key, "last_error": row.last_error}
        record(session, actor, "outbox.requeue", "outbox", row.id, before, {"status": "pending"})
    session.flush()
    return [row.id for row in requeued]
