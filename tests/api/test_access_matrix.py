"""Access-control matrix: every route of the app × every role, on Sở Y tế's real records.

The walker iterates `app.routes` (API and pages), fills path parameters with the ids of one
checkpoint / submission / evidence / extension request of Sở Y tế, and checks:
- anonymous: 401 on the API, a redirect to /login on pages (routes that require a user);
- the focal point of another agency (Công an tỉnh): 404 on Sở Y tế's records, with the same answer
  as for an id that does not exist (guessing ids reveals nothing);
- the leader: read-only (403 on every write of the API);
- only the secretariat and the admin review; only Sở Y tế's focal point reports for it;
- nobody ever gets a 500, not even with ids past 64 bits.
API routes have an explicit expectation each (a new API route fails here until it gets one);
pages routes get the generic checks above automatically.
"""

import re
from dataclasses import dataclass

import pytest
from fastapi.routing import APIRoute, iter_route_contexts
from fastapi.testclient import TestClient
from sqlmodel import Session

from api.app import create_app
from api.deps import get_current_user
from api.security import issue_token
from models import Checkpoint, User
from models.types import utcnow
from tests.api.conftest import ROLES, TODAY
from tests.builders import PASSWORD
from workflows.people import throttle

ALL = frozenset(ROLES)
SEES_ALL = frozenset({"secretariat", "leader", "admin"})
DESK = frozenset({"secretariat", "admin"})
OWNED = {
    "checkpoint_id",
    "submission_id",
    "evidence_id",
    "extension_id",
    "request_id",
    "indicator_id",
    "value_id",
    "explanation_id",
}  # Sở Y tế's
PUBLIC_PREFIXES = ("/static", "/api/v1/openapi.json", "/api/v1/docs")
OK = {200, 201, 204}
# a leader is read-only on plan data, but signs in and out and manages their own account
OWN_ACCOUNT = ("/login", "/logout", "/account")
REFUSED_BY_STATE = {409, 422}  # allowed to try; the record's state or content said no


@dataclass(frozen=True)
class Expect:
    """`allowed` roles succeed (or meet a state conflict on writes), `hidden` get 404, others 403."""

    allowed: frozenset
    hidden: frozenset = frozenset()
    json: dict | None = None
    data: dict | None = None
    query: dict | None = None  # values may name a record: "{plan_id}"


def owned_by_syt(allowed=ALL - {"focal_cat"}, **kw) -> Expect:
    return Expect(frozenset(allowed), frozenset({"focal_cat"}), **kw)


