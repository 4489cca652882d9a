"""Sessions (signed cookie), CSRF tokens for cookie requests, and bearer tokens."""

import hashlib
import hmac
import os
import secrets
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path

from fastapi import Request, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer
from sqlmodel import Session, select

from models.config import Settings
from models.types import utcnow
from models.user import ApiToken, User

SESSION_COOKIE = "plantrack_session"
SESSION_MAX_AGE = 12 * 3600  # one working day; the cookie and its signature expire together
TOKEN_TTL = timedelta(days=30)
CSRF_FIELD = "csrf_token"
CSRF_HEADER = "X-CSRF-Token"
UNSAFE_METHODS = frozenset({"POST", "PUT", "PATCH", "DELETE"})


@dataclass(frozen=True)
class SessionData:
    """What the session cookie carries: the user and a random nonce that keys the CSRF token."""

    user_id: int
    nonce: str


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


def _serializer(secret: str) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(secret, salt="plantrack-session")


def read_session(request: Request) -> SessionData | None:
    """The valid, unexpired session of this request, if any."""
    raw = request.cookies.get(SESSION_COOKIE)
    if not raw:
        return None
    try:
        data = _serializer(_secret(request)).loads(raw, max_age=SESSION_MAX_AGE)
        return SessionData(user_id=int(data["u"]), nonce=str(data["n"]))
    except (BadSignature, KeyError, TypeError, ValueError):
        return None


def start_session(request: Request, response: Response, user: User) -> str:
    """Set a fresh session cookie for `user` on `response`; returns its CSRF token."""
    nonce = secrets.token_urlsafe(16)
    cookie = _serializer(_secret(request)).dumps({"u": user.id, "n": nonce})
    response.set_cookie(
        SESSION_COOKIE,
        cookie,
        max_age=SESSION_MAX_AGE,
        httponly=True,
        samesite="lax",
        secure=request.url.scheme == "https",
        path="/",
    )
    return _csrf_for_nonce(_secret(request), nonce)


def end_session(response: Response) -> None:
    """Remove the session cookie."""
    response.delete_cookie(SESSION_COOKIE, path="/", httponly=True, samesite="lax")


def _csrf_for_nonce(secret: str, nonce: str) -> str:
    return hmac.new(secret.encode(), f"csrf:{nonce}".encode(), hashlib.sha256).hexdigest()


def csrf_token_for(request: Request) -> str:
    """The CSRF token forms of this session must carry ('' without a session)."""
    session = read_session(request)
    return _csrf_for_nonce(_secret(request), session.nonce) if session else ""


def csrf_valid(request: Request, session: SessionData, supplied: str | None) -> bool:
    """True when `supplied` is this session's CSRF token."""
    return bool(supplied) and hmac.compare_digest(_csrf_for_nonce(_secret(request), session.nonce), supplied)


def bearer_token(request: Request) -> str | None:
    """The token of an `Authorization: Bearer …` header, if present."""
    header = request.headers.get("authorization", "")
    scheme, _, token = header.partition(" ")
    if scheme.lower() != "bearer" or not token.strip():
        return None
    return token.strip()


def token_hash(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


def issue_token(session: Session, user: User, now: datetime | None = None) -> tuple[str, ApiToken]:
    """A new bearer token for `user`; only its sha256 is stored."""
    now = now or utcnow()
    token = secrets.token_urlsafe(32)
    row = ApiToken(
        user_id=user.id, token_sha256=token_hash(token), created_at=now, expires_at=now + TOKEN_TTL
    )
    session.add(row)
    session.flush()
    return token, row


def user_for_token(session: Session, token: str, now: datetime | None = None) -> User | None:
    """The active user owning an unexpired token, or None."""
    now = now or utcnow()
    row = session.exec(select(ApiToken).where(ApiToken.token_sha256 == token_hash(token))).first()
    if row is None or row.expires_at <= now:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None
