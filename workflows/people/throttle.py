"""Login throttling: per account name and per client address, growing delays, then a temporary lock.

Every failed sign-in counts against the name typed (folded, whether or not such an account
exists, so the answer never tells) and against the client's address. The first `FREE_FAILURES`
(`FREE_FAILURES_ADDRESS` for an address, where a whole office may sit behind one NAT) cost
nothing; each further one closes the door for twice as long as the last, up to `MAX_LOCK`.
A success clears the account's count, not the address's; a count is forgotten `FORGET_AFTER`
past its last failure.
"""

from datetime import datetime, timedelta

from sqlalchemy import case, func
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlmodel import Session, delete, select

from models.user import LoginThrottle
from workflows.kernel import audit
from workflows.kernel.actors import SYSTEM
from workflows.kernel.errors import TooManyAttempts

FREE_FAILURES = 5
FREE_FAILURES_ADDRESS = 20
FIRST_DELAY = timedelta(seconds=15)
MAX_LOCK = timedelta(minutes=15)
FORGET_AFTER = timedelta(hours=1)


def account_key(username: str) -> str:
    """The throttle key of a typed account name (case and surrounding spaces do not matter)."""
    return "account:" + (username or "").strip().casefold()[:100]


def address_key(address: str | None) -> str:
    return "address:" + (address or "unknown")[:100]


def lock_for(failures: int, free: int) -> timedelta:
    """How long the door stays closed after `failures` consecutive failures."""
    if failures <= free:
        return timedelta(0)
    doublings = min(failures - free - 1, 20)  # 15 s · 2^20 is far past the cap already
    return min(FIRST_DELAY * 2**doublings, MAX_LOCK)


def check_allowed(session: Session, username: str, address: str | None, now: datetime) -> None:
    """Refuse (429) while the account name or the address is locked; says nothing else."""
    keys = [account_key(username), address_key(address)]
    rows = session.exec(select(LoginThrottle).where(LoginThrottle.key.in_(keys))).all()
    until = max((r.locked_until for r in rows if r.locked_until and r.locked_until > now), default=None)
    if until is not None:
        raise TooManyAttempts("auth.throttled", retry_after=_seconds(until - now))


def record_failure(session: Session, username: str, address: str | None, now: datetime) -> None:
    """Count one failed sign-in against the name and the address; lock when past the free ones."""
    for key, free in ((account_key(username), FREE_FAILURES), (address_key(address), FREE_FAILURES_ADDRESS)):
        failures = _bump(session, key, now)
        lock = lock_for(failures, free)
        if lock:
            row = session.exec(select(LoginThrottle).where(LoginThrottle.key == key)).one()
            row.locked_until = now + lock
            session.add(row)
            audit.record(
                session,
                SYSTEM,
                "auth.throttled",
                "login",
                None,
                None,
                {"key": key, "failures": failures, "locked_s": _seconds(lock)},
            )
    session.flush()


def record_success(session: Session, username: str) -> None:
    """A right password clears the account's count (the address keeps its own)."""
    session.exec(delete(LoginThrottle).where(LoginThrottle.key == account_key(username)))


def forget_old(session: Session, now: datetime) -> int:
    """Drop counts whose last failure is older than `FORGET_AFTER` (the scheduled job)."""
    result = session.exec(delete(LoginThrottle).where(LoginThrottle.last_failure_at < now - FORGET_AFTER))
    return result.rowcount or 0


def _bump(session: Session, key: str, now: datetime) -> int:
    """Add one failure to `key` atomically (a count idle past `FORGET_AFTER` starts again)."""
    dialect = session.get_bind().dialect.name
    insert = pg_insert if dialect == "postgresql" else sqlite_insert
    table = LoginThrottle.__table__
    stale = table.c.last_failure_at < now - FORGET_AFTER
    stmt = insert(table).values(key=key, failures=1, last_failure_at=now, locked_until=None)
    stmt = stmt.on_conflict_do_update(
        index_elements=[table.c.key],
        set_={
            "failures": func.coalesce(_case(stale, 1, table.c.failures + 1), 1),
            "last_failure_at": now,
        },
    ).returning(table.c.failures)
    return int(session.execute(stmt).scalar_one())


def _case(cond, then, otherwise):
    return case((cond, then), else_=otherwise)


def _seconds(delta: timedelta) -> int:
    return max(1, int(delta.total_seconds() + 0.999))
