"""My account: the sessions I am signed in with (end one, or all others), my password, two-step sign-in."""

from typing import Annotated

import segno
from fastapi import APIRouter, Form
from fastapi.responses import Response
from markupsafe import Markup

from api.pages.templating import PageDep
from api.security import request_now
from workflows.kernel.errors import DomainError
from workflows.kernel.messages import render
from workflows.people import sessions as sign_ins
from workflows.people import totp
from workflows.people.users import set_password

router = APIRouter()


def _current(page) -> int | None:
    return getattr(page.request.state, "sign_in_id", None)


def _account(
    page,
    status: int = 200,
    error: str | None = None,
    totp_error: str | None = None,
    recovery_codes: list[str] | None = None,
) -> Response:
    rows = sign_ins.sign_ins_of(page.session, page.user.id, request_now(), _current(page))
    return page.render(
        "account.html",
        status,
        sign_ins=rows,
        error=error,
        totp=_second_factor(page),
        totp_error=totp_error,
        recovery_codes=recovery_codes or [],
    )


def _second_factor(page) -> dict | None:
    """What the two-step sign-in section shows: nothing, a start button, the pending key, or 'on'."""
    if not totp.may_enrol(page.actor):
        return None
    factor = totp.factor_of(page.session, page.user.id)
    if factor is None:
        return {"state": "off"}
    if factor.confirmed_at is not None:
        left = totp.recovery_codes_left(page.session, page.user.id)
        return {"state": "on", "since": factor.confirmed_at, "codes_left": left}
    uri = totp.provisioning_uri(page.user, factor.secret)
    # an SVG drawn with stroke attributes only: nothing the Content-Security-Policy forbids
    qr = segno.make(uri, error="m").svg_inline(scale=5, border=2, dark="#000", light="#fff")
    secret = " ".join(factor.secret[i : i + 4] for i in range(0, len(factor.secret), 4))
    return {"state": "pending", "uri": uri, "secret": secret, "qr": Markup(qr)}


@router.get("/account")
def account(page: PageDep) -> Response:
    return _account(page)


@router.post("/account/sessions/{session_id}/end")
def end_session(page: PageDep, session_id: int) -> Response:
    sign_ins.end_own_sign_in(page.session, page.actor, session_id, request_now())
    return page.redirect("/account", render("account.sign_in_ended", "vi", {}))


@router.post("/account/sessions/end-others")
def end_other_sessions(page: PageDep) -> Response:
    ended = sign_ins.revoke_all(
        page.session, page.user.id, request_now(), "ended_by_user", keep=_current(page)
    )
    return page.redirect("/account", render("account.others_ended", "vi", {"count": ended}))


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
    return page.redirect("/account", render("account.password_changed", "vi", {}))


@router.post("/account/totp/start")
def start_second_factor(page: PageDep) -> Response:
    totp.start_enrolment(page.session, page.actor, request_now())
    return page.redirect("/account#totp", render("totp.started", "vi", {}))


@router.post("/account/totp/confirm")
def confirm_second_factor(page: PageDep, code: Annotated[str, Form(max_length=40)] = "") -> Response:
    try:
        codes = totp.confirm_enrolment(page.session, page.actor, code, request_now())
    except DomainError as exc:
        page.session.rollback()
        return _account(page, exc.http_status, totp_error=exc.message("vi"))
    # shown once, on this answer (never stored in the clear, never in a redirect's cookie)
    return _account(page, recovery_codes=codes)


@router.post("/account/totp/off")
def switch_second_factor_off(page: PageDep, code: Annotated[str, Form(max_length=40)] = "") -> Response:
    try:
        totp.switch_off(page.session, page.actor, code, request_now())
    except DomainError as exc:
        page.session.rollback()
        return _account(page, exc.http_status, totp_error=exc.message("vi"))
    return page.redirect("/account", render("totp.off_done", "vi", {}))
