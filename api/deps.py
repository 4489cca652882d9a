"""Request dependencies (FastAPI full-stack template style `Annotated` aliases)."""

from collections.abc import Callable, Iterator
from datetime import date, timedelta
from typing import Annotated

from fastapi import Depends, Request
from sqlmodel import Session

from api.exceptions import CsrfFailed, NotAuthenticated
from api.security import (
    CSRF_FIELD,
    CSRF_HEADER,
    UNSAFE_METHODS,
    bearer_token,
    csrf_valid,
    request_now,
    session_secret,
)
from models.config import Settings
from models.db import unit_of_work
from models.user import SessionKind, User
from workflows.checkpoints.evidence import EvidenceStore
from workflows.kernel.actors import Actor
from workflows.kernel.clock import today_in_vietnam
from workflows.kernel.errors import InvalidInput, PermissionDenied
from workflows.kernel.text import has_control_chars
from workflows.people.sessions import SignIn, valid_sign_in


def get_session(request: Request) -> Iterator[Session]:
    """One session per request: commit when the endpoint succeeds, roll back on any error.

    A committed unsafe request may have changed what the cached views show: they are dropped.
    """
    with unit_of_work(request.app.state.engine) as session:
        yield session
    if request.method in UNSAFE_METHODS and (snapshots := getattr(request.app.state, "snapshots", None)):
        snapshots.changed()


# scope="function": commit before the response is sent, so a failed commit is never reported as success
SessionDep = Annotated[Session, Depends(get_session, scope="function")]


def get_settings_dep(request: Request) -> Settings:
    return request.app.state.settings


SettingsDep = Annotated[Settings, Depends(get_settings_dep)]


def get_today(request: Request) -> date:
    """The app's pinned date (tests, demos) or today in Asia/Ho_Chi_Minh."""
    return getattr(request.app.state, "today", None) or today_in_vietnam()


TodayDep = Annotated[date, Depends(get_today)]


async def csrf_guard(request: Request) -> None:
    """Refuse cookie-authenticated unsafe requests that lack this session's CSRF token."""
    if request.method not in UNSAFE_METHODS or bearer_token(request) is not None:
        return  # bearer requests carry no ambient credentials
    secret = session_secret(request)
    if secret is None:
        return
    supplied = request.headers.get(CSRF_HEADER)
    if supplied is None:
        ctype = request.headers.get("content-type", "")
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            value = (await request.form()).get(CSRF_FIELD)
            supplied = value if isinstance(value, str) else None
    if not supplied:
        raise CsrfFailed("csrf.missing")
    if not csrf_valid(request, secret, supplied):
        raise CsrfFailed("csrf.mismatch")


async def refuse_control_chars_in_forms(request: Request) -> None:
    """Multipart text fields are held to the rule of JSON strings and urlencoded fields (api/bodyguard.py).

    A multipart body can hold 20 MB of files, so it is not buffered before the app like the others:
    its parsed form (which the route reuses) is checked before any route runs.
    """
    if not request.headers.get("content-type", "").startswith("multipart/form-data"):
        return
    form = await request.form()
    for key, value in form.multi_items():
        if has_control_chars(key) or (isinstance(value, str) and has_control_chars(value)):
            raise InvalidInput("text.control_chars")


def identify(request: Request, db: Session) -> SignIn | None:
    """The valid sign-in of this request (bearer token first, then the cookie), else None."""
    now = request_now()
    token = bearer_token(request)
    if token is not None:
        found = valid_sign_in(db, token, SessionKind.token, now)
        if found is None:
            raise NotAuthenticated("auth.bad_token")
        return found
    secret = session_secret(request)
    if secret is None:
        return None
    settings = getattr(request.app.state, "settings", None)
    idle = timedelta(minutes=getattr(settings, "session_idle_minutes", 120))
    return valid_sign_in(db, secret, SessionKind.cookie, now, idle)


def _identify(request: Request, session: Session) -> User | None:
    found = identify(request, session)
    if found is None:
        return None
    request.state.sign_in_id = found.id  # "this session" on the sessions page; logout keeps others
    request.state.agency_name = found.agency_name  # the page header's, read with the sign-in
    return found.user


def get_optional_user(
    request: Request, session: SessionDep, _csrf: Annotated[None, Depends(csrf_guard)]
) -> User | None:
    """The signed-in user, or None for anonymous requests."""
    return _identify(request, session)


OptionalUser = Annotated[User | None, Depends(get_optional_user)]


def get_current_user(user: OptionalUser) -> User:
    """The signed-in user (bearer token or session cookie); 401 / login redirect otherwise."""
    if user is None:
        raise NotAuthenticated()
    return user


CurrentUser = Annotated[User, Depends(get_current_user)]


def get_actor(user: CurrentUser) -> Actor:
    return Actor.of(user)


ActorDep = Annotated[Actor, Depends(get_actor)]


def require_roles(*roles: str) -> Callable[[User], User]:
    """A dependency admitting only users with one of `roles` (403 otherwise)."""

    def dependency(user: CurrentUser) -> User:
        if user.role not in roles:
            raise PermissionDenied("role.not_allowed", role=user.role, needs=", ".join(roles))
        return user

    dependency.__name__ = f"require_{'_or_'.join(roles)}"
    return dependency


def get_store(settings: SettingsDep) -> EvidenceStore:
    """Where evidence files are kept (content-addressed under the data directory)."""
    return EvidenceStore.from_settings(settings)


StoreDep = Annotated[EvidenceStore, Depends(get_store)]
