"""Queue mail in the caller's transaction; delivery (notifications/) happens later."""

from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models.outbox import OutboxMessage


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
