"""Plans, tasks, agencies, rollups, audit: paging, filters and the error mapping of reads."""

from datetime import date

from sqlmodel import Session, select

from models import Section
from tests.builders import add_agency, add_task


def test_pagination_envelope_and_bounds(client, world, engine):
    with Session(engine, expire_on_commit=False) as s:
        for i in range(5):
            add_agency(s, f"Huyện {i}", code=f"h{i}", kind="district")
        s.commit()
    h = world.headers("focal_cat")
    r = client.get("/api/v1/agencies", params={"limit": 3, "offset": 2}, headers=h)
    body = r.json()
    assert r.status_code == 200 and body["total"] == 7 and body["limit"] == 3 and body["offset"] == 2
    assert len(body["items"]) == 3
    everything = client.get("/api/v1/agencies", params={"limit": 200}, headers=h).json()["items"]
    all_names = [a["name"] for a in everything]
    assert [a["name"] for a in body["items"]] == all_names[2:5]
    assert client.get("/api/v1/agencies", params={"kind": "district"}, headers=h).json()["total"] == 5
    for bad in (
        {"limit": 201},
        {"limit": 0},
        {"limit": -1},
        {"offset": -1},
        {"limit": "x"},
        {"offset": 10**30},
    ):
        assert client.get("/api/v1/agencies", params=bad, headers=h).status_code == 422, bad


def test_plan_sections_tree_and_tasks(client, world, engine):
    with Session(engine, expire_on_commit=False) as s:
        plan_id = world.task.plan_id
        s.add(Section(plan_id=plan_id, ref="II", title="Nhiệm vụ, giải pháp", position=-1))
        s.add(Section(plan_id=plan_id, ref="II.1.2", title="Tiểu mục", position=5))
        s.flush()
        sub = s.exec(select(Section).where(Section.ref == "II.1.2")).one()
        lead = s.get(type(world.cat), world.cat.id)
        t2 = add_task(s, lead, [date(2023, 2, 14)], supporting=(s.get(type(world.syt), world.syt.id),))
        t2.section_id = sub.id
        s.commit()
    h = world.headers("leader")
    tree = client.get(f"/api/v1/plans/{plan_id}/sections", headers=h).json()
    assert [n["ref"] for n in tree] == ["II"]
    assert [c["ref"] for c in tree[0]["children"]] == ["II.1"]
    assert [c["ref"] for c in tree[0]["children"][0]["children"]] == ["II.1.2"]
    tasks = client.get(f"/api/v1/plans/{plan_id}/tasks", headers=h).json()
    assert tasks["total"] == 2
    by_cat = client.get(
        f"/api/v1/plans/{plan_id}/tasks", params={"agency_id": world.cat.id}, headers=h
    ).json()
    assert [t["id"] for t in by_cat["items"]] == [t2.id]
    assert by_cat["items"][0]["supporting_agency_ids"] == [world.syt.id]
    by_syt = client.get("/api/v1/tasks", params={"agency_id": world.syt.id}, headers=h).json()
    assert by_syt["total"] == 2  # leads one, supports the other
    by_section = client.get("/api/v1/tasks", params={"section_id": sub.id}, headers=h).json()
    assert [t["id"] for t in by_section["items"]] == [t2.id]
    one = client.get(f"/api/v1/tasks/{world.task.id}", headers=h).json()
    assert one["due_dates"] == ["2023-03-14", "2023-06-14", "2023-09-14", "2023-12-14"]
    assert client.get("/api/v1/plans", headers=h).json()["total"] == 1


def test_not_found_and_bad_ids(client, world):
    h = world.headers("admin")
    r = client.get("/api/v1/plans/999999", headers=h)
    assert r.status_code == 404 and r.json() == {"detail": "plan 999999 not found", "code": "not_found"}
    assert client.get("/api/v1/tasks/999999", headers=h).status_code == 404
    assert client.get("/api/v1/agencies/0", headers=h).status_code == 422
    assert client.get(f"/api/v1/agencies/{10**20}", headers=h).status_code == 422
    assert client.get("/api/v1/agencies/abc", headers=h).status_code == 422
    assert client.get("/api/v1/no-such-route", headers=h).status_code == 404


