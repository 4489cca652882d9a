"""Queue mail in the caller's transaction; delivery (notifications/) happens later."""
from typing import Any

from sqlalchemy.dialects import postgresql, sqlite
from sqlmodel import Session

from models.outbox import OutboxMessage


def enqueue(session: Session, dedupe_key: str, template: str, context: dict[str, Any],
            audience: str | None = None, agency_id: int | None = None,
            recipients: list[str] | None = None) -> bool:
    """Add one outbox row unless its dedupe key exists; True when a row was added."""
    return enqueue_many(session, [dict(dedupe_key=dedupe_key, template=template, context=context,
                                       audience=audience, agency_id=agency_id,
                                       recipients=recipients or [])]) == 1


def enqueue_many(session: Session, rows: list[dict[str, Any]]) -> int:
    """Bulk insert outbox rows, skipping dedupe keys already queued; returns rows added."""
    if not rows:
        return 0
    dialect = session.get_bind().dialect.name
    insert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(OutboxMessage)
    values = [{"recipients": [], "audience": None, "agency_id": None, **r} for r in rows]
    stmt = (insert.values(values).on_conflict_do_nothing(index_elements=["dedupe_key"])
            .returning(OutboxMessage.id))
    return len(session.execute(stmt).all())  # rowcount is unreliable for multi-row inserts
