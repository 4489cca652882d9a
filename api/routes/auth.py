"""Sign-in for API clients: bearer tokens (`/auth/token`) and cookie sessions (`/auth/session`)."""

import json

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.deps import ActorDep, CurrentUser, SessionDep
from api.exceptions import CsrfFailed, NotAuthenticated
from api.schemas import ErrorOut, IdPath, LoginIn, SessionOut, TokenOut
from api.security import (
    authenticate_throttled,
    bearer_token,
    end_session,
    issue_token,
    request_now,
    second_factor_throttled,
    start_session,
)
from models.user import AuthSessionPublic, User, UserPublic
from workflows.kernel.errors import InvalidInput
from workflows.people import sessions as sign_ins
from workflows.people import totp

router = APIRouter(prefix="/auth", tags=["auth"])

_CREDENTIALS_BODY = {
    "requestBody": {
        "required": True,
        "content": {
            "application/json": {"schema": LoginIn.model_json_schema()},
            "application/x-www-form-urlencoded": {"schema": LoginIn.model_json_schema()},
        },
    }
}


async def _credentials(request: Request) -> LoginIn:
    """Username and password from a form (OAuth2 password style) or a JSON body."""
    ctype = request.headers.get("content-type", "")
    try:
        if ctype.startswith(("application/x-www-form-urlencoded", "multipart/form-data")):
            form = await request.form()
            data = {k: form.get(k) for k in ("username", "password", "otp") if k in form}
        else:
            data = json.loads(await request.body() or b"null")
        return LoginIn.model_validate(data)
    except (ValueError, ValidationError, RecursionError) as exc:
        raise InvalidInput("auth.bad_body") from exc


_REFUSAL = {"application/json": {"schema": ErrorOut.model_json_schema()}}
LOGIN_REFUSALS: dict[int | str, dict] = {
    401: {
        "description": "unknown user or wrong password (same message for both, code "
        "`auth.bad_credentials`); for an account with two-step sign-in, `auth.otp_required` (send "
        "`otp`) or `auth.otp_wrong`",
        "content": _REFUSAL,
    },
    429: {
        "description": "too many failed sign-ins (passwords or codes) for this name or this client "
        "address (code `auth.throttled`): wait the seconds in Retry-After",
        "headers": {
            "Retry-After": {
                "description": "seconds until a sign-in is tried again",
                "schema": {"type": "integer"},
            }
        },
        "content": _REFUSAL,
    },
}

_JSON_CREDENTIALS_BODY = {
    "requestBody": {
        "required": True,
        "content": {"application/json": {"schema": LoginIn.model_json_schema()}},
    }
}


def _refuse_cross_site_login(request: Request) -> None:
    """Login CSRF: a page elsewhere must not sign the browser into an account of the attacker's.

    A cross-site HTML form can only send form or text/plain bodies, so the cookie session takes
    JSON only (which needs a CORS preflight the app never grants); browsers that say where a
    request comes from are checked too.
    """
    if request.headers.get("sec-fetch-site", "") == "cross-site":
        raise CsrfFailed("auth.cross_site")
    origin = request.headers.get("origin")
    if origin is not None and origin.rstrip("/") != str(request.base_url).rstrip("/"):
        raise CsrfFailed("auth.cross_site")  # "null" (sandboxed frames, file:) included
    if request.headers.get("content-type", "").split(";")[0].strip().lower() != "application/json":
        raise InvalidInput("auth.session_json")


async def _authenticated(request: Request, session: Session) -> User:
    """The user these credentials sign in, the second factor's code included when the account has one."""
    creds = await _credentials(request)
    # argon2 verification takes tens of ms: keep it off the event loop
    user = await run_in_threadpool(authenticate_throttled, request, session, creds.username, creds.password)
    if user is None:
        raise NotAuthenticated("auth.bad_credentials")
    if totp.requires_code(session, user):
        if not creds.otp:
            raise NotAuthenticated("auth.otp_required")
        if not await run_in_threadpool(second_factor_throttled, request, session, user, creds.otp):
            raise NotAuthenticated("auth.otp_wrong")
    return user


@router.post(
    "/token",
    response_model=TokenOut,
    summary="Exchange username and password for a bearer token",
    openapi_extra=_CREDENTIALS_BODY,
    responses=LOGIN_REFUSALS,
)
async def create_token(request: Request, session: SessionDep) -> TokenOut:
    user = await _authenticated(request, session)
    agent = request.headers.get("user-agent", "")
    token, row = await run_in_threadpool(issue_token, session, user, None, agent)
    return TokenOut(access_token=token, expires_at=row.expires_at)


@router.post(
    "/session",
    response_model=SessionOut,
    summary="Sign in with a session cookie",
    description="Takes a JSON body (a cross-site form cannot send one). Sets an HttpOnly session "
    "cookie (12 h). Unsafe requests made with the cookie must carry the returned `csrf_token` in "
    "the `X-CSRF-Token` header or a `csrf_token` form field.",
    openapi_extra=_JSON_CREDENTIALS_BODY,
    responses={**LOGIN_REFUSALS, 403: {"description": "sent from another site (Origin / Sec-Fetch-Site)"}},
)
async def create_session(request: Request, response: Response, session: SessionDep) -> SessionOut:
    _refuse_cross_site_login(request)
    user = await _authenticated(request, session)
    csrf = await run_in_threadpool(start_session, request, response, session, user)
    return SessionOut(csrf_token=csrf, user=UserPublic.model_validate(user, from_attributes=True))


@router.delete("/session", status_code=204, summary="Sign out (ends the session server-side)")
def delete_session(_user: CurrentUser, request: Request, response: Response, session: SessionDep) -> None:
    end_session(request, response, session)


@router.delete("/token", status_code=204, summary="Revoke the bearer token this request carries")
def delete_token(request: Request, session: SessionDep, _user: CurrentUser) -> None:
    token = bearer_token(request)
    if token is None:
        raise NotAuthenticated("auth.bad_token")
    sign_ins.end_sign_in(session, token, request_now())


@router.get("/sessions", response_model=list[AuthSessionPublic], summary="My live sessions and tokens")
def my_sessions(request: Request, session: SessionDep, user: CurrentUser) -> list[AuthSessionPublic]:
    return sign_ins.sign_ins_of(session, user.id, request_now(), getattr(request.state, "sign_in_id", None))


@router.delete("/sessions/{session_id}", status_code=204, summary="End one of my sessions or tokens")
def end_my_session(session_id: IdPath, session: SessionDep, actor: ActorDep) -> None:
    sign_ins.end_own_sign_in(session, actor, session_id, request_now())
