"""People and roles: the admin creates accounts; focal points and heads belong to one agency."""

import re

from sqlalchemy import Select
from sqlalchemy.exc import IntegrityError
from sqlmodel import Session, select

from models.agency import Agency
from models.types import utcnow
from models.user import AGENCY_ROLES, Role, User, UserCreate, username_key
from workflows.kernel import audit
from workflows.kernel.actors import Actor, require_role
from workflows.kernel.errors import Conflict, InvalidInput, NotFound, PermissionDenied
from workflows.people.passwords import hash_password, verify_password
from workflows.people.sessions import revoke_all

# letters and digits at both ends: `yte.` or `-yte` cannot pose as `yte`
USERNAME = re.compile(r"[A-Za-z0-9][A-Za-z0-9._@-]{1,78}[A-Za-z0-9]")
MIN_PASSWORD = 8
# verified when the username is unknown, so a miss costs as much as a wrong password
_DUMMY_HASH = hash_password("plantrack-no-such-user")


def create_user(session: Session, actor: Actor, data: UserCreate) -> User:
    """Add an account (admin only; the CLI bootstraps the first admin as SYSTEM)."""
    require_role(actor, Role.admin, "system")
    username = (data.username or "").strip()
    if not USERNAME.fullmatch(username):
        raise InvalidInput("user.username_invalid")
    if data.role not in set(Role):
        raise InvalidInput("user.role_unknown", role=data.role, allowed=", ".join(r.value for r in Role))
    _check_password(data.password)
    if data.role in AGENCY_ROLES:
        if data.agency_id is None:
            raise InvalidInput("user.needs_agency", role=data.role)
        agency = session.get(Agency, data.agency_id)
        if agency is None:
            raise InvalidInput("user.agency_missing", id=data.agency_id)
        if not agency.active:
            raise InvalidInput("user.agency_inactive", name=agency.name, successor=agency.successor_id)
    elif data.agency_id is not None:
        raise InvalidInput("user.no_agency_for_role", role=data.role)
    email = (data.email or "").strip() or None
    if email is not None and not re.fullmatch(r"[^@\s]+@[^@\s]+\.[^@\s]+", email):
        raise InvalidInput("user.email_invalid", email=email)
    if session.exec(select(User.id).where(User.username_key == username_key(username))).first() is not None:
        raise Conflict("user.username_taken", username=username)
    user = User(
        username=username,
        full_name=(data.full_name or "").strip(),
        email=email,
        role=data.role,
        agency_id=data.agency_id,
        password_hash=hash_password(data.password),
    )
    session.add(user)
    try:
        session.flush()
    except IntegrityError as exc:  # a concurrent create won the race for the username
        raise Conflict("user.username_taken", username=username) from exc
    audit.record(
        session,
        actor,
        "user.create",
        "user",
        user.id,
        None,
        dict(
            username=username, full_name=user.full_name, email=email, role=user.role, agency_id=user.agency_id
        ),
    )
    return user


def find_user(session: Session, username: str) -> User | None:
    """The account of this name, whatever its case."""
    return session.exec(select(User).where(User.username_key == username_key(username))).first()


def authenticate(session: Session, username: str, password: str) -> User | None:
    """The active user with this username and password, else None (same cost either way)."""
    user = session.exec(select(User).where(User.username_key == username_key(username))).first()
    if user is None:
        verify_password(_DUMMY_HASH, password or "")
        return None
    if not verify_password(user.password_hash, password or ""):
        return None
    return user if user.active else None


def set_password(
    session: Session,
    actor: Actor,
    user_id: int,
    new_password: str,
    current_password: str | None = None,
    keep_sign_in: int | None = None,
) -> User:
    """An admin resets anyone's password; a user changes their own with the current one.

    Every other sign-in of the user ends at once (`keep_sign_in`: the session making the change)."""
    user = _get_user(session, user_id)
    if actor.role != Role.admin:
        if actor.user_id != user_id:
            raise PermissionDenied("user.password_other")
        if current_password is None or not verify_password(user.password_hash, current_password):
            raise PermissionDenied("user.password_wrong")
    _check_password(new_password)
    user.password_hash = hash_password(new_password)
    session.add(user)
    session.flush()
    # never the hash itself: the audit trail is readable by admins
    ended = revoke_all(session, user.id, utcnow(), "password_changed", keep=keep_sign_in)
    audit.record(
        session,
        actor,
        "user.set_password",
        "user",
        user.id,
        None,
        {"password": "changed", "sessions_ended": ended},
    )
    return user


def deactivate(session: Session, actor: Actor, user_id: int) -> User:
    """Switch an account off (accounts are never deleted: audit events point at them)."""
    require_role(actor, Role.admin)
    user = _get_user(session, user_id)
    if user.id == actor.user_id:
        raise InvalidInput("user.deactivate_self")
    if not user.active:
        raise Conflict("user.already_inactive", username=user.username)
    user.active = False
    session.add(user)
    session.flush()
    ended = revoke_all(session, user.id, utcnow(), "deactivated")
    audit.record(
        session,
        actor,
        "user.deactivate",
        "user",
        user.id,
        {"active": True},
        {"active": False, "sessions_ended": ended},
    )
    return user


def _get_user(session: Session, user_id: int) -> User:
    user = session.get(User, user_id)
    if user is None:
        raise NotFound("not_found", what="user", id=user_id)
    return user


def users_query(role: str | None = None, agency_id: int | None = None, active: bool | None = None) -> Select:
    """Users by username, optionally of one role, one agency, or (in)active ones."""
    stmt = select(User).order_by(User.username)
    if role is not None:
        stmt = stmt.where(User.role == role)
    if agency_id is not None:
        stmt = stmt.where(User.agency_id == agency_id)
    if active is not None:
        stmt = stmt.where(User.active == active)
    return stmt


def _check_password(password: str | None) -> None:
    if password is None or len(password) < MIN_PASSWORD:
        raise InvalidInput("user.password_short", min=MIN_PASSWORD)
    if len(password) > 200:
        raise InvalidInput("user.password_long")
