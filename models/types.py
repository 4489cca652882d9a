"""Column types shared by the tables."""

from datetime import UTC, datetime

from sqlalchemy import DateTime, TypeDecorator


class AwareDateTime(TypeDecorator):
    """Timezone-aware timestamps, stored as UTC on SQLite and PostgreSQL alike."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value, dialect):
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime; pass an aware one")
        value = value.astimezone(UTC)
        return value.replace(tzinfo=None) if dialect.name == "sqlite" else value

    def process_result_value(self, value, dialect):
        if value is None:
            return None
        return value.replace(tzinfo=UTC) if value.tzinfo is None else value.astimezone(UTC)


def utcnow() -> datetime:
    """Now, aware, in UTC (only entry points and rows' defaults call it)."""
    return datetime.now(UTC)