def test_rollups(client, world):
    r = client.get("/api/v1/rollups/agencies", headers=world.headers("secretariat"))
    body = r.json()
    assert r.status_code == 200 and body["total"] == 1
    syt = body["items"][0]
    # on 2023-07-01 the Q1 and 6-month checkpoints are past due and not accepted
    assert syt["key"] == world.syt.id and syt["counts"]["overdue"] == 2 and syt["due"] == 2
    assert syt["completion_pct"] == 0.0
    assert syt["oldest_overdue"]["due_date"] == "2023-03-14" and syt["oldest_overdue"]["days_late"] == 109
    own = client.get("/api/v1/rollups/agencies", headers=world.headers("focal_cat")).json()
    assert own["total"] == 0  # Công an tỉnh owns nothing and must not see Sở Y tế's figures
    plan_id = world.task.plan_id
    sections = client.get(
        "/api/v1/rollups/sections", params={"plan_id": plan_id}, headers=world.headers("leader")
    ).json()
    assert [s["key"] for s in sections["items"]] == ["II.1"]
    assert client.get("/api/v1/rollups/sections", headers=world.headers("leader")).status_code == 422
    assert (
        client.get(
            "/api/v1/rollups/sections", params={"plan_id": 424242}, headers=world.headers("leader")
        ).status_code
        == 404
    )
    assert client.get("/api/v1/rollups/plans", headers=world.headers("focal_syt")).status_code == 403
    plans = client.get("/api/v1/rollups/plans", headers=world.headers("admin")).json()
    assert plans["items"][0]["total"] == 4


def test_audit_events_are_for_secretariat_and_admin(client, world):
    r = client.post(
        "/api/v1/users",
        json={"username": "nguoi-moi", "password": "mat-khau-dai-1", "role": "leader"},
        headers=world.headers("admin"),
    )
    assert r.status_code == 201
    new_id = r.json()["id"]
    events = client.get(
        "/api/v1/audit-events",
        params={"entity_type": "user", "entity_id": new_id},
        headers=world.headers("secretariat"),
    ).json()
    assert events["total"] == 1 and events["items"][0]["action"] == "user.create"
    assert "password" not in str(events["items"][0]["after"])
    for who in ("focal_syt", "head_syt", "leader"):
        assert client.get("/api/v1/audit-events", headers=world.headers(who)).status_code == 403


def test_user_admin_errors_map_to_statuses(client, world):
    h = world.headers("admin")
    dup = {"username": "focal_syt", "password": "mat-khau-dai-1", "role": "focal", "agency_id": world.syt.id}
    assert client.post("/api/v1/users", json=dup, headers=h).status_code == 409
    no_agency = {"username": "moi", "password": "mat-khau-dai-1", "role": "focal"}
    r = client.post("/api/v1/users", json=no_agency, headers=h)
    assert r.status_code == 422 and "agency" in r.json()["detail"]
    assert client.post("/api/v1/users", json={**no_agency, "password": "ngan"}, headers=h).status_code == 422
    r = client.post("/api/v1/users", json=no_agency, headers=world.headers("secretariat"))
    assert r.status_code == 403
    assert client.post("/api/v1/users/999999/deactivate", headers=h).status_code == 404
    me = world.users["admin"].id
    assert client.post(f"/api/v1/users/{me}/deactivate", headers=h).status_code == 422
    listing = client.get("/api/v1/users", params={"role": "focal"}, headers=h).json()
    assert {u["username"] for u in listing["items"]} == {"focal_syt", "focal_cat"}
    assert client.get("/api/v1/users", params={"role": "king"}, headers=h).status_code == 422


def test_values_the_database_refuses_are_422(client, world, engine):
    """NUL bytes (PostgreSQL refuses them in text) give a precise 422, never a 500."""
    h = world.headers("admin")
    r = client.get("/api/v1/audit-events", params={"action": "a\x00b"}, headers=h)
    r2 = client.get("/api/v1/agencies", params={"kind": "\x00"}, headers=h)
    if engine.dialect.name == "postgresql":
        assert r.status_code == r2.status_code == 422
        assert r.json()["detail"].startswith("invalid value:") and "NUL" in r.json()["detail"]
    else:  # SQLite stores NUL bytes like any other character
        assert r.status_code == r2.status_code == 200 and r.json()["total"] == 0


def test_malformed_bodies_are_422(client, world):
    h = world.headers("secretariat")
    focal = world.headers("focal_syt")
    cp = world.checkpoints[2].id
    ext = f"/api/v1/checkpoints/{cp}/extensions"
    sub = f"/api/v1/checkpoints/{cp}/submissions"
    as_json = {**focal, "content-type": "application/json"}
    broken = client.post(ext, content=b'{"requested_due": ', headers=as_json)
    assert broken.status_code == 422
    for body in (
        ["not", "an", "object"],
        {"requested_due": 20231015, "reason": "x"},
        {"requested_due": "2023-10-15", "reason": 5},
    ):
        assert client.post(ext, json=body, headers=focal).status_code == 422, body
    for version in ("abc", str(10**30), "-1"):
        r = client.post(sub, data={"note": "x", "expected_version": version}, headers=focal)
        assert r.status_code == 422, version
    assert (
        client.post("/api/v1/submissions/1/accept", json={"expected_version": 10**30}, headers=h).status_code
        == 422
    )
    r = client.post("/api/v1/extensions/1/decision", json={"approve": "perhaps"}, headers=h)
    assert r.status_code == 422
    for path, params in (
        ("/api/v1/escalations", {"fired_from": "2023-13-01"}),
        ("/api/v1/extensions", {"status": "maybe"}),
    ):
        assert client.get(path, params=params, headers=h).status_code == 422, params
