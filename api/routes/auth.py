"""Sign-in for API clients: bearer tokens (`/auth/token`) and cookie sessions (`/auth/session`)."""

import json

from fastapi import APIRouter, Request, Response
from pydantic import ValidationError
from sqlmodel import Session
from starlette.concurrency import run_in_threadpool

from api.deps import CurrentUser, SessionDep
from api.exceptions import NotAuthenticated
from api.schemas import LoginIn, SessionOut, TokenOut
from api.security import end_session, issue_token, start_session
from models.user import User, UserPublic
from workflows.kernel.errors import InvalidInput
from workflows.people.users import authenticate

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
            data = {k: form.get(k) for k in ("username", "password")}
        else:
            data = json.loads(await request.body() or b"null")
        return LoginIn.model_validate(data)
    except (ValueError, ValidationError) as exc:
        raise InvalidInput("auth.bad_body") from exc


async def _authenticated(request: Request, session: Session) -> User:
    creds = await _credentials(request)
    # argon2 verification takes tens of ms: keep it off the event loop
    user = await run_in_threadpool(authenticate, session, creds.username, creds.password)
    if user is None:
        raise NotAuthenticated("auth.bad_credentials")
    return user


@router.post(
    "/token",
    response_model=TokenOut,
    summary="Exchange username and password for a bearer token",
    openapi_extra=_CREDENTIALS_BODY,
    responses={401: {"description": "unknown user or wrong password (same message for both)"}},
)
async def create_token(request: Request, session: SessionDep) -> TokenOut:
    user = await _authenticated(request, session)
    token, row = await run_in_threadpool(issue_token, session, user)
    return TokenOut(access_token=token, expires_at=row.expires_at)


@router.post(
    "/session",
    response_model=SessionOut,
    summary="Sign in with a session cookie",
    description="Sets an HttpOnly session cookie (12 h). Unsafe requests made with the cookie "
    "must carry the returned `csrf_token` in the `X-CSRF-Token` header or a "
    "`csrf_token` form field.",
    openapi_extra=_CREDENTIALS_BODY,
    responses={401: {"description": "unknown user or wrong password (same message for both)"}},
)
async def create_session(request: Request, response: Response, session: SessionDep) -> SessionOut:
    user = await _authenticated(request, session)
    csrf = start_session(request, response, user)
    return SessionOut(csrf_token=csrf, user=UserPublic.model_validate(user, from_attributes=True))


@router.delete("/session", status_code=204, summary="Sign out (clears the session cookie)")
def delete_session(_user: CurrentUser, response: Response) -> None:
    end_session(response)