V1 = "/api/v1"
API: dict[tuple[str, str], Expect] = {
    ("DELETE", "/auth/session"): Expect(ALL),
    ("DELETE", "/auth/token"): Expect(ALL),  # ends the caller's own token (re-issued below)
    ("GET", "/auth/sessions"): Expect(ALL),
    # a spare sign-in of Sở Y tế's focal point: only its owner may end it
    ("DELETE", "/auth/sessions/{session_id}"): Expect(frozenset({"focal_syt"}), ALL - {"focal_syt"}),
    ("POST", "/users/me/password"): Expect(
        ALL, json={"current_password": PASSWORD, "new_password": PASSWORD}
    ),
    ("POST", "/users/{user_id}/sign-out"): Expect(frozenset({"admin"})),
    ("POST", "/users/{user_id}/second-factor/reset"): Expect(frozenset({"admin"})),
    ("GET", "/users/me"): Expect(ALL),
    ("GET", "/users"): Expect(frozenset({"admin"})),
    ("POST", "/users"): Expect(
        frozenset({"admin"}), json={"username": "nguoi-moi", "password": "mat-khau-dai-1", "role": "leader"}
    ),
    ("POST", "/users/{user_id}/deactivate"): Expect(frozenset({"admin"})),
    ("GET", "/agencies"): Expect(ALL),
    ("GET", "/agencies/{agency_id}"): Expect(ALL),
    ("GET", "/plans"): Expect(ALL),
    ("GET", "/plans/{plan_id}"): Expect(ALL),
    ("GET", "/plans/{plan_id}/sections"): Expect(ALL),
    ("GET", "/plans/{plan_id}/tasks"): Expect(ALL),
    ("GET", "/plans/{plan_id}/ladder"): Expect(ALL),
    ("PUT", "/plans/{plan_id}/ladder"): Expect(DESK, json={"rungs": None}),
    ("GET", "/tasks"): Expect(ALL),
    ("GET", "/tasks/{task_id}"): Expect(ALL),
    ("GET", "/checkpoints"): Expect(ALL),
    ("GET", "/search/checkpoints"): Expect(ALL),
    ("GET", "/checkpoints/{checkpoint_id}"): owned_by_syt(),
    ("GET", "/checkpoints/{checkpoint_id}/history"): owned_by_syt(),
    ("GET", "/checkpoints/{checkpoint_id}/submissions"): owned_by_syt(),
    ("GET", "/checkpoints/{checkpoint_id}/extensions"): owned_by_syt(),
    ("POST", "/checkpoints/{checkpoint_id}/submissions"): owned_by_syt(
        {"focal_syt"}, data={"note": "Báo cáo"}
    ),
    # the lead agency reports; contributions are for supporting agencies (none here)
    ("POST", "/checkpoints/{checkpoint_id}/contributions"): owned_by_syt(set(), data={"note": "Phối hợp"}),
    ("POST", "/checkpoints/{checkpoint_id}/extensions"): owned_by_syt(
        {"focal_syt"}, json={"requested_due": "2023-12-31", "reason": "Chờ số liệu"}
    ),
    ("GET", "/submissions/{submission_id}"): owned_by_syt(),
    ("POST", "/submissions/{submission_id}/accept"): owned_by_syt(DESK, json={}),
    ("POST", "/submissions/{submission_id}/return"): owned_by_syt(DESK, json={"reason": "Thiếu số liệu"}),
    ("GET", "/evidence/{evidence_id}"): owned_by_syt(),
    ("GET", "/evidence/{evidence_id}/info"): owned_by_syt(),
    ("POST", "/evidence/{evidence_id}/withdraw"): owned_by_syt(DESK | {"focal_syt"}),
    ("GET", "/extensions"): Expect(ALL),
    ("POST", "/extensions/{extension_id}/decision"): owned_by_syt(
        DESK, json={"approve": False, "note": "Không"}
    ),
    ("GET", "/rollups/agencies"): Expect(ALL),
    ("GET", "/rollups/sections"): Expect(SEES_ALL, query={"plan_id": "{plan_id}"}),
    ("GET", "/rollups/plans"): Expect(SEES_ALL),
    ("GET", "/escalations"): Expect(ALL),
    ("GET", "/audit-events"): Expect(DESK),
}
ADMIN = frozenset({"admin"})
# pages with an explicit expectation (the others get the generic checks): a page write that is
# allowed redirects (303) or re-shows its form with the refusal (409/422)
PAGES: dict[tuple[str, str], Expect] = {
    ("GET", "/registry"): Expect(DESK),
    ("GET", "/registry/export.xlsx"): Expect(DESK),
    ("GET", "/registry/export.yaml"): Expect(DESK),
    ("POST", "/registry/agencies"): Expect(DESK),  # the secretariat adds agencies (no name: 422)
    ("POST", "/registry/agencies/{agency_id}/aliases"): Expect(DESK, data={"aliases": "SYT"}),
    ("POST", "/registry/import"): Expect(DESK),  # no file: 422
    # renaming and merging: the secretariat keeps the registry, the admin too (no name typed: 422)
    ("POST", "/registry/agencies/{agency_id}/rename"): Expect(DESK),
    ("POST", "/registry/agencies/{agency_id}/merge"): Expect(DESK),
}
PAGE_WRITE_OK = {303}
PUBLIC_API = {
    ("POST", "/auth/token"),
    ("POST", "/auth/session"),  # they take credentials instead
    ("GET", "/docs"),
}  # the API documentation page, public like openapi.json


