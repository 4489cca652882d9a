"""Hardening at the HTTP edge: login throttling, headers, no-store, hostile bodies, usernames, deep trees."""

import json
import re

from sqlmodel import Session

from api.routes.plans import dump_tree, section_nodes
from models import Section
from tests.api.test_pages import TOKEN, sign_in
from tests.builders import PASSWORD
from workflows.people.throttle import FREE_FAILURES


def _same(body: dict) -> dict:
    return {k: re.sub(r"\d+", "N", v) for k, v in body.items()}


def _api_login(client, username, password):
    return client.post("/api/v1/auth/token", data={"username": username, "password": password})


def test_api_login_locks_after_repeated_failures_even_for_the_right_password(client, world):
    for _ in range(FREE_FAILURES + 1):  # the last of these closes the door
        assert _api_login(client, "focal_syt", "sai-mat-khau").status_code == 401
    locked = _api_login(client, "focal_syt", "sai-mat-khau")
    assert locked.status_code == 429 and 1 <= int(locked.headers["retry-after"]) <= 15
    assert locked.json()["code"] == "auth.throttled"
    assert _api_login(client, "focal_syt", PASSWORD).status_code == 429  # the right one waits too
    # a name nobody has answers exactly the same way: no hint whether the account exists
    for _ in range(FREE_FAILURES + 1):
        _api_login(client, "khong-ai-co", "sai-mat-khau")
    ghost = _api_login(client, "khong-ai-co", "sai-mat-khau")
    assert (ghost.status_code, _same(ghost.json())) == (429, _same(locked.json()))
    assert 1 <= int(ghost.headers["retry-after"]) <= 15
    assert _api_login(client, "head_syt", PASSWORD).status_code == 200  # other accounts are unaffected


def test_login_form_says_in_vietnamese_when_to_try_again(client, world):
    for _ in range(FREE_FAILURES + 2):
        page = client.get("/login")
        token = TOKEN.search(page.text).group(1)
        r = client.post("/login", data={"username": "focal_syt", "password": "sai", "csrf_token": token})
    assert r.status_code == 429 and 1 <= int(r.headers["retry-after"]) <= 15
    assert re.search(r"Đăng nhập sai quá nhiều lần\. Vui lòng thử lại sau 1?\d giây\.", r.text)
    assert 'value="focal_syt"' in r.text  # what was typed stays


def test_every_answer_carries_the_hardening_headers(client, world):
    r = client.get("/login")
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp and "unsafe-inline" not in csp
    assert r.headers["x-frame-options"] == "DENY"
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"] == "same-origin"
    assert client.get("/api/v1/users/me").headers["x-content-type-options"] == "nosniff"  # a 401 too


def test_signed_in_pages_are_never_cached(client, world):
    sign_in(client, "focal_syt")
    for path in ("/inbox", f"/checkpoints/{world.checkpoints[1].id}", "/plans"):
        r = client.get(path)
        assert r.status_code == 200 and "no-store" in r.headers["cache-control"], path
    api = client.get("/api/v1/users/me", headers=world.headers("leader"))
    assert "no-store" in api.headers["cache-control"]


def test_cookie_secure_setting_marks_the_session_cookie(settings, engine):
    from fastapi.testclient import TestClient

    from api.app import create_app
    from tests.api.conftest import TODAY

    settings.cookie_secure = True
    with TestClient(create_app(settings, engine, today=TODAY)) as c:
        from tests.builders import add_user

        with Session(engine) as s:
            add_user(s, "ai-do", "leader")
            s.commit()
        r = c.post("/api/v1/auth/session", json={"username": "ai-do", "password": PASSWORD})
        assert r.status_code == 200 and "Secure" in r.headers["set-cookie"]


def test_deeply_nested_json_is_refused_before_parsing(client, world):
    deep = b"[" * 100_000 + b"]" * 100_000
    for path in ("/api/v1/auth/token", "/api/v1/auth/session"):
        r = client.post(path, content=deep, headers={"content-type": "application/json"})
        assert r.status_code == 422 and r.json()["code"] == "request.too_deep", path
    r = client.post("/api/v1/auth/token", content=deep)  # no content type: read as JSON there
    assert r.status_code == 422
    ok = client.post("/api/v1/auth/token", json={"username": "leader", "password": PASSWORD})
    assert ok.status_code == 200


def test_control_characters_are_refused_in_text_fields(client, world):
    ext = f"/api/v1/checkpoints/{world.checkpoints[2].id}/extensions"
    h = world.headers("focal_syt")
    r = client.post(ext, json={"requested_due": "2023-12-31", "reason": "Chờ\u0000 số liệu"}, headers=h)
    assert r.status_code == 422 and r.json()["code"] == "text.control_chars"
    r = client.post(
        "/api/v1/auth/token",
        content=b"username=lea\x00der&password=x",
        headers={"content-type": "application/x-www-form-urlencoded"},
    )
    assert r.status_code == 422
    r = client.post("/api/v1/auth/token", data={"username": "lea%00der", "password": "x"})
    assert r.status_code == 401  # a percent sign is just text
    r = client.post(ext, json={"requested_due": "2023-12-31", "reason": "Dòng 1\nDòng 2\tcột"}, headers=h)
    assert r.status_code == 201, r.text  # line breaks and tabs are text


def test_usernames_are_unique_whatever_their_case(client, world):
    h = world.headers("admin")
    new = {"password": "mat-khau-dai-1", "role": "leader"}
    assert client.post("/api/v1/users", json={**new, "username": "yte"}, headers=h).status_code == 201
    for twin in ("YTE", "Yte"):
        r = client.post("/api/v1/users", json={**new, "username": twin}, headers=h)
        assert r.status_code == 409 and r.json()["code"] == "user.username_taken", twin
    for lookalike in ("yte.", "-yte", ".yte"):
        r = client.post("/api/v1/users", json={**new, "username": lookalike}, headers=h)
        assert r.status_code == 422 and r.json()["code"] == "user.username_invalid", lookalike
    assert _api_login(client, "YTE", "mat-khau-dai-1").status_code == 200  # one account, any case


def test_a_plan_tree_of_any_depth_renders(client, world, engine):
    # 300 levels: refs that long exceed the column on PostgreSQL, so the tree is built in memory
    sections = [Section(id=i, plan_id=1, ref=".".join(["1"] * (i + 1)), title=f"Mục {i}") for i in range(300)]
    tree = json.loads(dump_tree(section_nodes(sections)))
    depth, node = 1, tree[0]
    while node["children"]:
        depth, node = depth + 1, node["children"][0]
    assert depth == 300 and node["ref"] == sections[-1].ref
    # and over HTTP, as deep as the column allows, with siblings at every level
    with Session(engine) as s:
        for i in range(39):
            ref = ".".join(["1"] * (i + 1))
            s.add(Section(plan_id=world.task.plan_id, ref=ref, title=f"Mục {i}", position=i))
            s.add(Section(plan_id=world.task.plan_id, ref=ref[:-1] + "2", title=f"Bên {i}", position=i))
        s.commit()
    r = client.get(f"/api/v1/plans/{world.task.plan_id}/sections", headers=world.headers("leader"))
    assert r.status_code == 200
    top = {n["ref"]: n for n in r.json()}
    assert {"1", "2"} <= set(top) and top["1"]["children"][0]["ref"] == "1.1"
    sign_in(client, "leader")
    assert client.get(f"/plans/{world.task.plan_id}").status_code == 200
