"""Sign-ins that end: cookie sessions and bearer tokens stored server-side, hashed, revocable.

A sign-in is valid while it is not revoked, not past `expires_at`, its user is active and (for cookie
sessions) it was used within the idle timeout. Logout, a password change, deactivation and an
admin's "sign out everywhere" revoke rows at once; every check reads the row, so revocation is
immediate in every worker.
"""

import hashlib
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import update
from sqlmodel import Session, col, select

from models.agency import Agency
from models.user import AuthSession, AuthSessionPublic, Role, SessionKind, User
from workflows.kernel import audit
from workflows.kernel.actors import Actor
from workflows.kernel.errors import NotFound

COOKIE_TTL = timedelta(hours=12)  # one working day at most, however active
TOKEN_TTL = timedelta(days=30)
TOUCH_EVERY = timedelta(minutes=1)  # last use is written at most once a minute per sign-in


@dataclass(frozen=True)
class SignIn:
    """A valid sign-in: its row id, its user and the name of the user's agency (every page's header)."""

    id: int
    user: User
    agency_name: str | None = None


def secret_hash(secret: str) -> str:
    """The stored form of a session or token secret."""
    return hashlib.sha256(secret.encode()).hexdigest()


def open_sign_in(
    session: Session, user: User, kind: SessionKind, now: datetime, user_agent: str = "", client: str = ""
) -> tuple[str, AuthSession]:
    """A new sign-in for `user`; returns the secret (shown once) and its row."""
    secret = secrets.token_urlsafe(32)
    row = AuthSession(
        user_id=user.id,
        kind=kind,
        token_sha256=secret_hash(secret),
        created_at=now,
        last_used_at=now,
        expires_at=now + (COOKIE_TTL if kind == SessionKind.cookie else TOKEN_TTL),
        user_agent=user_agent[:255],
        client=client[:64],
    )
    session.add(row)
    session.flush()
    return secret, row


def valid_sign_in(
    session: Session, secret: str, kind: SessionKind, now: datetime, idle: timedelta | None = None
) -> SignIn | None:
    """The sign-in this secret opens, if still valid (and notes its use); None otherwise.

    One statement: every request asks it (the row, its user and the user's agency name).
    """
    found = session.exec(
        select(AuthSession, User, Agency.name)
        .join(User, col(User.id) == AuthSession.user_id)
        .outerjoin(Agency, col(Agency.id) == User.agency_id)
        .where(AuthSession.token_sha256 == secret_hash(secret), AuthSession.kind == kind)
    ).first()
    if found is None:
        return None
    row, user, agency_name = found
    if row.revoked_at is not None or row.expires_at <= now:
        return None
    if idle is not None and kind == SessionKind.cookie and row.last_used_at + idle <= now:
        return None
    if not user.active:
        return None
    if now - row.last_used_at >= TOUCH_EVERY:
        row.last_used_at = now
        session.add(row)
        session.flush()
    return SignIn(id=row.id, user=user, agency_name=agency_name)


def end_sign_in(session: Session, secret: str, now: datetime) -> None:
    """Revoke the sign-in of this secret (logout); nothing happens for an unknown secret."""
    session.execute(
        update(AuthSession)
        .where(col(AuthSession.token_sha256) == secret_hash(secret), col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason="logout")
    )


def revoke_all(session: Session, user_id: int, now: datetime, reason: str, keep: int | None = None) -> int:
    """Revoke every live sign-in of a user (except `keep`); returns how many ended."""
    stmt = (
        update(AuthSession)
        .where(col(AuthSession.user_id) == user_id, col(AuthSession.revoked_at).is_(None))
        .values(revoked_at=now, revoked_reason=reason)
    )
    if keep is not None:
        stmt = stmt.where(col(AuthSession.id) != keep)
    return session.execute(stmt).rowcount or 0


def sign_ins_of(
    session: Session, user_id: int, now: datetime, current: int | None = None
) -> list[AuthSessionPublic]:
    """A user's live sign-ins, newest use first, the current one marked."""
    rows = session.exec(
        select(AuthSession)
        .where(
            AuthSession.user_id == user_id,
            col(AuthSession.revoked_at).is_(None),
            AuthSession.expires_at > now,
        )
        .order_by(col(AuthSession.last_used_at).desc())
    ).all()
    return [
        AuthSessionPublic.model_validate(r, from_attributes=True).model_copy(
            update={"current": r.id == current}
        )
        for r in rows
    ]


def end_own_sign_in(session: Session, actor: Actor, sign_in_id: int, now: datetime) -> None:
    """A user ends one of their own sign-ins; another user's answers like a missing one."""
    row = session.get(AuthSession, sign_in_id)
    if row is None or row.user_id != actor.user_id or row.revoked_at is not None:
        raise NotFound("not_found", what="session", id=sign_in_id)
    row.revoked_at, row.revoked_reason = now, "ended_by_user"
    session.add(row)
    session.flush()
    audit.record(session, actor, "session.end", "user", actor.user_id, None, {"session_id": sign_in_id})


def sign_out_everywhere(session: Session, actor: Actor, user_id: int, now: datetime) -> int:
    """An admin (or the user themself) ends every sign-in of a user at once."""
    if actor.role != Role.admin and actor.user_id != user_id:
        raise NotFound("not_found", what="user", id=user_id)
    if session.get(User, user_id) is None:
        raise NotFound("not_found", what="user", id=user_id)
    ended = revoke_all(session, user_id, now, "signed_out_everywhere")
    audit.record(session, actor, "session.end_all", "user", user_id, None, {"ended": ended})
    return ended