def _requires_user(dependant) -> bool:
    stack = [dependant]
    while stack:
        dep = stack.pop()
        if dep.call is get_current_user:
            return True
        stack.extend(dep.dependencies)
    return False


def _routes(app):
    """(method, full path, dependant) of every endpoint, through included routers."""
    for rc in iter_route_contexts(app.routes):
        if not isinstance(rc.original_route, APIRoute):
            continue  # /static mount, openapi.json and docs: public by design
        # the effective context carries the include-time prefix and router-level dependencies
        dependant = getattr(rc._route_context, "dependant", None) or rc.original_route.dependant
        for method in sorted(set(rc.methods) - {"HEAD", "OPTIONS"}):
            yield method, rc.path, dependant


def _url(path: str, ids: dict[str, int]) -> str:
    names = re.findall(r"{(\w+)}", path)
    missing = [n for n in names if n not in ids]
    assert not missing, f"{path}: give the access matrix a real id for {missing}"
    return path.format(**{n: ids[n] for n in names})


def _call(client, method, url, who, world, expect: Expect | None, ids: dict[str, int]):
    kwargs = {"headers": world.headers(who), "follow_redirects": False}
    if expect is not None and expect.query is not None:
        kwargs["params"] = {k: v.format(**ids) for k, v in expect.query.items()}
    if expect is not None and expect.json is not None:
        kwargs["json"] = expect.json
    if expect is not None and expect.data is not None:
        kwargs["data"] = expect.data
    return client.request(method, url, **kwargs)


def _first_difference(a: str, b: str) -> int:
    return next((i for i, (x, y) in enumerate(zip(a, b, strict=False)) if x != y), min(len(a), len(b)))


def _same_words(text: str) -> str:
    return re.sub(r"\d+", "N", text)


def _reissue_token(engine, world, who: str) -> None:
    """A fresh token after a route that ended the caller's own (the matrix goes on with it)."""
    with Session(engine) as s:
        world.tokens[who] = issue_token(s, s.get(User, world.users[who].id))[0]
        s.commit()


def test_every_route_for_every_role(app, client, world, records, engine):
    checked = 0
    unsafe_api = 0
    problems = []
    for method, path, dependant in _routes(app):
        is_api = path.startswith(V1 + "/")
        key = (method, path.removeprefix(V1))
        if is_api and key not in API and key not in PUBLIC_API:
            problems.append(f"{method} {path}: API route without an expectation in the access matrix")
            continue
        if key in PUBLIC_API or path.startswith(PUBLIC_PREFIXES):
            continue
        expect = API.get(key) if is_api else PAGES.get(key)
        url = _url(path, records)
        owned = bool(OWNED & set(re.findall(r"{(\w+)}", path)))

        # anonymous
        r = _call(client, method, url, "anonymous", world, expect, records)
        if _requires_user(dependant):
            if is_api:
                ok = r.status_code == 401
            else:
                ok = r.status_code in (302, 303, 307) and r.headers["location"].startswith("/login")
            if not ok:
                problems.append(f"anonymous {method} {path}: {r.status_code}")
        elif r.status_code >= 500:
            problems.append(f"anonymous {method} {path}: {r.status_code}")

        for who in ROLES:
            r = _call(client, method, url, who, world, expect, records)
            checked += 1
            status = r.status_code
            if key == ("DELETE", "/auth/token") and status == 204:
                _reissue_token(engine, world, who)
            if status >= 500:
                problems.append(f"{who} {method} {path}: {status}")
                continue
            if expect is not None:
                if who in expect.allowed:
                    wanted = OK if method == "GET" else OK | REFUSED_BY_STATE
                    wanted = wanted if is_api or method == "GET" else PAGE_WRITE_OK | REFUSED_BY_STATE
                elif who in expect.hidden:
                    wanted = {404}
                else:
                    wanted = {403}
                if status not in wanted:
                    problems.append(
                        f"{who} {method} {path}: {status} (wanted {sorted(wanted)}) {r.text[:120]}"
                    )
            elif owned and who == "focal_cat" and (status < 400 or status in (401,)):
                problems.append(f"{who} {method} {path}: {status} on Sở Y tế's record")
            elif method != "GET" and who == "leader" and status < 400 and not path.startswith(OWN_ACCOUNT):
                problems.append(f"leader {method} {path}: {status} — leaders are read-only")
            # guessing ids: Công an tỉnh's focal point gets the same answer as for a missing record
            if who == "focal_cat" and owned and method == "GET":
                ghost = _url(path, {**records, **{k: 2_000_000_000 for k in OWNED}})
                g = _call(client, method, ghost, who, world, expect, records)
                if (g.status_code, _same_words(g.text)) != (status, _same_words(r.text)):
                    at = _first_difference(_same_words(r.text), _same_words(g.text))
                    problems.append(
                        f"focal_cat {method} {path}: the answer for Sở Y tế's record "
                        f"({status}, …{r.text[at : at + 80]!r}) differs from a missing id's "
                        f"({g.status_code}, …{g.text[at : at + 80]!r})"
                    )
        # ids past 64 bits are bad input (422 or 404), never a 500
        names = re.findall(r"{(\w+)}", path)
        if names:
            huge = _url(path, {**records, **{n: 10**20 for n in names}})
            h = _call(client, method, huge, "admin", world, expect, records)
            if h.status_code >= 500 or h.status_code < 400:
                problems.append(f"admin {method} {huge}: {h.status_code}")
        if is_api and method != "GET":
            unsafe_api += 1
    assert not problems, "\n".join(problems)
    assert unsafe_api >= 10 and checked >= 6 * len(API)


