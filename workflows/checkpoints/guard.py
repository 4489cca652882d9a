"""The one guarded write every checkpoint change goes through (optimistic locking on `version`)."""

from sqlalchemy import func, update
from sqlmodel import Session

from models.checkpoint import Checkpoint
from workflows.checkpoints import summary
from workflows.kernel.errors import Conflict


def change_checkpoint(session: Session, cp: Checkpoint, expected_version: int | None, **values) -> None:
    """UPDATE … SET values, version+1 WHERE id AND version — Conflict when someone changed it first.

    `cp` is the row the caller's checks were made on; a form's `expected_version` must match it.
    """
    require_version(cp, expected_version)
    expected = cp.version
    stmt = (
        update(Checkpoint)
        .where(Checkpoint.id == cp.id, Checkpoint.version == expected)
        .values(**values, version=Checkpoint.version + 1, updated_at=func.now())
        .execution_options(synchronize_session=False)
    )
    with summary.changing(session, Checkpoint.id == cp.id):
        changed = session.execute(stmt).rowcount
    if changed != 1:
        raise Conflict("checkpoint.stale", expected=expected)
    session.refresh(cp)


def require_version(cp: Checkpoint, expected_version: int | None) -> None:
    """Refuse a form loaded at another version (checked before the rule's own state checks)."""
    if expected_version is not None and expected_version != cp.version:
        raise Conflict("checkpoint.stale_version", expected=expected_version, current=cp.version)


def lock_checkpoint(session: Session, checkpoint_id: int) -> None:
    """Take the checkpoint's row lock (PostgreSQL) / the write lock (SQLite) without changing it.

    Serialises check-then-insert rules (one pending extension request) on both backends.
    """
    session.execute(
        update(Checkpoint)
        .where(Checkpoint.id == checkpoint_id)
        .values(version=Checkpoint.version)
        .execution_options(synchronize_session=False)
    )
