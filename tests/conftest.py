"""Fixtures: a fresh database per test (SQLite temp file, or PostgreSQL when configured)."""

import os
import socket
import uuid
from collections.abc import Iterator
from pathlib import Path

import pytest
from sqlalchemy import text
from sqlalchemy.engine import Engine, make_url
from sqlmodel import Session, SQLModel

from models.config import Settings
from models.db import create_schema, make_engine

# Set PLANTRACK_TEST_DATABASE_URL=postgresql+psycopg://postgres@127.0.0.1:5432/test to run the
# whole suite on PostgreSQL; each run works in a throwaway database created next to that one.
PG_URL = os.environ.get("PLANTRACK_TEST_DATABASE_URL", "")
PG_DEFAULT = "postgresql+psycopg://postgres@127.0.0.1:5432/test"

os.environ.setdefault("PREFECT_SERVER_ANALYTICS_ENABLED", "false")
os.environ.setdefault("PREFECT_SERVER_ALLOW_EPHEMERAL_MODE", "false")


def postgres_reachable(url: str = PG_DEFAULT) -> bool:
    """True when a PostgreSQL server answers at the URL's host and port."""
    u = make_url(url)
    try:
        with socket.create_connection((u.host or "127.0.0.1", u.port or 5432), timeout=1):
            return True
    except OSError:
        return False


def _throwaway_pg(base_url: str) -> tuple[str, Engine]:
    """Create an empty database beside `base_url`; return its URL and an admin engine."""
    admin = make_engine(base_url, isolation_level="AUTOCOMMIT")
    name = f"plantrack_t_{uuid.uuid4().hex[:10]}"
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    return make_url(base_url).set(database=name).render_as_string(hide_password=False), admin


def _drop_pg(admin: Engine, url: str) -> None:
    name = make_url(url).database
    with admin.connect() as conn:
        conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
    admin.dispose()


@pytest.fixture(scope="session")
def _pg_suite_db() -> Iterator[tuple[str, Engine] | None]:
    """One PostgreSQL database for the whole run when PLANTRACK_TEST_DATABASE_URL is set."""
    if not PG_URL:
        yield None
        return
    url, admin = _throwaway_pg(PG_URL)
    engine = make_engine(url)
    create_schema(engine)
    yield url, engine
    engine.dispose()
    _drop_pg(admin, url)


def _truncate_all(engine: Engine) -> None:
    names = ", ".join(f'"{t.name}"' for t in SQLModel.metadata.sorted_tables)
    with engine.begin() as conn:
        conn.execute(text(f"TRUNCATE {names} RESTART IDENTITY CASCADE"))


@pytest.fixture
def db_url(tmp_path: Path, _pg_suite_db) -> str:
    """URL of an empty database with the schema, fresh for this test."""
    if _pg_suite_db is None:
        url = f"sqlite:///{tmp_path / 'test.db'}"
        eng = make_engine(url)
        create_schema(eng)
        eng.dispose()
        return url
    url, engine = _pg_suite_db
    _truncate_all(engine)
    return url


@pytest.fixture
def engine(db_url: str) -> Iterator[Engine]:
    eng = make_engine(db_url)
    yield eng
    eng.dispose()


@pytest.fixture
def session(engine: Engine) -> Iterator[Session]:
    with Session(engine, expire_on_commit=False) as s:
        yield s


@pytest.fixture
def settings(tmp_path: Path, db_url: str) -> Settings:
    """Settings for this test: its own data directory and database."""
    return Settings(
        data_dir=tmp_path / "data", database_url=db_url, secret_key="test-secret", scheduler_enabled=False
    )


@pytest.fixture
def pg_url() -> Iterator[str]:
    """A throwaway PostgreSQL database with the schema (for tests that need PostgreSQL itself)."""
    base = PG_URL or PG_DEFAULT
    if not postgres_reachable(base):
        pytest.skip("PostgreSQL not reachable at 127.0.0.1:5432")
    url, admin = _throwaway_pg(base)
    eng = make_engine(url)
    create_schema(eng)
    eng.dispose()
    yield url
    _drop_pg(admin, url)


@pytest.fixture
def empty_db_url(tmp_path: Path) -> Iterator[str]:
    """An empty database without tables, on the backend this run tests."""
    if not PG_URL:
        yield f"sqlite:///{tmp_path / 'empty.db'}"
        return
    url, admin = _throwaway_pg(PG_URL)
    yield url
    _drop_pg(admin, url)
