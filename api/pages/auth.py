"""Sign in and out with the session cookie; `/` sends each role to its own start page."""

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response
from itsdangerous import BadSignature, URLSafeTimedSerializer

from api.deps import OptionalUser, SessionDep
from api.pages.templating import redirect, render, safe_next
from api.security import authenticate_throttled, end_session, second_factor_throttled, start_session
from models.user import Role, User
from workflows.kernel.errors import TooManyAttempts
from workflows.kernel.messages import render as render_message
from workflows.people import totp

router = APIRouter()
LOGIN_COOKIE = "plantrack_login"  # keys the sign-in form's CSRF token before any session exists
HOME = {
    Role.focal: "/inbox",
    Role.head: "/inbox",
    Role.secretariat: "/desk",
    Role.admin: "/desk",
    Role.leader: "/dashboard",
}
CODE_WAIT_S = 300  # the code step must follow the password within five minutes


def _says(code: str) -> str:
    """The Vietnamese text of a sign-in message (the catalogue holds every wording)."""
    return render_message(code, "vi", {})


def _login_token(request: Request, nonce: str) -> str:
    return hmac.new(
        request.app.state.secret_key.encode(), f"login:{nonce}".encode(), hashlib.sha256
    ).hexdigest()


def _login_page(
    request: Request,
    next_url: str,
    username: str = "",
    error: str | None = None,
    status: int = 200,
    challenge: str = "",
) -> Response:
    """The sign-in form; with a `challenge`, its second step (the code after the password)."""
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(16)
    response = render(
        request,
        "login.html",
        {
            "login_csrf": _login_token(request, nonce),
            "next_url": next_url,
            "username": username,
            "error": error,
            "challenge": challenge,
        },
        status=status,
    )
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="lax", path="/login", max_age=3600)
    return response


def _challenges(request: Request) -> URLSafeTimedSerializer:
    return URLSafeTimedSerializer(request.app.state.secret_key, salt="login-code")


def _challenge_for(request: Request, user: User) -> str:
    """A signed note that this browser gave `user`'s password: the code step needs it, for a while."""
    return _challenges(request).dumps({"u": user.id, "n": request.cookies.get(LOGIN_COOKIE, "")})


def _challenged_user(request: Request, session, challenge: str) -> User | None:
    """The user of a challenge this browser was given less than `CODE_WAIT_S` ago, else None."""
    try:
        data = _challenges(request).loads(challenge, max_age=CODE_WAIT_S)
    except BadSignature:  # tampered, or SignatureExpired (a subclass)
        return None
    if not isinstance(data, dict) or data.get("n") != request.cookies.get(LOGIN_COOKIE):
        return None
    user = session.get(User, data.get("u")) if isinstance(data.get("u"), int) else None
    return user if user is not None and user.active else None


def _signed_in(request: Request, session, user: User, next_url: str) -> Response:
    target = safe_next(next_url, HOME.get(user.role, "/inbox"))
    greeting = render_message("auth.welcome", "vi", {"name": user.full_name or user.username})
    response = redirect(request, target, greeting)
    start_session(request, response, session, user)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


def _throttled(request: Request, next_url: str, username: str, exc: TooManyAttempts) -> Response:
    response = _login_page(request, safe_next(next_url, ""), username, exc.message("vi"), status=429)
    response.headers["Retry-After"] = str(exc.params["retry_after"])
    return response


@router.get("/")
def home(user: OptionalUser) -> Response:
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return RedirectResponse(HOME.get(user.role, "/inbox"), status_code=303)


@router.get("/login")
def login_form(request: Request, user: OptionalUser, next: str = "") -> Response:
    if user is not None:
        return RedirectResponse(safe_next(next), status_code=303)
    return _login_page(request, safe_next(next, ""))


@router.post("/login")
def login(
    request: Request,
    session: SessionDep,
    username: Annotated[str, Form()] = "",
    password: Annotated[str, Form()] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE)
    if not nonce or not hmac.compare_digest(_login_token(request, nonce), csrf_token):
        return _login_page(request, safe_next(next, ""), username, _says("auth.login_stale"), status=403)
    try:
        user = authenticate_throttled(request, session, username, password) if username and password else None
    except TooManyAttempts as exc:
        return _throttled(request, next, username, exc)
    if user is None:
        return _login_page(request, safe_next(next, ""), username, _says("auth.bad_credentials"), status=400)
    if totp.requires_code(session, user):  # the password was right: now the authenticator's code
        return _login_page(
            request, safe_next(next, ""), user.username, challenge=_challenge_for(request, user)
        )
    return _signed_in(request, session, user, next)


@router.post("/login/code")
def login_code(
    request: Request,
    session: SessionDep,
    challenge: Annotated[str, Form(max_length=400)] = "",
    code: Annotated[str, Form(max_length=40)] = "",
    csrf_token: Annotated[str, Form()] = "",
    next: Annotated[str, Form()] = "",
) -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE)
    if not nonce or not hmac.compare_digest(_login_token(request, nonce), csrf_token):
        return _login_page(request, safe_next(next, ""), "", _says("auth.login_stale"), status=403)
    user = _challenged_user(request, session, challenge)
    if user is None:
        return _login_page(request, safe_next(next, ""), "", _says("auth.otp_expired"), 400)
    try:
        right = second_factor_throttled(request, session, user, code)
    except TooManyAttempts as exc:
        return _throttled(request, next, user.username, exc)
    if not right:
        wrong = _says("auth.otp_wrong")
        return _login_page(request, safe_next(next, ""), user.username, wrong, 400, challenge=challenge)
    return _signed_in(request, session, user, next)


@router.get("/logout")
def logout_form(request: Request, user: OptionalUser) -> Response:
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "logout.html", {}, user=user)


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    # OptionalUser runs the CSRF guard: a cross-site form cannot sign anyone out
    response = redirect(request, "/login", _says("auth.signed_out") if user else None)
    end_session(request, response, session)
    return response
