"""Sign-in: bearer tokens, cookie sessions and CSRF for cookie-authenticated writes."""

import hashlib
import os
import stat

from sqlmodel import Session, select

from api.app import create_app
from api.security import SESSION_COOKIE, load_secret_key
from models import AuthSession
from models.config import Settings
from tests.builders import PASSWORD


def test_bearer_token_flow_stores_only_the_hash(client, world, engine):
    r = client.post("/api/v1/auth/token", data={"username": "focal_syt", "password": PASSWORD})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["token_type"] == "bearer" and body["expires_at"]
    token = body["access_token"]
    with Session(engine) as s:
        hashes = set(s.exec(select(AuthSession.token_sha256)).all())
    assert hashlib.sha256(token.encode()).hexdigest() in hashes
    assert token not in hashes
    me = client.get("/api/v1/users/me", headers={"Authorization": f"Bearer {token}"})
    assert me.status_code == 200 and me.json()["username"] == "focal_syt"
    # JSON credentials work too
    r = client.post("/api/v1/auth/token", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200


def test_bad_credentials_give_one_message(client, world):
    wrong = client.post("/api/v1/auth/token", data={"username": "focal_syt", "password": "sai-mat-khau"})
    unknown = client.post("/api/v1/auth/token", data={"username": "nobody", "password": PASSWORD})
    assert wrong.status_code == unknown.status_code == 401
    assert (
        wrong.json()
        == unknown.json()
        == {"detail": "incorrect username or password", "code": "auth.bad_credentials"}
    )
    assert (
        client.post(
            "/api/v1/auth/token", content=b"{not json", headers={"content-type": "application/json"}
        ).status_code
        == 422
    )
    assert client.post("/api/v1/auth/token", json={"username": 5}).status_code == 422


def test_invalid_or_missing_token_is_401(client, world):
    assert client.get("/api/v1/users/me").status_code == 401
    r = client.get("/api/v1/users/me", headers={"Authorization": "Bearer not-a-token"})
    assert r.status_code == 401 and r.headers["www-authenticate"] == "Bearer"


def test_deactivated_user_loses_token_and_session(client, world):
    cookie_client = client
    r = cookie_client.post("/api/v1/auth/session", json={"username": "focal_cat", "password": PASSWORD})
    assert r.status_code == 200
    r = client.post(f"/api/v1/users/{world.users['focal_cat'].id}/deactivate", headers=world.headers("admin"))
    assert r.status_code == 200 and r.json()["active"] is False
    assert client.get("/api/v1/users/me", headers=world.headers("focal_cat")).status_code == 401
    assert cookie_client.get("/api/v1/users/me").status_code == 401


def test_cookie_session_and_csrf(client, world):
    r = client.post("/api/v1/auth/session", json={"username": "admin", "password": PASSWORD})
    assert r.status_code == 200, r.text
    csrf = r.json()["csrf_token"]
    cookie = r.headers["set-cookie"]
    assert SESSION_COOKIE in cookie and "HttpOnly" in cookie and "samesite=lax" in cookie.lower()
    assert "Max-Age=43200" in cookie
    assert client.get("/api/v1/users/me").json()["username"] == "admin"

    new_user = {"username": "moi", "password": "mat-khau-moi-1", "role": "leader"}
    r = client.post("/api/v1/users", json=new_user)
    assert r.status_code == 403 and "CSRF token missing" in r.json()["detail"]
    r = client.post("/api/v1/users", json=new_user, headers={"X-CSRF-Token": "0" * 64})
    assert r.status_code == 403 and "does not match" in r.json()["detail"]
    r = client.post("/api/v1/users", json=new_user, headers={"X-CSRF-Token": csrf})
    assert r.status_code == 201, r.text
    # bearer requests carry no ambient credentials: no CSRF token needed even with a cookie present
    r = client.post("/api/v1/users", json={**new_user, "username": "moi2"}, headers=world.headers("admin"))
    assert r.status_code == 201

    assert client.delete("/api/v1/auth/session").status_code == 403  # logout is a write too
    assert client.delete("/api/v1/auth/session", headers={"X-CSRF-Token": csrf}).status_code == 204
    assert client.get("/api/v1/users/me").status_code == 401


def test_tampered_cookie_is_anonymous(client, world):
    client.post("/api/v1/auth/session", json={"username": "admin", "password": PASSWORD})
    value = client.cookies[SESSION_COOKIE]
    client.cookies.set(SESSION_COOKIE, value[:-2] + ("AA" if not value.endswith("AA") else "BB"))
    assert client.get("/api/v1/users/me").status_code == 401


def test_generated_secret_key_is_persisted_private(tmp_path, engine):
    settings = Settings(data_dir=tmp_path / "d", secret_key="", scheduler_enabled=False)
    first = load_secret_key(settings)
    path = tmp_path / "d" / "secret_key"
    assert stat.S_IMODE(os.stat(path).st_mode) == 0o600
    assert load_secret_key(settings) == first and len(first) >= 40
    app = create_app(settings, engine)
    assert app.state.secret_key == first


def test_cross_site_login_to_the_cookie_session_is_refused(client, world):
    form = {"username": "focal_syt", "password": PASSWORD}
    r = client.post("/api/v1/auth/session", data=form)  # what a cross-site HTML form can send
    assert r.status_code == 422 and r.json()["code"] == "auth.session_json"
    r = client.post(
        "/api/v1/auth/session",
        content=b'{"username": "focal_syt", "password": "%s"}' % PASSWORD.encode(),
        headers={"content-type": "text/plain"},
    )
    assert r.status_code == 422
    r = client.post("/api/v1/auth/session", json=form, headers={"Origin": "https://evil.example"})
    assert r.status_code == 403 and r.json()["code"] == "auth.cross_site"
    r = client.post("/api/v1/auth/session", json=form, headers={"Origin": "null"})
    assert r.status_code == 403
    r = client.post("/api/v1/auth/session", json=form, headers={"Sec-Fetch-Site": "cross-site"})
    assert r.status_code == 403
    assert SESSION_COOKIE not in client.cookies
    # the site's own script is welcome
    r = client.post("/api/v1/auth/session", json=form, headers={"Origin": "http://testserver"})
    assert r.status_code == 200 and SESSION_COOKIE in client.cookies
