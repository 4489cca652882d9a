"""Sessions (server-side, cookie holds a random secret), CSRF tokens for cookie requests, bearer tokens."""

import hashlib
import hmac
import os
import secrets
from datetime import datetime
from pathlib import Path

from fastapi import Request, Response
from sqlmodel import Session

from models.config import Settings
from models.db import unit_of_work
from models.types import utcnow
from models.user import AuthSession, SessionKind, User
from workflows.people import sessions as sign_ins
from workflows.people import throttle, totp
from workflows.people.users import authenticate

SESSION_COOKIE = "plantrack_session"
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


def load_secret_key(settings: Settings) -> str:
    """The configured secret, or one generated once and kept in `<data_dir>/secret_key` (0600)."""
    if settings.secret_key:
        return settings.secret_key
    path = Path(settings.data_dir) / "secret_key"
    path.parent.mkdir(parents=True, exist_ok=True)
    try:
        # O_EXCL: when several workers boot at once, exactly one writes and the others read it
        fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    except FileExistsError:
        key = path.read_text(encoding="ascii").strip()
        if key:
            return key
        raise RuntimeError(f"secret key file {path} is empty; delete it to generate a new one") from None
    key = secrets.token_urlsafe(48)
    with os.fdopen(fd, "w", encoding="ascii") as fh:
        fh.write(key)
    return key


def _secret(request: Request) -> str:
    return request.app.state.secret_key


def request_now() -> datetime:
    """The instant a request is judged at (sign-ins expire in real time, not on the app's pinned date)."""
    return utcnow()


def session_secret(request: Request) -> str | None:
    """The session cookie's secret, if the request carries one (validity is checked against the database)."""
    raw = request.cookies.get(SESSION_COOKIE)
    return raw if raw and len(raw) <= 100 else None


def _client(request: Request) -> tuple[str, str]:
    agent = request.headers.get("user-agent", "")
    return agent, request.client.host if request.client else ""


def client_address(request: Request) -> str | None:
    """The client's address (the proxy's forwarded one when uvicorn trusts the proxy)."""
    return request.client.host if request.client else None


def authenticate_throttled(request: Request, session: Session, username: str, password: str) -> User | None:
    """`authenticate` behind the login throttle: 429 while locked; a failure is counted and kept.

    The failure is counted in its own transaction, because the request's rolls back with the 401.
    A right password clears the name's count only when no code follows: otherwise a thief who has
    the password could clear the count of wrong codes with it.
    """
    now, address = request_now(), client_address(request)
    throttle.check_allowed(session, username, address, now)
    user = authenticate(session, username, password)
    if user is None:
        _count_failure(request, username, address, now)
        return None
    if not totp.requires_code(session, user):
        throttle.record_success(session, username)
    return user


def second_factor_throttled(request: Request, session: Session, user: User, code: str) -> bool:
    """The code step of a sign-in, throttled like the password: 429 while locked, failures counted."""
    now, address, username = request_now(), client_address(request), user.username
    throttle.check_allowed(session, username, address, now)
    if not code or not totp.check_code(session, user, code, now):
        session.rollback()  # a lost race may hold SQLite's write lock; the sign-in failed anyway
        _count_failure(request, username, address, now)
        return False
    throttle.record_success(session, user.username)
    return True


def _count_failure(request: Request, username: str, address: str | None, now: datetime) -> None:
    with unit_of_work(request.app.state.engine) as own:
        throttle.record_failure(own, username, address, now)


def cookie_secure(request: Request) -> bool:
    """Secure cookies when configured, or when the request came over HTTPS (through a trusted proxy)."""
    settings = getattr(request.app.state, "settings", None)
    return bool(getattr(settings, "cookie_secure", False)) or request.url.scheme == "https"


def start_session(request: Request, response: Response, db: Session, user: User) -> str:
    """Open a server-side session for `user` and set its cookie on `response`; returns its CSRF token."""
    agent, client = _client(request)
    secret, _row = sign_ins.open_sign_in(db, user, SessionKind.cookie, request_now(), agent, client)
    response.set_cookie(
        SESSION_COOKIE,
        secret,
        max_age=int(sign_ins.COOKIE_TTL.total_seconds()),
        httponly=True,
        samesite="lax",
        secure=cookie_secure(request),
        path="/",
    )
    return _csrf_for(_secret(request), secret)


def end_session(request: Request, response: Response, db: Session) -> None:
    """Revoke this request's session server-side and remove its cookie."""
    secret = session_secret(request)
    if secret:
        sign_ins.end_sign_in(db, secret, request_now())
    response.delete_cookie(
        SESSION_COOKIE, path="/", httponly=True, samesite="lax", secure=cookie_secure(request)
    )


def _csrf_for(key: str, secret: str) -> str:
    return hmac.new(key.encode(), f"csrf:{sign_ins.secret_hash(secret)}".encode(), hashlib.sha256).hexdigest()


def csrf_token_for(request: Request) -> str:
    """The CSRF token forms of this session must carry ('' without a session)."""
    secret = session_secret(request)
    return _csrf_for(_secret(request), secret) if secret else ""


def csrf_valid(request: Request, secret: str, supplied: str | None) -> bool:
    """True when `supplied` is the CSRF token of the session `secret`."""
    return bool(supplied) and hmac.compare_digest(_csrf_for(_secret(request), secret), supplied)


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer …` header, if present."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def issue_token(
    db: Session, user: User, now: datetime | None = None, user_agent: str = ""
) -> tuple[str, AuthSession]:
    """A new bearer token for `user`; only its sha256 is stored."""
    return sign_ins.open_sign_in(db, user, SessionKind.token, now or request_now(), user_agent)
