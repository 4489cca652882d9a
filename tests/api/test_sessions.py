"""Sessions that end: logout, password change, deactivation and sign-out-everywhere revoke at once."""

import re
from datetime import timedelta

from fastapi.testclient import TestClient
from sqlalchemy import event
from sqlmodel import Session, select

from api.security import SESSION_COOKIE
from models import Agency, AuthSession
from tests.builders import PASSWORD

TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def _cookie_login(client: TestClient, username: str) -> str:
    r = client.post("/api/v1/auth/session", json={"username": username, "password": PASSWORD})
    assert r.status_code == 200, r.text
    return r.json()["csrf_token"]


def _second_client(app) -> TestClient:
    return TestClient(app)


def test_api_logout_revokes_the_cookie_server_side(client, world):
    csrf = _cookie_login(client, "focal_syt")
    stolen = client.cookies[SESSION_COOKIE]
    assert client.delete("/api/v1/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    thief = _second_client(client.app)
    thief.cookies.set(SESSION_COOKIE, stolen)
    assert thief.get("/api/v1/users/me").status_code == 401
    # and it cannot write either (the probe created an extension request with such a cookie)
    cp = world.checkpoints[2].id
    r = thief.post(
        f"/api/v1/checkpoints/{cp}/extensions",
        json={"new_due_date": "2023-12-30", "reason": "x"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 401


def test_page_logout_revokes_the_cookie(client, world):
    page = client.get("/login")
    token = TOKEN.search(page.text).group(1)
    r = client.post(
        "/login",
        data={"username": "focal_syt", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303
    stolen = client.cookies[SESSION_COOKIE]
    form = client.get("/logout")
    client.post("/logout", data={"csrf_token": TOKEN.search(form.text).group(1)}, follow_redirects=False)
    thief = _second_client(client.app)
    thief.cookies.set(SESSION_COOKIE, stolen)
    assert thief.get("/inbox", follow_redirects=False).status_code == 303  # back to /login
    assert thief.get("/api/v1/users/me").status_code == 401


def test_bearer_token_can_be_revoked(client, world):
    headers = world.headers("focal_syt")
    assert client.get("/api/v1/users/me", headers=headers).status_code == 200
    assert client.delete("/api/v1/auth/token", headers=headers).status_code == 204
    assert client.get("/api/v1/users/me", headers=headers).status_code == 401


def test_password_change_ends_other_sessions_and_keeps_this_one(client, world):
    csrf = _cookie_login(client, "focal_syt")
    other = _second_client(client.app)
    _cookie_login(other, "focal_syt")
    r = client.post(
        "/api/v1/users/me/password",
        json={"current_password": PASSWORD, "new_password": "mat-khau-moi-99"},
        headers={"X-CSRF-Token": csrf},
    )
    assert r.status_code == 204, r.text
    assert client.get("/api/v1/users/me").status_code == 200
    assert other.get("/api/v1/users/me").status_code == 401
    assert client.get("/api/v1/users/me", headers=world.headers("focal_syt")).status_code == 401  # token too


def test_admin_signs_a_user_out_everywhere(client, world):
    victim = _second_client(client.app)
    _cookie_login(victim, "focal_cat")
    uid = world.users["focal_cat"].id
    assert client.post(f"/api/v1/users/{uid}/sign-out", headers=world.headers("focal_syt")).status_code == 403
    r = client.post(f"/api/v1/users/{uid}/sign-out", headers=world.headers("admin"))
    assert r.status_code == 200 and r.json()["ended"] == 2  # the cookie and the fixture's token
    assert victim.get("/api/v1/users/me").status_code == 401
    assert client.get("/api/v1/users/me", headers=world.headers("focal_cat")).status_code == 401


def test_a_user_lists_and_ends_own_sessions_only(client, world, engine):
    _cookie_login(client, "focal_syt")
    mine = client.get("/api/v1/auth/sessions").json()
    assert {s["kind"] for s in mine} == {"cookie", "token"}
    assert [s["current"] for s in mine if s["kind"] == "cookie"] == [True]
    assert "token_sha256" not in mine[0]
    token_row = next(s for s in mine if s["kind"] == "token")
    theirs = client.get("/api/v1/auth/sessions", headers=world.headers("focal_cat")).json()
    # another user's session answers like a missing one
    r = client.delete(f"/api/v1/auth/sessions/{theirs[0]['id']}", headers=world.headers("focal_syt"))
    assert r.status_code == 404
    r = client.delete(f"/api/v1/auth/sessions/{token_row['id']}", headers=world.headers("focal_cat"))
    assert r.status_code == 404
    with Session(engine) as s:
        assert s.exec(select(AuthSession).where(AuthSession.revoked_at.is_not(None))).all() == []
    r = client.delete(f"/api/v1/auth/sessions/{token_row['id']}", headers=world.headers("focal_syt"))
    assert r.status_code == 204
    assert client.get("/api/v1/users/me", headers=world.headers("focal_syt")).status_code == 401


def test_idle_session_ends(client, world, engine):
    _cookie_login(client, "focal_syt")
    assert client.get("/api/v1/users/me").status_code == 200
    idle = timedelta(minutes=client.app.state.settings.session_idle_minutes)
    with Session(engine) as s:
        row = s.exec(select(AuthSession).where(AuthSession.kind == "cookie")).one()
        row.last_used_at = row.last_used_at - idle - timedelta(seconds=1)
        s.add(row)
        s.commit()
    assert client.get("/api/v1/users/me").status_code == 401


def test_sessions_store_only_hashes_and_the_client(client, world, engine):
    client.headers["user-agent"] = "Mozilla/5.0 (thu nghiem)"
    _cookie_login(client, "head_syt")
    secret = client.cookies[SESSION_COOKIE]
    with Session(engine) as s:
        row = s.exec(select(AuthSession).where(AuthSession.kind == "cookie")).one()
    assert row.token_sha256 != secret and len(row.token_sha256) == 64
    assert row.user_agent == "Mozilla/5.0 (thu nghiem)"
    assert row.expires_at - row.created_at == timedelta(hours=12)


def _form_login(client: TestClient, username: str) -> None:
    page = client.get("/login")
    token = TOKEN.search(page.text).group(1)
    r = client.post(
        "/login",
        data={"username": username, "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303


def test_account_page_ends_other_sessions_and_changes_password(client, world):
    other = _second_client(client.app)
    _form_login(other, "focal_syt")
    _form_login(client, "focal_syt")
    page = client.get("/account")
    assert page.status_code == 200 and "(phiên này)" in page.text and "Mã truy cập (API)" in page.text
    csrf = TOKEN.search(page.text).group(1)
    # a wrong current password: a Vietnamese message, the password unchanged
    r = client.post(
        "/account/password", data={"csrf_token": csrf, "current_password": "sai", "new_password": "x" * 9}
    )
    assert r.status_code == 403 and "Mật khẩu hiện tại không đúng" in r.text
    assert other.get("/api/v1/users/me").status_code == 200
    r = client.post("/account/sessions/end-others", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert other.get("/api/v1/users/me").status_code == 401
    after = client.get("/account")
    assert after.status_code == 200 and "Đã kết thúc 2 phiên đăng nhập khác." in after.text  # the token too
    # without the CSRF token nothing ends
    assert client.post("/account/sessions/end-others", data={}).status_code == 403


def test_one_statement_finds_the_sign_in_its_user_and_agency_for_the_header(client, world, engine):
    seen: list[str] = []
    event.listen(engine, "before_cursor_execute", lambda *a: seen.append(a[2]))
    html = client.get("/inbox", headers=world.headers("focal_syt")).text
    assert "Cán bộ đầu mối · Sở Y tế" in html
    assert [s for s in seen if "FROM authsession" in s] == seen[:1]  # the sign-in, first
    assert (
        re.search(r'JOIN "?user"? ON', seen[0]) and "JOIN agency ON" in seen[0]
    )  # its user, the agency's name
    assert not [s for s in seen[1:] if re.search(r'FROM "?user"?\s', s)]  # the user is not read again
    with Session(engine) as s:  # a rename shows on the next page: the name is read, not kept
        agency = s.get(Agency, world.syt.id)
        agency.name = "Sở Y tế tỉnh"
        s.add(agency)
        s.commit()
    assert "Cán bộ đầu mối · Sở Y tế tỉnh" in client.get("/inbox", headers=world.headers("focal_syt")).text
