"""My account: the sessions I am signed in with (end one, or all others) and my password."""

from typing import Annotated

from fastapi import APIRouter, Form
from fastapi.responses import Response

from api.pages.templating import PageDep
from api.security import request_now
from workflows.kernel.errors import DomainError
from workflows.people import sessions as sign_ins
from workflows.people.users import set_password

router = APIRouter()


def _current(page) -> int | None:
    return getattr(page.request.state, "sign_in_id", None)


def _account(page, status: int = 200, error: str | None = None) -> Response:
    rows = sign_ins.sign_ins_of(page.session, page.user.id, request_now(), _current(page))
    return page.render("account.html", status, sign_ins=rows, error=error)


@router.get("/account")
def account(page: PageDep) -> Response:
    return _account(page)


@router.post("/account/sessions/{session_id}/end")
def end_session(page: PageDep, session_id: int) -> Response:
    sign_ins.end_own_sign_in(page.session, page.actor, session_id, request_now())
    return page.redirect("/account", "Đã kết thúc phiên đăng nhập.")


@router.post("/account/sessions/end-others")
def end_other_sessions(page: PageDep) -> Response:
    ended = sign_ins.revoke_all(
        page.session, page.user.id, request_now(), "ended_by_user", keep=_current(page)
    )
    return page.redirect("/account", f"Đã kết thúc {ended} phiên đăng nhập khác.")


@router.post("/account/password")
def change_password(
    page: PageDep,
    current_password: Annotated[str, Form(max_length=200)] = "",
    new_password: Annotated[str, Form(max_length=200)] = "",
) -> Response:
    try:
        set_password(page.session, page.actor, page.user.id, new_password, current_password, _current(page))
    except DomainError as exc:
        page.session.rollback()
        return _account(page, exc.http_status, exc.message("vi"))
    return page.redirect("/account", "Đã đổi mật khẩu; các phiên đăng nhập khác đã kết thúc.")
