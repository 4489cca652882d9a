"""Engine and session setup; the request/job boundary commits (`unit_of_work`)."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy import event
from sqlalchemy.engine import Engine
from sqlmodel import Session, SQLModel, create_engine

import models  # noqa: F401  (registers every table on SQLModel.metadata)
from models.search import PG_TEXT_FUNCTION, search_text


def make_engine(url: str, **kwargs) -> Engine:
    """An engine with the pragmas SQLite needs for concurrent web workers."""
    if url.startswith("sqlite"):
        kwargs.setdefault("connect_args", {"check_same_thread": False, "timeout": 30})
        engine = create_engine(url, **kwargs)
        event.listen(engine, "connect", _sqlite_pragmas)
        return engine
    kwargs.setdefault("pool_pre_ping", True)
    if url.startswith("postgresql"):
        # JIT compiles long-running analytic plans; ours are short, and a misestimated rollup
        # spent 0.3–0.8 s of its 1.4 s compiling (bench/RESULTS.md)
        connect_args = kwargs.setdefault("connect_args", {})
        connect_args.setdefault("options", "-c jit=off")
    return create_engine(url, **kwargs)


def engine_for(settings) -> Engine:
    """The app's engine: its connection pool sized by the settings (SQLite keeps its default)."""
    if settings.db_url.startswith("sqlite"):
        return make_engine(settings.db_url)
    return make_engine(
        settings.db_url,
        pool_size=settings.db_pool_size,
        max_overflow=settings.db_pool_overflow,
        pool_timeout=settings.db_pool_timeout_s,
    )


def _sqlite_pragmas(dbapi_conn, _record) -> None:
    cur = dbapi_conn.cursor()
    cur.execute("PRAGMA journal_mode=WAL")
    cur.execute("PRAGMA foreign_keys=ON")
    cur.execute("PRAGMA busy_timeout=30000")
    cur.execute("PRAGMA synchronous=NORMAL")
    cur.close()
    # PostgreSQL's unaccenting function (models/search.py), so a filter folds text the same way on both
    dbapi_conn.create_function(PG_TEXT_FUNCTION, 1, search_text, deterministic=True)


def create_schema(engine: Engine) -> None:
    """Create every table and stamp it at the newest migration, as Alembic recommends."""
    from models.migrate import stamp_head

    SQLModel.metadata.create_all(engine)
    stamp_head(engine)


@contextmanager
def unit_of_work(engine: Engine) -> Iterator[Session]:
    """One transaction: commit on success, roll back on any error."""
    with Session(engine, expire_on_commit=False) as session:
        try:
            yield session
            session.commit()
        except BaseException:
            session.rollback()
            raise
