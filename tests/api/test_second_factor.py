"""Two-step sign-in on the pages and the API: enrol on /account, the code after the password,
recovery codes, wrong codes throttled like passwords, the admin's reset."""

import re
import time

import pyotp
from sqlmodel import Session, select

from api.security import SESSION_COOKIE
from models import AuditEvent, User
from tests.api.test_pages import csrf, login, sign_in
from tests.builders import PASSWORD

SECRET = re.compile(r'id="totp-secret">([A-Z2-7 ]+)<')
CHALLENGE = re.compile(r'name="challenge" value="([^"]+)"')
LOGIN_TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')
RECOVERY = re.compile(r"<li><code>([a-z2-9]{5}-[a-z2-9]{5})</code></li>")


def _enrol(client, username: str = "secretariat") -> tuple[pyotp.TOTP, list[str]]:
    """Switch two-step sign-in on through /account, as a person with a phone would."""
    sign_in(client, username)
    r = client.post(
        "/account/totp/start", data={"csrf_token": csrf(client, "/account")}, follow_redirects=True
    )
    assert r.status_code == 200 and 'id="totp-qr"><svg' in r.text and "otpauth://totp/" in r.text
    key = pyotp.TOTP(SECRET.search(r.text).group(1).replace(" ", ""))
    done = client.post(
        "/account/totp/confirm", data={"csrf_token": csrf(client, "/account"), "code": key.now()}
    )
    assert done.status_code == 200 and 'id="recovery-codes"' in done.text
    codes = RECOVERY.findall(done.text)
    assert len(codes) == 10
    return key, codes


def _next_code(key: pyotp.TOTP) -> str:
    """The next 30-second step's code: the current one was spent confirming (one step of drift is allowed)."""
    return key.at(time.time() + 30)


def _password_step(client, username: str = "secretariat"):
    r = login(client, username)
    return r, (CHALLENGE.search(r.text).group(1) if CHALLENGE.search(r.text) else None)


def _code_step(client, challenge: str, code: str):
    token = LOGIN_TOKEN.search(client.get("/login").text).group(1)
    return client.post(
        "/login/code",
        data={"challenge": challenge, "code": code, "csrf_token": token},
        follow_redirects=False,
    )


def test_page_login_asks_the_code_after_the_password(client, world):
    key, _codes = _enrol(client)
    r, challenge = _password_step(client)
    assert r.status_code == 200 and challenge and 'id="code-step"' in r.text
    assert SESSION_COOKIE not in client.cookies  # a right password alone opens nothing
    assert client.get("/desk", follow_redirects=False).status_code == 303
    wrong = _code_step(client, challenge, "000000" if _next_code(key) != "000000" else "111111")
    assert wrong.status_code == 400 and "Mã xác thực không đúng" in wrong.text
    assert CHALLENGE.search(wrong.text).group(1) == challenge  # asked again, password not retyped
    ok = _code_step(client, challenge, _next_code(key))
    assert ok.status_code == 303 and ok.headers["location"] == "/desk"
    assert client.get("/desk").status_code == 200


def test_a_challenge_belongs_to_the_browser_that_gave_the_password(client, world, app):
    from fastapi.testclient import TestClient

    key, _ = _enrol(client)
    _r, challenge = _password_step(client)
    with TestClient(app) as other:  # has its own login cookie: the stolen challenge is worthless there
        r = _code_step(other, challenge, _next_code(key))
        assert r.status_code == 400 and "Đã quá thời gian nhập mã xác thực" in r.text
        assert SESSION_COOKIE not in other.cookies


def test_api_login_needs_the_code_and_takes_a_recovery_code_once(client, world):
    key, codes = _enrol(client)
    client.cookies.clear()
    creds = {"username": "secretariat", "password": PASSWORD}
    missing = client.post("/api/v1/auth/token", data=creds)
    assert missing.status_code == 401 and missing.json()["code"] == "auth.otp_required"
    assert client.post("/api/v1/auth/token", data={**creds, "otp": "abcde-fghjk"}).json()["code"] == (
        "auth.otp_wrong"
    )
    ok = client.post("/api/v1/auth/token", data={**creds, "otp": codes[0]})
    assert ok.status_code == 200 and ok.json()["access_token"]
    again = client.post("/api/v1/auth/token", data={**creds, "otp": codes[0]})
    assert again.status_code == 401 and again.json()["code"] == "auth.otp_wrong"
    session = client.post("/api/v1/auth/session", json={**creds, "otp": _next_code(key)})
    assert session.status_code == 200 and session.json()["csrf_token"]
    # a right password does not tell the API more for an account without a second factor
    assert (
        client.post("/api/v1/auth/token", data={"username": "leader", "password": PASSWORD}).status_code
        == 200
    )


def test_wrong_codes_are_throttled_and_a_right_password_does_not_clear_them(client, world):
    key, _ = _enrol(client)
    _r, challenge = _password_step(client)
    statuses = [_code_step(client, challenge, "abcde-fghjk").status_code for _ in range(6)]
    assert statuses == [400] * 6  # five free failures, the sixth locks
    locked = _code_step(client, challenge, _next_code(key))
    assert locked.status_code == 429 and int(locked.headers["Retry-After"]) >= 1
    assert "Đăng nhập sai quá nhiều lần" in locked.text
    # the password is right, but the name is locked: no fresh count for the thief who has it
    api = client.post(
        "/api/v1/auth/token", data={"username": "secretariat", "password": PASSWORD, "otp": "1"}
    )
    assert api.status_code == 429 and api.headers["Retry-After"]
    with Session(client.app.state.engine) as s:
        assert s.exec(select(AuditEvent).where(AuditEvent.action == "auth.throttled")).first() is not None


def test_admin_resets_a_lost_factor_and_the_password_alone_signs_in_again(client, world):
    _enrol(client)
    client.cookies.clear()
    user_id = world.users["secretariat"].id
    refused = client.post(
        f"/api/v1/users/{user_id}/second-factor/reset", headers=world.headers("secretariat")
    )
    assert refused.status_code == 403
    r = client.post(f"/api/v1/users/{user_id}/second-factor/reset", headers=world.headers("admin"))
    assert r.status_code == 200 and r.json() == {"removed": True}
    r = login(client, "secretariat")
    assert r.status_code == 303, r.text[-1500:]  # straight in: no code step any more
    with Session(client.app.state.engine) as s:
        event = s.exec(select(AuditEvent).where(AuditEvent.action == "user.totp_reset")).one()
        assert event.entity_id == user_id and event.actor_id == world.users["admin"].id


def test_switching_off_on_the_account_page_needs_a_code(client, world):
    key, codes = _enrol(client)
    bad = client.post("/account/totp/off", data={"csrf_token": csrf(client, "/account"), "code": "12"})
    assert bad.status_code == 422 and "Mã xác thực không khớp" in bad.text
    form = {"csrf_token": csrf(client, "/account"), "code": codes[3]}
    off = client.post("/account/totp/off", data=form, follow_redirects=False)
    assert off.status_code == 303
    assert "Thiết lập xác thực hai bước" in client.get("/account").text


def test_agency_accounts_are_not_offered_a_second_factor(client, world):
    sign_in(client, "focal_syt")
    assert 'id="totp"' not in client.get("/account").text
    r = client.post("/account/totp/start", data={"csrf_token": csrf(client, "/account")})
    assert r.status_code == 403
    with Session(client.app.state.engine) as s:
        assert s.exec(select(User).where(User.username == "focal_syt")).one().active