def test_leader_writes_are_refused_before_anything_changes(client, world, records, engine):
    """A refused write leaves the checkpoint as it was (version unchanged)."""
    with Session(engine) as s:
        before = s.get(Checkpoint, records["checkpoint_id"]).version
    for path, body in (
        (f"/api/v1/submissions/{records['submission_id']}/accept", {}),
        (f"/api/v1/submissions/{records['submission_id']}/return", {"reason": "x"}),
    ):
        assert client.post(path, json=body, headers=world.headers("leader")).status_code == 403
    with Session(engine) as s:
        assert s.get(Checkpoint, records["checkpoint_id"]).version == before


# --- figures: one visibility rule (PLANTRACK_PEER_FIGURES) for the plan pages and the rollups API

FIGURE_ROUTES = ("/rollups/sections", "/rollups/plans")


def _figures_seen(client, world, who: str, plan_id: int) -> dict[str, object]:
    """What `who` gets of the figures: the API's answers and what the two plan pages show."""
    h = world.headers(who)
    api = {
        path: client.get(V1 + path, params={"plan_id": plan_id}, headers=h).status_code
        for path in FIGURE_ROUTES
    }
    agencies = client.get(V1 + "/rollups/agencies", headers=h).json()["items"]
    plan_page = client.get(f"/plans/{plan_id}", headers=h)
    plans_page = client.get("/plans", headers=h)
    assert plan_page.status_code == plans_page.status_code == 200
    return {
        "api": api,
        "agencies": {a["label"] for a in agencies},
        "plan_figures": "mốc đến hạn ·" in plan_page.text,  # the plan's and its sections' progress bars
        "task_counts": "badge-sm" in plan_page.text,  # Sở Y tế's task counted by status
        "plans_figures": "mốc đến hạn ·" in plans_page.text,
    }


