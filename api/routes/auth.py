"""Bearer tokens for integrations: `POST /auth/token`."""
import json

from fastapi import APIRouter, Request
from pydantic import ValidationError
from starlette.concurrency import run_in_threadpool

from api.deps import SessionDep
from api.errors import NotAuthenticated
from api.schemas import LoginIn, TokenOut
from api.security import issue_token
from workflows.errors import InvalidInput

router = APIRouter(prefix="/auth", tags=["auth"])

BAD_CREDENTIALS = "incorrect username or password"


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
        raise InvalidInput("send username and password as a form or a JSON object") from exc


@router.post("/token", response_model=TokenOut, summary="Exchange username and password for a bearer token",
             openapi_extra={"requestBody": {"required": True, "content": {
                 "application/json": {"schema": LoginIn.model_json_schema()},
                 "application/x-www-form-urlencoded": {"schema": LoginIn.model_json_schema()}}}},
             responses={401: {"description": "unknown user or wrong password (same message for both)"}})
async def create_token(request: Request, session: SessionDep) -> TokenOut:
    creds = await _credentials(request)
    from workflows.users import authenticate

    # argon2 verification takes tens of ms: keep it off the event loop
    user = await run_in_threadpool(authenticate, session, creds.username, creds.password)
    if user is None:
        raise NotAuthenticated(BAD_CREDENTIALS)
    token, row = await run_in_threadpool(issue_token, session, user)
    return TokenOut(access_token=token, expires_at=row.expires_at)
