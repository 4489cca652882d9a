"""Sign in and out with the session cookie; `/` sends each role to its own start page."""

import hashlib
import hmac
import secrets
from typing import Annotated

from fastapi import APIRouter, Form, Request
from fastapi.responses import RedirectResponse, Response

from api.deps import OptionalUser, SessionDep
from api.pages.templating import redirect, render, safe_next
from api.security import authenticate_throttled, end_session, start_session
from models.user import Role
from workflows.kernel.errors import TooManyAttempts

router = APIRouter()
LOGIN_COOKIE = "plantrack_login"  # keys the sign-in form's CSRF token before any session exists
HOME = {
    Role.focal: "/inbox",
    Role.head: "/inbox",
    Role.secretariat: "/desk",
    Role.admin: "/desk",
    Role.leader: "/dashboard",
}
BAD_LOGIN = "Tên đăng nhập hoặc mật khẩu không đúng."
STALE_LOGIN = "Biểu mẫu đăng nhập đã hết hạn (thiếu hoặc sai mã bảo mật). Vui lòng nhập lại."


def _login_token(request: Request, nonce: str) -> str:
    return hmac.new(
        request.app.state.secret_key.encode(), f"login:{nonce}".encode(), hashlib.sha256
    ).hexdigest()


def _login_page(
    request: Request, next_url: str, username: str = "", error: str | None = None, status: int = 200
) -> Response:
    nonce = request.cookies.get(LOGIN_COOKIE) or secrets.token_urlsafe(16)
    response = render(
        request,
        "login.html",
        {
            "login_csrf": _login_token(request, nonce),
            "next_url": next_url,
            "username": username,
            "error": error,
        },
        status=status,
    )
    response.set_cookie(LOGIN_COOKIE, nonce, httponly=True, samesite="lax", path="/login", max_age=3600)
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
        return _login_page(request, safe_next(next, ""), username, STALE_LOGIN, status=403)
    try:
        user = authenticate_throttled(request, session, username, password) if username and password else None
    except TooManyAttempts as exc:
        response = _login_page(request, safe_next(next, ""), username, exc.message("vi"), status=429)
        response.headers["Retry-After"] = str(exc.params["retry_after"])
        return response
    if user is None:
        return _login_page(request, safe_next(next, ""), username, BAD_LOGIN, status=400)
    target = safe_next(next, HOME.get(user.role, "/inbox"))
    greeting = f"Xin chào {user.full_name or user.username}."
    response = redirect(request, target, greeting)
    start_session(request, response, session, user)
    response.delete_cookie(LOGIN_COOKIE, path="/login")
    return response


@router.get("/logout")
def logout_form(request: Request, user: OptionalUser) -> Response:
    if user is None:
        return RedirectResponse("/login", status_code=303)
    return render(request, "logout.html", {}, user=user)


@router.post("/logout")
def logout(request: Request, session: SessionDep, user: OptionalUser) -> Response:
    # OptionalUser runs the CSRF guard: a cross-site form cannot sign anyone out
    response = redirect(request, "/login", "Bạn đã đăng xuất." if user else None)
    end_session(request, response, session)
    return response