@pytest.mark.parametrize("policy", ["own", "all"])
def test_figures_follow_one_rule_on_pages_and_api(settings, engine, world, records, policy):
    app = create_app(settings.model_copy(update={"peer_figures": policy}), engine, today=TODAY)
    with TestClient(app) as client:
        for who in ROLES:
            seen = _figures_seen(client, world, who, records["plan_id"])
            everything = who in SEES_ALL or policy == "all"
            own_task = who in ("focal_syt", "head_syt")  # Sở Y tế leads the only task
            assert seen["api"] == dict.fromkeys(FIGURE_ROUTES, 200 if everything else 403), who
            assert seen["plan_figures"] is seen["plans_figures"] is everything, who
            assert seen["task_counts"] is (everything or own_task), who
            theirs = {"Sở Y tế"} if everything or own_task else set()
            assert seen["agencies"] == theirs, who  # Công an tỉnh leads nothing: no row of its own


# --- login throttling: every way in answers a locked name or address alike (429 with Retry-After)

GHOST = "khong-ai-co"  # no such account: it must be told nothing the existing one is not
THROTTLED_VI = re.compile(r"Đăng nhập sai quá nhiều lần\. Vui lòng thử lại sau (\d+) giây\.")


def _page_login(client, username: str, password: str):
    token = re.search(r'name="csrf_token" value="([^"]*)"', client.get("/login").text).group(1)
    return client.post("/login", data={"username": username, "password": password, "csrf_token": token})


LOGINS = {
    "POST /api/v1/auth/token": lambda c, u, p: c.post(
        V1 + "/auth/token", data={"username": u, "password": p}
    ),
    "POST /api/v1/auth/session": lambda c, u, p: c.post(
        V1 + "/auth/session", json={"username": u, "password": p}
    ),
    "POST /login": _page_login,
}


def _lock(engine, username: str, address: str, failures: int) -> None:
    """Failed sign-ins recorded as the throttle counts them (argon2 for each would cost seconds)."""
    with Session(engine) as s:
        for _ in range(failures):
            throttle.record_failure(s, username, address, utcnow())
        s.commit()


def _throttled_answer(route: str, r) -> tuple[int, str]:
    """(Retry-After, the refusal in digits-blind form) of a throttled answer; fails on anything else."""
    assert r.status_code == 429, (route, r.status_code, r.text[:200])
    retry = int(r.headers["retry-after"])
    if route.startswith("POST /api/"):
        assert r.json()["code"] == "auth.throttled" and str(retry) in r.json()["detail"]
        return retry, _same_words(r.json()["detail"])
    shown = THROTTLED_VI.search(r.text)
    assert shown and int(shown.group(1)) == retry, route
    return retry, _same_words(shown.group(0))


@pytest.mark.parametrize("locked", ["account", "address"])
def test_a_locked_sign_in_answers_429_with_retry_after_on_api_and_page(app, engine, world, locked):
    """Existing or not, right password or not: a locked name (or address) gets the same 429 everywhere."""
    answers, problems = {}, []
    for n, route in enumerate(LOGINS):
        for username, password in (("focal_syt", PASSWORD), (GHOST, "sai-mat-khau")):
            address = f"10.0.{n}.{len(answers)}"
            if locked == "account":  # the name's failures came from elsewhere: only the name is locked
                _lock(engine, username, f"10.9.{n}.{len(answers)}", throttle.FREE_FAILURES + 3)
            else:  # failures under other names from this address: only the address is locked
                _lock(engine, f"ai-do-{len(answers)}", address, throttle.FREE_FAILURES_ADDRESS + 3)
            with TestClient(app, client=(address, 50000)) as c:
                r = LOGINS[route](c, username, password)
            try:
                answers[route, username] = _throttled_answer(route, r)
            except AssertionError as exc:
                problems.append(f"{locked} locked, {username} {route}: {exc}")
    assert not problems, "\n".join(problems)
    for route in LOGINS:
        (retry, said), (ghost_retry, ghost_said) = answers[route, "focal_syt"], answers[route, GHOST]
        longest = throttle.MAX_LOCK.total_seconds()
        assert said == ghost_said and 1 <= retry <= longest and 1 <= ghost_retry <= longest, route
    with TestClient(app, client=("10.8.0.1", 50000)) as c:  # elsewhere, nothing is locked
        assert LOGINS["POST /api/v1/auth/token"](c, "head_syt", PASSWORD).status_code == 200
