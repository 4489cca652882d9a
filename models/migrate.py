"""Run Alembic migrations programmatically (no alembic.ini needed)."""

from functools import lru_cache
from pathlib import Path

from alembic import command
from alembic.config import Config
from alembic.runtime.migration import MigrationContext
from alembic.script import ScriptDirectory
from sqlalchemy.engine import Engine

MIGRATIONS = Path(__file__).parent / "migrations"


def alembic_config(url: str) -> Config:
    """An Alembic config pointing at our migrations and the given database."""
    cfg = Config()
    cfg.set_main_option("script_location", str(MIGRATIONS))
    cfg.set_main_option("sqlalchemy.url", url.replace("%", "%%"))
    return cfg


def upgrade(url: str, revision: str = "head") -> None:
    """Bring the database at `url` to `revision`."""
    command.upgrade(alembic_config(url), revision)


def revision(url: str, message: str) -> None:
    """Autogenerate a new migration against the database at `url` (developers only)."""
    command.revision(alembic_config(url), message=message, autogenerate=True)


@lru_cache
def _scripts() -> ScriptDirectory:
    return ScriptDirectory(str(MIGRATIONS))


def stamp_head(engine: Engine) -> None:
    """Record that a schema made by `create_all` is at the newest migration."""
    with engine.begin() as conn:
        MigrationContext.configure(conn).stamp(_scripts(), _scripts().get_current_head())
